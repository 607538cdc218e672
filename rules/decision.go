package rules

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed decision.toml
var decisionTOML string

// Verdicts: the control that fits an identity (DESIGN.md, "The decision").
const (
	VerdictWorkloadIdentity = "workload-identity"
	VerdictDynamic          = "dynamic-secret"
	VerdictRotation         = "rotation"
)

// Decision holds the correlator's thresholds, workload signals and
// first-action texts.
type Decision struct {
	// MaxAge is the age past which a secret is long-lived and a rotation
	// candidate is overdue.
	MaxAge time.Duration
	// LongLived is the lifetime above which a credential is long-lived.
	LongLived time.Duration
	// TaskScoped lists workload kinds that run per task or session.
	TaskScoped []string
	// DynamicWithoutEngine lists task-scoped kinds that get dynamic secrets
	// even when the credential's issuer has no dynamic engine.
	DynamicWithoutEngine []string
	// RemovableFamilies lists identity families whose federation-capable
	// kinds are removable wherever they run.
	RemovableFamilies []string
	// TokenCacheRules are rule ids of code findings caching tokens too long.
	TokenCacheRules []string
	// Signals classify a use by its path; Default applies when none match.
	Signals []Signal
	Default Signal
	// Pairs link parts of one credential found near each other.
	Pairs []Pair
	// CredentialNames give kinds to credential names.
	CredentialNames []CredentialName
	// Actions are first actions per verdict.
	Actions []Action
}

// Signal classifies the workload that uses a credential from its path.
type Signal struct {
	ID         string `toml:"id"`
	Match      string `toml:"match"`
	Kind       string `toml:"kind"`
	Platform   string `toml:"platform"`
	Federation bool   `toml:"federation"`
	Label      string `toml:"label"`
	// Scope is "file" (each file is one workload) or "repo" (all files of
	// this signal in a repository are one workload).
	Scope string `toml:"scope"`
	re    *regexp.Regexp
}

// Matches reports whether the signal applies to a repository-relative path.
func (s Signal) Matches(path string) bool { return s.re != nil && s.re.MatchString(path) }

// Pair links an anchor credential (an AWS access key id) with a partner (its
// secret access key) found in the same file within Lines lines.
type Pair struct {
	AnchorKinds  []string `toml:"anchor_kinds"`
	PartnerKinds []string `toml:"partner_kinds"`
	Lines        int      `toml:"lines"`
}

// CredentialName gives a kind to credentials named like Match.
type CredentialName struct {
	Match string `toml:"match"`
	Kind  string `toml:"kind"`
	re    *regexp.Regexp
}

// Action is a first action for a verdict, optionally narrowed to a kind,
// an identity family or a platform.
type Action struct {
	Verdict  string `toml:"verdict"`
	Kind     string `toml:"kind"`
	Family   string `toml:"family"`
	Platform string `toml:"platform"`
	Text     string `toml:"text"`
}

type decisionFile struct {
	Thresholds struct {
		MaxAge    string `toml:"max_age"`
		LongLived string `toml:"long_lived"`
	} `toml:"thresholds"`
	Decision struct {
		TaskScoped           []string `toml:"task_scoped"`
		DynamicWithoutEngine []string `toml:"dynamic_without_engine"`
		RemovableFamilies    []string `toml:"removable_families"`
		TokenCacheRules      []string `toml:"token_cache_rules"`
	} `toml:"decision"`
	Signals         []Signal         `toml:"signal"`
	Default         Signal           `toml:"default"`
	Pairs           []Pair           `toml:"pair"`
	CredentialNames []CredentialName `toml:"credential_name"`
	Actions         []Action         `toml:"action"`
}

var (
	decisionOnce sync.Once
	decision     *Decision
	decisionErr  error
)

// DefaultDecision returns the embedded decision data.
func DefaultDecision() (*Decision, error) {
	decisionOnce.Do(func() { decision, decisionErr = ParseDecision(decisionTOML) })
	return decision, decisionErr
}

