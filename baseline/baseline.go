// Package baseline lets teams adopt sprawl on a repository with existing
// findings: a baseline file records the findings accepted today (keys and
// redacted facts, never secrets) so that later scans report only new ones,
// and a .sprawlignore file silences findings by key, by secret fingerprint
// or by path glob, each with a reason.
package baseline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Version of the baseline file format.
const Version = 1

// Entry is one accepted finding.
type Entry struct {
	Key         string `json:"key"`
	RuleID      string `json:"ruleId"`
	Path        string `json:"path"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Preview     string `json:"preview,omitempty"`
}

// File is a baseline on disk.
type File struct {
	Version  int       `json:"version"`
	Tool     string    `json:"tool"`
	Created  time.Time `json:"created"`
	Findings []Entry   `json:"findings"`
}

// New returns a baseline of findings.
func New(findings []detectors.Finding, now time.Time) File {
	f := File{Version: Version, Tool: "sprawl", Created: now.UTC(), Findings: []Entry{}}
	seen := map[string]bool{}
	for _, fd := range findings {
		k := fd.Key()
		if seen[k] {
			continue
		}
		seen[k] = true
		e := Entry{Key: k, RuleID: fd.RuleID, Path: fd.Location.Path}
		if fd.Secret != nil {
			e.Fingerprint, e.Preview = fd.Secret.Fingerprint, fd.Secret.Preview
		}
		f.Findings = append(f.Findings, e)
	}
	return f
}

// Write writes the baseline as indented JSON.
func (f File) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// Read reads a baseline file.
func Read(path string) (File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("cannot read baseline %s: %w", path, err)
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		return File{}, fmt.Errorf("baseline %s is not a sprawl baseline (create one with `sprawl baseline create`): %w", path, err)
	}
	if f.Version != Version {
		return File{}, fmt.Errorf("baseline %s has version %d; this sprawl reads version %d", path, f.Version, Version)
	}
	return f, nil
}

// Keys returns the set of keys in the baseline, plus "rule|fingerprint"
// for secret findings: a baselined secret stays baselined when its file is
// renamed or its commits squashed, since neither makes it a new secret.
func (f File) Keys() map[string]bool {
	out := make(map[string]bool, 2*len(f.Findings))
	for _, e := range f.Findings {
		out[e.Key] = true
		if e.Fingerprint != "" {
			out[secretKey(e.RuleID, e.Fingerprint)] = true
		}
	}
	return out
}

func secretKey(rule, fingerprint string) string { return rule + "|" + fingerprint }

// Rule is one line of a .sprawlignore file.
type Rule struct {
	// Exactly one of Key, Fingerprint, Glob, Spot, Listed or PathPattern
	// is set.
	Key, Fingerprint, Glob string
	// Spot is an entry of a .gitleaksignore file.
	Spot *Spot
	// Listed is an entry of a detect-secrets baseline.
	Listed *Listed
	// PathPattern is a path regexp of a gitleaks allowlist (see
	// AllowlistPaths).
	PathPattern *regexp.Regexp
	// RuleID limits a glob to one rule (optional).
	RuleID string
	Reason string
	Line   int
}

// Ignore is a parsed .sprawlignore file.
type Ignore struct {
	Path  string
	Rules []Rule
	// Warnings name lines without a reason.
	Warnings []string
}

var (
	keyRe = regexp.MustCompile(`^[0-9a-f]{32}(?::\d+)?$`)
	fpRe  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ParseIgnore reads a .sprawlignore file. Each line is one of
//
//	<finding key>          # reason   (32 hex digits, as in SARIF primaryLocationLineHash)
//	<secret fingerprint>   # reason   (64 hex digits: this secret everywhere)
//	[rule-id:]<path glob>  # reason   (doublestar glob, e.g. test/fixtures/**)
//
// Blank lines and lines starting with # are comments.
func ParseIgnore(path string, r io.Reader) (Ignore, error) {
	ig := Ignore{Path: path}
	err := entries(r, func(n int, line string) error {
		pattern, reason, _ := strings.Cut(line, "#")
		pattern, reason = strings.TrimSpace(pattern), strings.TrimSpace(reason)
		rule := Rule{Reason: reason, Line: n}
		switch {
		case keyRe.MatchString(pattern):
			rule.Key = strings.SplitN(pattern, ":", 2)[0]
		case fpRe.MatchString(pattern):
			rule.Fingerprint = pattern
		default:
			if id, glob, ok := strings.Cut(pattern, ":"); ok && strings.Contains(id, "/") && !strings.Contains(id, "*") {
				rule.RuleID, pattern = id, glob
			}
			if pattern == "" || !scanners.ValidGlob(pattern) {
				return fmt.Errorf("%s:%d: %q is neither a finding key, a fingerprint nor a valid path glob", path, n, pattern)
			}
			rule.Glob = pattern
		}
		if reason == "" {
			ig.Warnings = append(ig.Warnings, fmt.Sprintf("%s:%d: no reason given (write one after #)", path, n))
		}
		ig.Rules = append(ig.Rules, rule)
		return nil
	})
	return ig, err
}

// entries calls entry with each line of r (1-based number, trimmed) that
// is neither blank nor a # comment, until entry returns an error.
func entries(r io.Reader, entry func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := entry(n, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// LoadIgnore reads path; a missing file is an empty Ignore.
func LoadIgnore(path string) (Ignore, error) { return load(path, ParseIgnore) }

// load reads path with parse; a missing file is an empty Ignore.
func load(path string, parse func(string, io.Reader) (Ignore, error)) (Ignore, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return Ignore{Path: path}, nil
		}
		return Ignore{}, fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer f.Close()
	return parse(path, f)
}

// Match returns the rule that silences f, if any.
func (ig Ignore) Match(f detectors.Finding) (Rule, bool) {
	key := ""
	for _, r := range ig.Rules {
		switch {
		case r.Key != "":
			if key == "" {
				key = f.Key()
			}
			if r.Key == key {
				return r, true
			}
		case r.Fingerprint != "":
			if f.Secret != nil && f.Secret.Fingerprint == r.Fingerprint {
				return r, true
			}
		case r.Glob != "":
			if (r.RuleID == "" || r.RuleID == f.RuleID) && scanners.Excluded([]string{r.Glob}, f.Location.Path, false) {
				return r, true
			}
		case r.Spot != nil:
			if r.Spot.matches(f) {
				return r, true
			}
		case r.Listed != nil:
			if r.Listed.matches(f) {
				return r, true
			}
		case r.PathPattern != nil:
			if r.PathPattern.MatchString(filepath.ToSlash(f.Location.Path)) {
				return r, true
			}
		}
	}
	return Rule{}, false
}

// Filter splits findings into those to report and the number suppressed by
// the baseline keys and by ig.
//
// A .gitleaksignore entry (Spot) or a detect-secrets baseline entry
// (Listed) accepts a secret in a file: every finding of that secret in that
// file goes with it. sprawl may report one secret
// under more rules than gitleaks did, or from lines gitleaks did not see
// (a key above its value in history), and those have no entry of their own.
func Filter(findings []detectors.Finding, known map[string]bool, ig Ignore) (kept []detectors.Finding, baselined, ignored int) {
	var accepted map[string]bool // path + secret fingerprint
	spotKey := func(f *detectors.Finding) string { return f.Location.Path + "\x00" + f.Secret.Fingerprint }
	for _, f := range findings {
		if r, ok := ig.Match(f); ok && (r.Spot != nil || r.Listed != nil) && f.Secret != nil {
			if accepted == nil {
				accepted = map[string]bool{}
			}
			accepted[spotKey(&f)] = true
		}
	}
	for _, f := range findings {
		if _, ok := ig.Match(f); ok || f.Secret != nil && accepted[spotKey(&f)] {
			ignored++
			continue
		}
		if known[f.Key()] || (f.Secret != nil && known[secretKey(f.RuleID, f.Secret.Fingerprint)]) {
			baselined++
			continue
		}
		kept = append(kept, f)
	}
	return kept, baselined, ignored
}
