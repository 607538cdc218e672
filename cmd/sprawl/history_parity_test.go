package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/lucasjones/reggen"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

// TestHistoryAgreesWithGitleaks is a differential test of the history
// scan: a random history (edits, moves, renames, deletes, branches and
// merges, bulk additions and long minified lines; packed with deltas or
// loose) whose lines hold text generated from
// gitleaks rules' own patterns and realistic fake secrets is scanned by
// `gitleaks git` (its default log options, run in process) and by `sprawl
// scan --history`. Every (path, secret) gitleaks reports, sprawl must
// report too; secrets are compared by keyed fingerprint and never printed.
func TestHistoryAgreesWithGitleaks(t *testing.T) {
	if testing.Short() {
		t.Skip("history parity skipped in -short mode")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("gitleaks git needs the git binary")
	}
	gens := ruleGenerators(t)
	type history struct {
		name string
		seed uint64
		pack bool
	}
	cases := []history{{"packed", 1, true}, {"loose", 2, false}, {"packed-2", 3, true}}
	// SPRAWL_DIFF_HISTORIES=N adds N more random histories.
	if n, err := strconv.Atoi(os.Getenv("SPRAWL_DIFF_HISTORIES")); err == nil {
		for i := range n {
			cases = append(cases, history{fmt.Sprintf("extra-%d", i), uint64(100 + i), i%2 == 0})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "repo")
			gitgen.Build(t, dir, randomHistory(rand.New(rand.NewPCG(tc.seed, 9)), gens, tc.pack))
			checkHistoryParity(t, dir)
		})
	}
}

