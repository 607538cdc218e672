// Package staged scans what is about to be committed: the blobs in the git
// index that differ from HEAD (added, modified, renamed or copied files,
// partially staged files included as staged). It finds them by comparing
// the index with HEAD's tree directory by directory, and skips every
// directory whose tree id is the same on both sides: ids come from the
// index's cached-tree extension where git kept it valid, else from hashing
// the index entries as git would write the tree. A commit touching a few
// files in a huge repository therefore reads a handful of objects.
//
// The index is read by scanners/staged/gitindex and objects by
// githistory.ObjectReader: no git process, no go-git, nothing from the
// repository's config or hooks runs.
package staged

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/archive"
	"github.com/sprawl-dev/sprawl/scanners/filetree"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
	"github.com/sprawl-dev/sprawl/scanners/staged/gitindex"
)

// Options configure a staged scan.
type Options struct {
	// MaxFileSize skips larger blobs (0 = filetree.DefaultMaxFileSize).
	MaxFileSize int64
	// Exclude holds doublestar globs of paths to skip.
	Exclude []string
	// IndexFile is the index to read instead of the repository's own.
	// git sets GIT_INDEX_FILE for hooks when it commits from a temporary
	// index (`git commit -a`, `git commit PATH`); pass it here.
	IndexFile string
	// Archives opens staged archives and compressed files to scan the
	// files in them (Archives.MaxDepth 0: not opened).
	Archives archive.Options
}

// ObjectID is a git object id.
type ObjectID = githistory.ObjectID

// Change is one staged path and its blob ids (Before is zero for new files).
type Change struct {
	Path          string
	Before, After ObjectID
}

// Source scans the staged changes of one repository.
type Source struct {
	objs    *githistory.ObjectReader
	info    *scanners.Repo
	opts    Options
	changes []Change
}

// New opens the repository containing dir and computes its staged changes.
// Call Close when done scanning.
func New(dir string, opts Options) (*Source, error) {
	root, dirs, err := githistory.FindRepo(dir)
	if err != nil {
		return nil, fmt.Errorf("%s is not inside a git repository (--staged needs one): %w", dir, err)
	}
	if err := githistory.CheckFormat(dirs); err != nil {
		return nil, err
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = filetree.DefaultMaxFileSize
	}
	head, branch, err := githistory.ReadHead(dirs)
	if err != nil {
		return nil, fmt.Errorf("reading HEAD of %s: %w", root, err)
	}
	objs, err := githistory.OpenObjects(dirs)
	if err != nil {
		return nil, fmt.Errorf("opening the objects of %s: %w", root, err)
	}
	indexFile := opts.IndexFile
	if indexFile == "" {
		indexFile = filepath.Join(dirs.GitDir, "index")
	}
	idx, err := gitindex.Read(indexFile, dirs.GitDir, gitindex.Hash(objs.HashSize()))
	if err != nil {
		objs.Close()
		return nil, fmt.Errorf("reading the staged changes of %s: %w", root, err)
	}
	changes, err := compare(objs, idx, head)
	if err != nil {
		objs.Close()
		return nil, fmt.Errorf("comparing the index of %s with HEAD: %w (does `git status` work?)", root, err)
	}
	info := &scanners.Repo{Root: root, Name: filepath.Base(root), URI: githistory.OriginURL(dirs)}
	if n := repoinfo.NameFromURL(info.URI); n != "" {
		info.Name = n
	}
	if !head.IsZero() {
		info.Head, info.Branch = head.String(), branch
		if root := objs.RootCommit(head); !root.IsZero() {
			info.RootCommit = root.String()
		}
	}
	return &Source{objs: objs, info: info, opts: opts, changes: changes}, nil
}

// Close releases the repository's object files.
func (s *Source) Close() error {
	s.objs.Close()
	return nil
}

// Repo implements scanners.Source.
func (s *Source) Repo() *scanners.Repo { return s.info }

// Changes returns the staged changes, sorted by path.
func (s *Source) Changes() []Change { return s.changes }

