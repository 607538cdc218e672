package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
)

const sweepTestToken = "ghp_SWEEPTESTTOKEN0123456789abcdefghijkl"

// sweepRepo commits files (and deletions) on branch of the repository at
// dir, creating the repository and the branch as needed.
func sweepRepo(t *testing.T, dir, branch string, files map[string]string) {
	t.Helper()
	r, err := git.PlainOpen(dir)
	if err != nil {
		if r, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}}); err != nil {
			t.Fatal(err)
		}
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if head, err := r.Head(); err == nil && head.Name().Short() != branch {
		ref := plumbing.NewBranchReferenceName(branch)
		_, exists := r.Reference(ref, false)
		if err := wt.Checkout(&git.CheckoutOptions{Branch: ref, Create: exists != nil}); err != nil {
			t.Fatal(err)
		}
		defer wt.Checkout(&git.CheckoutOptions{Branch: plumbing.Main})
	}
	for p, c := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Now().Add(-time.Hour)}
	if _, err := wt.Commit("change "+branch, &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		t.Fatal(err)
	}
}

// serveGit serves root over smart HTTP (git http-backend) on loopback; every
// request needs the token as the Basic password.
func serveGit(t *testing.T, root string) *httptest.Server {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git binary needed for git http-backend")
	}
	backend := &cgi.Handler{Path: gitBin, Args: []string{"http-backend"}, Dir: root, Stderr: io.Discard,
		Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "HOME=" + root, "GIT_CONFIG_NOSYSTEM=1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pass, ok := r.BasicAuth(); !ok || pass != sweepTestToken {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "auth", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fakeGitHub answers the org listing with one repository served by git.
func fakeGitHub(t *testing.T, cloneURL string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+sweepTestToken || r.URL.Path != "/api/v3/orgs/acme/repos" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `[{"full_name":"acme/remote","clone_url":%q},{"full_name":"acme/old","clone_url":"http://127.0.0.1:1/old.git","archived":true}]`, cloneURL)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func runSweepCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runSweep(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestSweepCommand(t *testing.T) {
	g := fake.New(uint64(time.Now().UnixNano()))
	keyID, awsSecret, pat, stripe := g.AWSKeyID(), g.AWSSecret(), g.GitHubPAT(), g.StripeLive()
	secrets := []string{keyID, awsSecret, pat, stripe}
	awsEnv := "AWS_ACCESS_KEY_ID=" + keyID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + "\n"

	work := t.TempDir()
	sweepRepo(t, filepath.Join(work, "alpha"), "main", map[string]string{"deploy/aws.env": awsEnv, "README.md": "alpha\n"})
	sweepRepo(t, filepath.Join(work, "alpha"), "feature", map[string]string{"notes.txt": "feature work\n"})
	sweepRepo(t, filepath.Join(work, "beta"), "main", map[string]string{"ops/aws.env": awsEnv})
	served := t.TempDir()
	sweepRepo(t, filepath.Join(served, "remote"), "main", map[string]string{"app/config.go": "package app\n\nconst githubToken = \"" + pat + "\"\n"})
	gitSrv := serveGit(t, served)
	api := fakeGitHub(t, gitSrv.URL+"/remote/.git")
	t.Setenv("GITHUB_TOKEN", sweepTestToken)
	t.Setenv("SPRAWL_FINGERPRINT_KEY", "")

	list := filepath.Join(work, "repos.txt")
	os.WriteFile(list, []byte("# repositories\nalpha\nbeta   # same key as alpha\nmissing-repo\n"), 0o644)
	cache := filepath.Join(t.TempDir(), "cache")
	sarifDir := filepath.Join(t.TempDir(), "sarif")
	inventory := filepath.Join(t.TempDir(), "inventory.json")
	args := []string{"--repos", list, "--github-org", "acme", "--github-api-url", api.URL + "/", "--cache", cache,
		"--sarif-dir", sarifDir, "--inventory", inventory, "--workers", "2", "--retries", "-1"}

	code, stdout, stderr := runSweepCLI(t, args...)
	t.Logf("first sweep, exit %d:\n%s%s", code, stderr, stdout)
	if code != exitPartial || !strings.Contains(stdout, "partial: 1 of 4 repositories failed") || !strings.Contains(stdout, "missing-repo") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, name := range []string{"alpha", "beta", "acme_remote"} {
		raw, err := os.ReadFile(filepath.Join(sarifDir, name+".sarif"))
		if err != nil || !bytes.Contains(raw, []byte(`"ruleId"`)) {
			t.Fatalf("SARIF for %s: %v\n%s", name, err, raw)
		}
	}
	var inv struct {
		Duplicates []struct{ Repos []string } `json:"duplicates"`
		Identities []struct {
			Key   string   `json:"key"`
			Repos []string `json:"repos"`
		} `json:"identities"`
		Trends struct{ Open int } `json:"trends"`
	}
	raw, _ := os.ReadFile(inventory)
	if err := json.Unmarshal(raw, &inv); err != nil {
		t.Fatal(err)
	}
	if len(inv.Duplicates) == 0 || len(inv.Duplicates[0].Repos) != 2 {
		t.Fatalf("cross-repository duplicates: %s", raw)
	}
	if len(inv.Identities) == 0 || inv.Trends.Open == 0 {
		t.Fatalf("inventory: %s", raw)
	}

	alphaFirst := sarifResults(t, filepath.Join(sarifDir, "alpha.sarif"))

	// Second sweep: a new secret on main and a commit on feature in alpha;
	// only those two commits are scanned, beta and remote are up to date.
	sweepRepo(t, filepath.Join(work, "alpha"), "main", map[string]string{"billing.env": "STRIPE_KEY=" + stripe + "\n"})
	sweepRepo(t, filepath.Join(work, "alpha"), "feature", map[string]string{"notes.txt": "more work\n"})
	os.WriteFile(list, []byte("alpha\nbeta\n"), 0o644)
	code, stdout2, stderr2 := runSweepCLI(t, args...)
	if code != ExitFindings {
		t.Fatalf("second sweep exit %d\n%s\n%s", code, stdout2, stderr2)
	}
	if !regexp.MustCompile(`alpha: 2 commits \(new commits\)`).MatchString(stderr2) ||
		!strings.Contains(stderr2, "beta: up-to-date") || !strings.Contains(stderr2, "acme/remote: up-to-date") {
		t.Fatalf("second sweep progress:\n%s", stderr2)
	}

	// alpha's SARIF after the incremental sweep still holds every result of
	// the first (code scanning closes alerts an upload leaves out) plus the
	// new secret; beta's, written again though up to date, is unchanged.
	alphaSecond := sarifResults(t, filepath.Join(sarifDir, "alpha.sarif"))
	for fp, rule := range alphaFirst {
		if alphaSecond[fp] != rule {
			t.Errorf("alpha.sarif after the incremental sweep lost %s (%s)", rule, fp)
		}
	}
	if !hasRule(alphaSecond, "secret/stripe-access-token") || len(alphaSecond) <= len(alphaFirst) {
		t.Errorf("alpha.sarif after the incremental sweep: %v, want the first sweep's results and the Stripe key", alphaSecond)
	}

	// The stored inventory, without scanning.
	var rep bytes.Buffer
	if code := runReport(context.Background(), []string{"--db", filepath.Join(cache, "sprawl.db"), "--format", "text"}, &rep, io.Discard); code != 0 {
		t.Fatalf("report exit %d", code)
	}
	if !strings.Contains(rep.String(), "newest sweep (#2): 1 new") || !strings.Contains(rep.String(), "more than one repository") {
		t.Fatalf("report:\n%s", rep.String())
	}
	var repJSON bytes.Buffer
	if code := runReport(context.Background(), []string{"--db", filepath.Join(cache, "sprawl.db"), "--format", "json"}, &repJSON, io.Discard); code != 0 || !json.Valid(repJSON.Bytes()) {
		t.Fatalf("report json exit %d", code)
	}

	// Neither secrets nor the token anywhere: outputs, SARIF, inventory,
	// datastore and cache files.
	outputs := stdout + stderr + stdout2 + stderr2 + rep.String() + repJSON.String()
	check := func(where string, data []byte) {
		t.Helper()
		for _, s := range append(secrets, sweepTestToken, "SWEEPTESTTOKEN") {
			if bytes.Contains(data, []byte(s)) || (len(s) > 8 && bytes.Contains(data, []byte(s[4:]))) {
				t.Fatalf("%s contains a secret or the token (%.6s…)", where, s)
			}
		}
	}
	check("command output", []byte(outputs))
	for _, dir := range []string{sarifDir, filepath.Dir(inventory), filepath.Join(cache, "sprawl.db")} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				raw, _ := os.ReadFile(p)
				check(p, raw)
			}
			return nil
		})
	}
	for _, p := range []string{filepath.Join(cache, "sprawl.db"), filepath.Join(cache, "sprawl.db-wal")} {
		raw, _ := os.ReadFile(p)
		check(p, raw)
	}
	// Clone configs keep no credentials.
	cfgs, _ := filepath.Glob(filepath.Join(cache, "repos", "*", "config"))
	if len(cfgs) != 3 {
		t.Fatalf("clones %v", cfgs)
	}
	for _, c := range cfgs {
		raw, _ := os.ReadFile(c)
		check(c, raw)
	}
}

