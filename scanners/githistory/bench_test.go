package githistory_test

import (
	"context"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// countSink counts what it receives; it keeps no content.
type countSink struct {
	frags, bytes, occs atomic.Int64
	mu                 sync.Mutex
	notes              map[scanners.NoteKind]int
}

func (c *countSink) Fragment(f scanners.Fragment) error {
	c.frags.Add(1)
	c.bytes.Add(int64(len(f.Content)))
	c.occs.Add(int64(len(f.Occurrences)))
	return nil
}

func (c *countSink) Note(n scanners.Note) {
	c.mu.Lock()
	if c.notes == nil {
		c.notes = map[scanners.NoteKind]int{}
	}
	c.notes[n.Kind]++
	c.mu.Unlock()
}

// TestScanRealRepo times a full history read of the repository named by
// SPRAWL_BENCH_REPO (e.g. a mirror of etcd-io/etcd). Skipped otherwise.
func TestScanRealRepo(t *testing.T) {
	path := os.Getenv("SPRAWL_BENCH_REPO")
	if path == "" {
		t.Skip("set SPRAWL_BENCH_REPO to a repository path")
	}
	start := time.Now()
	src, err := githistory.New(path, githistory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Since(start)
	sink := &countSink{}
	stats, err := src.Scan(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("open %v, total %v: commits=%d blobs=%d bytes=%d files=%d skipped=%v shallow=%d notes=%v heapSys=%dMiB totalAlloc=%dMiB",
		opened, time.Since(start), stats.Commits, stats.Blobs, stats.Bytes, stats.Files, stats.Skipped,
		stats.ShallowDepth, sink.notes, ms.HeapSys>>20, ms.TotalAlloc>>20)
	t.Logf("repo: %+v", *src.Repo())
}
