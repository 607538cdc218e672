package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// TestRepositoryWithoutWorkingTree: a bare clone (or a .git folder given
// itself) has no project files to scan as a tree — its history is scanned,
// as for a URL, with a note.
func TestRepositoryWithoutWorkingTree(t *testing.T) {
	pat := fake.New(21).GitHubPAT()
	dir := t.TempDir()
	gitgen.Build(t, dir, gitgen.Script{Steps: []gitgen.Step{
		gitgen.Commit{Label: "a", Files: map[string]string{"deploy.env": "TOKEN=" + pat + "\n"}},
		gitgen.Commit{Label: "b", Delete: []string{"deploy.env"}},
	}})
	bare := filepath.Join(t.TempDir(), "mirror.git")
	gitgen.Git(t, dir, "", nil, "clone", "-q", "--bare", dir, bare)
	for _, path := range []string{bare, filepath.Join(dir, ".git")} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "scan", "--format", "json", path)
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d (findings); stderr: %s", code, ExitFindings, stderr)
			}
			if !strings.Contains(stderr, "no working tree: scanning its history") {
				t.Errorf("no note that history is scanned; stderr: %s", stderr)
			}
			assertNoSecrets(t, "output", []byte(stdout+stderr), []string{pat})
			if !hasFinding(t, stdout, "secret/github-pat", "deploy.env") {
				t.Error("the token committed to deploy.env was not found")
			}
		})
	}
}

// TestTreelessRepositoryReadsIgnoreFilesFromHead: a bare repository has no
// working tree to hold .sprawlignore or .gitleaksignore; with
// --repo-settings the ones committed at HEAD apply, as they would to a scan
// of a checkout.
func TestTreelessRepositoryReadsIgnoreFilesFromHead(t *testing.T) {
	pat := fake.New(22).GitHubPAT()
	for _, tc := range []struct {
		name, file, content string
	}{
		{"sprawlignore path glob", ".sprawlignore", "deploy.env  # a revoked test token\n"},
		{"gitleaksignore file:rule:line", ".gitleaksignore", "deploy.env:github-pat:1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gitgen.Build(t, dir, gitgen.Script{Steps: []gitgen.Step{
				gitgen.Commit{Label: "a", Files: map[string]string{"deploy.env": "TOKEN=" + pat + "\n"}},
				gitgen.Commit{Label: "b", Files: map[string]string{tc.file: tc.content}},
			}})
			bare := filepath.Join(t.TempDir(), "mirror.git")
			gitgen.Git(t, dir, "", nil, "clone", "-q", "--bare", dir, bare)
			if code, _, stderr := runCLI(t, "scan", "--format", "json", bare); code != ExitFindings {
				t.Fatalf("without --repo-settings: exit %d, want %d; stderr: %s", code, ExitFindings, stderr)
			}
			code, stdout, stderr := runCLI(t, "scan", "--format", "json", "--repo-settings", bare)
			if code != ExitClean {
				t.Fatalf("exit %d, want %d: the token should be ignored by HEAD's %s; stderr: %s", code, ExitClean, tc.file, stderr)
			}
			assertNoSecrets(t, "output", []byte(stdout+stderr), []string{pat})
		})
	}
	// Without the ignore file the same history has findings: the test
	// above can fail.
	dir := t.TempDir()
	gitgen.Build(t, dir, gitgen.Script{Steps: []gitgen.Step{
		gitgen.Commit{Label: "a", Files: map[string]string{"deploy.env": "TOKEN=" + pat + "\n"}},
		gitgen.Commit{Label: "b", Files: map[string]string{"README.md": "docs\n"}},
	}})
	bare := filepath.Join(t.TempDir(), "mirror.git")
	gitgen.Git(t, dir, "", nil, "clone", "-q", "--bare", dir, bare)
	if code, _, stderr := runCLI(t, "scan", "--format", "json", bare); code != ExitFindings {
		t.Fatalf("exit %d without ignore files, want %d; stderr: %s", code, ExitFindings, stderr)
	}
}
