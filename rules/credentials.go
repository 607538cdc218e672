package rules

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed credentials.toml
var credentialsTOML string

// CredentialKind describes one kind of credential: what it is, how long it
// lives, and what can replace it. It is matched to findings by detection rule
// id and, where one rule covers several kinds, by the secret's prefix.
type CredentialKind struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// Rules are detection rule ids (gitleaks or sprawl ids, without the
	// "secret/" prefix) that find this kind.
	Rules []string `toml:"rules"`
	// Prefixes, when set, must start the secret for the kind to apply.
	Prefixes []string `toml:"prefixes"`
	// Lifetime is "never" (cannot expire by format), "claims" (read from the
	// token's own claims), "unknown", or a Go duration such as "1h".
	Lifetime string `toml:"lifetime"`
	// Identity is the family of identity behind it: cloud, vcs, saas,
	// database, messaging, private-key, password, token, generic.
	Identity string `toml:"identity"`
	// Federation is true when workload identity federation can replace the
	// credential for CI and cloud workloads.
	Federation bool `toml:"federation"`
	// Dynamic is true when a dynamic-secret engine can issue it on demand.
	Dynamic bool `toml:"dynamic"`
	// Alternative names the short-lived replacement.
	Alternative string `toml:"alternative"`
	// Severity overrides the default security severity of secret/<rule>.
	Severity float64 `toml:"severity"`
	// Fix is a one-line remedy shown with findings of this kind.
	Fix string `toml:"fix"`
}

// LongLivedByFormat reports whether the kind cannot expire by its format.
func (k CredentialKind) LongLivedByFormat() bool { return k.Lifetime == "never" }

// MaxLifetime returns the fixed lifetime of the kind when it has one.
func (k CredentialKind) MaxLifetime() (time.Duration, bool) {
	switch k.Lifetime {
	case "", "never", "claims", "unknown":
		return 0, false
	}
	d, err := time.ParseDuration(k.Lifetime)
	return d, err == nil
}

type credentialsFile struct {
	Kinds []CredentialKind `toml:"kind"`
}

// Credentials indexes credential kinds by detection rule id.
type Credentials struct {
	byID   map[string]CredentialKind
	byRule map[string][]CredentialKind
}

var (
	credOnce sync.Once
	cred     *Credentials
	credErr  error
)

// DefaultCredentials returns the embedded credential-kind table.
func DefaultCredentials() (*Credentials, error) {
	credOnce.Do(func() { cred, credErr = ParseCredentials(credentialsTOML) })
	return cred, credErr
}

// ParseCredentials parses a credential-kind table in TOML.
func ParseCredentials(src string) (*Credentials, error) {
	var f credentialsFile
	if _, err := toml.Decode(src, &f); err != nil {
		return nil, fmt.Errorf("rules: credentials.toml: %w", err)
	}
	c := &Credentials{byID: map[string]CredentialKind{}, byRule: map[string][]CredentialKind{}}
	for _, k := range f.Kinds {
		if k.ID == "" || len(k.Rules) == 0 {
			return nil, fmt.Errorf("rules: credentials.toml: kind %q needs an id and rules", k.ID)
		}
		if _, dup := c.byID[k.ID]; dup {
			return nil, fmt.Errorf("rules: credentials.toml: kind %q defined twice", k.ID)
		}
		switch k.Lifetime {
		case "never", "claims", "unknown":
		default:
			if _, err := time.ParseDuration(k.Lifetime); err != nil {
				return nil, fmt.Errorf("rules: credentials.toml: kind %q: lifetime %q is not never, claims, unknown or a duration", k.ID, k.Lifetime)
			}
		}
		c.byID[k.ID] = k
		for _, r := range k.Rules {
			c.byRule[r] = append(c.byRule[r], k)
		}
	}
	return c, nil
}

// Kind returns the kind with the given id.
func (c *Credentials) Kind(id string) (CredentialKind, bool) {
	k, ok := c.byID[id]
	return k, ok
}

// Covers reports whether some kind names rule (which of them applies may
// depend on the secret's prefix: see Match).
func (c *Credentials) Covers(rule string) bool { return len(c.byRule[rule]) > 0 }

// Match returns the kind for a secret found by rule; kinds with prefixes win
// over a kind without, and the longest matching prefix wins.
func (c *Credentials) Match(rule, secret string) (CredentialKind, bool) {
	var best CredentialKind
	bestLen, found := -1, false
	for _, k := range c.byRule[rule] {
		if len(k.Prefixes) == 0 {
			if bestLen < 0 {
				best, bestLen, found = k, 0, true
			}
			continue
		}
		for _, p := range k.Prefixes {
			if strings.HasPrefix(secret, p) && len(p) > bestLen {
				best, bestLen, found = k, len(p), true
			}
		}
	}
	return best, found
}
