package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// TestHookSeesWhatGitCommits runs the hook `sprawl install-hook` writes
// under the real git binary. `git commit -a` and `git commit PATH` commit
// from a temporary index that git names in GIT_INDEX_FILE: a secret that
// only those commands stage must still be refused, and one left unstaged
// by a plain `git commit` must not be.
func TestHookSeesWhatGitCommits(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "sprawl"), ".").CombinedOutput(); err != nil {
		t.Fatalf("building sprawl: %v\n%s", err, out)
	}
	pat := fake.New(31).GitHubPAT()
	var env []string
	for _, kv := range os.Environ() {
		if n, _, _ := strings.Cut(kv, "="); n != "GIT_DIR" && n != "GIT_INDEX_FILE" && n != "GIT_WORK_TREE" && n != "PATH" {
			env = append(env, kv)
		}
	}
	env = append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GIT_AUTHOR_NAME=dev", "GIT_AUTHOR_EMAIL=dev@example.test",
		"GIT_COMMITTER_NAME=dev", "GIT_COMMITTER_EMAIL=dev@example.test", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	tests := []struct {
		name    string
		commit  []string
		refused bool
	}{
		{"commit -a stages the secret", []string{"commit", "-q", "-a", "-m", "all"}, true},
		{"commit PATH stages the secret", []string{"commit", "-q", "-m", "one path", "--", "app.env"}, true},
		{"plain commit leaves it unstaged", []string{"commit", "-q", "-m", "staged only"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			repo := t.TempDir()
			run := func(args ...string) (string, error) {
				cmd := exec.Command("git", args...)
				cmd.Dir, cmd.Env = repo, env
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			must := func(args ...string) {
				if out, err := run(args...); err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
			}
			write := func(name, content string) {
				if err := os.WriteFile(filepath.Join(repo, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			must("init", "-q", "-b", "main")
			write("app.env", "MODE=dev\n")
			write("notes.txt", "one\n")
			must("add", "-A")
			must("commit", "-q", "-m", "initial")
			if code, _, stderr := runCLI(t, "install-hook", repo); code != ExitClean {
				t.Fatalf("install-hook: %s", stderr)
			}
			// The secret is in the work tree only; a harmless change is staged.
			write("app.env", "MODE=dev\nTOKEN="+pat+"\n")
			write("notes.txt", "two\n")
			must("add", "notes.txt")
			out, err := run(tc.commit...)
			if refused := err != nil; refused != tc.refused {
				t.Fatalf("refused = %v, want %v:\n%s", refused, tc.refused, out)
			}
			if tc.refused && !strings.Contains(out, "secret/github-pat") {
				t.Errorf("refusal does not name the rule:\n%s", out)
			}
			assertNoSecrets(t, "hook output", []byte(out), []string{pat})
		})
	}
}
