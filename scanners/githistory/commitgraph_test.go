package githistory

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return strings.TrimSpace(gitgen.Git(t, dir, "", nil, args...))
}

// graphHistory has two roots: the first-parent line's, and one merged in
// from an unrelated history (so "any root" would be wrong).
func graphHistory(t *testing.T, format string) string {
	t.Helper()
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main", "--object-format="+format)
	commit := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		runGit(t, dir, "add", name)
		runGit(t, dir, "commit", "-q", "-m", name)
	}
	for i := range 5 {
		commit(fmt.Sprintf("main%d", i))
	}
	runGit(t, dir, "checkout", "-q", "--orphan", "other")
	runGit(t, dir, "rm", "-q", "-r", "--cached", ".")
	commit("other0")
	runGit(t, dir, "checkout", "-q", "-f", "main")
	runGit(t, dir, "merge", "-q", "--allow-unrelated-histories", "-m", "merge other", "other")
	runGit(t, dir, "checkout", "-q", "-b", "side")
	commit("side0")
	runGit(t, dir, "checkout", "-q", "main")
	commit("main5")
	runGit(t, dir, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	return dir
}

func rootOf(t *testing.T, dir string) (got, want string, usedGraph bool) {
	t.Helper()
	d, err := FindGitDirs(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := OpenObjects(d)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head, _, err := ReadHead(d)
	if err != nil {
		t.Fatal(err)
	}
	if g := openCommitGraph(r.st.dir, r.st.hashLen); g != nil {
		_, usedGraph = g.lookup(oid(head))
		g.close()
	}
	// git without its graph reads commit objects: the ground truth.
	return r.RootCommit(head).String(), runGit(t, dir, "-c", "core.commitGraph=false", "rev-list", "--first-parent", "--max-parents=0", "HEAD"), usedGraph
}

func TestRootCommitThroughCommitGraph(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(t *testing.T, dir string, hashLen int)
		usesGraph bool
	}{
		{"no graph", func(t *testing.T, dir string, hashLen int) {}, false},
		{"one graph file", func(t *testing.T, dir string, hashLen int) {
			runGit(t, dir, "commit-graph", "write", "--reachable")
		}, true},
		{"graph older than HEAD", func(t *testing.T, dir string, hashLen int) {
			runGit(t, dir, "commit-graph", "write", "--reachable")
			runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "after the graph")
		}, false},
		{"split graph chain", func(t *testing.T, dir string, hashLen int) {
			runGit(t, dir, "commit-graph", "write", "--reachable", "--split=no-merge")
			runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "second layer")
			runGit(t, dir, "commit-graph", "write", "--reachable", "--split=no-merge")
			if b, _ := os.ReadFile(filepath.Join(dir, ".git", "objects", "info", "commit-graphs", "commit-graph-chain")); strings.Count(string(b), "\n") < 2 {
				t.Fatalf("chain of one layer: %q", b)
			}
		}, true},
		{"truncated graph", func(t *testing.T, dir string, hashLen int) {
			runGit(t, dir, "commit-graph", "write", "--reachable")
			p := filepath.Join(dir, ".git", "objects", "info", "commit-graph")
			b, _ := os.ReadFile(p)
			os.Remove(p)
			if err := os.WriteFile(p, b[:len(b)/2], 0o644); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"graph whose parents loop", func(t *testing.T, dir string, hashLen int) {
			runGit(t, dir, "commit-graph", "write", "--reachable")
			p := filepath.Join(dir, ".git", "objects", "info", "commit-graph")
			b, _ := os.ReadFile(p)
			os.Remove(p)
			l, err := openGraphLayer(writeTemp(t, b), 0, hashLen)
			if err != nil {
				t.Fatal(err)
			}
			// Every commit becomes its own first parent.
			off := len(b) - hashLen - len(l.cdat) - trailingChunks(t, b, hashLen)
			for i := range l.n {
				binary.BigEndian.PutUint32(b[off+i*(hashLen+16)+hashLen:], uint32(i))
			}
			l.close()
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, format := range []string{"sha1", "sha256"} {
		for _, tc := range tests {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				dir := graphHistory(t, format)
				tc.setup(t, dir, hashLen(format))
				got, want, used := rootOf(t, dir)
				if got != want {
					t.Errorf("root %s, want %s", got, want)
				}
				if used != tc.usesGraph {
					t.Errorf("graph used = %v, want %v", used, tc.usesGraph)
				}
			})
		}
	}
}

