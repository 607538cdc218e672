package secrets

import (
	"context"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

// TestPercentInValueIsNoEscape: a WordPress salt holding "%41" is one
// secret, not also its "percent-decoded" self; a URL's password written
// percent-encoded is reported once, as written, by sprawl's rule.
func TestPercentInValueIsNoEscape(t *testing.T) {
	d := testDetector(t)
	tests := []struct {
		path, content, rule string
	}{
		{"wp-config.php", "<?php\ndefine( 'AUTH_KEY', 'ab%41cd%3Dxy!@#Qw8Er5Ty2Ui9Op3As6Df1Gh4Jk7Lz0XcVb' );\n", "wordpress-secret-key"},
		{".env", "DATABASE_URL=postgres://billing:Tr0ub4dor%26Horse9@db.internal:5432/billing\n", "connection-url-password"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			n := 0
			for _, f := range d.Detect(context.Background(), detectors.Input{Path: tc.path, Content: []byte(tc.content), Hasher: testHasher}) {
				if f.RuleID == RulePrefix+tc.rule {
					n++
					if decoded(&f) {
						t.Errorf("%s reported in percent-decoded text", tc.rule)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d %s findings, want 1", n, tc.rule)
			}
		})
	}
}
