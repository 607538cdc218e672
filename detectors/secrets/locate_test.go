package secrets

import (
	"testing"

	glreport "github.com/zricethezav/gitleaks/v8/report"
)

// TestLocate: a finding covers its secret, on the secret's own line when
// the match starts lines above it, and gitleaks' line numbers (the match's
// first line, counted from a newline it trimmed) are corrected.
func TestLocate(t *testing.T) {
	const raw = "set -eu\n" + // 1
		"curl \\\n" + // 2
		"  -X POST \\\n" + // 3
		"  -u \"ops:Pw-0042-x\" \\\n" + // 4
		"  https://example.internal\n" + // 5
		"token = \"abcd1234efgh\"\n" // 6
	tests := []struct {
		name string
		f    glreport.Finding
		// want: line, first and last column (exclusive)
		line, col, end int
	}{
		{"secret on the match's line",
			glreport.Finding{StartLine: 5, Match: `token = "abcd1234efgh"`, Secret: "abcd1234efgh"}, 6, 10, 22},
		{"secret lines below the match's start",
			glreport.Finding{StartLine: 1, Match: "curl \\\n  -X POST \\\n  -u \"ops:Pw-0042-x\"", Secret: "ops:Pw-0042-x"}, 4, 7, 20},
		{"match gitleaks counted from the newline before it",
			glreport.Finding{StartLine: 4, Match: `token = "abcd1234efgh"`, Secret: "abcd1234efgh"}, 6, 10, 22},
		// Found in decoded text: the whole line, though the decoded
		// match's first line ("o") happens to be in it.
		{"decoded, whole line",
			glreport.Finding{StartLine: 3, Match: "o\n\n='abcd1234efgh'", Secret: "abcd1234efgh", Tags: []string{"decoded:percent"}}, 4, 1, 23},
	}
	lines := newLineIndex(raw)
	for _, tt := range tests {
		loc := locate(raw, lines, tt.f)
		if loc.StartLine != tt.line || loc.EndLine != tt.line || loc.StartColumn != tt.col || loc.EndColumn != tt.end {
			t.Errorf("%s: got line %d-%d columns %d-%d, want line %d columns %d-%d",
				tt.name, loc.StartLine, loc.EndLine, loc.StartColumn, loc.EndColumn, tt.line, tt.col, tt.end)
		}
	}
}
