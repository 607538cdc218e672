// Package load reads what `sprawl report` renders without scanning: a
// scan's JSON output (`sprawl scan --format json`), inventories (`sprawl
// sweep --inventory`, one per shard) and the sweep datastore's inventory.
// Each becomes a correlated report; several are merged into one, identities
// joined by key across repositories.
//
// Nothing read here holds a secret value: scan results and inventories
// carry keyed fingerprints and four-character previews only.
package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/report/html"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Input is one report to render.
type Input struct {
	Report *correlator.Report
	// Sweeps is the datastore's timeline (empty for scan results).
	Sweeps []datastore.SweepPoint
	// FromSweeps is true when ages count from a sweep's first sighting
	// (inventories do not know commit times).
	FromSweeps bool
}

// HTMLOptions returns the options that render in as a page.
func (in *Input) HTMLOptions(toolVersion string) html.Options {
	o := html.Options{ToolVersion: toolVersion}
	for _, p := range in.Sweeps {
		o.Sweeps = append(o.Sweeps, html.SweepPoint{ID: p.Sweep, Started: p.Started, Shard: p.Shard, New: p.New, Fixed: p.Fixed, Open: p.Open})
	}
	if in.FromSweeps {
		o.AgeFrom = "a sweep first saw their secret"
	}
	return o
}

// File reads a scan result or an inventory from path.
func File(path string) (*Input, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	in, err := Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// Read reads a scan result (sprawl scan --format json) or an inventory
// (sprawl sweep --inventory, sprawl report --db --format json); it tells
// them apart by their fields.
func Read(r io.Reader) (*Input, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var head struct {
		Tool     string          `json:"tool"`
		Sweeps   json.RawMessage `json:"sweeps"`
		Trends   json.RawMessage `json:"trends"`
		Findings json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not sprawl JSON: %w", err)
	}
	switch {
	case head.Tool != "sprawl":
		return nil, fmt.Errorf("not sprawl JSON (no \"tool\": \"sprawl\"): give a scan's --format json output or a sweep's --inventory file")
	case head.Sweeps != nil || head.Trends != nil:
		var inv datastore.Inventory
		if err := json.Unmarshal(data, &inv); err != nil {
			return nil, fmt.Errorf("reading the inventory: %w", err)
		}
		return Inventory(&inv), nil
	case head.Findings != nil:
		var doc jsonreport.Document
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("reading the scan result: %w", err)
		}
		return Scan(&doc), nil
	}
	return nil, fmt.Errorf("sprawl JSON that is neither a scan result nor an inventory")
}

// Scan turns a scan's JSON document back into its report.
func Scan(doc *jsonreport.Document) *Input {
	d := time.Duration(doc.DurationMS) * time.Millisecond
	res := &engine.Result{Repos: doc.Repos, Findings: doc.Findings, Notes: doc.Notes, Dropped: doc.Dropped,
		Started: doc.Started, Duration: d}
	return &Input{Report: &correlator.Report{Result: res, Findings: doc.Findings, Identities: doc.Identities,
		Now: doc.Started.Add(d)}}
}

