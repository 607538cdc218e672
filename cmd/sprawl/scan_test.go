package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
)

// plantedTree writes a tree of files holding freshly generated secrets and
// returns the root and the secret values.
func plantedTree(t *testing.T) (string, []string) {
	t.Helper()
	g := fake.New(uint64(time.Now().UnixNano()))
	keyID, awsSecret, pat, slack, stripe := g.AWSKeyID(), g.AWSSecret(), g.GitHubPAT(), g.SlackBot(), g.StripeLive()
	dbPass := g.Password(18)
	jwt := g.JWT("https://issuer.example.test", "svc-batch", time.Now().Add(-time.Hour), 0)
	pemKey := g.PrivateKeyPEM()
	files := map[string]string{
		"deploy/aws.env":      "AWS_ACCESS_KEY_ID=" + keyID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + "\n",
		"app/config.go":       "package app\n\nconst githubToken = \"" + pat + "\"\n",
		"app/notify.py":       "SLACK = '" + slack + "'\nSTRIPE_KEY = \"" + stripe + "\"\n",
		"db/settings.env":     "DATABASE_URL=postgres://orders:" + dbPass + "@db.internal:5432/orders\n",
		"copies/settings.env": "DATABASE_URL=postgres://orders:" + dbPass + "@db.internal:5432/orders\n",
		"auth/token.txt":      "bearer " + jwt + "\n",
		"keys/service.pem":    pemKey,
		"docs/README.md":      "Use AKIAIOSFODNN7EXAMPLE and ${GITHUB_TOKEN} in examples.\n",
	}
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pemBody := strings.Split(pemKey, "\n")[1]
	return root, []string{keyID, awsSecret, pat, slack, stripe, dbPass, jwt, pemBody}
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// hasFinding reports whether the JSON report in stdout holds a finding of
// rule (e.g. "secret/github-pat") at path (slash-separated).
func hasFinding(t *testing.T, stdout, rule, path string) bool {
	t.Helper()
	return slices.Contains(rulePaths(t, []byte(stdout), rule), path)
}

// rulePaths returns the paths of a JSON report's findings of rule, sorted.
func rulePaths(t *testing.T, raw []byte, rule string) []string {
	t.Helper()
	var rep jsonreport.Document
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range rep.Findings {
		if f.RuleID == rule {
			paths = append(paths, filepath.ToSlash(f.Location.Path))
		}
	}
	slices.Sort(paths)
	return paths
}

// assertNoSecrets fails when any secret, or its tail after the 4-character
// preview, appears in data.
func assertNoSecrets(t *testing.T, where string, data []byte, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) || (len(s) > 12 && bytes.Contains(data, []byte(s[4:]))) {
			t.Errorf("%s contains a detected secret value (%.4s…)", where, s)
		}
	}
}

func TestScanNeverWritesSecrets(t *testing.T) {
	root, secrets := plantedTree(t)
	for _, format := range []string{"text", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "scan", "--format", format, root)
			if code != ExitFindings {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, ExitFindings, stderr)
			}
			assertNoSecrets(t, format+" stdout", []byte(stdout), secrets)
			assertNoSecrets(t, format+" stderr", []byte(stderr), secrets)

			out := filepath.Join(t.TempDir(), "report."+format)
			summary := filepath.Join(t.TempDir(), "summary.md")
			code, stdout, stderr = runCLI(t, "scan", "--format", format, "--out", out, "--summary", summary, root)
			if code != ExitFindings {
				t.Fatalf("exit code %d with --out; stderr: %s", code, stderr)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			assertNoSecrets(t, format+" file", data, secrets)
			md, err := os.ReadFile(summary)
			if err != nil || !strings.Contains(string(md), "secret/github-pat") {
				t.Errorf("markdown summary missing or incomplete: %v", err)
			}
			assertNoSecrets(t, format+" markdown summary", md, secrets)
			assertNoSecrets(t, format+" summary", []byte(stdout+stderr), secrets)
			if format == "sarif" {
				if err := sarifcheck.Validate(data); err != nil {
					t.Errorf("SARIF invalid: %v", err)
				}
			}
		})
	}
}

