// Package staged scans what is about to be committed: the blobs in the git
// index that differ from HEAD (added, modified, renamed or copied files,
// partially staged files included as staged). It finds them by hashing the
// index as trees and descending into HEAD only where hashes differ, so a
// commit touching a few files in a huge repository reads a few objects.
package staged

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/filetree"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

// Options configure a staged scan.
type Options struct {
	// MaxFileSize skips larger blobs (0 = filetree.DefaultMaxFileSize).
	MaxFileSize int64
	// Exclude holds doublestar globs of paths to skip.
	Exclude []string
}

// Change is one staged path and its blob ids (Before is zero for new files).
type Change struct {
	Path          string
	Before, After plumbing.Hash
}

// Source scans the staged changes of one repository.
type Source struct {
	repo    *git.Repository
	info    *scanners.Repo
	opts    Options
	changes []Change
}

// New opens the repository containing dir and computes its staged changes.
func New(dir string, opts Options) (*Source, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("%s is not inside a git repository (--staged needs one): %w", dir, err)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = filetree.DefaultMaxFileSize
	}
	info := &scanners.Repo{Root: dir}
	if wt, err := r.Worktree(); err == nil {
		info.Root = wt.Filesystem.Root()
		info.Name = path.Base(filepathToSlash(info.Root))
	}
	repoinfo.Fill(info, r)
	changes, err := Changes(r)
	if err != nil {
		return nil, fmt.Errorf("reading the index of %s: %w", info.Root, err)
	}
	return &Source{repo: r, info: info, opts: opts, changes: changes}, nil
}

// Repo implements scanners.Source.
func (s *Source) Repo() *scanners.Repo { return s.info }

// Changes returns the staged changes.
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
		content, note := readBlob(s.repo, h, s.opts.MaxFileSize)
		if note != "" {
			if !before {
				sink.Note(scanners.Note{Repo: s.info.Name, Path: c.Path, Kind: noteKind(note), Detail: note})
			}
			continue
		}
		stats.Files++
		stats.Bytes += int64(len(content))
		err := sink.Fragment(scanners.Fragment{Repo: s.info, BlobID: h.String(), Content: content,
			Occurrences: []scanners.Occurrence{{Path: c.Path, InHead: !before}}})
		if err != nil {
			return stats, err
		}
	}
	return stats, nil
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

func readBlob(r *git.Repository, h plumbing.Hash, limit int64) ([]byte, string) {
	b, err := r.BlobObject(h)
	if err != nil {
		return nil, "cannot read blob " + h.String() + ": " + err.Error()
	}
	if b.Size > limit {
		return nil, fmt.Sprintf("larger than %d bytes (--max-file-size)", limit)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, "cannot read blob " + h.String() + ": " + err.Error()
	}
	defer rd.Close()
	content, err := io.ReadAll(io.LimitReader(rd, limit+1))
	if err != nil {
		return nil, "cannot read blob " + h.String() + ": " + err.Error()
	}
	if filetree.IsBinary(content) {
		return nil, "binary content"
	}
	return content, ""
}

// Changes compares the index of r with HEAD's tree. Directories whose
// index-computed tree id equals HEAD's are skipped without reading them.
func Changes(r *git.Repository) ([]Change, error) {
	idx, err := r.Storer.Index()
	if err != nil {
		return nil, err
	}
	root := &dir{files: map[string]file{}, dirs: map[string]*dir{}}
	for _, e := range idx.Entries {
		if e.Stage != 0 || e.IntentToAdd { // go-git's index.Merged is 1, but merged entries have stage 0
			continue
		}
		root.add(strings.Split(e.Name, "/"), file{mode: e.Mode, hash: e.Hash})
	}
	root.hashTree()
	var headTree *object.Tree
	if head, err := r.Head(); err == nil {
		c, err := r.CommitObject(head.Hash())
		if err != nil {
			return nil, fmt.Errorf("reading HEAD commit: %w", err)
		}
		if headTree, err = c.Tree(); err != nil {
			return nil, fmt.Errorf("reading HEAD tree: %w", err)
		}
	} else if !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, err
	}
	var out []Change
	err = compare(r, root, headTree, "", &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

type file struct {
	mode filemode.FileMode
	hash plumbing.Hash
}

type dir struct {
	files map[string]file
	dirs  map[string]*dir
	hash  plumbing.Hash
}

func (d *dir) add(parts []string, f file) {
	if len(parts) == 1 {
		d.files[parts[0]] = f
		return
	}
	sub, ok := d.dirs[parts[0]]
	if !ok {
		sub = &dir{files: map[string]file{}, dirs: map[string]*dir{}}
		d.dirs[parts[0]] = sub
	}
	sub.add(parts[1:], f)
}

// hashTree computes the git tree id this directory would have.
func (d *dir) hashTree() plumbing.Hash {
	type ent struct {
		sortKey, name, mode string
		hash                plumbing.Hash
	}
	var ents []ent
	for name, f := range d.files {
		ents = append(ents, ent{name, name, strings.TrimLeft(f.mode.String(), "0"), f.hash})
	}
	for name, sub := range d.dirs {
		ents = append(ents, ent{name + "/", name, "40000", sub.hashTree()})
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].sortKey < ents[j].sortKey })
	var body []byte
	for _, e := range ents {
		body = append(body, e.mode...)
		body = append(body, ' ')
		body = append(body, e.name...)
		body = append(body, 0)
		body = append(body, e.hash[:]...)
	}
	h := sha1.New()
	fmt.Fprintf(h, "tree %d\x00", len(body))
	h.Write(body)
	copy(d.hash[:], h.Sum(nil))
	return d.hash
}

func compare(r *git.Repository, d *dir, head *object.Tree, prefix string, out *[]Change) error {
	if head != nil && head.Hash == d.hash {
		return nil
	}
	old := map[string]object.TreeEntry{}
	if head != nil {
		for _, e := range head.Entries {
			old[e.Name] = e
		}
	}
	for name, f := range d.files {
		if f.mode != filemode.Regular && f.mode != filemode.Executable && f.mode != filemode.Deprecated {
			continue // symlinks and submodules carry no content to scan
		}
		prev, ok := old[name]
		if ok && prev.Hash == f.hash {
			continue
		}
		c := Change{Path: prefix + name, After: f.hash}
		if ok && prev.Mode.IsFile() {
			c.Before = prev.Hash
		}
		*out = append(*out, c)
	}
	for name, sub := range d.dirs {
		var subHead *object.Tree
		if e, ok := old[name]; ok && e.Mode == filemode.Dir {
			t, err := r.TreeObject(e.Hash)
			if err != nil {
				return fmt.Errorf("reading tree %s/: %w", prefix+name, err)
			}
			subHead = t
		}
		if err := compare(r, sub, subHead, prefix+name+"/", out); err != nil {
			return err
		}
	}
	return nil
}

func filepathToSlash(p string) string { return strings.ReplaceAll(p, "\\", "/") }
