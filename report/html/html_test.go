package html

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/scanners"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func commit(n, age int) *scanners.Commit {
	return &scanners.Commit{Hash: fmt.Sprintf("%040x", 0xc0ffee00+n), Author: "dev", Time: now.Add(-time.Duration(age) * 24 * time.Hour)}
}

// fixture is a generated multi-repo scan: secrets (some still at HEAD,
// some only in history, one copied across repositories) and CI config
// findings naming workloads. It returns the result and the secret values.
func fixture(t *testing.T) (*engine.Result, []string) {
	t.Helper()
	g := fake.New(uint64(time.Now().UnixNano()))
	h := detectors.NewHasher([]byte("emit-key"), []byte("link-key"))
	repos := []string{"acme/api", "acme/ops", "acme/web", "acme/<script>alert(1)</script>"}
	res := &engine.Result{Started: now}
	for _, r := range repos {
		res.Repos = append(res.Repos, engine.RepoResult{Repo: &scanners.Repo{Name: r, URI: "https://github.com/" + r}, History: true, KeySource: "env"})
	}
	res.Repos = append(res.Repos, engine.RepoResult{Repo: &scanners.Repo{Name: "acme/empty"}, History: true})

	type plant struct {
		rule, kind, value string
		repo, path        string
		line, age         int
		inHead            bool
	}
	pat, stripe, slack, pass := g.GitHubPAT(), g.StripeLive(), g.SlackBot(), g.Password(20)
	awsID, awsSecret := g.AWSKeyID(), g.AWSSecret()
	plants := []plant{
		{"github-pat", "github-classic-pat", pat, repos[0], "app/config.go", 3, 400, true},
		{"github-pat", "github-classic-pat", pat, repos[1], "deploy/token.txt", 1, 200, true},
		{"github-pat", "github-classic-pat", pat, repos[2], "ci/env.sh", 7, 20, false},
		{"stripe-access-token", "stripe-secret-key", stripe, repos[0], "billing/keys.py", 12, 120, false},
		{"slack-bot-token", "slack-token", slack, repos[2], "notify/slack.js", 5, 3, true},
		{"generic-password", "", pass, repos[3], "db/settings.env", 2, 45, true},
		{"aws-access-token", "aws-access-key", awsID, repos[1], "infra/aws.env", 1, 800, true},
	}
	for i, p := range plants {
		c := commit(i, p.age)
		f := detectors.Finding{
			RuleID:   "secret/" + p.rule,
			Message:  p.rule + " found",
			Location: detectors.Location{Repo: p.repo, Path: p.path, StartLine: p.line, StartColumn: 1, EndLine: p.line, EndColumn: 40, Commit: c},
			Secret:   h.Facts(p.value),
			History:  &detectors.HistoryFacts{FirstSeen: c, LastSeen: c, InHead: p.inHead},
		}
		f.Secret.Kind = p.kind
		f.Secret.IdentityKey = strings.TrimPrefix(p.rule, "generic-") + ":" + f.Secret.Fingerprint[:16]
		if !p.inHead {
			f.History.RemovedIn = commit(100+i, p.age/2)
		}
		if p.rule == "stripe-access-token" { // only a closed pull request keeps it
			f.History.OnlyInRefs, f.History.OnlyInRefsTotal = []string{"refs/pull/12/head"}, 1
		}
		res.Findings = append(res.Findings, f)
	}
	for i, w := range []struct{ repo, job, cred, kind, control string }{
		{repos[1], "deploy", "secrets.AWS_ACCESS_KEY_ID", "aws-access-key", "static-secret"},
		{repos[0], "release", "secrets.GH_TOKEN", "github-classic-pat", "static-secret"},
		{repos[2], "nightly", "secrets.DB_PASSWORD", "", "rotation"},
	} {
		path := ".github/workflows/" + w.job + ".yml"
		res.Findings = append(res.Findings, detectors.Finding{
			RuleID:   "config/gha-static-cloud-credential",
			Message:  "static credential in CI",
			Location: detectors.Location{Repo: w.repo, Path: path, StartLine: 10 + i, StartColumn: 7, EndLine: 10 + i, EndColumn: 50},
			Workload: &detectors.WorkloadFacts{Kind: "ephemeral", Platform: "github-actions", Name: "job " + w.job + " in " + path,
				CurrentControl: w.control, Federation: true, Credential: w.cred, CredentialKind: w.kind},
		})
	}
	return res, []string{pat, stripe, slack, pass, awsID, awsSecret}
}