func TestScanFindsPlantedSecrets(t *testing.T) {
	root, _ := plantedTree(t)
	code, stdout, stderr := runCLI(t, "scan", "--format", "json", root)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Findings []struct {
			RuleID   string
			Location struct {
				Path      string
				StartLine int
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range doc.Findings {
		got[f.Location.Path+" "+f.RuleID] = true
	}
	for _, want := range []string{
		"deploy/aws.env secret/aws-access-token",
		"app/config.go secret/github-pat",
		"app/notify.py secret/slack-bot-token",
		"app/notify.py secret/stripe-access-token",
		"db/settings.env secret/connection-url-password",
		"auth/token.txt secret/jwt",
		"keys/service.pem secret/private-key",
		"copies/settings.env sprawl/duplicated-secret",
	} {
		if !got[want] {
			t.Errorf("missing finding %q; got %v", want, keys(got))
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "docs/") {
			t.Errorf("decoy flagged: %s", k)
		}
	}
}

// -f, -o and -q are --format, --out and --quiet.
func TestScanShortFlags(t *testing.T) {
	root, _ := plantedTree(t)
	out := filepath.Join(t.TempDir(), "report.sarif")
	code, stdout, stderr := runCLI(t, "scan", "-q", "-f", "sarif", "-o", out, root)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("-q printed %q", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"version": "2.1.0"`) {
		t.Errorf("-f sarif -o FILE did not write SARIF: %.200s", b)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestExitCodes(t *testing.T) {
	clean := t.TempDir()
	if err := os.WriteFile(filepath.Join(clean, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	planted, _ := plantedTree(t)
	missing := filepath.Join(clean, "nope")
	tests := []struct {
		name  string
		args  []string
		want  int
		named []string // paths stderr must name
	}{
		{"clean tree", []string{"scan", clean}, ExitClean, nil},
		{"missing path", []string{"scan", missing}, ExitError, []string{missing}},
		// One path that cannot be opened does not stop the others.
		{"missing path among others", []string{"scan", missing, planted}, ExitFindings, []string{missing}},
		{"every path missing", []string{"scan", missing, missing + "2"}, ExitError, []string{missing, missing + "2"}},
		{"not a repository", []string{"scan", "--history", clean}, ExitError, []string{clean}},
		{"not a repository among others", []string{"scan", "--history", clean, missing}, ExitError, []string{clean, missing}},
		{"unknown flag", []string{"scan", "--bogus", clean}, ExitError, nil},
		// Flags may follow the paths, as with git and gitleaks.
		{"flag after the path", []string{"scan", planted, "--fail-on", "never"}, ExitClean, nil},
		{"flags around the paths", []string{"scan", "--fail-on", "never", clean, "--quiet", planted}, ExitClean, nil},
		{"unknown flag after the path", []string{"scan", clean, "--bogus"}, ExitError, nil},
		{"age in days", []string{"scan", "--max-age", "30d", clean}, ExitClean, nil},
		{"age as a duration", []string{"scan", "--max-age", "720h", clean}, ExitClean, nil},
		{"bad age", []string{"scan", "--max-age", "30x", clean}, ExitError, []string{"30x"}},
		// After "--" everything is a path, even what looks like a flag.
		{"-- ends the flags", []string{"scan", clean, "--", "--fail-on"}, ExitClean, []string{"cannot scan --fail-on"}},
		{"unknown format", []string{"scan", "--format", "xml", clean}, ExitError, nil},
		{"unknown command", []string{"frobnicate"}, ExitError, nil},
		{"no command", nil, ExitError, nil},
		{"version", []string{"version"}, ExitClean, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d (stderr: %s)", code, tt.want, stderr)
			}
			for _, p := range tt.named {
				if !strings.Contains(stderr, p) {
					t.Errorf("stderr does not name %s: %s", p, stderr)
				}
			}
		})
	}
}

func TestFingerprintsStableAcrossRuns(t *testing.T) {
	root, _ := plantedTree(t)
	fps := func() string {
		_, stdout, _ := runCLI(t, "scan", "--format", "sarif", root)
		var log struct {
			Runs []struct {
				Results []struct {
					Partial map[string]string `json:"partialFingerprints"`
				}
			}
		}
		if err := json.Unmarshal([]byte(stdout), &log); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range log.Runs[0].Results {
			b.WriteString(r.Partial["primaryLocationLineHash"] + "\n")
		}
		return b.String()
	}
	if a, b := fps(), fps(); a != b || a == "" {
		t.Errorf("fingerprints changed between runs")
	}
}

func TestStdin(t *testing.T) {
	g := fake.New(7)
	pat := g.GitHubPAT()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"scan", "--format", "json", "-"}, strings.NewReader("token="+pat+"\n"), &out, &errb)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "secret/github-pat") {
		t.Errorf("stdin secret not found")
	}
	assertNoSecrets(t, "stdout", out.Bytes(), []string{pat})
}
