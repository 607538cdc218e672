package githistory_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// The random-access reader is checked against the git binary: every tree
// and blob it reads must be what `git ls-tree` and `git cat-file` print,
// packed (with deltas), loose, or in an alternate object folder.

func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return gitgen.Git(t, dir, "", nil, args...)
}

func objectID(t *testing.T, s string) githistory.ObjectID {
	t.Helper()
	var id githistory.ObjectID
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || (len(b) != 20 && len(b) != 32) {
		t.Fatalf("bad id %q", s)
	}
	copy(id[:], b)
	return id
}

// readerRepo makes a history of several commits whose files change a
// little each time (so a packed repository stores deltas).
func readerRepo(t *testing.T) string {
	t.Helper()
	return readerRepoIn(t, "sha1")
}

// readerRepoIn is readerRepo with object ids in format ("sha1" or
// "sha256").
func readerRepoIn(t *testing.T, format string) string {
	t.Helper()
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main", "--object-format="+format)
	body := strings.Repeat("a line that repeats so that git stores deltas\n", 200)
	for i := range 6 {
		gitgen.WriteFile(t, dir, "docs/readme.md", body+fmt.Sprintf("version %d\n", i))
		gitgen.WriteFile(t, dir, fmt.Sprintf("src/pkg%d/file.go", i), fmt.Sprintf("package pkg%d\n", i))
		gitgen.WriteFile(t, dir, "big.bin", strings.Repeat("x", 5000+i))
		gitCmd(t, dir, "add", "-A")
		gitCmd(t, dir, "commit", "-q", "-m", "c"+strconv.Itoa(i))
	}
	return dir
}

// checkAllObjects compares every tree and blob reachable from HEAD.
func checkAllObjects(t *testing.T, dir string, r *githistory.ObjectReader) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(gitCmd(t, dir, "rev-list", "--objects", "--all")), "\n")
	trees, blobs := 0, 0
	for _, line := range lines {
		h, _, _ := strings.Cut(line, " ")
		typ := strings.TrimSpace(gitCmd(t, dir, "cat-file", "-t", h))
		id := objectID(t, h)
		switch typ {
		case "tree":
			trees++
			es, err := r.ReadTree(id)
			if err != nil {
				t.Fatalf("tree %s: %v", h, err)
			}
			var got []string
			for _, e := range es {
				got = append(got, fmt.Sprintf("%06o %s\t%s", e.Mode, e.ID, e.Name))
			}
			var want []string
			for _, l := range strings.Split(strings.TrimSpace(gitCmd(t, dir, "ls-tree", h)), "\n") {
				m, rest, _ := strings.Cut(l, " ")
				_, rest, _ = strings.Cut(rest, " ") // the type
				want = append(want, m+" "+rest)
			}
			if !slices.Equal(got, want) {
				t.Errorf("tree %s:\n got %q\nwant %q", h, got, want)
			}
		case "blob":
			blobs++
			want := gitCmd(t, dir, "cat-file", "blob", h)
			got, size, err := r.ReadBlob(id, 1<<20)
			if err != nil || string(got) != want || size != int64(len(want)) {
				t.Errorf("blob %s: %d bytes, size %d, %v; want %d bytes", h, len(got), size, err, len(want))
			}
			if len(want) > 100 {
				if _, size, err := r.ReadBlob(id, 100); !errors.Is(err, githistory.ErrTooLarge) || size != int64(len(want)) {
					t.Errorf("blob %s over the limit: size %d, %v", h, size, err)
				}
			}
		case "commit":
			c, err := r.ReadCommit(id)
			if err != nil || c.Tree != objectID(t, gitCmd(t, dir, "rev-parse", h+"^{tree}")) {
				t.Errorf("commit %s: %+v, %v", h, c, err)
			}
		}
	}
	if trees == 0 || blobs == 0 {
		t.Fatalf("nothing compared (%d trees, %d blobs)", trees, blobs)
	}
}

