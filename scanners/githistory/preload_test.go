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
	dir := graphHistory(t)
	runGit(t, dir, "gc", "-q")
	runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "loose")
	loose := runGit(t, dir, "rev-parse", "HEAD")
	st, err := openStore(filepath.Join(dir, ".git", "objects"))
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
