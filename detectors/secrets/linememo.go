package secrets

import (
	"hash/maphash"
	"sync/atomic"
)

// lineMemo remembers, by a hash of a line's text, whether the line holds a
// keyword hit or an encoded run. Git histories repeat most lines in every
// version of a file (etcd: 42 million lines, 2.8 million distinct), so
// after the first version a line costs one hash and one table probe
// instead of a lower-casing pass, an Aho-Corasick walk and an encoded-run
// scan. Only lines the memo flags are looked at again, so a stale or full
// memo never hides a hit: a full memo simply stops remembering.
//
// The table is open addressing over atomic words, lock-free for the
// scanning goroutines: a slot holds the line's hash with its low bits
// replaced by the flags, so two lines collide only when 60 bits of their
// hashes agree (about one chance in 10^11 for a repository with a few
// million distinct lines).
type lineMemo struct {
	seed  maphash.Seed
	slots []atomic.Uint64
	mask  uint64
	used  atomic.Int64
	limit int64
}

const (
	memoKnown   = 1 << 0 // set in every occupied slot
	memoHit     = 1 << 1 // a keyword occurs in the line
	memoEncoded = 1 << 2 // the line holds a run the decoder could decode
	memoSpecial = 1 << 3 // a keyword whose window depends on its position
	memoFlags   = memoKnown | memoHit | memoEncoded | memoSpecial

	// memoSlots is the table size: 64 MiB of address space, touched only
	// as lines arrive; it remembers up to three quarters of it.
	memoSlots = 1 << 23
)

func newLineMemo(slots int) *lineMemo {
	m := &lineMemo{
		seed:  maphash.MakeSeed(),
		mask:  uint64(slots - 1),
		limit: int64(slots) / 4 * 3,
	}
	m.slots = allocSlots(m, slots)
	return m
}

func (m *lineMemo) hash(line string) uint64 { return maphash.String(m.seed, line) }

// get returns the flags remembered for a line with hash h.
func (m *lineMemo) get(h uint64) (flags uint64, ok bool) {
	key := h &^ memoFlags
	for i := h >> 32 & m.mask; ; i = (i + 1) & m.mask {
		v := m.slots[i].Load()
		if v == 0 {
			return 0, false
		}
		if v&^memoFlags == key {
			return v & memoFlags, true
		}
	}
}

// memoBatch is how many probes getBatch issues before it waits for any.
const memoBatch = 8

// getBatch looks up the lines with hashes hs, writing each one's flags to
// flags (0 when unknown). The table is far larger than the CPU's caches, so
// a probe is a cache miss; the first probes of a batch are independent
// loads the CPU overlaps instead of waiting for each in turn.
func (m *lineMemo) getBatch(hs, flags []uint64) {
	for len(hs) > 0 {
		n := min(len(hs), memoBatch)
		var first [memoBatch]uint64
		for i := range n {
			first[i] = m.slots[hs[i]>>32&m.mask].Load()
		}
		for i := range n {
			v := first[i]
			switch {
			case v == 0:
				flags[i] = 0
			case v&^memoFlags == hs[i]&^memoFlags:
				flags[i] = v & memoFlags
			default: // collided with another line: probe on
				flags[i], _ = m.get(hs[i])
			}
		}
		hs, flags = hs[n:], flags[n:]
	}
}

// put remembers the flags of a line with hash h, unless the table is full.
func (m *lineMemo) put(h, flags uint64) {
	if m.used.Load() >= m.limit {
		return
	}
	key := h &^ memoFlags
	v := key | flags | memoKnown
	for i := h >> 32 & m.mask; ; i = (i + 1) & m.mask {
		old := m.slots[i].Load()
		if old == 0 {
			if m.slots[i].CompareAndSwap(0, v) {
				m.used.Add(1)
				return
			}
			old = m.slots[i].Load()
		}
		if old&^memoFlags == key {
			return // another goroutine remembered the same line
		}
	}
}
