package tokencache

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
)

// TestManyStoresStayLinear guards against exponential tracing: generated
// code assigns the same variables from many places (seen in etcd history).
func TestManyStoresStayLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("package gen\n\nimport \"golang.org/x/oauth2\"\n\nvar cached *oauth2.Token\n\nfunc fill(src oauth2.TokenSource) {\n")
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&b, "\tvar v%d *oauth2.Token\n", i)
	}
	for round := 0; round < 40; round++ {
		for i := 1; i < 8; i++ {
			fmt.Fprintf(&b, "\tv%d = v%d\n\tv%d = v%d\n", i, i-1, i-1, i)
		}
	}
	b.WriteString("\tv0, _ = src.Token()\n\tcached = v7\n}\n\nfunc get() *oauth2.Token { return cached }\n")
	start := time.Now()
	New().Detect(context.Background(), detectors.Input{Path: "gen/gen.go", Content: []byte(b.String()),
		Hasher: detectors.NewHasher([]byte("k"), []byte("l"))})
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("Detect took %v on a file with many stores", el)
	}
}