func render(t *testing.T) (*correlator.Report, string, []string) {
	t.Helper()
	return renderWith(t, Options{ToolVersion: "test"})
}

func renderWith(t *testing.T, opts Options) (*correlator.Report, string, []string) {
	t.Helper()
	res, secrets := fixture(t)
	r := correlator.Correlate(res, correlator.Options{Now: now, Lifecycle: true, IdentityFindings: true})
	var b bytes.Buffer
	if err := Write(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	return r, b.String(), secrets
}

func card(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `"><span class="n">(\d+)</span>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no card %s", id)
	}
	return m[1]
}

func TestCounts(t *testing.T) {
	r, page, _ := render(t)
	if len(r.Identities) < 4 {
		t.Fatalf("fixture makes only %d identities", len(r.Identities))
	}
	misfits := 0
	verdicts := map[string]int{}
	for _, id := range r.Identities {
		verdicts[id.Recommendation]++
		if id.Misfit {
			misfits++
		}
	}
	if got := card(t, page, "count-identities"); got != fmt.Sprint(len(r.Identities)) {
		t.Errorf("identities card %s, want %d", got, len(r.Identities))
	}
	if got := card(t, page, "count-misfits"); got != fmt.Sprint(misfits) {
		t.Errorf("misfit card %s, want %d", got, misfits)
	}
	// pat, slack, password, AWS key at HEAD; stripe only in history.
	if got := card(t, page, "count-head"); got != "4" {
		t.Errorf("secrets at HEAD %s, want 4", got)
	}
	if got := card(t, page, "count-history"); got != "1" {
		t.Errorf("secrets only in history %s, want 1", got)
	}
	if got := card(t, page, "count-refs"); got != "1" {
		t.Errorf("secrets on no branch or tag %s, want 1", got)
	}
	for v, n := range verdicts {
		want := fmt.Sprintf(`<tr data-verdict="%s"><th scope="row"><span class="badge v-%s">%s</span></th><td class="num">%d</td>`, v, v, v, n)
		if !strings.Contains(page, want) {
			t.Errorf("verdict %s: count %d not shown", v, n)
		}
	}
	if got := strings.Count(page, `<tbody class="ident"`); got != len(r.Identities) {
		t.Errorf("%d inventory rows, want %d", got, len(r.Identities))
	}
	if got := strings.Count(page, `<tr class="main">`); got != len(r.Identities) {
		t.Errorf("%d main rows, want %d", got, len(r.Identities))
	}
	for _, id := range r.Identities {
		if !strings.Contains(page, "<code>"+template_escape(id.Key)+"</code>") {
			t.Errorf("identity %s not in the page", id.Key)
		}
	}
}

func template_escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

func TestReposChartsAndEscaping(t *testing.T) {
	r, page, _ := render(t)
	for _, rr := range r.Repos {
		if !strings.Contains(page, "<code>"+template_escape(rr.Repo.Name)+"</code>") {
			t.Errorf("repository %s not named", rr.Repo.Name)
		}
	}
	if strings.Contains(page, "<script>alert(1)") {
		t.Error("a repository name was not escaped")
	}
	if n := strings.Count(page, "<script>"); n != 1 {
		t.Errorf("%d script elements, want 1", n)
	}
	if !strings.Contains(page, "Most findings: <strong>acme/api</strong>") && !strings.Contains(page, "Most findings: <strong>acme/ops</strong>") {
		t.Error("top repositories missing")
	}
	svgs := regexp.MustCompile(`(?s)<svg [^>]*role="img"[^>]*>\s*<title id="[^"]+">([^<]+)</title>`).FindAllStringSubmatch(page, -1)
	if len(svgs) != 2 || svgs[0][1] != "Age of secrets" || svgs[1][1] != "Copies per secret" {
		t.Errorf("charts: %v", svgs)
	}
	if !strings.Contains(page, "Occurrences (3)") {
		t.Error("the PAT's three occurrences are not listed")
	}
	if !strings.Contains(page, "— only in history") {
		t.Error("history-only identity not labelled")
	}
}

