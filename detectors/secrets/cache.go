package secrets

import (
	"hash/maphash"
	"sync"

	"github.com/sprawl-dev/sprawl/detectors"
)

// windowCache remembers what a window of text yielded. Successive versions
// of a file in git history share most of their lines, so most windows have
// been scanned before in another blob: reusing the result gives the same
// findings for a hash lookup instead of a regex pass. Keys are 128-bit
// hashes of (hasher, path class, text); the cache is bounded by entries
// and simply cleared shard by shard when full.
type windowCache struct {
	seed1, seed2 maphash.Seed
	shards       [64]cacheShard
	perShard     int
}

type cacheKey struct{ a, b uint64 }

type cacheShard struct {
	mu sync.Mutex
	m  map[cacheKey][]detectors.Finding
}

// newWindowCache holds up to about entries windows.
func newWindowCache(entries int) *windowCache {
	c := &windowCache{seed1: maphash.MakeSeed(), seed2: maphash.MakeSeed(), perShard: max(entries/64, 16)}
	for i := range c.shards {
		c.shards[i].m = map[cacheKey][]detectors.Finding{}
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
	v, ok := s.m[k]
	s.mu.Unlock()
	return v, ok
}

func (c *windowCache) put(k cacheKey, v []detectors.Finding) {
	s := &c.shards[k.a%uint64(len(c.shards))]
	s.mu.Lock()
	if len(s.m) >= c.perShard {
		clear(s.m)
	}
	s.m[k] = v
	s.mu.Unlock()
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
