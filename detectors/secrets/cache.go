package secrets

import (
	"hash/maphash"
	"slices"
	"sync"

	"github.com/sprawl-dev/sprawl/detectors"
)

// windowCache remembers what a window of text yielded. Successive versions
// of a file in git history share most of their lines, so most windows have
// been scanned before in another blob: reusing the result gives the same
// findings for a hash lookup instead of a regex pass. Keys are 128-bit
// hashes of (hasher, path class, text); the cache is bounded by entries
// and simply cleared shard by shard when full.
//
// Nearly every window yields nothing, so those are kept apart in a set
// whose entries hold no pointers: the garbage collector need not scan a
// million of them at every cycle, and each takes a third of the memory of
// an entry holding a findings slice.
type windowCache struct {
	seed1, seed2 maphash.Seed
	shards       [64]cacheShard
	perShard     int
}

type cacheKey struct{ a, b uint64 }

type cacheShard struct {
	mu    sync.Mutex
	empty map[cacheKey]struct{}            // windows without findings
	found map[cacheKey][]detectors.Finding // windows with some
}

// newWindowCache holds up to about entries windows.
func newWindowCache(entries int) *windowCache {
	c := &windowCache{seed1: maphash.MakeSeed(), seed2: maphash.MakeSeed(), perShard: max(entries/64, 16)}
	for i := range c.shards {
		c.shards[i].empty = map[cacheKey]struct{}{}
		c.shards[i].found = map[cacheKey][]detectors.Finding{}
	}
	return c
}

func (c *windowCache) key(h *detectors.Hasher, class, text string) cacheKey {
	var k cacheKey
	for i, seed := range []maphash.Seed{c.seed1, c.seed2} {
		var mh maphash.Hash
		mh.SetSeed(seed)
		mh.WriteString(h.ID())
		mh.WriteByte(0)
		mh.WriteString(class)
		mh.WriteByte(0)
		mh.WriteString(text)
		if i == 0 {
			k.a = mh.Sum64()
		} else {
			k.b = mh.Sum64()
		}
	}
	return k
}

func (c *windowCache) get(k cacheKey) ([]detectors.Finding, bool) {
	s := &c.shards[k.a%uint64(len(c.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.empty[k]; ok {
		return nil, true
	}
	v, ok := s.found[k]
	return v, ok
}

func (c *windowCache) put(k cacheKey, v []detectors.Finding) {
	s := &c.shards[k.a%uint64(len(c.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.empty)+len(s.found) >= c.perShard {
		clear(s.empty)
		clear(s.found)
	}
	if len(v) == 0 {
		s.empty[k] = struct{}{}
	} else {
		s.found[k] = v
	}
}

// cloneFindings copies findings so that callers may change them.
func cloneFindings(in []detectors.Finding) []detectors.Finding {
	if len(in) == 0 {
		return nil
	}
	out := make([]detectors.Finding, len(in))
	for i, f := range in {
		if f.Secret != nil {
			s := *f.Secret
			s.AltLinks = slices.Clip(s.AltLinks) // an append makes a copy
			f.Secret = &s
		}
		if f.Properties != nil {
			p := make(map[string]any, len(f.Properties))
			for k, v := range f.Properties {
				p[k] = v
			}
			f.Properties = p
		}
		out[i] = f
	}
	return out
}
