package githistory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/archive"
)

// Phase 2: read each distinct blob once and hand it to the sink.
//
// Blobs that live in a pack are read as git's index-pack resolves deltas:
// the delta chains of the wanted blobs form a forest (a delta's base is its
// parent); each root is inflated once, and each child is produced by
// patching its parent's content while it is still in hand. No object is
// inflated twice and no base cache is needed; memory held per worker is one
// chain of contents. Roots are handed to workers in pack order.

// blobJob is one distinct blob and its pairs (a range of emitter.order).
type blobJob struct {
	id          oid
	first, n    int32
	size        int64
	missing     bool
	loose       bool
	packed      bool
	packIndex   int32
	packOffset  int64
	emitted     bool
	description string
}

// node is one pack entry in the delta forest.
type node struct {
	off      int64
	h        entryHeader
	job      int32 // index into jobs, -1 for a base that is not wanted itself
	children []int32
	extBase  bool // REF_DELTA whose base is outside this pack
}

type packForest struct {
	pack  int32
	nodes []node
	byOff map[int64]int32
	roots []int32
}

type emitter struct {
	ctx context.Context
	// archives: how the files inside archive blobs are read.
	archives archive.Options
	cancel   context.CancelFunc
	w        *walker
	sink     scanners.Sink
	repo     *scanners.Repo
	maxSize  int64
	jobs     []blobJob
	order    []int32 // pair indices grouped by blob
	// partial describes the promisor remote when the repository is a
	// partial clone (see partialClone), "" otherwise.
	partial string

	blobs, bytes, files atomic.Int64
	done                atomic.Int64 // jobs finished, emitted or not
	large, binary       atomic.Int64
	errMu               sync.Mutex
	err                 error
}

func (e *emitter) fail(err error) {
	e.errMu.Lock()
	if e.err == nil {
		e.err = err
	}
	e.errMu.Unlock()
	e.cancel()
}

func (e *emitter) note(kind scanners.NoteKind, j *blobJob, detail string) {
	e.done.Add(1)
	e.sink.Note(scanners.Note{Repo: e.repo.Name, Path: e.firstPath(j), Kind: kind, Detail: detail})
}

func (e *emitter) firstPath(j *blobJob) string {
	if j.n == 0 {
		return ""
	}
	return e.w.pathList[e.w.pairs[e.order[j.first]].key.path]
}

// buildJobs groups the index by blob, oldest occurrence first.
func (e *emitter) buildJobs() {
	w := e.w
	order := make([]int32, 0, len(w.pairs))
	for i := range w.pairs {
		if w.pairs[i].intro >= 0 {
			order = append(order, int32(i))
		}
	}
	sort.Slice(order, func(a, b int) bool {
		pa, pb := &w.pairs[order[a]], &w.pairs[order[b]]
		if c := bytes.Compare(pa.key.blob[:], pb.key.blob[:]); c != 0 {
			return c < 0
		}
		if pa.intro != pb.intro {
			return w.newer(pb.intro, pa.intro)
		}
		return w.pathList[pa.key.path] < w.pathList[pb.key.path]
	})
	e.order = order
	for i := 0; i < len(order); {
		j := i
		id := w.pairs[order[i]].key.blob
		for j < len(order) && w.pairs[order[j]].key.blob == id {
			j++
		}
		e.jobs = append(e.jobs, blobJob{id: id, first: int32(i), n: int32(j - i)})
		i = j
	}
}

// plan locates every blob and builds the delta forests.
func (e *emitter) plan() []*packForest {
	st := e.w.store
	forests := make([]*packForest, len(st.packs))
	for i := range forests {
		forests[i] = &packForest{pack: int32(i), byOff: map[int64]int32{}}
	}
	var absent int64 // blobs a partial clone has not fetched
	for ji := range e.jobs {
		j := &e.jobs[ji]
		l, ok := st.locate(j.id)
		switch {
		case !ok && e.partial != "":
			j.missing = true
			absent++
			e.done.Add(1)
		case !ok:
			j.missing = true
			e.note(scanners.NoteError, j, fmt.Sprintf("blob %s is missing from the object store (partial clone or corrupt repository); not scanned", j.id))
		case l.pack < 0:
			j.loose = true
		default:
			if err := forests[l.pack].add(st.packs[l.pack], l.off, int32(ji)); err != nil {
				j.missing = true
				e.note(scanners.NoteError, j, fmt.Sprintf("blob %s: %v; not scanned", j.id, err))
				continue
			}
			j.packed = true
		}
	}
	if absent > 0 {
		e.sink.Note(scanners.Note{Repo: e.repo.Name, Kind: scanners.NoteError, Detail: fmt.Sprintf(
			"%d blobs are not in this partial clone (promisor remote %s) and were not scanned: sprawl fetches nothing; scan a clone made without --filter to cover the whole history", absent, e.partial)})
	}
	for _, f := range forests {
		for i := range f.nodes {
			n := &f.nodes[i]
			if n.h.typ != typeOfsDelta && (n.h.typ != typeRefDelta || n.extBase) {
				f.roots = append(f.roots, int32(i))
			}
		}
		sort.Slice(f.roots, func(a, b int) bool { return f.nodes[f.roots[a]].off < f.nodes[f.roots[b]].off })
	}
	return forests
}

