package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// TestReportHTML writes the page with `sprawl report --html` from each
// source it takes: a scan's JSON output, several shard results, a sweep's
// inventory file and the sweep datastore (with its chart over sweeps), and
// the datastore together with a scan result.
func TestReportHTML(t *testing.T) {
	t.Setenv("SPRAWL_FINGERPRINT_KEY", "report-test-key") // shards share a key, as a team's do
	t.Setenv("SPRAWL_DB", "")
	g := fake.New(uint64(time.Now().UnixNano()))
	shared, alphaOnly, betaOnly, later := g.GitHubPAT(), g.StripeLive(), g.SlackBot(), g.GitHubPAT()
	secrets := []string{shared, alphaOnly, betaOnly, later}
	work := t.TempDir()
	alpha, beta := filepath.Join(work, "alpha"), filepath.Join(work, "beta")
	sweepRepo(t, alpha, "main", map[string]string{"app/config.go": "package app\n\nconst token = \"" + shared + "\"\n",
		"billing/keys.py": "STRIPE_KEY = \"" + alphaOnly + "\"\n"})
	sweepRepo(t, beta, "main", map[string]string{"deploy/token.txt": "token: " + shared + "\n",
		"notify/slack.js": "const slack = '" + betaOnly + "';\n"})

	out := t.TempDir()
	scanJSON := func(name, repo string) string {
		t.Helper()
		path := filepath.Join(out, name)
		if code, _, stderr := runCLI(t, "scan", "--history", "--quiet", "--format", "json", "--out", path, repo); code != ExitFindings {
			t.Fatalf("scan %s: exit %d: %s", repo, code, stderr)
		}
		return path
	}
	alphaJSON, betaJSON := scanJSON("alpha.json", alpha), scanJSON("beta.json", beta)

	// Two sweeps into a datastore, a new secret in between.
	cache := filepath.Join(t.TempDir(), "cache")
	list := filepath.Join(work, "repos.txt")
	os.WriteFile(list, []byte(alpha+"\n"+beta+"\n"), 0o644)
	invFile := filepath.Join(out, "inventory.json")
	sweep := func() {
		t.Helper()
		if code, stdout, stderr := runCLI(t, "sweep", "--repos", list, "--cache", cache, "--inventory", invFile, "--workers", "1"); code != ExitFindings {
			t.Fatalf("sweep: exit %d\n%s\n%s", code, stdout, stderr)
		}
	}
	sweep()
	sweepRepo(t, alpha, "main", map[string]string{"ci/env.sh": "export GH_TOKEN=" + later + "\n"})
	sweep()
	db := filepath.Join(cache, "sprawl.db")

	for _, tc := range []struct {
		name       string
		args       []string
		identities int  // at least
		repos      int  // <code>name</code> rows in the repository table
		sweeps     int  // rows of the sweep table; 0 = no chart
		joined     bool // the shared token is one identity in both repositories
	}{
		{"one scan result", []string{alphaJSON}, 2, 1, 0, false},
		{"shard results", []string{alphaJSON, betaJSON}, 3, 2, 0, true},
		{"inventory file", []string{invFile}, 3, 2, 2, true},
		{"datastore", []string{"--db", db}, 3, 2, 2, true},
		{"datastore and a scan result", []string{"--db", db, alphaJSON}, 3, 2, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := filepath.Join(t.TempDir(), "report.html")
			code, stdout, stderr := runCLI(t, append([]string{"report", "--html", page}, tc.args...)...)
			if code != ExitClean || strings.TrimSpace(stdout) != "HTML report written to "+page {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			data, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			s := string(data)
			assertNoSecrets(t, "HTML report", data, secrets)
			if n := strings.Count(s, `<tbody class="ident"`); n < tc.identities {
				t.Errorf("%d identities, want at least %d", n, tc.identities)
			}
			repoTable := regexp.MustCompile(`(?s)<table id="repo-table">.*?</table>`).FindString(s)
			if n := strings.Count(repoTable, `<th scope="row">`); n != tc.repos {
				t.Errorf("%d repositories, want %d", n, tc.repos)
			}
			chart := regexp.MustCompile(`(?s)<table class="chart-data">.*?</table>`).FindString(s)
			if n := strings.Count(chart, `<th scope="row">`); n != tc.sweeps || (tc.sweeps > 0) != strings.Contains(s, `<svg id="chart-sweeps"`) {
				t.Errorf("sweep chart with %d sweeps, want %d", n, tc.sweeps)
			}
			// The shared token: one identity whose occurrences name both
			// repositories (a scan of one sees it in one).
			sharedRow := regexp.MustCompile(`(?s)<tbody class="ident"[^>]*data-repos="([^"]*)"[^>]*>\s*<tr class="main">\s*<th scope="row" data-sort="github-classic-pat:`).FindAllStringSubmatch(s, -1)
			both := false
			for _, m := range sharedRow {
				both = both || (strings.Contains(m[1], "alpha") && strings.Contains(m[1], "beta"))
			}
			if both != tc.joined {
				t.Errorf("a GitHub token identity in both repositories: %v, want %v (%v)", both, tc.joined, sharedRow)
			}
		})
	}

	t.Run("text and json too", func(t *testing.T) {
		page := filepath.Join(t.TempDir(), "report.html")
		code, stdout, stderr := runCLI(t, "report", "--html", page, "--format", "json", alphaJSON, betaJSON)
		if code != ExitClean || !strings.HasPrefix(strings.TrimSpace(stdout), "{") {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		if _, err := os.Stat(page); err != nil {
			t.Error(err)
		}
		assertNoSecrets(t, "stdout", []byte(stdout), secrets)
	})
	t.Run("errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"report", "--html", filepath.Join(t.TempDir(), "x.html"), filepath.Join(work, "missing.json")},
			{"report", "--html", filepath.Join(t.TempDir(), "x.html"), list},
			{"report", "--html", filepath.Join(t.TempDir(), "no-such-dir", "x.html"), alphaJSON},
			{"report", "--db", filepath.Join(t.TempDir(), "none.db"), "--html", filepath.Join(t.TempDir(), "x.html")},
		} {
			if code, _, stderr := runCLI(t, args...); code != ExitError || !strings.HasPrefix(stderr, "sprawl report: ") {
				t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
			}
		}
	})
}
