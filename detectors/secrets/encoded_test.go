package secrets

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// TestEncodedValueIsOneSecret: a password kept base64-encoded (a
// Kubernetes Secret's data, a config value) is reported once by sprawl's
// catch-all rule, as the password it decodes to; gitleaks' rules keep
// reporting what gitleaks reports. A value that does not decode to text
// stays a finding of its own.
func TestEncodedValueIsOneSecret(t *testing.T) {
	d := testDetector(t)
	g := fake.New(77)
	password := g.String(alnum, 18) + "7!"
	encoded := base64.StdEncoding.EncodeToString([]byte(password))
	plain := g.String(alnum, 20) // valid base64, but decodes to binary: no decoded twin
	tests := []struct {
		path, content string
		line          int
		want          string // the one config-password secret on the line
	}{
		{"deploy/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: billing-db\ntype: Opaque\ndata:\n  password: " + encoded + "\n", 7, password},
		{"config/app.yaml", "database:\n  password: " + encoded + "\n", 2, password},
		{"config/other.yaml", "database:\n  password: " + plain + "\n", 2, plain},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			var got []string
			for _, f := range d.Detect(context.Background(), detectors.Input{Path: tc.path, Content: []byte(tc.content), Hasher: testHasher}) {
				if f.RuleID == RulePrefix+"config-password" && f.Location.StartLine == tc.line {
					got = append(got, f.Secret.Fingerprint)
				}
			}
			if len(got) != 1 || got[0] != testHasher.Fingerprint(tc.want) {
				t.Errorf("config-password findings on line %d: %d, want one: the value %s", tc.line, len(got),
					map[bool]string{true: "decoded", false: "as written"}[tc.want == password])
			}
		})
	}
}
