package githistory

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
)

// This file reads refs kept in a reftable (extensions.refStorage =
// reftable: `git init --ref-format=reftable` since git 2.45, and the
// default for new repositories from Git 3.0), as the format is documented
// in git's Documentation/technical/reftable.txt. Only ref blocks are read:
// a history scan wants every ref, so the indexes, the object blocks and
// the reflog blocks are not needed. Every length and offset is checked
// against the file: a hostile table is an error, never a panic.

// tableRef is one ref record: an object id, or a symbolic ref's target.
type tableRef struct {
	id      oid
	symref  string
	deleted bool
}

// maxReftables bounds how many tables a stack may list.
const maxReftables = 1 << 12

// errBadReftable is wrapped by every format error.
var errBadReftable = errors.New("corrupt reftable")

// usesReftable reports whether the refs of the repository whose common
// folder is commonDir live in a reftable stack: whether its config says
// so (extensions.refStorage), as git decides.
func usesReftable(commonDir string) bool {
	return refStorage(GitDirs{CommonDir: commonDir}) == "reftable"
}

// readReftableStack reads the stack in dir (its tables.list, oldest table
// first) into one map: a newer table's record replaces an older one's,
// and a deletion removes the ref.
func readReftableStack(dir string, hashLen int) (map[string]tableRef, error) {
	list, err := os.ReadFile(filepath.Join(dir, "tables.list"))
	if err != nil {
		return nil, err
	}
	refs := map[string]tableRef{}
	sc := bufio.NewScanner(bytes.NewReader(list))
	for n := 0; sc.Scan(); n++ {
		name := strings.TrimSpace(sc.Text())
		if name == "" {
			continue
		}
		if n >= maxReftables || name != filepath.Base(name) || name == "." || name == ".." {
			return nil, fmt.Errorf("%s: %w: bad entry %q in tables.list", dir, errBadReftable, name)
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			// git rewrites the stack while it compacts; a table that went
			// away means tables.list changed under us.
			return nil, fmt.Errorf("%s: %w (was the repository written to during the scan? scan it again)", dir, err)
		}
		if err := parseReftable(data, hashLen, refs); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
		}
	}
	for name, r := range refs {
		if r.deleted {
			delete(refs, name)
		}
	}
	return refs, sc.Err()
}

// Reftable layout: a header (24 bytes in version 1, 28 in version 2 with
// its hash id), blocks, and a footer that repeats the header and adds
// section offsets and a CRC-32 (68 or 72 bytes).
const (
	reftableHeaderV1 = 24
	reftableHeaderV2 = 28
	reftableFooterV1 = 68
	reftableFooterV2 = 72
)

// parseReftable reads the ref records of one table into refs, replacing
// what older tables said. hashLen is the repository's object id length:
// a table for another format is an error.
func parseReftable(data []byte, hashLen int, refs map[string]tableRef) error {
	return eachRefBlock(data, hashLen, func(off int, block []byte, headerOff int) error {
		if err := parseRefBlock(block, headerOff, hashLen, refs); err != nil {
			return fmt.Errorf("ref block at %d: %w", off, err)
		}
		return nil
	})
}

// eachRefBlock checks a table's header and footer and calls f with each
// of its ref blocks, in order: its offset, its bytes (from the block's
// first byte, the file header included for the first block, to its
// restart table's end) and where its type byte sits in them.
func eachRefBlock(data []byte, hashLen int, f func(off int, block []byte, headerOff int) error) error {
	if len(data) < reftableHeaderV1 || string(data[:4]) != "REFT" {
		return fmt.Errorf("%w: no REFT header", errBadReftable)
	}
	headerSize, footerSize, tableHash := reftableHeaderV1, reftableFooterV1, sha1Len
	switch data[4] {
	case 1:
	case 2:
		headerSize, footerSize = reftableHeaderV2, reftableFooterV2
		if len(data) < headerSize {
			return fmt.Errorf("%w: truncated header", errBadReftable)
		}
		switch string(data[24:28]) {
		case "sha1":
		case "s256":
			tableHash = sha256Len
		default:
			return fmt.Errorf("%w: unknown hash id %q", errBadReftable, data[24:28])
		}
	default:
		return fmt.Errorf("%w: version %d is not known", errBadReftable, data[4])
	}
	if tableHash != hashLen {
		return fmt.Errorf("%w: its object ids are %d bytes, the repository's %d", errBadReftable, tableHash, hashLen)
	}
	if len(data) < headerSize+footerSize {
		return fmt.Errorf("%w: truncated (%d bytes)", errBadReftable, len(data))
	}
	end := len(data) - footerSize // where blocks stop
	footer := data[end:]
	if !bytes.Equal(footer[:headerSize], data[:headerSize]) {
		return fmt.Errorf("%w: footer does not repeat the header", errBadReftable)
	}
	if crc32.ChecksumIEEE(footer[:footerSize-4]) != binary.BigEndian.Uint32(footer[footerSize-4:]) {
		return fmt.Errorf("%w: footer checksum mismatch", errBadReftable)
	}
	blockSize := int(be24(data[5:]))
	// Ref blocks come first, from the one that shares the file's first
	// block with the header; the first block of another type ends them.
	for off, first := 0, true; off < end; first = false {
		headerOff := 0
		if first {
			headerOff = headerSize
		}
		if off+headerOff+4 > end {
			if first {
				return nil // an empty table: header, then footer
			}
			return fmt.Errorf("%w: truncated block at %d", errBadReftable, off)
		}
		if data[off+headerOff] != 'r' {
			return nil
		}
		size := int(be24(data[off+headerOff+1:])) // from off, the file header included
		if size < headerOff+4+2 || off+size > end {
			return fmt.Errorf("%w: ref block at %d claims %d bytes", errBadReftable, off, size)
		}
		if err := f(off, data[off:off+size], headerOff); err != nil {
			return err
		}
		// The next block starts at the next multiple of the block size
		// when blocks are padded (the byte after this one is a NUL), else
		// right after this block, as git's reader decides.
		next := size
		if blockSize > 0 && (size >= blockSize || off+size >= end || data[off+size] == 0) {
			next = blockSize
		}
		off += next
	}
	return nil
}

