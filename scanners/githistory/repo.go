package githistory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/config"

	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

// gitDirs are the folders of a repository: gitDir holds HEAD; commonDir
// holds objects, refs, packed-refs, config and shallow (they differ only
// for linked worktrees).
type gitDirs struct {
	gitDir, commonDir string
}

// findGitDir accepts a worktree (with a .git folder or .git file) or a bare
// repository.
func findGitDir(root string) (gitDirs, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return gitDirs{}, err
	}
	dot := filepath.Join(abs, ".git")
	st, err := os.Stat(dot)
	var gd string
	switch {
	case err == nil && st.IsDir():
		gd = dot
	case err == nil:
		// A .git file: "gitdir: <path>" (worktrees, submodules).
		b, rerr := os.ReadFile(dot)
		if rerr != nil {
			return gitDirs{}, rerr
		}
		line, _, _ := strings.Cut(string(b), "\n")
		p, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
		if !ok {
			return gitDirs{}, fmt.Errorf("%s: not a gitdir file", dot)
		}
		p = strings.TrimSpace(p)
		if !filepath.IsAbs(p) {
			p = filepath.Join(abs, p)
		}
		gd = p
	default:
		if isGitDir(abs) {
			gd = abs
		} else {
			return gitDirs{}, fmt.Errorf("%s is not a git repository", root)
		}
	}
	if !isGitDir(gd) {
		return gitDirs{}, fmt.Errorf("%s is not a readable git folder (it has no HEAD, or no objects and no commondir): the repository is damaged or was copied in part", gd)
	}
	d := gitDirs{gitDir: gd, commonDir: gd}
	if b, err := os.ReadFile(filepath.Join(gd, "commondir")); err == nil {
		p := strings.TrimSpace(string(b))
		if !filepath.IsAbs(p) {
			p = filepath.Join(gd, p)
		}
		d.commonDir = p
	}
	return d, nil
}

// FindRepo returns the repository that holds dir, as git finds it: dir
// itself when it is a worktree's top (with a .git folder or file) or a
// git folder, else the nearest parent folder with a .git. top is that
// folder; it is dir, made absolute, for a git folder.
func FindRepo(dir string) (top string, d GitDirs, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", GitDirs{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", GitDirs{}, err
	}
	d, err = FindGitDirs(abs)
	if err == nil {
		return abs, d, nil
	}
	if _, serr := os.Lstat(filepath.Join(abs, ".git")); serr == nil {
		return "", GitDirs{}, err // a .git here that is broken: say so, not "no .git"
	}
	for top := filepath.Dir(abs); ; top = filepath.Dir(top) {
		if _, err := os.Lstat(filepath.Join(top, ".git")); err == nil {
			d, err := FindGitDirs(top)
			return top, d, err
		}
		if filepath.Dir(top) == top {
			break
		}
	}
	return "", GitDirs{}, errors.New("no .git there or in any parent folder")
}

func isGitDir(d string) bool {
	if _, err := os.Stat(filepath.Join(d, "HEAD")); err != nil {
		return false
	}
	if st, err := os.Stat(filepath.Join(d, "objects")); err == nil && st.IsDir() {
		return true
	}
	_, err := os.Stat(filepath.Join(d, "commondir"))
	return err == nil
}

// ref is a name and the object it points to.
type ref struct {
	name string
	id   oid
}

// readRefsAndHead lists the refs under refs/, sorted by name (symbolic
// refs other than HEAD are skipped), and returns HEAD's commit (zero when
// unborn) and the branch it names: from loose refs and packed-refs, or
// from the reftable stack, read once.
func readRefsAndHead(d gitDirs) (refs []ref, head oid, branch string, err error) {
	if !usesReftable(d.commonDir) {
		if refs, err = readRefs(d); err != nil {
			return nil, oid{}, "", err
		}
		head, branch, err = readHead(d, refs)
		return refs, head, branch, err
	}
	table, err := reftableRefs(d)
	if err != nil {
		return nil, oid{}, "", err
	}
	m := map[string]oid{}
	for name, r := range table {
		if r.symref == "" && strings.HasPrefix(name, "refs/") {
			m[name] = r.id
		}
	}
	head, branch, err = reftableHead(table)
	return sortedRefs(m), head, branch, err
}

