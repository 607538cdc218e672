package scanners

import (
	"path"
	"strings"
)

// ArchiveSep joins an archive's path and the path of a file inside it
// ("lib/app.jar!config/app.yml"), as gitleaks writes it.
const ArchiveSep = "!"

// archiveExts are the extensions of the archive and compressed formats the
// sources open (scanners/archive): a path with one of them before a "!"
// is a file inside an archive.
var archiveExts = map[string]bool{
	".zip": true, ".jar": true, ".war": true, ".ear": true, ".aar": true, ".apk": true, ".xpi": true,
	".whl": true, ".egg": true, ".nupkg": true, ".vsix": true, ".ipa": true,
	".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".odp": true,
	".tar": true, ".tgz": true, ".tbz": true, ".tbz2": true, ".txz": true, ".tzst": true,
	".gz": true, ".bz2": true, ".xz": true, ".zst": true, ".lz4": true, ".br": true, ".sz": true,
	".lz": true, ".mz": true, ".z": true, ".7z": true, ".rar": true,
}

// SplitArchivePath splits the path of a file inside an archive into the
// archive's path (a file in the repository) and the rest. ok is false for
// other paths, which may hold "!" in their names.
func SplitArchivePath(p string) (archive, inner string, ok bool) {
	for i := strings.Index(p, ArchiveSep); i > 0; {
		if archiveExts[strings.ToLower(path.Ext(p[:i]))] {
			return p[:i], p[i+len(ArchiveSep):], true
		}
		j := strings.Index(p[i+1:], ArchiveSep)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return "", "", false
}
