package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/sprawl-dev/sprawl/scanners/sweep"
)

// remoteTarget reports whether path names a repository to clone — a URL
// (https://, ssh://, git://) or user@host:path — rather than something on
// disk. A path that exists is always local.
func remoteTarget(path string) (sweep.Target, bool) {
	if path == "-" {
		return sweep.Target{}, false
	}
	if _, err := os.Stat(path); err == nil {
		return sweep.Target{}, false
	}
	t, err := sweep.NewTarget(path, "")
	if err != nil || t.Local {
		return sweep.Target{}, false
	}
	return t, true
}

// cloneForScan clones t's branches and tags (and its pull and merge
// request heads when requestRefs) into a new temporary folder
// (bare, with go-git: no hook, filter or program of the repository runs)
// and returns the clone's folder and what removes it. Credentials in the
// URL are used for the clone and kept out of every message.
func cloneForScan(ctx context.Context, t sweep.Target, requestRefs, quiet bool, stderr io.Writer) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "sprawl-clone-")
	if err != nil {
		return "", nil, fmt.Errorf("cannot clone %s: %w", t.URL, err)
	}
	cleanup := func() { os.RemoveAll(tmp) }
	if !quiet {
		fmt.Fprintf(stderr, "sprawl: cloning %s\n", t.URL)
	}
	cache := sweep.Cache{Dir: tmp, RequestRefs: requestRefs}
	dir, err := cache.Sync(ctx, t)
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("cannot clone %s: %s (check the URL and your access; for a private repository put a token in the URL: https://TOKEN@host/owner/repo)",
			t.URL, t.Redact(err.Error()))
	}
	return dir, cleanup, nil
}
