package githistory

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPreloadCommitsMatchesReading: every commit preloaded from the packs
// parses to what reading it on its own gives, and every commit stored
// whole in a pack is preloaded; loose commits and commits stored as deltas
// are left to the walk.
func TestPreloadCommitsMatchesReading(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) { preloadMatchesReading(t, format) })
	}
}

func preloadMatchesReading(t *testing.T, format string) {
	dir := graphHistory(t, format)
	runGit(t, dir, "gc", "-q")
	runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "loose")
	loose := runGit(t, dir, "rev-parse", "HEAD")
	st, err := openStore(filepath.Join(dir, ".git", "objects"), hashLen(format))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	w := newWalker(t.Context(), st, nil, "r", nil)
	w.preloadCommits(2)
	all := strings.Fields(runGit(t, dir, "rev-list", "--all"))
	if len(w.pre) < len(all)/2 {
		t.Errorf("preloaded %d of %d commits", len(w.pre), len(all))
	}
	whole := func(id oid) bool {
		for _, p := range st.packs {
			if off, ok := p.find(id); ok {
				h, err := p.header(off)
				return err == nil && h.typ == typeCommit
			}
		}
		return false
	}
	for _, s := range all {
		id, _ := parseOID(s)
		pre, ok := w.pre[id]
		if s == loose {
			if ok {
				t.Error("a loose commit was preloaded")
			}
			continue
		}
		if !ok {
			if whole(id) {
				t.Errorf("commit %s is stored whole, yet not preloaded", s)
			}
			continue
		}
		typ, data, err := st.read(id)
		if err != nil || typ != typeCommit {
			t.Fatalf("read %s: %v", s, err)
		}
		var want commitInfo
		if err := parseCommit(data, &want); err != nil {
			t.Fatal(err)
		}
		if pre.tree != want.tree || !slices.Equal(pre.parentIDs, want.parentIDs) || pre.author != want.author || pre.when != want.when || pre.tz != want.tz {
			t.Errorf("commit %s: preloaded %+v, read %+v", s, *pre, want)
		}
	}
}

// TestParseCommitSignatures checks author names and committer times read
// from ordinary and malformed signatures (git accepts both).
func TestParseCommitSignatures(t *testing.T) {
	tree := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
	tests := []struct {
		name, commit string
		author       string
		when         int64
		tz           int32
	}{
		{"ordinary", tree + "author Ann Lee <ann@example.com> 1700000000 +0100\ncommitter Ann Lee <ann@example.com> 1700000100 -0230\n\nm\n", "Ann Lee", 1700000100, -(2*3600 + 30*60)},
		{"no name", tree + "author <ann@example.com> 1700000000 +0000\ncommitter <ann@example.com> 1700000000 +0000\n\nm\n", "", 1700000000, 0},
		// A committer line without a time: the author's dates the commit.
		{"committer without time", tree + "author Ann <a@example.com> 1700000000 +0100\ncommitter Bad Date\n\nm\n", "Ann", 1700000000, 3600},
		{"committer time not a number", tree + "author Ann <a@example.com> 1700000000 +0000\ncommitter Ann <a@example.com> soon +0000\n\nm\n", "Ann", 1700000000, 0},
		// Neither has one: unknown, not 1970.
		{"no email", tree + "author Ann 1700000000 +0000\ncommitter Bad Date\n\nm\n", "Ann 1700000000 +0000", 0, 0},
		{"empty email", tree + "author <> 1 +0000\ncommitter x <> 5 +0000\n\nm\n", "", 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c commitInfo
			if err := parseCommit([]byte(tt.commit), &c); err != nil {
				t.Fatal(err)
			}
			if c.author != tt.author || c.when != tt.when || c.tz != tt.tz {
				t.Errorf("author %q when %d tz %d, want %q %d %d", c.author, c.when, c.tz, tt.author, tt.when, tt.tz)
			}
			if wantNoTime := tt.when == 0; c.noTime != wantNoTime {
				t.Errorf("noTime %v, want %v", c.noTime, wantNoTime)
			}
		})
	}
}
