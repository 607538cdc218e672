package main

import (
	"encoding/json"
	"testing"
	"unicode/utf16"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
)

// utf16LE encodes s as UTF-16LE, with a byte order mark when bom is set.
func utf16LE(s string, bom bool) string {
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return string(out)
}

// TestUTF16FilesAreScanned: files Windows tools write in UTF-16 (a
// PowerShell redirection with a byte order mark, a registry export, one
// without a mark) hold NUL bytes, yet they are text: their secrets are
// found in the working tree, in history and when staged, at the line and
// UTF-16 column they are on.
func TestUTF16FilesAreScanned(t *testing.T) {
	g := fake.New(41)
	pat, staged := g.GitHubPAT(), g.GitHubPAT()
	r := newTestRepo(t)
	r.write("scripts/deploy.ps1", utf16LE("# Déploiement ✓\r\n$token = \""+pat+"\"\r\n", true))
	r.add("scripts/deploy.ps1")
	r.commit("deploy script")

	type at struct {
		path      string
		line, col int
	}
	findings := func(args ...string) map[at]bool {
		t.Helper()
		code, stdout, stderr := runCLI(t, append(args, "--quiet", "--format", "json", r.dir)...)
		if code != ExitFindings {
			t.Fatalf("sprawl %v exited %d: %s", args, code, stderr)
		}
		var doc jsonreport.Document
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatal(err)
		}
		got := map[at]bool{}
		for _, f := range doc.Findings {
			if f.RuleID == "secret/github-pat" {
				got[at{f.Location.Path, f.Location.StartLine, f.Location.StartColumn}] = true
			}
		}
		return got
	}
	want := at{"scripts/deploy.ps1", 2, len(`$token = "`) + 1}
	for _, args := range [][]string{{"scan"}, {"scan", "--history"}} {
		if got := findings(args...); !got[want] {
			t.Errorf("sprawl %v: github-pat at %v not reported (got %v)", args, want, got)
		}
	}
	r.write("settings.reg", utf16LE("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Acme]\r\n\"Token\"=\""+staged+"\"\r\n", false))
	r.add("settings.reg")
	if got := findings("scan", "--staged"); !got[at{"settings.reg", 4, len(`"Token"="`) + 1}] {
		t.Errorf("staged UTF-16 file without a byte order mark: github-pat not reported (got %v)", got)
	}
}
