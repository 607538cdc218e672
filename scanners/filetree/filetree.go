// Package filetree scans a working tree or any folder: it walks the tree,
// reads files concurrently and emits one fragment per file. It skips .git,
// binary files, files over the size limit and excluded paths, and never
// follows a symbolic link.
package filetree

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/archive"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

// DefaultMaxFileSize is the size above which files are skipped.
const DefaultMaxFileSize = 10 << 20

// Options configure a tree scan.
type Options struct {
	// MaxFileSize skips larger files (0 = DefaultMaxFileSize).
	MaxFileSize int64
	// Exclude lists doublestar globs (e.g. "**/testdata/**") matched against
	// slash paths relative to the root.
	Exclude []string
	// Workers reading files (0 = number of CPUs).
	Workers int
	// MaxFiles stops the walk after this many files with a limit note (0 = no limit).
	MaxFiles int64
	// Archives opens archives and compressed files to scan the files in
	// them (Archives.MaxDepth 0: not opened).
	Archives archive.Options
}

// Source scans one folder.
type Source struct {
	root string
	opts Options
	repo *scanners.Repo
}

// New returns a source for the folder at root. It fails when root is not a
// readable directory (or file).
func New(root string, opts Options) (*Source, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("cannot scan %s: %w", root, errors.Unwrap(err))
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	for _, g := range opts.Exclude {
		if !scanners.ValidGlob(g) {
			return nil, fmt.Errorf("invalid --exclude pattern %q", g)
		}
	}
	dir := root
	if !st.IsDir() {
		dir = filepath.Dir(root)
	}
	return &Source{root: root, opts: opts, repo: repoinfo.Describe(dir)}, nil
}

// Repo implements scanners.Source.
func (s *Source) Repo() *scanners.Repo { return s.repo }

type job struct {
	abs, rel string
	size     int64
}

// Scan implements scanners.Source.
func (s *Source) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	var (
		stats   scanners.Stats
		mu      sync.Mutex
		files   atomic.Int64
		nbytes  atomic.Int64
		skipped = map[scanners.NoteKind]int64{}
	)
	note := func(n scanners.Note) {
		n.Repo = s.repo.Name
		mu.Lock()
		skipped[n.Kind]++
		mu.Unlock()
		sink.Note(n)
	}
	jobs := make(chan job, 256)
	var wg sync.WaitGroup
	var sinkErr atomic.Value
	for i := 0; i < s.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if sinkErr.Load() != nil {
					continue
				}
				content, err := readFile(j.abs, s.opts.MaxFileSize)
				if err != nil {
					note(scanners.Note{Path: j.rel, Kind: scanners.NoteError, Detail: "cannot read file: " + cleanErr(err)})
					continue
				}
				if text, ok := scanners.Text(content); !ok {
					// Not scanned as text, but rules on paths alone (a
					// .p12 file) still see where it is.
					inner := func(path string, text []byte) {
						if sinkErr.Load() != nil {
							return
						}
						files.Add(1)
						nbytes.Add(int64(len(text)))
						if err := sink.Fragment(scanners.Fragment{Repo: s.repo, Content: text,
							Occurrences: []scanners.Occurrence{{Path: path, InHead: true}}}); err != nil {
							sinkErr.Store(err)
						}
					}
					if !archive.Walk(ctx, j.rel, content, s.opts.Archives, inner, func(p archive.Problem) { note(p.Note()) }) {
						note(scanners.Note{Path: j.rel, Kind: scanners.NoteSkippedBinary, Detail: "binary file"})
					}
					content = nil
				} else {
					content = text
					files.Add(1)
					nbytes.Add(int64(len(content)))
				}
				err = sink.Fragment(scanners.Fragment{
					Repo:        s.repo,
					Content:     content,
					Occurrences: []scanners.Occurrence{{Path: j.rel, InHead: true}},
				})
				if err != nil {
					sinkErr.Store(err)
				}
			}
		}()
	}

	walkErr := s.walk(ctx, jobs, note)
	close(jobs)
	wg.Wait()

	stats.Files, stats.Bytes = files.Load(), nbytes.Load()
	if len(skipped) > 0 {
		stats.Skipped = skipped
	}
	if err, ok := sinkErr.Load().(error); ok && err != nil {
		return stats, err
	}
	return stats, walkErr
}

func (s *Source) walk(ctx context.Context, jobs chan<- job, note func(scanners.Note)) error {
	st, err := os.Lstat(s.root)
	if err != nil {
		return fmt.Errorf("cannot scan %s: %w", s.root, err)
	}
	if !st.IsDir() {
		// A file named on the command line: a link to one is followed; a
		// FIFO, socket or device is refused (opening a FIFO blocks until
		// something writes to it, a device may never end).
		if st, err = os.Stat(s.root); err != nil {
			return fmt.Errorf("cannot scan %s: %w", s.root, err)
		}
		rel := filepath.ToSlash(filepath.Base(s.root))
		switch {
		case !st.Mode().IsRegular():
			return fmt.Errorf("cannot scan %s: not a regular file or folder (%s)", s.root, fileKind(st.Mode()))
		case st.Size() > s.opts.MaxFileSize:
			note(scanners.Note{Path: rel, Kind: scanners.NoteSkippedLarge,
				Detail: fmt.Sprintf("%d bytes, over the %d-byte limit (--max-file-size)", st.Size(), s.opts.MaxFileSize)})
			return nil
		}
		jobs <- job{abs: s.root, rel: rel, size: st.Size()}
		return nil
	}
	var count int64
	return filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		rel, relErr := filepath.Rel(s.root, p)
		if relErr != nil {
			rel = p
		}
		rel = filepath.ToSlash(rel)
		if err != nil {
			if p == s.root {
				return fmt.Errorf("cannot scan %s: %w", s.root, err)
			}
			note(scanners.Note{Path: rel, Kind: scanners.NoteError, Detail: "cannot read: " + cleanErr(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if rel == "." {
			return nil
		}
		if d.Name() == ".git" {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if scanners.Excluded(s.opts.Exclude, rel, d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			note(scanners.Note{Path: rel, Kind: scanners.NoteSkippedExclude, Detail: "excluded by pattern"})
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			note(scanners.Note{Path: rel, Kind: scanners.NoteSkippedLink, Detail: "symbolic link not followed"})
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			note(scanners.Note{Path: rel, Kind: scanners.NoteError, Detail: "cannot stat: " + cleanErr(err)})
			return nil
		}
		if info.Size() > s.opts.MaxFileSize {
			note(scanners.Note{Path: rel, Kind: scanners.NoteSkippedLarge,
				Detail: fmt.Sprintf("%d bytes, over the %d-byte limit (--max-file-size)", info.Size(), s.opts.MaxFileSize)})
			return nil
		}
		count++
		if s.opts.MaxFiles > 0 && count > s.opts.MaxFiles {
			note(scanners.Note{Kind: scanners.NoteLimit, Detail: fmt.Sprintf("stopped after %d files (limit)", s.opts.MaxFiles)})
			return fs.SkipAll
		}
		select {
		case jobs <- job{abs: p, rel: rel, size: info.Size()}:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
}

// fileKind names a mode that is neither a regular file nor a folder.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read at most limit+1 bytes: a file that grew since the walk is cut.
	return io.ReadAll(io.LimitReader(f, limit+1))
}

func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return strings.TrimSpace(err.Error())
}