func TestObjectReaderMatchesGit(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the folder to open
	}{
		{"loose", func(t *testing.T, dir string) string { return dir }},
		{"packed with deltas", func(t *testing.T, dir string) string {
			gitCmd(t, dir, "gc", "-q", "--aggressive")
			if m, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack")); len(m) == 0 {
				t.Fatal("gc wrote no pack")
			}
			if !strings.Contains(gitCmd(t, dir, "verify-pack", "-v", mustGlob(t, filepath.Join(dir, ".git", "objects", "pack", "*.idx"))), "chain length") {
				t.Fatal("the pack has no deltas")
			}
			return dir
		}},
		{"half packed, half loose", func(t *testing.T, dir string) string {
			gitCmd(t, dir, "gc", "-q")
			gitgen.WriteFile(t, dir, "docs/readme.md", "after the pack\n")
			gitCmd(t, dir, "commit", "-q", "-am", "loose")
			return dir
		}},
		{"alternates (clone --shared)", func(t *testing.T, dir string) string {
			gitCmd(t, dir, "gc", "-q")
			clone := filepath.Join(t.TempDir(), "clone")
			gitCmd(t, dir, "clone", "-q", "--shared", dir, clone)
			if _, err := os.Stat(filepath.Join(clone, ".git", "objects", "info", "alternates")); err != nil {
				t.Fatal(err)
			}
			gitgen.WriteFile(t, clone, "own.txt", "only in the clone\n")
			gitCmd(t, clone, "add", "own.txt")
			gitCmd(t, clone, "commit", "-q", "-m", "own")
			return clone
		}},
	}
	for _, format := range []string{"sha1", "sha256"} {
		for _, tc := range tests {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				objectReaderMatchesGit(t, tc.setup(t, readerRepoIn(t, format)))
			})
		}
	}
}