// readRefs lists refs under refs/ (loose refs win over packed ones),
// sorted by name. Symbolic refs other than HEAD are skipped.
func readRefs(d gitDirs) ([]ref, error) {
	m := map[string]oid{}
	if b, err := os.ReadFile(filepath.Join(d.commonDir, "packed-refs")); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == '#' || line[0] == '^' {
				continue
			}
			h, name, ok := strings.Cut(line, " ")
			if id, good := parseOID(h); ok && good && strings.HasPrefix(name, "refs/") {
				m[name] = id
			}
		}
	}
	refsDir := filepath.Join(d.commonDir, "refs")
	_ = filepath.WalkDir(refsDir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !e.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(d.commonDir, p)
		if err != nil {
			return nil
		}
		if id, ok := parseOID(strings.TrimSpace(string(b))); ok {
			m[filepath.ToSlash(rel)] = id
		}
		return nil
	})
	return sortedRefs(m), nil
}

// sortedRefs lists m's refs sorted by name.
func sortedRefs(m map[string]oid) []ref {
	refs := make([]ref, 0, len(m))
	for n, id := range m {
		refs = append(refs, ref{n, id})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].name < refs[j].name })
	return refs
}

// readHead returns HEAD's commit id (zero when unborn) and the branch it
// names, if any.
func readHead(d gitDirs, refs []ref) (oid, string, error) {
	b, err := os.ReadFile(filepath.Join(d.gitDir, "HEAD"))
	if err != nil {
		return oid{}, "", err
	}
	s := strings.TrimSpace(string(b))
	if target, ok := strings.CutPrefix(s, "ref:"); ok {
		target = strings.TrimSpace(target)
		for _, r := range refs {
			if r.name == target {
				return r.id, strings.TrimPrefix(target, "refs/heads/"), nil
			}
		}
		// A linked worktree keeps its own refs only for HEAD-like names;
		// branch refs live in the common dir, already read.
		return oid{}, strings.TrimPrefix(target, "refs/heads/"), nil
	}
	if id, ok := parseOID(s); ok {
		return id, "", nil
	}
	return oid{}, "", errors.New("unreadable HEAD")
}

// readShallow lists the shallow boundary commits.
func readShallow(d gitDirs) map[oid]bool {
	b, err := os.ReadFile(filepath.Join(d.commonDir, "shallow"))
	if err != nil {
		return nil
	}
	m := map[oid]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if id, ok := parseOID(strings.TrimSpace(line)); ok {
			m[id] = true
		}
	}
	return m
}

// originURL reads remote "origin" from the repository's config file as data
// (no includes are followed, nothing is run) and strips credentials.
func originURL(d gitDirs) string {
	cfg := readConfig(d.commonDir)
	if cfg == nil {
		return ""
	}
	if rem, ok := cfg.Remotes["origin"]; ok && len(rem.URLs) > 0 {
		return repoinfo.CleanURL(rem.URLs[0])
	}
	return ""
}

// readConfig reads the config file of the repository whose common folder
// is commonDir as data (no includes are followed, nothing is run), or
// returns nil when there is none or it cannot be parsed.
func readConfig(commonDir string) *gitconfig.Config {
	f, err := os.Open(filepath.Join(commonDir, "config"))
	if err != nil {
		return nil
	}
	defer f.Close()
	cfg, err := gitconfig.ReadConfig(f)
	if err != nil || cfg.Raw == nil {
		return nil
	}
	return cfg
}

// ConfigOption returns option of section (no subsection) from the
// repository's config, read as data, or "" when unset or unreadable.
func ConfigOption(d GitDirs, section, option string) string {
	if cfg := readConfig(d.CommonDir); cfg != nil {
		return cfg.Raw.Section(section).Option(option)
	}
	return ""
}

// partialClone describes the promisor remote of a partial clone ("origin,
// filter blob:none"), or returns "" for a complete repository. Its objects
// are fetched on demand, which a scan never does: the blobs it lacks are
// summed up in one note instead of one note each.
func partialClone(d gitDirs) string {
	cfg := readConfig(d.commonDir)
	if cfg == nil {
		return ""
	}
	remote := cfg.Raw.Section("extensions").Option("partialclone")
	for _, sub := range cfg.Raw.Section("remote").Subsections {
		if remote == "" && strings.EqualFold(sub.Option("promisor"), "true") {
			remote = sub.Name
		}
	}
	if remote == "" {
		return ""
	}
	if filter := cfg.Raw.Section("remote").Subsection(remote).Option("partialclonefilter"); filter != "" {
		return remote + ", filter " + filter
	}
	return remote
}

// repoName is the label for reports: the folder name without ".git" (the
// parent folder for a ".git" dir).
func repoName(root string, d gitDirs) string {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	name := filepath.Base(abs)
	if name == ".git" {
		name = filepath.Base(filepath.Dir(abs))
	}
	return strings.TrimSuffix(name, ".git")
}