// add puts the entry at off (wanted as job) and its delta chain into the
// forest.
func (f *packForest) add(p *packFile, off int64, job int32) error {
	if i, ok := f.byOff[off]; ok {
		f.nodes[i].job = job
		return nil
	}
	child := int32(-1)
	for steps := 0; ; steps++ {
		if steps > 10000 {
			return errors.New("delta chain too deep")
		}
		if i, ok := f.byOff[off]; ok {
			f.nodes[i].children = append(f.nodes[i].children, child)
			return nil
		}
		h, err := p.header(off)
		if err != nil {
			return err
		}
		i := int32(len(f.nodes))
		n := node{off: off, h: h, job: -1}
		if child < 0 {
			n.job = job
		} else {
			n.children = []int32{child}
		}
		f.byOff[off] = i
		switch h.typ {
		case typeOfsDelta:
			f.nodes = append(f.nodes, n)
			child, off = i, h.baseOff
		case typeRefDelta:
			if boff, ok := p.find(h.baseID); ok {
				f.nodes = append(f.nodes, n)
				child, off = i, boff
				continue
			}
			n.extBase = true
			f.nodes = append(f.nodes, n)
			return nil
		default:
			f.nodes = append(f.nodes, n)
			return nil
		}
	}
}

type work struct {
	forest *packForest
	root   int32
	loose  int32
}

func (e *emitter) run(workers int) {
	forests := e.plan()
	ch := make(chan work, 256)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			z := &inflater{}
			for wk := range ch {
				if e.ctx.Err() != nil {
					continue
				}
				if wk.forest == nil {
					e.emitLoose(z, wk.loose)
					continue
				}
				e.emitTree(z, wk.forest, wk.root)
			}
		}()
	}
feed:
	for _, f := range forests {
		for _, r := range f.roots {
			select {
			case ch <- work{forest: f, root: r}:
			case <-e.ctx.Done():
				break feed
			}
		}
	}
	for ji := range e.jobs {
		if e.jobs[ji].loose {
			select {
			case ch <- work{loose: int32(ji)}:
			case <-e.ctx.Done():
			}
		}
	}
	close(ch)
	wg.Wait()
}

func (e *emitter) emitLoose(z *inflater, ji int32) {
	j := &e.jobs[ji]
	typ, size, data, err := e.w.store.readLoose(z, j.id, e.maxSize)
	if err == nil && typ != typeBlob {
		err = fmt.Errorf("is a %s", typeName(typ))
	}
	if err != nil {
		e.note(scanners.NoteError, j, fmt.Sprintf("blob %s: %v; not scanned", j.id, err))
		return
	}
	if data == nil && size > 0 {
		e.skipLarge(j, size)
		return
	}
	e.emit(j, data)
}

func (e *emitter) skipLarge(j *blobJob, size int64) {
	e.large.Add(1)
	e.note(scanners.NoteSkippedLarge, j, fmt.Sprintf("blob %s is %d bytes, over the %d-byte limit; not scanned", j.id, size, e.maxSize))
}

// emitTree resolves the delta tree under root, emitting wanted blobs.
func (e *emitter) emitTree(z *inflater, f *packForest, root int32) {
	p := e.w.store.packs[f.pack]
	n := &f.nodes[root]
	if n.extBase {
		typ, base, err := e.w.store.read(n.h.baseID)
		var data []byte
		if err == nil {
			var delta []byte
			if delta, err = z.inflateDelta(p, n.off, n.h); err == nil {
				data, err = patch(base, delta)
			}
		}
		if err != nil {
			e.failSubtree(f, root, err)
			return
		}
		e.visit(z, f, root, typ, data)
		return
	}
	if n.job >= 0 && len(n.children) == 0 && n.h.typ == typeBlob && n.h.size > e.maxSize {
		e.skipLarge(&e.jobs[n.job], n.h.size)
		return
	}
	data, err := z.inflate(p, n.off, n.h)
	if err != nil {
		e.failSubtree(f, root, err)
		return
	}
	e.visit(z, f, root, n.h.typ, data)
}

