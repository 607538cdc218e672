package correlator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/scanners"
)

// now is the fixed time every test measures ages to.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const repoA, repoB = "acme/api", "acme/ops"

func daysAgo(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }

func commit(hash string, age int) *scanners.Commit {
	return &scanners.Commit{Hash: hash + "0000000000000000000000000000000000000000"[len(hash):], Author: "dev", Time: daysAgo(age)}
}

// sec builds a secret finding for the secret named value (the name stands
// in for the value: it derives link and fingerprint; no real secret needed).
func sec(rule, kind, value, repo, path string, line int) detectors.Finding {
	sum := sha256.Sum256([]byte("fp:" + value))
	fp := hex.EncodeToString(sum[:])
	link := sha256.Sum256([]byte("link:" + value))
	return detectors.Finding{
		RuleID:   "secret/" + rule,
		Message:  rule + " found",
		Location: detectors.Location{Repo: repo, Path: path, StartLine: line, StartColumn: 1, EndLine: line, EndColumn: 30},
		Secret: &detectors.SecretFacts{Fingerprint: fp, Link: hex.EncodeToString(link[:]), Preview: value[:min(4, len(value))] + "…",
			Kind: kind, IdentityKey: kind + ":" + fp[:16]},
	}
}

// hist places a finding in history: introduced age days ago; removed in
// commit rm (empty: still at HEAD).
func hist(f detectors.Finding, intro string, age int, rm string, rmAge int) detectors.Finding {
	c := commit(intro, age)
	f.Location.Commit = c
	f.History = &detectors.HistoryFacts{FirstSeen: c, LastSeen: c, InHead: rm == ""}
	if rm != "" {
		f.History.RemovedIn = commit(rm, rmAge)
	}
	return f
}

// withAlt gives f another writing of its secret (detectors.SecretFacts.AltLinks).
func withAlt(f detectors.Finding, value string) detectors.Finding {
	s := *f.Secret
	link := sha256.Sum256([]byte("link:" + value))
	s.AltLinks = append(s.AltLinks, hex.EncodeToString(link[:]))
	f.Secret = &s
	return f
}

func withKey(f detectors.Finding, key string) detectors.Finding {
	s := *f.Secret
	s.IdentityKey = key
	f.Secret = &s
	return f
}

func withClaims(f detectors.Finding, issued, expires *time.Time, noExpiry bool) detectors.Finding {
	s := *f.Secret
	s.IssuedAt, s.ExpiresAt, s.NoExpiry = issued, expires, noExpiry
	f.Secret = &s
	return f
}

// cfg builds a config finding with workload facts.
func cfg(check, repo, path string, line int, w detectors.WorkloadFacts) detectors.Finding {
	return detectors.Finding{
		RuleID:   "config/" + check,
		Message:  check,
		Location: detectors.Location{Repo: repo, Path: path, StartLine: line, StartColumn: 7, EndLine: line, EndColumn: 60},
		Workload: &w,
	}
}

func ghaJob(job, path, cred, kind string) detectors.WorkloadFacts {
	return detectors.WorkloadFacts{Kind: "ephemeral", Platform: "github-actions", Name: fmt.Sprintf("job %s in %s", job, path),
		CurrentControl: "static-secret", Federation: true, Credential: cred, CredentialKind: kind}
}

func cache(repo, path string, line int) detectors.Finding {
	return detectors.Finding{
		RuleID:     "code/token-cache-outlives-ttl",
		Message:    "token cached without an expiry check",
		Location:   detectors.Location{Repo: repo, Path: path, StartLine: line, StartColumn: 2, EndLine: line, EndColumn: 40},
		Properties: map[string]any{"language": "go"},
	}
}

func result(fs ...detectors.Finding) *engine.Result {
	return &engine.Result{Findings: fs}
}

func correlate(fs ...detectors.Finding) *Report {
	return Correlate(result(fs...), Options{Now: now, Lifecycle: true, IdentityFindings: true})
}

// derived returns the report's findings with the given rule id.
func derived(r *Report, rule string) []detectors.Finding {
	var out []detectors.Finding
	for _, f := range r.Findings {
		if f.RuleID == rule {
			out = append(out, f)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
