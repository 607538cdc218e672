package tokencache

import (
	"context"
	"os"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

func benchDetect(b *testing.B, path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	d := New()
	in := detectors.Input{Path: "x.go", Content: src}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		d.Detect(context.Background(), in)
	}
}

// BenchmarkDetectRelevant measures a file importing oauth2/aws/azure.
func BenchmarkDetectRelevant(b *testing.B) { benchDetect(b, "heldtoken/testdata/src/a/positive.go") }

// BenchmarkDetectIrrelevant measures the early bail-out.
func BenchmarkDetectIrrelevant(b *testing.B) { benchDetect(b, "gofile.go") }
