package secrets

import (
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

func FuzzDescribeToken(f *testing.F) {
	for _, seed := range []string{
		"eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhIiwiZXhwIjoxfQ.sig",
		"eyJ.eyJ.x", "a.b.c", "", "sv=2021-01-01&se=2030-01-01T00:00:00Z&sig=abc",
		"https://x.blob.core.windows.net/c?sv=1&st=bad&se=&sig=%zz",
		"eyJhbGciOiJub25lIn0.eyJleHAiOiJub3QtYS1udW1iZXIiLCJpYXQiOjFlMzAwfQ.",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		facts := &detectors.SecretFacts{}
		describeToken(facts, "jwt", s)
		if facts.ExpiresAt != nil && facts.ExpiresAt.Year() > 5000 {
			t.Fatalf("absurd expiry %v", facts.ExpiresAt)
		}
		_ = identityKey("connection-url-password", s, s, facts)
		_ = isPlaceholder(s)
	})
}
