// Package githistory scans the history of a git repository: every commit
// reachable from its branches (local and remote-tracking), tags and HEAD, or
// a range of them. Each distinct blob is read once and emitted as one
// scanners.Fragment whose occurrences say, for every path that held it,
// which commit introduced it (the oldest, by committer time), the newest
// commit that still had it, the commit that removed it and whether it is
// still at HEAD.
//
// The scan has two phases. Phase 1 walks commits and diffs trees by object
// id, descending only into folders whose ids differ, and builds an index
// of (path, blob) pairs: ids and small structs, no content. A merge
// introduces what differs from all of its parents (content only the merge
// brings, such as a conflict resolution). Phase 2 reads each distinct blob
// once, resolving pack delta chains in pack order on several workers, and
// hands the content to the sink; contents are never all held at once.
//
// Objects are read directly from the repository's pack and loose object
// files; no git binary is needed and nothing from the repository is run
// (no hooks, filters, textconv or config includes). Missing or corrupt
// objects become notes and the scan goes on. Works on worktrees, bare
// repositories, linked worktrees and shallow clones.
package githistory

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/archive"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

// DefaultMaxBlobSize is the blob size limit when Options.MaxBlobSize is 0.
const DefaultMaxBlobSize = 10 << 20

// Options select what history to scan. The zero value scans everything.
type Options struct {
	// Since limits the scan to commits not reachable from this revision
	// (like `git log Since..`): a ref name, branch, tag, commit id (full or
	// a unique prefix of 7+ digits), HEAD, each optionally followed by ~N
	// or ^.
	Since string
	// Range "A..B" scans commits reachable from B and not from A ("A.."
	// means A..HEAD). It cannot be combined with Since or Branches.
	Range string
	// Branches limits the starting refs to these branches (short names such
	// as "main" or "origin/main", or full ref names); tags and HEAD are
	// then not walked unless listed.
	Branches []string
	// AllRefs walks every ref, as `git log --all` does: besides branches
	// and tags, pull and merge request heads (refs/pull/*, a mirror clone
	// of a GitHub repository has one for every pull request, closed ones
	// included), the stash, notes, replacements and anything else under
	// refs/ (sprawl's own refs/sprawl/ excepted). Ignored with Branches
	// or Range.
	AllRefs bool
	// Archives opens archive and compressed blobs to scan the files in
	// them (Archives.MaxDepth 0: not opened).
	Archives archive.Options
	// MaxBlobSize skips blobs larger than this many bytes with a
	// NoteSkippedLarge note. 0 means DefaultMaxBlobSize; negative means no
	// limit.
	MaxBlobSize int64
	// Workers is the number of goroutines reading blobs; 0 means
	// runtime.NumCPU().
	Workers int
	// Name overrides the repository label shown in reports.
	Name string
	// Progress, when set, is called about once a second from a single
	// goroutine while Scan runs, and once when it ends.
	Progress func(Progress)
}

// Progress reports how far a scan has got: Phase "commits" (Done of Total
// commits diffed), then "blobs" (Done of Total distinct blobs read, Bytes
// of content emitted).
type Progress struct {
	Phase       string
	Done, Total int64
	Bytes       int64
	Elapsed     time.Duration
}

// Source is a git history source. Create it with New.
type Source struct {
	root  string
	opts  Options
	dirs  gitDirs
	store *objStore
	repo  *scanners.Repo
	refs  []ref
	head  oid

	mu      sync.Mutex
	w       *walker
	pending []scanners.Note // notes raised before Scan
	walked  chan walkResult // the walk Prepare started
	// commitsToDiff is how many commits the walk diffs, for progress.
	commitsToDiff atomic.Int64
	scanned       bool
}

var _ scanners.Source = (*Source)(nil)

