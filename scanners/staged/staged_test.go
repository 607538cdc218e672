package staged

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
	"github.com/sprawl-dev/sprawl/scanners/staged/gitindex"
)

// The staged changes are checked against git itself: for every scenario
// and every way git can write the index (versions 2/3 and 4, split, with
// the cached tree as git left it and without it), Changes must list
// exactly the regular files `git diff-index --cached HEAD` reports as
// added or modified, minus intent-to-add entries and mode-only changes.

func git(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	return gitgen.Git(t, dir, stdin, nil, args...)
}

// base is the committed starting point of most scenarios.
func base(t *testing.T) string {
	t.Helper()
	return baseIn(t, "sha1")
}

// baseIn is base in a repository with object ids in format.
func baseIn(t *testing.T, format string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "", "init", "-q", "-b", "main", "--object-format="+format)
	for i := range 12 {
		gitgen.WriteFile(t, dir, fmt.Sprintf("pkg%d/sub/file%d.go", i%4, i), fmt.Sprintf("package p%d\n", i))
	}
	gitgen.WriteFile(t, dir, "app/config.env", "MODE=dev\n")
	gitgen.WriteFile(t, dir, "app/old.env", "OLD=1\n")
	gitgen.WriteFile(t, dir, "docs/readme.md", "hello\n")
	gitgen.WriteFile(t, dir, "x", "a file that becomes a folder\n")
	gitgen.WriteFile(t, dir, "tool.sh", "#!/bin/sh\n")
	if err := os.Symlink("docs/readme.md", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "", "add", "-A")
	git(t, dir, "", "commit", "-q", "-m", "base")
	return dir
}

type scenario struct {
	name string
	// setup returns the work tree, changes staged, of a repository with
	// object ids in format ("sha1" or "sha256").
	setup func(t *testing.T, format string) string
}

