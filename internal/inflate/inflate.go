// Package inflate decodes a raw DEFLATE stream (RFC 1951) whose output size
// is known in advance, from one buffer into another.
//
// Git pack entries are zlib streams that state their inflated size, and a
// history scan inflates hundreds of thousands of them, most only a few
// hundred bytes long. A streaming decoder (compress/flate and its faster
// relatives) writes every byte to a 32 KiB window and copies it out again,
// reads its input a byte at a time through an interface and spends much of
// a small stream building Huffman tables. Decoding straight into the
// destination, with a 64-bit bit buffer and small lookup tables, does none
// of that.
//
// The decoder is strict: anything it does not accept is an error, and a
// caller that must still read odd but valid streams retries them with
// compress/flate.
package inflate

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// Errors returned by Decoder.Decode.
var (
	ErrCorrupt   = errors.New("inflate: corrupt stream")
	ErrTruncated = errors.New("inflate: truncated stream")
	ErrSize      = errors.New("inflate: output size differs from the expected size")
)

// Table entries are uint32s:
//
//	bits 0–3   bits the code word takes (root bits for a subtable link)
//	bits 4–7   extra bits after it (length and distance codes), or the
//	           subtable's index bits (links)
//	bits 8–10  kind
//	bits 11–31 value: literal byte, base length or distance, subtable offset
const (
	kindInvalid = iota // zero: a code no symbol has
	kindLiteral
	kindLength
	kindEnd
	kindLink
	kindDistance
)

const valueShift = 11

func entry(kind, extra, value uint32) uint32 {
	return kind<<8 | extra<<4 | value<<valueShift
}

const (
	litRootBits  = 9
	distRootBits = 8
	preRootBits  = 7
	maxCodeBits  = 15
)

var (
	litTemplate  [288]uint32
	distTemplate [32]uint32
	preTemplate  [19]uint32
	// fixed code tables (RFC 1951 3.2.6), built once.
	fixedLit, fixedDist []uint32
)

// precodeOrder is the order of the code length code lengths in a dynamic
// block header.
var precodeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

func init() {
	for i := range 256 {
		litTemplate[i] = entry(kindLiteral, 0, uint32(i))
	}
	litTemplate[256] = entry(kindEnd, 0, 0)
	base, extra := uint32(3), uint32(0)
	for i := 257; i < 285; i++ {
		if i >= 265 && (i-261)%4 == 0 {
			extra++
		}
		litTemplate[i] = entry(kindLength, extra, base)
		base += 1 << extra
	}
	litTemplate[285] = entry(kindLength, 0, 258)
	// 286 and 287 stay invalid.
	base, extra = 1, 0
	for i := range 30 {
		if i >= 4 && i%2 == 0 {
			extra++
		}
		distTemplate[i] = entry(kindDistance, extra, base)
		base += 1 << extra
	}
	for i := range preTemplate {
		preTemplate[i] = entry(kindLiteral, 0, uint32(i))
	}
	var lens [288]uint8
	for i := range lens {
		switch {
		case i < 144:
			lens[i] = 8
		case i < 256:
			lens[i] = 9
		case i < 280:
			lens[i] = 7
		default:
			lens[i] = 8
		}
	}
	var ok bool
	if fixedLit, ok = build(nil, litRootBits, lens[:], litTemplate[:], true); !ok {
		panic("inflate: fixed literal table")
	}
	for i := range 32 {
		lens[i] = 5
	}
	if fixedDist, ok = build(nil, distRootBits, lens[:32], distTemplate[:], true); !ok {
		panic("inflate: fixed distance table")
	}
}

