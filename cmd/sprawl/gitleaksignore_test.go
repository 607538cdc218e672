package main

import (
	"cmp"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// TestGitleaksIgnoreCarriesOver: a repository moving from gitleaks keeps
// its .gitleaksignore. Fingerprints gitleaks itself computes for a random
// history (commit:file:rule:line) and for the checked-out tree
// (file:rule:line) are written to .gitleaksignore for every other
// (path, secret); sprawl must then drop exactly those and keep the rest.
func TestGitleaksIgnoreCarriesOver(t *testing.T) {
	if testing.Short() {
		t.Skip("gitleaks runs skipped in -short mode")
	}
	dir := filepath.Join(t.TempDir(), "repo")
	gitgen.Build(t, dir, randomHistory(rand.New(rand.NewPCG(7, 9)), ruleGenerators(t), true))

	tree := gitleaksDir(t, dir)
	for _, mode := range []struct {
		name  string
		found []report.Finding
		args  []string
	}{
		{"history", gitleaksGit(t, dir), []string{"scan", "--history"}},
		{"tree", tree, []string{"scan"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			if err := os.Remove(filepath.Join(dir, ".gitleaksignore")); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			all, h := sprawlJSON(t, dir, mode.args...)
			// gitleaks reports in no fixed order: sort, so that the pairs
			// listed are the same on every run.
			slices.SortFunc(mode.found, func(a, b report.Finding) int {
				return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Commit, b.Commit),
					cmp.Compare(a.StartLine, b.StartLine), strings.Compare(a.RuleID, b.RuleID), cmp.Compare(a.StartColumn, b.StartColumn))
			})
			pairs := map[string][]string{} // (path, secret) -> gitleaks fingerprints
			var order []string
			for _, f := range mode.found {
				k := f.File + "\x00" + h.Fingerprint(f.Secret)
				if !all[k] {
					continue // not reported by sprawl to begin with (placeholders)
				}
				fp := f.Fingerprint
				if mode.name == "tree" {
					fp = f.File + ":" + f.RuleID + ":" + strconv.Itoa(f.StartLine)
				}
				if _, ok := pairs[k]; !ok {
					order = append(order, k)
				}
				pairs[k] = append(pairs[k], fp)
			}
			if len(order) < 10 {
				t.Fatalf("weak test: %d (path, secret) pairs", len(order))
			}
			var lines []string
			ignored := map[string]bool{}
			for i, k := range order {
				if i%2 == 0 {
					ignored[k] = true
					lines = append(lines, pairs[k]...)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, ".gitleaksignore"), []byte("# accepted\n"+strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			after, _ := sprawlJSON(t, dir, mode.args...)
			for _, k := range order {
				path, _, _ := strings.Cut(k, "\x00")
				if after[k] == ignored[k] {
					t.Errorf("%s: listed in .gitleaksignore: %v, still reported: %v (%s)", path, ignored[k], after[k], strings.Join(pairs[k], " "))
				}
			}
			t.Logf("%d pairs, %d ignored", len(order), len(lines))
		})
	}
}

// gitleaksDir returns what gitleaks' default rules find in dir's files,
// with paths relative to dir.
func gitleaksDir(t *testing.T, dir string) []report.Finding {
	t.Helper()
	gl, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	tree, err := gl.DetectSource(context.Background(), &sources.Files{Config: &gl.Config, Path: dir, Sema: gl.Sema, MaxFileSize: 10 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for i := range tree {
		tree[i].File = strings.TrimPrefix(filepath.ToSlash(strings.TrimPrefix(tree[i].File, dir)), "/")
	}
	return tree
}
