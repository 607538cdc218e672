package secrets

import (
	stdregexp "regexp"
	"regexp/syntax"
	"slices"
	"sync"

	"github.com/sprawl-dev/sprawl/detectors/secrets/dfa"

	"github.com/zricethezav/gitleaks/v8/regexp"
)

// Path patterns run on Go's regexp whatever the rules' engine: paths are
// short, and with RE2 in WebAssembly each call would cost a crossing into
// the module, tens of them per path. Go's regexp tries an unanchored
// pattern from every position of the path, and most of gitleaks' path
// patterns are long case-insensitive alternations anchored at the end
// ("(?i)(?:\.(?:ya?ml|json|...)|...)$"): tens of microseconds a path, which
// a working tree of 100,000 files pays for every pattern. A pattern whose
// every match must end at the end of the path is run instead, reversed and
// anchored at the start, on the reversed path: it gives up at the first
// character no match can end with. Either way the pattern runs as a lazy
// DFA (package dfa) on ASCII paths: a few nanoseconds a character and no
// per-call set-up, where Go's regexp costs hundreds of nanoseconds a call
// before it reads the path; paths with other characters use the regexp.

// pathPattern is a path pattern, its reversal when every match ends at the
// end of the path, and a literal every match contains (most paths lack
// it, and a substring search is cheaper still). The matchers are built on
// first use: a pre-commit scan meets a handful of paths, most of which
// lack most patterns' literals.
type pathPattern struct {
	literal  string
	fold     bool
	matchers func() pathMatchers
}

// pathMatchers are a path pattern's compiled forms.
type pathMatchers struct {
	re  *stdregexp.Regexp
	rev *stdregexp.Regexp // nil unless end-anchored
	dfa *dfa.Matcher      // rev (or re) as a DFA, exact on ASCII
}

// goRegexps compiles gitleaks' patterns with Go's regexp (the same
// syntax: gitleaks builds with either engine).
func goRegexps(res ...*regexp.Regexp) []*pathPattern {
	out := make([]*pathPattern, 0, len(res))
	for _, re := range res {
		out = append(out, newPathPattern(re.String()))
	}
	return out
}

func newPathPattern(pattern string) *pathPattern {
	lit, fold := requiredLiteral(pattern)
	return &pathPattern{literal: lit, fold: fold, matchers: sync.OnceValue(func() pathMatchers {
		m := pathMatchers{re: stdregexp.MustCompile(pattern)}
		if tree, err := syntax.Parse(pattern, syntax.Perl); err == nil && endAnchored(tree) {
			m.rev, _ = stdregexp.Compile(`\A(?:` + dfa.Reverse(tree).String() + `)`)
		}
		if m.rev != nil {
			m.dfa, _ = dfa.Compile(m.rev.String())
		} else {
			m.dfa, _ = dfa.Compile(pattern)
		}
		return m
	})}
}

// match reports whether the pattern matches a path.
func (p *pathPattern) match(pt pathText) bool {
	if p.literal != "" && !contains(pt.path, p.literal, p.fold) {
		return false
	}
	m := p.matchers()
	text, re := pt.path, m.re
	if m.rev != nil {
		text, re = pt.reversed(), m.rev
	}
	if m.dfa != nil && pt.ascii {
		if matched, ok := m.dfa.MatchString(text); ok {
			return matched
		}
	}
	return re.MatchString(text)
}

// pathText is a path and, once a pattern needs it, its reversal.
type pathText struct {
	path  string
	rev   *string
	ascii bool
}

func newPathText(path string) pathText {
	return pathText{path: path, rev: new(string), ascii: isASCII(path)}
}

func (pt pathText) reversed() string {
	if *pt.rev == "" && pt.path != "" {
		*pt.rev = reverseRunes(pt.path)
	}
	return *pt.rev
}

// endAnchored reports whether every match of re ends at the end of the
// text (\z, or $ outside multi-line mode).
func endAnchored(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEndText:
		return true
	case syntax.OpCapture:
		return endAnchored(re.Sub[0])
	case syntax.OpConcat:
		return len(re.Sub) > 0 && endAnchored(re.Sub[len(re.Sub)-1])
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !endAnchored(s) {
				return false
			}
		}
		return true
	}
	return false
}

// reverseRunes returns s with its characters in reverse order.
func reverseRunes(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}