// build returns a lookup table for the canonical Huffman code with the
// code word lengths lens (0: no code), reusing t's storage. Each symbol's
// entry is its template plus its length. The table is rootBits wide, with
// subtables after the root for longer codes. An over-subscribed code is
// refused, and so is an incomplete one unless allowIncomplete and it has
// at most one code word (RFC 1951 allows a lone distance code), whose
// missing codes become invalid entries.
func build(t []uint32, rootBits uint, lens []uint8, template []uint32, allowIncomplete bool) ([]uint32, bool) {
	var count [maxCodeBits + 1]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	left, maxLen := 1, 0
	for l := 1; l <= maxCodeBits; l++ {
		left <<= 1
		left -= count[l]
		if left < 0 {
			return t, false
		}
		if count[l] > 0 {
			maxLen = l
		}
	}
	if left > 0 && (!allowIncomplete || maxLen > 1) {
		return t, false
	}
	rootSize := 1 << rootBits
	t = t[:0]
	t = append(t, make([]uint32, rootSize)...)
	if maxLen == 0 {
		return t, true
	}
	// Sort the symbols by code length, then by value: canonical order.
	var offs [maxCodeBits + 2]int
	for l := 1; l <= maxCodeBits; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sortedBuf [288]uint16
	sorted := sortedBuf[:offs[maxCodeBits+1]]
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	remaining := count
	code, length := 0, 1
	prefix, subOff, subBits := -1, 0, 0
	for _, s := range sorted {
		l := int(lens[s])
		code <<= l - length
		length = l
		rev := int(bits.Reverse16(uint16(code)) >> (16 - l))
		e := template[s]
		if l <= int(rootBits) {
			e |= uint32(l)
			for i := rev; i < rootSize; i += 1 << l {
				t[i] = e
			}
		} else {
			if p := rev & (rootSize - 1); p != prefix {
				// A new subtable: wide enough for the longest code
				// sharing this prefix (zlib's inflate_table).
				prefix = p
				subBits = l - int(rootBits)
				room := 1 << subBits
				for subBits+int(rootBits) < maxLen {
					room -= remaining[subBits+int(rootBits)]
					if room <= 0 {
						break
					}
					subBits++
					room <<= 1
				}
				subOff = len(t)
				t = append(t, make([]uint32, 1<<subBits)...)
				t[p] = entry(kindLink, uint32(subBits), uint32(subOff)) | uint32(rootBits)
			}
			sl := l - int(rootBits)
			e |= uint32(sl)
			for i := rev >> rootBits; i < 1<<subBits; i += 1 << sl {
				t[subOff+i] = e
			}
		}
		remaining[l]--
		code++
	}
	return t, true
}

// Decoder holds the tables of dynamic blocks between calls; its zero value
// is ready. A Decoder is not safe for concurrent use.
type Decoder struct {
	lit, dist, pre []uint32
	lens           [288 + 32]uint8
}

// Decode inflates the raw DEFLATE stream at the start of src into dst,
// which must come out exactly full. It returns how many bytes of src the
// stream took (bytes after its last block are not read).
func (d *Decoder) Decode(dst, src []byte) (consumed int, err error) {
	var (
		bb    uint64 // bit buffer, next bit lowest
		nb    uint   // bits in bb
		in    int    // next byte of src to load
		over  int    // zero bytes loaded past the end of src
		out   int    // next byte of dst to write
		final bool
	)
	// refill tops bb up to at least 56 bits.
	refill := func() {
		if in+8 <= len(src) {
			bb |= binary.LittleEndian.Uint64(src[in:]) << nb
			in += int(63-nb) >> 3
			nb |= 56
			return
		}
		bb, nb, in, over = refillBytes(src, bb, nb, in, over)
	}
	for !final {
		refill()
		if over > 8 {
			return 0, ErrTruncated
		}
		final = bb&1 == 1
		typ := bb >> 1 & 3
		bb >>= 3
		nb -= 3
		var lit, dist []uint32
		switch typ {
		case 0:
			// Stored: drop to a byte boundary, give back the bytes in bb.
			bb >>= nb & 7
			nb -= nb & 7
			back := int(nb/8) - over
			if back < 0 {
				return 0, ErrTruncated
			}
			in -= back
			bb, nb, over = 0, 0, 0
			if in+4 > len(src) {
				return 0, ErrTruncated
			}
			n := int(binary.LittleEndian.Uint16(src[in:]))
			if uint16(n) != ^binary.LittleEndian.Uint16(src[in+2:]) {
				return 0, ErrCorrupt
			}
			in += 4
			if in+n > len(src) {
				return 0, ErrTruncated
			}
			if n > len(dst)-out {
				return 0, ErrSize
			}
			out += copy(dst[out:], src[in:in+n])
			in += n
			continue
		case 1:
			lit, dist = fixedLit, fixedDist
		case 2:
			var ok bool
			if bb, nb, in, over, ok = d.readDynamic(src, bb, nb, in, over); !ok {
				if over > 8 {
					return 0, ErrTruncated
				}
				return 0, ErrCorrupt
			}
			lit, dist = d.lit, d.dist
		default:
			return 0, ErrCorrupt
		}
		// Symbols of a compressed block.
		for {
			if nb < 48 {
				refill()
				if over > 8 {
					return 0, ErrTruncated
				}
			}
			e := lit[bb&(1<<litRootBits-1)]
			if e>>8&7 == kindLink {
				bb >>= litRootBits
				nb -= litRootBits
				e = lit[int(e>>valueShift)+int(bb&(1<<(e>>4&15)-1))]
			}
			bb >>= e & 15
			nb -= uint(e & 15)
			switch e >> 8 & 7 {
			case kindLiteral:
				if out >= len(dst) {
					return 0, ErrSize
				}
				dst[out] = byte(e >> valueShift)
				out++
				continue
			case kindLength:
			case kindEnd:
				goto blockDone
			default:
				return 0, ErrCorrupt
			}
			extra := e >> 4 & 15
			length := int(e>>valueShift) + int(bb&(1<<extra-1))
			bb >>= extra
			nb -= uint(extra)
			e = dist[bb&(1<<distRootBits-1)]
			if e>>8&7 == kindLink {
				bb >>= distRootBits
				nb -= distRootBits
				e = dist[int(e>>valueShift)+int(bb&(1<<(e>>4&15)-1))]
			}
			if e>>8&7 != kindDistance {
				return 0, ErrCorrupt
			}
			bb >>= e & 15
			nb -= uint(e & 15)
			extra = e >> 4 & 15
			distance := int(e>>valueShift) + int(bb&(1<<extra-1))
			bb >>= extra
			nb -= uint(extra)
			if distance > out {
				return 0, ErrCorrupt
			}
			if length > len(dst)-out {
				return 0, ErrSize
			}
			from, end := out-distance, out+length
			if distance >= 8 && length <= 16 && out+16 <= len(dst) {
				// Short copies, the most common, in two overlapping
				// 8-byte moves: bytes past end are written over later,
				// and the second move reads what the first wrote when
				// the distance is under 16, as an overlapping copy must.
				binary.LittleEndian.PutUint64(dst[out:], binary.LittleEndian.Uint64(dst[from:]))
				binary.LittleEndian.PutUint64(dst[out+8:], binary.LittleEndian.Uint64(dst[from+8:]))
			} else if distance >= length {
				copy(dst[out:end], dst[from:out])
			} else {
				// Overlapping: the copied run repeats; double it.
				n := copy(dst[out:end], dst[from:out])
				for out+n < end {
					n += copy(dst[out+n:end], dst[out:out+n])
				}
			}
			out = end
		}
	blockDone:
	}
	back := int(nb/8) - over
	if back < 0 {
		return 0, ErrTruncated
	}
	if out != len(dst) {
		return 0, ErrSize
	}
	return in - back, nil
}