// New opens the repository at root (a worktree, a .git folder or a bare
// repository) and reads its refs and HEAD's history for Repo(). It returns
// an error when root is not a readable git repository or an option is
// invalid.
func New(root string, opts Options) (*Source, error) {
	if opts.Range != "" && (opts.Since != "" || len(opts.Branches) > 0) {
		return nil, errors.New("githistory: Range cannot be combined with Since or Branches")
	}
	if opts.Range != "" && !strings.Contains(opts.Range, "..") {
		return nil, fmt.Errorf("githistory: range %q is not of the form A..B", opts.Range)
	}
	top, gd, err := FindRepo(root)
	if err != nil {
		return nil, fmt.Errorf("%s is not a git repository: %w", root, err)
	}
	if err := CheckFormat(gd); err != nil {
		return nil, err
	}
	dirs := gd.internal()
	var within string // root, when it is a folder inside the repository
	if abs, err := filepath.Abs(root); err == nil && abs != top {
		within, root = root, top
	}
	st, err := openStore(filepath.Join(dirs.commonDir, "objects"), hashLen(ObjectFormat(gd)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	refs, head, branch, err := readRefsAndHead(dirs)
	if err != nil {
		st.close()
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	s := &Source{root: root, opts: opts, dirs: dirs, store: st, refs: refs, head: head}
	s.repo = &scanners.Repo{Name: repoName(root, dirs), Root: root, URI: originURL(dirs), Branch: branch}
	if n := repoinfo.NameFromURL(s.repo.URI); n != "" {
		s.repo.Name = n
	}
	if opts.Name != "" {
		s.repo.Name = opts.Name
	}
	if within != "" {
		s.Note(scanners.Note{Repo: s.repo.Name, Kind: scanners.NoteInfo,
			Detail: fmt.Sprintf("%s is inside the repository at %s: its whole history is scanned", within, top)})
	}
	s.w = newWalker(context.Background(), st, s, s.repo.Name, readShallow(dirs))
	t0 := time.Now()
	if opts.Since == "" && opts.Range == "" {
		// Every commit will be read: read them all at once, in parallel.
		s.w.preloadCommits(s.workers())
	}
	debugf("preloaded %d commits in %v", len(s.w.pre), time.Since(t0))
	if !head.isZero() {
		s.repo.Head = head.String()
		s.repo.RootCommit = s.rootCommit()
	}
	debugf("root commit found at %v", time.Since(t0))
	return s, nil
}

// Note buffers notes raised before Scan has a sink.
func (s *Source) Note(n scanners.Note) {
	s.mu.Lock()
	s.pending = append(s.pending, n)
	s.mu.Unlock()
}

// Fragment is never called: the walker only raises notes.
func (s *Source) Fragment(scanners.Fragment) error { return nil }

// Repo implements scanners.Source.
func (s *Source) Repo() *scanners.Repo { return s.repo }

// rootCommit finds the oldest root commit reachable from HEAD and marks
// HEAD's ancestors.
func (s *Source) rootCommit() string {
	w := s.w
	h := w.commit(s.head)
	if h < 0 {
		return ""
	}
	w.reach([]int32{h}, nil, func(i int32) bool {
		w.commits[i].onHead = true
		return true
	})
	// The root is found along first parents, as scanners/repoinfo does for
	// working-tree and staged scans: the fingerprint key derives from it,
	// and every mode must derive the same key for one repository.
	i := h
	for n := 0; n <= len(w.commits); n++ {
		ps := w.parents(i)
		if len(ps) == 0 || ps[0] < 0 {
			return w.commits[i].id.String()
		}
		i = ps[0]
	}
	return ""
}

// Prepare starts reading the history — commits, tree diffs, which blob
// each path holds where — in the background, so that it overlaps other
// start-up work (building detectors compiles hundreds of regexes); Scan
// waits for it. Calling it is optional, and only the first call counts.
func (s *Source) Prepare(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.walked != nil || s.scanned {
		return
	}
	done := make(chan walkResult, 1)
	s.walked = done
	go func() { done <- s.walk(ctx) }()
}

// walkResult is what the first phase of a scan hands the second.
type walkResult struct {
	stats scanners.Stats
	err   error
}

// Scan implements scanners.Source. A Source scans once.
func (s *Source) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	s.mu.Lock()
	if s.scanned {
		s.mu.Unlock()
		return scanners.Stats{}, errors.New("githistory: Source.Scan called twice")
	}
	s.scanned = true
	walked := s.walked
	s.mu.Unlock()
	defer s.store.close()
	var e *emitter
	if s.opts.Progress != nil {
		stop := s.report(func() *emitter { return e })
		defer stop()
	}
	var wr walkResult
	if walked != nil {
		wr = <-walked
	} else {
		wr = s.walk(ctx)
	}
	// Notes raised so far (by New and the walk) were buffered.
	s.mu.Lock()
	pending := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, n := range pending {
		sink.Note(n)
	}
	stats := wr.stats
	if wr.err != nil {
		return stats, wr.err
	}
	w := s.w
	w.ctx, w.sink = ctx, sink
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	t0 := time.Now()
	workers := s.workers()

	maxSize := s.opts.MaxBlobSize
	switch {
	case maxSize == 0:
		maxSize = DefaultMaxBlobSize
	case maxSize < 0:
		maxSize = maxObjectSize
	}
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	em := &emitter{ctx: ectx, cancel: cancel, w: w, sink: sink, repo: s.repo, maxSize: maxSize, archives: s.opts.Archives,
		partial: partialClone(s.dirs)}
	em.buildJobs()
	s.mu.Lock()
	e = em
	s.mu.Unlock()
	debugf("jobs built %v", time.Since(t0))
	e.run(workers)
	debugf("phase2 done %v", time.Since(t0))

	stats.Blobs = e.blobs.Load()
	stats.Bytes = e.bytes.Load()
	stats.Files = e.files.Load()
	if n := e.large.Load(); n > 0 {
		stats.Skipped[scanners.NoteSkippedLarge] = n
	}
	if n := e.binary.Load(); n > 0 {
		stats.Skipped[scanners.NoteSkippedBinary] = n
		sink.Note(scanners.Note{Repo: s.repo.Name, Kind: scanners.NoteSkippedBinary,
			Detail: fmt.Sprintf("%d binary blobs (a NUL byte in the first 8000 bytes) not scanned", n)})
	}
	if len(stats.Skipped) == 0 {
		stats.Skipped = nil
	}
	if e.err != nil {
		return stats, e.err
	}
	return stats, ctx.Err()
}

// walk is a scan's first phase: the commits to scan, their tree diffs,
// and for each (path, blob) where it was introduced, last seen and
// whether HEAD has it. Notes go to the Source's buffer.
func (s *Source) walk(ctx context.Context) walkResult {
	w := s.w
	w.ctx, w.sink = ctx, s
	stats := scanners.Stats{Skipped: map[scanners.NoteKind]int64{}}

	tips, extra, exclude, err := s.selectRefs()
	if err != nil {
		return walkResult{stats: stats, err: err}
	}
	if err := ctx.Err(); err != nil {
		return walkResult{stats: stats, err: err}
	}

	// Commits: exclusions first, then everything new from the tips.
	var ex []int32
	for _, id := range exclude {
		ex = append(ex, w.commit(id))
	}
	w.reach(ex, nil, func(i int32) bool {
		w.commits[i].excluded = true
		return true
	})
	var tipIdx, branchTips []int32
	addTip := func(id oid) int32 {
		i := w.commit(id)
		if w.commits[i].ok && !w.commits[i].excluded && !w.commits[i].isTip {
			w.commits[i].isTip = true
			tipIdx = append(tipIdx, i)
		}
		return i
	}
	for _, id := range tips {
		branchTips = append(branchTips, addTip(id))
	}
	for _, t := range extra {
		addTip(t.id)
	}
	w.reach(tipIdx, nil, func(i int32) bool {
		if w.commits[i].excluded {
			return false
		}
		w.commits[i].included = true
		return true
	})
	if len(extra) > 0 {
		// Which commits only pull request refs, the stash or notes reach:
		// a secret there is not in any branch, and not removed by
		// rewriting one.
		w.markHidden(branchTips, extra)
	}
	order := w.topoOrder(tipIdx)
	w.pre = nil // every commit the scan needs has been read
	t0 := time.Now()
	stats.Commits = int64(len(order))
	s.commitsToDiff.Store(int64(len(order)))
	if err := w.diffAll(order, s.workers()); err != nil {
		return walkResult{stats: stats, err: err}
	}
	debugf("diffs done %v", time.Since(t0))
	if len(w.shallow) > 0 {
		for _, i := range order {
			g := int32(0)
			for _, p := range w.parents(i) {
				if p >= 0 {
					g = max(g, w.commits[p].gen)
				}
			}
			w.commits[i].gen = g + 1
			stats.ShallowDepth = max(stats.ShallowDepth, int(g+1))
		}
		// A CI checkout is shallow by default: say that "no findings"
		// covers the commits that are here, not the project's history.
		w.note(scanners.NoteLimit, "", fmt.Sprintf("shallow clone: the history stops %d commits deep (%d cut-off points); older commits are not in the repository to scan: git fetch --unshallow, or actions/checkout with fetch-depth: 0",
			stats.ShallowDepth, len(w.shallow)))
	}

	// HEAD's tree sets InHead; the tips' trees, newest first, set LastSeen
	// for what is still there.
	if !s.head.isZero() {
		if hi, ok := w.byID[s.head]; ok && w.commits[hi].ok {
			w.markTree("", w.commits[hi].tree, nil, 0, func(p *pairInfo) { p.inHead = true })
		}
	}
	slices.SortFunc(tipIdx, func(a, b int32) int {
		if w.newer(a, b) {
			return -1
		}
		if w.newer(b, a) {
			return 1
		}
		return 0
	})
	seen := map[pairKey]bool{}
	for _, t := range tipIdx {
		w.markTree("", w.commits[t].tree, seen, 0, func(p *pairInfo) {
			if p.lastSeen < 0 || w.newer(t, p.lastSeen) {
				p.lastSeen = t
			}
		})
	}
	for i := range w.pairs {
		if p := &w.pairs[i]; p.intro >= 0 && p.lastSeen < 0 {
			p.lastSeen = p.intro
		}
	}
	w.trees = newTreeCache(0)
	s.store.dropCache()
	debugf("phase1 done %v pairs=%d paths=%d", time.Since(t0), len(w.pairs), len(w.pathList))
	return walkResult{stats: stats}
}

// workers is how many goroutines diff trees and emit blobs.
func (s *Source) workers() int {
	if s.opts.Workers > 0 {
		return s.opts.Workers
	}
	return runtime.NumCPU()
}

// report calls Options.Progress every second until the returned stop is
// called (which reports once more).
func (s *Source) report(current func() *emitter) (stop func()) {
	start := time.Now()
	done := make(chan struct{})
	finished := make(chan struct{})
	send := func() {
		s.mu.Lock()
		e := current()
		s.mu.Unlock()
		p := Progress{Phase: "commits", Done: s.w.diffed.Load(), Total: s.commitsToDiff.Load(), Elapsed: time.Since(start)}
		if e != nil {
			p = Progress{Phase: "blobs", Done: e.done.Load(), Total: int64(len(e.jobs)), Bytes: e.bytes.Load(), Elapsed: p.Elapsed}
		}
		s.opts.Progress(p)
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				send()
			case <-done:
				send()
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// namedTip is a ref outside branches and tags that --all-refs walks.
type namedTip struct {
	name string
	id   oid
}

// selectRefs turns the options into start and exclusion commits; extra
// are the refs outside branches and tags that --all-refs adds.
func (s *Source) selectRefs() (tips []oid, extra []namedTip, exclude []oid, err error) {
	add := func(list []oid, rev string) ([]oid, error) {
		id, err := s.resolve(rev)
		if err != nil {
			return list, err
		}
		return append(list, id), nil
	}
	switch {
	case s.opts.Range != "":
		a, b, _ := strings.Cut(s.opts.Range, "..")
		b = strings.TrimPrefix(b, ".") // tolerate A...B as A..B
		if b == "" {
			b = "HEAD"
		}
		if tips, err = add(tips, b); err != nil {
			return nil, nil, nil, err
		}
		if a != "" {
			if exclude, err = add(exclude, a); err != nil {
				return nil, nil, nil, err
			}
		}
		return tips, nil, exclude, nil
	case len(s.opts.Branches) > 0:
		for _, b := range s.opts.Branches {
			id, ok := s.lookupRef(b, "refs/heads/", "refs/remotes/", "refs/")
			if !ok {
				return nil, nil, nil, fmt.Errorf("githistory: no branch %q", b)
			}
			if id, err = s.peelCommit(id, b); err != nil {
				return nil, nil, nil, err
			}
			tips = append(tips, id)
		}
	default:
		if !s.head.isZero() {
			tips = append(tips, s.head)
		}
		skipped := map[string]int{} // refs left out, by namespace
		defer func() {
			if len(skipped) == 0 {
				return
			}
			n, parts := 0, make([]string, 0, len(skipped))
			for _, ns := range slices.Sorted(maps.Keys(skipped)) {
				n += skipped[ns]
				parts = append(parts, fmt.Sprintf("%s: %d", ns, skipped[ns]))
			}
			s.w.note(scanners.NoteInfo, "", fmt.Sprintf("%d refs outside branches and tags not walked (%s); --all-refs walks them", n, strings.Join(parts, ", ")))
		}()
		for _, r := range s.refs {
			if !s.walks(r.name) {
				if !strings.HasPrefix(r.name, "refs/sprawl/") {
					skipped[refNamespace(r.name)]++
				}
				continue
			}
			id, typ, err := s.w.peel(r.id)
			if err != nil {
				s.w.note(scanners.NoteError, "", fmt.Sprintf("ref %s: %v", r.name, err))
				continue
			}
			if typ != typeCommit {
				s.w.note(scanners.NoteInfo, "", fmt.Sprintf("ref %s points to a %s, not a commit; not scanned", r.name, typeName(typ)))
				continue
			}
			if s.opts.AllRefs && !branchOrTag(r.name) {
				extra = append(extra, namedTip{r.name, id})
				continue
			}
			tips = append(tips, id)
		}
	}
	if s.opts.Since != "" {
		if exclude, err = add(exclude, s.opts.Since); err != nil {
			return nil, nil, nil, err
		}
	}
	slices.SortFunc(extra, func(a, b namedTip) int { return strings.Compare(a.name, b.name) })
	return tips, extra, exclude, nil
}

// refNamespace names the group a ref belongs to in notes: "refs/pull/*"
// for refs/pull/7/head, the ref itself for refs/stash.
func refNamespace(name string) string {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 3 {
		return name
	}
	return parts[0] + "/" + parts[1] + "/*"
}

// walks reports whether a scan without Branches or Range starts from the
// ref name.
func (s *Source) walks(name string) bool {
	if s.opts.AllRefs {
		return !strings.HasPrefix(name, "refs/sprawl/")
	}
	return branchOrTag(name)
}

// branchOrTag reports whether ref name is a branch, a tag or a
// remote-tracking branch: what a history scan walks by default.
func branchOrTag(name string) bool {
	return strings.HasPrefix(name, "refs/heads/") || strings.HasPrefix(name, "refs/tags/") ||
		strings.HasPrefix(name, "refs/remotes/")
}

func (s *Source) lookupRef(name string, prefixes ...string) (oid, bool) {
	for _, pre := range append([]string{""}, prefixes...) {
		full := pre + name
		for _, r := range s.refs {
			if r.name == full {
				return r.id, true
			}
		}
	}
	return oid{}, false
}

func (s *Source) peelCommit(id oid, rev string) (oid, error) {
	c, typ, err := s.w.peel(id)
	if err != nil {
		return oid{}, fmt.Errorf("githistory: %s: %w", rev, err)
	}
	if typ != typeCommit {
		return oid{}, fmt.Errorf("githistory: %s is a %s, not a commit", rev, typeName(typ))
	}
	return c, nil
}

// resolve turns a revision into a commit id: HEAD, a ref, branch or tag
// name, or a full or abbreviated commit id, with optional ~N / ^ suffixes.
func (s *Source) resolve(rev string) (oid, error) {
	base := rev
	var steps []int // first-parent steps
	for {
		if i := strings.LastIndexAny(base, "~^"); i > 0 {
			suffix := base[i+1:]
			n := 1
			if suffix != "" {
				v, err := strconv.Atoi(suffix)
				if err != nil || v < 0 {
					break
				}
				n = v
			}
			if base[i] == '^' && n > 1 {
				return oid{}, fmt.Errorf("githistory: %q: only first parents (^ or ~N) are supported", rev)
			}
			steps = append(steps, n)
			base = base[:i]
			continue
		}
		break
	}
	var id oid
	var ok bool
	switch {
	case base == "HEAD":
		id, ok = s.head, !s.head.isZero()
	default:
		id, ok = s.lookupRef(base, "refs/", "refs/tags/", "refs/heads/", "refs/remotes/")
		if !ok {
			id, ok = s.abbrev(base)
		}
	}
	if !ok {
		return oid{}, fmt.Errorf("githistory: unknown revision %q", rev)
	}
	id, err := s.peelCommit(id, rev)
	if err != nil {
		return oid{}, err
	}
	for k := len(steps) - 1; k >= 0; k-- {
		for range steps[k] {
			i := s.w.commit(id)
			ps := s.w.parents(i)
			if len(ps) == 0 || ps[0] < 0 {
				return oid{}, fmt.Errorf("githistory: %q: no such ancestor", rev)
			}
			id = s.w.commits[ps[0]].id
		}
	}
	return id, nil
}

// abbrev finds the one object whose id starts with the hex prefix h.
func (s *Source) abbrev(h string) (oid, bool) {
	full := 2 * s.store.hashLen
	if len(h) == full {
		return parseOID(h)
	}
	if len(h) < 4 || len(h) > full {
		return oid{}, false
	}
	h = strings.ToLower(h)
	for _, c := range h {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return oid{}, false
		}
	}
	var found oid
	n := 0
	for _, p := range s.store.packs {
		for i := range p.count {
			o := p.nameAt(i)
			if strings.HasPrefix(o.String(), h) && o != found {
				found = o
				n++
			}
		}
	}
	if n == 0 {
		matches, _ := filepath.Glob(filepath.Join(s.store.dir, h[:2], h[2:]+"*"))
		if len(matches) == 1 {
			return parseOID(h[:2] + filepath.Base(matches[0]))
		}
	}
	return found, n == 1
}

// topoOrder returns the included commits, parents before children.
func (w *walker) topoOrder(tips []int32) []int32 {
	state := make([]uint8, len(w.commits)) // 0 new, 1 open, 2 done
	var order []int32
	type frame struct {
		i    int32
		next int
	}
	var stack []frame
	for _, t := range tips {
		if state[t] != 0 || !w.commits[t].included {
			continue
		}
		stack = append(stack, frame{t, 0})
		state[t] = 1
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			ps := w.commits[f.i].parents
			if f.next < len(ps) {
				p := ps[f.next]
				f.next++
				if p >= 0 && int(p) < len(state) && state[p] == 0 && w.commits[p].included {
					state[p] = 1
					stack = append(stack, frame{p, 0})
				}
				continue
			}
			state[f.i] = 2
			order = append(order, f.i)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}

var debug = os.Getenv("SPRAWL_GITHISTORY_DEBUG") != ""

// debugStart is when the package was initialised, near the process start:
// debug lines carry the time since then, so phases line up on one clock.
var debugStart = time.Now()

func debugf(format string, args ...any) {
	if debug {
		fmt.Fprintf(os.Stderr, "githistory: [%5.3fs] "+format+"\n", append([]any{time.Since(debugStart).Seconds()}, args...)...)
	}
}
