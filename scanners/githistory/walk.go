package githistory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sprawl-dev/sprawl/scanners"
)

// Phase 1: enumerate commits, diff trees by object id and build the
// occurrence index (path, blob) -> introducing, last-seen and removing
// commits. Only ids and small structs are kept; no blob is read.

// commitInfo is a parsed commit.
type commitInfo struct {
	id        oid
	tree      oid
	parentIDs []oid
	parents   []int32 // resolved; -1 when the parent object is missing
	author    string
	when      int64 // committer time, Unix seconds (the author's when the committer line has none)
	tz        int32 // committer zone offset, seconds
	noTime    bool  // neither the committer nor the author line holds a time
	included  bool  // in the scanned range
	excluded  bool  // reachable from Since / the range start
	loaded    bool  // parents resolved
	ok        bool  // parsed
	shallow   bool
	merge     bool
	onHead    bool // ancestor of (or equal to) HEAD
	gen       int32
	isTip     bool
	hasParent bool
	// onBranch: reachable from HEAD, a branch, a tag or a remote-tracking
	// branch (set when --all-refs walks other refs too).
	onBranch bool
}

// pairKey is one (path, blob) pair.
type pairKey struct {
	path int32
	blob oid
}

// pairInfo is what the history says about one (path, blob) pair.
type pairInfo struct {
	key       pairKey
	intro     int32 // oldest introducing commit, -1 if none in range
	lastSeen  int32 // newest commit known to hold the pair, -1 if none
	removedIn int32 // chosen removing commit, -1 if none
	inHead    bool
	onBranch  bool // introduced by a commit a branch or tag reaches
}

type walker struct {
	ctx    context.Context
	store  *objStore
	sink   scanners.Sink
	repo   string
	maxDep int

	commits []commitInfo
	byID    map[oid]int32
	shallow map[oid]bool
	pre     map[oid]*commitInfo // parsed ahead (preload.go), taken by commit

	trees treeCache

	paths    map[string]int32
	pathList []string
	pairs    []pairInfo
	pairIdx  map[pairKey]int32

	limited sync.Map     // paths already noted as too deep
	diffed  atomic.Int64 // commits diffed so far

	// hidden is set when refs outside branches and tags are walked: for
	// each commit no branch or tag reaches, the refs that do.
	hidden map[int32]*hiddenRefs
}

// hiddenRefs names the refs outside branches and tags that reach a commit
// no branch or tag reaches: the first few, and how many there are.
type hiddenRefs struct {
	names []string
	total int
}

// maxHiddenRefNames bounds the ref names kept per commit.
const maxHiddenRefNames = 5

func newWalker(ctx context.Context, st *objStore, sink scanners.Sink, repo string, shallow map[oid]bool) *walker {
	return &walker{
		ctx: ctx, store: st, sink: sink, repo: repo, maxDep: 4096,
		byID: map[oid]int32{}, shallow: shallow,
		trees: newTreeCache(treeCacheEntries),
		paths: map[string]int32{}, pairIdx: map[pairKey]int32{},
	}
}

func (w *walker) note(kind scanners.NoteKind, path, detail string) {
	if kind == scanners.NoteLimit {
		// Deep folders recur in every commit that touches them: say it once.
		if _, dup := w.limited.LoadOrStore(path, true); dup {
			return
		}
	}
	w.sink.Note(scanners.Note{Repo: w.repo, Path: path, Kind: kind, Detail: detail})
}

// commit returns the index of commit id, reading it on first use; -1 when
// it cannot be read (a note is raised).
func (w *walker) commit(id oid) int32 {
	if i, ok := w.byID[id]; ok {
		return i
	}
	i := int32(len(w.commits))
	w.byID[id] = i
	w.commits = append(w.commits, commitInfo{id: id, gen: 0})
	c := &w.commits[i]
	var err error
	if p, ok := w.pre[id]; ok {
		c.tree, c.parentIDs, c.author, c.when, c.tz, c.noTime = p.tree, p.parentIDs, p.author, p.when, p.tz, p.noTime
		delete(w.pre, id)
	} else {
		var typ int
		var data []byte
		typ, data, err = w.store.read(id)
		if err == nil && typ != typeCommit {
			err = fmt.Errorf("is a %s, not a commit", typeName(typ))
		}
		if err == nil {
			err = parseCommit(data, c)
		}
	}
	if err != nil {
		w.note(scanners.NoteError, "", fmt.Sprintf("commit %s: %v", id, err))
		return i
	}
	c.ok = true
	c.shallow = w.shallow[id]
	if c.shallow {
		c.parentIDs = nil
	}
	c.merge = len(c.parentIDs) > 1
	return i
}

