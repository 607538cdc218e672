package secrets

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// Line factors. A keyword marks a line for a window, but keywords occur
// everywhere: vault-service-token's "s." is on most lines of Go, jwt's
// "ey" in every "key", and generic-api-key's "key", "token" and "auth" on
// a good share of the lines of any program. Most rules' patterns are a
// concatenation with a run of parts that can never match a newline and
// always holds one of the rule's keywords: vault's \b(hvs\.[\w-]{90,120}|
// s\.[a-z0-9]{24}), generic-api-key's [\w.-]{0,50}?(?:access|auth|...|key|
// token)[ \t\w.-]{0,20}. Call that run F and the parts after it R. Every
// match of the rule has a piece matching F inside one line L, which holds
// the keyword, and the rest of the match, matching R, starts right after
// it: either it ends within L, or L's remainder is a beginning of it (the
// match goes on past the newline: a value below its key). So a line with
// the keyword is a hit only if it matches F(?:R|P$), where P matches every
// beginning of what R matches: "key := store.Get(ctx)" is no hit for
// generic-api-key, whose key must be followed by an operator and a value
// of ten characters or more, or by the end of the line.
//
// The check runs on new lines only (lines are memoised), as a lazy DFA
// that is exact on ASCII and says yes on anything else it cannot rule out.
//
// Like the keyword filter it refines, it relies on a match holding one of
// its rule's keywords once lower-cased: a case-insensitive "s" also
// matches the long s (ſ), which lower-casing keeps, so "ſecret = ..." is
// found only in a window some other keyword line opens.

// lineFactor returns the line check of a rule's pattern: F(?:R|P$) for the
// longest run F (in parts) of consecutive top-level parts that cannot match a newline
// and whose every match holds one of the keywords (lower case); nil when
// there is none. (Compile it from the tree: syntax.Regexp.String does not
// always print such a built tree back correctly.)
func lineFactor(pattern string, keywords []string) *syntax.Regexp {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	parts := flattenConcat(re, nil)
	bestI, bestJ, bestLen := -1, -1, 0
	for i := 0; i < len(parts); {
		if !noNewline(parts[i]) {
			i++
			continue
		}
		j := i
		for j < len(parts) && noNewline(parts[j]) {
			j++
		}
		if n := j - i; n > bestLen && mustContain(concat(parts[i:j]), keywords) {
			bestI, bestJ, bestLen = i, j, n
		}
		i = j
	}
	if bestI < 0 {
		return nil
	}
	f, rest := concat(parts[bestI:bestJ]), parts[bestJ:]
	if len(rest) == 0 {
		return relax(f)
	}
	r := concat(rest)
	check := concat([]*syntax.Regexp{f, {Op: syntax.OpAlternate, Sub: []*syntax.Regexp{
		r, concat([]*syntax.Regexp{beginnings(r), {Op: syntax.OpEndText}}),
	}}})
	return relax(check)
}

// maxCount bounds the counted repetitions of a line check.
const maxCount = 8

// relax returns re with every counted repetition that counts past
// maxCount made unbounded and its minimum capped (x{10,150} becomes
// x{8,}): a superset, whose automaton need not count to 150 in every
// thread.
func relax(re *syntax.Regexp) *syntax.Regexp {
	r := *re
	r.Sub = make([]*syntax.Regexp, len(re.Sub))
	for i, s := range re.Sub {
		r.Sub[i] = relax(s)
	}
	if r.Op == syntax.OpRepeat && (r.Max > maxCount || r.Max < 0 || r.Min > maxCount) {
		r.Min, r.Max = min(r.Min, maxCount), -1
	}
	return &r
}

func concat(parts []*syntax.Regexp) *syntax.Regexp {
	if len(parts) == 1 {
		return parts[0]
	}
	return &syntax.Regexp{Op: syntax.OpConcat, Sub: parts}
}

