package load

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/report/html"
	"github.com/sprawl-dev/sprawl/report/inventory"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
	"github.com/sprawl-dev/sprawl/scanners"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

type plant struct {
	repo, path, rule, value string
	line, age               int
	inHead                  bool
}

// scan builds the correlated report of a multi-repository history scan
// holding the planted secrets, fingerprinted under one key (as shards
// sharing SPRAWL_FINGERPRINT_KEY are).
func scan(t *testing.T, plants []plant) *correlator.Report {
	t.Helper()
	h := detectors.NewHasher([]byte("shared-key"), []byte("link-key"))
	res := &engine.Result{Started: now}
	seen := map[string]bool{}
	for i, p := range plants {
		if !seen[p.repo] {
			seen[p.repo] = true
			res.Repos = append(res.Repos, engine.RepoResult{Repo: &scanners.Repo{Name: p.repo}, History: true})
		}
		c := &scanners.Commit{Hash: fmt.Sprintf("%040x", i+1), Time: now.AddDate(0, 0, -p.age)}
		f := detectors.Finding{RuleID: "secret/" + p.rule, Message: p.rule,
			Location: detectors.Location{Repo: p.repo, Path: p.path, StartLine: p.line, StartColumn: 1, EndLine: p.line, EndColumn: 30, Commit: c},
			Secret:   h.Facts(p.value),
			History:  &detectors.HistoryFacts{FirstSeen: c, LastSeen: c, InHead: p.inHead}}
		f.Secret.Kind = "github-classic-pat"
		f.Secret.IdentityKey = p.rule + ":" + f.Secret.Fingerprint[:16]
		res.Findings = append(res.Findings, f)
	}
	return correlator.Correlate(res, correlator.Options{Now: now, Lifecycle: true, IdentityFindings: true})
}

func fixture(t *testing.T) ([]plant, []string) {
	g := fake.New(uint64(time.Now().UnixNano()))
	shared, own, old := g.GitHubPAT(), g.GitHubPAT(), g.GitHubPAT()
	return []plant{
		{"acme/api", "app/config.go", "github-pat", shared, 3, 400, true},
		{"acme/api", "ci/token.txt", "github-pat", own, 1, 20, true},
		{"acme/ops", "deploy/token.txt", "github-pat", shared, 1, 200, true},
		{"acme/web", "old/env.sh", "github-pat", old, 7, 90, false},
	}, []string{shared, own, old}
}

