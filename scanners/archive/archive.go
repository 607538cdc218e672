// Package archive reads the files inside archives and compressed files
// (zip and the formats built on it — jar, war, apk, whl, nupkg, docx —,
// tar, gzip, bzip2, xz, zstd, 7z, rar and their combinations) so that the
// sources can scan them as they scan files.
//
// Archives are untrusted: everything is read in memory (nothing is written
// to disk, so entry names cannot escape anywhere), entries are read up to
// a size, an archive gives up after a total and a count of entries (zip
// bombs), and archives inside archives are opened only to a depth.
package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/mholt/archives"

	"github.com/sprawl-dev/sprawl/scanners"
)

// Options bound what is read.
type Options struct {
	// MaxDepth is how many levels of archives are opened: 1 reads the
	// files of an archive, 2 also those of archives inside it. 0 reads
	// nothing.
	MaxDepth int
	// MaxFileSize skips entries larger than this (0: 10 MiB).
	MaxFileSize int64
	// MaxTotal stops reading an archive (all levels) after this many
	// bytes (0: 256 MiB).
	MaxTotal int64
	// MaxEntries stops reading an archive (all levels) after this many
	// entries (0: 100,000).
	MaxEntries int
}

// Defaults of Options' zero fields.
const (
	defaultMaxFileSize = 10 << 20
	defaultMaxTotal    = 256 << 20
	defaultMaxEntries  = 100_000
)

// Problem is something Walk skipped or could not read, by path.
type Problem struct {
	Path   string
	Detail string
	// Large is set when the entry was skipped for its size, Limit when a
	// bound of Options (depth, entries, total) stopped the reading.
	Large, Limit bool
}

// Note returns p as a scanner note: skipped for its size, or an error.
func (p Problem) Note() scanners.Note {
	kind := scanners.NoteError
	switch {
	case p.Large:
		kind = scanners.NoteSkippedLarge
	case p.Limit:
		kind = scanners.NoteLimit
	}
	return scanners.Note{Path: p.Path, Kind: kind, Detail: p.Detail}
}

// errStop ends a walk that reached a limit.
var errStop = errors.New("archive: limit reached")

// Walk reads content, named name, as an archive or compressed file and
// calls text for every text file inside it (and, up to MaxDepth, inside
// the archives it holds), named name!inner[!inner2], as scanners.Text
// gives it: binary files that are no archives are passed over. It returns
// false when content is not an archive (text is then never called).
// Problems go to problem; a damaged archive still gives the files read
// before the damage.
func Walk(ctx context.Context, name string, content []byte, opts Options, text func(path string, text []byte), problem func(Problem)) bool {
	if opts.MaxDepth <= 0 {
		return false
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = defaultMaxFileSize
	}
	if opts.MaxTotal <= 0 {
		opts.MaxTotal = defaultMaxTotal
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = defaultMaxEntries
	}
	w := &walker{opts: opts, text: text, problem: problem}
	format, ok := identify(ctx, name, content)
	if !ok {
		return false
	}
	// The format readers are third-party code reading hostile bytes: one
	// that panics costs this archive, not the scan.
	defer func() {
		if recover() != nil {
			// The panic value is not shown: it could quote the content.
			problem(Problem{Path: name, Detail: "the archive reader failed on this archive: the rest not read"})
		}
	}()
	if err := w.open(ctx, name, content, format, 1); err != nil && !errors.Is(err, errStop) && ctx.Err() == nil {
		problem(Problem{Path: name, Detail: "archive partly read: " + err.Error()})
	}
	return true
}

type walker struct {
	opts    Options
	text    func(string, []byte)
	problem func(Problem)
	total   int64
	entries int
}

// identify returns content's format when it is an archive or a
// compressed file.
func identify(ctx context.Context, name string, content []byte) (archives.Format, bool) {
	// Formats are matched by content and by name, and a name matches when
	// it holds the extension anywhere: the name inside the archive alone,
	// or "app.zip!notes.txt" would be a zip.
	if i := strings.LastIndex(name, scanners.ArchiveSep); i >= 0 {
		name = name[i+len(scanners.ArchiveSep):]
	}
	format, _, err := archives.Identify(ctx, name, bytes.NewReader(content))
	if err != nil || format == nil {
		return nil, false
	}
	switch format.(type) {
	case archives.Extractor, archives.Decompressor:
		return format, true
	}
	return nil, false
}

