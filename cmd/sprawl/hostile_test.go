package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/fixtures/hostile"
)

// maxRSSKiB is the documented ceiling for one scan of any hostile input
// here: 1 GiB.
const maxRSSKiB = 1 << 20

// runChild runs a built sprawl and returns its exit code, output and peak RSS.
func runChild(t *testing.T, bin string, args ...string) (int, string, int64) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	return code, out.String(), rss
}

// TestHostileInputs scans inputs built to hurt a scanner and checks that
// each scan finishes with the right notes and exit code, within the memory
// ceiling, and that no secret leaks.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sprawl and 100,000 files")
	}
	bin := filepath.Join(t.TempDir(), "sprawl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	g := fake.New(666)
	pat := g.GitHubPAT()

	t.Run("tree", func(t *testing.T) {
		dir := t.TempDir()
		hostile.SparseFile(t, filepath.Join(dir, "huge.bin"), 2<<30)
		hostile.WideTree(t, filepath.Join(dir, "wide"), 100_000)
		hostile.SymlinkLoop(t, dir)
		hostile.LongLine(t, filepath.Join(dir, "one-line.json"), 50<<20, pat)
		code, out, rss := runChild(t, bin, "scan", "--format", "json", "--max-file-size", "64000000", dir)
		if code != ExitFindings {
			t.Fatalf("exit %d:\n%.2000s", code, out)
		}
		var doc struct {
			Repos []struct {
				Stats struct {
					Files   int64
					Skipped map[string]int64
				}
			}
			Findings []struct {
				RuleID   string
				Location struct{ Path string }
			}
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("bad JSON: %v", err)
		}
		st := doc.Repos[0].Stats
		if st.Files != 100_001 || st.Skipped["skipped-large"] != 1 || st.Skipped["skipped-symlink"] != 2 {
			t.Errorf("stats %+v: want 100,001 files, the sparse file skipped as large, 2 links not followed", st)
		}
		found := false
		for _, f := range doc.Findings {
			found = found || (f.RuleID == "secret/github-pat" && f.Location.Path == "one-line.json")
		}
		if !found {
			t.Error("the secret inside the 50 MiB line was missed")
		}
		if rss > maxRSSKiB {
			t.Errorf("peak RSS %d KiB over the %d KiB ceiling", rss, maxRSSKiB)
		}
		assertNoSecrets(t, "output", []byte(out), []string{pat})
		t.Logf("peak RSS %d MiB", rss/1024)
	})

	t.Run("evil git tree names", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "evil.git")
		hostile.EvilTreeRepo(t, dir, "TOKEN="+pat+"\n")
		code, out, rss := runChild(t, bin, "scan", "--history", "--format", "sarif", dir)
		if code != ExitFindings {
			t.Fatalf("exit %d:\n%.2000s", code, out)
		}
		if strings.Contains(out, `"uri": "..`) || strings.Contains(out, `"uri": "./`) || strings.Contains(out, "a\nb.env") {
			t.Errorf("a report path steps outside the repository or holds a raw newline")
		}
		if !strings.Contains(out, "%252E%252E/etc/passwd") || !strings.Contains(out, "a%0Ab.env") {
			t.Errorf("escaped paths missing:\n%.3000s", out)
		}
		if rss > maxRSSKiB {
			t.Errorf("peak RSS %d KiB", rss)
		}
		assertNoSecrets(t, "output", []byte(out), []string{pat})
	})

	t.Run("missing object", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "repo")
		gitgen.Build(t, dir, gitgen.Script{Steps: []gitgen.Step{
			gitgen.Commit{Label: "a", Files: map[string]string{"a.env": "TOKEN=" + pat + "\n", "b.txt": "fine\n"}},
		}})
		gitgen.RemoveObject(t, dir, gitgen.BlobID("fine\n"))
		code, out, _ := runChild(t, bin, "scan", "--history", dir)
		if code != ExitFindings || !strings.Contains(out, gitgen.BlobID("fine\n")) {
			t.Errorf("exit %d; want findings and a note naming the missing object:\n%s", code, out)
		}
		assertNoSecrets(t, "output", []byte(out), []string{pat})
	})
	_ = os.Remove
}