// beginnings returns a pattern matching every beginning (prefix, the empty
// one included) of every text re matches, and possibly more: assertions
// are dropped.
func beginnings(re *syntax.Regexp) *syntax.Regexp {
	empty := &syntax.Regexp{Op: syntax.OpEmptyMatch}
	alt := func(subs ...*syntax.Regexp) *syntax.Regexp {
		return &syntax.Regexp{Op: syntax.OpAlternate, Sub: subs}
	}
	switch re.Op {
	case syntax.OpLiteral:
		subs := []*syntax.Regexp{empty}
		for n := 1; n <= len(re.Rune); n++ {
			subs = append(subs, &syntax.Regexp{Op: syntax.OpLiteral, Rune: re.Rune[:n:n], Flags: re.Flags})
		}
		return alt(subs...)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return &syntax.Regexp{Op: syntax.OpQuest, Sub: []*syntax.Regexp{re}, Flags: re.Flags}
	case syntax.OpCapture, syntax.OpQuest:
		return beginnings(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		star := &syntax.Regexp{Op: syntax.OpStar, Sub: re.Sub, Flags: re.Flags}
		return concat([]*syntax.Regexp{star, beginnings(re.Sub[0])})
	case syntax.OpRepeat:
		if re.Max == 0 {
			return empty
		}
		head := &syntax.Regexp{Op: syntax.OpStar, Sub: re.Sub, Flags: re.Flags}
		if re.Max > 0 {
			head = &syntax.Regexp{Op: syntax.OpRepeat, Sub: re.Sub, Min: 0, Max: re.Max - 1, Flags: re.Flags}
		}
		return concat([]*syntax.Regexp{head, beginnings(re.Sub[0])})
	case syntax.OpConcat:
		// a1…an begins with a beginning of a1, or a1 then a beginning of
		// a2, and so on.
		var subs []*syntax.Regexp
		for k := range re.Sub {
			subs = append(subs, concat(append(append([]*syntax.Regexp{}, re.Sub[:k]...), beginnings(re.Sub[k]))))
		}
		return alt(subs...)
	case syntax.OpAlternate:
		var subs []*syntax.Regexp
		for _, s := range re.Sub {
			subs = append(subs, beginnings(s))
		}
		return alt(subs...)
	}
	return empty // assertions, empty and no match
}

// flattenConcat appends re's parts to out: the parts of concatenations and
// the insides of capture groups, which do not change what matches.
func flattenConcat(re *syntax.Regexp, out []*syntax.Regexp) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpConcat:
		for _, s := range re.Sub {
			out = flattenConcat(s, out)
		}
		return out
	case syntax.OpCapture:
		return flattenConcat(re.Sub[0], out)
	}
	return append(out, re)
}

// noNewline reports whether no match of re can contain a newline.
func noNewline(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == '\n' {
				return false
			}
		}
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return false
			}
		}
		return true
	case syntax.OpAnyCharNotNL, syntax.OpEmptyMatch, syntax.OpNoMatch,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat,
		syntax.OpConcat, syntax.OpAlternate:
		for _, s := range re.Sub {
			if !noNewline(s) {
				return false
			}
		}
		return true
	}
	return false // OpAnyChar and anything unknown
}

// reachesBelow returns how many lines below its first a match of pattern
// can reach (spanLines when there is no bound), when that is more than a
// plain window's context and every match starts with a run of
// newline-free parts holding one of the keywords (lower case): then a
// window from the keyword's line down holds the match. It returns 0
// otherwise. Patterns that do not start with a keyword as written are
// ruled out before parsing (start-up pays for every rule).
func reachesBelow(pattern string, keywords []string) int {
	lead := strings.ToLower(leadingText(pattern))
	starts := false
	for _, k := range keywords {
		starts = starts || k != "" && strings.HasPrefix(lead, k)
	}
	if !starts {
		return 0
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0
	}
	n := maxNewlines(re)
	if n >= 0 && n <= contextLines {
		return 0
	}
	for _, p := range flattenConcat(re, nil) {
		if !noNewline(p) {
			return 0
		}
		if mustContain(p, keywords) {
			if n < 0 {
				return spanLines
			}
			return n
		}
	}
	return 0
}

// flagGroup is a leading group of flags: "(?i)", "(?im)", "(?s:".
var flagGroup = regexp.MustCompile(`^\(\?[imsU]+[):]`)

// leadingText is pattern past its leading flags, word boundaries and
// group openings.
func leadingText(pattern string) string {
	for {
		switch {
		case flagGroup.MatchString(pattern):
			pattern = pattern[len(flagGroup.FindString(pattern)):]
		case strings.HasPrefix(pattern, "(?:"):
			pattern = pattern[3:]
		case strings.HasPrefix(pattern, `\b`):
			pattern = pattern[2:]
		case strings.HasPrefix(pattern, "("), strings.HasPrefix(pattern, "^"):
			pattern = pattern[1:]
		default:
			return pattern
		}
	}
}
