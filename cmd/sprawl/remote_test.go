package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
)

// TestScanURL: `sprawl scan URL` clones the repository (smart HTTP on
// loopback, the token in the URL) into a temporary folder, scans its
// history, names the URL in the report and removes the clone; the token
// is in no output.
func TestScanURL(t *testing.T) {
	pat := fake.New(uint64(time.Now().UnixNano())).GitHubPAT()
	served := t.TempDir()
	sweepRepo(t, filepath.Join(served, "remote"), "main", map[string]string{"app/config.go": "package app\n\nconst githubToken = \"" + pat + "\"\n"})
	sweepRepo(t, filepath.Join(served, "remote"), "main", map[string]string{"app/config.go": "package app\n"}) // removed: history only
	srv := serveGit(t, served)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the clone goes, to check it is gone
	t.Setenv("SPRAWL_CACHE_DIR", "off")
	url := strings.Replace(srv.URL, "http://", "http://"+sweepTestToken+"@", 1) + "/remote/.git"
	out := filepath.Join(t.TempDir(), "report.json")

	code, stdout, stderr := runCLI(t, "scan", url, "--format", "json", "--out", out)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\nstderr: %s", code, ExitFindings, stderr)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"stdout": stdout, "stderr": stderr, "report": string(raw)} {
		if strings.Contains(text, sweepTestToken) || strings.Contains(text, pat) {
			t.Errorf("%s holds the URL's token or the secret", name)
		}
	}
	var rep jsonreport.Document
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || f.RuleID == "secret/github-pat" && f.Location.Path == "app/config.go"
	}
	if !found {
		t.Errorf("the removed token is not reported: %+v", rep.Findings)
	}
	if len(rep.Repos) != 1 || rep.Repos[0].Repo == nil || !rep.Repos[0].History || rep.Repos[0].Repo.Root != "" || !strings.HasSuffix(rep.Repos[0].Repo.URI, "/remote/.git") {
		t.Errorf("repos %+v, want one history scan named by its URL", rep.Repos)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "sprawl-clone-*")); len(left) > 0 {
		t.Errorf("clone left behind: %v", left)
	}

	// A URL that cannot be cloned fails by name, without its token.
	bad := strings.Replace(url, "/remote/.git", "/nothing/.git", 1)
	code, _, stderr = runCLI(t, "scan", bad)
	if code != ExitError || !strings.Contains(stderr, "cannot clone") || strings.Contains(stderr, sweepTestToken) {
		t.Errorf("bad URL: exit %d, stderr %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "scan", "--staged", url); code != ExitError {
		t.Errorf("--staged with a URL: exit %d, want %d", code, ExitError)
	}
}

// TestScanURLReadsIgnoreFilesFromHead: a clone has no working tree; with
// --repo-settings the .gitleaksignore, .sprawlignore and .gitleaks.toml
// committed at HEAD apply to the scan of its URL, and without it they do not
// (a scanned repository does not decide what an audit of it reports).
func TestScanURLReadsIgnoreFilesFromHead(t *testing.T) {
	for _, tc := range []struct{ file, content string }{
		{".gitleaksignore", "deploy.env:github-pat:1\n"},
		{".sprawlignore", "deploy.env  # revoked\n"},
		{".gitleaks.toml", "[allowlist]\ndescription = \"revoked test tokens\"\npaths = ['''deploy\\.env''']\n"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			pat := fake.New(uint64(time.Now().UnixNano())).GitHubPAT()
			served := t.TempDir()
			sweepRepo(t, filepath.Join(served, "remote"), "main", map[string]string{"deploy.env": "TOKEN=" + pat + "\n"})
			sweepRepo(t, filepath.Join(served, "remote"), "main", map[string]string{tc.file: tc.content})
			srv := serveGit(t, served)
			t.Setenv("TMPDIR", t.TempDir())
			t.Setenv("SPRAWL_CACHE_DIR", "off")
			url := strings.Replace(srv.URL, "http://", "http://"+sweepTestToken+"@", 1) + "/remote/.git"
			for _, repoSettings := range []bool{true, false} {
				args := []string{"scan", url, "--format", "json"}
				if repoSettings {
					args = append(args, "--repo-settings")
				}
				_, stdout, stderr := runCLI(t, args...)
				if strings.Contains(stdout+stderr, pat) {
					t.Error("the secret is in the output")
				}
				var rep jsonreport.Document
				if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
					t.Fatalf("%v\nstderr: %s", err, stderr)
				}
				// An allowlist in .gitleaks.toml silences secret detection;
				// the config check of deploy.env at HEAD may still speak.
				secrets := 0
				for _, f := range rep.Findings {
					if strings.HasPrefix(f.RuleID, "secret/") {
						secrets++
					}
				}
				if repoSettings && secrets > 0 || !repoSettings && secrets == 0 {
					t.Errorf("--repo-settings=%v: %d secret findings", repoSettings, secrets)
				}
			}
		})
	}
}
