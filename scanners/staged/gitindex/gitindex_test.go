package gitindex

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// The tests compare this reader with the real git binary: git writes the
// index (in each version, split or not, sparse or not) and `git ls-files`
// says what it holds.

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// fixedDates make commits reproducible.
var fixedDates = []string{"GIT_AUTHOR_DATE=2020-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2020-01-01T00:00:00Z"}

func git(t testing.TB, dir, stdin string, args ...string) string {
	t.Helper()
	return gitgen.Git(t, dir, stdin, fixedDates, args...)
}

// hashObject stores content as a blob and returns its id.
func hashObject(t testing.TB, dir, content string) string {
	t.Helper()
	return strings.TrimSpace(git(t, dir, content, "hash-object", "-w", "--stdin"))
}

// richRepo makes a repository whose index holds every kind of entry:
// nested folders, names that sort around '/', an executable, a symlink, a
// submodule, a path longer than 4095 bytes, unusual bytes in names, an
// intent-to-add entry, a skip-worktree entry and a three-way conflict.
func richRepo(t testing.TB) string {
	t.Helper()
	return richRepoIn(t, SHA1)
}

// formatName is git's name for an object id format.
func formatName(h Hash) string { return map[Hash]string{SHA1: "sha1", SHA256: "sha256"}[h] }

// richRepoIn is richRepo with object ids in format h.
func richRepoIn(t testing.TB, h Hash) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "", "init", "-q", "-b", "main", "--object-format="+formatName(h))
	gitgen.WriteFile(t, dir, "a.txt", "a\n")
	gitgen.WriteFile(t, dir, "a/b/c.txt", "c\n")
	gitgen.WriteFile(t, dir, "a0", "zero\n")
	gitgen.WriteFile(t, dir, "dir with space/é ü.txt", "unicode\n")
	gitgen.WriteFile(t, dir, "run.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(dir, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		gitgen.WriteFile(t, dir, fmt.Sprintf("pkg/sub%02d/file%02d.go", i%7, i), fmt.Sprintf("package p%d\n", i))
	}
	git(t, dir, "", "add", "-A")
	blob := hashObject(t, dir, "long\n")
	long := strings.Repeat("long-directory-name/", 220) + "file.txt" // > 0xFFF bytes
	odd := "odd\x01name\ttab"
	git(t, dir, "", "update-index", "--add", "--cacheinfo", "100644,"+blob+","+long)
	git(t, dir, "", "update-index", "--add", "--cacheinfo", "100644,"+blob+","+odd)
	git(t, dir, "", "update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("ab", int(h))+",vendor/sub")
	git(t, dir, "", "commit", "-q", "-m", "initial")
	// Changes after the commit: new, modified, intent-to-add, skip-worktree,
	// a conflict.
	gitgen.WriteFile(t, dir, "pkg/sub03/new.go", "package new\n")
	gitgen.WriteFile(t, dir, "a/b/c.txt", "changed\n")
	gitgen.WriteFile(t, dir, "ita.txt", "later\n")
	git(t, dir, "", "add", "pkg/sub03/new.go", "a/b/c.txt")
	git(t, dir, "", "add", "-N", "ita.txt")
	git(t, dir, "", "update-index", "--skip-worktree", "a0")
	b1, b2, b3 := hashObject(t, dir, "base\n"), hashObject(t, dir, "ours\n"), hashObject(t, dir, "theirs\n")
	git(t, dir, fmt.Sprintf("100644 %s 1\tconflict.txt\n100644 %s 2\tconflict.txt\n100644 %s 3\tconflict.txt\n", b1, b2, b3),
		"update-index", "--index-info")
	return dir
}

// lsFiles returns what git says the index holds, flags included.
func lsFiles(t testing.TB, dir string, sparse bool) []Entry {
	t.Helper()
	args := []string{"ls-files", "-z", "--stage", "--debug"}
	if sparse {
		args = append(args, "--sparse")
	}
	out := git(t, dir, "", args...)
	var es []Entry
	for out != "" {
		head, rest, ok := strings.Cut(out, "\x00")
		if !ok {
			t.Fatalf("unparsable ls-files output %q", out)
		}
		meta, path, _ := strings.Cut(head, "\t")
		f := strings.Fields(meta)
		mode, _ := strconv.ParseUint(f[0], 8, 32)
		stage, _ := strconv.Atoi(f[2])
		e := Entry{Path: path, Mode: uint32(mode), Stage: uint8(stage)}
		id, _ := hex.DecodeString(f[1])
		copy(e.ID[:], id)
		// Five debug lines follow; the last ends with "flags: <hex>".
		lines := strings.SplitN(rest, "\n", 6)
		_, fl, _ := strings.Cut(lines[4], "flags: ")
		flags, _ := strconv.ParseUint(fl, 16, 32)
		e.IntentToAdd = flags&(1<<29) != 0
		e.SkipWorktree = flags&(1<<30) != 0
		es = append(es, e)
		out = ""
		if len(lines) == 6 {
			out = lines[5]
		}
	}
	return es
}

