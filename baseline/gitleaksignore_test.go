package baseline

import (
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/scanners"
)

func TestGitleaksIgnore(t *testing.T) {
	const c1 = "0123456789abcdef0123456789abcdef01234567"
	const c2 = "fedcba9876543210fedcba9876543210fedcba98"
	src := "# accepted test keys\n" +
		"testdata/keys.env:aws-access-token:3\n" +
		c1 + ":deploy/ci.yml:github-pat:7\n" +
		`docs\guide.md:secret/generic-api-key:12` + "\n" +
		"\n" +
		"not-a-fingerprint\n" +
		"a:b:c:d:e\n" +
		"x.env:aws-access-token:zero\n"
	ig, err := ParseGitleaksIgnore(".gitleaksignore", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(ig.Rules) != 3 || len(ig.Warnings) != 3 || !strings.Contains(ig.Warnings[0], ".gitleaksignore:6:") {
		t.Fatalf("rules %d, warnings %q", len(ig.Rules), ig.Warnings)
	}
	at := func(rule, path string, line int, commit string) detectors.Finding {
		f := detectors.Finding{RuleID: rule, Location: detectors.Location{Path: path, StartLine: line}}
		if commit != "" {
			f.Location.Commit = &scanners.Commit{Hash: commit}
		}
		return f
	}
	related := at("secret/github-pat", "deploy/old.yml", 2, c2)
	related.Related = []detectors.Location{{Path: "deploy/ci.yml", StartLine: 7, Commit: &scanners.Commit{Hash: c1}}}
	firstSeen := at("secret/github-pat", "deploy/ci.yml", 7, "")
	firstSeen.History = &detectors.HistoryFacts{FirstSeen: &scanners.Commit{Hash: c1}}
	// sprawl puts a secret below its match's first line (curl -u on a
	// continuation line) on its own line; gitleaks names the first.
	below := at("secret/aws-access-token", "testdata/keys.env", 5, "")
	below.Secret = &detectors.SecretFacts{LeadLines: 2}
	notBelow := at("secret/aws-access-token", "testdata/keys.env", 5, "")
	notBelow.Secret = &detectors.SecretFacts{LeadLines: 1}
	tests := []struct {
		name string
		f    detectors.Finding
		want bool
	}{
		{"file entry naming the line the match starts on", below, true},
		{"file entry, match starting elsewhere", notBelow, false},
		{"file entry, sprawl's rule id", at("secret/aws-access-token", "testdata/keys.env", 3, ""), true},
		{"file entry matches in any commit", at("secret/aws-access-token", "testdata/keys.env", 3, c2), true},
		{"other line", at("secret/aws-access-token", "testdata/keys.env", 4, ""), false},
		{"other rule", at("secret/generic-api-key", "testdata/keys.env", 3, ""), false},
		{"commit entry", at("secret/github-pat", "deploy/ci.yml", 7, c1), true},
		{"commit entry, other commit", at("secret/github-pat", "deploy/ci.yml", 7, c2), false},
		{"commit entry, no commit", at("secret/github-pat", "deploy/ci.yml", 7, ""), false},
		{"commit entry on a related place", related, true},
		{"commit entry where the secret was first seen", firstSeen, true},
		{"backslashes are slashes, full rule id", at("secret/generic-api-key", "docs/guide.md", 12, ""), true},
	}
	for _, tt := range tests {
		if _, got := ig.Match(tt.f); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestGitleaksIgnoreAcceptsTheSecretInItsFile: an entry silences every
// finding of its secret in its file (sprawl may report it under more rules
// or from more lines than gitleaks), and nothing elsewhere.
func TestGitleaksIgnoreAcceptsTheSecretInItsFile(t *testing.T) {
	ig, err := ParseGitleaksIgnore(".gitleaksignore", strings.NewReader("src/main.go:grafana-service-account-token:94\n"))
	if err != nil {
		t.Fatal(err)
	}
	fp, other := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	at := func(rule, path string, line int, fp string) detectors.Finding {
		return detectors.Finding{RuleID: rule, Location: detectors.Location{Path: path, StartLine: line},
			Secret: &detectors.SecretFacts{Fingerprint: fp}}
	}
	kept, _, ignored := Filter([]detectors.Finding{
		at("secret/grafana-service-account-token", "src/main.go", 94, fp),
		at("secret/generic-api-key", "src/main.go", 93, fp),  // the same secret, its key a line above
		at("secret/generic-api-key", "src/other.go", 93, fp), // the same secret elsewhere
		at("secret/generic-api-key", "src/main.go", 12, other),
	}, nil, ig)
	if ignored != 2 || len(kept) != 2 || kept[0].Location.Path != "src/other.go" || kept[1].Secret.Fingerprint != other {
		t.Errorf("ignored %d, kept %+v", ignored, kept)
	}
}
