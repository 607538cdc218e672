package correlator_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/report/sarif"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
)

// TestDerivedFindingsAreValidSARIF writes lifecycle and identity results
// through the SARIF writer and checks them against the schema and GitHub's
// rules, and that identity results carry the contracted properties.
func TestDerivedFindingsAreValidSARIF(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	h := detectors.NewHasher([]byte("emit"), []byte("link"))
	secret := func(rule, kind, value, repo, path string, line int) detectors.Finding {
		facts := h.Facts(value)
		facts.Kind, facts.IdentityKey = kind, kind+":"+facts.Fingerprint[:16]
		return detectors.Finding{RuleID: "secret/" + rule, Message: rule,
			Location: detectors.Location{Repo: repo, Path: path, StartLine: line, StartColumn: 1, EndLine: line, EndColumn: 20}, Secret: facts}
	}
	old := &scanners.Commit{Hash: strings.Repeat("a", 40), Author: "dev", Time: now.AddDate(0, 0, -300)}
	rm := &scanners.Commit{Hash: strings.Repeat("b", 40), Author: "dev", Time: now.AddDate(0, 0, -10)}
	gone := secret("stripe-access-token", "stripe-secret-key", "sk_live_notarealkey000000001", "acme/api", "billing/config.py", 4)
	gone.Location.Commit = old
	gone.History = &detectors.HistoryFacts{FirstSeen: old, LastSeen: old, RemovedIn: rm}
	ci := detectors.Finding{RuleID: "config/gha-static-aws-keys", Message: "stored AWS key",
		Location: detectors.Location{Repo: "acme/api", Path: ".github/workflows/deploy.yml", StartLine: 14, StartColumn: 9, EndLine: 14, EndColumn: 50},
		Workload: &detectors.WorkloadFacts{Kind: "ephemeral", Platform: "github-actions", Name: "job deploy in .github/workflows/deploy.yml",
			CurrentControl: "static-secret", Federation: true, Credential: "secrets.AWS_SECRET_ACCESS_KEY", CredentialKind: "aws-access-key"}}
	res := &engine.Result{
		Repos: []engine.RepoResult{{Repo: &scanners.Repo{Name: "acme/api"}}, {Repo: &scanners.Repo{Name: "acme/ops"}}},
		Findings: []detectors.Finding{gone, ci,
			secret("slack-bot-token", "slack-token", "xoxb-notarealtoken-0001", "acme/api", "notify/config.yml", 2),
			secret("slack-bot-token", "slack-token", "xoxb-notarealtoken-0001", "acme/ops", "alerts.py", 9),
			{RuleID: "code/token-cache-outlives-ttl", Message: "cached", Location: detectors.Location{Repo: "acme/ops", Path: "auth/cache.go", StartLine: 31}},
		},
	}
	r := correlator.Correlate(res, correlator.Options{Now: now, Lifecycle: true, IdentityFindings: true})
	resolver, err := rules.NewResolver(nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := sarif.Write(&b, r, sarif.Options{ToolVersion: "0.0.0", Rules: resolver}); err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"sk_live_notarealkey", "xoxb-notarealtoken"} {
		if bytes.Contains(b.Bytes(), []byte(v)) {
			t.Fatalf("SARIF contains a secret value %q", v)
		}
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID     string         `json:"ruleId"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, run := range log.Runs {
		for _, res := range run.Results {
			seen[res.RuleID]++
			if !strings.HasPrefix(res.RuleID, "identity/") {
				continue
			}
			for _, k := range []string{"identity", "kind", "workload", "recommendation", "currentControl", "misfit", "reasons"} {
				if _, ok := res.Properties[k]; !ok {
					t.Errorf("%s result lacks properties.%s", res.RuleID, k)
				}
			}
		}
	}
	for _, rule := range []string{"lifecycle/long-lived-secret", "lifecycle/secret-in-history", "identity/workload-identity", "identity/rotation", "identity/dynamic-secret"} {
		if seen[rule] == 0 {
			t.Errorf("no %s result in %v", rule, seen)
		}
	}
}
