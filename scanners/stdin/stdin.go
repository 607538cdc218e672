// Package stdin scans content piped to sprawl ("sprawl scan -").
package stdin

import (
	"context"
	"fmt"
	"io"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/archive"
)

// Source reads one fragment from a reader.
type Source struct {
	r        io.Reader
	name     string
	limit    int64
	archives archive.Options
	repo     *scanners.Repo
}

// New returns a source reading r up to limit bytes; name is the path shown
// in reports (e.g. "stdin"). Piped archives are opened as archives says
// (MaxDepth 0: not opened), their files named "stdin!inner/path".
func New(r io.Reader, name string, limit int64, archives archive.Options) *Source {
	return &Source{r: r, name: name, limit: limit, archives: archives, repo: &scanners.Repo{Name: name, Root: "-"}}
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
	text, ok := scanners.Text(content)
	if !ok {
		// An archive piped in (cat app.jar | sprawl scan -): its files.
		var sinkErr error
		inner := func(path string, text []byte) {
			if sinkErr == nil {
				stats.Files++
				stats.Bytes += int64(len(text))
				sinkErr = sink.Fragment(scanners.Fragment{Repo: s.repo, Content: text,
					Occurrences: []scanners.Occurrence{{Path: path, InHead: true}}})
			}
		}
		if archive.Walk(ctx, s.name, content, s.archives, inner, func(p archive.Problem) { sink.Note(p.Note()) }) {
			return stats, sinkErr
		}
		text = content // binary input is scanned as given
	}
	stats.Files, stats.Bytes = 1, int64(len(text))
	return stats, sink.Fragment(scanners.Fragment{
		Repo: s.repo, Content: text,
		Occurrences: []scanners.Occurrence{{Path: s.name, InHead: true}},
	})
}