func TestSelfContained(t *testing.T) {
	_, page, _ := render(t)
	for _, m := range regexp.MustCompile(`(?i)\b(src|href|xlink:href|action)\s*=\s*["']?([^"'\s>]*)`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[2], "#") {
			t.Errorf("external reference %s=%q", m[1], m[2])
		}
	}
	for _, bad := range []string{"http://", "https://", "<link", "@import", "<iframe", "<img"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

func TestNoSecretValues(t *testing.T) {
	for i := 0; i < 3; i++ { // fresh values each time
		_, page, secrets := render(t)
		for _, s := range secrets {
			if strings.Contains(page, s) || strings.Contains(page, s[4:]) || strings.Contains(page, template_escape(s)) || strings.Contains(page, template_escape(s[4:])) {
				t.Fatalf("the page contains a planted secret value (%.4s…)", s)
			}
		}
	}
}

func TestEmpty(t *testing.T) {
	r := correlator.Correlate(&engine.Result{}, correlator.Options{Now: now})
	var b bytes.Buffer
	if err := Write(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No non-human identities found.") {
		t.Error("empty report does not say so")
	}
	if strings.Contains(b.String(), "No age known") {
		t.Error("an empty report blames missing history for the empty age chart")
	}
}

func TestSweepChart(t *testing.T) {
	res, _ := fixture(t)
	r := correlator.Correlate(res, correlator.Options{Now: now, Lifecycle: true, IdentityFindings: true})
	points := func(n int) []SweepPoint {
		var out []SweepPoint
		for i := 1; i <= n; i++ {
			out = append(out, SweepPoint{ID: int64(i), Started: now.AddDate(0, 0, i-n), New: 10 * i, Fixed: i, Open: 100 + i})
		}
		return out
	}
	for _, tc := range []struct {
		name         string
		points       []SweepPoint
		groups, rows int
	}{
		{"no datastore", nil, 0, 0},
		{"three sweeps", points(3), 3, 3},
		{"more sweeps than the chart holds", points(MaxSweeps + 8), MaxSweeps, MaxSweeps + 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, r, Options{Sweeps: tc.points}); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			if tc.groups == 0 {
				if strings.Contains(page, "chart-sweeps") {
					t.Error("a sweep chart without sweeps")
				}
				return
			}
			svg := page[strings.Index(page, `<svg id="chart-sweeps"`):]
			svg = svg[:strings.Index(svg, "</svg>")]
			if got := strings.Count(svg, `<rect class="bar"`); got != 3*tc.groups+3 { // bars with a count > 0, plus the legend
				t.Errorf("%d bars and swatches, want %d", got, 3*tc.groups+3)
			}
			for _, p := range tc.points[len(tc.points)-tc.groups:] {
				for _, want := range []string{
					fmt.Sprintf("sweep #%d, new: %d.", p.ID, p.New),
					fmt.Sprintf("sweep #%d, fixed: %d.", p.ID, p.Fixed),
					fmt.Sprintf("sweep #%d, still open: %d.", p.ID, p.Open),
				} {
					if !strings.Contains(svg, want) {
						t.Errorf("chart description lacks %q", want)
					}
				}
			}
			table := regexp.MustCompile(`(?s)<table class="chart-data">.*?</table>`).FindString(page)
			if got := strings.Count(table, `<th scope="row">`); got != tc.rows {
				t.Errorf("data table has %d sweeps, want %d", got, tc.rows)
			}
			last := tc.points[len(tc.points)-1]
			if want := fmt.Sprintf(`<td class="num">%d</td><td class="num">%d</td><td class="num">%d</td>`, last.New, last.Fixed, last.Open); !strings.Contains(table, want) {
				t.Errorf("data table lacks the newest sweep's row %s", want)
			}
		})
	}
}
