package githistory

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zlib"
	"github.com/sprawl-dev/sprawl/internal/inflate"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// This file reads git objects straight from a repository's object folder:
// pack index v2 files, packfiles (with OFS_DELTA and REF_DELTA chains) and
// loose objects. It never runs git and never reads the repository's config.
// go-git's object decoding allocates per object and locks on every index
// lookup; reading the formats directly is several times faster and lets the
// emit phase resolve delta chains in pack order (see emit.go).

// Object id lengths: SHA-1 (git's default) and SHA-256 repositories
// (`git init --object-format=sha256`, the default from Git 3.0).
const (
	sha1Len   = 20
	sha256Len = 32
)

// oid is an object id: a SHA-1 id fills the first 20 bytes and leaves the
// rest zero; a SHA-256 id fills all 32. One repository uses one length,
// which its objStore knows (hashLen); an id compares, hashes and sorts the
// same way whichever it holds.
type oid [sha256Len]byte

// String returns the id in hex: 40 digits for a SHA-1 id, 64 for a
// SHA-256 one. An id whose last 12 bytes are zero is taken for SHA-1: a
// SHA-256 id ends so with probability 2^-96.
func (o oid) String() string {
	if o.short() {
		return hex.EncodeToString(o[:sha1Len])
	}
	return hex.EncodeToString(o[:])
}

// short reports whether o holds a SHA-1 id (its last 12 bytes are zero).
func (o oid) short() bool {
	var zero [sha256Len - sha1Len]byte
	return [sha256Len - sha1Len]byte(o[sha1Len:]) == zero
}

func (o oid) isZero() bool { return o == oid{} }

// parseOID reads a 40-digit (SHA-1) or 64-digit (SHA-256) hex id.
func parseOID(s string) (oid, bool) {
	var o oid
	if len(s) != 2*sha1Len && len(s) != 2*sha256Len {
		return o, false
	}
	if _, err := hex.Decode(o[:len(s)/2], []byte(s)); err != nil {
		return o, false
	}
	return o, true
}

// Object types as numbered in packfiles.
const (
	typeCommit   = 1
	typeTree     = 2
	typeBlob     = 3
	typeTag      = 4
	typeOfsDelta = 6
	typeRefDelta = 7
)

var errNotFound = errors.New("object not found")

// maxObjectSize caps any single allocation made from a size field read from
// the repository, so a corrupt or hostile header cannot ask for terabytes.
const maxObjectSize = 1 << 31

// packFile is one .pack with its parsed .idx.
type packFile struct {
	name      string
	f         *os.File
	size      int64
	count     int
	fanout    [256]uint32
	hashLen   int    // 20 or 32: the repository's object id length
	names     []byte // count*hashLen
	off32     []byte // count*4
	off64     []byte // 8 per large offset
	sortOnce  sync.Once
	sorted    []int64 // object offsets ascending, for object extents (built on first use)
	idxData   []byte
	idxMapped bool         // idxData is a mapping to release on close
	data      []byte       // the mapped pack, or nil (then ReadAt is used)
	read      atomic.Int64 // bytes of data inflated, for dropPages
}

// dropEvery is how many bytes of a mapped pack are read between releases
// of its pages. A history scan reads every blob of a pack once, and the
// pages it touched would otherwise stay in the process's resident set:
// git.git's 500 MB pack took sprawl's peak RSS to 837 MB (690 MB with
// the releases). The kernel maps 64 KiB around each page read, so the
// releases come often. Released pages stay in the page cache; touching one
// again costs a minor fault.
var dropEvery int64 = 32 << 20

// noteRead counts n bytes read from the mapped pack and releases the
// mapping's pages each time dropEvery more have been read.
func (p *packFile) noteRead(n int64) {
	if n <= 0 {
		return
	}
	if now := p.read.Add(n); now/dropEvery != (now-n)/dropEvery {
		dropPages(p.data)
	}
}

