package sweep

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/scanners"
)

// testRepo is a generated non-bare repository.
type testRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	n    int
}

func newTestRepo(t *testing.T, dir string, files map[string]string) *testRepo {
	t.Helper()
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	tr := &testRepo{t: t, dir: dir, repo: r}
	tr.commit(files, nil)
	return tr
}

// commit writes files, deletes paths and commits; it returns the hash.
func (tr *testRepo) commit(files map[string]string, del []string) plumbing.Hash {
	tr.t.Helper()
	wt, err := tr.repo.Worktree()
	if err != nil {
		tr.t.Fatal(err)
	}
	for p, c := range files {
		full := filepath.Join(tr.dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			tr.t.Fatal(err)
		}
		if _, err := wt.Add(p); err != nil {
			tr.t.Fatal(err)
		}
	}
	for _, p := range del {
		if _, err := wt.Remove(p); err != nil {
			tr.t.Fatal(err)
		}
	}
	tr.n++
	when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(tr.n) * time.Hour)
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: when}
	h, err := wt.Commit("change", &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		tr.t.Fatal(err)
	}
	// git http-backend serves what is on disk; make sure refs are files.
	return h
}

// gitServer serves repositories under root over smart HTTP with git
// http-backend on loopback. Paths under /private/ need the token as the
// password; /flaky/ answers 503 to the first flakyFailures requests.
type gitServer struct {
	*httptest.Server
	root          string
	token         string
	flakyFailures atomic.Int32
	requests      atomic.Int32
	mu            sync.Mutex
	authSeen      []string
}

func newGitServer(t *testing.T, root, token string) *gitServer {
	t.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git binary needed for git http-backend")
	}
	gs := &gitServer{root: root, token: token}
	backend := &cgi.Handler{Path: gitBin, Args: []string{"http-backend"}, Dir: root,
		Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "HOME=" + root, "GIT_CONFIG_NOSYSTEM=1"}, Stderr: io.Discard}
	gs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gs.requests.Add(1)
		if strings.HasPrefix(r.URL.Path, "/private/") {
			_, pass, ok := r.BasicAuth()
			if !ok || pass != gs.token {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "auth", http.StatusUnauthorized)
				return
			}
		}
		if strings.HasPrefix(r.URL.Path, "/flaky/") && gs.flakyFailures.Load() > 0 {
			gs.flakyFailures.Add(-1)
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(gs.Close)
	return gs
}

// secretDetector finds lines "SECRET=value" and fingerprints the value.
type secretDetector struct{}

var secretLine = regexp.MustCompile(`(?m)^SECRET=(\S+)`)

func (secretDetector) Name() string            { return "test-secret" }
func (secretDetector) PathClass(string) string { return "any" }
func (secretDetector) Detect(_ context.Context, in detectors.Input) []detectors.Finding {
	var out []detectors.Finding
	for _, m := range secretLine.FindAllSubmatchIndex(in.Content, -1) {
		line := strings.Count(string(in.Content[:m[0]]), "\n") + 1
		facts := in.Hasher.Facts(string(in.Content[m[2]:m[3]]))
		facts.Kind = "generic-secret"
		out = append(out, detectors.Finding{RuleID: "secret/test-secret", Message: "a test secret",
			Location: detectors.Location{Path: in.Path, StartLine: line, StartColumn: 1, EndLine: line, EndColumn: 10},
			Secret:   facts})
	}
	return out
}

// fakeHistory is a minimal history source over a bare clone: every commit
// not reachable from since, each changed file emitted with the commit that
// introduced it and whether HEAD still has it.
type fakeHistory struct {
	dir, since string
	repo       *scanners.Repo
}

var sourcesOpened sync.Map // dir -> number of scans

func fakeSource(_ context.Context, dir, since string) (scanners.Source, error) {
	if _, err := git.PlainOpen(dir); err != nil {
		return nil, err
	}
	n, _ := sourcesOpened.LoadOrStore(dir, new(atomic.Int32))
	n.(*atomic.Int32).Add(1)
	return &fakeHistory{dir: dir, since: since, repo: &scanners.Repo{Name: filepath.Base(dir), Root: dir}}, nil
}

func (f *fakeHistory) Repo() *scanners.Repo { return f.repo }
func (f *fakeHistory) IsHistory() bool      { return true }

func (f *fakeHistory) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	var st scanners.Stats
	r, err := git.PlainOpen(f.dir)
	if err != nil {
		return st, err
	}
	excluded := map[plumbing.Hash]bool{}
	if f.since != "" {
		c, err := r.CommitObject(plumbing.NewHash(f.since))
		if err != nil {
			return st, err
		}
		object.NewCommitPreorderIter(c, nil, nil).ForEach(func(c *object.Commit) error {
			excluded[c.Hash] = true
			return nil
		})
	}
	head, err := r.Head()
	if err != nil {
		return st, err
	}
	headCommit, err := r.CommitObject(head.Hash())
	if err != nil {
		return st, err
	}
	headTree, err := headCommit.Tree()
	if err != nil {
		return st, err
	}
	refs, _ := r.References()
	seen := map[plumbing.Hash]bool{}
	var tips []*object.Commit
	refs.ForEach(func(ref *plumbing.Reference) error {
		if ref.Name().IsBranch() {
			if c, err := r.CommitObject(ref.Hash()); err == nil {
				tips = append(tips, c)
			}
		}
		return nil
	})
	for _, tip := range tips {
		err := object.NewCommitPreorderIter(tip, excluded, nil).ForEach(func(c *object.Commit) error {
			if seen[c.Hash] || excluded[c.Hash] {
				return nil
			}
			seen[c.Hash] = true
			st.Commits++
			tree, err := c.Tree()
			if err != nil {
				return err
			}
			var parentTree *object.Tree
			if p, err := c.Parent(0); err == nil {
				parentTree, _ = p.Tree()
			}
			changes, err := object.DiffTreeWithOptions(ctx, parentTree, tree, nil)
			if err != nil {
				return err
			}
			for _, ch := range changes {
				if ch.To.Name == "" {
					continue
				}
				blob, err := r.BlobObject(ch.To.TreeEntry.Hash)
				if err != nil {
					return err
				}
				rd, _ := blob.Reader()
				content, _ := io.ReadAll(rd)
				rd.Close()
				inHead := false
				if e, err := headTree.FindEntry(ch.To.Name); err == nil && e.Hash == blob.Hash {
					inHead = true
				}
				commit := &scanners.Commit{Hash: c.Hash.String(), Time: c.Committer.When}
				st.Files++
				if err := sink.Fragment(scanners.Fragment{Repo: f.repo, BlobID: blob.Hash.String(), Content: content,
					Occurrences: []scanners.Occurrence{{Path: ch.To.Name, Commit: commit, LastSeen: commit, InHead: inHead}}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, storer.ErrStop) {
			return st, err
		}
	}
	return st, nil
}

// instantClock records sleeps instead of waiting.
type instantClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *instantClock) clock() Clock {
	return Clock{
		Now: func() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.sleeps = append(c.sleeps, d)
			c.now = c.now.Add(d)
			return ctx.Err()
		},
	}
}
