package secrets

import (
	"regexp/syntax"

	"github.com/sprawl-dev/sprawl/detectors/secrets/dfa"
	"github.com/zricethezav/gitleaks/v8/regexp"
)

// Existence checks. Almost every window a rule's keyword selects holds no
// match of the rule (on etcd's history, 3% of generic-api-key's windows
// do), yet gitleaks answers "no match" with a FindAllStringIndex, which
// also has to find where matches start. A window only needs gitleaks when
// some selected rule matches it at all, and whether a pattern matches
// anywhere does not depend on its parts that can match the empty string
// at either end: generic-api-key's leading [\w.-]{0,50}? only moves where
// a match starts. So each rule gets an existence pattern — its own,
// without such leading and trailing parts — run with MatchString, which
// RE2 answers in one forward DFA pass. The check is exact: a window it
// rules out holds no match of the rule, and one it lets through holds one.
//
// The pattern runs as a lazily built DFA (package dfa): one table lookup a
// byte, where Go's regexp spends tens of nanoseconds on generic-api-key's
// counted repetitions and RE2 a call into WebAssembly. The automaton is
// exact on ASCII and may only say yes where the engine says no on other
// text, so a window it rules out still holds no match; a window it lets
// through wrongly costs gitleaks' own regexes a run, as before.

// existencePattern returns the pattern that decides whether pattern
// matches somewhere: pattern without the parts of its top-level
// concatenation that can match the empty string, whatever surrounds them,
// at its start and end. Assertions (^, $, \b) stay: dropping one would
// only widen what matches, and generic-api-key's closing "delimiter or
// end of text" is what rules out most of its candidates. It returns
// pattern itself when nothing is dropped.
func existencePattern(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat {
		return pattern
	}
	subs := re.Sub
	for len(subs) > 1 && mayBeEmpty(subs[0]) {
		subs = subs[1:]
	}
	for len(subs) > 1 && mayBeEmpty(subs[len(subs)-1]) {
		subs = subs[:len(subs)-1]
	}
	if len(subs) == len(re.Sub) {
		return pattern
	}
	re.Sub = subs
	return re.String()
}

// mayBeEmpty reports whether re matches the empty string wherever it is
// tried (an assertion does only where it holds).
func mayBeEmpty(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpRepeat:
		return re.Min == 0 || mayBeEmpty(re.Sub[0])
	case syntax.OpPlus, syntax.OpCapture:
		return mayBeEmpty(re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !mayBeEmpty(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if mayBeEmpty(s) {
				return true
			}
		}
	}
	return false
}

// existence decides whether a rule matches somewhere in a text.
type existence struct {
	re        *regexp.Regexp // the existence pattern in the rules' engine
	automaton *dfa.Matcher   // the same pattern as a DFA; nil if Go's syntax rejects it
}

func newExistence(rule *regexp.Regexp) *existence {
	e := &existence{re: existenceRegexp(rule)}
	if m, err := dfa.Compile(e.re.String()); err == nil {
		e.automaton = m
	}
	return e
}

// MatchString reports whether the rule may match somewhere in text: never
// false when it does, and true when it does not only for non-ASCII text.
func (e *existence) MatchString(text string) bool {
	if e.automaton != nil {
		if matched, ok := e.automaton.MatchString(text); ok {
			return matched
		}
	}
	return e.re.MatchString(text)
}

// existenceRegexp compiles r's existence pattern with the rules' engine;
// the rule's own pattern serves when nothing can be dropped or the
// shorter pattern does not compile.
func existenceRegexp(r *regexp.Regexp) (re *regexp.Regexp) {
	p := existencePattern(r.String())
	if p == r.String() {
		return r
	}
	if re = compileOr(p); re == nil {
		return r
	}
	return re
}

// compileOr compiles pattern with the rules' engine, or returns nil when
// it does not compile (gitleaks' regexp package offers only MustCompile).
func compileOr(pattern string) (re *regexp.Regexp) {
	defer func() {
		if recover() != nil {
			re = nil
		}
	}()
	return regexp.MustCompile(pattern)
}