// readIndexFile maps a pack index (a lookup touches a few of its pages;
// reading a large one whole took longer than a pre-commit scan), or reads
// it when mapping fails. mapped says which.
func readIndexFile(path string) (data []byte, mapped bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if b := mapFile(f, st.Size()); b != nil {
		return b, true, nil
	}
	data, err = io.ReadAll(f)
	return data, false, err
}

func openPack(idxPath string, hashLen int) (p *packFile, err error) {
	data, mapped, err := readIndexFile(idxPath)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && mapped {
			unmapFile(data)
		}
	}()
	if len(data) < 8+256*4 || !bytes.Equal(data[:4], []byte{0xff, 't', 'O', 'c'}) ||
		binary.BigEndian.Uint32(data[4:8]) != 2 {
		return nil, fmt.Errorf("%s: not a version 2 pack index", filepath.Base(idxPath))
	}
	p = &packFile{name: strings.TrimSuffix(filepath.Base(idxPath), ".idx"), hashLen: hashLen, idxData: data, idxMapped: mapped}
	for i := range 256 {
		p.fanout[i] = binary.BigEndian.Uint32(data[8+i*4:])
		if i > 0 && p.fanout[i] < p.fanout[i-1] {
			return nil, fmt.Errorf("%s: corrupt pack index (fan-out table)", filepath.Base(idxPath))
		}
	}
	n := int(p.fanout[255])
	pos := 8 + 256*4
	// Names, CRC32s and 32-bit offsets; 64-bit offsets; the pack's and the
	// index's checksums, each hashLen bytes (SHA-256 in a SHA-256
	// repository: version 2 indexes do not say which).
	if len(data) < pos+n*(hashLen+4+4)+2*hashLen {
		return nil, fmt.Errorf("%s: truncated pack index", filepath.Base(idxPath))
	}
	p.count = n
	p.names = data[pos : pos+n*hashLen]
	pos += n * hashLen
	pos += n * 4 // CRC32s
	p.off32 = data[pos : pos+n*4]
	pos += n * 4
	p.off64 = data[pos : len(data)-2*hashLen]
	f, err := os.Open(strings.TrimSuffix(idxPath, ".idx") + ".pack")
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p.f, p.size = f, st.Size()
	p.data = mapFile(f, p.size)
	return p, nil
}

// sortOffsets lists object offsets in ascending order. Only reads without
// a mapping need it, so it runs on first use: sorting a large pack's
// offsets costs more than a pre-commit scan reads.
func (p *packFile) sortOffsets() {
	p.sorted = make([]int64, p.count)
	for i := range p.count {
		p.sorted[i] = p.offsetAt(i)
	}
	slices.Sort(p.sorted)
}

func (p *packFile) offsetAt(i int) int64 {
	v := binary.BigEndian.Uint32(p.off32[i*4:])
	if v&0x80000000 == 0 {
		return int64(v)
	}
	k := int(v&0x7fffffff) * 8
	if k+8 > len(p.off64) {
		return -1
	}
	return int64(binary.BigEndian.Uint64(p.off64[k:]))
}