func sameEntries(t *testing.T, got, want []Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d entries, git lists %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("entry %d: got %+v, git lists %+v", i, got[i], want[i])
		}
	}
}

func headTree(t testing.TB, dir string) ID {
	t.Helper()
	var id ID
	b, _ := hex.DecodeString(strings.TrimSpace(git(t, dir, "", "rev-parse", "HEAD^{tree}")))
	copy(id[:], b)
	return id
}

func TestReadMatchesGit(t *testing.T) {
	needGit(t)
	for _, h := range []Hash{SHA1, SHA256} {
		for _, version := range []int{2, 3, 4} {
			for _, split := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/v%d/split=%v", formatName(h), version, split), func(t *testing.T) {
					readMatchesGit(t, h, version, split)
				})
			}
		}
	}
}

func readMatchesGit(t *testing.T, h Hash, version int, split bool) {
	dir := richRepoIn(t, h)
	git(t, dir, "", "update-index", "--index-version", strconv.Itoa(version))
	if split {
		git(t, dir, "", "update-index", "--split-index")
		// Changes after the split land in the small file:
		// replacements, deletions and additions.
		gitgen.WriteFile(t, dir, "a.txt", "replaced\n")
		gitgen.WriteFile(t, dir, "zz-added.txt", "added\n")
		git(t, dir, "", "add", "a.txt", "zz-added.txt")
		git(t, dir, "", "rm", "-q", "--cached", "pkg/sub01/file01.go")
	}
	gitDir := filepath.Join(dir, ".git")
	idx, err := Read(filepath.Join(gitDir, "index"), gitDir, h)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(gitDir, "index"))
	// git writes version 2 or 3 by whether entries need
	// extended flags; version 4 stays 4.
	if got := int(data[7]); got != version && (version == 4 || got == 4) {
		t.Fatalf("git wrote version %d, want %d", got, version)
	}
	if split {
		if m, _ := filepath.Glob(filepath.Join(gitDir, "sharedindex.*")); len(m) == 0 {
			t.Fatal("git wrote no shared index")
		}
		own, err := Parse(data, h)
		if err != nil {
			t.Fatal(err)
		}
		if own.link == nil || own.link.replace.count() == 0 || own.link.delete.count() == 0 {
			t.Fatalf("split index without replacements and deletions: %+v", own.link)
		}
	}
	sameEntries(t, idx.Entries, lsFiles(t, dir, false))
	var long, ita, skip, conflict bool
	for _, e := range idx.Entries {
		long = long || len(e.Path) > 0xfff
		ita = ita || e.IntentToAdd
		skip = skip || e.SkipWorktree
		conflict = conflict || e.Stage == 3
	}
	if !long || !ita || !skip || !conflict {
		t.Errorf("fixture lacks a kind of entry: long %v ita %v skip-worktree %v conflict %v", long, ita, skip, conflict)
	}
}

func TestCacheTree(t *testing.T) {
	needGit(t)
	for _, h := range []Hash{SHA1, SHA256} {
		t.Run(formatName(h), func(t *testing.T) { cacheTree(t, h) })
	}
}

