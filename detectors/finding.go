// Package detectors defines findings and the Detector interface; its
// sub-packages turn content into findings (secrets, Go analyzers, code
// patterns, config checks).
package detectors

import (
	"context"
	"slices"
	"time"

	"github.com/sprawl-dev/sprawl/scanners"
)

// Location is where a finding is. Lines and columns are 1-based; EndColumn
// is the column after the last character (as in SARIF).
type Location struct {
	Repo        string           `json:"repo,omitempty"`
	Path        string           `json:"path"`
	StartLine   int              `json:"startLine"`
	StartColumn int              `json:"startColumn"`
	EndLine     int              `json:"endLine"`
	EndColumn   int              `json:"endColumn"`
	Commit      *scanners.Commit `json:"commit,omitempty"`
}

// SecretFacts describes a detected secret without revealing it.
type SecretFacts struct {
	// Fingerprint is hex HMAC-SHA256 of the secret under the emitted key.
	Fingerprint string `json:"fingerprint"`
	// Link is HMAC-SHA256 under a per-run key: it links copies of one
	// secret across repositories scanned in one run. Never written out.
	Link string `json:"-"`
	// AltLinks are the Links of other writings of the same secret: what
	// its base64 or percent encoding stands for, the value of a
	// "key: value" match. The correlator links findings through them into
	// one identity (a Kubernetes Secret's base64 password and the password
	// found in its decoding). Never written out.
	AltLinks []string `json:"-"`
	// LeadLines is how many lines above the secret its rule's match starts:
	// gitleaks reports that line, and .gitleaksignore entries name it.
	LeadLines int `json:"-"`
	// Listed is the hashed_secret of the detect-secrets baseline entry
	// naming this value (hex SHA-1 of the secret, as that baseline already
	// holds it), set only when a baseline lists it; see baseline.Listed.
	// Never written out.
	Listed string `json:"-"`
	// Preview shows at most the first four characters.
	Preview string `json:"preview"`
	// Kind is the credential kind id from rules/credentials.toml.
	Kind string `json:"kind,omitempty"`
	// IdentityKey names the identity behind the secret when the content
	// says so (an AWS access key id, user@host, a service-account e-mail).
	IdentityKey string `json:"identityKey,omitempty"`
	// IssuedAt and ExpiresAt come from token claims (JWT iat/exp, SAS st/se).
	IssuedAt  *time.Time `json:"issuedAt,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	// NoExpiry is true when the token carries claims but no expiry.
	NoExpiry bool `json:"noExpiry,omitempty"`
	// Entropy is the Shannon entropy of the secret.
	Entropy float64 `json:"entropy,omitempty"`
}

// WorkloadFacts describes the workload that uses a credential, as seen by
// config and code detectors; the correlator uses it for the verdict.
type WorkloadFacts struct {
	// Kind is ephemeral, persistent, agentic or shared.
	Kind string `json:"kind"`
	// Platform is where it runs: github-actions, gitlab-ci, kubernetes,
	// terraform, compose, vault, mcp, application.
	Platform string `json:"platform,omitempty"`
	// Name is a readable label, e.g. "job deploy in .github/workflows/deploy.yml".
	Name string `json:"name,omitempty"`
	// CurrentControl is how the credential is managed today: static-secret,
	// rotation, dynamic-secret, workload-identity.
	CurrentControl string `json:"currentControl,omitempty"`
	// Federation is true when the platform offers workload identity
	// federation for this credential.
	Federation bool `json:"federation,omitempty"`
	// Credential names the credential used (e.g. "secrets.AWS_ACCESS_KEY_ID",
	// an env var name or resource address), never its value.
	Credential string `json:"credential,omitempty"`
	// CredentialKind is the kind id of that credential when known.
	CredentialKind string `json:"credentialKind,omitempty"`
}

// HistoryFacts places a finding in git history.
type HistoryFacts struct {
	FirstSeen *scanners.Commit `json:"firstSeen,omitempty"`
	LastSeen  *scanners.Commit `json:"lastSeen,omitempty"`
	RemovedIn *scanners.Commit `json:"removedIn,omitempty"`
	InHead    bool             `json:"inHead"`
	// OnlyInRefs names refs outside branches and tags (refs/pull/7/head,
	// refs/stash) through which the secret is reachable when no branch or
	// tag holds it: the first few of OnlyInRefsTotal (--all-refs scans).
	// Rewriting branches does not remove it; a pull request's commits
	// stay on GitHub until its support purges them.
	OnlyInRefs      []string `json:"onlyInRefs,omitempty"`
	OnlyInRefsTotal int      `json:"onlyInRefsTotal,omitempty"`
}

// MergeOnlyInRefs combines the hidden refs of two sightings of one secret:
// none when either is on a branch or tag, else the names of both (first
// few) and the larger total (refs may reach both).
func MergeOnlyInRefs(a, b *HistoryFacts) ([]string, int) {
	if len(a.OnlyInRefs) == 0 || len(b.OnlyInRefs) == 0 {
		return nil, 0
	}
	names := slices.Clone(a.OnlyInRefs)
	for _, n := range b.OnlyInRefs {
		if len(names) < maxRefNames && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, max(a.OnlyInRefsTotal, b.OnlyInRefsTotal, len(names))
}

// maxRefNames bounds the ref names a finding lists.
const maxRefNames = 5

// Finding is one thing a detector reports. It never holds a secret value.
type Finding struct {
	// RuleID is the SARIF rule id, e.g. "secret/aws-access-token".
	RuleID   string   `json:"ruleId"`
	Message  string   `json:"message"`
	Location Location `json:"location"`
	// Related lists other places that belong to this finding.
	Related []Location `json:"related,omitempty"`
	// Secret is set for secret findings.
	Secret *SecretFacts `json:"secret,omitempty"`
	// Workload is set by detectors that classify the workload.
	Workload *WorkloadFacts `json:"workload,omitempty"`
	// History is set for findings from history scans.
	History *HistoryFacts `json:"history,omitempty"`
	// Properties carries extra facts for SARIF result properties.
	Properties map[string]any `json:"properties,omitempty"`
}

// Input is what a detector examines: content and the path it sits at.
type Input struct {
	// Path is slash-separated and relative to the repository root.
	Path string
	// Content is read-only: detectors may read it as a string without
	// copying it and keep parts of it in findings and caches, so callers
	// must not modify it once handed over (every scanner reads each file or
	// blob into a buffer of its own).
	Content []byte
	// Hasher computes fingerprints of secrets found in Content.
	Hasher *Hasher
}

// Detector turns content into findings. Implementations must be safe for
// concurrent use. Findings carry Path and positions; the engine fills in the
// repository, commit and history facts.
type Detector interface {
	// Name identifies the detector in notes and timings.
	Name() string
	// PathClass groups paths the detector treats alike: for the same
	// content, two paths of the same class give the same findings, so the
	// engine runs Detect once per class and copies the results. Return ""
	// when the detector has nothing to say about files at path.
	PathClass(path string) string
	// Detect returns the findings in in.Content.
	Detect(ctx context.Context, in Input) []Finding
}

// Checker is a Detector that can also say why it could not examine a file
// (a config file that does not parse, say). The engine prefers Check.
type Checker interface {
	Check(ctx context.Context, in Input) ([]Finding, []scanners.Note)
}

// CurrentOnly is implemented by detectors that judge how code and config
// work today (token caching, CI and IaC controls): in history scans the
// engine shows them only content that is still at HEAD. A secret, by
// contrast, stays exposed in every version that ever held it.
type CurrentOnly interface {
	CurrentOnly() bool
}
