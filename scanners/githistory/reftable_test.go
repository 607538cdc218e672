package githistory

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// testRecords makes n refs of every kind a table holds: branches, pull
// request refs, lightweight and annotated tags, symbolic refs.
func testRecords(n, hashLen int) ([]gitgen.RefRecord, map[string]tableRef) {
	id := func(s string) []byte { b := sha256.Sum256([]byte(s)); return b[:hashLen] }
	var recs []gitgen.RefRecord
	want := map[string]tableRef{}
	add := func(r gitgen.RefRecord) {
		recs = append(recs, r)
		var tr tableRef
		if r.Symref != "" {
			tr.symref = r.Symref
		} else {
			copy(tr.id[:], r.ID)
		}
		want[r.Name] = tr
	}
	add(gitgen.RefRecord{Name: "HEAD", Symref: "refs/heads/main"})
	add(gitgen.RefRecord{Name: "refs/heads/main", ID: id("main")})
	add(gitgen.RefRecord{Name: "refs/remotes/origin/HEAD", Symref: "refs/remotes/origin/main"})
	for i := range n {
		switch i % 4 {
		case 0:
			add(gitgen.RefRecord{Name: fmt.Sprintf("refs/heads/feature/topic-%04d", i), ID: id(fmt.Sprint("b", i))})
		case 1:
			add(gitgen.RefRecord{Name: fmt.Sprintf("refs/pull/%d/head", i), ID: id(fmt.Sprint("p", i))})
		case 2:
			add(gitgen.RefRecord{Name: fmt.Sprintf("refs/tags/v1.%d.0", i), ID: id(fmt.Sprint("t", i)), Peeled: id(fmt.Sprint("c", i))})
		default:
			add(gitgen.RefRecord{Name: fmt.Sprintf("refs/tags/light-%d", i), ID: id(fmt.Sprint("l", i))})
		}
	}
	return recs, want
}

func TestReftableRoundTrip(t *testing.T) {
	for _, hashLen := range []int{sha1Len, sha256Len} {
		for _, o := range []gitgen.ReftableOptions{
			{BlockSize: 4096},
			{BlockSize: 256, RestartEvery: 3},
			{BlockSize: 256, RestartEvery: 1, UnpaddedLast: true, Trailer: true},
			{BlockSize: 0, RestartEvery: 5, Trailer: true},
			{BlockSize: 0, RestartEvery: 64},
		} {
			for _, n := range []int{0, 1, 300} {
				o.HashLen = hashLen
				t.Run(fmt.Sprintf("hash%d/block%d/restart%d/unpadded=%v/trailer=%v/%d", hashLen, o.BlockSize, o.RestartEvery, o.UnpaddedLast, o.Trailer, n), func(t *testing.T) {
					recs, want := testRecords(n, hashLen)
					data := gitgen.WriteReftable(recs, o)
					got := map[string]tableRef{}
					if err := parseReftable(data, hashLen, got); err != nil {
						t.Fatal(err)
					}
					if !maps.Equal(got, want) {
						t.Errorf("read %d refs, wrote %d", len(got), len(want))
						for name, r := range want {
							if got[name] != r {
								t.Errorf("%s: read %+v, wrote %+v", name, got[name], r)
							}
						}
					}
					if n == 300 && o.BlockSize == 256 && len(data) < 10*o.BlockSize {
						t.Errorf("a table of %d bytes does not span the blocks the test needs", len(data))
					}
				})
			}
		}
	}
	// An empty table: a header and a footer.
	if err := parseReftable(gitgen.WriteReftable(nil, gitgen.ReftableOptions{HashLen: 20, BlockSize: 4096}), 20, map[string]tableRef{}); err != nil {
		t.Errorf("empty table: %v", err)
	}
}

// TestReftableLayoutMatchesGit: tables written for the refs of two of
// git's own tests (t/t0613-reftable-write-options.sh, which checks the
// blocks `git pack-refs` writes with a 100-byte block size) split into ref
// blocks of the lengths git's test expects (git's dump prints a block's
// length up to its restart table), and read back whole. This checks the
// record encoding and block filling the tests here rely on against git's.
func TestReftableLayoutMatchesGit(t *testing.T) {
	id := func(s string) []byte { b := sha256.Sum256([]byte(s)); return b[:20] }
	branches := func(n int) []string {
		var out []string
		for i := 1; i <= n; i++ {
			out = append(out, fmt.Sprintf("refs/heads/branch-%d", i))
		}
		return out
	}
	tests := []struct {
		name      string
		blockSize int
		refs      []string // besides HEAD, a symbolic ref to refs/heads/master
		want      []string // length/restarts of each ref block
	}{
		{"small block size leads to multiple ref blocks", 100,
			[]string{"refs/heads/master", "refs/tags/A", "refs/tags/B"}, []string{"53/1", "74/1", "38/1"}},
		{"object index gets written by default with ref index", 100,
			append(branches(5), "refs/heads/master", "refs/tags/initial"), []string{"53/1", "95/1", "71/1", "80/1"}},
		{"many refs results in multiple blocks", 4096,
			append(branches(200), "refs/heads/master", "refs/tags/initial"), []string{"4049/11", "1136/3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := []gitgen.RefRecord{{Name: "HEAD", Symref: "refs/heads/master"}}
			for _, r := range tc.refs {
				recs = append(recs, gitgen.RefRecord{Name: r, ID: id(r)})
			}
			data := gitgen.WriteReftable(recs, gitgen.ReftableOptions{HashLen: 20, BlockSize: tc.blockSize, RestartEvery: 16})
			var got []string
			err := eachRefBlock(data, 20, func(off int, block []byte, headerOff int) error {
				restarts := int(block[len(block)-2])<<8 | int(block[len(block)-1])
				got = append(got, fmt.Sprintf("%d/%d", len(block)-2-3*restarts, restarts))
				return nil
			})
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("ref blocks (length/restarts) %v (%v), git writes %v", got, err, tc.want)
			}
			refs := map[string]tableRef{}
			if err := parseReftable(data, 20, refs); err != nil || len(refs) != len(recs) {
				t.Errorf("read %d refs (%v), wrote %d", len(refs), err, len(recs))
			}
		})
	}
}