// open reads one archive or compressed file at depth (1: the outermost).
func (w *walker) open(ctx context.Context, name string, content []byte, format archives.Format, depth int) error {
	if ca, ok := format.(archives.CompressedArchive); ok && ca.Compression != nil && ca.Extraction != nil {
		// A compressed archive (.tar.gz, .zip.zst): decompressed whole,
		// since some archive formats (zip, 7z) need to seek, then read as
		// the archive it holds, at the same depth and under the same name.
		r, err := ca.Compression.OpenReader(bytes.NewReader(content))
		if err != nil {
			return err
		}
		data, err := w.read(r, name)
		r.Close()
		if err != nil || data == nil {
			return err
		}
		return w.open(ctx, name, data, ca.Extraction, depth)
	}
	if ex, ok := format.(archives.Extractor); ok {
		return ex.Extract(ctx, bytes.NewReader(content), func(ctx context.Context, f archives.FileInfo) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !f.Mode().IsRegular() {
				return nil // folders, links, devices
			}
			w.entries++
			if w.entries > w.opts.MaxEntries {
				w.problem(Problem{Path: name, Detail: fmt.Sprintf("more than %d entries: the rest not read", w.opts.MaxEntries), Limit: true})
				return errStop
			}
			inner := name + scanners.ArchiveSep + strings.TrimPrefix(path.Clean("/"+f.NameInArchive), "/")
			if f.Size() > w.opts.MaxFileSize {
				w.problem(Problem{Path: inner, Detail: fmt.Sprintf("%d bytes, over the size limit", f.Size()), Large: true})
				return nil
			}
			r, err := f.Open()
			if err != nil {
				w.problem(Problem{Path: inner, Detail: "cannot read: " + err.Error()})
				return nil
			}
			data, err := w.read(r, inner)
			r.Close()
			if err != nil {
				return err
			}
			if data != nil {
				w.found(ctx, inner, data, depth)
			}
			return nil
		})
	}
	dec := format.(archives.Decompressor)
	r, err := dec.OpenReader(bytes.NewReader(content))
	if err != nil {
		return err
	}
	defer r.Close()
	inner := name + scanners.ArchiveSep + strings.TrimSuffix(path.Base(name), path.Ext(name))
	data, err := w.read(r, inner)
	if err != nil || data == nil {
		return err
	}
	w.found(ctx, inner, data, depth)
	return nil
}

// read reads an entry within the size limits; nil data means skipped.
func (w *walker) read(r io.Reader, inner string) ([]byte, error) {
	limit := min(w.opts.MaxFileSize, w.opts.MaxTotal-w.total)
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	w.total += int64(len(data))
	switch {
	case int64(len(data)) > w.opts.MaxFileSize:
		w.problem(Problem{Path: inner, Detail: "over the size limit when decompressed", Large: true})
		return nil, nil
	case int64(len(data)) > limit:
		w.problem(Problem{Path: inner, Detail: fmt.Sprintf("the archive decompresses to more than %d bytes: the rest not read", w.opts.MaxTotal), Limit: true})
		return nil, errStop
	case err != nil:
		w.problem(Problem{Path: inner, Detail: "cannot read: " + err.Error()})
		return nil, nil
	}
	return data, nil
}

// found hands a file on, or opens it when it is an archive itself.
func (w *walker) found(ctx context.Context, inner string, data []byte, depth int) {
	if format, ok := identify(ctx, inner, data); ok {
		if depth >= w.opts.MaxDepth {
			w.problem(Problem{Path: inner, Detail: fmt.Sprintf("archive nested deeper than %d: not opened (--max-archive-depth)", w.opts.MaxDepth), Limit: true})
			return
		}
		if err := w.open(ctx, inner, data, format, depth+1); err != nil && !errors.Is(err, errStop) && ctx.Err() == nil {
			w.problem(Problem{Path: inner, Detail: "archive partly read: " + err.Error()})
		}
		return
	}
	if text, ok := scanners.Text(data); ok {
		w.text(inner, text)
	}
}
