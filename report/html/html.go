// Package html writes a correlated report as one self-contained HTML page
// for a security team: identities by verdict and misfit, secrets at HEAD
// versus only in history, the repositories with the most findings, inline
// SVG charts (age of secrets, copies per secret) and the identity inventory
// as a sortable, filterable table whose rows expand to their occurrences
// and reasons.
//
// The page loads nothing: CSS, script and charts are inline, and it holds
// no secret value, only the previews and fingerprints findings carry.
// Everything is escaped by html/template.
package html

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/report/inventory"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Options tune the page.
type Options struct {
	// Title heads the page (default "sprawl report").
	Title string
	// ToolVersion is shown in the footer.
	ToolVersion string
	// TopRepos bounds the "repositories with the most findings" list
	// (0 = 10).
	TopRepos int
	// Sweeps, from the sweep datastore, adds the chart of new, fixed and
	// still open findings over sweeps.
	Sweeps []SweepPoint
	// AgeFrom says what ages count from (default "their secret was first
	// committed"; the datastore knows when a sweep first saw it).
	AgeFrom string
}

// Verdicts in the order the page shows them.
var verdicts = []string{"workload-identity", "dynamic-secret", "rotation"}

type verdictCount struct {
	Verdict string
	Count   int
	Misfit  int
}

type repoCount struct {
	Name     string
	Findings int
	Err      string
}

type occurrence struct {
	Repo, Path, Commit, CommitTime, Preview, Fingerprint string
	Line                                                 int
}

type row struct {
	inventory.Row
	AgeSort     int
	Repos       string
	Occurrences []occurrence
	History     bool
}

type page struct {
	Title, Version, Now string
	MaxAgeDays          int
	Identities          int
	Misfits             int
	Verdicts            []verdictCount
	SecretsAtHead       int
	SecretsHistoryOnly  int
	// SecretsOnlyInRefs counts history-only secrets that no branch or tag
	// reaches (pull request refs, the stash: --all-refs).
	SecretsOnlyInRefs int
	Findings          int
	TopRepos          []repoCount
	Repos             []repoCount
	MoreRepos         int
	Charts            []chart
	Rows              []row
	Kinds, Workloads  []string
	VerdictOptions    []string
	RepoOptions       []string
}

// Write renders r as one HTML page to w.
func Write(w io.Writer, r *correlator.Report, opts Options) error {
	if opts.Title == "" {
		opts.Title = "sprawl report"
	}
	if opts.TopRepos <= 0 {
		opts.TopRepos = 10
	}
	if opts.AgeFrom == "" {
		opts.AgeFrom = "their secret was first committed"
	}
	p := build(r, opts)
	return pageTmpl.Execute(w, p)
}

