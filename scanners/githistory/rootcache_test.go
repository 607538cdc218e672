package githistory_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// rootOf opens dir and returns RootCommit(HEAD) and HEAD.
func rootOf(t *testing.T, dir string) (root, head githistory.ObjectID) {
	t.Helper()
	d, r := openObjects(t, dir)
	head, _, err := githistory.ReadHead(d)
	if err != nil {
		t.Fatal(err)
	}
	return r.RootCommit(head), head
}

// cacheEntry returns the only cache file's content.
func cacheEntry(t *testing.T, cache string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(cache, "*"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestRootCache: the root is remembered per repository; a later walk
// stops at the remembered commit (an entry planted for HEAD's parent is
// believed — that is how the test sees the walk stop there), and an entry
// for a commit off HEAD's first-parent chain is ignored.
func TestRootCache(t *testing.T) {
	cache := t.TempDir()
	old := githistory.RootCacheDir
	githistory.RootCacheDir = cache
	t.Cleanup(func() { githistory.RootCacheDir = old })

	dir := readerRepo(t)
	want := objectID(t, gitCmd(t, dir, "rev-list", "--max-parents=0", "HEAD"))
	root, head := rootOf(t, dir)
	if root != want {
		t.Fatalf("root %s, want %s", root, want)
	}
	if got := cacheEntry(t, cache); got != head.String()+" "+want.String() {
		t.Fatalf("cache holds %q", got)
	}

	// Plant an entry: HEAD's commit maps to a made-up root.
	files, _ := filepath.Glob(filepath.Join(cache, "*"))
	planted := strings.Repeat("ab", 20)
	gitgen.WriteFile(t, filepath.Dir(files[0]), filepath.Base(files[0]), head.String()+" "+planted+"\n")
	gitgen.WriteFile(t, dir, "new.txt", "one more commit\n")
	gitCmd(t, dir, "add", "-A")
	gitCmd(t, dir, "commit", "-q", "-m", "next")
	root, newHead := rootOf(t, dir)
	if root.String() != planted {
		t.Errorf("the walk from the new HEAD did not stop at the remembered commit: root %s", root)
	}
	if got := cacheEntry(t, cache); got != newHead.String()+" "+planted {
		t.Errorf("cache after a step: %q", got)
	}

	// An entry for a commit that is not on the chain costs a full walk.
	gitgen.WriteFile(t, filepath.Dir(files[0]), filepath.Base(files[0]), strings.Repeat("cd", 20)+" "+planted+"\n")
	if root, _ := rootOf(t, dir); root != want {
		t.Errorf("stale entry: root %s, want %s", root, want)
	}

	// Off by default: no directory, no file.
	githistory.RootCacheDir = ""
	if root, _ := rootOf(t, dir); root != want {
		t.Errorf("without a cache: root %s, want %s", root, want)
	}
}

// TestRootCacheSkipsShallowClones: unshallowing moves a shallow clone's
// root, so nothing is remembered for one.
func TestRootCacheSkipsShallowClones(t *testing.T) {
	cache := t.TempDir()
	old := githistory.RootCacheDir
	githistory.RootCacheDir = cache
	t.Cleanup(func() { githistory.RootCacheDir = old })
	c := filepath.Join(t.TempDir(), "c")
	gitCmd(t, t.TempDir(), "clone", "-q", "--depth", "2", "file://"+readerRepo(t), c)
	if root, _ := rootOf(t, c); root.IsZero() {
		t.Fatal("no root")
	}
	if files, _ := filepath.Glob(filepath.Join(cache, "*")); len(files) != 0 {
		t.Errorf("a shallow clone's root was cached: %v", files)
	}
}
