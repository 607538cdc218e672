package scanners

import "github.com/bmatcuk/doublestar/v4"

// Excluded reports whether the slash path rel matches any doublestar glob in
// globs; a directory also matches a glob written for its contents
// ("dir/**").
//
// A file inside an archive ("lib/app.jar!config/app.yml") is excluded
// when the archive is: its path up to each "!" is matched too.
func Excluded(globs []string, rel string, dir bool) bool {
	for i := 0; i < len(rel); i++ {
		if rel[i] == '!' && i > 0 && Excluded(globs, rel[:i], false) {
			return true
		}
	}
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
		if dir {
			if ok, _ := doublestar.Match(g, rel+"/"); ok {
				return true
			}
		}
	}
	return false
}

// ValidGlob reports whether g is a valid doublestar pattern.
func ValidGlob(g string) bool { return doublestar.ValidatePattern(g) }
