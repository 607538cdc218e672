package secrets

import (
	"fmt"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

// TestWindowCache: windows with and without findings come back as put,
// distinct texts, classes and hashers never share an entry, and a full
// shard starts over instead of growing.
func TestWindowCache(t *testing.T) {
	c := newWindowCache(64 * 16) // 16 entries a shard
	h1 := detectors.NewHasher([]byte("k1"), []byte("l1"))
	h2 := detectors.NewHasher([]byte("k2"), []byte("l2"))
	found := []detectors.Finding{{RuleID: "secret/x"}}
	keys := map[cacheKey]string{}
	for _, h := range []*detectors.Hasher{h1, h2} {
		for _, class := range []string{"s", "s.1"} {
			for _, text := range []string{"a = 1\n", "token = x\n"} {
				k := c.key(h, class, text)
				if other, dup := keys[k]; dup {
					t.Fatalf("%q and %q share a key", other, h.ID()+class+text)
				}
				keys[k] = h.ID() + class + text
			}
		}
	}
	empty, some := c.key(h1, "s", "a = 1\n"), c.key(h1, "s", "token = x\n")
	if _, ok := c.get(empty); ok {
		t.Fatal("an empty cache knows a window")
	}
	c.put(empty, nil)
	c.put(some, found)
	if got, ok := c.get(empty); !ok || got != nil {
		t.Errorf("window without findings: %v, %v", got, ok)
	}
	if got, ok := c.get(some); !ok || len(got) != 1 || got[0].RuleID != "secret/x" {
		t.Errorf("window with a finding: %v, %v", got, ok)
	}
	for i := range 64 * 40 {
		c.put(c.key(h2, "s", fmt.Sprint(i)), nil)
	}
	for i := range c.shards {
		if n := len(c.shards[i].empty) + len(c.shards[i].found); n > c.perShard {
			t.Fatalf("shard %d holds %d entries, bound %d", i, n, c.perShard)
		}
	}
}
