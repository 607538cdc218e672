package main

import (
	"bytes"
	"encoding/json"
	imagepng "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sprawl-dev/sprawl/internal/browser/browsertest"
)

// TestExampleProject runs the README's first command on the bundled example
// and checks what a reader is promised: secrets found, one identity per AWS
// key pair with a workload-identity verdict, a duplicated password.
func TestExampleProject(t *testing.T) {
	code, stdout, stderr := runCLI(t, "scan", "--format", "json", "../../fixtures/example")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Findings []struct {
			RuleID   string
			Location struct{ Path string }
		}
		Identities []struct {
			Kind, Recommendation string
			Misfit               bool
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	rules := map[string]int{}
	for _, f := range doc.Findings {
		rules[f.RuleID]++
	}
	for _, want := range []string{"secret/aws-access-token", "secret/aws-access-key-pair", "sprawl/duplicated-secret",
		"lifecycle/long-lived-secret", "identity/workload-identity", "identity/rotation"} {
		if rules[want] == 0 {
			t.Errorf("no %s finding in the example; got %v", want, rules)
		}
	}
	aws := 0
	for _, id := range doc.Identities {
		if id.Kind == "aws-access-key" || id.Kind == "aws-secret-access-key" {
			aws++
			if id.Recommendation != "workload-identity" || !id.Misfit {
				t.Errorf("AWS key in CI: verdict %s misfit %v, want workload-identity misfit", id.Recommendation, id.Misfit)
			}
		}
	}
	if aws != 1 {
		t.Errorf("the AWS key id and its secret form %d identities, want 1", aws)
	}
}

// exampleSecrets returns the secret values a scan of the bundled example
// finds, cut out of its files at the columns the findings give (the files
// are ASCII, so UTF-16 columns are byte columns). Each must start with its
// finding's preview, so a wrong cut cannot pass unnoticed.
func exampleSecrets(t *testing.T) []string {
	t.Helper()
	code, stdout, stderr := runCLI(t, "scan", "--format", "json", exampleDir)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Findings []struct {
			RuleID   string
			Location struct {
				Path                            string
				StartLine, StartColumn, EndLine int
				EndColumn                       int
			}
			Secret *struct{ Preview string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range doc.Findings {
		l := f.Location
		if !strings.HasPrefix(f.RuleID, "secret/") || f.Secret == nil || l.StartLine != l.EndLine {
			continue
		}
		data, err := os.ReadFile(filepath.Join(exampleDir, filepath.FromSlash(l.Path)))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		line := lines[l.StartLine-1]
		if l.StartColumn < 1 || l.EndColumn-1 > len(line) || l.EndColumn <= l.StartColumn {
			t.Fatalf("%s:%d: columns %d-%d outside the line", l.Path, l.StartLine, l.StartColumn, l.EndColumn)
		}
		v := line[l.StartColumn-1 : l.EndColumn-1]
		if p := strings.TrimSuffix(f.Secret.Preview, "…"); len(v) < 8 || !strings.HasPrefix(v, p) {
			t.Fatalf("%s:%d: the secret cut at columns %d-%d does not start with its preview", l.Path, l.StartLine, l.StartColumn, l.EndColumn)
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %d secrets in the example", len(out))
	}
	return out
}

const exampleDir = "../../fixtures/example"

// TestExampleReport: the README's screenshot is of the example's HTML
// report, which holds none of the example's (fake) secrets, as written and
// as a browser shows it; the picture is small and the README shows it.
func TestExampleReport(t *testing.T) {
	secrets := exampleSecrets(t)
	page := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := runCLI(t, "scan", "--quiet", "--html", page, exampleDir); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, "the example's HTML report", data, secrets)

	png := "../../docs/report.png"
	raw, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("the README's screenshot: %v (make screenshot)", err)
	}
	if len(raw) > 300<<10 {
		t.Errorf("%s is %d KiB, keep it under 300", png, len(raw)>>10)
	}
	cfg, err := imagepng.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width < 800 || cfg.Width > 1600 || cfg.Height < 600 || cfg.Height > 2400 {
		t.Errorf("%s: %dx%d, %v; want a PNG 800-1600 wide, 600-2400 high", png, cfg.Width, cfg.Height, err)
	}
	assertNoSecrets(t, png, raw, secrets)
	readme, _ := os.ReadFile("../../README.md")
	if !bytes.Contains(readme, []byte("](docs/report.png)")) {
		t.Error("README.md does not show docs/report.png")
	}

	t.Run("in a browser", func(t *testing.T) {
		b := browsertest.Start(t, 1100, 900)
		abs, _ := filepath.Abs(page)
		p := browsertest.Open(t, b, "file://"+filepath.ToSlash(abs))
		text, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`(function () {
			document.querySelectorAll("details").forEach(function (d) { d.open = true; });
			return document.body.innerText; })()`))
		if err != nil {
			t.Fatal(err)
		}
		browsertest.Problems(t, p, "the example's report")
		assertNoSecrets(t, "the example's report as shown", []byte(text), secrets)
		if !strings.Contains(text, "non-human identities") {
			t.Error("the page shows no inventory")
		}
	})
}
