package rules

import (
	"fmt"
	"strings"
)

// SecretRulePrefix starts the id of every secret-detection rule.
const SecretRulePrefix = "secret/"

// SecretRule builds SARIF metadata for secret/<detectorID> from the
// detection rule's description and, when known, its credential kind.
func SecretRule(detectorID, description string, kind *CredentialKind) Rule {
	desc := strings.TrimSuffix(strings.TrimSpace(description), ".")
	if desc == "" {
		desc = "Hard-coded secret (" + detectorID + ")"
	}
	short := desc
	if len(short) > 200 {
		short = short[:200]
	}
	r := Rule{
		ID:        SecretRulePrefix + detectorID,
		Name:      pascal("secret-" + detectorID),
		Short:     short,
		Full:      desc + ". A credential committed to source control can be read by everyone with access to the repository, its forks, clones and history.",
		HelpURI:   "https://owasp.org/www-project-non-human-identities-top-10/2025/2-secret-leakage/",
		Tags:      []string{"security", "secret", "hard-coded-secret", "OWASP-NHI2", "CWE-798", "external/cwe/cwe-798"},
		Severity:  7.0,
		Precision: "high",
		Level:     "error",
	}
	fix := "Revoke or rotate the secret at its issuer first (deleting the line does not help: it stays in git history), then load it at run time from a secret store or, better, replace it with a short-lived credential."
	lifetime := ""
	if kind != nil {
		if kind.Severity > 0 {
			r.Severity = kind.Severity
		}
		if kind.Fix != "" {
			fix = kind.Fix + " Deleting the line is not enough: the value stays in git history."
		}
		if kind.LongLivedByFormat() {
			lifetime = "\n\n**Lifetime:** a " + kind.Name + " does not expire on its own (OWASP NHI7:2025 Long-Lived Secrets)."
			r.Tags = append(r.Tags, "OWASP-NHI7")
		}
		if kind.Alternative != "" {
			lifetime += "\n\n**Short-lived alternative:** " + kind.Alternative + "."
		}
	}
	if strings.HasPrefix(detectorID, "generic") || strings.HasPrefix(detectorID, "config-") {
		r.Precision = "medium"
		r.Level = "warning"
	}
	r.Help = fmt.Sprintf("**%s**\n\nA secret is written in the file. Anyone who can read the repository — or any clone, fork, CI log or backup of it — can use it.\n\n**Fix:** %s%s\n\nSilence a false positive with a `sprawl:allow` comment on the line, or add its fingerprint to `.sprawlignore` with a reason.\n\nMaps to OWASP NHI2:2025 Secret Leakage; NIST SP 800-53 r5 IA-5(7) (no embedded unencrypted static authenticators); NIST CSF 2.0 PR.AA-01; CIS Controls v8 16.12; CWE-798.",
		desc, fix, lifetime)
	return r
}

// pascal turns "secret-aws-access-token" into "SecretAwsAccessToken".
func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '-' || r == '_' || r == '/' || r == '.' || r == ' ' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// Resolver finds SARIF metadata for any rule id sprawl emits.
type Resolver struct {
	catalog map[string]Rule
	// describe returns a secret detection rule's description.
	describe func(detectorID string) string
	kinds    *Credentials
}

// NewResolver returns a resolver over the embedded catalogue; describe gives
// descriptions for secret/<id> rules (nil: the id stands in).
func NewResolver(describe func(detectorID string) string) (*Resolver, error) {
	cat, err := Catalog()
	if err != nil {
		return nil, err
	}
	kinds, err := DefaultCredentials()
	if err != nil {
		return nil, err
	}
	return &Resolver{catalog: cat, describe: describe, kinds: kinds}, nil
}

// Rule returns metadata for id; unknown ids get generic metadata so that
// output is always complete.
func (r *Resolver) Rule(id string) Rule {
	if rule, ok := r.catalog[id]; ok {
		return rule
	}
	if det, ok := strings.CutPrefix(id, SecretRulePrefix); ok {
		desc := ""
		if r.describe != nil {
			desc = r.describe(det)
		}
		var kind *CredentialKind
		if ks := r.kinds.byRule[det]; len(ks) > 0 {
			k := ks[0]
			kind = &k
		}
		return SecretRule(det, desc, kind)
	}
	return Rule{
		ID: id, Name: pascal(id), Short: id, Full: id,
		Help:     "See the finding's message for what to change.",
		Tags:     []string{"security"},
		Severity: 5.0, Precision: "medium", Level: "warning",
	}
}
