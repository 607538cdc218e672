package gitindex

import (
	"bytes"
	"errors"
	"strings"
)

// CacheTree is a node of the cached-tree extension: the tree id git would
// write for one directory of the index, when still valid.
type CacheTree struct {
	// Name is the directory's name in its parent ("" for the root).
	Name string
	// Entries is how many index entries the directory covers, or -1 when
	// the node was invalidated (then ID is meaningless).
	Entries int
	ID      ID
	// Subtrees are in the order git wrote them (not necessarily sorted).
	Subtrees []*CacheTree
}

// Valid reports whether the node's ID is the directory's current tree.
func (t *CacheTree) Valid() bool { return t != nil && t.Entries >= 0 }

// Child returns the subtree named name, or nil.
func (t *CacheTree) Child(name string) *CacheTree {
	if t == nil {
		return nil
	}
	for _, s := range t.Subtrees {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// maxTreeDepth bounds the recursion of a hostile extension.
const maxTreeDepth = 4096

// parseCacheTree reads a TREE extension whose ids are hashSize bytes.
func parseCacheTree(b []byte, hashSize int) (*CacheTree, error) {
	p := treeParser{b: b, hashSize: hashSize}
	t, err := p.node(0)
	if err != nil {
		return nil, err
	}
	if len(p.b) != 0 {
		return nil, errors.New("cached tree: trailing bytes")
	}
	return t, nil
}

type treeParser struct {
	b        []byte
	nodes    int
	hashSize int
}

var errBadTree = errors.New("cached tree: malformed")

func (p *treeParser) node(depth int) (*CacheTree, error) {
	if depth > maxTreeDepth {
		return nil, errBadTree
	}
	p.nodes++
	nul := bytes.IndexByte(p.b, 0)
	if nul < 0 {
		return nil, errBadTree
	}
	t := &CacheTree{Name: string(p.b[:nul])}
	p.b = p.b[nul+1:]
	var subs int
	var ok bool
	if t.Entries, ok = p.int(' '); !ok {
		return nil, errBadTree
	}
	if subs, ok = p.int('\n'); !ok || subs < 0 || subs > len(p.b) {
		return nil, errBadTree
	}
	if t.Entries < 0 {
		t.Entries = -1
	} else {
		if len(p.b) < p.hashSize {
			return nil, errBadTree
		}
		copy(t.ID[:p.hashSize], p.b)
		p.b = p.b[p.hashSize:]
	}
	// Each subtree takes at least 5 bytes ("\x000 0\n"), so subs is bounded
	// by what is left.
	t.Subtrees = make([]*CacheTree, 0, min(subs, len(p.b)/5))
	for range subs {
		s, err := p.node(depth + 1)
		if err != nil {
			return nil, err
		}
		if s.Name == "" || strings.IndexByte(s.Name, '/') >= 0 {
			return nil, errBadTree
		}
		t.Subtrees = append(t.Subtrees, s)
	}
	return t, nil
}

// int reads a decimal number (optionally negative) ended by term.
func (p *treeParser) int(term byte) (int, bool) {
	i, neg, v := 0, false, 0
	if i < len(p.b) && p.b[i] == '-' {
		neg = true
		i++
	}
	digits := 0
	for i < len(p.b) && p.b[i] >= '0' && p.b[i] <= '9' {
		if v > 1<<31 {
			return 0, false
		}
		v = v*10 + int(p.b[i]-'0')
		i++
		digits++
	}
	if digits == 0 || i >= len(p.b) || p.b[i] != term {
		return 0, false
	}
	p.b = p.b[i+1:]
	if neg {
		v = -v
	}
	return v, true
}