// refillBytes tops the bit buffer bb (nb bits) up to at least 56 bits a
// byte at a time from src at in, with zero bytes past its end (counted in
// over: reading them is an error once their bits are used).
func refillBytes(src []byte, bb uint64, nb uint, in, over int) (uint64, uint, int, int) {
	for nb < 56 {
		if in < len(src) {
			bb |= uint64(src[in]) << nb
			in++
		} else {
			over++
		}
		nb += 8
	}
	return bb, nb, in, over
}

// readDynamic reads a dynamic block's header (RFC 1951 3.2.7) and builds
// d.lit and d.dist.
func (d *Decoder) readDynamic(src []byte, bb uint64, nb uint, in, over int) (uint64, uint, int, int, bool) {
	refill := func() { bb, nb, in, over = refillBytes(src, bb, nb, in, over) }
	refill()
	nlit := int(bb&31) + 257
	ndist := int(bb>>5&31) + 1
	npre := int(bb>>10&15) + 4
	bb >>= 14
	nb -= 14
	if nlit > 286 || ndist > 30 {
		return bb, nb, in, over, false
	}
	var preLens [19]uint8
	for i := range npre {
		if nb < 3 {
			refill()
		}
		preLens[precodeOrder[i]] = uint8(bb & 7)
		bb >>= 3
		nb -= 3
	}
	var ok bool
	if d.pre, ok = build(d.pre, preRootBits, preLens[:], preTemplate[:], false); !ok {
		return bb, nb, in, over, false
	}
	lens := d.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		if nb < 16 {
			refill()
			if over > 8 {
				return bb, nb, in, over, false
			}
		}
		e := d.pre[bb&(1<<preRootBits-1)]
		if e>>8&7 != kindLiteral {
			return bb, nb, in, over, false
		}
		bb >>= e & 15
		nb -= uint(e & 15)
		sym := e >> valueShift
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var repeat int
		var value uint8
		switch sym {
		case 16:
			if i == 0 {
				return bb, nb, in, over, false
			}
			value = lens[i-1]
			repeat = 3 + int(bb&3)
			bb >>= 2
			nb -= 2
		case 17:
			repeat = 3 + int(bb&7)
			bb >>= 3
			nb -= 3
		default:
			repeat = 11 + int(bb&127)
			bb >>= 7
			nb -= 7
		}
		if i+repeat > len(lens) {
			return bb, nb, in, over, false
		}
		for range repeat {
			lens[i] = value
			i++
		}
	}
	if lens[256] == 0 {
		return bb, nb, in, over, false
	}
	if d.lit, ok = build(d.lit, litRootBits, lens[:nlit], litTemplate[:], true); !ok {
		return bb, nb, in, over, false
	}
	d.dist, ok = build(d.dist, distRootBits, lens[nlit:], distTemplate[:], true)
	return bb, nb, in, over, ok
}