func cacheTree(t *testing.T, h Hash) {
	dir := t.TempDir()
	git(t, dir, "", "init", "-q", "-b", "main", "--object-format="+formatName(h))
	for i := range 30 {
		gitgen.WriteFile(t, dir, fmt.Sprintf("d%d/e/f%d.txt", i%3, i), strconv.Itoa(i))
	}
	gitgen.WriteFile(t, dir, "top.txt", "top")
	git(t, dir, "", "add", "-A")
	git(t, dir, "", "commit", "-q", "-m", "one")
	gitDir := filepath.Join(dir, ".git")
	read := func() *Index {
		t.Helper()
		idx, err := Read(filepath.Join(gitDir, "index"), gitDir, h)
		if err != nil {
			t.Fatal(err)
		}
		return idx
	}

	// After a commit the whole cached tree is valid and is HEAD's tree.
	idx := read()
	if !idx.Tree.Valid() || idx.Tree.ID != headTree(t, dir) || idx.Tree.Entries != len(idx.Entries) {
		t.Fatalf("root after commit: %+v, want HEAD's tree covering %d entries", idx.Tree, len(idx.Entries))
	}
	if d1 := idx.Tree.Child("d1"); !d1.Valid() || d1.Entries != 10 || !d1.Child("e").Valid() {
		t.Fatalf("d1 after commit: %+v", d1)
	}

	// Staging a change invalidates its folders up to the root, no more.
	gitgen.WriteFile(t, dir, "d1/e/f1.txt", "changed")
	git(t, dir, "", "add", "d1/e/f1.txt")
	idx = read()
	if idx.Tree.Valid() || idx.Tree.Child("d1").Valid() || idx.Tree.Child("d1").Child("e").Valid() {
		t.Errorf("changed path's folders still valid: %+v", idx.Tree)
	}
	if !idx.Tree.Child("d0").Valid() || !idx.Tree.Child("d2").Child("e").Valid() {
		t.Errorf("untouched folders invalidated")
	}

	// git write-tree revalidates it; its id is what write-tree printed.
	want := strings.TrimSpace(git(t, dir, "", "write-tree"))
	idx = read()
	if !idx.Tree.Valid() || hex.EncodeToString(idx.Tree.ID[:h]) != want {
		t.Errorf("root after write-tree: %+v, want %s", idx.Tree, want)
	}

	// An intent-to-add entry invalidates up to the root (git leaves it out
	// of trees).
	gitgen.WriteFile(t, dir, "d2/ita.txt", "later")
	git(t, dir, "", "add", "-N", "d2/ita.txt")
	git(t, dir, "", "write-tree")
	idx = read()
	if idx.Tree.Valid() || idx.Tree.Child("d2").Valid() || !idx.Tree.Child("d0").Valid() {
		t.Errorf("after intent-to-add: root valid %v, d2 valid %v", idx.Tree.Valid(), idx.Tree.Child("d2").Valid())
	}

	// No extension at all: git read-tree --empty then update-index writes
	// an index without one.
	git(t, dir, "", "read-tree", "--empty")
	git(t, dir, "", "update-index", "--add", "top.txt")
	if idx = read(); idx.Tree != nil && idx.Tree.Valid() {
		t.Errorf("cached tree after read-tree --empty: %+v", idx.Tree)
	}
}

func TestSparseIndex(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	git(t, dir, "", "init", "-q", "-b", "main")
	gitgen.WriteFile(t, dir, "in/a.txt", "a")
	gitgen.WriteFile(t, dir, "out/deep/b.txt", "b")
	gitgen.WriteFile(t, dir, "out/c.txt", "c")
	gitgen.WriteFile(t, dir, "top.txt", "top")
	git(t, dir, "", "add", "-A")
	git(t, dir, "", "commit", "-q", "-m", "one")
	git(t, dir, "", "sparse-checkout", "set", "--cone", "--sparse-index", "in")
	gitDir := filepath.Join(dir, ".git")
	idx, err := Read(filepath.Join(gitDir, "index"), gitDir, SHA1)
	if err != nil {
		t.Fatal(err)
	}
	if !idx.Sparse {
		t.Fatal("sdir extension not seen")
	}
	sameEntries(t, idx.Entries, lsFiles(t, dir, true))
	found := false
	for _, e := range idx.Entries {
		if e.IsSparseDir() && e.Path == "out/" {
			found = true
		}
	}
	if !found {
		t.Errorf("no sparse directory entry for out/: %+v", idx.Entries)
	}
}

func TestMissingIndexIsEmpty(t *testing.T) {
	idx, err := Read(filepath.Join(t.TempDir(), "index"), t.TempDir(), SHA1)
	if err != nil || len(idx.Entries) != 0 {
		t.Fatalf("missing index: %v, %d entries", err, len(idx.Entries))
	}
}

// hashSize is the length of a SHA-1 id and checksum.
const hashSize = int(SHA1)

// withSum replaces the trailing checksum so that a modified index gets
// past the checksum test.
func withSum(b []byte) []byte {
	b = bytes.Clone(b)
	if len(b) >= hashSize {
		s := sha1.Sum(b[:len(b)-hashSize])
		copy(b[len(b)-hashSize:], s[:])
	}
	return b
}

