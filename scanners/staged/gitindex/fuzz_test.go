package gitindex

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The seeds in testdata were written by git 2.39: versions 2 (with a
// cached tree), 3 (intent-to-add, skip-worktree), 4 (a conflict), a split
// index with its shared index, and a sparse index.
func seeds(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.index"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seeds: %v", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func TestSeedsParse(t *testing.T) {
	s := seeds(t)
	for name, b := range s {
		idx, err := Parse(b, SHA1)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if strings.HasPrefix(name, "split-link") != (idx.link != nil) {
			t.Errorf("%s: link extension seen = %v", name, idx.link != nil)
		}
		if strings.HasPrefix(name, "sparse") != idx.Sparse {
			t.Errorf("%s: sparse = %v", name, idx.Sparse)
		}
	}
	link, _ := Parse(s["split-link.index"], SHA1)
	shared, _ := Parse(s["split-shared.index"], SHA1)
	if err := link.merge(shared); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range link.Entries {
		paths = append(paths, e.Path)
	}
	// The split file replaced a/b/x and deleted c/y.
	if got := strings.Join(paths, " "); got != "a.txt a/b/x k k l n" {
		t.Errorf("merged split index: %s", got)
	}
}

// FuzzParse feeds mutated indexes to the reader, with their checksum as
// mutated and recomputed (so mutations reach past the checksum test). It
// must never panic, and what it accepts must be well formed.
func FuzzParse(f *testing.F) {
	s := seeds(f)
	for _, b := range s {
		f.Add(b)
	}
	shared, err := Parse(s["split-shared.index"], SHA1)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The same bytes read as a SHA-256 repository's index, with the
		// checksum zeroed (index.skipHash) so that they get past it.
		sha256Index := bytes.Clone(data)
		if len(sha256Index) >= int(SHA256) {
			clear(sha256Index[len(sha256Index)-int(SHA256):])
		}
		for i, b := range [][]byte{data, withSum(data), sha256Index} {
			h := SHA1
			if i == 2 {
				h = SHA256
			}
			idx, err := Parse(b, h)
			if err != nil {
				continue
			}
			if idx.link != nil {
				cp := *shared
				cp.Entries = append([]Entry(nil), shared.Entries...)
				if err := idx.merge(&cp); err != nil {
					continue
				}
			}
			for i := range idx.Entries {
				e := &idx.Entries[i]
				p := strings.TrimSuffix(e.Path, "/")
				if !validPath(p) || e.Stage > 3 {
					t.Fatalf("accepted entry %+v", e)
				}
				if i > 0 && cmpEntry(&idx.Entries[i-1], e) >= 0 {
					t.Fatalf("accepted entries out of order: %q, %q", idx.Entries[i-1].Path, e.Path)
				}
			}
		}
	})
}
