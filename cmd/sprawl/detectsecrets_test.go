package main

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// TestDetectSecretsBaselineCarriesOver: a repository moving from Yelp's
// detect-secrets keeps the secrets its .secrets.baseline accepted. The
// secrets of a random history's checkout are written, as detect-secrets
// keeps them (hex SHA-1 per file), for every other (path, secret) pair;
// sprawl must drop exactly those, in the tree and in history — except one
// an audit marked real ("is_secret": true), which stays reported.
func TestDetectSecretsBaselineCarriesOver(t *testing.T) {
	if testing.Short() {
		t.Skip("gitleaks runs skipped in -short mode")
	}
	dir := filepath.Join(t.TempDir(), "repo")
	gitgen.Build(t, dir, randomHistory(rand.New(rand.NewPCG(11, 3)), ruleGenerators(t), true))
	tree := gitleaksDir(t, dir)
	all, h := sprawlJSON(t, dir, "scan")
	type pair struct{ path, secret string }
	var pairs []pair
	seen := map[pair]bool{}
	for _, f := range tree {
		p := pair{f.File, f.Secret}
		if !seen[p] && all[p.path+"\x00"+h.Fingerprint(p.secret)] {
			seen[p] = true
			pairs = append(pairs, p)
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.path+a.secret, b.path+b.secret) })
	if len(pairs) < 6 {
		t.Fatalf("weak test: %d (path, secret) pairs", len(pairs))
	}
	type entry struct {
		Type         string `json:"type"`
		Filename     string `json:"filename"`
		HashedSecret string `json:"hashed_secret"`
		IsVerified   bool   `json:"is_verified"`
		LineNumber   int    `json:"line_number"`
		IsSecret     *bool  `json:"is_secret,omitempty"`
	}
	results := map[string][]entry{}
	accepted := map[pair]bool{}
	real := true
	for i, p := range pairs {
		if i%2 != 0 {
			continue
		}
		sum := sha1.Sum([]byte(p.secret))
		e := entry{Type: "Secret Keyword", Filename: p.path, HashedSecret: hex.EncodeToString(sum[:]), LineNumber: 1}
		if i == 0 {
			e.IsSecret = &real // audited as a real secret: still reported
		} else {
			accepted[p] = true
		}
		results[p.path] = append(results[p.path], e)
	}
	// A digest listed for another file accepts nothing here.
	other := sha1.Sum([]byte(pairs[1].secret))
	results["elsewhere.py"] = []entry{{Type: "Secret Keyword", Filename: "elsewhere.py", HashedSecret: hex.EncodeToString(other[:]), LineNumber: 3}}
	doc, err := json.MarshalIndent(map[string]any{"version": "1.5.0", "plugins_used": []any{}, "results": results}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".secrets.baseline"), doc, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"scan"}, {"scan", "--history"}} {
		after, _ := sprawlJSON(t, dir, args...)
		for _, p := range pairs {
			if reported := after[p.path+"\x00"+h.Fingerprint(p.secret)]; reported == accepted[p] {
				t.Errorf("%v: %s: accepted by the baseline: %v, reported: %v", args, p.path, accepted[p], reported)
			}
		}
	}
}
