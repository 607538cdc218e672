package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

// TestSplitLineAllowlists: an allowlist whose regexes target the line is
// split into one allowlist a regex (splitLineAllowlists), and allows the
// same findings: its regexes are alternatives, and with condition AND
// every other criterion must still hold.
func TestSplitLineAllowlists(t *testing.T) {
	extra := NamedTOML{Name: "test.toml", TOML: `
[[rules]]
id = "test-line-allow"
regex = '''tok_[a-z0-9]{12}'''
keywords = ["tok_"]
[[rules.allowlists]]
condition = "AND"
regexTarget = "line"
paths = ['''\.txt$''']
regexes = ['''^#skip''', '''NOSCAN''']
`}
	d, err := New(Options{Extra: []NamedTOML{extra}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.cfg.Rules["test-line-allow"].Allowlists); n != 2 {
		t.Errorf("%d allowlists, want the two regexes apart", n)
	}
	hasher := detectors.NewHasher([]byte("k1"), []byte("k2"))
	tests := []struct {
		path, line string
		found      bool
	}{
		{"a.txt", "tok_abcdefgh1234", true},
		{"a.txt", "#skip tok_abcdefgh1234", false},
		{"a.txt", "x NOSCAN tok_abcdefgh1234", false},
		{"a.go", "#skip tok_abcdefgh1234", true}, // the path does not match: AND
		{"a.go", "x NOSCAN tok_abcdefgh1234", true},
	}
	for _, tt := range tests {
		fs := d.Detect(context.Background(), detectors.Input{Path: tt.path, Content: []byte(tt.line + "\n"), Hasher: hasher})
		found := false
		for _, f := range fs {
			found = found || strings.HasSuffix(f.RuleID, "test-line-allow")
		}
		if found != tt.found {
			t.Errorf("%s %q: found %v, want %v", tt.path, tt.line, found, tt.found)
		}
	}
}