func build(r *correlator.Report, opts Options) *page {
	p := &page{Title: opts.Title, Version: opts.ToolVersion, Now: r.Now.UTC().Format(time.RFC3339),
		MaxAgeDays: int(r.MaxAge / (24 * time.Hour)), Identities: len(r.Identities), Findings: len(r.Findings)}

	// Identities by verdict.
	by := map[string]*verdictCount{}
	for _, v := range verdicts {
		by[v] = &verdictCount{Verdict: v}
	}
	for _, id := range r.Identities {
		vc := by[id.Recommendation]
		if vc == nil {
			vc = &verdictCount{Verdict: id.Recommendation}
			by[id.Recommendation] = vc
		}
		vc.Count++
		if id.Misfit {
			vc.Misfit++
			p.Misfits++
		}
	}
	for _, v := range sortedKeys(by, verdicts) {
		p.Verdicts = append(p.Verdicts, *by[v])
	}

	// Secrets at HEAD vs only in history, by fingerprint; of those, the
	// ones only refs outside branches and tags reach.
	atHead, onBranch := map[string]bool{}, map[string]bool{}
	for _, f := range r.Findings {
		if f.Secret == nil || f.Secret.Fingerprint == "" || !strings.HasPrefix(f.RuleID, "secret/") {
			continue
		}
		fp := f.Secret.Fingerprint
		head := f.History == nil || f.History.InHead
		atHead[fp] = atHead[fp] || head
		onBranch[fp] = onBranch[fp] || f.History == nil || len(f.History.OnlyInRefs) == 0
	}
	for fp, h := range atHead {
		switch {
		case h:
			p.SecretsAtHead++
		default:
			p.SecretsHistoryOnly++
			if !onBranch[fp] {
				p.SecretsOnlyInRefs++
			}
		}
	}

	// Repositories by findings.
	counts := map[string]int{}
	for _, f := range r.Findings {
		counts[f.Location.Repo]++
	}
	seen := map[string]bool{}
	var repos []repoCount
	if r.Result != nil {
		for _, rr := range r.Repos {
			name := ""
			if rr.Repo != nil {
				name = rr.Repo.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			repos = append(repos, repoCount{Name: name, Findings: counts[name], Err: rr.Err})
		}
	}
	for name, n := range counts {
		if !seen[name] {
			seen[name] = true
			repos = append(repos, repoCount{Name: name, Findings: n})
		}
	}
	for i := range repos {
		if repos[i].Name == "" {
			repos[i].Name = "(unnamed)"
		}
	}
	sort.SliceStable(repos, func(i, j int) bool {
		if repos[i].Findings != repos[j].Findings {
			return repos[i].Findings > repos[j].Findings
		}
		return repos[i].Name < repos[j].Name
	})
	p.Repos = repos
	for _, rc := range repos {
		if rc.Findings > 0 && len(p.TopRepos) < opts.TopRepos {
			p.TopRepos = append(p.TopRepos, rc)
		}
	}

	// Previews and fingerprints by place, from the findings.
	type place struct {
		repo, path string
		line       int
		commit     string
	}
	facts := map[place]*detectors.SecretFacts{}
	for _, f := range r.Findings {
		if f.Secret == nil {
			continue
		}
		k := place{f.Location.Repo, f.Location.Path, f.Location.StartLine, commitHash(f.Location.Commit)}
		if facts[k] == nil {
			facts[k] = f.Secret
		}
	}

	// Inventory rows, reusing inventory.Rows, joined back to identities.
	byKey := map[string][]int{}
	for i, id := range r.Identities {
		byKey[id.Key] = append(byKey[id.Key], i)
	}
	kinds, workloads, repoOpts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	verdictOpts := map[string]bool{}
	var ages, copies []int
	unknownAge := 0
	for _, ir := range inventory.Rows(r) {
		rw := row{Row: ir, AgeSort: -1}
		if ir.AgeDays != nil {
			rw.AgeSort = *ir.AgeDays
			ages = append(ages, *ir.AgeDays)
		} else {
			unknownAge++
		}
		copies = append(copies, ir.Copies)
		rw.Repos = strings.Join(ir.Repos, "\n")
		if q := byKey[ir.Identity]; len(q) > 0 {
			id := r.Identities[q[0]]
			byKey[ir.Identity] = q[1:]
			rw.History = id.InHistoryOnly
			for _, l := range id.Occurrences {
				o := occurrence{Repo: l.Repo, Path: l.Path, Line: l.StartLine, Commit: shortHash(commitHash(l.Commit))}
				if l.Commit != nil && !l.Commit.Time.IsZero() {
					o.CommitTime = l.Commit.Time.UTC().Format("2006-01-02")
				}
				if s := facts[place{l.Repo, l.Path, l.StartLine, commitHash(l.Commit)}]; s != nil {
					o.Preview = s.Preview
					if len(s.Fingerprint) >= 12 {
						o.Fingerprint = s.Fingerprint[:12]
					}
				}
				rw.Occurrences = append(rw.Occurrences, o)
			}
		}
		kinds[ir.Kind] = true
		workloads[ir.Workload] = true
		verdictOpts[ir.Verdict] = true
		for _, rp := range ir.Repos {
			repoOpts[rp] = true
		}
		p.Rows = append(p.Rows, rw)
	}
	p.Kinds, p.Workloads = sortedSet(kinds), sortedSet(workloads)
	p.VerdictOptions, p.RepoOptions = sortedSet(verdictOpts), sortedSet(repoOpts)

	age := histogram("chart-age", "Age of secrets",
		fmt.Sprintf("Identities by days since %s; %d of unknown age (no git history).", opts.AgeFrom, unknownAge),
		"days since first seen", ages, []bucket{{"0–7", 0, 7}, {"8–30", 8, 30}, {"31–90", 31, 90}, {"91–180", 91, 180}, {"181–365", 181, 365}, {"> 365", 366, -1}})
	if age.Total == 0 && unknownAge > 0 {
		age.Empty = "No age known: scan with --history to date secrets"
	}
	p.Charts = []chart{
		age,
		histogram("chart-copies", "Copies per secret",
			"Identities by the number of distinct places (repository and path) holding their secret.",
			"copies", copies, []bucket{{"0", 0, 0}, {"1", 1, 1}, {"2", 2, 2}, {"3–5", 3, 5}, {"6–10", 6, 10}, {"> 10", 11, -1}}),
	}
	if len(opts.Sweeps) > 0 {
		p.Charts = append(p.Charts, sweepChart(opts.Sweeps))
	}
	return p
}

func commitHash(c *scanners.Commit) string {
	if c == nil {
		return ""
	}
	return c.Hash
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// sortedKeys returns first's keys present in m, then the others sorted.
func sortedKeys[V any](m map[string]V, first []string) []string {
	var out, rest []string
	in := map[string]bool{}
	for _, k := range first {
		if _, ok := m[k]; ok {
			out = append(out, k)
			in[k] = true
		}
	}
	for k := range m {
		if !in[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}
