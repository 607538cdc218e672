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
// Each table is open addressing over atomic words, lock-free for the
// scanning goroutines: a slot holds the line's hash with its low bits
// replaced by the flags, so two lines collide only when 60 bits of their
// hashes agree (about one chance in 10^11 for a repository with a few
// million distinct lines).
//
// The memo is three tables of growing size (1/64, 1/8 and all of its
// slots), filled in turn. A table's memory is touched only as lines land
// in it, one page fault a fresh page; spreading a small scan's lines over
// the largest table faulted in nearly all its 16,000 pages (a tenth of a
// second for a few thousand commits, ten milliseconds for a pre-commit
// scan). The lines a scan meets first, the most repeated ones, stay in
// the small tables, which the CPU's caches hold.
type lineMemo struct {
	seed   maphash.Seed
	tables []*memoTable
}

// memoTable is one open-addressing table of the memo.
type memoTable struct {
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

	// memoSlots is the largest table's size: 64 MiB of address space,
	// touched only as lines arrive; each table remembers up to three
	// quarters of its slots.
	memoSlots = 1 << 23
	// minMemoTable is the smallest table worth having.
	minMemoTable = 16
)

// newLineMemo makes a memo whose largest table has slots slots (a power
// of two).
func newLineMemo(slots int) *lineMemo {
	m := &lineMemo{seed: maphash.MakeSeed()}
	for _, n := range []int{slots >> 6, slots >> 3, slots} {
		if n < minMemoTable || len(m.tables) > 0 && n <= len(m.tables[len(m.tables)-1].slots) {
			continue
		}
		t := &memoTable{mask: uint64(n - 1), limit: int64(n) / 4 * 3}
		t.slots = allocSlots(t, n)
		m.tables = append(m.tables, t)
	}
	return m
}

func (m *lineMemo) hash(line string) uint64 { return maphash.String(m.seed, line) }

// get returns the flags the table remembers for a line with hash h.
func (t *memoTable) get(h uint64) (flags uint64, ok bool) {
	key := h &^ memoFlags
	for i := h >> 32 & t.mask; ; i = (i + 1) & t.mask {
		v := t.slots[i].Load()
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
// flags (0 when unknown). The large table is far larger than the CPU's
// caches, so a probe there is a cache miss; the first probes of a batch
// are independent loads the CPU overlaps instead of waiting for each in
// turn.
func (m *lineMemo) getBatch(hs, flags []uint64) {
	clear(flags)
	for ti, t := range m.tables {
		if t.used.Load() == 0 {
			return
		}
		last := ti == len(m.tables)-1 || m.tables[ti+1].used.Load() == 0
		for at := 0; at < len(hs); at += memoBatch {
			n := min(len(hs)-at, memoBatch)
			var first [memoBatch]uint64
			for i := range n {
				if flags[at+i] == 0 {
					first[i] = t.slots[hs[at+i]>>32&t.mask].Load()
				}
			}
			for i := range n {
				h, v := hs[at+i], first[i]
				switch {
				case flags[at+i] != 0 || v == 0:
				case v&^memoFlags == h&^memoFlags:
					flags[at+i] = v & memoFlags
				default: // collided with another line: probe on
					flags[at+i], _ = t.get(h)
				}
			}
		}
		if last {
			return
		}
	}
}

// put remembers the flags of a line with hash h, in the first table with
// room; when all are full it remembers nothing.
func (m *lineMemo) put(h, flags uint64) {
	for _, t := range m.tables {
		if t.used.Load() < t.limit {
			t.put(h, flags)
			return
		}
	}
}

func (t *memoTable) put(h, flags uint64) {
	key := h &^ memoFlags
	v := key | flags | memoKnown
	for i := h >> 32 & t.mask; ; i = (i + 1) & t.mask {
		old := t.slots[i].Load()
		if old == 0 {
			if t.slots[i].CompareAndSwap(0, v) {
				t.used.Add(1)
				return
			}
			old = t.slots[i].Load()
		}
		if old&^memoFlags == key {
			return // another goroutine remembered the same line
		}
	}
}
