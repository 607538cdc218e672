package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

type testRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	wt   *git.Worktree
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &testRepo{t: t, dir: dir, repo: r, wt: wt}
}

func (r *testRepo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) add(name string) {
	r.t.Helper()
	if _, err := r.wt.Add(name); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) commit(msg string) {
	r.t.Helper()
	sig := &object.Signature{Name: "Dev", Email: "dev@example.test", When: time.Now()}
	if _, err := r.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		r.t.Fatal(err)
	}
}

func findingPaths(t *testing.T, stdout string) []string {
	t.Helper()
	var doc struct {
		Findings []struct {
			RuleID   string
			Location struct{ Path string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("bad JSON: %v", err)
	}
	var out []string
	for _, f := range doc.Findings {
		out = append(out, f.Location.Path+" "+f.RuleID)
	}
	return out
}

func TestStagedScansTheIndexAndOnlyNewSecrets(t *testing.T) {
	g := fake.New(11)
	oldPAT, newPAT, unstaged := g.GitHubPAT(), g.GitHubPAT(), g.GitHubPAT()
	r := newTestRepo(t)
	r.write("app/old.env", "TOKEN="+oldPAT+"\n")
	r.write("README.md", "hello\n")
	r.commit0()

	// old.env keeps its committed secret and gains a line; new.env is new;
	// partial.env is staged clean but dirty in the work tree.
	r.write("app/old.env", "TOKEN="+oldPAT+"\nMODE=prod\n")
	r.add("app/old.env")
	r.write("app/new.env", "NEW_TOKEN="+newPAT+"\n")
	r.add("app/new.env")
	r.write("partial.env", "X=1\n")
	r.add("partial.env")
	r.write("partial.env", "X=1\nTOKEN="+unstaged+"\n")
	r.write("untracked.env", "TOKEN="+unstaged+"\n")

	code, stdout, stderr := runCLI(t, "scan", "--staged", "--format", "json", r.dir)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := findingPaths(t, stdout)
	if len(got) != 1 || got[0] != "app/new.env secret/github-pat" {
		t.Errorf("staged findings = %v, want only app/new.env secret/github-pat", got)
	}
	assertNoSecrets(t, "stdout", []byte(stdout+stderr), []string{oldPAT, newPAT, unstaged})

	// Nothing staged: clean exit.
	r.commit("second")
	if code, stdout, _ := runCLI(t, "scan", "--staged", "--format", "json", r.dir); code != ExitClean {
		t.Errorf("after commit: exit %d, findings %v", code, findingPaths(t, stdout))
	}
}

// commit0 stages everything and makes the first commit.
func (r *testRepo) commit0() {
	r.t.Helper()
	if err := r.wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	r.commit("initial")
}

func TestStagedOnEmptyRepository(t *testing.T) {
	g := fake.New(12)
	pat := g.GitHubPAT()
	r := newTestRepo(t)
	r.write("first.env", "TOKEN="+pat+"\n")
	r.add("first.env")
	code, stdout, stderr := runCLI(t, "scan", "--staged", "--format", "json", r.dir)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := findingPaths(t, stdout); len(got) != 1 || got[0] != "first.env secret/github-pat" {
		t.Errorf("got %v", got)
	}
}

func TestBaselineAndIgnore(t *testing.T) {
	root, _ := plantedTree(t)
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, stderr := runCLI(t, "baseline", "create", "--out", bl, root); code != ExitClean {
		t.Fatalf("baseline create: exit %d: %s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "scan", "--format", "json", "--baseline", bl, root); code != ExitClean {
		t.Errorf("with baseline: exit %d, findings %v", code, findingPaths(t, stdout))
	}
	// A new secret after the baseline is reported.
	g := fake.New(13)
	if err := os.WriteFile(filepath.Join(root, "new.env"), []byte("TOKEN="+g.GitHubPAT()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "scan", "--format", "json", "--baseline", bl, root)
	got := findingPaths(t, stdout)
	if code != ExitFindings || !slices.Contains(got, "new.env secret/github-pat") {
		t.Errorf("new finding after baseline: exit %d, %v", code, got)
	}
	for _, g := range got { // the secret and what is derived from it, nothing old
		if !strings.HasPrefix(g, "new.env ") {
			t.Errorf("baselined finding reported again: %s", g)
		}
	}
	// .sprawlignore by glob silences it, with the reason kept.
	if err := os.WriteFile(filepath.Join(root, ".sprawlignore"), []byte("new.env  # test fixture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := runCLI(t, "scan", "--format", "json", "--baseline", bl, root); code != ExitClean {
		t.Errorf("ignored by glob: exit %d, %v", code, findingPaths(t, stdout))
	}
	data, err := os.ReadFile(bl)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "\"secret\"") {
		t.Errorf("baseline holds a secret field")
	}
}

func TestFailOn(t *testing.T) {
	root, _ := plantedTree(t)
	if code, _, _ := runCLI(t, "scan", "--fail-on", "never", root); code != ExitClean {
		t.Errorf("--fail-on never: exit %d", code)
	}
	if code, _, _ := runCLI(t, "scan", "--fail-on", "critical", root); code != ExitFindings {
		t.Errorf("--fail-on critical with an AWS key: exit %d", code)
	}
}

func TestInstallHook(t *testing.T) {
	r := newTestRepo(t)
	if code, _, stderr := runCLI(t, "install-hook", r.dir); code != ExitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	hook := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
	data, err := os.ReadFile(hook)
	if err != nil || !strings.Contains(string(data), "sprawl scan --staged") {
		t.Fatalf("hook not written: %v", err)
	}
	// Another tool's hook is not replaced without --force.
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho other\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCLI(t, "install-hook", r.dir); code != ExitError {
		t.Errorf("replaced a foreign hook without --force")
	}
	if code, _, _ := runCLI(t, "install-hook", "--force", r.dir); code != ExitClean {
		t.Errorf("--force failed")
	}
}

// TestBaselineSurvivesRenameAndSquash: a baseline made on a history scan
// still covers the same secrets after the file is renamed and the history
// squashed into one commit; a new secret written on a baselined line is
// reported (gitleaks' positional fingerprints would hide it).
func TestBaselineSurvivesRenameAndSquash(t *testing.T) {
	g := fake.New(99)
	pat, other := g.GitHubPAT(), g.GitHubPAT()
	start := time.Now().Add(-24 * time.Hour)
	before := filepath.Join(t.TempDir(), "repo")
	gitgen.Build(t, before, gitgen.Script{Start: start, Steps: []gitgen.Step{
		gitgen.Commit{Label: "a", Files: map[string]string{"app/config.env": "TOKEN=" + pat + "\n"}},
		gitgen.Commit{Label: "b", Files: map[string]string{"README.md": "hello\n"}},
	}})
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, stderr := runCLI(t, "baseline", "create", "--history", "--out", bl, before); code != ExitClean {
		t.Fatalf("baseline: exit %d %s", code, stderr)
	}
	// Same root commit (so the same fingerprint key), then one squashed
	// commit that also renames the file.
	after := filepath.Join(t.TempDir(), "repo")
	gitgen.Build(t, after, gitgen.Script{Start: start, Steps: []gitgen.Step{
		gitgen.Commit{Label: "a", Files: map[string]string{"app/config.env": "TOKEN=" + pat + "\n"}},
		gitgen.Commit{Label: "squash", Rename: map[string]string{"app/config.env": "config/app.env"}, Files: map[string]string{"README.md": "hello\n"}},
	}})
	if code, stdout, _ := runCLI(t, "scan", "--format", "json", "--baseline", bl, after); code != ExitClean {
		t.Errorf("renamed baselined secret reported: %v", findingPaths(t, stdout))
	}
	if err := os.WriteFile(filepath.Join(after, "config", "app.env"), []byte("TOKEN="+other+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "scan", "--format", "json", "--baseline", bl, after)
	if got := findingPaths(t, stdout); code != ExitFindings || !slices.Contains(got, "config/app.env secret/github-pat") {
		t.Errorf("new secret on a baselined line: exit %d, %v", code, got)
	}
}