// ParseDecision parses decision data in TOML.
func ParseDecision(src string) (*Decision, error) {
	var f decisionFile
	if _, err := toml.Decode(src, &f); err != nil {
		return nil, fmt.Errorf("rules: decision.toml: %w", err)
	}
	d := &Decision{
		TaskScoped:           f.Decision.TaskScoped,
		DynamicWithoutEngine: f.Decision.DynamicWithoutEngine,
		RemovableFamilies:    f.Decision.RemovableFamilies,
		TokenCacheRules:      f.Decision.TokenCacheRules,
		Pairs:                f.Pairs,
		Actions:              f.Actions,
	}
	var err error
	if d.MaxAge, err = parseDuration("max_age", f.Thresholds.MaxAge); err != nil {
		return nil, err
	}
	if d.LongLived, err = parseDuration("long_lived", f.Thresholds.LongLived); err != nil {
		return nil, err
	}
	for _, s := range f.Signals {
		s, err := s.compile()
		if err != nil {
			return nil, err
		}
		d.Signals = append(d.Signals, s)
	}
	if f.Default.Kind == "" {
		return nil, fmt.Errorf("rules: decision.toml: [default] needs a kind")
	}
	d.Default = f.Default
	if d.Default.Scope == "" {
		d.Default.Scope = "repo"
	}
	for _, c := range f.CredentialNames {
		re, err := regexp.Compile(c.Match)
		if err != nil || c.Kind == "" {
			return nil, fmt.Errorf("rules: decision.toml: credential_name %q: needs a valid match and a kind", c.Match)
		}
		c.re = re
		d.CredentialNames = append(d.CredentialNames, c)
	}
	for _, a := range d.Actions {
		switch a.Verdict {
		case VerdictWorkloadIdentity, VerdictDynamic, VerdictRotation:
		default:
			return nil, fmt.Errorf("rules: decision.toml: action verdict %q is not workload-identity, dynamic-secret or rotation", a.Verdict)
		}
		if a.Text == "" {
			return nil, fmt.Errorf("rules: decision.toml: action for %s needs text", a.Verdict)
		}
	}
	return d, nil
}

func parseDuration(name, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("rules: decision.toml: %s %q is not a positive duration", name, v)
	}
	return d, nil
}

func (s Signal) compile() (Signal, error) {
	if s.ID == "" || s.Kind == "" || s.Match == "" {
		return s, fmt.Errorf("rules: decision.toml: signal %q needs an id, a match and a kind", s.ID)
	}
	switch s.Scope {
	case "":
		s.Scope = "file"
	case "file", "repo":
	default:
		return s, fmt.Errorf("rules: decision.toml: signal %q: scope %q is not file or repo", s.ID, s.Scope)
	}
	re, err := regexp.Compile(s.Match)
	if err != nil {
		return s, fmt.Errorf("rules: decision.toml: signal %q: %w", s.ID, err)
	}
	s.re = re
	return s, nil
}

// Classify returns the signal for a repository-relative path: the first
// matching signal, else the default.
func (d *Decision) Classify(path string) Signal {
	for _, s := range d.Signals {
		if s.Matches(path) {
			return s
		}
	}
	return d.Default
}

// IsTaskScoped reports whether a workload kind runs per task or session.
func (d *Decision) IsTaskScoped(kind string) bool { return slices.Contains(d.TaskScoped, kind) }

// KindForCredential returns the kind of a credential by its name.
func (d *Decision) KindForCredential(name string) (string, bool) {
	for _, c := range d.CredentialNames {
		if c.re.MatchString(name) {
			return c.Kind, true
		}
	}
	return "", false
}

// IsTokenCacheRule reports whether rule caches tokens past their lifetime.
func (d *Decision) IsTokenCacheRule(rule string) bool {
	return slices.Contains(d.TokenCacheRules, rule)
}

// FirstAction returns the most specific action text for a verdict, kind,
// family and platforms (any of them may match); "" when none applies.
func (d *Decision) FirstAction(verdict, kind, family string, platforms []string) string {
	best, bestScore := "", -1
	for _, a := range d.Actions {
		if a.Verdict != verdict {
			continue
		}
		score := 0
		if a.Kind != "" {
			if a.Kind != kind {
				continue
			}
			score += 4
		}
		if a.Family != "" {
			if a.Family != family {
				continue
			}
			score += 2
		}
		if a.Platform != "" {
			if !slices.Contains(platforms, a.Platform) {
				continue
			}
			score++
		}
		if score > bestScore {
			best, bestScore = a.Text, score
		}
	}
	return best
}