func page(t *testing.T, r *correlator.Report, o html.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := html.Write(&b, r, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func jsonOf(t *testing.T, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestScanRoundTrip: a scan's JSON output renders the same page as the
// scan itself.
func TestScanRoundTrip(t *testing.T) {
	plants, secrets := fixture(t)
	r := scan(t, plants)
	raw := jsonOf(t, func(b *bytes.Buffer) error { return jsonreport.Write(b, r, "test") })
	in, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if in.FromSweeps || len(in.Sweeps) != 0 {
		t.Errorf("a scan result read as an inventory: %+v", in)
	}
	if !reflect.DeepEqual(inventory.Rows(in.Report), inventory.Rows(r)) {
		t.Errorf("inventory rows differ after the round trip:\n%+v\n%+v", inventory.Rows(in.Report), inventory.Rows(r))
	}
	in.Report.MaxAge = r.MaxAge // not in the JSON document
	want, got := page(t, r, html.Options{}), page(t, in.Report, in.HTMLOptions(""))
	if got != want {
		t.Errorf("the page from the JSON output differs from the scan's page")
	}
	for _, s := range secrets {
		if strings.Contains(got, s) || strings.Contains(got, s[4:]) {
			t.Fatalf("page holds a secret (%.4s…)", s)
		}
	}
}

func TestReadRejects(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"not JSON", "# a README\n", "not sprawl JSON"},
		{"another tool's JSON", `{"tool": "gitleaks", "findings": []}`, `no "tool": "sprawl"`},
		{"SARIF", `{"version": "2.1.0", "runs": []}`, `no "tool": "sprawl"`},
		{"neither kind", `{"tool": "sprawl", "schemaVersion": 1}`, "neither a scan result nor an inventory"},
		{"broken scan result", `{"tool": "sprawl", "findings": 3}`, "reading the scan result"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestMergeShards: the scan split by repository into shards, each
// rendered apart and merged, gives the identities of one scan of
// everything, the shared secret joined across repositories.
func TestMergeShards(t *testing.T) {
	plants, _ := fixture(t)
	whole := scan(t, plants)
	var shards []*Input
	for _, repos := range [][]string{{"acme/api"}, {"acme/ops", "acme/web"}} {
		var part []plant
		for _, p := range plants {
			if slices.Contains(repos, p.repo) {
				part = append(part, p)
			}
		}
		raw := jsonOf(t, func(b *bytes.Buffer) error { return jsonreport.Write(b, scan(t, part), "test") })
		in, err := Read(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, in)
	}
	m := Merge(shards...)
	keys := func(r *correlator.Report) []string {
		var k []string
		for _, id := range r.Identities {
			k = append(k, id.Key)
		}
		slices.Sort(k)
		return k
	}
	if got, want := keys(m.Report), keys(whole); !slices.Equal(got, want) {
		t.Fatalf("merged identities %v, want %v", got, want)
	}
	if len(m.Report.Repos) != 3 || len(m.Report.Findings) != len(shards[0].Report.Findings)+len(shards[1].Report.Findings) {
		t.Errorf("merged %d repositories and %d findings", len(m.Report.Repos), len(m.Report.Findings))
	}
	for _, id := range m.Report.Identities {
		var w correlator.Identity
		for _, x := range whole.Identities {
			if x.Key == id.Key {
				w = x
			}
		}
		if !slices.Equal(sorted(id.Repos), sorted(w.Repos)) || len(id.Occurrences) != len(w.Occurrences) || id.Copies != w.Copies {
			t.Errorf("%s: repos %v, %d places, %d copies; one scan says %v, %d, %d",
				id.Key, id.Repos, len(id.Occurrences), id.Copies, w.Repos, len(w.Occurrences), w.Copies)
		}
		if id.InHistoryOnly != w.InHistoryOnly || id.AgeDays != w.AgeDays {
			t.Errorf("%s: history only %v, age %d; one scan says %v, %d", id.Key, id.InHistoryOnly, id.AgeDays, w.InHistoryOnly, w.AgeDays)
		}
		if len(id.Repos) > 1 && (!id.Misfit || !slices.Contains(id.Misfits, "used in 2 repositories")) {
			t.Errorf("%s is in %d repositories but not marked: misfit %v %v", id.Key, len(id.Repos), id.Misfit, id.Misfits)
		}
	}
	// Merging a result with itself changes nothing but the order.
	twice := Merge(shards[0], shards[0])
	if !reflect.DeepEqual(inventory.Rows(twice.Report), inventory.Rows(shards[0].Report)) {
		t.Errorf("a result merged with itself differs:\n%+v\n%+v", inventory.Rows(twice.Report), inventory.Rows(shards[0].Report))
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestInventory: a datastore's inventory becomes a report with the
// repositories by name, identities with their places, and the timeline.
func TestInventory(t *testing.T) {
	ctx := context.Background()
	s, err := datastore.Open(ctx, filepath.Join(t.TempDir(), "sprawl.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fp := strings.Repeat("ab", 32)
	sec := func(key, path string, line int, inHead bool) datastore.Finding {
		return datastore.Finding{Key: key, Rule: "secret/github-pat", Fingerprint: fp, Preview: "ghp_…", Kind: "github-classic-pat",
			IdentityKey: "github-pat:" + fp[:16], Path: path, Line: line, Commit: strings.Repeat("c", 40), InHead: inHead}
	}
	idn := datastore.Identity{Key: "github-pat:" + fp[:16], Kind: "github-classic-pat", Recommendation: "rotation", Reasons: []string{"long-lived"}, Copies: 1}
	sw1, _ := s.BeginSweep(ctx, "")
	for _, r := range []datastore.RepoResult{
		{SweepID: sw1.ID, URL: "https://git.example/acme/api.git", Name: "acme/api", Outcome: datastore.RepoDone, Full: true,
			Findings: []datastore.Finding{sec("k1", "app/config.go", 3, true)}, Identities: []datastore.Identity{idn}},
		{SweepID: sw1.ID, URL: "https://git.example/acme/ops.git", Name: "acme/ops", Outcome: datastore.RepoDone, Full: true,
			Findings: []datastore.Finding{sec("k2", "deploy/token.txt", 1, true)}, Identities: []datastore.Identity{idn}},
		{SweepID: sw1.ID, URL: "https://git.example/acme/gone.git", Name: "acme/gone", Outcome: datastore.RepoFailed, Error: "clone failed"},
	} {
		if err := s.RecordRepo(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	sw2, _ := s.BeginSweep(ctx, "")
	if err := s.RecordRepo(ctx, datastore.RepoResult{SweepID: sw2.ID, URL: "https://git.example/acme/ops.git", Name: "acme/ops",
		Outcome: datastore.RepoDone, LeftHead: []string{"k2"}}); err != nil {
		t.Fatal(err)
	}
	inv, err := s.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Through the JSON file a sweep writes (--inventory), as a shard's
	// result would arrive.
	in, err := Read(bytes.NewReader(jsonOf(t, func(b *bytes.Buffer) error { return inv.WriteJSON(b) })))
	if err != nil {
		t.Fatal(err)
	}
	r := in.Report
	if !in.FromSweeps || len(in.Sweeps) != 2 || in.Sweeps[1].Fixed != 1 || in.Sweeps[1].Open != 1 {
		t.Errorf("timeline %+v", in.Sweeps)
	}
	var names, failed []string
	for _, rr := range r.Repos {
		names = append(names, rr.Repo.Name)
		if rr.Err != "" {
			failed = append(failed, rr.Repo.Name+": "+rr.Err)
		}
	}
	if !slices.Equal(sorted(names), []string{"acme/api", "acme/gone", "acme/ops"}) || !slices.Equal(failed, []string{"acme/gone: clone failed"}) {
		t.Errorf("repositories %v, failed %v", names, failed)
	}
	if len(r.Identities) != 1 {
		t.Fatalf("identities %+v", r.Identities)
	}
	id := r.Identities[0]
	if !slices.Equal(id.Repos, []string{"acme/api", "acme/ops"}) || len(id.Occurrences) != 2 || id.InHistoryOnly || !id.Misfit {
		t.Errorf("identity %+v", id)
	}
	for _, o := range id.Occurrences {
		if o.Repo != "acme/api" && o.Repo != "acme/ops" {
			t.Errorf("occurrence in %q, want a repository name, not its URL", o.Repo)
		}
	}
	opts := in.HTMLOptions("test")
	if len(opts.Sweeps) != 2 || opts.Sweeps[0].ID != sw1.ID || !strings.Contains(opts.AgeFrom, "sweep") {
		t.Errorf("page options %+v", opts)
	}
	p := page(t, r, opts)
	for _, want := range []string{`<svg id="chart-sweeps"`, "failed: clone failed", "<code>acme/ops</code>", "Occurrences (2)", "ghp_…"} {
		if !strings.Contains(p, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