// Inventory turns a datastore inventory into a report: repositories by
// name, findings that are not fixed, identities with the places of their
// findings, and the timeline of sweeps.
func Inventory(inv *datastore.Inventory) *Input {
	name := map[string]string{}
	res := &engine.Result{}
	for _, r := range inv.Repos {
		name[r.URL] = r.Name
		rr := engine.RepoResult{Repo: &scanners.Repo{Name: r.Name, URI: r.URL, Head: r.Head}, History: true}
		if r.LastOutcome == datastore.RepoFailed {
			rr.Err = r.LastError
			if rr.Err == "" {
				rr.Err = "failed"
			}
		}
		res.Repos = append(res.Repos, rr)
	}
	repoName := func(url string) string {
		if n := name[url]; n != "" {
			return n
		}
		return url
	}
	for _, sf := range inv.Findings {
		f := detectors.Finding{RuleID: sf.Rule, Message: sf.Message,
			Location: detectors.Location{Repo: repoName(sf.Repo), Path: sf.Path, StartLine: sf.Line, EndLine: sf.Line},
			History:  &detectors.HistoryFacts{InHead: sf.Status == datastore.StatusOpen}}
		if sf.Commit != "" {
			f.Location.Commit = &scanners.Commit{Hash: sf.Commit}
		}
		if sf.Fingerprint != "" {
			f.Secret = &detectors.SecretFacts{Fingerprint: sf.Fingerprint, Preview: sf.Preview, Kind: sf.Kind, IdentityKey: sf.IdentityKey}
		}
		res.Findings = append(res.Findings, f)
	}
	rep := &correlator.Report{Result: res, Findings: res.Findings, Now: inv.Generated}
	for _, ii := range inv.Identities {
		id := correlator.Identity{Key: ii.Key, Kind: ii.Kind, Name: ii.Name, Workload: ii.Workload,
			Recommendation: ii.Recommendation, CurrentControl: ii.CurrentControl, Misfit: ii.Misfit,
			Reasons: ii.Reasons, FirstAction: ii.FirstAction, Copies: ii.Copies, FirstSeen: ii.FirstSeen,
			RuleID: correlator.IdentityRulePrefix + ii.Recommendation}
		for _, u := range ii.Repos {
			id.Repos = append(id.Repos, repoName(u))
		}
		if ii.FirstSeen != nil && !inv.Generated.IsZero() {
			id.AgeDays = int(inv.Generated.Sub(*ii.FirstSeen) / (24 * time.Hour))
		}
		id.Occurrences, id.InHistoryOnly = places(inv.Findings, ii.Key, repoName)
		rep.Identities = append(rep.Identities, id)
	}
	return &Input{Report: rep, Sweeps: inv.Timeline, FromSweeps: true}
}

