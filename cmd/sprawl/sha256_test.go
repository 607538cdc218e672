package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// TestSHA256Repositories: a repository git made with SHA-256 object ids
// (on request today, by default from Git 3.0) scans in every mode — its
// working tree, its history, its staged changes (the pre-commit hook) —
// and a secret gets the same fingerprint in each, keyed by the root
// commit like any repository's.
func TestSHA256Repositories(t *testing.T) {
	g := fake.New(31)
	committed, removed, staged := g.GitHubPAT(), g.GitHubPAT(), g.GitHubPAT()
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		return strings.TrimSpace(gitgen.Git(t, dir, "", nil, args...))
	}
	git("init", "-q", "-b", "main", "--object-format=sha256")
	gitgen.WriteFile(t, dir, "app/config.env", "GITHUB_TOKEN="+committed+"\n")
	gitgen.WriteFile(t, dir, "deploy.env", "GITHUB_TOKEN="+removed+"\n")
	git("add", "-A")
	git("commit", "-q", "-m", "first")
	git("rm", "-q", "deploy.env")
	git("commit", "-q", "-m", "remove the deploy token")
	git("gc", "-q")
	root := git("rev-list", "--max-parents=0", "HEAD")
	if len(root) != 64 {
		t.Fatalf("git made no SHA-256 repository (root commit %q)", root)
	}

	type finding struct {
		RuleID   string
		Location struct{ Path string }
		Secret   *struct{ Fingerprint string }
	}
	scan := func(args ...string) (map[string]string, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"scan", "--format", "json"}, args...)...)
		if code != ExitFindings {
			t.Fatalf("scan %v: exit %d, stderr:\n%s", args, code, stderr)
		}
		assertNoSecrets(t, "output", []byte(stdout+stderr), []string{committed, removed, staged})
		var doc struct {
			Findings []finding
			Repos    []struct {
				KeySource string
				Repo      struct{ Head, RootCommit string }
			}
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, f := range doc.Findings {
			if f.Secret != nil && strings.HasPrefix(f.RuleID, "secret/") {
				out[f.Location.Path] = f.Secret.Fingerprint
			}
		}
		if len(doc.Repos) != 1 || doc.Repos[0].KeySource != "root-commit" {
			t.Errorf("scan %v: repos %+v, want one keyed by its root commit", args, doc.Repos)
		}
		return out, stdout
	}

	tree, _ := scan(dir)
	hist, out := scan("--history", dir)
	if len(tree) != 1 || tree["app/config.env"] == "" {
		t.Errorf("working tree: findings %v", tree)
	}
	if hist["app/config.env"] != tree["app/config.env"] || hist["deploy.env"] == "" {
		t.Errorf("history: findings %v, working tree %v", hist, tree)
	}
	if !strings.Contains(out, root) {
		t.Errorf("history findings do not name the SHA-256 commits")
	}

	gitgen.WriteFile(t, dir, "ci/token.env", "GITHUB_TOKEN="+staged+"\n")
	git("add", "ci/token.env")
	if got, _ := scan("--staged", dir); len(got) != 1 || got["ci/token.env"] == "" {
		t.Errorf("staged: findings %v, want ci/token.env only", got)
	}
}
