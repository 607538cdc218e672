package baseline

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sprawl-dev/sprawl/detectors"
)

// Spot is one entry of a .gitleaksignore file: gitleaks' finding
// fingerprint, `file:rule-id:line` anywhere or `commit:file:rule-id:line`
// for one commit.
type Spot struct {
	Commit string // empty for an entry without one
	Path   string
	RuleID string // gitleaks' id ("aws-access-token") or sprawl's ("secret/…")
	Line   int
}

// ParseGitleaksIgnore reads a .gitleaksignore file, so that a repository
// moving from gitleaks keeps its accepted findings silent. An entry that is
// not a fingerprint (not three or four parts, no line number) is skipped
// with a warning naming its line, as gitleaks warns; blank lines and #
// comments are skipped.
func ParseGitleaksIgnore(path string, r io.Reader) (Ignore, error) {
	ig := Ignore{Path: path}
	err := entries(r, func(n int, line string) error {
		parts := strings.Split(line, ":")
		var s Spot
		switch len(parts) {
		case 3:
			s.Path, s.RuleID = parts[0], parts[1]
		case 4:
			s.Commit, s.Path, s.RuleID = strings.ToLower(parts[0]), parts[1], parts[2]
		}
		l, err := strconv.Atoi(parts[len(parts)-1])
		if len(parts) < 3 || len(parts) > 4 || err != nil || l < 1 || s.Path == "" || s.RuleID == "" {
			ig.Warnings = append(ig.Warnings, fmt.Sprintf("%s:%d: skipped: not a gitleaks fingerprint (file:rule-id:line or commit:file:rule-id:line)", path, n))
			return nil
		}
		s.Line = l
		s.Path = strings.ReplaceAll(s.Path, `\`, "/") // as gitleaks does
		ig.Rules = append(ig.Rules, Rule{Spot: &s, Reason: "listed in " + path, Line: n})
		return nil
	})
	return ig, err
}

// LoadGitleaksIgnore reads path; a missing file is an empty Ignore.
func LoadGitleaksIgnore(path string) (Ignore, error) { return load(path, ParseGitleaksIgnore) }

// matches reports whether f is the finding gitleaks fingerprinted as s: the
// same rule, and the same file and line at its own place or at any related
// one (a history finding gathers the commits that hold its secret).
func (s *Spot) matches(f detectors.Finding) bool {
	if f.RuleID != s.RuleID && f.RuleID != secretRulePrefix+s.RuleID {
		return false
	}
	// gitleaks names the line its match starts on; sprawl places a
	// finding on its secret's line, which may be lower.
	lead := 0
	if f.Secret != nil {
		lead = f.Secret.LeadLines
	}
	onLine := func(l detectors.Location) bool {
		return l.StartLine == s.Line || lead > 0 && l.StartLine-lead == s.Line
	}
	at := func(l detectors.Location) bool {
		if l.Path != s.Path || !onLine(l) {
			return false
		}
		return s.Commit == "" || l.Commit != nil && sameCommit(l.Commit.Hash, s.Commit)
	}
	if at(f.Location) {
		return true
	}
	for _, l := range f.Related {
		if at(l) {
			return true
		}
	}
	// A history finding is placed where its secret first appeared; the
	// commit gitleaks names may be that one.
	if s.Commit != "" && f.History != nil && f.History.FirstSeen != nil && f.Location.Path == s.Path && onLine(f.Location) {
		return sameCommit(f.History.FirstSeen.Hash, s.Commit)
	}
	return false
}

// sameCommit: full hashes, or an abbreviation of at least 7 digits.
func sameCommit(hash, want string) bool {
	return len(want) >= 7 && strings.HasPrefix(strings.ToLower(hash), want)
}

// secretRulePrefix is what sprawl puts before gitleaks' rule ids
// (secrets.RulePrefix; not imported, to keep this package light).
const secretRulePrefix = "secret/"