var scenarios = []scenario{
	{"modified file in a nested folder", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		gitgen.WriteFile(t, dir, "pkg2/sub/file6.go", "package changed\n")
		git(t, dir, "", "add", "pkg2/sub/file6.go")
		return dir
	}},
	{"new files, new folders", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		gitgen.WriteFile(t, dir, "app/new.env", "NEW=1\n")
		gitgen.WriteFile(t, dir, "brand/new/deep/file.txt", "deep\n")
		git(t, dir, "", "add", "-A")
		return dir
	}},
	{"deletion only", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		git(t, dir, "", "rm", "-q", "app/old.env")
		return dir
	}},
	{"rename with and without edits", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		git(t, dir, "", "mv", "app/old.env", "app/renamed.env")
		git(t, dir, "", "mv", "docs/readme.md", "docs/README.md")
		gitgen.WriteFile(t, dir, "docs/README.md", "hello\nedited\n")
		git(t, dir, "", "add", "-A")
		return dir
	}},
	{"executable bit", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		if err := os.Chmod(filepath.Join(dir, "app", "config.env"), 0o755); err != nil {
			t.Fatal(err)
		}
		gitgen.WriteFile(t, dir, "run.sh", "#!/bin/sh\necho new\n")
		if err := os.Chmod(filepath.Join(dir, "run.sh"), 0o755); err != nil {
			t.Fatal(err)
		}
		git(t, dir, "", "add", "-A")
		return dir
	}},
	{"symlinks and a submodule", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		if err := os.Symlink("app/config.env", filepath.Join(dir, "link2")); err != nil {
			t.Fatal(err)
		}
		git(t, dir, "", "add", "link2")
		// link becomes a regular file; tool.sh becomes a symlink.
		os.Remove(filepath.Join(dir, "link"))
		gitgen.WriteFile(t, dir, "link", "now a file\n")
		os.Remove(filepath.Join(dir, "tool.sh"))
		if err := os.Symlink("link", filepath.Join(dir, "tool.sh")); err != nil {
			t.Fatal(err)
		}
		git(t, dir, "", "add", "link", "tool.sh")
		git(t, dir, "", "update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("ab", map[string]int{"sha1": 20, "sha256": 32}[format])+",vendor/lib")
		return dir
	}},
	{"file becomes a folder and back", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		git(t, dir, "", "rm", "-q", "x")
		gitgen.WriteFile(t, dir, "x/inside.txt", "now a folder\n")
		git(t, dir, "", "rm", "-q", "-r", "docs")
		gitgen.WriteFile(t, dir, "docs", "now a file\n")
		git(t, dir, "", "add", "-A")
		return dir
	}},
	{"intent to add", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		gitgen.WriteFile(t, dir, "later.env", "TOKEN=later\n")
		gitgen.WriteFile(t, dir, "pkg1/sub/later.go", "package later\n")
		git(t, dir, "", "add", "-N", "later.env", "pkg1/sub/later.go")
		gitgen.WriteFile(t, dir, "staged.env", "X=1\n")
		git(t, dir, "", "add", "staged.env")
		return dir
	}},
	{"partially staged", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		gitgen.WriteFile(t, dir, "app/config.env", "MODE=staged\n")
		git(t, dir, "", "add", "app/config.env")
		gitgen.WriteFile(t, dir, "app/config.env", "MODE=staged\nUNSTAGED=1\n")
		return dir
	}},
	{"merge with a conflict and a resolved path", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		git(t, dir, "", "checkout", "-q", "-b", "side")
		gitgen.WriteFile(t, dir, "app/config.env", "MODE=side\n")
		gitgen.WriteFile(t, dir, "pkg0/sub/file0.go", "package side\n")
		git(t, dir, "", "commit", "-q", "-am", "side")
		git(t, dir, "", "checkout", "-q", "main")
		gitgen.WriteFile(t, dir, "app/config.env", "MODE=main\n")
		gitgen.WriteFile(t, dir, "pkg3/sub/file3.go", "package main3\n")
		git(t, dir, "", "commit", "-q", "-am", "main")
		cmd := exec.Command("git", "merge", "-q", "side")
		cmd.Dir, cmd.Env = dir, append(os.Environ(), gitgen.Env...)
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Fatalf("merge did not conflict: %s", out)
		}
		return dir
	}},
	{"skip-worktree entries", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		git(t, dir, "", "update-index", "--skip-worktree", "pkg1/sub/file1.go")
		gitgen.WriteFile(t, dir, "pkg1/sub/file5.go", "package five\n")
		git(t, dir, "", "add", "pkg1/sub/file5.go")
		return dir
	}},
	{"first commit (no HEAD)", func(t *testing.T, format string) string {
		dir := t.TempDir()
		git(t, dir, "", "init", "-q", "-b", "main", "--object-format="+format)
		gitgen.WriteFile(t, dir, "first.env", "A=1\n")
		gitgen.WriteFile(t, dir, "deep/er/file.txt", "x\n")
		if err := os.Symlink("first.env", filepath.Join(dir, "l")); err != nil {
			t.Fatal(err)
		}
		git(t, dir, "", "add", "-A")
		return dir
	}},
	{"linked worktree", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		wt := filepath.Join(t.TempDir(), "wt")
		git(t, dir, "", "worktree", "add", "-q", "-b", "side", wt)
		gitgen.WriteFile(t, wt, "app/config.env", "MODE=worktree\n")
		gitgen.WriteFile(t, wt, "wt-only.env", "W=1\n")
		git(t, wt, "", "add", "-A")
		// The main checkout's own staged change must not leak in.
		gitgen.WriteFile(t, dir, "docs/readme.md", "main checkout\n")
		git(t, dir, "", "add", "-A")
		return wt
	}},
	{"nothing staged", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		gitgen.WriteFile(t, dir, "app/config.env", "MODE=unstaged\n")
		return dir
	}},
	{"sparse index, HEAD moved under it", func(t *testing.T, format string) string {
		dir := baseIn(t, format)
		gitgen.WriteFile(t, dir, "pkg0/sub/file0.go", "package later0\n")
		gitgen.WriteFile(t, dir, "pkg3/sub/added.go", "package added\n")
		gitgen.WriteFile(t, dir, "app/config.env", "MODE=later\n")
		git(t, dir, "", "add", "-A")
		git(t, dir, "", "commit", "-q", "-m", "later")
		git(t, dir, "", "sparse-checkout", "set", "--cone", "--sparse-index", "app")
		git(t, dir, "", "reset", "-q", "--soft", "HEAD~1")
		if !strings.Contains(git(t, dir, "", "ls-files", "--sparse"), "pkg0/\n") {
			t.Fatal("the index is not sparse")
		}
		return dir
	}},
}