// Scan implements scanners.Source: one fragment per staged blob.
func (s *Source) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	return s.scan(ctx, sink, false)
}

// Previous returns a source over the HEAD versions of the changed paths, so
// that findings already committed can be told from new ones.
func (s *Source) Previous() scanners.Source { return previous{s} }

type previous struct{ s *Source }

func (p previous) Repo() *scanners.Repo { return p.s.info }
func (p previous) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	return p.s.scan(ctx, sink, true)
}

func (s *Source) scan(ctx context.Context, sink scanners.Sink, before bool) (scanners.Stats, error) {
	var stats scanners.Stats
	for _, c := range s.changes {
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		h := c.After
		if before {
			h = c.Before
		}
		if h.IsZero() || scanners.Excluded(s.opts.Exclude, c.Path, false) {
			continue
		}
		content, raw, note := s.readBlob(h)
		if raw != nil {
			opened, err := s.scanArchive(ctx, sink, c.Path, raw, before, &stats)
			if err != nil {
				return stats, err
			}
			if opened {
				note = "" // its files were scanned
			}
		}
		if note != "" {
			if !before {
				sink.Note(scanners.Note{Repo: s.info.Name, Path: c.Path, Kind: noteKind(note), Detail: note})
			}
			if noteKind(note) != scanners.NoteSkippedBinary {
				continue
			}
			// Binary: not scanned as text, but rules on paths alone (a
			// .p12 file) still see where it is.
		} else if content != nil {
			stats.Files++
			stats.Bytes += int64(len(content))
		}
		err := sink.Fragment(scanners.Fragment{Repo: s.info, BlobID: h.String(), Content: content,
			Occurrences: []scanners.Occurrence{{Path: c.Path, InHead: !before}}})
		if err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// scanArchive emits the files inside a staged (or, before, committed)
// archive, and says whether raw was one.
func (s *Source) scanArchive(ctx context.Context, sink scanners.Sink, path string, raw []byte, before bool, stats *scanners.Stats) (opened bool, err error) {
	inner := func(p string, text []byte) {
		if err != nil {
			return
		}
		stats.Files++
		stats.Bytes += int64(len(text))
		err = sink.Fragment(scanners.Fragment{Repo: s.info, Content: text,
			Occurrences: []scanners.Occurrence{{Path: p, InHead: !before}}})
	}
	opened = archive.Walk(ctx, path, raw, s.opts.Archives, inner, func(p archive.Problem) {
		if !before {
			n := p.Note()
			n.Repo = s.info.Name
			sink.Note(n)
		}
	})
	return opened, err
}

func noteKind(note string) scanners.NoteKind {
	switch {
	case strings.HasPrefix(note, "binary"):
		return scanners.NoteSkippedBinary
	case strings.HasPrefix(note, "larger"):
		return scanners.NoteSkippedLarge
	}
	return scanners.NoteError
}

// readBlob returns a blob's text, or a note saying why there is none; raw
// is the content of a binary blob when archives are opened.
func (s *Source) readBlob(h ObjectID) (text, raw []byte, note string) {
	content, _, err := s.objs.ReadBlob(h, s.opts.MaxFileSize)
	if errors.Is(err, githistory.ErrTooLarge) {
		return nil, nil, fmt.Sprintf("larger than %d bytes (--max-file-size)", s.opts.MaxFileSize)
	}
	if err != nil {
		return nil, nil, "cannot read blob " + h.String() + ": " + err.Error()
	}
	text, ok := scanners.Text(content)
	if !ok {
		if s.opts.Archives.MaxDepth > 0 {
			raw = content
		}
		return nil, raw, "binary content"
	}
	return text, nil, ""
}

// compare lists the index's regular files whose blob differs from HEAD's
// version of the same path (head is zero before the first commit).
// Conflicted (stage 1-3) and intent-to-add entries are not part of the
// next commit and are left out; so are symlinks and submodules, which hold
// no content to scan.
func compare(objs *githistory.ObjectReader, idx *gitindex.Index, head ObjectID) ([]Change, error) {
	d := &differ{objs: objs, entries: idx.Entries, hashSize: objs.HashSize()}
	var headTree ObjectID
	if !head.IsZero() {
		c, err := objs.ReadCommit(head)
		if err != nil {
			return nil, fmt.Errorf("reading HEAD commit: %w", err)
		}
		headTree = c.Tree
	}
	root, err := d.build("", 0, idx.Tree, 0)
	if err != nil {
		return nil, err
	}
	if err := d.compare(root, headTree, 0); err != nil {
		return nil, err
	}
	sort.Slice(d.out, func(i, j int) bool { return d.out[i].Path < d.out[j].Path })
	return d.out, nil
}

// maxDepth bounds folder nesting (git itself refuses deeper trees).
const maxDepth = 4096

type differ struct {
	objs     *githistory.ObjectReader
	entries  []gitindex.Entry
	out      []Change
	hashSize int // object id length: 20 (SHA-1) or 32 (SHA-256)
}

// node is one directory of the index: the entries [lo, hi) under prefix.
type node struct {
	prefix string // "" for the top, else "a/b/"
	lo, hi int
	ct     *gitindex.CacheTree // its cached-tree node, if any
	id     ObjectID            // the tree id git would write for it
	empty  bool                // nothing in it goes into a tree
	// items are its children in tree order; nil until expanded.
	items    []item
	expanded bool
}

// item is a file (or a sparse directory) entry, or a subdirectory.
type item struct {
	entry int
	sub   *node
}

// build makes the node for the directory whose entries start at lo. When
// its cached tree is valid and consistent with the entries, the node takes
// its id from there without looking at them.
func (d *differ) build(prefix string, lo int, ct *gitindex.CacheTree, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("folders nested deeper than %d at %q", maxDepth, prefix)
	}
	n := &node{prefix: prefix, lo: lo, ct: ct}
	if ct.Valid() && ct.Entries > 0 {
		hi := lo + ct.Entries
		if hi <= len(d.entries) && strings.HasPrefix(d.entries[hi-1].Path, prefix) &&
			(hi == len(d.entries) || !strings.HasPrefix(d.entries[hi].Path, prefix)) {
			n.hi, n.id = hi, ObjectID(ct.ID)
			return n, nil
		}
		// Entries and cached tree disagree: trust the entries.
	}
	if err := d.expand(n, depth); err != nil {
		return nil, err
	}
	d.hash(n)
	return n, nil
}

// expand lists a node's children, building subdirectory nodes.
func (d *differ) expand(n *node, depth int) error {
	i := n.lo
	for i < len(d.entries) && strings.HasPrefix(d.entries[i].Path, n.prefix) {
		e := &d.entries[i]
		rest := e.Path[len(n.prefix):]
		slash := strings.IndexByte(rest, '/')
		if slash < 0 || (slash == len(rest)-1 && e.IsSparseDir()) {
			n.items = append(n.items, item{entry: i})
			i++
			continue
		}
		name := rest[:slash]
		sub, err := d.build(n.prefix+name+"/", i, n.ct.Child(name), depth+1)
		if err != nil {
			return err
		}
		n.items = append(n.items, item{entry: -1, sub: sub})
		i = sub.hi
	}
	n.hi, n.expanded = i, true
	return nil
}

// hash computes the tree id of an expanded node the way git writes trees
// from an index: entries in index order (which is tree order), modes in
// octal without leading zeros, folders with nothing committable left out.
func (d *differ) hash(n *node) {
	var body []byte
	for _, it := range n.items {
		if it.sub != nil {
			if it.sub.empty {
				continue
			}
			body = append(body, "40000 "...)
			body = append(body, it.sub.prefix[len(n.prefix):len(it.sub.prefix)-1]...)
			body = append(body, 0)
			body = append(body, it.sub.id[:d.hashSize]...)
			continue
		}
		e := &d.entries[it.entry]
		if e.Stage != 0 || e.IntentToAdd {
			continue
		}
		body = strconv.AppendUint(body, uint64(e.Mode), 8)
		body = append(body, ' ')
		body = append(body, strings.TrimSuffix(e.Path[len(n.prefix):], "/")...)
		body = append(body, 0)
		body = append(body, e.ID[:d.hashSize]...)
	}
	n.empty = len(body) == 0
	var h hash.Hash
	if d.hashSize == sha256.Size {
		h = sha256.New()
	} else {
		h = sha1.New()
	}
	h.Write([]byte("tree " + strconv.Itoa(len(body)) + "\x00"))
	h.Write(body)
	h.Sum(n.id[:0])
}

// compare records the changed files under n, whose HEAD tree is head
// (zero when HEAD has no such folder).
func (d *differ) compare(n *node, head ObjectID, depth int) error {
	if !head.IsZero() && n.id == head {
		return nil
	}
	if !n.expanded {
		if err := d.expand(n, depth); err != nil {
			return err
		}
	}
	old, err := d.headEntries(head, n.prefix)
	if err != nil {
		return err
	}
	for _, it := range n.items {
		if it.sub != nil {
			name := it.sub.prefix[len(n.prefix) : len(it.sub.prefix)-1]
			var h ObjectID
			if e, ok := old[name]; ok && e.IsDir() {
				h = e.ID
			}
			if err := d.compare(it.sub, h, depth+1); err != nil {
				return err
			}
			continue
		}
		e := &d.entries[it.entry]
		if e.Stage != 0 || e.IntentToAdd {
			continue
		}
		if e.IsSparseDir() {
			name := strings.TrimSuffix(e.Path[len(n.prefix):], "/")
			var h ObjectID
			if p, ok := old[name]; ok && p.IsDir() {
				h = p.ID
			}
			if ObjectID(e.ID) != h {
				if err := d.diffTrees(e.Path, ObjectID(e.ID), h, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		d.file(e.Path, e.Mode, ObjectID(e.ID), old, e.Path[len(n.prefix):])
	}
	return nil
}

// file records path when it is a regular file whose blob is not HEAD's.
func (d *differ) file(path string, mode uint32, id ObjectID, old map[string]githistory.TreeEntry, name string) {
	if !gitindex.IsRegular(mode) {
		return // symlinks and submodules carry no content to scan
	}
	prev, ok := old[name]
	if ok && prev.ID == id {
		return
	}
	c := Change{Path: path, After: id}
	if ok && (gitindex.IsRegular(prev.Mode) || prev.Mode == gitindex.ModeSymlink) {
		c.Before = prev.ID
	}
	d.out = append(d.out, c)
}

// headEntries reads a HEAD tree by name (nil for the zero id).
func (d *differ) headEntries(id ObjectID, prefix string) (map[string]githistory.TreeEntry, error) {
	if id.IsZero() {
		return nil, nil
	}
	es, err := d.objs.ReadTree(id)
	if err != nil {
		return nil, fmt.Errorf("reading HEAD's tree of %q: %w", "/"+prefix, err)
	}
	m := make(map[string]githistory.TreeEntry, len(es))
	for _, e := range es {
		m[e.Name] = e
	}
	return m, nil
}

// diffTrees compares two tree objects: a sparse index keeps whole folders
// outside the sparse checkout as one entry naming a tree.
func (d *differ) diffTrees(prefix string, tree, head ObjectID, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("folders nested deeper than %d at %q", maxDepth, prefix)
	}
	es, err := d.objs.ReadTree(tree)
	if err != nil {
		return fmt.Errorf("reading the staged tree of %q: %w", prefix, err)
	}
	old, err := d.headEntries(head, prefix)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.IsDir() {
			var h ObjectID
			if p, ok := old[e.Name]; ok && p.IsDir() {
				h = p.ID
			}
			if e.ID != h {
				if err := d.diffTrees(prefix+e.Name+"/", e.ID, h, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		d.file(prefix+e.Name, e.Mode, e.ID, old, e.Name)
	}
	return nil
}