// ruleGenerators returns a generator of matches for each of gitleaks'
// default rules, in rule id order.
func ruleGenerators(t *testing.T) []*reggen.Generator {
	t.Helper()
	gl, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	var gens []*reggen.Generator
	ids := make([]string, 0, len(gl.Config.Rules))
	for id, r := range gl.Config.Rules {
		if r.Regex != nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for i, id := range ids {
		if g, err := reggen.NewGenerator(gl.Config.Rules[id].Regex.String()); err == nil {
			g.SetSeed(int64(i)) // reproducible histories
			gens = append(gens, g)
		}
	}
	return gens
}

// randomHistory scripts about 60 commits over a handful of files.
func randomHistory(r *rand.Rand, gens []*reggen.Generator, pack bool) gitgen.Script {
	g := fake.New(r.Uint64())
	paths := []string{"config/app.yaml", ".env", "src/main.go", "deploy/values.json", "settings.py", "README.md", "scripts/deploy.sh", "k8s/secret.yaml"}
	filler := []string{"replicas: 3", "func main() {", "}", "", "# deploy notes", `  "name": "api",`, "log.Printf(\"ready\")", "export PATH=$PATH:/opt/bin"}
	secretLine := func() string {
		switch r.IntN(6) {
		case 0:
			return "GITHUB_TOKEN=" + g.GitHubPAT()
		case 1:
			return "aws_access_key_id = " + g.AWSKeyID()
		case 2:
			return `  "slack": "` + g.SlackBot() + `",`
		default:
			return strings.ReplaceAll(gens[r.IntN(len(gens))].Generate(r.IntN(12)+1), "\x00", "")
		}
	}
	files := map[string][]string{}
	var steps []gitgen.Step
	branches := 0
	onBranch := ""
	for i := 0; i < 60; i++ {
		c := gitgen.Commit{Label: fmt.Sprintf("c%d", i), Branch: onBranch, Files: map[string]string{}}
		for n := r.IntN(3) + 1; n > 0; n-- {
			p := paths[r.IntN(len(paths))]
			if _, gone := files[p]; !gone && len(files) > 0 && r.IntN(3) == 0 {
				continue
			}
			lines := files[p]
			switch op := r.IntN(12); {
			case op >= 10: // many lines at once, or a long minified one
				at := r.IntN(len(lines) + 1)
				var add []string
				if op == 10 {
					for k := r.IntN(150); k >= 0; k-- {
						add = append(add, filler[r.IntN(len(filler))])
					}
				} else {
					var b strings.Builder
					for b.Len() < 20000+r.IntN(60000) {
						fmt.Fprintf(&b, `{"id":%d},`, r.IntN(1e6))
					}
					add = []string{b.String() + secretLine()}
				}
				lines = append(lines[:at:at], append(add, lines[at:]...)...)
			case op < 4 || len(lines) == 0: // add lines
				at := r.IntN(len(lines) + 1)
				add := []string{secretLine()}
				if r.IntN(2) == 0 {
					add = append(add, filler[r.IntN(len(filler))])
				}
				lines = append(lines[:at:at], append(add, lines[at:]...)...)
			case op < 6: // edit a line
				j := r.IntN(len(lines))
				if l := lines[j]; len(l) > 4 {
					k := r.IntN(len(l) - 1)
					lines[j] = l[:k] + string(rune('a'+r.IntN(26))) + l[k+1:]
				}
			case op < 8: // delete a line
				j := r.IntN(len(lines))
				lines = append(lines[:j:j], lines[j+1:]...)
			default: // move a line to another file
				j := r.IntN(len(lines))
				q := paths[r.IntN(len(paths))]
				if q != p {
					files[q] = append(files[q], lines[j])
					c.Files[q] = strings.Join(files[q], "\n") + "\n"
					lines = append(lines[:j:j], lines[j+1:]...)
				}
			}
			files[p] = lines
			c.Files[p] = strings.Join(lines, "\n") + "\n"
		}
		if i > 5 && r.IntN(12) == 0 {
			var p string
			for q := range files {
				if p == "" || q < p {
					p = q
				}
			}
			if p != "" {
				if _, ok := c.Files[p]; !ok {
					c.Delete = []string{p}
					delete(files, p)
				}
			}
		}
		steps = append(steps, c)
		switch {
		case onBranch == "" && r.IntN(10) == 0:
			branches++
			onBranch = fmt.Sprintf("feature-%d", branches)
			steps = append(steps, gitgen.Branch{Name: onBranch, From: c.Label})
		case onBranch != "" && r.IntN(5) == 0:
			steps = append(steps, gitgen.Merge{Label: fmt.Sprintf("m%d", i), Into: "main", From: []string{onBranch}})
			onBranch = ""
		}
	}
	return gitgen.Script{Steps: steps, Pack: pack}
}

// gitleaksGit runs gitleaks' git scan (default log options) in process.
func gitleaksGit(t *testing.T, dir string) []report.Finding {
	t.Helper()
	ctx := context.Background()
	gl, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := sources.NewGitLogCmdContext(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	found, err := gl.DetectSource(ctx, &sources.Git{Cmd: cmd, Config: &gl.Config, Remote: &sources.RemoteInfo{}, Sema: gl.Sema, MaxArchiveDepth: gl.MaxArchiveDepth})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// sprawlJSON runs sprawl with args plus a JSON report and returns its
// findings, keyed "path\x00fingerprint", and a hasher that keys gitleaks'
// secrets the same way for the repository at dir.
func sprawlJSON(t *testing.T, dir string, args ...string) (map[string]bool, *detectors.Hasher) {
	t.Helper()
	key := "history-parity-key"
	t.Setenv("SPRAWL_FINGERPRINT_KEY", key)
	out := filepath.Join(t.TempDir(), "sprawl.json")
	args = append(args, "--quiet", "--format", "json", "--out", out, dir)
	if code, _, stderr := runCLI(t, args...); code > 1 {
		t.Fatalf("sprawl %s exited %d: %s", strings.Join(args, " "), code, stderr)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc jsonreport.Document
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range doc.Findings {
		if f.Secret != nil {
			have[f.Location.Path+"\x00"+f.Secret.Fingerprint] = true
		}
	}
	repo := &scanners.Repo{Name: dir}
	if r, err := git.PlainOpen(dir); err == nil {
		repoinfo.Fill(repo, r)
	}
	emitKey, _ := engine.FingerprintKey([]byte(key), repo)
	return have, detectors.NewHasher(emitKey, nil)
}

func checkHistoryParity(t *testing.T, dir string) {
	t.Helper()
	found := gitleaksGit(t, dir)
	if len(found) < 20 {
		t.Fatalf("weak history: gitleaks found %d secrets", len(found))
	}
	have, h := sprawlJSON(t, dir, "scan", "--history")
	missed := 0
	want := map[string]bool{}
	for _, f := range found {
		k := f.File + "\x00" + h.Fingerprint(f.Secret)
		if want[k] {
			continue
		}
		want[k] = true
		if !have[k] {
			missed++
			t.Errorf("gitleaks found, sprawl missed: %s in %s, commit %.12s (preview %s)", f.RuleID, f.File, f.Commit, detectors.Preview(f.Secret))
		}
	}
	t.Logf("gitleaks: %d distinct (path, secret); sprawl: %d; %d missed", len(want), len(have), missed)
}
