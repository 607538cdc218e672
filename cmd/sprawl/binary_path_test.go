package main

import (
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
)

// TestBinaryFilesMeetPathRules: a PKCS #12 keystore is binary, so its
// content is not scanned, but gitleaks' pkcs12-file rule needs only its
// path — in a working tree, in history and staged for a commit.
func TestBinaryFilesMeetPathRules(t *testing.T) {
	keystore := "0\x82\x0a\x00\x02\x01\x030\x82\x09\xc6" + string(make([]byte, 64)) // a DER header, then NULs
	dir := t.TempDir()
	gitgen.Build(t, dir, gitgen.Script{Steps: []gitgen.Step{
		gitgen.Commit{Label: "c1", Files: map[string]string{"certs/client.p12": keystore, "README.md": "docs\n"}},
	}})
	staged := t.TempDir()
	gitgen.Git(t, staged, "", nil, "init", "-q", "-b", "main")
	gitgen.WriteFile(t, staged, "deploy/server.pfx", keystore)
	gitgen.Git(t, staged, "", nil, "add", "-A")
	for _, c := range []struct {
		name string
		args []string
		path string
	}{
		{"working tree", []string{"scan", "--format", "json", dir}, "certs/client.p12"},
		{"history", []string{"scan", "--history", "--format", "json", dir}, "certs/client.p12"},
		{"staged", []string{"scan", "--staged", "--format", "json", staged}, "deploy/server.pfx"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, c.args...)
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d (findings); stderr: %s", code, ExitFindings, stderr)
			}
			if !hasFinding(t, stdout, "secret/pkcs12-file", c.path) {
				t.Errorf("no secret/pkcs12-file finding for %s", c.path)
			}
		})
	}
}
