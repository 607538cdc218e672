package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// TestPreCommitFramework installs this repository's .pre-commit-hooks.yaml
// with the real pre-commit tool (the sprawl-system hook, with a sprawl built
// from this tree on PATH), then checks that a commit adding a secret is
// refused and one adding a placeholder goes through.
func TestPreCommitFramework(t *testing.T) {
	for _, tool := range []string{"pre-commit", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (.ci/run installs it)", tool)
		}
	}
	self, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	rev, err := exec.Command("git", "-C", self, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("this tree is not a git checkout: %v", err)
	}
	if out, _ := exec.Command("git", "-C", self, "status", "--porcelain", ".pre-commit-hooks.yaml").Output(); len(out) > 0 {
		t.Skip(".pre-commit-hooks.yaml has uncommitted changes; pre-commit reads the committed one")
	}
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "sprawl"), ".").CombinedOutput(); err != nil {
		t.Fatalf("building sprawl: %v\n%s", err, out)
	}
	repo := t.TempDir()
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PRE_COMMIT_HOME="+filepath.Join(t.TempDir(), "pre-commit"), "GIT_AUTHOR_NAME=dev", "GIT_AUTHOR_EMAIL=dev@example.test",
		"GIT_COMMITTER_NAME=dev", "GIT_COMMITTER_EMAIL=dev@example.test", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(name string, args ...string) {
		if out, err := run(name, args...); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	must("git", "init", "-q", "-b", "main")
	config := "repos:\n  - repo: " + self + "\n    rev: " + strings.TrimSpace(string(rev)) + "\n    hooks:\n      - id: sprawl-system\n"
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".pre-commit-config.yaml", config)
	must("git", "add", ".pre-commit-config.yaml")
	must("pre-commit", "install")
	must("git", "commit", "-q", "-m", "add pre-commit config")

	pat := fake.New(3).GitHubPAT()
	write("deploy.env", "TOKEN="+pat+"\n")
	must("git", "add", "deploy.env")
	out, err := run("git", "commit", "-q", "-m", "add a token")
	if err == nil {
		t.Fatalf("commit with a secret went through:\n%s", out)
	}
	if !strings.Contains(out, "secret/github-pat") {
		t.Errorf("refusal does not name the rule:\n%s", out)
	}
	assertNoSecrets(t, "hook output", []byte(out), []string{pat})

	write("deploy.env", "TOKEN=${GITHUB_TOKEN}\n")
	must("git", "add", "deploy.env")
	if out, err := run("git", "commit", "-q", "-m", "use a reference"); err != nil {
		t.Errorf("commit with a placeholder refused: %v\n%s", err, out)
	}
}
