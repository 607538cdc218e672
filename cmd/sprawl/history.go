package main

import (
	"context"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// historySource is a git history source with the user's excludes applied.
type historySource struct {
	*githistory.Source
	exclude []string
}

// IsHistory tells the engine that findings carry history facts.
func (historySource) IsHistory() bool { return true }

// Scan implements scanners.Source.
func (h historySource) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	return h.Source.Scan(ctx, scanners.ExcludingSink(sink, h.exclude))
}

// newHistorySource returns the git history scanner for path; name, when
// set, labels the repository in reports.
func newHistorySource(path string, f *scanFlags, exclude []string, name string) (historySource, error) {
	src, err := githistory.New(path, githistory.Options{
		Name:        name,
		Since:       f.since,
		Range:       f.rangeSpec,
		Branches:    f.branches,
		AllRefs:     f.allRefs,
		Archives:    f.archives(),
		MaxBlobSize: f.maxFileSize,
	})
	if err != nil {
		return historySource{}, err
	}
	return historySource{Source: src, exclude: exclude}, nil
}
