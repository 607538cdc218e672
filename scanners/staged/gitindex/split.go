package gitindex

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// A split index ("git update-index --split-index") keeps most entries in a
// shared index file and records, in the "link" extension, which shared
// entries this file deletes and which it replaces. Its first entries are
// the replacements (with empty paths: they take the shared entry's path),
// the rest are entries added to the shared ones.

type link struct {
	shared          ID
	delete, replace bitset // positions in the shared index
}

// bitset is a decoded bitmap: bit i of word i/64 is position i.
type bitset []uint64

// each calls f with every set position, ascending, until f fails.
func (s bitset) each(f func(pos int) error) error {
	for i, w := range s {
		for w != 0 {
			if err := f(i*64 + bits.TrailingZeros64(w)); err != nil {
				return err
			}
			w &= w - 1
		}
	}
	return nil
}

func (s bitset) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// maxBits bounds the positions a bitmap may name (an index that large
// would be over 2 GiB).
const maxBits = 1 << 25

// parseLink reads a link extension whose shared index id is hashSize
// bytes.
func parseLink(b []byte, hashSize int) (*link, error) {
	if len(b) < hashSize {
		return nil, errors.New("split index: link extension too short")
	}
	l := &link{}
	copy(l.shared[:hashSize], b)
	b = b[hashSize:]
	if len(b) == 0 {
		return l, nil
	}
	var err error
	if l.delete, b, err = readEWAH(b); err != nil {
		return nil, fmt.Errorf("split index: delete bitmap: %w", err)
	}
	if l.replace, b, err = readEWAH(b); err != nil {
		return nil, fmt.Errorf("split index: replace bitmap: %w", err)
	}
	if len(b) != 0 {
		return nil, errors.New("split index: garbage after the bitmaps")
	}
	return l, nil
}

// readEWAH decodes one EWAH-compressed bitmap as git serialises it (bit
// count, word count, 64-bit words, position of the last run-length word;
// all big-endian). Each run-length word holds a run bit, a run length in
// 64-bit words (32 bits) and a count of literal words that follow (31).
func readEWAH(b []byte) (bitset, []byte, error) {
	if len(b) < 8 {
		return nil, nil, errors.New("truncated")
	}
	bitSize := uint64(binary.BigEndian.Uint32(b))
	words := uint64(binary.BigEndian.Uint32(b[4:]))
	b = b[8:]
	if words*8+4 > uint64(len(b)) {
		return nil, nil, errors.New("truncated")
	}
	if bitSize > maxBits {
		return nil, nil, fmt.Errorf("claims %d bits", bitSize)
	}
	ws := b[:words*8]
	b = b[words*8+4:] // the last run-length word's position is not needed
	out := make(bitset, (bitSize+63)/64)
	word := func(i uint64) uint64 { return binary.BigEndian.Uint64(ws[i*8:]) }
	n := uint64(len(out))
	pos := uint64(0) // in words; words are at most 2^28 and runs 2^32: no overflow
	for p := uint64(0); p < words; {
		rlw := word(p)
		p++
		run := (rlw >> 1) & (1<<32 - 1)
		lits := rlw >> 33
		if lits > words-p {
			return nil, nil, errors.New("literal words past the end")
		}
		if rlw&1 != 0 {
			if pos > n || run > n-pos {
				return nil, nil, errors.New("bits past the bitmap's size")
			}
			for k := range run {
				out[pos+k] = ^uint64(0)
			}
		}
		pos += run
		for ; lits > 0; lits-- {
			w := word(p)
			p++
			if pos < n {
				out[pos] = w
			} else if w != 0 {
				return nil, nil, errors.New("bits past the bitmap's size")
			}
			pos++
		}
	}
	// Bits past bitSize in the last word must be clear.
	if r := bitSize % 64; r != 0 && len(out) > 0 && out[len(out)-1]>>r != 0 {
		return nil, nil, errors.New("bits past the bitmap's size")
	}
	return out, b, nil
}

// merge applies this split index to its shared index, as git does:
// replacements take the shared entry's path, deleted entries go, added
// entries are inserted in order (a merged entry replacing every stage of
// its path).
func (idx *Index) merge(shared *Index) error {
	l := idx.link
	base := shared.Entries
	nrep := l.replace.count()
	if nrep > len(idx.Entries) {
		return fmt.Errorf("%d replacements but %d entries", nrep, len(idx.Entries))
	}
	out := make([]Entry, len(base))
	copy(out, base)
	gone := make([]bool, len(base))
	k := 0
	err := l.replace.each(func(p int) error {
		if p >= len(base) {
			return fmt.Errorf("replacement of entry %d past the shared index's %d", p, len(base))
		}
		e := idx.Entries[k]
		k++
		e.Path = base[p].Path
		out[p] = e
		return nil
	})
	if err != nil {
		return err
	}
	err = l.delete.each(func(p int) error {
		if p >= len(base) {
			return fmt.Errorf("deletion of entry %d past the shared index's %d", p, len(base))
		}
		gone[p] = true
		return nil
	})
	if err != nil {
		return err
	}
	added := idx.Entries[nrep:]
	for i := 1; i < len(added); i++ {
		if cmpEntry(&added[i-1], &added[i]) >= 0 {
			return fmt.Errorf("added entries out of order (%q, %q)", added[i-1].Path, added[i].Path)
		}
	}
	merged := map[string]bool{}
	for i := range added {
		if added[i].Stage == 0 {
			merged[added[i].Path] = true
		}
	}
	res := make([]Entry, 0, len(out)+len(added))
	i, j := 0, 0
	for i < len(out) || j < len(added) {
		if i < len(out) && (gone[i] || (merged[out[i].Path] && !(j < len(added) && cmpEntry(&out[i], &added[j]) == 0))) {
			i++
			continue
		}
		switch {
		case j >= len(added):
			res = append(res, out[i])
			i++
		case i >= len(out):
			res = append(res, added[j])
			j++
		default:
			switch c := cmpEntry(&out[i], &added[j]); {
			case c < 0:
				res = append(res, out[i])
				i++
			case c > 0:
				res = append(res, added[j])
				j++
			default: // the added entry replaces the shared one
				res = append(res, added[j])
				i++
				j++
			}
		}
	}
	idx.Entries = res
	idx.Sparse = idx.Sparse || shared.Sparse
	idx.link = nil
	if err := idx.checkOrder(); err != nil {
		return err
	}
	return idx.checkPaths()
}

func cmpEntry(a, b *Entry) int {
	switch {
	case a.Path < b.Path:
		return -1
	case a.Path > b.Path:
		return 1
	}
	return int(a.Stage) - int(b.Stage)
}