// visit emits node i (content data, object type typ) and resolves its
// children.
func (e *emitter) visit(z *inflater, f *packForest, i int32, typ int, data []byte) {
	if e.ctx.Err() != nil {
		return
	}
	n := &f.nodes[i]
	if n.job >= 0 {
		j := &e.jobs[n.job]
		switch {
		case typ != typeBlob:
			e.note(scanners.NoteError, j, fmt.Sprintf("object %s is a %s, not a blob; not scanned", j.id, typeName(typ)))
		case int64(len(data)) > e.maxSize:
			e.skipLarge(j, int64(len(data)))
		default:
			e.emit(j, data)
		}
	}
	p := e.w.store.packs[f.pack]
	for _, ci := range n.children {
		c := &f.nodes[ci]
		delta, err := z.inflateDelta(p, c.off, c.h)
		if err != nil {
			e.failSubtree(f, ci, err)
			continue
		}
		if c.job >= 0 && len(c.children) == 0 {
			if _, dst, _, err := deltaSizes(delta); err == nil && dst > e.maxSize {
				e.skipLarge(&e.jobs[c.job], dst)
				continue
			}
		}
		out, err := patch(data, delta)
		if err != nil {
			e.failSubtree(f, ci, fmt.Errorf("object at pack offset %d: %w", c.off, err))
			continue
		}
		e.visit(z, f, ci, typ, out)
	}
}

// failSubtree notes every wanted blob under node i as unreadable.
func (e *emitter) failSubtree(f *packForest, i int32, err error) {
	stack := []int32{i}
	for len(stack) > 0 {
		n := &f.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if n.job >= 0 {
			j := &e.jobs[n.job]
			e.note(scanners.NoteError, j, fmt.Sprintf("blob %s: %v; not scanned", j.id, err))
		}
		stack = append(stack, n.children...)
	}
}

func (e *emitter) emit(j *blobJob, data []byte) {
	e.done.Add(1)
	var binary []byte
	if text, ok := scanners.Text(data); !ok {
		// Not scanned as text, but rules on paths alone (a .p12 file)
		// still see where it is.
		e.binary.Add(1)
		binary, data = data, nil
	} else {
		data = text
	}
	w := e.w
	occ := make([]scanners.Occurrence, j.n)
	for k := range occ {
		p := &w.pairs[e.order[j.first+int32(k)]]
		o := scanners.Occurrence{
			Path:     w.pathList[p.key.path],
			Commit:   w.commitRef(p.intro),
			LastSeen: w.commitRef(p.lastSeen),
			InHead:   p.inHead,
		}
		if !p.inHead {
			o.RemovedIn = w.commitRef(p.removedIn)
		}
		if w.hidden != nil && !p.onBranch {
			o.OnlyInRefs, o.OnlyInRefsTotal = w.hiddenRefsOf(p.intro)
		}
		occ[k] = o
	}
	if data != nil {
		e.blobs.Add(1)
		e.bytes.Add(int64(len(data)))
		e.files.Add(int64(j.n))
	}
	err := e.sink.Fragment(scanners.Fragment{Repo: e.repo, BlobID: j.id.String(), Content: data, Occurrences: occ})
	if err != nil {
		e.fail(err)
	}
	if binary != nil && e.archives.MaxDepth > 0 && len(occ) > 0 {
		e.emitArchive(j, binary, occ)
	}
}

// emitArchive emits the files inside an archive blob, each at every place
// the archive is (path!inner).
func (e *emitter) emitArchive(j *blobJob, content []byte, occ []scanners.Occurrence) {
	name := occ[0].Path
	inner := func(path string, text []byte) {
		if e.ctx.Err() != nil {
			return
		}
		at := make([]scanners.Occurrence, len(occ))
		for k, o := range occ {
			o.Path += path[len(name):]
			at[k] = o
		}
		e.bytes.Add(int64(len(text)))
		e.files.Add(int64(len(at)))
		if err := e.sink.Fragment(scanners.Fragment{Repo: e.repo, Content: text, Occurrences: at}); err != nil {
			e.fail(err)
		}
	}
	problem := func(p archive.Problem) {
		n := p.Note()
		n.Repo, n.Detail = e.repo.Name, fmt.Sprintf("%s (in blob %s)", n.Detail, j.id)
		e.sink.Note(n)
	}
	archive.Walk(e.ctx, name, content, e.archives, inner, problem)
}
