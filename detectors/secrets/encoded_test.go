package secrets

import (
	"context"
	"encoding/base64"
	"slices"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// TestEncodedValueIsOneSecret: a password kept base64-encoded (a
// Kubernetes Secret's data, a config value) is reported once by sprawl's
// catch-all rule, as the password it decodes to; gitleaks' rules keep
// reporting what gitleaks reports. A value that does not decode to text
// stays a finding of its own, and so does another value on the line.
func TestEncodedValueIsOneSecret(t *testing.T) {
	d := testDetector(t)
	g := fake.New(77)
	password := g.String(alnum, 18) + "7!"
	encoded := base64.StdEncoding.EncodeToString([]byte(password))
	plain := g.String(alnum, 20) // valid base64, but decodes to binary: no decoded twin
	other := g.String(alnum, 16) + "9#"
	tests := []struct {
		path, content string
		line          int
		want          []string // the config-password secrets on the line
	}{
		{"deploy/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: billing-db\ntype: Opaque\ndata:\n  password: " + encoded + "\n",
			7, []string{password}},
		{"config/app.yaml", "database:\n  password: " + encoded + "\n", 2, []string{password}},
		{"config/other.yaml", "database:\n  password: " + plain + "\n", 2, []string{plain}},
		{"config/min.json", `{"db": {"password": "` + encoded + `", "admin_password": "` + other + `"}}` + "\n", 1, []string{password, other}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			var want []string
			for _, v := range tc.want {
				want = append(want, testHasher.Fingerprint(v))
			}
			slices.Sort(want)
			for run := range 2 { // the second scan reads its windows from the cache
				var got []string
				for _, f := range d.Detect(context.Background(), detectors.Input{Path: tc.path, Content: []byte(tc.content), Hasher: testHasher}) {
					if _, ok := f.Properties[decodesTo]; ok {
						t.Errorf("%s keeps the transient %s property", f.RuleID, decodesTo)
					}
					if f.RuleID == RulePrefix+"config-password" && f.Location.StartLine == tc.line {
						got = append(got, f.Secret.Fingerprint)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("scan %d: %d config-password findings on line %d, want %d (the decoded value, not its encoding)", run+1, len(got), tc.line, len(want))
				}
			}
		})
	}
}
