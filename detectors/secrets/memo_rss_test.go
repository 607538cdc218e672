//go:build linux

package secrets

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// residentBytes reads the process's resident set size.
func residentBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip(err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func minorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

var sink [][]byte

// TestLineMemoIsNotTouchedUpFront: the line memo's 64 MiB must cost
// nothing until lines arrive, even when the Go heap has freed memory it
// would otherwise reuse (and zero) for a large allocation. A pre-commit
// scan remembers a few hundred lines.
func TestLineMemoIsNotTouchedUpFront(t *testing.T) {
	// Leave the heap with plenty of freed, dirty memory.
	for range 8 {
		sink = append(sink, make([]byte, 16<<20))
		for _, b := range sink {
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
		}
	}
	sink = nil
	debug.FreeOSMemory() // the freed memory goes back to the system
	before, faults := residentBytes(t), minorFaults()
	m := newLineMemo(memoSlots)
	m.put(m.hash("a line"), memoHit)
	after, faulted := residentBytes(t), minorFaults()-faults
	if grew := after - before; grew > 8<<20 || faulted > 1000 {
		t.Errorf("a new line memo made %d MiB resident, %d page faults", grew>>20, faulted)
	}
	if f, ok := m.get(m.hash("a line")); !ok || f&memoHit == 0 {
		t.Error("memo lost a line")
	}
	runtime.KeepAlive(m)
}