// find returns the pack offset of id.
func (p *packFile) find(id oid) (int64, bool) {
	lo := 0
	if id[0] > 0 {
		lo = int(p.fanout[id[0]-1])
	}
	hi := int(p.fanout[id[0]])
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		c := bytes.Compare(p.names[m*p.hashLen:(m+1)*p.hashLen], id[:p.hashLen])
		switch {
		case c == 0:
			return p.offsetAt(m), true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}

// end returns where the object starting at off ends (the next object's
// offset, or the pack trailer).
func (p *packFile) end(off int64) int64 {
	p.sortOnce.Do(p.sortOffsets)
	i := sort.Search(len(p.sorted), func(i int) bool { return p.sorted[i] > off })
	if i < len(p.sorted) {
		return p.sorted[i]
	}
	return p.size - int64(p.hashLen)
}

// nameAt returns the id of the i-th object of the index (in id order).
func (p *packFile) nameAt(i int) oid {
	var o oid
	copy(o[:p.hashLen], p.names[i*p.hashLen:])
	return o
}

// entryHeader is a pack entry's header.
type entryHeader struct {
	typ     int
	size    int64 // inflated size (of the delta for delta entries)
	dataOff int64 // where the zlib stream starts
	baseOff int64 // OFS_DELTA base
	baseID  oid   // REF_DELTA base
}

func (p *packFile) header(off int64) (entryHeader, error) {
	var buf [16 + sha256Len]byte // type and size, then a REF_DELTA's base id
	var b []byte
	if p.data != nil {
		if off < 0 || off >= int64(len(p.data)) {
			return entryHeader{}, io.ErrUnexpectedEOF
		}
		b = p.data[off:min(off+int64(len(buf)), int64(len(p.data)))]
	} else {
		n, err := p.f.ReadAt(buf[:], off)
		if n == 0 && err != nil {
			return entryHeader{}, err
		}
		b = buf[:n]
	}
	var h entryHeader
	if len(b) == 0 {
		return h, io.ErrUnexpectedEOF
	}
	c := b[0]
	h.typ = int(c>>4) & 7
	h.size = int64(c & 15)
	shift := 4
	i := 1
	for c&0x80 != 0 {
		if i >= len(b) || shift > 56 {
			return h, fmt.Errorf("bad object header at offset %d", off)
		}
		c = b[i]
		i++
		h.size |= int64(c&0x7f) << shift
		shift += 7
	}
	switch h.typ {
	case typeOfsDelta:
		if i >= len(b) {
			return h, io.ErrUnexpectedEOF
		}
		c = b[i]
		i++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if i >= len(b) || rel > 1<<55 {
				return h, fmt.Errorf("bad delta offset at %d", off)
			}
			c = b[i]
			i++
			rel = ((rel + 1) << 7) | int64(c&0x7f)
		}
		h.baseOff = off - rel
		if h.baseOff < 12 || h.baseOff >= off {
			return h, fmt.Errorf("bad delta base offset at %d", off)
		}
	case typeRefDelta:
		if i+p.hashLen > len(b) {
			return h, io.ErrUnexpectedEOF
		}
		copy(h.baseID[:], b[i:i+p.hashLen])
		i += p.hashLen
	case typeCommit, typeTree, typeBlob, typeTag:
	default:
		return h, fmt.Errorf("bad object type %d at offset %d", h.typ, off)
	}
	if h.size > maxObjectSize {
		return h, fmt.Errorf("object at offset %d claims %d bytes", off, h.size)
	}
	h.dataOff = off + int64(i)
	return h, nil
}

// inflater reuses a zlib reader (loose objects), a DEFLATE reader (pack
// entries) and a read buffer. One per goroutine.
type inflater struct {
	zr    io.ReadCloser
	fr    io.ReadCloser
	br    bytes.Reader
	dec   inflate.Decoder
	buf   []byte
	delta []byte // inflateDelta's buffer
}

// inflate reads the entry's zlib stream into a new slice of h.size bytes.
func (z *inflater) inflate(p *packFile, off int64, h entryHeader) ([]byte, error) {
	return z.inflateTo(p, off, h, nil)
}

// maxKeptDelta bounds the delta buffer an inflater keeps between calls.
const maxKeptDelta = 1 << 20

// inflateDelta is inflate for a delta that is applied and dropped at
// once: the result lives in a buffer the next inflateDelta reuses.
func (z *inflater) inflateDelta(p *packFile, off int64, h entryHeader) ([]byte, error) {
	if h.size > maxKeptDelta {
		return z.inflate(p, off, h)
	}
	if int64(cap(z.delta)) < h.size {
		z.delta = make([]byte, max(h.size, 4<<10))
	}
	return z.inflateTo(p, off, h, z.delta[:h.size])
}