func TestCorruptIndexes(t *testing.T) {
	needGit(t)
	dir := richRepo(t)
	git(t, dir, "", "update-index", "--index-version", "4")
	gitDir := filepath.Join(dir, ".git")
	good, err := os.ReadFile(filepath.Join(gitDir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(good, SHA1); err != nil {
		t.Fatal(err)
	}
	flip := bytes.Clone(good)
	flip[100] ^= 0x40
	zeroSum := bytes.Clone(good)
	copy(zeroSum[len(zeroSum)-hashSize:], make([]byte, hashSize))
	unknown := append(bytes.Clone(good[:len(good)-hashSize]), "abcd\x00\x00\x00\x00"...)
	unknown = withSum(append(unknown, make([]byte, hashSize)...))
	optional := append(bytes.Clone(good[:len(good)-hashSize]), "ZZZZ\x00\x00\x00\x02hi"...)
	optional = withSum(append(optional, make([]byte, hashSize)...))
	v5 := bytes.Clone(good)
	v5[7] = 5
	tests := []struct {
		name string
		data []byte
		want string // "" = no error
	}{
		{"good", good, ""},
		{"zero checksum (index.skipHash)", zeroSum, ""},
		{"optional extension skipped", optional, ""},
		{"bit flip", flip, "checksum mismatch"},
		{"truncated", good[:len(good)/2], "checksum mismatch"},
		{"empty", nil, "too short"},
		{"not an index", withSum([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x00" + strings.Repeat("\x00", 20))), "bad signature"},
		{"version 5", withSum(v5), "version 5"},
		{"unknown mandatory extension", unknown, `"abcd" extension`},
		{"too many entries", withSum(append(append([]byte("DIRC\x00\x00\x00\x02\x7f\xff\xff\xff"), make([]byte, 64)...), make([]byte, 20)...)), "more than the file can hold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data, SHA1)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}

	// Every prefix, with a recomputed checksum, fails cleanly.
	for n := 0; n < len(good); n += 7 {
		if _, err := Parse(withSum(append(bytes.Clone(good[:n]), make([]byte, hashSize)...)), SHA1); err == nil && n < len(good)-hashSize {
			t.Errorf("prefix of %d bytes parsed without error", n)
		}
	}

	// Errors from Read name the file.
	p := filepath.Join(t.TempDir(), "index")
	if err := os.WriteFile(p, flip, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(p, gitDir, SHA1); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("Read error does not name the file: %v", err)
	}
}

func TestSplitIndexProblems(t *testing.T) {
	needGit(t)
	dir := richRepo(t)
	git(t, dir, "", "update-index", "--split-index")
	gitgen.WriteFile(t, dir, "a.txt", "replaced\n")
	git(t, dir, "", "add", "a.txt")
	gitDir := filepath.Join(dir, ".git")
	shared, _ := filepath.Glob(filepath.Join(gitDir, "sharedindex.*"))
	if len(shared) != 1 {
		t.Fatalf("shared indexes: %v", shared)
	}
	// A shared index that is gone is an error that says how to recover,
	// never an index with entries missing.
	moved := shared[0] + ".moved"
	if err := os.Rename(shared[0], moved); err != nil {
		t.Fatal(err)
	}
	_, err := Read(filepath.Join(gitDir, "index"), gitDir, SHA1)
	if err == nil || !strings.Contains(err.Error(), "--no-split-index") {
		t.Errorf("missing shared index: %v", err)
	}
	// A shared index with other content does not match the link.
	data, _ := os.ReadFile(moved)
	other := withSum(append(bytes.Clone(data[:len(data)-hashSize]), make([]byte, hashSize)...))
	other[len(other)-1] ^= 1
	if err := os.WriteFile(shared[0], other, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(filepath.Join(gitDir, "index"), gitDir, SHA1); err == nil {
		t.Error("mismatched shared index accepted")
	}
}

func TestEWAH(t *testing.T) {
	word := func(v uint64) []byte {
		return []byte{byte(v >> 56), byte(v >> 48), byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	}
	u32 := func(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	enc := func(bits uint32, words ...uint64) []byte {
		b := append(u32(bits), u32(uint32(len(words)))...)
		for _, w := range words {
			b = append(b, word(w)...)
		}
		return append(b, u32(0)...)
	}
	rlw := func(run bool, runLen, lits uint64) uint64 {
		v := runLen<<1 | lits<<33
		if run {
			v |= 1
		}
		return v
	}
	tests := []struct {
		name string
		data []byte
		want []int
		bad  bool
	}{
		{"empty", enc(0), nil, false},
		{"literal", enc(10, rlw(false, 0, 1), 0b1000000101), []int{0, 2, 9}, false},
		{"zero run then literal", enc(130, rlw(false, 2, 1), 0b10), []int{129}, false},
		{"run of ones", enc(128, rlw(true, 2, 0)), seq(0, 128), false},
		{"ones past the size", enc(64, rlw(true, 2, 0)), nil, true},
		{"literal bit past the size", enc(3, rlw(false, 0, 1), 0b1000), nil, true},
		{"literal words past the end", enc(64, rlw(false, 0, 5), 1), nil, true},
		{"huge size", enc(1<<31, rlw(true, 1<<31, 0)), nil, true},
		{"truncated", enc(64, rlw(false, 0, 1), 1)[:12], nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bs, rest, err := readEWAH(tc.data)
			if tc.bad {
				if err == nil {
					t.Fatalf("accepted: %v", bs)
				}
				return
			}
			if err != nil || len(rest) != 0 {
				t.Fatalf("err %v, %d bytes left", err, len(rest))
			}
			var got []int
			_ = bs.each(func(p int) error { got = append(got, p); return nil })
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func seq(a, b int) []int {
	var s []int
	for i := a; i < b; i++ {
		s = append(s, i)
	}
	return s
}
