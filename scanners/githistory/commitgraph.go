package githistory

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// This file reads git's commit-graph (objects/info/commit-graph, or a
// chain of them in objects/info/commit-graphs), which git writes on gc and
// fetch: every commit's parents as positions in a table. Following first
// parents to the root through it costs a few array reads a commit, where
// reading commit objects (deltified in packs) cost etcd's 10,000-commit
// first-parent history about 180 ms, more than a pre-commit scan's budget.
// Like git, it only uses the graph for what the graph holds: commits made
// since it was written are read as objects.

// graphNoParent marks an absent parent in the commit data chunk.
const graphNoParent = 0x70000000

// commitGraph is one commit-graph file or a chain of them, base first.
type commitGraph struct {
	layers []*graphLayer
	total  int // commits in all layers
}

type graphLayer struct {
	data    []byte
	mapped  bool
	fanout  [256]uint32
	hashLen int    // 20 (SHA-1, hash version 1) or 32 (SHA-256, version 2)
	oids    []byte // n × hashLen, sorted
	cdat    []byte // n × (hashLen+16): tree, first parent, second parent, generation/time
	n       int
	base    int // commits in the layers below
}

var errBadGraph = errors.New("corrupt commit-graph")

// maxGraphLayers bounds a chain (git merges layers long before this).
const maxGraphLayers = 64

// openCommitGraph opens the commit-graph of an objects folder whose ids
// are hashLen bytes, or returns nil when there is none or it cannot be
// read (the caller reads objects).
func openCommitGraph(objDir string, hashLen int) *commitGraph {
	if l, err := openGraphLayer(filepath.Join(objDir, "info", "commit-graph"), 0, hashLen); err == nil {
		return &commitGraph{layers: []*graphLayer{l}, total: l.n}
	}
	dir := filepath.Join(objDir, "info", "commit-graphs")
	f, err := os.Open(filepath.Join(dir, "commit-graph-chain"))
	if err != nil {
		return nil
	}
	defer f.Close()
	g := &commitGraph{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		h := strings.TrimSpace(sc.Text())
		if h == "" {
			continue
		}
		if _, ok := parseOID(h); !ok || len(g.layers) >= maxGraphLayers {
			g.close()
			return nil
		}
		l, err := openGraphLayer(filepath.Join(dir, "graph-"+h+".graph"), g.total, hashLen)
		if err != nil {
			g.close()
			return nil
		}
		g.layers = append(g.layers, l)
		g.total += l.n
	}
	if sc.Err() != nil || len(g.layers) == 0 {
		g.close()
		return nil
	}
	return g
}

func openGraphLayer(path string, base, hashLen int) (*graphLayer, error) {
	data, mapped, err := readIndexFile(path)
	if err != nil {
		return nil, err
	}
	l := &graphLayer{data: data, mapped: mapped, base: base, hashLen: hashLen}
	if err := l.parse(); err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

// parse reads the layer's chunks from l.data.
func (l *graphLayer) parse() error {
	data := l.data
	// Header: "CGPH", version 1, hash version (1 SHA-1, 2 SHA-256: it must
	// be the repository's), chunk count, base graph count; then
	// (chunks+1) × 12 bytes of chunk table.
	hashVersion := map[int]byte{sha1Len: 1, sha256Len: 2}[l.hashLen]
	if len(data) < 8 || string(data[:4]) != "CGPH" || data[4] != 1 || data[5] != hashVersion {
		return errBadGraph
	}
	chunks := int(data[6])
	table := 8
	end := len(data) - l.hashLen // trailing checksum
	if table+(chunks+1)*12 > end {
		return errBadGraph
	}
	var fanout, oidl, cdat []byte
	for i := range chunks {
		e := data[table+i*12:]
		id := string(e[:4])
		start := binary.BigEndian.Uint64(e[4:12])
		stop := binary.BigEndian.Uint64(e[16:24]) // the next entry's offset
		if start > stop || stop > uint64(end) {
			return errBadGraph
		}
		chunk := data[start:stop]
		switch id {
		case "OIDF":
			fanout = chunk
		case "OIDL":
			oidl = chunk
		case "CDAT":
			cdat = chunk
		}
	}
	if len(fanout) != 256*4 {
		return errBadGraph
	}
	for i := range 256 {
		l.fanout[i] = binary.BigEndian.Uint32(fanout[i*4:])
		if i > 0 && l.fanout[i] < l.fanout[i-1] {
			return errBadGraph
		}
	}
	l.n = int(l.fanout[255])
	if len(oidl) != l.n*l.hashLen || len(cdat) != l.n*(l.hashLen+16) {
		return errBadGraph
	}
	l.oids, l.cdat = oidl, cdat
	return nil
}

func (l *graphLayer) close() {
	if l.mapped {
		unmapFile(l.data)
	}
	l.data, l.oids, l.cdat, l.mapped = nil, nil, nil, false
}

func (g *commitGraph) close() {
	if g == nil {
		return
	}
	for _, l := range g.layers {
		l.close()
	}
	g.layers = nil
}

// lookup returns the graph position of commit id.
func (g *commitGraph) lookup(id oid) (int, bool) {
	for _, l := range g.layers {
		lo := 0
		if id[0] > 0 {
			lo = int(l.fanout[id[0]-1])
		}
		hi := int(l.fanout[id[0]])
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			switch c := bytes.Compare(l.oids[m*l.hashLen:(m+1)*l.hashLen], id[:l.hashLen]); {
			case c == 0:
				return l.base + m, true
			case c < 0:
				lo = m + 1
			default:
				hi = m
			}
		}
	}
	return 0, false
}

// layer returns the layer holding position pos and pos within it.
func (g *commitGraph) layer(pos int) (*graphLayer, int) {
	for _, l := range g.layers {
		if pos >= l.base && pos < l.base+l.n {
			return l, pos - l.base
		}
	}
	return nil, 0
}

// firstParent returns the position of pos's first parent; ok is false for
// a root commit.
func (g *commitGraph) firstParent(pos int) (parent int, ok bool, err error) {
	l, i := g.layer(pos)
	if l == nil {
		return 0, false, errBadGraph
	}
	p := binary.BigEndian.Uint32(l.cdat[i*(l.hashLen+16)+l.hashLen:])
	if p == graphNoParent {
		return 0, false, nil
	}
	if int64(p) >= int64(g.total) {
		return 0, false, errBadGraph
	}
	return int(p), true, nil
}

// id returns the commit id at pos.
func (g *commitGraph) id(pos int) oid {
	var o oid
	if l, i := g.layer(pos); l != nil {
		copy(o[:l.hashLen], l.oids[i*l.hashLen:])
	}
	return o
}

// rootAlongFirstParents follows first parents from pos to a root commit.
// It fails on a corrupt graph (a parent out of range, or a cycle).
func (g *commitGraph) rootAlongFirstParents(pos int) (oid, error) {
	for range g.total + 1 {
		p, ok, err := g.firstParent(pos)
		if err != nil {
			return oid{}, err
		}
		if !ok {
			return g.id(pos), nil
		}
		pos = p
	}
	return oid{}, errBadGraph // a cycle
}