// wantChanges is what git reports.
func wantChanges(t *testing.T, dir string) []Change {
	t.Helper()
	against := "HEAD"
	if _, err := exec.Command("git", "-C", dir, "rev-parse", "-q", "--verify", "HEAD").Output(); err != nil {
		against = strings.TrimSpace(git(t, dir, "", "hash-object", "-t", "tree", "--stdin")) // the empty tree
	}
	ita := map[string]bool{}
	out := git(t, dir, "", "ls-files", "-z", "--stage", "--debug")
	for out != "" {
		head, rest, _ := strings.Cut(out, "\x00")
		_, path, _ := strings.Cut(head, "\t")
		lines := strings.SplitN(rest, "\n", 6)
		if len(lines) < 5 {
			t.Fatalf("unparsable ls-files output")
		}
		_, fl, _ := strings.Cut(lines[4], "flags: ")
		if flags, err := strconv.ParseUint(fl, 16, 32); err == nil && flags&(1<<29) != 0 {
			ita[path] = true // CE_INTENT_TO_ADD
		}
		out = ""
		if len(lines) == 6 {
			out = lines[5]
		}
	}
	raw := git(t, dir, "", "diff-index", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev", against)
	parts := strings.Split(strings.TrimSuffix(raw, "\x00"), "\x00")
	var want []Change
	for i := 0; i+1 < len(parts); i += 2 {
		f := strings.Fields(strings.TrimPrefix(parts[i], ":"))
		srcMode, dstMode, src, dst, status, path := f[0], f[1], f[2], f[3], f[4], parts[i+1]
		if status == "D" || status == "U" || ita[path] || src == dst || !strings.HasPrefix(dstMode, "100") {
			continue
		}
		c := Change{Path: path, After: oidOf(t, dst)}
		if strings.HasPrefix(srcMode, "100") || srcMode == "120000" {
			c.Before = oidOf(t, src)
		}
		want = append(want, c)
	}
	return want
}

func oidOf(t *testing.T, s string) ObjectID {
	t.Helper()
	var id ObjectID
	b, err := hex.DecodeString(s)
	if err != nil || (len(b) != 20 && len(b) != 32) {
		t.Fatalf("bad id %q", s)
	}
	copy(id[:], b)
	return id
}

// changesWithoutTree recomputes the changes ignoring the cached tree.
func changesWithoutTree(t *testing.T, dir string) []Change {
	t.Helper()
	_, dirs, err := githistory.FindRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := githistory.OpenObjects(dirs)
	if err != nil {
		t.Fatal(err)
	}
	defer objs.Close()
	idx, err := gitindex.Read(filepath.Join(dirs.GitDir, "index"), dirs.GitDir, gitindex.Hash(objs.HashSize()))
	if err != nil {
		t.Fatal(err)
	}
	idx.Tree = nil
	head, _, err := githistory.ReadHead(dirs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := compare(objs, idx, head)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func checkChanges(t *testing.T, dir, variant string) {
	t.Helper()
	want := wantChanges(t, dir)
	t.Logf("%s: git reports %v", variant, describe(want))
	s, err := New(dir, Options{})
	if err != nil {
		t.Fatalf("%s: %v", variant, err)
	}
	defer s.Close()
	if got := s.Changes(); !slices.Equal(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", variant, describe(got), describe(want))
	}
	if got := changesWithoutTree(t, dir); !slices.Equal(got, want) {
		t.Errorf("%s without the cached tree:\n got %v\nwant %v", variant, describe(got), describe(want))
	}
}

func describe(cs []Change) []string {
	var out []string
	for _, c := range cs {
		before := "new"
		if !c.Before.IsZero() {
			before = c.Before.String()[:7]
		}
		out = append(out, fmt.Sprintf("%s(%s->%s)", c.Path, before, c.After.String()[:7]))
	}
	return out
}

func TestChangesMatchGit(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		for _, sc := range scenarios {
			t.Run(format+"/"+sc.name, func(t *testing.T) { changesMatchGit(t, sc, format) })
		}
	}
}

func changesMatchGit(t *testing.T, sc scenario, format string) {
	dir := sc.setup(t, format)
	checkChanges(t, dir, "as git wrote it")
	git(t, dir, "", "update-index", "--index-version", "4")
	checkChanges(t, dir, "version 4")
	if !strings.Contains(sc.name, "sparse") { // git refuses to split a sparse index
		git(t, dir, "", "update-index", "--index-version", "3", "--split-index")
		checkChanges(t, dir, "split index")
	}
	// A cached tree made valid by git write-tree (not possible with
	// conflicts).
	if !strings.Contains(sc.name, "conflict") {
		git(t, dir, "", "update-index", "--no-split-index")
		git(t, dir, "", "write-tree")
		checkChanges(t, dir, "after write-tree")
	}
}

// TestCachedTreeSkipsWork: with a valid cached tree, folders whose tree
// equals HEAD's are neither hashed nor read.
func TestCachedTreeSkipsWork(t *testing.T) {
	dir := base(t)
	gitgen.WriteFile(t, dir, "pkg2/sub/file6.go", "package changed\n")
	git(t, dir, "", "add", "pkg2/sub/file6.go")
	_, dirs, _ := githistory.FindRepo(dir)
	idx, err := gitindex.Read(filepath.Join(dirs.GitDir, "index"), dirs.GitDir, gitindex.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	if idx.Tree == nil || idx.Tree.Valid() || !idx.Tree.Child("pkg0").Valid() {
		t.Fatalf("git left no usable cached tree: %+v", idx.Tree)
	}
	d := &differ{entries: idx.Entries, hashSize: int(gitindex.SHA1)}
	root, err := d.build("", 0, idx.Tree, 0)
	if err != nil {
		t.Fatal(err)
	}
	var expanded []string
	var walk func(n *node)
	walk = func(n *node) {
		if n.expanded {
			expanded = append(expanded, "/"+n.prefix)
		}
		for _, it := range n.items {
			if it.sub != nil {
				walk(it.sub)
			}
		}
	}
	walk(root)
	if want := []string{"/", "/pkg2/", "/pkg2/sub/"}; !slices.Equal(expanded, want) {
		t.Errorf("folders hashed from entries: %v, want only the changed path %v", expanded, want)
	}
	if root.id != oidOf(t, strings.TrimSpace(git(t, dir, "", "write-tree"))) {
		t.Errorf("root id %s is not what git write-tree writes", root.id)
	}
}

// TestInconsistentCachedTree: a cached tree whose counts disagree with the
// entries is ignored, not trusted.
func TestInconsistentCachedTree(t *testing.T) {
	dir := base(t)
	gitgen.WriteFile(t, dir, "pkg2/sub/file6.go", "package changed\n")
	git(t, dir, "", "add", "pkg2/sub/file6.go")
	want := wantChanges(t, dir)
	_, dirs, _ := githistory.FindRepo(dir)
	objs, _ := githistory.OpenObjects(dirs)
	defer objs.Close()
	idx, err := gitindex.Read(filepath.Join(dirs.GitDir, "index"), dirs.GitDir, gitindex.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := githistory.ReadHead(dirs)
	commit, _ := objs.ReadCommit(head)
	// Claim the root is valid and equal to HEAD's tree, with a wrong count.
	idx.Tree.Entries, idx.Tree.ID = len(idx.Entries)-1, gitindex.ID(commit.Tree)
	got, err := compare(objs, idx, head)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("got %v (%v), want %v", describe(got), err, describe(want))
	}
}

type sink struct {
	frags []scanners.Fragment
	notes []scanners.Note
}

func (s *sink) Fragment(f scanners.Fragment) error { s.frags = append(s.frags, f); return nil }
func (s *sink) Note(n scanners.Note)               { s.notes = append(s.notes, n) }

func TestScanEmitsStagedAndPreviousBlobs(t *testing.T) {
	dir := base(t)
	gitgen.WriteFile(t, dir, "app/config.env", "MODE=staged\n")
	gitgen.WriteFile(t, dir, "big.txt", strings.Repeat("x", 2000))
	gitgen.WriteFile(t, dir, "bin.dat", "\x00\x01binary")
	gitgen.WriteFile(t, dir, "skip/me.env", "A=1\n")
	git(t, dir, "", "add", "-A")
	gitgen.WriteFile(t, dir, "app/config.env", "MODE=unstaged\n")
	s, err := New(filepath.Join(dir, "pkg1", "sub"), Options{MaxFileSize: 1000, Exclude: []string{"skip/**"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Repo().Root != dir || s.Repo().RootCommit == "" || s.Repo().Branch != "main" {
		t.Errorf("repo = %+v", s.Repo())
	}
	var now, prev sink
	if _, err := s.Scan(context.Background(), &now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Previous().Scan(context.Background(), &prev); err != nil {
		t.Fatal(err)
	}
	// bin.dat reaches the sink by path only (rules on paths alone).
	if len(now.frags) != 2 || string(now.frags[0].Content) != "MODE=staged\n" || !now.frags[0].Occurrences[0].InHead ||
		now.frags[1].Occurrences[0].Path != "bin.dat" || len(now.frags[1].Content) != 0 {
		t.Errorf("staged fragments: %+v", now.frags)
	}
	if len(prev.frags) != 1 || string(prev.frags[0].Content) != "MODE=dev\n" || prev.frags[0].Occurrences[0].InHead {
		t.Errorf("previous fragments: %+v", prev.frags)
	}
	kinds := map[string]scanners.NoteKind{}
	for _, n := range now.notes {
		kinds[n.Path] = n.Kind
	}
	if kinds["big.txt"] != scanners.NoteSkippedLarge || kinds["bin.dat"] != scanners.NoteSkippedBinary || len(kinds) != 2 {
		t.Errorf("notes: %+v", now.notes)
	}
}

func TestIndexFileOption(t *testing.T) {
	dir := base(t)
	gitgen.WriteFile(t, dir, "app/config.env", "MODE=in the other index\n")
	other := filepath.Join(t.TempDir(), "index")
	cmd := exec.Command("git", "add", "app/config.env")
	cmd.Dir, cmd.Env = dir, append(append(os.Environ(), gitgen.Env...), "GIT_INDEX_FILE="+other)
	// git add with a fresh GIT_INDEX_FILE would stage only this file; seed
	// it from the real index first, as git commit -a does.
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, tc := range []struct {
		index string
		want  int
	}{{"", 0}, {other, 1}} {
		s, err := New(dir, Options{IndexFile: tc.index})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(s.Changes()); got != tc.want {
			t.Errorf("index %q: %d changes, want %d", tc.index, got, tc.want)
		}
		s.Close()
	}
}

func TestBrokenRepositories(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  []string // substrings of the error
	}{
		{"corrupt index", func(t *testing.T, dir string) {
			p := filepath.Join(dir, ".git", "index")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0xff
			os.WriteFile(p, b, 0o644)
		}, []string{filepath.Join(".git", "index"), "checksum"}},
		{"truncated index", func(t *testing.T, dir string) {
			p := filepath.Join(dir, ".git", "index")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:30], 0o644)
		}, []string{filepath.Join(".git", "index")}},
		{"index is a folder", func(t *testing.T, dir string) {
			p := filepath.Join(dir, ".git", "index")
			os.Remove(p)
			os.Mkdir(p, 0o755)
		}, []string{filepath.Join(".git", "index")}},
		{"missing shared index", func(t *testing.T, dir string) {
			git(t, dir, "", "update-index", "--split-index")
			m, _ := filepath.Glob(filepath.Join(dir, ".git", "sharedindex.*"))
			for _, p := range m {
				os.Remove(p)
			}
		}, []string{"sharedindex", "--no-split-index"}},
		{"HEAD's tree missing", func(t *testing.T, dir string) {
			gitgen.WriteFile(t, dir, "app/config.env", "MODE=x\n")
			git(t, dir, "", "add", "app/config.env")
			tree := strings.TrimSpace(git(t, dir, "", "rev-parse", "HEAD^{tree}"))
			os.Remove(filepath.Join(dir, ".git", "objects", tree[:2], tree[2:]))
		}, []string{"HEAD", "git status"}},
		{"unknown object format", func(t *testing.T, dir string) {
			git(t, dir, "", "config", "extensions.objectFormat", "sha512")
		}, []string{"sha512"}},
		{"not a repository", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, ".git"))
		}, []string{"not inside a git repository"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := base(t)
			tc.setup(t, dir)
			s, err := New(dir, Options{})
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