// TestReftableStack: newer tables override older ones, and a deletion
// record hides a ref an older table holds.
func TestReftableStack(t *testing.T) {
	dir := t.TempDir()
	id := func(s string) []byte { b := sha256.Sum256([]byte(s)); return b[:20] }
	o := gitgen.ReftableOptions{HashLen: 20, BlockSize: 4096}
	write := func(name string, recs ...gitgen.RefRecord) {
		if err := os.WriteFile(filepath.Join(dir, name), gitgen.WriteReftable(recs, o), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1.ref", gitgen.RefRecord{Name: "refs/heads/a", ID: id("a1")}, gitgen.RefRecord{Name: "refs/heads/b", ID: id("b1")},
		gitgen.RefRecord{Name: "refs/heads/c", ID: id("c1")})
	write("2.ref", gitgen.RefRecord{Name: "refs/heads/b", ID: id("b2")}, gitgen.RefRecord{Name: "refs/heads/c", Delete: true},
		gitgen.RefRecord{Name: "refs/heads/d", ID: id("d2")})
	write("old.ref", gitgen.RefRecord{Name: "refs/heads/stale", ID: id("s")}) // not listed: ignored
	if err := os.WriteFile(filepath.Join(dir, "tables.list"), []byte("1.ref\n2.ref\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readReftableStack(dir, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]tableRef{}
	for name, v := range map[string]string{"refs/heads/a": "a1", "refs/heads/b": "b2", "refs/heads/d": "d2"} {
		var r tableRef
		copy(r.id[:], id(v))
		want[name] = r
	}
	if !maps.Equal(got, want) {
		t.Errorf("stack reads %+v, want %+v", got, want)
	}

	if err := os.WriteFile(filepath.Join(dir, "tables.list"), []byte("1.ref\n3.ref\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readReftableStack(dir, 20); err == nil {
		t.Error("a stack naming a missing table read without error")
	}
	if err := os.WriteFile(filepath.Join(dir, "tables.list"), []byte("../1.ref\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readReftableStack(dir, 20); !errors.Is(err, errBadReftable) {
		t.Errorf("a stack naming a file outside its folder: %v", err)
	}
}

// TestCorruptReftables: damaged tables are errors, never panics.
func TestCorruptReftables(t *testing.T) {
	recs, _ := testRecords(40, 20)
	good := gitgen.WriteReftable(recs, gitgen.ReftableOptions{HashLen: 20, BlockSize: 256, RestartEvery: 4})
	sha256Table := gitgen.WriteReftable(recs[:2], gitgen.ReftableOptions{HashLen: 32, BlockSize: 256})
	flip := func(i int) []byte { b := bytes.Clone(good); b[i] ^= 0x5a; return b }
	tests := map[string]struct {
		data    []byte
		hashLen int
	}{
		"truncated":                         {good[:len(good)-1], 20},
		"no magic":                          {flip(0), 20},
		"unknown version":                   {flip(4), 20},
		"bad footer checksum":               {flip(len(good) - 2), 20},
		"header not repeated":               {flip(len(good) - 68 + 6), 20},
		"SHA-256 table in SHA-1 repository": {sha256Table, 20},
		"SHA-1 table in SHA-256 repository": {good, 32},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := parseReftable(tc.data, tc.hashLen, map[string]tableRef{}); !errors.Is(err, errBadReftable) {
				t.Errorf("error %v, want errBadReftable", err)
			}
		})
	}
	// Damage inside blocks (with the checksum, which covers only the
	// footer, intact): an error or a partial read, never a panic.
	for i := 24; i < len(good)-68; i++ {
		parseReftable(flip(i), 20, map[string]tableRef{})
	}
}

func FuzzReftable(f *testing.F) {
	for _, o := range []gitgen.ReftableOptions{{HashLen: 20, BlockSize: 128, RestartEvery: 2}, {HashLen: 32, Trailer: true}} {
		recs, _ := testRecords(12, o.HashLen)
		f.Add(gitgen.WriteReftable(recs, o))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, n := range []int{sha1Len, sha256Len} {
			refs := map[string]tableRef{}
			if parseReftable(data, n, refs) == nil {
				for name, r := range refs {
					if r.symref == "" && !r.deleted && !bytes.Equal(r.id[n:], make([]byte, sha256Len-n)) {
						t.Fatalf("ref %q holds more than %d id bytes", name, n)
					}
				}
			}
		}
	})
}
