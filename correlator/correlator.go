// Package correlator turns detector findings into what a person acts on:
// it links copies of one secret across files, history and repositories,
// derives lifecycle facts (duplicated, long-lived, alive only in history),
// groups everything by the non-human identity behind it and decides the
// control that fits each identity.
package correlator

import (
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
)

// Options tune the correlation.
type Options struct {
	// Now is the time ages are measured to (zero = time.Now()).
	Now time.Time
	// MaxAge is the age past which a secret is long-lived (0 = 90 days).
	MaxAge time.Duration
}

// Report is the correlated result every report writer reads.
type Report struct {
	*engine.Result
	// Findings holds the detector findings plus the derived ones.
	Findings []detectors.Finding `json:"findings"`
	// Identities holds one entry per non-human identity.
	Identities []Identity `json:"identities"`
	// Now is when ages were measured.
	Now time.Time `json:"now"`
}

// Identity is one non-human identity and the verdict on its control.
type Identity struct {
	Key            string               `json:"key"`
	Kind           string               `json:"kind"`
	Workload       string               `json:"workload"`
	Recommendation string               `json:"recommendation"`
	CurrentControl string               `json:"currentControl"`
	Misfit         bool                 `json:"misfit"`
	Reasons        []string             `json:"reasons"`
	Occurrences    []detectors.Location `json:"occurrences"`
	Workloads      []string             `json:"workloads,omitempty"`
}

// Correlate derives lifecycle findings and identities from res.
func Correlate(res *engine.Result, opts Options) *Report {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 90 * 24 * time.Hour
	}
	r := &Report{Result: res, Now: opts.Now}
	r.Findings = append(r.Findings, res.Findings...)
	r.Findings = append(r.Findings, Duplicates(res.Findings)...)
	engine.SortFindings(r.Findings)
	return r
}