// openObjects opens the object database of the repository at dir, closed
// when the test ends.
func openObjects(t *testing.T, dir string) (githistory.GitDirs, *githistory.ObjectReader) {
	t.Helper()
	d, err := githistory.FindGitDirs(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := githistory.OpenObjects(d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return d, r
}

// objectReaderMatchesGit compares what ObjectReader reads in the
// repository at dir with what git reads.
func objectReaderMatchesGit(t *testing.T, dir string) {
	t.Helper()
	d, r := openObjects(t, dir)
	checkAllObjects(t, dir, r)
	head, branch, err := githistory.ReadHead(d)
	if err != nil || head != objectID(t, gitCmd(t, dir, "rev-parse", "HEAD")) || branch != "main" {
		t.Errorf("HEAD = %s %q %v", head, branch, err)
	}
	want := objectID(t, gitCmd(t, dir, "rev-list", "--first-parent", "--max-parents=0", "HEAD"))
	if got := r.RootCommit(head); got != want {
		t.Errorf("root commit %s, want %s", got, want)
	}
	// The commit-graph (git gc writes one) gives the same root.
	gitCmd(t, dir, "commit-graph", "write", "--reachable")
	if got := r.RootCommit(head); got != want {
		t.Errorf("root commit through the commit-graph %s, want %s", got, want)
	}
}

func mustGlob(t *testing.T, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("nothing matches %s", pattern)
	}
	return m[0]
}

func TestReadHead(t *testing.T) {
	dir := readerRepo(t)
	head := objectID(t, gitCmd(t, dir, "rev-parse", "HEAD"))
	first := objectID(t, gitCmd(t, dir, "rev-parse", "HEAD~5"))
	tests := []struct {
		name       string
		setup      func(t *testing.T) string // returns the folder to open
		want       githistory.ObjectID
		wantBranch string
	}{
		{"loose branch", func(t *testing.T) string { return dir }, head, "main"},
		{"packed refs", func(t *testing.T) string {
			c := filepath.Join(t.TempDir(), "c")
			gitCmd(t, dir, "clone", "-q", dir, c)
			gitCmd(t, c, "pack-refs", "--all")
			if _, err := os.Stat(filepath.Join(c, ".git", "refs", "heads", "main")); err == nil {
				t.Fatal("pack-refs left the loose ref")
			}
			return c
		}, head, "main"},
		{"detached", func(t *testing.T) string {
			c := filepath.Join(t.TempDir(), "c")
			gitCmd(t, dir, "clone", "-q", dir, c)
			gitCmd(t, c, "checkout", "-q", "--detach", "HEAD~5")
			return c
		}, first, ""},
		{"unborn branch", func(t *testing.T) string {
			c := t.TempDir()
			gitCmd(t, c, "init", "-q", "-b", "trunk")
			return c
		}, githistory.ObjectID{}, "trunk"},
		{"linked worktree", func(t *testing.T) string {
			w := filepath.Join(t.TempDir(), "wt")
			gitCmd(t, dir, "worktree", "add", "-q", "-b", "side", w, "HEAD~5")
			return w
		}, first, "side"},
		{"refs in reftables", func(t *testing.T) string {
			c := filepath.Join(t.TempDir(), "c")
			gitCmd(t, dir, "clone", "-q", dir, c)
			gitgen.ConvertToReftable(t, c, gitgen.ReftableOptions{BlockSize: 4096})
			return c
		}, head, "main"},
		{"detached, refs in reftables", func(t *testing.T) string {
			c := filepath.Join(t.TempDir(), "c")
			gitCmd(t, dir, "clone", "-q", dir, c)
			gitCmd(t, c, "checkout", "-q", "--detach", "HEAD~5")
			gitgen.ConvertToReftable(t, c, gitgen.ReftableOptions{})
			return c
		}, first, ""},
		{"linked worktree, refs in reftables", func(t *testing.T) string {
			// The worktree's HEAD lives in its own stack
			// (.git/worktrees/<id>/reftable), its branch in the common one.
			c := filepath.Join(t.TempDir(), "c")
			gitCmd(t, dir, "clone", "-q", dir, c)
			w := filepath.Join(t.TempDir(), "wt")
			gitCmd(t, c, "worktree", "add", "-q", "-b", "side", w, "HEAD~5")
			gitgen.ConvertToReftable(t, c, gitgen.ReftableOptions{})
			own := filepath.Join(c, ".git", "worktrees", "wt")
			table := gitgen.WriteReftable([]gitgen.RefRecord{{Name: "HEAD", Symref: "refs/heads/side"}}, gitgen.ReftableOptions{HashLen: 20})
			for name, b := range map[string][]byte{"HEAD": []byte("ref: refs/heads/.invalid\n"), "reftable/1.ref": table, "reftable/tables.list": []byte("1.ref\n")} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(own, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(own, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			return w
		}, first, "side"},
		{"bare", func(t *testing.T) string {
			c := filepath.Join(t.TempDir(), "c.git")
			gitCmd(t, dir, "clone", "-q", "--bare", dir, c)
			return c
		}, head, "main"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := githistory.FindGitDirs(tc.setup(t))
			if err != nil {
				t.Fatal(err)
			}
			got, branch, err := githistory.ReadHead(d)
			if err != nil || got != tc.want || branch != tc.wantBranch {
				t.Errorf("HEAD = %s %q %v, want %s %q", got, branch, err, tc.want, tc.wantBranch)
			}
		})
	}

	// A reftable repository whose tables cannot be read is refused by
	// name, not read as unborn.
	c := t.TempDir()
	gitCmd(t, c, "init", "-q")
	gitCmd(t, c, "config", "extensions.refStorage", "reftable")
	d, _ := githistory.FindGitDirs(c)
	if _, _, err := githistory.ReadHead(d); !errors.Is(err, githistory.ErrUnsupportedRepo) {
		t.Errorf("reftable without tables.list: %v", err)
	}
}

func TestRootCommitOfShallowClone(t *testing.T) {
	dir := readerRepo(t)
	c := filepath.Join(t.TempDir(), "c")
	gitCmd(t, t.TempDir(), "clone", "-q", "--depth", "2", "file://"+dir, c)
	d, r := openObjects(t, c)
	head, _, _ := githistory.ReadHead(d)
	want := objectID(t, gitCmd(t, c, "rev-parse", "HEAD~1"))
	if got := r.RootCommit(head); got != want {
		t.Errorf("shallow root %s, want the oldest commit present %s", got, want)
	}
}

// TestUnsupportedFormats checks that a history scan refuses, by name, the
// repositories its reader cannot read, instead of scanning them as empty
// (a SHA-256 repository's refs would parse as nothing, and exit 0).
func TestUnsupportedFormats(t *testing.T) {
	tests := []struct {
		name, want string
		setup      func(t *testing.T, dir string)
	}{
		{"unknown object format", "sha512 object ids", func(t *testing.T, dir string) {
			cfg := "[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectFormat = SHA512\n"
			if err := os.WriteFile(filepath.Join(dir, ".git", "config"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"unknown ref storage", `"lmdb" storage`, func(t *testing.T, dir string) {
			gitCmd(t, dir, "config", "extensions.refStorage", "lmdb")
		}},
		{"reftable without its tables", "reftable/tables.list", func(t *testing.T, dir string) {
			gitCmd(t, dir, "config", "extensions.refStorage", "reftable")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := readerRepo(t)
			tc.setup(t, dir)
			_, err := githistory.New(dir, githistory.Options{})
			if err == nil {
				t.Fatal("opened as a repository sprawl can read")
			}
			if !errors.Is(err, githistory.ErrUnsupportedRepo) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q: want ErrUnsupportedRepo naming %s and %q", err, dir, tc.want)
			}
		})
	}
}

// TestFindRepo checks that a repository is found as git finds it: from
// its top, its git folder, a bare clone, or any folder inside it.
func TestFindRepo(t *testing.T) {
	dir := readerRepo(t)
	bare := filepath.Join(t.TempDir(), "bare.git")
	gitCmd(t, t.TempDir(), "clone", "-q", "--bare", dir, bare)
	outside := t.TempDir()
	tests := []struct {
		name, path, top string
	}{
		{"top", dir, dir},
		{"subfolder", filepath.Join(dir, "src", "pkg1"), dir},
		{"git folder", filepath.Join(dir, ".git"), filepath.Join(dir, ".git")},
		{"bare", bare, bare},
		{"outside", outside, ""},
		{"missing", filepath.Join(outside, "nope"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			top, d, err := githistory.FindRepo(tc.path)
			if tc.top == "" {
				if err == nil {
					t.Fatalf("found a repository at %s (%s)", top, d.CommonDir)
				}
				return
			}
			if err != nil || top != tc.top {
				t.Fatalf("FindRepo = %q, %v; want %q", top, err, tc.top)
			}
			if _, _, err := githistory.ReadHead(d); err != nil {
				t.Errorf("HEAD of what was found: %v", err)
			}
		})
	}

	// A .git folder that is not a repository (copied in part) is named as
	// such, not reported as no .git at all.
	broken := t.TempDir()
	gitgen.WriteFile(t, broken, ".git/HEAD", "ref: refs/heads/main\n")
	if _, _, err := githistory.FindRepo(broken); err == nil || !strings.Contains(err.Error(), filepath.Join(broken, ".git")+" is not a readable git folder") {
		t.Errorf("broken .git: %v", err)
	}

	// A history scan from a subfolder scans the whole repository.
	src, err := githistory.New(filepath.Join(dir, "src"), githistory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if src.Repo().Root != dir || src.Repo().Head == "" {
		t.Errorf("scan from a subfolder: root %q head %q, want root %q", src.Repo().Root, src.Repo().Head, dir)
	}
}