func TestSweepUsageErrors(t *testing.T) {
	if code, _, stderr := runSweepCLI(t); code != ExitError || !strings.Contains(stderr, "nothing to sweep") {
		t.Fatalf("no input: %d %s", code, stderr)
	}
	if code, _, stderr := runSweepCLI(t, "--repos", "x", "--shard", "5/4"); code != ExitError || !strings.Contains(stderr, "shard") {
		t.Fatalf("bad shard: %d %s", code, stderr)
	}
	if code, _, stderr := runSweepCLI(t, "--repos", "x", "--max-archive-depth", "-1"); code != ExitError || !strings.Contains(stderr, "--max-archive-depth") {
		t.Fatalf("negative archive depth: %d %s", code, stderr)
	}
	var errb bytes.Buffer
	if code := runReport(context.Background(), []string{"--db", filepath.Join(t.TempDir(), "none.db")}, io.Discard, &errb); code != ExitError {
		t.Fatalf("report on a missing datastore: %d", code)
	}
}

// sarifResults reads a SARIF file, validates it and returns its results'
// primaryLocationLineHash -> ruleId.
func sarifResults(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(raw); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, run := range doc.Runs {
		for _, r := range run.Results {
			out[r.PartialFingerprints["primaryLocationLineHash"]] = r.RuleID
		}
	}
	return out
}

