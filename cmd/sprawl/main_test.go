package main

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestMain lets tests run this test binary as the sprawl command, as a real
// separate process (SPRAWL_TEST_MAIN=1): shard tests start several at once
// and kill one. SPRAWL_TEST_HANG_AFTER=N makes a sweep stop answering after
// recording N repositories, so a test can kill it mid-sweep.
func TestMain(m *testing.M) {
	if os.Getenv("SPRAWL_TEST_MAIN") == "1" {
		if n, _ := strconv.Atoi(os.Getenv("SPRAWL_TEST_HANG_AFTER")); n > 0 {
			sweepAfterRepo = func(done int) {
				if done >= n {
					fmt.Fprintf(os.Stderr, "%s %d\n", hangMarker, done)
					time.Sleep(time.Hour)
				}
			}
		}
		main()
		return
	}
	// The binaries the tests run remember root commits (rootcache.go):
	// keep that out of the user's cache directory.
	if os.Getenv("SPRAWL_CACHE_DIR") == "" {
		dir, err := os.MkdirTemp("", "sprawl-test-cache-")
		if err == nil {
			os.Setenv("SPRAWL_CACHE_DIR", dir)
			code := m.Run()
			os.RemoveAll(dir)
			os.Exit(code)
		}
	}
	os.Exit(m.Run())
}

const hangMarker = "sprawl-test: hanging after repositories:"
