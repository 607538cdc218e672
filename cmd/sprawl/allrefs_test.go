package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
)

// TestScanAllRefs: secrets reachable only from a pull request head (a
// closed pull request whose branch is gone) and from the stash are left
// out of a history scan of branches and tags, and found with --all-refs —
// in a local repository and through a URL, whose clone then fetches the
// pull request refs too.
func TestScanAllRefs(t *testing.T) {
	gen := fake.New(uint64(time.Now().UnixNano()))
	prToken, stashToken := gen.GitHubPAT(), gen.GitHubPAT()
	served := t.TempDir()
	dir := filepath.Join(served, "remote")
	sweepRepo(t, dir, "main", map[string]string{"README.md": "# service\n"})
	git := func(args ...string) string { return gitgen.Git(t, dir, "", nil, args...) }
	git("checkout", "-q", "-b", "feature")
	os.WriteFile(filepath.Join(dir, "deploy.go"), []byte("package deploy\n\nconst token = \""+prToken+"\"\n"), 0o644)
	git("add", "deploy.go")
	git("-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "deploy")
	git("update-ref", "refs/pull/7/head", "HEAD")
	git("checkout", "-q", "main")
	git("branch", "-q", "-D", "feature")
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# service\n\ntoken: "+stashToken+"\n"), 0o644)
	git("-c", "user.name=dev", "-c", "user.email=dev@example.com", "stash", "-q")
	t.Setenv("SPRAWL_CACHE_DIR", "off")

	found := func(args ...string) []string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "report.json")
		code, _, stderr := runCLI(t, append([]string{"scan", "--history", "--format", "json", "--out", out}, args...)...)
		if code != ExitClean && code != ExitFindings {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Compact(rulePaths(t, raw, "secret/github-pat"))
	}
	if got := found(dir); len(got) != 0 {
		t.Errorf("branches and tags: found secrets in %v, want none", got)
	}
	// What was left out is said, with the flag that walks it.
	_, stdout, _ := runCLI(t, "scan", "--history", dir)
	if !strings.Contains(stdout, "2 refs outside branches and tags not walked (refs/pull/*: 1, refs/stash: 1); --all-refs walks them") {
		t.Errorf("no note of the refs left out:\n%s", stdout)
	}
	if _, stdout, _ := runCLI(t, "scan", "--history", "--all-refs", dir); strings.Contains(stdout, "not walked") {
		t.Errorf("--all-refs: a note of refs left out:\n%s", stdout)
	} else if !strings.Contains(stdout, "on no branch or tag: only in refs/pull/7/head") {
		t.Errorf("--all-refs: the terminal does not say which ref holds the pull request's secret:\n%s", stdout)
	}
	if got, want := found("--all-refs", dir), []string{"README.md", "deploy.go"}; !slices.Equal(got, want) {
		t.Errorf("--all-refs: secrets in %v, want %v", got, want)
	}
	// Each says which ref alone keeps it reachable, in JSON, SARIF and
	// the history finding's message.
	out := filepath.Join(t.TempDir(), "report.json")
	runCLI(t, "scan", "--history", "--all-refs", "--format", "json", "--out", out, dir)
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			RuleID   string `json:"ruleId"`
			Message  string `json:"message"`
			Location struct {
				Path string `json:"path"`
			} `json:"location"`
			History struct {
				OnlyInRefs []string `json:"onlyInRefs"`
			} `json:"history"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	refsOf := map[string]string{"deploy.go": "refs/pull/7/head", "README.md": "refs/stash"}
	checked := 0
	for _, f := range rep.Findings {
		want := refsOf[f.Location.Path]
		switch f.RuleID {
		case "secret/github-pat", "lifecycle/secret-in-history":
			checked++
		}
		switch f.RuleID {
		case "secret/github-pat":
			if !slices.Equal(f.History.OnlyInRefs, []string{want}) {
				t.Errorf("%s: onlyInRefs %v, want [%s]", f.Location.Path, f.History.OnlyInRefs, want)
			}
		case "lifecycle/secret-in-history":
			if !strings.Contains(f.Message, "is on no branch or tag but is reachable from "+want) {
				t.Errorf("%s: history message does not name %s: %s", f.Location.Path, want, f.Message)
			}
		}
	}
	if checked != 4 {
		t.Errorf("checked %d findings, want a secret and a history finding for each of the two", checked)
	}
	sarifOut := filepath.Join(t.TempDir(), "report.sarif")
	runCLI(t, "scan", "--history", "--all-refs", "--format", "sarif", "--out", sarifOut, dir)
	raw, err = os.ReadFile(sarifOut)
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(raw); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID     string `json:"ruleId"`
				Properties struct {
					OnlyInRefs []string `json:"onlyInRefs"`
				} `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var named [][]string
	for _, run := range doc.Runs {
		for _, r := range run.Results {
			if r.RuleID == "secret/github-pat" {
				named = append(named, r.Properties.OnlyInRefs)
			}
		}
	}
	if !slices.ContainsFunc(named, func(refs []string) bool { return slices.Equal(refs, []string{"refs/pull/7/head"}) }) {
		t.Errorf("SARIF github-pat results' onlyInRefs: %v, want one of [refs/pull/7/head]", named)
	}

	srv := serveGit(t, served)
	url := strings.Replace(srv.URL, "http://", "http://"+sweepTestToken+"@", 1) + "/remote/.git"
	if got := found(url); len(got) != 0 {
		t.Errorf("URL, branches and tags: found secrets in %v, want none", got)
	}
	if got, want := found("--all-refs", url), []string{"deploy.go"}; !slices.Equal(got, want) {
		t.Errorf("URL with --all-refs: secrets in %v, want %v (the pull request head; a stash is not fetched)", got, want)
	}

	// A sweep fetches and walks the pull request heads with --all-refs, the
	// second one here from where the first, without them, stopped.
	list := filepath.Join(served, "repos.txt")
	os.WriteFile(list, []byte("remote\n"), 0o644)
	cache, db := filepath.Join(t.TempDir(), "cache"), filepath.Join(t.TempDir(), "s.db")
	for i, tc := range []struct {
		allRefs bool
		want    bool
	}{{false, false}, {true, true}} {
		sarifDir := filepath.Join(t.TempDir(), "sarif")
		args := []string{"--repos", list, "--cache", cache, "--db", db, "--sarif-dir", sarifDir}
		if tc.allRefs {
			args = append(args, "--all-refs")
		}
		code, stdout, stderr := runSweepCLI(t, args...)
		if code != ExitClean && code != ExitFindings {
			t.Fatalf("sweep %d: exit %d\n%s\n%s", i, code, stdout, stderr)
		}
		if got := hasRule(sarifResults(t, filepath.Join(sarifDir, "remote.sarif")), "secret/github-pat"); got != tc.want {
			t.Errorf("sweep %d (--all-refs %v): pull request secret reported %v, want %v", i, tc.allRefs, got, tc.want)
		}
	}

	for _, args := range [][]string{{"--all-refs", dir}, {"--history", "--all-refs", "--branch", "main", dir}} {
		if code, _, _ := runCLI(t, append([]string{"scan"}, args...)...); code != ExitError {
			t.Errorf("scan %v: exit %d, want %d", args, code, ExitError)
		}
	}
}