// inflateTo is inflate into dst (len(dst) == h.size) or, when dst is nil,
// into a new slice.
func (z *inflater) inflateTo(p *packFile, off int64, h entryHeader, dst []byte) ([]byte, error) {
	if p.data != nil {
		// The stream ends itself; the pack's trailer bounds it.
		if h.dataOff >= p.size-int64(p.hashLen) || p.size > int64(len(p.data)) {
			return nil, fmt.Errorf("bad object extent at offset %d", off)
		}
		src := p.data[h.dataOff : p.size-int64(p.hashLen)]
		out, used, err := z.inflateBytes(src, h.size, dst)
		p.noteRead(int64(used))
		return out, err
	}
	n := p.end(off) - h.dataOff
	if n <= 0 || n > p.size || h.dataOff+n > p.size {
		return nil, fmt.Errorf("bad object extent at offset %d", off)
	}
	if int64(cap(z.buf)) < n {
		z.buf = make([]byte, n)
	}
	src := z.buf[:n]
	if _, err := p.f.ReadAt(src, h.dataOff); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	out, _, err := z.inflateBytes(src, h.size, dst)
	return out, err
}

// inflateBytes inflates a pack entry's zlib stream into out (a new slice
// of size bytes when out is nil) and says how many bytes of src it took.
// The stream is read as raw DEFLATE after its two-byte header, and the
// Adler-32 sum at its end is not checked: computing it was 2% of a history
// scan, and a damaged stream still fails to inflate or inflates to the
// wrong size. internal/inflate decodes it; a stream that decoder refuses
// is read again by klauspost/compress's, which the scan used before and
// which is more lenient about streams zlib would not write.
func (z *inflater) inflateBytes(src []byte, size int64, out []byte) ([]byte, int, error) {
	if len(src) < 2 || src[0]&0x0f != 8 || (uint16(src[0])<<8|uint16(src[1]))%31 != 0 || src[1]&0x20 != 0 {
		return nil, 0, errors.New("inflate: not a zlib stream")
	}
	if out == nil {
		out = make([]byte, size)
	}
	if used, err := z.dec.Decode(out, src[2:]); err == nil {
		return out, 2 + used, nil
	}
	z.br.Reset(src[2:])
	if z.fr == nil {
		z.fr = flate.NewReader(&z.br)
	} else if err := z.fr.(flate.Resetter).Reset(&z.br, nil); err != nil {
		return nil, 0, err
	}
	if _, err := io.ReadFull(z.fr, out); err != nil {
		return nil, 0, fmt.Errorf("inflate: %w", err)
	}
	return out, len(src) - z.br.Len(), nil
}

// deltaSizes reads the source and target sizes at the start of a delta.
func deltaSizes(d []byte) (src, dst int64, rest []byte, err error) {
	src, d, err = deltaVarint(d)
	if err != nil {
		return
	}
	dst, d, err = deltaVarint(d)
	return src, dst, d, err
}

func deltaVarint(d []byte) (int64, []byte, error) {
	var v int64
	shift := 0
	for i, c := range d {
		if shift > 56 {
			break
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			return v, d[i+1:], nil
		}
	}
	return 0, nil, errors.New("bad delta header")
}

var errBadDelta = errors.New("corrupt delta")

