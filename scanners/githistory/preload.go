package githistory

import (
	"sync"
	"time"
)

// preloadCommits reads and parses every commit stored whole in the packs,
// spread over workers goroutines, for commit to take instead of reading
// commits one at a time as the walk meets them. A full history scan reads
// every commit anyway, and reading them in the walk's order is a chain of
// inflations on one core: about a second for etcd's 37,000 commits, all
// of it before the blobs. The pack index lists every object; a commit is
// found by its entry header, without inflating anything else. Commits
// stored as deltas (git rarely makes them) are left to commit.
func (w *walker) preloadCommits(workers int) {
	type entry struct {
		pack int
		id   oid
		h    entryHeader
		off  int64
	}
	t0 := time.Now()
	var todo []entry
	for pi, p := range w.store.packs {
		for i := range p.count {
			off := p.offsetAt(i)
			if off < 0 {
				continue
			}
			h, err := p.header(off)
			if err != nil || h.typ != typeCommit {
				continue
			}
			todo = append(todo, entry{pi, p.nameAt(i), h, off})
		}
	}
	debugf("preload: %d commit headers found in %v", len(todo), time.Since(t0))
	if len(todo) == 0 {
		return
	}
	parsed := make([]commitInfo, len(todo))
	ok := make([]bool, len(todo))
	var wg sync.WaitGroup
	workers = max(1, min(workers, len(todo)))
	for g := range workers {
		wg.Go(func() {
			z := &inflater{}
			for k := g; k < len(todo); k += workers {
				e := &todo[k]
				data, err := z.inflate(w.store.packs[e.pack], e.off, e.h)
				if err == nil && parseCommit(data, &parsed[k]) == nil {
					ok[k] = true
				}
			}
		})
	}
	wg.Wait()
	debugf("preload: inflated at %v", time.Since(t0))
	w.pre = make(map[oid]*commitInfo, len(todo))
	for k := range todo {
		if ok[k] {
			w.pre[todo[k].id] = &parsed[k]
		}
	}
}
