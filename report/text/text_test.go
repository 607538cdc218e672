package text

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/scanners"
)

func TestHostileNamesAreQuoted(t *testing.T) {
	r := &correlator.Report{Result: &engine.Result{}, Findings: []detectors.Finding{{
		RuleID: "secret/x", Message: "found",
		Location: detectors.Location{Path: "evil\x1b[2J\nname\xff.env", StartLine: 1, StartColumn: 1},
	}}}
	var buf bytes.Buffer
	if err := Write(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\nname") {
		t.Errorf("control characters reached the terminal: %q", out)
	}
	if !strings.Contains(out, `"evil\x1b[2J\nname\xff.env"`) {
		t.Errorf("quoted name missing: %q", out)
	}
}

// TestNotesCountWhatWasDropped: "… and N more" counts the notes listed
// past MaxNotes and those the engine counted without keeping; a note with
// no path names its repository.
func TestNotesCountWhatWasDropped(t *testing.T) {
	var notes []scanners.Note
	for range 12 {
		notes = append(notes, scanners.Note{Repo: "svc", Path: "a.txt", Kind: scanners.NoteError, Detail: "unreadable"})
	}
	notes = append(notes, scanners.Note{Repo: "svc", Kind: scanners.NoteError, Detail: "whole-repository problem"})
	tests := []struct {
		name    string
		notes   []scanners.Note
		dropped map[string]int64
		want    []string
	}{
		{"listed past the limit", notes[:12], nil, []string{"… and 2 more"}},
		{"and dropped", notes[:12], map[string]int64{"error": 500}, []string{"… and 502 more"}},
		{"dropped, none past the limit", notes[:3], map[string]int64{"error": 7}, []string{"… and 7 more"}},
		{"repository-wide note", notes[12:], nil, []string{"error svc: whole-repository problem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &correlator.Report{Result: &engine.Result{Notes: tt.notes, Dropped: tt.dropped}}
			var buf bytes.Buffer
			if err := Write(&buf, r, Options{}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, buf.String())
				}
			}
		})
	}
}

// TestPreCommitReport: a commit hook's report says what blocked the commit
// and how to go on, leaves identity verdicts to full scans, and counts in
// the singular when there is one of a thing.
func TestPreCommitReport(t *testing.T) {
	r := &correlator.Report{
		Result: &engine.Result{Repos: []engine.RepoResult{{Stats: scanners.Stats{Files: 1, Bytes: 44}}}},
		Findings: []detectors.Finding{{
			RuleID: "secret/stripe-access-token", Message: "Stripe key (sk_l…)",
			Location: detectors.Location{Path: ".env", StartLine: 1, StartColumn: 12},
			Secret:   &detectors.SecretFacts{Fingerprint: "f1", Preview: "sk_l…"},
		}},
		Identities: []correlator.Identity{{Key: "stripe-secret-key:f1", Kind: "stripe-secret-key", Recommendation: "rotation"}},
	}
	for _, tt := range []struct {
		preCommit  bool
		want, omit []string
	}{
		{true, []string{"1 finding (1 secret), 1 distinct secret; 1 file, 44 B", "Commit blocked:", "sprawl:allow", "git commit --no-verify"}, []string{"Identities", "1 findings"}},
		{false, []string{"Identities", "1 finding (1 secret)"}, []string{"Commit blocked:"}},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, r, Options{PreCommit: tt.preCommit}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("pre-commit %v: output lacks %q:\n%s", tt.preCommit, w, out)
			}
		}
		for _, o := range tt.omit {
			if strings.Contains(out, o) {
				t.Errorf("pre-commit %v: output has %q:\n%s", tt.preCommit, o, out)
			}
		}
	}
}
