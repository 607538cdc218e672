// Package correlator turns detector findings into what a person acts on:
// it links copies of one secret across files, history and repositories,
// derives lifecycle facts (duplicated, long-lived, alive only in history),
// groups everything by the non-human identity behind it and decides the
// control that fits each identity.
package correlator

import (
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Options tune the correlation.
type Options struct {
	// Now is the time ages are measured to (zero = time.Now()).
	Now time.Time
	// MaxAge is the age past which a secret is long-lived (0 = the
	// decision data's max_age, 90 days).
	MaxAge time.Duration
	// Credentials and Decision override the embedded rule data (nil = the
	// embedded tables).
	Credentials *rules.Credentials
	Decision    *rules.Decision
	// Lifecycle adds lifecycle/long-lived-secret and
	// lifecycle/secret-in-history findings to Report.Findings.
	Lifecycle bool
	// IdentityFindings adds one identity/<verdict> finding per identity to
	// Report.Findings. Report.Identities is filled either way.
	IdentityFindings bool
}

// Report is the correlated result every report writer reads.
type Report struct {
	*engine.Result
	// Findings holds the detector findings plus the derived ones.
	Findings []detectors.Finding `json:"findings"`
	// Identities holds one entry per non-human identity.
	Identities []Identity `json:"identities"`
	// Now is when ages were measured.
	Now time.Time `json:"now"`
	// MaxAge is the max age ages were judged against.
	MaxAge time.Duration `json:"maxAge"`
}

// Identity is one non-human identity and the verdict on its control.
type Identity struct {
	// Key names the identity: user@host, jwt:iss/sub, kind:fingerprint
	// prefix, or platform:credential@repo for a stored CI secret.
	Key string `json:"key"`
	// Kind is the credential kind id (rules/credentials.toml).
	Kind string `json:"kind"`
	// Name is the kind's readable name.
	Name string `json:"name,omitempty"`
	// Family is the identity family: cloud, vcs, saas, database, ...
	Family string `json:"family,omitempty"`
	// Workload is ephemeral, persistent, agentic, or shared (2+ workloads).
	Workload string `json:"workload"`
	// Recommendation is the verdict: workload-identity, dynamic-secret or
	// rotation.
	Recommendation string `json:"recommendation"`
	// CurrentControl is how it is managed today (static-secret, ...).
	CurrentControl string `json:"currentControl"`
	Misfit         bool   `json:"misfit"`
	// Reasons explain the verdict and list the misfits (short strings).
	Reasons []string `json:"reasons"`
	// Misfits is the subset of Reasons that are misfits.
	Misfits []string `json:"misfits,omitempty"`
	// FirstAction is what to do first.
	FirstAction string `json:"firstAction"`
	// Occurrences are the distinct places of the identity's findings,
	// oldest first.
	Occurrences []detectors.Location `json:"occurrences"`
	// Workloads are readable labels of the distinct workloads using it.
	Workloads []string `json:"workloads,omitempty"`
	// Platforms are the platforms those workloads run on.
	Platforms []string `json:"platforms,omitempty"`
	// Repos are the repositories it appears in.
	Repos []string `json:"repos,omitempty"`
	// Copies counts distinct places (repository and path) holding the secret.
	Copies int `json:"copies"`
	// FirstSeen is when the secret was first committed (nil: not known);
	// AgeDays counts days from then to Report.Now.
	FirstSeen *time.Time `json:"firstSeen,omitempty"`
	AgeDays   int        `json:"ageDays,omitempty"`
	// LongLived and Basis say whether and why the secret is long-lived.
	LongLived bool     `json:"longLived"`
	Basis     []string `json:"basis,omitempty"`
	// InHistoryOnly is true when the secret is no longer at HEAD anywhere.
	InHistoryOnly bool `json:"inHistoryOnly,omitempty"`
	// RuleID is the rule id of the identity's finding.
	RuleID string `json:"ruleId"`
}

// corr is one correlation in progress.
type corr struct {
	findings []detectors.Finding
	now      time.Time
	maxAge   time.Duration
	creds    *rules.Credentials
	dec      *rules.Decision
	life     map[string]*secretLife
	order    []string // links in first-seen order
}

// Correlate derives lifecycle findings and identities from res.
func Correlate(res *engine.Result, opts Options) *Report {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	r := &Report{Result: res, Now: opts.Now}
	r.Findings = append(r.Findings, res.Findings...)
	r.Findings = append(r.Findings, Duplicates(res.Findings)...)
	c, err := newCorr(res.Findings, opts)
	if err != nil {
		r.MaxAge = opts.MaxAge
		r.Notes = append(r.Notes, scanners.Note{Kind: scanners.NoteError, Detail: "correlator: " + err.Error()})
		engine.SortFindings(r.Findings)
		return r
	}
	r.MaxAge = c.maxAge
	c.lives()
	if opts.Lifecycle {
		r.Findings = append(r.Findings, c.longLivedFindings()...)
		r.Findings = append(r.Findings, c.historyFindings()...)
	}
	ids, idFindings := c.identities()
	r.Identities = ids
	if opts.IdentityFindings {
		r.Findings = append(r.Findings, idFindings...)
	}
	engine.SortFindings(r.Findings)
	return r
}

func newCorr(findings []detectors.Finding, opts Options) (*corr, error) {
	c := &corr{findings: findings, now: opts.Now, creds: opts.Credentials, dec: opts.Decision}
	var err error
	if c.creds == nil {
		if c.creds, err = rules.DefaultCredentials(); err != nil {
			return nil, err
		}
	}
	if c.dec == nil {
		if c.dec, err = rules.DefaultDecision(); err != nil {
			return nil, err
		}
	}
	c.maxAge = opts.MaxAge
	if c.maxAge <= 0 {
		c.maxAge = c.dec.MaxAge
	}
	return c, nil
}