// parents resolves and returns the parent indices of commit i.
func (w *walker) parents(i int32) []int32 {
	if w.commits[i].loaded {
		return w.commits[i].parents
	}
	ids := w.commits[i].parentIDs
	ps := make([]int32, len(ids))
	for k, pid := range ids {
		ps[k] = w.commit(pid)
		if !w.commits[ps[k]].ok {
			ps[k] = -1
		}
	}
	c := &w.commits[i]
	c.parents, c.loaded = ps, true
	return ps
}

// reach visits every readable commit reachable from starts, once, calling
// visit; visit returns false to stop going into that commit's parents.
func (w *walker) reach(starts []int32, seen []bool, visit func(i int32) bool) []bool {
	stack := append([]int32(nil), starts...)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for int(i) >= len(seen) {
			seen = append(seen, false)
		}
		if i < 0 || seen[i] || !w.commits[i].ok {
			continue
		}
		seen[i] = true
		if !visit(i) {
			continue
		}
		for _, p := range w.parents(i) {
			if p >= 0 {
				stack = append(stack, p)
			}
		}
	}
	return seen
}

func parseCommit(data []byte, c *commitInfo) error {
	haveTree, haveTime := false, false
	var authorWhen int64
	var authorTZ int32
	haveAuthorTime := false
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		var line []byte
		if nl < 0 {
			line, data = data, nil
		} else {
			line, data = data[:nl], data[nl+1:]
		}
		if len(line) == 0 {
			break // message follows
		}
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			id, ok := parseOID(string(val))
			if !ok {
				return errors.New("bad tree line")
			}
			c.tree, haveTree = id, true
		case "parent":
			id, ok := parseOID(string(val))
			if !ok {
				return errors.New("bad parent line")
			}
			c.parentIDs = append(c.parentIDs, id)
		case "author":
			name, _, _ := bytes.Cut(val, []byte("<")) // "" for "<email>" alone
			c.author = string(bytes.TrimSpace(name))
			authorWhen, authorTZ, haveAuthorTime = parseSignatureTime(val)
		case "committer":
			c.when, c.tz, haveTime = parseSignatureTime(val)
		}
	}
	if !haveTree {
		return errors.New("no tree")
	}
	// A commit whose committer line has no time (hand-made or damaged
	// objects) is dated by its author; with neither, its time is unknown
	// rather than 1970, which would make every secret in it decades old.
	if !haveTime {
		c.when, c.tz, c.noTime = authorWhen, authorTZ, !haveAuthorTime
	}
	return nil
}

// parseSignatureTime reads "<email> 1700000000 +0100" at the end of a
// signature; ok is false when there is no time.
func parseSignatureTime(val []byte) (ts int64, tz int32, ok bool) {
	gt := bytes.LastIndexByte(val, '>')
	if gt < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(val[gt+1:]))
	if len(f) == 0 {
		return 0, 0, false
	}
	ts, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if len(f) > 1 && len(f[1]) == 5 {
		hh, _ := strconv.Atoi(f[1][1:3])
		mm, _ := strconv.Atoi(f[1][3:5])
		tz = int32(hh*3600 + mm*60)
		if f[1][0] == '-' {
			tz = -tz
		}
	}
	return ts, tz, true
}

func typeName(t int) string {
	switch t {
	case typeCommit:
		return "commit"
	case typeTree:
		return "tree"
	case typeBlob:
		return "blob"
	case typeTag:
		return "tag"
	}
	return "object"
}

// peel follows annotated tags to the object they name.
func (w *walker) peel(id oid) (oid, int, error) {
	for range 100 {
		typ, data, err := w.store.read(id)
		if err != nil {
			return id, 0, err
		}
		if typ != typeTag {
			return id, typ, nil
		}
		line, _, _ := bytes.Cut(data, []byte{'\n'})
		h, ok := bytes.CutPrefix(line, []byte("object "))
		if !ok {
			return id, 0, errors.New("bad tag object")
		}
		if id, ok = parseOID(string(h)); !ok {
			return id, 0, errors.New("bad tag object")
		}
	}
	return id, 0, errors.New("tag chain too long")
}

