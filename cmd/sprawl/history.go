package main

import (
	"fmt"

	"github.com/sprawl-dev/sprawl/scanners"
)

// newHistorySource returns the git history scanner for path.
func newHistorySource(path string, f *scanFlags, exclude []string) (scanners.Source, error) {
	return nil, fmt.Errorf("--history is not available yet for %s", path)
}
