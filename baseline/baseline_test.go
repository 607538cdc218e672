package baseline

import (
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
)

func finding(rule, path, fp string) detectors.Finding {
	f := detectors.Finding{RuleID: rule, Location: detectors.Location{Path: path, StartLine: 3}}
	if fp != "" {
		f.Secret = &detectors.SecretFacts{Fingerprint: fp, Preview: "ghp_…"}
	}
	return f
}

func TestIgnoreMatching(t *testing.T) {
	fp := strings.Repeat("ab", 32)
	a := finding("secret/github-pat", "src/a.go", fp)
	b := finding("secret/generic-api-key", "docs/guide.md", strings.Repeat("cd", 32))
	c := finding("config/gha-static-aws-keys", ".github/workflows/ci.yml", "")
	src := "# comment\n" +
		a.Key() + ":1  # key form from SARIF\n" +
		fp + " # fingerprint\n" +
		"secret/generic-api-key:docs/** # docs examples\n" +
		"vendor/**\n"
	ig, err := ParseIgnore(".sprawlignore", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(ig.Rules) != 4 || len(ig.Warnings) != 1 || !strings.Contains(ig.Warnings[0], ":5:") {
		t.Fatalf("rules %d warnings %v", len(ig.Rules), ig.Warnings)
	}
	tests := []struct {
		f    detectors.Finding
		want bool
	}{
		{a, true},
		{finding("secret/github-pat", "elsewhere.txt", fp), true}, // same secret, other path
		{b, true},
		{finding("secret/other", "docs/guide.md", strings.Repeat("ef", 32)), false}, // glob is for one rule
		{c, false},
		{finding("config/x", "vendor/lib/a.yml", ""), true},
	}
	for _, tt := range tests {
		if _, got := ig.Match(tt.f); got != tt.want {
			t.Errorf("Match(%s %s) = %v, want %v", tt.f.RuleID, tt.f.Location.Path, got, tt.want)
		}
	}
}

func TestParseIgnoreRejectsBadGlob(t *testing.T) {
	if _, err := ParseIgnore("x", strings.NewReader("src/[a-\n")); err == nil {
		t.Error("bad glob accepted")
	}
}

func TestBaselineRoundTripAndFilter(t *testing.T) {
	fs := []detectors.Finding{finding("secret/a", "x", strings.Repeat("11", 32)), finding("secret/a", "x", strings.Repeat("11", 32)), finding("config/b", "y", "")}
	b := New(fs, time.Unix(0, 0))
	if len(b.Findings) != 2 {
		t.Fatalf("baseline has %d entries, want 2 (deduplicated)", len(b.Findings))
	}
	var sb strings.Builder
	if err := b.Write(&sb); err != nil {
		t.Fatal(err)
	}
	newOne := finding("secret/a", "z", strings.Repeat("22", 32))
	kept, baselined, ignored := Filter(append(fs, newOne), b.Keys(), Ignore{})
	if len(kept) != 1 || kept[0].Location.Path != "z" || baselined != 3 || ignored != 0 {
		t.Errorf("kept %v baselined %d ignored %d", kept, baselined, ignored)
	}
	// Moving a finding to another line, or renaming its file, keeps it
	// baselined: it is the same secret.
	moved := fs[0]
	moved.Location.StartLine = 99
	renamed := fs[0]
	renamed.Location.Path = "renamed/x"
	if kept, _, _ := Filter([]detectors.Finding{moved, renamed}, b.Keys(), Ignore{}); len(kept) != 0 {
		t.Errorf("a moved or renamed secret left the baseline: %v", kept)
	}
	// A config finding (no secret) in another file is new.
	cfg := fs[2]
	cfg.Location.Path = "other"
	if kept, _, _ := Filter([]detectors.Finding{cfg}, b.Keys(), Ignore{}); len(kept) != 1 {
		t.Error("a config finding in another file was baselined")
	}
}

func FuzzParseIgnore(f *testing.F) {
	f.Add("a/**\n# c\n" + strings.Repeat("a", 32) + "\n")
	f.Add("rule/x:src/*.go # r\n")
	f.Add("[\n")
	f.Fuzz(func(t *testing.T, s string) {
		ig, err := ParseIgnore("f", strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range ig.Rules {
			n := 0
			for _, v := range []string{r.Key, r.Fingerprint, r.Glob} {
				if v != "" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("rule %+v sets %d matchers", r, n)
			}
		}
		ig.Match(finding("secret/x", "a/b", strings.Repeat("0", 64)))
	})
}
