// Package stdin scans content piped to sprawl ("sprawl scan -").
package stdin

import (
	"context"
	"fmt"
	"io"

	"github.com/sprawl-dev/sprawl/scanners"
)

// Source reads one fragment from a reader.
type Source struct {
	r     io.Reader
	name  string
	limit int64
	repo  *scanners.Repo
}

// New returns a source reading r up to limit bytes; name is the path shown
// in reports (e.g. "stdin").
func New(r io.Reader, name string, limit int64) *Source {
	return &Source{r: r, name: name, limit: limit, repo: &scanners.Repo{Name: name, Root: "-"}}
}

// Repo implements scanners.Source.
func (s *Source) Repo() *scanners.Repo { return s.repo }

// Scan implements scanners.Source.
func (s *Source) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	content, err := io.ReadAll(io.LimitReader(s.r, s.limit+1))
	if err != nil {
		return scanners.Stats{}, fmt.Errorf("reading standard input: %w", err)
	}
	stats := scanners.Stats{}
	if int64(len(content)) > s.limit {
		sink.Note(scanners.Note{Path: s.name, Kind: scanners.NoteLimit,
			Detail: fmt.Sprintf("standard input is over %d bytes (--max-file-size); only the first %d bytes were scanned", s.limit, s.limit)})
		content = content[:s.limit]
	}
	if text, ok := scanners.Text(content); ok {
		content = text // UTF-16 decoded; binary input is scanned as given
	}
	stats.Files, stats.Bytes = 1, int64(len(content))
	return stats, sink.Fragment(scanners.Fragment{
		Repo: s.repo, Content: content,
		Occurrences: []scanners.Occurrence{{Path: s.name, InHead: true}},
	})
}
