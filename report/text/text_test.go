package text

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
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
