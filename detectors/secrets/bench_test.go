package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// BenchmarkDetect measures one 64 KiB source-like file with two secrets.
func BenchmarkDetect(b *testing.B) {
	d, err := New(Options{MaxDecodeDepth: 5})
	if err != nil {
		b.Fatal(err)
	}
	g := fake.New(1)
	var sb strings.Builder
	for sb.Len() < 64<<10 {
		sb.WriteString("func handle(w http.ResponseWriter, r *http.Request) { log.Printf(\"request %s\", r.URL.Path) }\n")
	}
	sb.WriteString("const token = \"" + g.GitHubPAT() + "\"\nDATABASE_URL=postgres://app:" + g.Password(16) + "@db/app\n")
	in := detectors.Input{Path: "main.go", Content: []byte(sb.String()), Hasher: detectors.NewHasher([]byte("k"), []byte("l"))}
	b.SetBytes(int64(len(in.Content)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(d.Detect(context.Background(), in)) == 0 {
			b.Fatal("no findings")
		}
	}
}

// BenchmarkMightDecode measures the encoded-run check on lines of Go, what
// it mostly sees: new lines of history are classified with it.
func BenchmarkMightDecode(b *testing.B) {
	lines := []string{
		"func (s *Source) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {",
		"\tif err := w.diffAll(order, s.workers()); err != nil {",
		"\t\treturn walkResult{stats: stats, err: err}",
		"// Package secrets finds hard-coded secrets with gitleaks' default rules and",
		`	"github.com/zricethezav/gitleaks/v8/detect"`,
	}
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, l := range lines {
			if mightDecode(l) {
				b.Fatal("plain Go decodes?")
			}
		}
	}
}