// parseRefBlock reads the records of one ref block (block starts at the
// block's first byte, the file header included for the first block; its
// type and length sit at headerOff).
func parseRefBlock(block []byte, headerOff, hashLen int, refs map[string]tableRef) error {
	restarts := int(binary.BigEndian.Uint16(block[len(block)-2:]))
	recordsEnd := len(block) - 2 - 3*restarts
	if restarts == 0 || recordsEnd < headerOff+4 {
		return fmt.Errorf("%w: bad restart table (%d restarts)", errBadReftable, restarts)
	}
	in := block[headerOff+4 : recordsEnd]
	var name []byte
	for len(in) > 0 {
		prefix, n := reftableVarint(in)
		if n <= 0 {
			return fmt.Errorf("%w: bad record", errBadReftable)
		}
		in = in[n:]
		suffixType, n := reftableVarint(in)
		if n <= 0 {
			return fmt.Errorf("%w: bad record", errBadReftable)
		}
		in = in[n:]
		typ, suffix := suffixType&7, suffixType>>3
		if prefix > uint64(len(name)) || suffix > uint64(len(in)) {
			return fmt.Errorf("%w: record name out of bounds", errBadReftable)
		}
		name = append(name[:prefix], in[:suffix]...)
		in = in[suffix:]
		if _, n = reftableVarint(in); n <= 0 { // update_index_delta
			return fmt.Errorf("%w: bad record", errBadReftable)
		}
		in = in[n:]
		var r tableRef
		switch typ {
		case 0:
			r.deleted = true
		case 1, 2: // an id; and, for an annotated tag, the id it peels to
			ids := int(typ) * hashLen
			if len(in) < ids {
				return fmt.Errorf("%w: truncated record %q", errBadReftable, name)
			}
			copy(r.id[:hashLen], in)
			in = in[ids:]
		case 3:
			l, n := reftableVarint(in)
			if n <= 0 || l > uint64(len(in)-n) {
				return fmt.Errorf("%w: truncated record %q", errBadReftable, name)
			}
			r.symref = strings.TrimPrefix(string(in[n:n+int(l)]), "ref: ")
			in = in[n+int(l):]
		default:
			return fmt.Errorf("%w: record %q has value type %d", errBadReftable, name, typ)
		}
		refs[string(name)] = r
	}
	return nil
}

// reftableVarint decodes the varint reftables share with OFS_DELTA
// offsets; n is the bytes read, 0 when malformed.
func reftableVarint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v = uint64(c & 0x7f)
	for n = 1; c&0x80 != 0; n++ {
		if n >= len(b) || v > 1<<56 {
			return 0, 0
		}
		c = b[n]
		v = (v+1)<<7 | uint64(c&0x7f)
	}
	return v, n
}

func be24(b []byte) uint32 { return uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]) }

// reftableRefs reads the refs of a repository that keeps them in
// reftables: the common stack, then — in a linked worktree — the
// worktree's own stack (HEAD and the other per-worktree refs), whose
// records win.
func reftableRefs(d gitDirs) (map[string]tableRef, error) {
	n := hashLen(ObjectFormat(GitDirs{GitDir: d.gitDir, CommonDir: d.commonDir}))
	refs, err := readReftableStack(filepath.Join(d.commonDir, "reftable"), n)
	if err != nil {
		return nil, err
	}
	ownDir := filepath.Join(d.gitDir, "reftable")
	if _, err := os.Stat(filepath.Join(ownDir, "tables.list")); err == nil && filepath.Clean(d.gitDir) != filepath.Clean(d.commonDir) {
		own, err := readReftableStack(ownDir, n)
		if err != nil {
			return nil, err
		}
		for name, r := range own {
			refs[name] = r
		}
	}
	return refs, nil
}

// reftableHead resolves HEAD through the reftable records (git leaves
// "ref: refs/heads/.invalid" in the HEAD file of such a repository). It
// returns HEAD's commit (zero when the branch is unborn) and the branch.
func reftableHead(refs map[string]tableRef) (oid, string, error) {
	name, branch := "HEAD", ""
	for range 10 { // symbolic refs may point at symbolic refs
		r, ok := refs[name]
		if !ok {
			if name == "HEAD" {
				return oid{}, "", errors.New("the reftable holds no HEAD")
			}
			return oid{}, branch, nil // unborn branch
		}
		if r.symref == "" {
			return r.id, branch, nil
		}
		if !validRefName(r.symref) {
			return oid{}, "", fmt.Errorf("HEAD names an invalid ref %q", r.symref)
		}
		if branch == "" {
			branch = strings.TrimPrefix(r.symref, "refs/heads/")
		}
		name = r.symref
	}
	return oid{}, "", errors.New("HEAD: symbolic refs loop")
}
