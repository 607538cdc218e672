package inventory

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func report() *correlator.Report {
	first := now.Add(-200 * 24 * time.Hour)
	return &correlator.Report{
		Result: &engine.Result{},
		Now:    now,
		MaxAge: 90 * 24 * time.Hour,
		Identities: []correlator.Identity{
			{
				Key: "postgres://app@db.internal", Kind: "database-password", Name: "Database password", Workload: "persistent",
				Recommendation: "rotation", CurrentControl: "static-secret", Copies: 2,
				Workloads:   []string{"application in acme/api"},
				Reasons:     []string{"persistent use (application in acme/api)"},
				FirstAction: "move the password to a secret store with scheduled rotation",
				Occurrences: []detectors.Location{{Repo: "acme/api", Path: "config/app.yml", StartLine: 3}},
			},
			{
				Key: "github-actions:secrets.AWS|KEY@acme/api", Kind: "aws-access-key", Workload: "shared",
				Recommendation: "workload-identity", CurrentControl: "static-secret", Misfit: true,
				Misfits:   []string{"shared by 2 workloads"},
				Workloads: []string{"job a in .github/workflows/a.yml", "job b in .github/workflows/b.yml"},
				FirstSeen: &first, AgeDays: 200,
				FirstAction: "replace the key with OIDC role assumption (role-to-assume, permissions: id-token: write)",
				Occurrences: []detectors.Location{{Repo: "acme/api", Path: ".github/workflows/a.yml", StartLine: 10}},
			},
		},
	}
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, report(), "text"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines:\n%s", len(lines), b.String())
	}
	// Misfits first; columns aligned under the header.
	if !strings.HasPrefix(lines[1], "github-actions:secrets.AWS|KEY@acme/api") {
		t.Errorf("misfit identity is not first:\n%s", b.String())
	}
	col := strings.Index(lines[0], "VERDICT")
	for _, l := range lines[1:3] {
		if !strings.HasPrefix(l[col:], "workload-identity") && !strings.HasPrefix(l[col:], "rotation") {
			t.Errorf("VERDICT column not aligned in %q", l)
		}
	}
	for _, s := range []string{"200d", "job a in .github/workflows/a.yml (+1 more)", "yes: shared by 2 workloads", " -  ", "2 identities (1 workload-identity, 1 rotation), 1 misfit"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, b.String())
		}
	}
}

func TestMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, report(), "markdown"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range []string{
		"### Non-human identities",
		"| Identity | Kind | Where used | Workload | Age | Copies | Current control | Verdict | Misfit | First action |",
		"| `github-actions:secrets.AWS\\|KEY@acme/api` |",
		"| **yes: shared by 2 workloads** |",
		"| `postgres://app@db.internal` | database-password |",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("markdown lacks %q:\n%s", s, out)
		}
	}
	// Every table row has the header's number of unescaped cell separators.
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "| ") {
			continue
		}
		if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 11 {
			t.Errorf("row has %d separators: %q", n, l)
		}
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, report(), "json"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		MaxAgeDays int   `json:"maxAgeDays"`
		Identities []Row `json:"identities"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.MaxAgeDays != 90 || len(got.Identities) != 2 {
		t.Fatalf("got %+v", got)
	}
	a, p := got.Identities[0], got.Identities[1]
	if a.Verdict != "workload-identity" || !a.Misfit || a.AgeDays == nil || *a.AgeDays != 200 || a.Location != "acme/api:.github/workflows/a.yml:10" {
		t.Errorf("first row %+v", a)
	}
	if p.AgeDays != nil || p.Copies != 2 || p.Verdict != "rotation" {
		t.Errorf("second row %+v", p)
	}
}

func TestEmptyAndUnknownFormat(t *testing.T) {
	empty := &correlator.Report{Result: &engine.Result{}, Now: now}
	for _, f := range []string{"text", "markdown"} {
		var b bytes.Buffer
		if err := Write(&b, empty, f); err != nil || !strings.Contains(b.String(), "No non-human identities found.") {
			t.Errorf("%s: %v %q", f, err, b.String())
		}
	}
	var b bytes.Buffer
	if err := Write(&b, empty, "json"); err != nil || !strings.Contains(b.String(), `"identities": []`) {
		t.Errorf("json: %v %q", err, b.String())
	}
	if err := Write(&b, empty, "csv"); err == nil {
		t.Error("csv accepted")
	}
}
