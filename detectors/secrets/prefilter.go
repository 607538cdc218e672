package secrets

import (
	"regexp/syntax"
	"unicode/utf8"

	"github.com/sprawl-dev/sprawl/detectors/secrets/dfa"
	"github.com/zricethezav/gitleaks/v8/config"
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
	needs     bool           // the automaton answers only for reportable secrets (secretNeed)
}

func newExistence(rule *regexp.Regexp) *existence { return newExistenceNeeding(rule, nil) }

// newExistenceNeeding is newExistence for matches whose secret meets need
// (see secretNeed); nil asks for any match.
func newExistenceNeeding(rule *regexp.Regexp, need *dfa.Need) *existence {
	e := &existence{re: existenceRegexp(rule)}
	if need != nil {
		// Group numbers must survive the trimming (no dropped part has one).
		if p, err := syntax.Parse(e.re.String(), syntax.Perl); err != nil || p.MaxCap() != rule.NumSubexp() {
			need = nil
		}
	}
	if m, err := dfa.CompileNeeding(e.re.String(), need); err == nil {
		e.automaton = m
	} else if m, err := dfa.Compile(e.re.String()); err == nil {
		e.automaton = m
	}
	e.needs = e.automaton != nil && need != nil
	return e
}

// secretNeed derives from r's allowlists what every secret r reports
// holds: an allowlist matched when any one of its criteria is (gitleaks'
// default) with a regex ^[C]+$ on the secret drops every secret made only
// of C, so a reported secret holds a byte outside C — for generic-api-key,
// whose allowlist is ^[a-zA-Z_.-]+$, a digit or one of =+/ (three windows
// in four that reach gitleaks on etcd's history hold only identifiers).
// It returns nil when that cannot be relied on: the secret is not one
// known capture group, or the pattern has an end-of-text assertion that
// is not an alternative to consuming a newline (gitleaks re-matches the
// match with trailing newlines trimmed, and the secret comes from that
// parse; "$ or a newline" parses the same either way).
func secretNeed(r config.Rule) *dfa.Need {
	if r.Regex == nil {
		return nil
	}
	group := r.SecretGroup
	if group == 0 {
		if r.Regex.NumSubexp() != 1 {
			return nil
		}
		group = 1
	}
	re, err := syntax.Parse(r.Regex.String(), syntax.Perl)
	if err != nil || !endTextOnlyBesideNewline(re, false) {
		return nil
	}
	var best *dfa.Need
	most := -1
	for _, a := range r.Allowlists {
		if a == nil || a.MatchCondition == config.AllowlistMatchAnd || (a.RegexTarget != "" && a.RegexTarget != "secret") {
			continue
		}
		for _, ar := range a.Regexes {
			class, ok := wholeClass(ar.String())
			if !ok {
				continue
			}
			need := &dfa.Need{Group: group, NonASCII: true}
			n := 0
			for c := range utf8.RuneSelf {
				if !class[c] {
					need.Bytes[c] = true
				} else {
					n++
				}
			}
			if n > most { // the widest class asks the most
				best, most = need, n
			}
		}
	}
	return best
}

// wholeClass recognises ^[C]+$ (or \A[C]+\z) and returns C's ASCII
// members; a class with non-ASCII members is refused (a secret of them
// would then need nothing ASCII).
func wholeClass(pattern string) (class [utf8.RuneSelf]bool, ok bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return class, false
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) != 3 || re.Sub[0].Op != syntax.OpBeginText || re.Sub[2].Op != syntax.OpEndText {
		return class, false
	}
	plus := re.Sub[1]
	if plus.Op != syntax.OpPlus || plus.Sub[0].Op != syntax.OpCharClass {
		return class, false
	}
	r := plus.Sub[0].Rune
	for i := 0; i+1 < len(r); i += 2 {
		if r[i+1] >= utf8.RuneSelf {
			return class, false
		}
		for c := r[i]; c <= r[i+1]; c++ {
			class[c] = true
		}
	}
	return class, true
}

// endTextOnlyBesideNewline reports whether every end-of-text assertion in
// re is one alternative of an alternation that also has an alternative
// consuming a newline (a class holding '\n'); beside tells whether re's
// parent is such an alternation.
func endTextOnlyBesideNewline(re *syntax.Regexp, beside bool) bool {
	if re.Op == syntax.OpEndText {
		return beside
	}
	next := false
	if re.Op == syntax.OpAlternate {
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpCharClass && classHas(sub.Rune, '\n') {
				next = true
			}
		}
	}
	for _, sub := range re.Sub {
		if !endTextOnlyBesideNewline(sub, next) {
			return false
		}
	}
	return true
}

func classHas(ranges []rune, c rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] <= c && c <= ranges[i+1] {
			return true
		}
	}
	return false
}

// MatchString reports whether the rule may match somewhere in text: never
// false when it does, and true when it does not only for non-ASCII text.
// With needs, "match" means a match whose secret the rule's allowlists
// let through; when the automaton gives up, the engine answers for any
// match.
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