// newer reports whether commit a sorts after commit b: later committer
// time, ties broken by id.
func (w *walker) newer(a, b int32) bool {
	ca, cb := &w.commits[a], &w.commits[b]
	if ca.when != cb.when {
		return ca.when > cb.when
	}
	return bytes.Compare(ca.id[:], cb.id[:]) > 0
}

func (w *walker) commitRef(i int32) *scanners.Commit {
	if i < 0 {
		return nil
	}
	c := &w.commits[i]
	ref := &scanners.Commit{Hash: c.id.String(), Author: c.author}
	if !c.noTime {
		ref.Time = time.Unix(c.when, 0).In(time.FixedZone("", int(c.tz)))
	}
	return ref
}

// Tree entries.

type treeEntry struct {
	name string
	id   oid
	mode uint32
}

func (e *treeEntry) isTree() bool { return e.mode&0o170000 == 0o040000 }
func (e *treeEntry) isFile() bool { return e.mode&0o170000 == 0o100000 }

// parseTree reads a tree object whose entries hold ids of hashLen bytes.
func parseTree(data []byte, hashLen int) ([]treeEntry, error) {
	// Entry names are cut from one copy of the tree, not copied one by one.
	text := string(data)
	out := make([]treeEntry, 0, bytes.Count(data, []byte{0}))
	for at := 0; at < len(text); {
		sp := strings.IndexByte(text[at:], ' ')
		if sp < 0 {
			return out, errors.New("bad tree entry")
		}
		var mode uint32
		for _, ch := range []byte(text[at : at+sp]) {
			if ch < '0' || ch > '7' {
				return out, errors.New("bad tree mode")
			}
			mode = mode<<3 | uint32(ch-'0')
		}
		at += sp + 1
		nul := strings.IndexByte(text[at:], 0)
		if nul < 0 || at+nul+1+hashLen > len(text) {
			return out, errors.New("truncated tree")
		}
		e := treeEntry{name: text[at : at+nul], mode: mode}
		copy(e.id[:hashLen], text[at+nul+1:])
		at += nul + 1 + hashLen
		out = append(out, e)
	}
	return out, nil
}

// entryCmp orders entries as git sorts trees: a tree's name compares as if
// it ended in '/'.
func entryCmp(a, b *treeEntry) int {
	n := min(len(a.name), len(b.name))
	if c := strings.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	ca, cb := byte(0), byte(0)
	if len(a.name) > n {
		ca = a.name[n]
	} else if a.isTree() {
		ca = '/'
	}
	if len(b.name) > n {
		cb = b.name[n]
	} else if b.isTree() {
		cb = '/'
	}
	return int(ca) - int(cb)
}

// treeCacheEntries bounds the parsed tree entries kept in memory (about
// 60 bytes each), shared among the differs.
const treeCacheEntries = 800_000

// treeCache keeps parsed trees, two generations under an entry budget.
type treeCache struct {
	budget       int
	young, old   map[oid][]treeEntry
	youngEntries int
}

func newTreeCache(budget int) treeCache {
	return treeCache{budget: budget, young: map[oid][]treeEntry{}, old: map[oid][]treeEntry{}}
}

// get returns tree id's entries when the cache has them, keeping them
// young.
func (tc *treeCache) get(id oid) ([]treeEntry, bool) {
	if es, ok := tc.young[id]; ok {
		return es, true
	}
	es, ok := tc.old[id]
	if ok {
		tc.put(id, es)
	}
	return es, ok
}

// put adds tree id's entries to the young generation, which becomes the
// old one when full.
func (tc *treeCache) put(id oid, es []treeEntry) {
	if tc.youngEntries+len(es) > tc.budget/2 {
		tc.old, tc.young, tc.youngEntries = tc.young, make(map[oid][]treeEntry, len(tc.young)), 0
	}
	tc.young[id] = es
	tc.youngEntries += len(es) + 1
}