// places returns the distinct places of an identity's findings: those
// naming it, and every finding of the secrets those carry. historyOnly is
// true when none of them is at the head.
func places(all []datastore.Finding, key string, repoName func(string) string) ([]detectors.Location, bool) {
	fps := map[string]bool{}
	for _, f := range all {
		if f.IdentityKey == key && f.Fingerprint != "" {
			fps[f.Fingerprint] = true
		}
	}
	type place struct {
		repo, path string
		line       int
		commit     string
	}
	seen := map[place]bool{}
	var out []detectors.Location
	historyOnly := true
	for _, f := range all {
		if f.IdentityKey != key && !fps[f.Fingerprint] {
			continue
		}
		historyOnly = historyOnly && f.Status != datastore.StatusOpen
		k := place{f.Repo, f.Path, f.Line, f.Commit}
		if seen[k] {
			continue
		}
		seen[k] = true
		l := detectors.Location{Repo: repoName(f.Repo), Path: f.Path, StartLine: f.Line, EndLine: f.Line}
		if f.Commit != "" {
			l.Commit = &scanners.Commit{Hash: f.Commit}
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Repo != b.Repo {
			return a.Repo < b.Repo
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.StartLine < b.StartLine
	})
	return out, historyOnly && len(out) > 0
}

// Merge joins inputs into one report: repositories (by name), findings and
// notes side by side; identities with the same key become one, with the
// places, repositories, reasons and workloads of all; an identity that
// several inputs saw in different repositories is marked as used in each
// (a misfit, as the datastore marks it). Sweep points with the same id are
// added up (shards that each kept a datastore number their sweeps alike).
func Merge(ins ...*Input) *Input {
	if len(ins) == 1 {
		return ins[0]
	}
	res := &engine.Result{}
	out := &Input{Report: &correlator.Report{Result: res}}
	repoAt := map[string]int{}
	idAt := map[string]int{}
	sweepAt := map[int64]int{}
	for _, in := range ins {
		r := in.Report
		if r.Now.After(out.Report.Now) {
			out.Report.Now = r.Now
		}
		if r.MaxAge > out.Report.MaxAge {
			out.Report.MaxAge = r.MaxAge
		}
		if r.Result != nil {
			if res.Started.IsZero() || (!r.Started.IsZero() && r.Started.Before(res.Started)) {
				res.Started = r.Started
			}
			for _, rr := range r.Repos {
				n := ""
				if rr.Repo != nil {
					n = rr.Repo.Name
				}
				if i, ok := repoAt[n]; ok {
					if res.Repos[i].Err != "" && rr.Err == "" {
						res.Repos[i] = rr // a later, successful scan of the same repository
					}
					continue
				}
				repoAt[n] = len(res.Repos)
				res.Repos = append(res.Repos, rr)
			}
			res.Notes = append(res.Notes, r.Notes...)
		}
		out.Report.Findings = append(out.Report.Findings, r.Findings...)
		for _, id := range r.Identities {
			if i, ok := idAt[id.Key]; ok {
				joinIdentity(&out.Report.Identities[i], id)
				continue
			}
			idAt[id.Key] = len(out.Report.Identities)
			id.Occurrences = slices.Clone(id.Occurrences)
			id.Repos = slices.Clone(id.Repos)
			id.Reasons = slices.Clone(id.Reasons)
			id.Misfits = slices.Clone(id.Misfits)
			id.Workloads = slices.Clone(id.Workloads)
			id.Platforms = slices.Clone(id.Platforms)
			id.Basis = slices.Clone(id.Basis)
			out.Report.Identities = append(out.Report.Identities, id)
		}
		for _, p := range in.Sweeps {
			if i, ok := sweepAt[p.Sweep]; ok {
				s := &out.Sweeps[i]
				s.New, s.Fixed, s.Open = s.New+p.New, s.Fixed+p.Fixed, s.Open+p.Open
				if p.Started.Before(s.Started) {
					s.Started = p.Started
				}
				if s.Shard != p.Shard {
					s.Shard = "several"
				}
				continue
			}
			sweepAt[p.Sweep] = len(out.Sweeps)
			out.Sweeps = append(out.Sweeps, p)
		}
		out.FromSweeps = out.FromSweeps || in.FromSweeps
	}
	sort.SliceStable(out.Sweeps, func(i, j int) bool { return out.Sweeps[i].Sweep < out.Sweeps[j].Sweep })
	res.Findings = out.Report.Findings
	return out
}

func locKey(l detectors.Location) string {
	c := ""
	if l.Commit != nil {
		c = l.Commit.Hash
	}
	return fmt.Sprintf("%s\x00%s\x00%d\x00%s", l.Repo, l.Path, l.StartLine, c)
}

// joinIdentity adds b, the same identity seen in another input, to a.
func joinIdentity(a *correlator.Identity, b correlator.Identity) {
	seen := map[string]bool{}
	places := map[string]bool{} // repository and path: what copies count
	for _, l := range a.Occurrences {
		seen[locKey(l)] = true
		places[l.Repo+"\x00"+l.Path] = true
	}
	shared := 0
	counted := map[string]bool{}
	for _, l := range b.Occurrences {
		if p := l.Repo + "\x00" + l.Path; places[p] && !counted[p] {
			shared++
			counted[p] = true
		}
		if !seen[locKey(l)] {
			seen[locKey(l)] = true
			a.Occurrences = append(a.Occurrences, l)
		}
	}
	a.Copies = max(a.Copies, b.Copies, a.Copies+b.Copies-shared)
	before := len(a.Repos)
	a.Repos = union(a.Repos, b.Repos)
	a.Workloads = union(a.Workloads, b.Workloads)
	a.Platforms = union(a.Platforms, b.Platforms)
	a.Reasons = union(a.Reasons, b.Reasons)
	a.Misfits = union(a.Misfits, b.Misfits)
	a.Basis = union(a.Basis, b.Basis)
	a.Misfit = a.Misfit || b.Misfit
	a.LongLived = a.LongLived || b.LongLived
	a.InHistoryOnly = a.InHistoryOnly && b.InHistoryOnly
	if a.FirstSeen == nil || (b.FirstSeen != nil && b.FirstSeen.Before(*a.FirstSeen)) {
		a.FirstSeen = b.FirstSeen
	}
	a.AgeDays = max(a.AgeDays, b.AgeDays)
	if len(a.Repos) > 1 && len(a.Repos) > before {
		// Seen in another repository by another input: one secret in
		// several repositories (the datastore's rule, so both agree).
		usedIn := func(s string) bool { return strings.HasPrefix(s, "used in ") && strings.HasSuffix(s, " repositories") }
		reason := fmt.Sprintf("used in %d repositories", len(a.Repos))
		a.Reasons = append(slices.DeleteFunc(a.Reasons, usedIn), reason)
		a.Misfits = append(slices.DeleteFunc(a.Misfits, usedIn), reason)
		a.Misfit = true
	}
}

func union(a, b []string) []string {
	for _, v := range b {
		if !slices.Contains(a, v) {
			a = append(a, v)
		}
	}
	return a
}