// trailingChunks returns how many bytes of chunks follow CDAT.
func trailingChunks(t *testing.T, b []byte, hashLen int) int {
	t.Helper()
	chunks := int(b[6])
	var cdatEnd uint64
	for i := range chunks {
		e := b[8+i*12:]
		if string(e[:4]) == "CDAT" {
			cdatEnd = binary.BigEndian.Uint64(e[16:24])
		}
	}
	return len(b) - hashLen - int(cdatEnd)
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "graph")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestShallowCloneIgnoresCommitGraph: a graph whose parents go past the
// shallow boundary must not make the root the true one: every mode must
// agree on the oldest commit present.
func TestShallowCloneIgnoresCommitGraph(t *testing.T) {
	dir := graphHistory(t, "sha1")
	runGit(t, dir, "commit-graph", "write", "--reachable")
	c := filepath.Join(t.TempDir(), "c")
	runGit(t, t.TempDir(), "clone", "-q", "--depth", "2", "file://"+dir, c)
	g, _ := os.ReadFile(filepath.Join(dir, ".git", "objects", "info", "commit-graph"))
	if err := os.WriteFile(filepath.Join(c, ".git", "objects", "info", "commit-graph"), g, 0o644); err != nil {
		t.Fatal(err)
	}
	d, _ := FindGitDirs(c)
	r, err := OpenObjects(d)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head, _, _ := ReadHead(d)
	want := runGit(t, c, "rev-parse", "HEAD~1")
	if got := r.RootCommit(head).String(); got != want {
		t.Errorf("shallow root %s, want %s", got, want)
	}
}

// FuzzCommitGraph: a hostile graph never panics the reader.
func FuzzCommitGraph(f *testing.F) {
	dir := f.TempDir()
	f.Add([]byte("CGPH\x01\x01\x00\x00"))
	if _, err := exec.LookPath("git"); err == nil {
		for _, args := range [][]string{{"init", "-q"}, {"commit", "-q", "--allow-empty", "-m", "a"},
			{"commit", "-q", "--allow-empty", "-m", "b"}, {"commit-graph", "write", "--reachable"}} {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
				"GIT_AUTHOR_NAME=dev", "GIT_AUTHOR_EMAIL=dev@example.test", "GIT_COMMITTER_NAME=dev", "GIT_COMMITTER_EMAIL=dev@example.test")
			if out, err := cmd.CombinedOutput(); err != nil {
				f.Fatalf("git %v: %v %s", args, err, out)
			}
		}
		if b, err := os.ReadFile(filepath.Join(dir, ".git", "objects", "info", "commit-graph")); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l := &graphLayer{data: b}
		if l.parse() != nil {
			return
		}
		g := &commitGraph{layers: []*graphLayer{l}, total: l.n}
		for pos := range min(l.n, 50) {
			_, _ = g.rootAlongFirstParents(pos)
			g.lookup(g.id(pos))
		}
	})
}

// TestDescribeFindsTheSameRoot: repoinfo.Describe takes the root commit
// (the fingerprint key) from this package's reader when it can, from a
// folder inside the work tree too, and agrees with go-git's walk.
func TestDescribeFindsTheSameRoot(t *testing.T) {
	dir := graphHistory(t, "sha1")
	want := runGit(t, dir, "rev-list", "--first-parent", "--max-parents=0", "HEAD")
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, folder := range []string{dir, sub} {
		if got := repoinfo.Describe(folder).RootCommit; got != want {
			t.Errorf("Describe(%s).RootCommit = %s, want %s", folder, got, want)
		}
	}
	find := repoinfo.FindRoot
	repoinfo.FindRoot = nil // go-git's walk
	defer func() { repoinfo.FindRoot = find }()
	if got := repoinfo.Describe(dir).RootCommit; got != want {
		t.Errorf("go-git walk: %s, want %s", got, want)
	}
}