// sharedTreeCache is a treeCache the differs share, in shards under locks:
// a differ diffing a commit often needs the trees another one read for
// the commit before it.
type sharedTreeCache struct {
	shards [16]struct {
		mu sync.Mutex
		tc treeCache
	}
}

func newSharedTreeCache(budget int) *sharedTreeCache {
	s := &sharedTreeCache{}
	for i := range s.shards {
		s.shards[i].tc = newTreeCache(budget / len(s.shards))
	}
	return s
}

// tree returns the entries of tree id (nil for the zero id) through the
// walker's own cache.
func (w *walker) tree(id oid, path string) []treeEntry {
	return w.readTree(&w.trees, id, path)
}

// readTree returns the entries of tree id (nil for the zero id) through
// cache tc. An unreadable tree raises a note and reads as empty.
func (w *walker) readTree(tc *treeCache, id oid, path string) []treeEntry {
	if id.isZero() {
		return nil
	}
	es, ok := tc.get(id)
	if !ok {
		es = w.loadTree(id, path)
		tc.put(id, es)
	}
	return es
}

// readSharedTree is readTree through a shared cache; safe for concurrent
// use. Two differs may read the same tree at once: both get its entries.
func (w *walker) readSharedTree(sc *sharedTreeCache, id oid, path string) []treeEntry {
	if id.isZero() {
		return nil
	}
	sh := &sc.shards[id[0]%uint8(len(sc.shards))]
	sh.mu.Lock()
	es, ok := sh.tc.get(id)
	sh.mu.Unlock()
	if !ok {
		es = w.loadTree(id, path)
		sh.mu.Lock()
		sh.tc.put(id, es)
		sh.mu.Unlock()
	}
	return es
}

// loadTree reads and parses tree id. An unreadable tree raises a note and
// reads as empty.
func (w *walker) loadTree(id oid, path string) []treeEntry {
	typ, data, err := w.store.read(id)
	if err == nil && typ != typeTree {
		err = fmt.Errorf("is a %s, not a tree", typeName(typ))
	}
	var es []treeEntry
	if err == nil {
		es, err = parseTree(data, w.store.hashLen)
	}
	if err != nil {
		w.note(scanners.NoteError, path, fmt.Sprintf("tree %s: %v", id, err))
	}
	return es
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

func (w *walker) pathID(p string) int32 {
	if i, ok := w.paths[p]; ok {
		return i
	}
	i := int32(len(w.pathList))
	w.paths[p] = i
	w.pathList = append(w.pathList, p)
	return i
}

func (w *walker) pair(path string, blob oid) *pairInfo {
	k := pairKey{w.pathID(path), blob}
	if i, ok := w.pairIdx[k]; ok {
		return &w.pairs[i]
	}
	w.pairIdx[k] = int32(len(w.pairs))
	w.pairs = append(w.pairs, pairInfo{key: k, intro: -1, lastSeen: -1, removedIn: -1})
	return &w.pairs[len(w.pairs)-1]
}

func (w *walker) introduce(path string, blob oid, c int32) {
	p := w.pair(path, blob)
	if p.intro < 0 || w.newer(p.intro, c) {
		p.intro = c
	}
	if w.commits[c].onBranch {
		p.onBranch = true
	}
}

// markHidden records, for each commit that only refs outside branches and
// tags reach, which of those refs do. branchTips are the walk's other
// tips; extra the outside refs, in name order. Each walk stops at commits
// a branch reaches, so a pull request ref costs its own commits.
func (w *walker) markHidden(branchTips []int32, extra []namedTip) {
	w.reach(branchTips, nil, func(i int32) bool {
		if w.commits[i].excluded || w.commits[i].onBranch {
			return false
		}
		w.commits[i].onBranch = true
		return true
	})
	w.hidden = map[int32]*hiddenRefs{}
	stamp := make([]int32, len(w.commits)) // ref index + 1 that last visited a commit
	var stack []int32
	for k, t := range extra {
		stack = append(stack[:0], w.commit(t.id))
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if i < 0 || int(i) >= len(stamp) || stamp[i] == int32(k+1) {
				continue
			}
			c := &w.commits[i]
			if !c.ok || !c.included || c.onBranch {
				continue
			}
			stamp[i] = int32(k + 1)
			h := w.hidden[i]
			if h == nil {
				h = &hiddenRefs{}
				w.hidden[i] = h
			}
			if len(h.names) < maxHiddenRefNames {
				h.names = append(h.names, t.name)
			}
			h.total++
			for _, p := range w.parents(i) {
				stack = append(stack, p)
			}
		}
	}
}