// patch applies a git delta to base.
func patch(base, delta []byte) ([]byte, error) {
	srcSize, dstSize, d, err := deltaSizes(delta)
	if err != nil {
		return nil, err
	}
	if srcSize != int64(len(base)) || dstSize > maxObjectSize {
		return nil, errBadDelta
	}
	// The target is built in a strings.Builder: its buffer is not zeroed
	// before the delta overwrites every byte of it.
	var out strings.Builder
	out.Grow(int(dstSize))
	for len(d) > 0 {
		op := d[0]
		d = d[1:]
		if op&0x80 != 0 {
			var off, n uint64
			for i := range 4 {
				if op&(1<<i) != 0 {
					if len(d) == 0 {
						return nil, errBadDelta
					}
					off |= uint64(d[0]) << (8 * i)
					d = d[1:]
				}
			}
			for i := range 3 {
				if op&(0x10<<i) != 0 {
					if len(d) == 0 {
						return nil, errBadDelta
					}
					n |= uint64(d[0]) << (8 * i)
					d = d[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || int64(out.Len())+int64(n) > dstSize {
				return nil, errBadDelta
			}
			out.Write(base[off : off+n])
		} else if op != 0 {
			n := int(op)
			if n > len(d) || int64(out.Len()+n) > dstSize {
				return nil, errBadDelta
			}
			out.Write(d[:n])
			d = d[n:]
		} else {
			return nil, errBadDelta
		}
	}
	if int64(out.Len()) != dstSize {
		return nil, errBadDelta
	}
	// Blob contents are read-only once built (detectors.Input.Content).
	t := out.String()
	if t == "" {
		return []byte{}, nil
	}
	return unsafe.Slice(unsafe.StringData(t), len(t)), nil
}

// baseCacheBytes bounds the delta bases kept for random-access reads.
const baseCacheBytes = 64 << 20

// objStore finds and reads objects by id. It is safe for concurrent use.
type objStore struct {
	dir     string      // the objects folder
	hashLen int         // object id length: sha1Len or sha256Len
	dirs    []string    // dir, then alternate object folders (objects/info/alternates)
	packs   []*packFile // the packs of every folder in dirs

	mu    sync.Mutex // guards cache
	cache baseCache
	infs  sync.Pool // *inflater
}

// openStore opens the object folder objDir of a repository whose object
// ids are hashLen bytes long (sha1Len or sha256Len).
func openStore(objDir string, hashLen int) (*objStore, error) {
	s := &objStore{dir: objDir, hashLen: hashLen, cache: newBaseCache(baseCacheBytes)}
	s.dirs = objectDirs(objDir)
	var bad []string
	for _, dir := range s.dirs {
		idxs, err := filepath.Glob(filepath.Join(dir, "pack", "pack-*.idx"))
		if err != nil {
			return nil, err
		}
		sort.Strings(idxs)
		for _, idx := range idxs {
			p, err := openPack(idx, hashLen)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			s.packs = append(s.packs, p)
		}
	}
	if len(bad) > 0 && len(s.packs) == 0 {
		if _, err := os.Stat(filepath.Join(objDir)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// maxAlternates bounds how many alternate object folders are followed
// (git allows chains five deep).
const maxAlternates = 16

// objectDirs returns objDir and the alternate object folders its
// info/alternates file names, recursively (as git does: a repository
// cloned with --shared or --reference reads objects from another one).
// Relative entries are relative to the folder that names them; missing
// folders and loops are skipped.
func objectDirs(objDir string) []string {
	dirs := []string{objDir}
	seen := map[string]bool{}
	if abs, err := filepath.Abs(objDir); err == nil {
		seen[abs] = true
	}
	for i := 0; i < len(dirs) && len(dirs) <= maxAlternates; i++ {
		b, err := os.ReadFile(filepath.Join(dirs[i], "info", "alternates"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			if !filepath.IsAbs(line) {
				line = filepath.Join(dirs[i], line)
			}
			abs, err := filepath.Abs(line)
			if err != nil || seen[abs] {
				continue
			}
			if st, err := os.Stat(abs); err != nil || !st.IsDir() {
				continue
			}
			seen[abs] = true
			if len(dirs) < maxAlternates {
				dirs = append(dirs, abs)
			}
		}
	}
	return dirs
}

// dropCache releases the delta base cache.
func (s *objStore) dropCache() {
	s.mu.Lock()
	s.cache = newBaseCache(baseCacheBytes)
	s.mu.Unlock()
}

func (s *objStore) close() {
	for _, p := range s.packs {
		unmapFile(p.data)
		p.data = nil
		if p.idxMapped {
			unmapFile(p.idxData)
			p.idxData, p.names, p.off32, p.off64, p.idxMapped = nil, nil, nil, nil, false
		}
		p.f.Close()
	}
}

// loc is where an object lives: pack index and offset, or pack -1 for a
// loose object.
type loc struct {
	pack int32
	off  int64
}

func (s *objStore) locate(id oid) (loc, bool) {
	for i, p := range s.packs {
		if off, ok := p.find(id); ok {
			return loc{int32(i), off}, true
		}
	}
	for _, dir := range s.dirs {
		if _, err := os.Stat(loosePath(dir, id)); err == nil {
			return loc{pack: -1}, true
		}
	}
	return loc{}, false
}

func loosePath(dir string, id oid) string {
	h := id.String()
	return filepath.Join(dir, h[:2], h[2:])
}

// readLoose reads a loose object. With maxSize > 0 an object larger than
// that returns its type and size but no content.
func (s *objStore) readLoose(z *inflater, id oid, maxSize int64) (int, int64, []byte, error) {
	var data []byte
	err := errNotFound
	for _, dir := range s.dirs {
		data, err = os.ReadFile(loosePath(dir, id))
		if err == nil {
			break
		}
		if os.IsNotExist(err) {
			err = errNotFound
			continue
		}
		return 0, 0, nil, err
	}
	if err != nil {
		return 0, 0, nil, err
	}
	z.br.Reset(data)
	if z.zr == nil {
		if z.zr, err = zlib.NewReader(&z.br); err != nil {
			return 0, 0, nil, err
		}
	} else if err := z.zr.(zlib.Resetter).Reset(&z.br, nil); err != nil {
		return 0, 0, nil, err
	}
	var hdr [64]byte
	n := 0
	for n < len(hdr) {
		if _, err := io.ReadFull(z.zr, hdr[n:n+1]); err != nil {
			return 0, 0, nil, fmt.Errorf("loose object header: %w", err)
		}
		if hdr[n] == 0 {
			break
		}
		n++
	}
	kind, sz, ok := strings.Cut(string(hdr[:n]), " ")
	size, err := strconv.ParseInt(sz, 10, 64)
	if !ok || err != nil || size < 0 || size > maxObjectSize {
		return 0, 0, nil, errors.New("bad loose object header")
	}
	typ := map[string]int{"commit": typeCommit, "tree": typeTree, "blob": typeBlob, "tag": typeTag}[kind]
	if typ == 0 {
		return 0, 0, nil, errors.New("bad loose object type")
	}
	if maxSize > 0 && size > maxSize {
		return typ, size, nil, nil
	}
	out := make([]byte, size)
	if _, err := io.ReadFull(z.zr, out); err != nil {
		return 0, 0, nil, fmt.Errorf("inflate: %w", err)
	}
	return typ, size, out, nil
}

// inflater takes an inflater from the pool (or makes one); callers put it
// back.
func (s *objStore) inflater() *inflater {
	if z, ok := s.infs.Get().(*inflater); ok {
		return z
	}
	return &inflater{}
}

// read returns an object's type and content. The content may be shared
// with the cache: callers must not modify it. Safe for concurrent use.
func (s *objStore) read(id oid) (int, []byte, error) {
	z := s.inflater()
	defer s.infs.Put(z)
	for i, p := range s.packs {
		if off, ok := p.find(id); ok {
			return s.readPacked(z, int32(i), off, 0)
		}
	}
	typ, _, data, err := s.readLoose(z, id, 0)
	return typ, data, err
}

// readHead is read, but for an object stored whole in a pack it inflates
// only its first n bytes (or all of it when shorter).
func (s *objStore) readHead(id oid, n int64) (int, []byte, error) {
	for i, p := range s.packs {
		off, ok := p.find(id)
		if !ok {
			continue
		}
		h, err := p.header(off)
		if err != nil {
			return 0, nil, err
		}
		if h.typ == typeOfsDelta || h.typ == typeRefDelta {
			break
		}
		z := s.inflater()
		defer s.infs.Put(z)
		h.size = min(h.size, n)
		data, err := z.inflate(s.packs[i], off, h)
		return h.typ, data, err
	}
	return s.read(id)
}

func (s *objStore) cacheGet(k loc) (int, []byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cache.get(k)
}

func (s *objStore) cachePut(k loc, typ int, data []byte) {
	s.mu.Lock()
	s.cache.put(k, typ, data)
	s.mu.Unlock()
}

// readPacked resolves the entry at (pi, off), caching delta bases.
func (s *objStore) readPacked(z *inflater, pi int32, off int64, depth int) (int, []byte, error) {
	if depth > 10000 {
		return 0, nil, errors.New("delta chain too deep")
	}
	p := s.packs[pi]
	type link struct {
		off int64
		h   entryHeader
	}
	var chain []link
	var base []byte
	typ := 0
	cur := off
	for {
		if t, data, ok := s.cacheGet(loc{pi, cur}); ok {
			typ, base = t, data
			break
		}
		h, err := p.header(cur)
		if err != nil {
			return 0, nil, err
		}
		if h.typ == typeOfsDelta {
			chain = append(chain, link{cur, h})
			cur = h.baseOff
			if len(chain) > 10000 {
				return 0, nil, errors.New("delta chain too deep")
			}
			continue
		}
		if h.typ == typeRefDelta {
			chain = append(chain, link{cur, h})
			// The base may live in another pack or loose.
			var err error
			found := false
			for j, q := range s.packs {
				if boff, ok := q.find(h.baseID); ok {
					typ, base, err = s.readPacked(z, int32(j), boff, depth+1)
					found = true
					break
				}
			}
			if !found {
				typ, _, base, err = s.readLoose(z, h.baseID, 0)
			}
			if err != nil {
				return 0, nil, fmt.Errorf("delta base %s: %w", h.baseID, err)
			}
			break
		}
		data, err := z.inflate(p, cur, h)
		if err != nil {
			return 0, nil, err
		}
		typ, base = h.typ, data
		if len(chain) > 0 {
			s.cachePut(loc{pi, cur}, typ, base)
		}
		break
	}
	for i := len(chain) - 1; i >= 0; i-- {
		delta, err := z.inflateDelta(p, chain[i].off, chain[i].h)
		if err != nil {
			return 0, nil, err
		}
		if base, err = patch(base, delta); err != nil {
			return 0, nil, fmt.Errorf("object at offset %d: %w", chain[i].off, err)
		}
		if i > 0 {
			s.cachePut(loc{pi, chain[i].off}, typ, base)
		}
	}
	return typ, base, nil
}

// baseCache keeps recently used delta bases under a byte budget. It keeps two
// generations: when the young one fills, the old one is dropped.
type baseCache struct {
	budget     int64
	young, old map[loc]cached
	youngBytes int64
}

type cached struct {
	typ  int
	data []byte
}

func newBaseCache(budget int64) baseCache {
	return baseCache{budget: budget, young: map[loc]cached{}, old: map[loc]cached{}}
}

func (c *baseCache) get(k loc) (int, []byte, bool) {
	if v, ok := c.young[k]; ok {
		return v.typ, v.data, true
	}
	if v, ok := c.old[k]; ok {
		c.put(k, v.typ, v.data)
		return v.typ, v.data, true
	}
	return 0, nil, false
}

func (c *baseCache) put(k loc, typ int, data []byte) {
	if int64(len(data)) > c.budget/4 {
		return
	}
	if c.youngBytes+int64(len(data)) > c.budget/2 {
		c.old, c.young, c.youngBytes = c.young, make(map[loc]cached, len(c.young)), 0
	}
	c.young[k] = cached{typ, data}
	c.youngBytes += int64(len(data))
}
