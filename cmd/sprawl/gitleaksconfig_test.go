package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// TestGitleaksConfigCarriesOver: a scanned folder's .gitleaks.toml adds its
// rules and allowlists and turns off its [extend] disabledRules, as in
// gitleaks; an [extend] path, which would make sprawl read another file on
// this machine, is not followed.
func TestGitleaksConfigCarriesOver(t *testing.T) {
	g := fake.New(17)
	acme := "acme_" + g.String("abcdefghijklmnopqrstuvwxyz0123456789", 32)
	slack, pat, fixturePAT, outside := g.SlackBot(), g.GitHubPAT(), g.GitHubPAT(), "outside_"+g.String("abcdefghijklmnopqrstuvwxyz", 24)
	for _, tt := range []struct {
		name, config string
		want, not    []string // secrets reported, and not
	}{
		{"extend default", `
title = "acme"
[extend]
useDefault = true
disabledRules = ["slack-bot-token"]
[[rules]]
id = "acme-internal-key"
description = "ACME internal key"
regex = '''acme_[a-z0-9]{32}'''
keywords = ["acme_"]
[allowlist]
paths = ['''(^|/)fixtures/''']
`, []string{acme, pat}, []string{slack, fixturePAT}},
		{"extend path not followed", `
[extend]
path = "../outside.toml"
`, []string{slack, pat}, []string{outside}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "repo")
			// Plain prose: no keyword-and-operator line for a generic rule.
			files := map[string]string{
				"repo/.gitleaks.toml":     tt.config,
				"repo/docs/notes.txt":     "internal " + acme + "\nThe bot posts as " + slack + " in #deploys.\nuse " + pat + "\nx " + outside + "\n",
				"repo/fixtures/notes.txt": "use " + fixturePAT + "\n",
				"outside.toml":            "[[rules]]\nid = \"outside\"\nregex = '''outside_[a-z]{24}'''\nkeywords = [\"outside_\"]\n",
			}
			for name, content := range files {
				p := filepath.Join(root, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			have, h := sprawlJSON(t, dir, "scan")
			found := func(path, secret string) bool { return have[path+"\x00"+h.Fingerprint(secret)] }
			for _, s := range tt.want {
				if !found("docs/notes.txt", s) {
					t.Errorf("secret %s… not reported", s[:4])
				}
			}
			for _, s := range tt.not {
				if found("docs/notes.txt", s) || found("fixtures/notes.txt", s) {
					t.Errorf("secret %s… reported", s[:4])
				}
			}
		})
	}
}

// TestAllowlistedPathsSilenceEveryDetector: paths a project's gitleaks
// allowlists (in .gitleaks.toml or .sprawl.toml, paths alone) hold no
// finding of any detector — a configuration check's included — while the
// same files elsewhere are reported; an allowlist that also names regexes
// leaves other detectors alone.
func TestAllowlistedPathsSilenceEveryDetector(t *testing.T) {
	tf := "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci\"\n}\n\nresource \"aws_iam_access_key\" \"ci\" {\n  user = aws_iam_user.ci.name\n}\n"
	for _, tt := range []struct {
		name, file, config string
		silenced           bool
	}{
		{"gitleaks allowlist", ".gitleaks.toml", "[allowlist]\npaths = ['''(^|/)fixtures/''']\n", true},
		{"sprawl allowlists", ".sprawl.toml", "[[allowlists]]\ndescription = \"test data\"\npaths = ['''^fixtures/''']\n", true},
		{"allowlist with regexes", ".gitleaks.toml", "[allowlist]\npaths = ['''(^|/)fixtures/''']\nregexes = ['''never-matches-x''']\ncondition = \"AND\"\n", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range map[string]string{tt.file: tt.config, "fixtures/main.tf": tf, "infra/main.tf": tf} {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runCLI(t, "scan", "--quiet", "--format", "json", dir)
			if code != ExitFindings {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rule := "config/tf-aws-iam-access-key"
			if !hasFinding(t, stdout, rule, "infra/main.tf") {
				t.Fatalf("%s not reported outside the allowlisted path", rule)
			}
			if got := hasFinding(t, stdout, rule, "fixtures/main.tf"); got == tt.silenced {
				t.Errorf("%s in fixtures/main.tf reported: %v, want %v", rule, got, !tt.silenced)
			}
			// The identity the check derives points at the file reported
			// (one identity: both files name the same user).
			if tt.silenced && (!hasFinding(t, stdout, "identity/workload-identity", "infra/main.tf") ||
				hasFinding(t, stdout, "identity/workload-identity", "fixtures/main.tf")) {
				t.Error("the identity is not derived from the reported file alone")
			}
		})
	}
}