// hiddenRefsOf returns the refs outside branches and tags that reach
// commit c when none of the branches and tags does.
func (w *walker) hiddenRefsOf(c int32) ([]string, int) {
	if h := w.hidden[c]; h != nil {
		return h.names, h.total
	}
	return nil, 0
}

// remove records that commit c no longer has (path, blob) that its parent
// par had.
func (w *walker) remove(path string, blob oid, c, par int32) {
	p := w.pair(path, blob)
	if p.lastSeen < 0 || w.newer(par, p.lastSeen) {
		p.lastSeen = par
	}
	if p.removedIn < 0 || w.betterRemoval(c, p.removedIn) {
		p.removedIn = c
	}
}

// betterRemoval prefers removals on HEAD's history, then ordinary commits
// over merges, then the newest.
func (w *walker) betterRemoval(a, b int32) bool {
	ca, cb := &w.commits[a], &w.commits[b]
	if ca.onHead != cb.onHead {
		return ca.onHead
	}
	if ca.merge != cb.merge {
		return !ca.merge
	}
	return w.newer(a, b)
}

// diffEvent is one finding of a tree diff: commit c introduces (path,
// blob) when par < 0, else c no longer has what its parent par had.
type diffEvent struct {
	path   string
	blob   oid
	c, par int32
}

// differ diffs the trees of commits. Several run at once, sharing a tree
// cache; they only read the walker's commits and send events in batches
// to the goroutine that owns the index.
type differ struct {
	w      *walker
	trees  *sharedTreeCache
	events []diffEvent
}

func (d *differ) tree(id oid, path string) []treeEntry { return d.w.readSharedTree(d.trees, id, path) }

func (d *differ) introduce(path string, blob oid, c int32) {
	d.events = append(d.events, diffEvent{path, blob, c, -1})
}

func (d *differ) remove(path string, blob oid, c, par int32) {
	d.events = append(d.events, diffEvent{path, blob, c, par})
}

// diff2 compares parent tree a with child tree b: blobs only in b are
// introduced by c (when add), blobs only in a are removed by c.
func (d *differ) diff2(prefix string, a, b oid, c, par int32, add bool, depth int) {
	if a == b {
		return
	}
	if depth > d.w.maxDep {
		d.w.note(scanners.NoteLimit, prefix, "tree nesting too deep; not followed")
		return
	}
	ea, eb := d.tree(a, prefix), d.tree(b, prefix)
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		var cmp int
		switch {
		case i == len(ea):
			cmp = 1
		case j == len(eb):
			cmp = -1
		default:
			cmp = entryCmp(&ea[i], &eb[j])
		}
		switch {
		case cmp < 0:
			d.gone(prefix, &ea[i], c, par, depth)
			i++
		case cmp > 0:
			if add {
				d.added(prefix, &eb[j], c, depth)
			}
			j++
		default:
			x, y := &ea[i], &eb[j]
			i++
			j++
			if x.id == y.id {
				continue
			}
			if x.isTree() {
				d.diff2(join(prefix, x.name), x.id, y.id, c, par, add, depth+1)
				continue
			}
			if x.isFile() {
				d.remove(join(prefix, x.name), x.id, c, par)
			}
			if add && y.isFile() {
				d.introduce(join(prefix, y.name), y.id, c)
			}
		}
	}
}

func (d *differ) gone(prefix string, e *treeEntry, c, par int32, depth int) {
	switch {
	case e.isTree():
		d.diff2(join(prefix, e.name), e.id, oid{}, c, par, false, depth+1)
	case e.isFile():
		d.remove(join(prefix, e.name), e.id, c, par)
	}
}

func (d *differ) added(prefix string, e *treeEntry, c int32, depth int) {
	switch {
	case e.isTree():
		d.diff2(join(prefix, e.name), oid{}, e.id, c, -1, true, depth+1)
	case e.isFile():
		d.introduce(join(prefix, e.name), e.id, c)
	}
}

