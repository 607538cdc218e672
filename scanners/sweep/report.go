package sweep

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/scanners"
)

// StoredReport returns a report of every finding of the repository at url
// that the store does not hold as fixed: at the head or only in history,
// from every sweep so far, not only the newest. Per-repository SARIF is
// written from it: GitHub code scanning closes the alerts of a category
// that an upload leaves out, so an upload after an incremental sweep must
// still carry the findings earlier sweeps made.
//
// Findings keep the detail recorded when they were last seen (columns,
// related locations, properties); their status comes from the store, so a
// finding that left the head since says so.
func StoredReport(ctx context.Context, store datastore.Store, url string) (*correlator.Report, error) {
	st, found, err := store.RepoState(ctx, url)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%s is not in the datastore", url)
	}
	stored, err := store.RepoFindings(ctx, url)
	if err != nil {
		return nil, err
	}
	repo := &scanners.Repo{Name: st.Name, Head: st.Head}
	if !filepath.IsAbs(url) {
		repo.URI = url
	}
	rep := &correlator.Report{Result: &engine.Result{Repos: []engine.RepoResult{{Repo: repo, History: true, KeySource: "env"}}}}
	for _, sf := range stored {
		rep.Findings = append(rep.Findings, reportFinding(sf, st.Name))
	}
	return rep, nil
}

// reportFinding turns a stored finding back into a detectors.Finding.
func reportFinding(sf datastore.Finding, repoName string) detectors.Finding {
	var f detectors.Finding
	if len(sf.Detail) == 0 || json.Unmarshal(sf.Detail, &f) != nil || f.RuleID != sf.Rule {
		// Recorded without detail: what the columns hold.
		f = detectors.Finding{RuleID: sf.Rule, Message: sf.Message,
			Location: detectors.Location{Path: sf.Path, StartLine: sf.Line, EndLine: sf.Line}}
		if sf.Fingerprint != "" {
			f.Secret = &detectors.SecretFacts{Fingerprint: sf.Fingerprint, Preview: sf.Preview, Kind: sf.Kind, IdentityKey: sf.IdentityKey}
		}
		if sf.Commit != "" {
			f.History = &detectors.HistoryFacts{FirstSeen: &scanners.Commit{Hash: sf.Commit}}
		}
	}
	f.Location.Repo = repoName
	inHead := sf.Status == datastore.StatusOpen
	if f.History == nil && !inHead {
		f.History = &detectors.HistoryFacts{}
	}
	if f.History != nil {
		f.History.InHead = inHead
	}
	return f
}
