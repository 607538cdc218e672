// Package browsertest starts the headless browser of package browser for a
// test, and keeps the test's artifacts (screenshots) where a person can
// open them.
package browsertest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/internal/browser"
)

// EnvRequire, when set to 1, turns a missing browser into a failure
// instead of a skip (for CI machines that are meant to have one).
const EnvRequire = "SPRAWL_REQUIRE_CHROMIUM"

// EnvArtifacts names the folder where tests save screenshots.
const EnvArtifacts = "SPRAWL_TEST_ARTIFACTS"

// Start launches a browser for t and closes it when t ends. Without a
// browser the test is skipped (or fails when $SPRAWL_REQUIRE_CHROMIUM=1).
func Start(t testing.TB, width, height int) *browser.Browser {
	t.Helper()
	path, err := browser.Find()
	if err != nil {
		if errors.Is(err, browser.ErrNotFound) && os.Getenv(EnvRequire) != "1" {
			t.Skipf("browser test skipped: %v", err)
		}
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	b, err := browser.Start(ctx, browser.Options{ExecPath: path, UserDataDir: t.TempDir(), Width: width, Height: height})
	if err != nil {
		cancel()
		if os.Getenv(EnvRequire) != "1" {
			// Installed but unable to start here (a container without
			// what Chromium needs): like a missing browser, a skip that
			// says so, unless this machine is meant to run it.
			t.Skipf("browser test skipped: %s is installed but would not start (set %s=1 to make this a failure): %v", path, EnvRequire, err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.Close()
		cancel()
	})
	return b
}

// Open loads url in a new tab of b, closed when t ends.
func Open(t testing.TB, b *browser.Browser, url string) *browser.Page {
	t.Helper()
	p, err := b.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// WriteFile writes a page into a temporary folder and returns its file URL.
func WriteFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + filepath.ToSlash(path)
}

// ArtifactDir returns the folder for the test's artifacts:
// $SPRAWL_TEST_ARTIFACTS when set, else sprawl-test-artifacts in the
// system's temporary folder. It outlives the test on purpose.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "sprawl-test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Problems fails t with every problem the page recorded, and logs its
// warnings.
func Problems(t testing.TB, p *browser.Page, when string) {
	t.Helper()
	probs, err := p.Problems()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Warnings() {
		t.Logf("%s: warning: %s", when, w)
	}
	for _, pr := range probs {
		t.Errorf("%s: %s", when, pr)
	}
}
