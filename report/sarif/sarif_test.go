package sarif

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
)

func resolver(t *testing.T) *rules.Resolver {
	t.Helper()
	r, err := rules.NewResolver(nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// report builds a correlated report with n findings spread over repos.
func report(repos, n int) *correlator.Report {
	res := &engine.Result{}
	for i := 0; i < repos; i++ {
		res.Repos = append(res.Repos, engine.RepoResult{Repo: &scanners.Repo{Name: fmt.Sprintf("org/repo-%02d", i)}})
	}
	var fs []detectors.Finding
	for i := 0; i < n; i++ {
		fs = append(fs, detectors.Finding{
			RuleID:   []string{"secret/github-pat", "secret/generic-api-key"}[i%2],
			Message:  "a secret",
			Location: detectors.Location{Repo: fmt.Sprintf("org/repo-%02d", i%repos), Path: fmt.Sprintf("dir %d/file[%d].env", i%7, i), StartLine: 1 + i%50, StartColumn: 1, EndLine: 1 + i%50, EndColumn: 10},
			Secret:   &detectors.SecretFacts{Fingerprint: fmt.Sprintf("%064x", i), Preview: "ghp_…"},
		})
	}
	return &correlator.Report{Result: res, Findings: fs}
}

func write(t *testing.T, r *correlator.Report, opts Options) ([]byte, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(buf.Bytes()); err != nil {
		t.Fatalf("invalid SARIF: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), doc
}

func TestLimits(t *testing.T) {
	t.Run("results per run", func(t *testing.T) {
		raw, doc := write(t, report(1, MaxResultsPerRun+40), Options{Rules: resolver(t)})
		run := doc["runs"].([]any)[0].(map[string]any)
		if n := len(run["results"].([]any)); n != MaxResultsPerRun {
			t.Errorf("%d results, want %d", n, MaxResultsPerRun)
		}
		if !bytes.Contains(raw, []byte("least severe were left out")) {
			t.Error("no notification about the cut")
		}
		// The most severe rule survives the cut.
		if !bytes.Contains(raw, []byte(`"ruleId": "secret/github-pat"`)) {
			t.Error("severe results were cut")
		}
	})
	t.Run("runs per file", func(t *testing.T) {
		raw, doc := write(t, report(MaxRuns+5, 100), Options{Rules: resolver(t)})
		if n := len(doc["runs"].([]any)); n != MaxRuns {
			t.Errorf("%d runs, want %d", n, MaxRuns)
		}
		if !bytes.Contains(raw, []byte("5 repositories were left out")) {
			t.Error("no notification about left-out repositories")
		}
	})
	t.Run("compressed size", func(t *testing.T) {
		raw, _ := write(t, report(1, 3000), Options{Rules: resolver(t), maxGzip: 20 << 10})
		if gzipSize(raw) > 20<<10 {
			t.Errorf("compressed size %d over the limit", gzipSize(raw))
		}
		if !bytes.Contains(raw, []byte("10 MB compressed limit")) {
			t.Error("no notification about the size cut")
		}
	})
}

func TestPathsAndFingerprints(t *testing.T) {
	r := report(1, 3)
	r.Findings[0].Location.Path = "odd name/ü\n[x].env"
	raw, doc := write(t, r, Options{Rules: resolver(t)})
	if bytes.Contains(raw, []byte("\\n[x]")) {
		t.Error("newline in a path written raw into a URI")
	}
	res := doc["runs"].([]any)[0].(map[string]any)["results"].([]any)
	for _, x := range res {
		fp := x.(map[string]any)["partialFingerprints"].(map[string]any)["primaryLocationLineHash"].(string)
		if !strings.HasSuffix(fp, ":1") || len(fp) != 34 {
			t.Errorf("primaryLocationLineHash %q", fp)
		}
	}
	// Moving a finding to another line keeps its fingerprint.
	moved := r.Findings[1]
	moved.Location.StartLine += 40
	if LineHash(moved) != LineHash(r.Findings[1]) {
		t.Error("line hash depends on the line number")
	}
}

func TestRepositoryURI(t *testing.T) {
	for in, want := range map[string]string{
		"git@github.com:acme/app.git":     "https://github.com/acme/app",
		"https://github.com/acme/app.git": "https://github.com/acme/app",
		"ssh://git@host.example/acme/app": "ssh://git@host.example/acme/app",
		"":                                "",
		"/local/path":                     "",
	} {
		if got := RepositoryURI(in); got != want {
			t.Errorf("RepositoryURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzWrite: whatever paths and messages findings carry, the file is valid
// SARIF that GitHub accepts.
func FuzzWrite(f *testing.F) {
	f.Add("src/a.go", "a secret", 3, 5)
	f.Add("dir with space/ü\x00\n.env", "msg with [link](1) and \x1b", 0, -4)
	f.Add("", "", 1<<30, 1)
	res := resolverForFuzz(f)
	f.Fuzz(func(t *testing.T, path, msg string, line, col int) {
		r := report(1, 2)
		r.Findings[0].Location = detectors.Location{Repo: "org/repo-00", Path: path, StartLine: line, StartColumn: col, EndLine: line, EndColumn: col + 1}
		r.Findings[0].Message = msg
		r.Findings[1].Related = []detectors.Location{{Path: path, StartLine: line}}
		var buf bytes.Buffer
		if err := Write(&buf, r, Options{Rules: res}); err != nil {
			t.Fatal(err)
		}
		if err := sarifcheck.Validate(buf.Bytes()); err != nil {
			t.Fatalf("invalid SARIF for path %q line %d col %d: %v", path, line, col, err)
		}
	})
}

func resolverForFuzz(f *testing.F) *rules.Resolver {
	r, err := rules.NewResolver(nil)
	if err != nil {
		f.Fatal(err)
	}
	return r
}
