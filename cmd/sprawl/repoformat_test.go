package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// TestGit3Repositories: repositories in the formats Git 3.0 makes by
// default — SHA-256 object ids, refs in reftables — and their mixes scan
// in every mode: the working tree, the history, the staged changes (the
// pre-commit hook, which install-hook installs in them too); and a secret gets the same fingerprint in each, keyed
// by the root commit like any repository's.
func TestGit3Repositories(t *testing.T) {
	tests := []struct {
		format   string
		reftable bool
	}{
		{"sha1", false},
		{"sha256", false},
		{"sha1", true},
		{"sha256", true},
	}
	for i, tc := range tests {
		name := tc.format
		if tc.reftable {
			name += "+reftable"
		}
		t.Run(name, func(t *testing.T) { scanRepoFormat(t, tc.format, tc.reftable, uint64(40+i)) })
	}
}

func scanRepoFormat(t *testing.T, format string, reftable bool, seed uint64) {
	g := fake.New(seed)
	committed, removed, staged := g.GitHubPAT(), g.GitHubPAT(), g.GitHubPAT()
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		return strings.TrimSpace(gitgen.Git(t, dir, "", nil, args...))
	}
	git("init", "-q", "-b", "main", "--object-format="+format)
	gitgen.WriteFile(t, dir, "app/config.env", "GITHUB_TOKEN="+committed+"\n")
	gitgen.WriteFile(t, dir, "deploy.env", "GITHUB_TOKEN="+removed+"\n")
	git("add", "-A")
	git("commit", "-q", "-m", "first")
	git("rm", "-q", "deploy.env")
	git("commit", "-q", "-m", "remove the deploy token")
	git("gc", "-q")
	root := git("rev-list", "--max-parents=0", "HEAD")
	if want := map[string]int{"sha1": 40, "sha256": 64}[format]; len(root) != want {
		t.Fatalf("git made no %s repository (root commit %q)", format, root)
	}
	// Staged before the refs move: the installed git may be too old to
	// work in a reftable repository.
	gitgen.WriteFile(t, dir, "ci/token.env", "GITHUB_TOKEN="+staged+"\n")
	git("add", "ci/token.env")
	if err := os.Remove(dir + "/ci/token.env"); err != nil { // the working tree holds only what is committed
		t.Fatal(err)
	}
	if reftable {
		gitgen.ConvertToReftable(t, dir, gitgen.ReftableOptions{BlockSize: 4096})
	}

	scan := func(args ...string) (map[string]string, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"scan", "--format", "json"}, args...)...)
		if code != ExitFindings {
			t.Fatalf("scan %v: exit %d, stderr:\n%s", args, code, stderr)
		}
		assertNoSecrets(t, "output", []byte(stdout+stderr), []string{committed, removed, staged})
		var doc struct {
			Findings []struct {
				RuleID   string
				Location struct{ Path string }
				Secret   *struct{ Fingerprint string }
			}
			Repos []struct {
				KeySource string
				Repo      struct{ Head, Branch string }
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
		if len(doc.Repos) != 1 || doc.Repos[0].KeySource != "root-commit" || doc.Repos[0].Repo.Branch != "main" || len(doc.Repos[0].Repo.Head) != len(root) {
			t.Errorf("scan %v: repos %+v, want one on branch main keyed by its root commit", args, doc.Repos)
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
		t.Errorf("history findings do not name the commits")
	}
	// Refs resolve by name, and revisions by abbreviated id.
	if got, _ := scan("--history", "--branch", "main", dir); got["deploy.env"] != hist["deploy.env"] {
		t.Errorf("--branch main: findings %v", got)
	}
	// The secrets came with the root commit, which the range leaves out.
	if code, stdout, stderr := runCLI(t, "scan", "--history", "--range", root[:10]+"..main", "--format", "json", dir); code != ExitClean {
		t.Errorf("--range %s..main: exit %d, stderr %s, findings %v", root[:10], code, stderr, findingPaths(t, stdout))
	}
	if got, _ := scan("--staged", dir); len(got) != 1 || got["ci/token.env"] == "" {
		t.Errorf("staged: findings %v, want ci/token.env only", got)
	}
	if code, _, stderr := runCLI(t, "install-hook", dir+"/app"); code != ExitClean {
		t.Errorf("install-hook: exit %d: %s", code, stderr)
	} else if _, err := os.Stat(dir + "/.git/hooks/pre-commit"); err != nil {
		t.Errorf("install-hook wrote no hook: %v", err)
	}
}
