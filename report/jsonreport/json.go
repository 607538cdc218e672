// Package jsonreport writes a correlated report as JSON: every finding with
// its facts (fingerprints and previews, never secret values), identities,
// repositories, statistics and notes.
package jsonreport

import (
	"encoding/json"
	"io"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Document is the JSON layout; other tools read it, so fields only grow.
type Document struct {
	Tool       string                `json:"tool"`
	Version    string                `json:"version"`
	Schema     int                   `json:"schemaVersion"`
	Started    time.Time             `json:"started"`
	DurationMS int64                 `json:"durationMs"`
	Repos      []engine.RepoResult   `json:"repos"`
	Findings   []detectors.Finding   `json:"findings"`
	Identities []correlator.Identity `json:"identities"`
	Notes      []scanners.Note       `json:"notes,omitempty"`
	Dropped    map[string]int64      `json:"droppedNotes,omitempty"`
}

// Write writes r as indented JSON.
func Write(w io.Writer, r *correlator.Report, version string) error {
	doc := Document{
		Tool: "sprawl", Version: version, Schema: 1,
		Started: r.Started, DurationMS: r.Duration.Milliseconds(),
		Repos: r.Repos, Findings: r.Findings, Identities: r.Identities,
		Notes: r.Notes, Dropped: r.Dropped,
	}
	if doc.Findings == nil {
		doc.Findings = []detectors.Finding{}
	}
	if doc.Identities == nil {
		doc.Identities = []correlator.Identity{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
