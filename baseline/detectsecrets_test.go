package baseline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

func TestDetectSecretsBaseline(t *testing.T) {
	const a, b, c = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222", "3333333333333333333333333333333333333333"
	for _, tt := range []struct {
		name, doc string
		want      []string // path:sha1 of the accepted entries, in order
		warnings  int
		err       bool
	}{
		{"current format", `{"version":"1.5.0","results":{"config/app.yml":[
			{"type":"Secret Keyword","filename":"config/app.yml","hashed_secret":"` + a + `","is_verified":false,"line_number":3},
			{"type":"Hex High Entropy String","filename":"config/app.yml","hashed_secret":"` + strings.ToUpper(b) + `","line_number":9,"is_secret":false}]}}`,
			[]string{"config/app.yml:" + a, "config/app.yml:" + b}, 0, false},
		{"audited real secrets stay reported", `{"results":{"x.py":[{"hashed_secret":"` + a + `","filename":"x.py","line_number":1,"is_secret":true},
			{"hashed_secret":"` + c + `","filename":"x.py","line_number":2}]}}`,
			[]string{"x.py:" + c}, 0, false},
		{"before 1.0: no filename in the entries", `{"exclude":{"files":null},"results":{"src\\main.py":[{"hashed_secret":"` + a + `","line_number":4,"type":"Base64 High Entropy String"}]}}`,
			[]string{"src/main.py:" + a}, 0, false},
		{"not a digest", `{"results":{"x.py":[{"hashed_secret":"deadbeef","filename":"x.py","line_number":7}]}}`, nil, 1, false},
		{"empty", `{"results":{}}`, nil, 0, false},
		{"not JSON", `results: []`, nil, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ig, err := ParseDetectSecretsBaseline(".secrets.baseline", strings.NewReader(tt.doc))
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error: %v", err, tt.err)
			}
			var got []string
			for _, r := range ig.Rules {
				got = append(got, r.Listed.Path+":"+r.Listed.SHA1)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || len(ig.Warnings) != tt.warnings {
				t.Errorf("entries %v, warnings %q; want %v and %d warnings", got, ig.Warnings, tt.want, tt.warnings)
			}
			if len(tt.want) > 0 && len(ig.ListedSHA1()) == 0 {
				t.Error("no digests for the hasher")
			}
		})
	}
}

// TestDetectSecretsBaselineAcceptsTheSecretInItsFile: an entry accepts
// every finding of its secret in its file, under any rule, and nothing in
// other files or of other secrets.
func TestDetectSecretsBaselineAcceptsTheSecretInItsFile(t *testing.T) {
	const listed = "4444444444444444444444444444444444444444"
	ig := Ignore{Rules: []Rule{{Listed: &Listed{Path: "app/.env", SHA1: listed}}}}
	find := func(rule, path, digest, fp string) detectors.Finding {
		return detectors.Finding{RuleID: rule, Location: detectors.Location{Path: path, StartLine: 2},
			Secret: &detectors.SecretFacts{Fingerprint: fp, Listed: digest}}
	}
	fs := []detectors.Finding{
		find("secret/generic-api-key", "app/.env", listed, "f1"),
		find("secret/config-secret", "app/.env", "", "f1"), // same secret, digest not computed for this writing
		find("secret/generic-api-key", "other/.env", listed, "f1"),
		find("secret/generic-api-key", "app/.env", "", "f2"),
		{RuleID: "config/ci-literal-secret", Location: detectors.Location{Path: "app/.env"}},
	}
	kept, _, ignored := Filter(fs, nil, ig)
	if ignored != 2 || len(kept) != 3 || kept[0].Location.Path != "other/.env" || kept[1].Secret.Fingerprint != "f2" {
		t.Errorf("ignored %d, kept %+v", ignored, kept)
	}
}