// diffN records the blobs of tree t that differ from every parent tree
// (zero ids for parents that lack the folder): what a merge introduces.
func (d *differ) diffN(prefix string, t oid, parents []oid, c int32, depth int) {
	if depth > d.w.maxDep {
		d.w.note(scanners.NoteLimit, prefix, "tree nesting too deep; not followed")
		return
	}
	for _, p := range parents {
		if p == t {
			return
		}
	}
	es := d.tree(t, prefix)
	pes := make([][]treeEntry, len(parents))
	for k, p := range parents {
		pes[k] = d.tree(p, prefix)
	}
	pos := make([]int, len(parents))
	for ei := range es {
		e := &es[ei]
		if !e.isTree() && !e.isFile() {
			continue
		}
		same := false
		var sub []oid
		for k := range parents {
			pe := pes[k]
			for pos[k] < len(pe) && entryCmp(&pe[pos[k]], e) < 0 {
				pos[k]++
			}
			if pos[k] < len(pe) && entryCmp(&pe[pos[k]], e) == 0 {
				if pe[pos[k]].id == e.id {
					same = true
					break
				}
				if e.isTree() {
					if sub == nil {
						sub = make([]oid, len(parents))
					}
					sub[k] = pe[pos[k]].id
				}
			}
		}
		if same {
			continue
		}
		if e.isTree() {
			if sub == nil {
				sub = make([]oid, len(parents))
			}
			d.diffN(join(prefix, e.name), e.id, sub, c, depth+1)
		} else {
			d.introduce(join(prefix, e.name), e.id, c)
		}
	}
}

// diffCommit records what commit i introduces and removes. The commit's
// parents must already be resolved.
func (d *differ) diffCommit(i int32) {
	w := d.w
	c := &w.commits[i]
	tree := c.tree
	var ptrees []oid
	var pidx []int32
	for _, p := range c.parents {
		if p >= 0 {
			ptrees = append(ptrees, w.commits[p].tree)
			pidx = append(pidx, p)
		}
	}
	switch len(ptrees) {
	case 0:
		d.diff2("", oid{}, tree, i, -1, true, 0)
	case 1:
		d.diff2("", ptrees[0], tree, i, pidx[0], true, 0)
	default:
		d.diffN("", tree, ptrees, i, 0)
		for k, pt := range ptrees {
			d.diff2("", pt, tree, i, pidx[k], false, 0)
		}
	}
}

// diffAll diffs the commits in order on several goroutines and applies
// their events to the index. It stops early when ctx is done.
func (w *walker) diffAll(order []int32, workers int) error {
	const chunk = 64
	next := make(chan int, workers)
	batches := make(chan []diffEvent, workers*2)
	var wg sync.WaitGroup
	trees := newSharedTreeCache(treeCacheEntries)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &differ{w: w, trees: trees}
			for start := range next {
				for _, i := range order[start:min(start+chunk, len(order))] {
					d.diffCommit(i)
				}
				w.diffed.Add(int64(min(chunk, len(order)-start)))
				batches <- d.events
				d.events = nil
			}
		}()
	}
	go func() {
		defer close(next)
		for start := 0; start < len(order); start += chunk {
			select {
			case next <- start:
			case <-w.ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(batches)
	}()
	for b := range batches {
		for k := range b {
			e := &b[k]
			if e.par < 0 {
				w.introduce(e.path, e.blob, e.c)
			} else {
				w.remove(e.path, e.blob, e.c, e.par)
			}
		}
	}
	return w.ctx.Err()
}

// markTree calls f for each file blob in tree t, skipping (folder, tree)
// pairs already in seen.
func (w *walker) markTree(prefix string, t oid, seen map[pairKey]bool, depth int, f func(p *pairInfo)) {
	if depth > w.maxDep {
		return
	}
	if seen != nil {
		k := pairKey{w.pathID(prefix), t}
		if seen[k] {
			return
		}
		seen[k] = true
	}
	for _, e := range w.tree(t, prefix) {
		switch {
		case e.isTree():
			w.markTree(join(prefix, e.name), e.id, seen, depth+1, f)
		case e.isFile():
			pi, ok := w.paths[join(prefix, e.name)]
			if !ok {
				continue
			}
			if idx, ok := w.pairIdx[pairKey{pi, e.id}]; ok {
				f(&w.pairs[idx])
			}
		}
	}
}
