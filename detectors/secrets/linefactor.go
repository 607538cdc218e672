package secrets

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// Line factors. A keyword marks a line for a window, but short keywords
// occur everywhere: vault-service-token's "s." is on most lines of Go,
// jwt's "ey" in every "key", twilio's "sk" in every "task". Most rules'
// patterns hold a run of parts that can never match a newline and always
// contains one of the rule's keywords (vault's \b(hvs\.[\w-]{90,120}|
// s\.[a-z0-9]{24}), jwt's \b(ey[a-zA-Z0-9]{17,}\.ey...)): every match has
// a piece matching that run, inside one line, and that line holds the
// keyword. A line with the keyword but without a match of the run cannot
// be where such a match is, so the keyword alone does not make it a hit.
//
// The run is checked on new lines only (lines are memoised), by a lazy DFA
// that is exact on ASCII and says yes on anything else it cannot rule out.

// lineFactor returns the longest run of consecutive top-level parts of
// pattern that cannot match a newline and whose every match contains one
// of the keywords (lower case), as a pattern; "" when there is none.
func lineFactor(pattern string, keywords []string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	parts := flattenConcat(re, nil)
	best, bestLen := "", 0
	for i := 0; i < len(parts); {
		if !noNewline(parts[i]) {
			i++
			continue
		}
		j := i
		for j < len(parts) && noNewline(parts[j]) {
			j++
		}
		run := parts[i:j]
		contains := false
		for _, p := range run {
			if mustContain(p, keywords) {
				contains = true
				break
			}
		}
		if contains {
			s := (&syntax.Regexp{Op: syntax.OpConcat, Sub: run}).String()
			if len(s) > bestLen {
				best, bestLen = s, len(s)
			}
		}
		i = j
	}
	return best
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

// mustContain reports whether every match of re contains one of the
// keywords once lower-cased, as gitleaks compares them.
func mustContain(re *syntax.Regexp, keywords []string) bool {
	switch re.Op {
	case syntax.OpLiteral:
		lit := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			// Case folding reaches beyond ASCII (K and the Kelvin sign,
			// s and the long s) where lower-casing does not follow.
			for _, r := range lit {
				if r > unicode.MaxASCII || strings.ContainsRune("kKsS", r) {
					return false
				}
			}
		}
		lit = strings.ToLower(lit)
		for _, k := range keywords {
			if k != "" && strings.Contains(lit, k) {
				return true
			}
		}
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return mustContain(re.Sub[0], keywords)
	case syntax.OpRepeat:
		return re.Min >= 1 && mustContain(re.Sub[0], keywords)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if mustContain(s, keywords) {
				return true
			}
		}
		return false
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !mustContain(s, keywords) {
				return false
			}
		}
		return len(re.Sub) > 0
	}
	return false
}