func hasRule(results map[string]string, rule string) bool {
	for _, r := range results {
		if r == rule {
			return true
		}
	}
	return false
}

// TestSweepRepoSettings: with --repo-ignores, a repository's committed
// .gitleaks.toml adds its rules and regex allowlists to its own sweep
// (an internal key format is found, an allowlisted test token is not),
// while another repository keeps the sweep's detectors; without the flag
// neither applies. A .gitleaks.toml that cannot be built is reported and
// left out.
func TestSweepRepoSettings(t *testing.T) {
	g := fake.New(61)
	acme, testPAT, pat := "acme_"+g.String("abcdefghijklmnopqrstuvwxyz0123456789", 32), g.GitHubPAT(), g.GitHubPAT()
	config := "[extend]\nuseDefault = true\n[[rules]]\nid = \"acme-internal-key\"\ndescription = \"ACME internal key\"\n" +
		"regex = '''acme_[a-z0-9]{32}'''\nkeywords = [\"acme_\"]\n[[allowlists]]\nregexes = ['''" + testPAT + "''']\n"
	work := t.TempDir()
	seedPAT := g.GitHubPAT()
	sweepRepo(t, filepath.Join(work, "own"), "main", map[string]string{".gitleaks.toml": config,
		"notes.txt":    "internal " + acme + "\nci token " + testPAT + "\n",
		".sprawl.toml": "[sprawl]\nexclude = [\"seed/**\"]\n", "seed/users.txt": "seed token " + seedPAT + "\n"})
	sweepRepo(t, filepath.Join(work, "plain"), "main", map[string]string{"notes.txt": "internal " + acme + "\nci token " + testPAT + "\n"})
	sweepRepo(t, filepath.Join(work, "broken"), "main", map[string]string{".gitleaks.toml": "[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n",
		"notes.txt": "ci token " + pat + "\n"})
	list := filepath.Join(work, "repos.txt")
	os.WriteFile(list, []byte("own\nplain\nbroken\n"), 0o644)
	t.Setenv("SPRAWL_FINGERPRINT_KEY", "repo-settings-test")
	for _, apply := range []bool{true, false} {
		sarifDir := filepath.Join(t.TempDir(), "sarif")
		args := []string{"--repos", list, "--cache", filepath.Join(t.TempDir(), "cache"), "--db", filepath.Join(t.TempDir(), "s.db"),
			"--sarif-dir", sarifDir, "--workers", "2"}
		if apply {
			args = append(args, "--repo-ignores")
		}
		code, stdout, stderr := runSweepCLI(t, args...)
		if code != ExitFindings {
			t.Fatalf("--repo-ignores %v: exit %d\n%s\n%s", apply, code, stdout, stderr)
		}
		own, plain, broken := sarifResults(t, filepath.Join(sarifDir, "own.sarif")), sarifResults(t, filepath.Join(sarifDir, "plain.sarif")),
			sarifResults(t, filepath.Join(sarifDir, "broken.sarif"))
		if got := hasRule(own, "secret/acme-internal-key"); got != apply {
			t.Errorf("--repo-ignores %v: the repository's own rule found its key: %v", apply, got)
		}
		if got := hasRule(own, "secret/github-pat"); got == apply {
			t.Errorf("--repo-ignores %v: the allowlisted token or the excluded seed file reported: %v", apply, got)
		}
		if hasRule(plain, "secret/acme-internal-key") || !hasRule(plain, "secret/github-pat") {
			t.Errorf("--repo-ignores %v: another repository's settings leaked into plain: %v", apply, plain)
		}
		if !hasRule(broken, "secret/github-pat") {
			t.Errorf("--repo-ignores %v: the repository with broken settings was not swept with the defaults", apply)
		}
		if apply && !strings.Contains(stdout+stderr, "rules at HEAD not applied") {
			t.Errorf("no warning about the broken .gitleaks.toml:\n%s\n%s", stdout, stderr)
		}
	}
}
