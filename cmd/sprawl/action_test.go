package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
)

// TestActionScanStep runs the shell of action.yml's "Scan" step the way a
// GitHub runner does (bash -eo pipefail, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
// RUNNER_TEMP) on a generated repository.
func TestActionScanStep(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not available")
	}
	raw, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Steps []struct {
				Name string            `yaml:"name"`
				ID   string            `yaml:"id"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatal(err)
	}
	var script string
	for _, s := range action.Runs.Steps {
		if s.ID == "scan" {
			script = s.Run
		}
	}
	if script == "" {
		t.Fatal("action.yml has no step with id scan")
	}

	runner := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(runner, "sprawl"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building sprawl: %v\n%s", err, out)
	}
	g := fake.New(5)
	pat := g.GitHubPAT()
	repo := filepath.Join(t.TempDir(), "repo")
	gitgen.Build(t, repo, gitgen.Script{Start: time.Now().Add(-48 * time.Hour), Steps: []gitgen.Step{
		gitgen.Commit{Label: "a", Files: map[string]string{"deploy.env": "TOKEN=" + pat + "\n"}},
		gitgen.Commit{Label: "b", Delete: []string{"deploy.env"}},
	}})
	output, summary := filepath.Join(runner, "output"), filepath.Join(runner, "summary.md")
	env := append(os.Environ(),
		"RUNNER_TEMP="+runner, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary,
		"EVENT_NAME=workflow_dispatch", "PR_BASE=", "PR_HEAD=", "PUSH_BEFORE=",
	)
	for name, in := range map[string]string{"INPUT_PATH": "path", "INPUT_SCOPE": "scope", "INPUT_FAIL_ON": "fail-on",
		"INPUT_CATEGORY": "category", "INPUT_SARIF": "sarif-file", "INPUT_ARGS": "args"} {
		env = append(env, name+"="+action.Inputs[in].Default)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = repo, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scan step failed: %v\n%s", err, out)
	}
	assertNoSecrets(t, "step log", out, []string{pat})
	outputs, _ := os.ReadFile(output)
	if !strings.Contains(string(outputs), "exit-code=1") || !strings.Contains(string(outputs), "sarif-file=sprawl.sarif") {
		t.Errorf("step outputs: %q", outputs)
	}
	sarifBytes, err := os.ReadFile(filepath.Join(repo, "sprawl.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(sarifBytes); err != nil {
		t.Errorf("SARIF invalid: %v", err)
	}
	if !strings.Contains(string(sarifBytes), "lifecycle/secret-in-history") {
		t.Error("the removed secret was not found in history by the action's scan")
	}
	md, _ := os.ReadFile(summary)
	if !strings.Contains(string(md), "secret/github-pat") {
		t.Errorf("job summary: %q", md)
	}
	assertNoSecrets(t, "SARIF and summary", append(sarifBytes, md...), []string{pat})
}
