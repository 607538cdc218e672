package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

// FuzzDetect: arbitrary content never panics the detector, every region is
// valid and inside the content, and windowing never reports a finding twice.
func FuzzDetect(f *testing.F) {
	for _, seed := range []string{
		"password: hunter2hunter2\n", "ghp_R8kZ2mQ7vX1pL4tN9wC3yB6hJ0sD5fG2aE7u", "-----BEGIN RSA PRIVATE KEY-----\nabc\n",
		"postgres://u:" + strings.Repeat("p", 30) + "@h/db", strings.Repeat("key=", 5000), "\xff\xfe\x00token:", "eyJhbGciOiJub25lIn0.eyJleHAiOjF9.x",
	} {
		f.Add(seed)
	}
	d, err := New(Options{MaxDecodeDepth: 5})
	if err != nil {
		f.Fatal(err)
	}
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	f.Fuzz(func(t *testing.T, content string) {
		lines := strings.Count(content, "\n") + 1
		seen := map[string]bool{}
		for _, fd := range d.Detect(context.Background(), detectors.Input{Path: "x.env", Content: []byte(content), Hasher: h}) {
			l := fd.Location
			if l.StartLine < 1 || l.EndLine > lines || l.StartColumn < 1 || l.EndLine < l.StartLine || (l.EndLine == l.StartLine && l.EndColumn <= l.StartColumn) {
				t.Fatalf("bad region %+v (%d lines) for %s", l, lines, fd.RuleID)
			}
			k := fd.RuleID + fd.Secret.Fingerprint + string(rune(l.StartLine)) + string(rune(l.StartColumn))
			if seen[k] {
				t.Fatalf("%s reported twice at %d:%d", fd.RuleID, l.StartLine, l.StartColumn)
			}
			seen[k] = true
		}
	})
}
