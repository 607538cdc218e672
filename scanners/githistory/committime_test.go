package githistory_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// TestCommitWithoutTime: hand-made commits whose committer line has no
// time are dated by their author; with no time anywhere the commit's time
// is unknown (zero), not 1970 — which would make a secret 56 years old.
func TestCommitWithoutTime(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	git := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	git("", "init", "-q")
	tests := []struct {
		name, signatures string
		want             int64 // Unix seconds; 0: unknown
	}{
		{"author time only", "author Ann <a@example.com> 1700000000 +0000\ncommitter Ann <a@example.com>\n", 1700000000},
		{"no time at all", "author Ann <a@example.com>\ncommitter Ann <a@example.com> later\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blob := git(tt.name+"\n", "hash-object", "-w", "--stdin")
			tree := git("100644 blob "+blob+"\tconfig.txt\n", "mktree")
			commit := git("tree "+tree+"\n"+tt.signatures+"\nhand-made\n", "hash-object", "-w", "-t", "commit", "--literally", "--stdin")
			git("", "update-ref", "refs/heads/main", commit)
			sink, _, _ := scan(t, filepath.Join(dir), githistory.Options{})
			f, ok := sink.frags[blob]
			if !ok {
				t.Fatalf("blob %s not scanned", blob)
			}
			c := f.Occurrences[0].Commit
			if c == nil || c.Hash != commit {
				t.Fatalf("introduced by %v, want %s", c, commit)
			}
			if tt.want == 0 && !c.Time.IsZero() {
				t.Errorf("time %v, want unknown (zero)", c.Time)
			}
			if tt.want != 0 && c.Time.Unix() != tt.want {
				t.Errorf("time %v, want %d", c.Time, tt.want)
			}
		})
	}
}
