package secrets

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// Whether every match of a pattern holds a keyword. gitleaks selects a
// rule when one of its keywords occurs anywhere in a fragment; sprawl
// looks for matches only around keyword lines, which finds the same
// matches only when every match holds a keyword. Go's parser factors
// alternations ((?:AKIA|ASIA) becomes A(?:KIA|SIA), (?i)(?:password|pwd)
// becomes [Pp](?:assword|wd)), so a keyword is often spread over several
// nodes of the tree. The analysis below follows Russ Cox's for Google Code
// Search: for each node, the exact texts it matches when there are few,
// else the beginnings and ends every match has, and whether every match
// holds a keyword; a concatenation holds one when a part does or when
// every end of one part followed by every beginning of the next does.
// Texts are lower-cased, as gitleaks compares keywords.

// maxTexts bounds the sets of texts, beginnings and ends the analysis
// keeps; past it a set is given up (exact) or shortened (beginnings and
// ends), which only makes the answer "no" more often.
const maxTexts = 256

// maxClass is the largest character class whose members the analysis
// lists: keywords are spelled by literals and case-folded letters ([Kk]),
// not by [a-z0-9]; listing such classes made the products large and the
// analysis of the default rules cost 30 ms at every start.
const maxClass = 8

// textInfo is what the analysis knows of a node's matches.
type textInfo struct {
	exact    []string // every text matched, when finite and known (nil otherwise)
	prefix   []string // with exact nil: every match begins with one of these
	suffix   []string // with exact nil: every match ends with one of these
	contains bool     // every match holds a keyword
}

// keywordAnalysis finds whether patterns always hold one of keywords.
type keywordAnalysis struct {
	keywords []string // lower case, non-empty
	maxLen   int      // the longest keyword's length
}

func newKeywordAnalysis(keywords []string) *keywordAnalysis {
	a := &keywordAnalysis{}
	for _, k := range keywords {
		if k != "" {
			a.keywords = append(a.keywords, k)
			a.maxLen = max(a.maxLen, len(k))
		}
	}
	return a
}

// mustContain reports whether every match of re contains one of the
// keywords once lower-cased, as gitleaks compares them.
func mustContain(re *syntax.Regexp, keywords []string) bool {
	a := newKeywordAnalysis(keywords)
	if len(a.keywords) == 0 {
		return false
	}
	return a.info(re).holds(a)
}

// seen marks a beginning or end that already holds a keyword: shortening
// it to the keywords' length would lose that.
const seen = "\x00"

// hasKeyword reports whether s (a text, or beginnings and ends joined,
// some marked seen) holds a keyword.
func (a *keywordAnalysis) hasKeyword(s string) bool {
	if strings.Contains(s, seen) {
		return true
	}
	for _, k := range a.keywords {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// holds reports whether every match described by i holds a keyword.
func (i textInfo) holds(a *keywordAnalysis) bool {
	if i.contains {
		return true
	}
	if i.exact == nil {
		return allSeen(i.prefix) || allSeen(i.suffix)
	}
	for _, t := range i.exact {
		if !a.hasKeyword(t) {
			return false
		}
	}
	return true
}

// allSeen reports whether every beginning (or end) in ts holds a keyword.
func allSeen(ts []string) bool {
	for _, t := range ts {
		if !strings.HasPrefix(t, seen) {
			return false
		}
	}
	return len(ts) > 0
}

func exactInfo(texts ...string) textInfo { return textInfo{exact: texts} }

// anyInfo describes a node the analysis knows nothing of.
func anyInfo() textInfo { return textInfo{prefix: []string{""}, suffix: []string{""}} }

func (a *keywordAnalysis) info(re *syntax.Regexp) textInfo {
	switch re.Op {
	case syntax.OpLiteral:
		return exactInfo(strings.ToLower(string(re.Rune)))
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactInfo("")
	case syntax.OpNoMatch:
		return textInfo{contains: true} // nothing matches, so every match holds one
	case syntax.OpCharClass:
		var texts []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if int(re.Rune[i+1]-re.Rune[i]) >= maxClass {
				return anyInfo()
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				texts = append(texts, strings.ToLower(string(r)))
			}
		}
		slices.Sort(texts)
		texts = slices.Compact(texts)
		if len(texts) > maxClass {
			return anyInfo()
		}
		return exactInfo(texts...)
	case syntax.OpCapture:
		return a.info(re.Sub[0])
	case syntax.OpQuest:
		return a.alternate(a.info(re.Sub[0]), exactInfo(""))
	case syntax.OpStar:
		return anyInfo() // may match nothing
	case syntax.OpPlus:
		return a.repeated(a.info(re.Sub[0]))
	case syntax.OpRepeat:
		if re.Max == 0 {
			return exactInfo("")
		}
		sub := a.info(re.Sub[0])
		if re.Min == 0 {
			if re.Max == 1 {
				return a.alternate(sub, exactInfo(""))
			}
			return anyInfo()
		}
		if re.Min == 1 && re.Max == 1 {
			return sub
		}
		return a.repeated(sub)
	case syntax.OpConcat:
		out := exactInfo("")
		for i, s := range re.Sub {
			out = a.concat(out, a.info(s))
			if out.holds(a) && i < len(re.Sub)-1 {
				// The rest cannot undo it; its ends are not worth
				// working out (the empty end is one of every match).
				return textInfo{contains: true, prefix: a.begins(out), suffix: []string{""}}
			}
		}
		return out
	case syntax.OpAlternate:
		if len(re.Sub) == 0 {
			return textInfo{contains: true}
		}
		out := a.info(re.Sub[0])
		for _, s := range re.Sub[1:] {
			out = a.alternate(out, a.info(s))
		}
		return out
	}
	return anyInfo() // OpAnyChar, OpAnyCharNotNL and anything unknown
}

// repeated describes one or more copies of x: they hold a keyword when
// one copy does, and begin and end as one copy does.
func (a *keywordAnalysis) repeated(x textInfo) textInfo {
	return textInfo{contains: x.holds(a), prefix: a.begins(x), suffix: a.ends(x)}
}

// concat describes x followed by y.
func (a *keywordAnalysis) concat(x, y textInfo) textInfo {
	if x.exact != nil && y.exact != nil && len(x.exact)*len(y.exact) <= maxTexts {
		return exactInfo(a.cross(x.exact, y.exact, 0)...)
	}
	out := textInfo{contains: x.holds(a) || y.holds(a)}
	if !out.contains {
		// A keyword across the boundary: every end of x then every
		// beginning of y.
		out.contains = true
		for _, s := range a.ends(x) {
			for _, p := range a.begins(y) {
				if !a.hasKeyword(s + p) {
					out.contains = false
					break
				}
			}
			if !out.contains {
				break
			}
		}
	}
	if x.exact != nil {
		out.prefix = a.cross(x.exact, a.begins(y), 1)
	} else {
		out.prefix = x.prefix
	}
	if y.exact != nil {
		out.suffix = a.cross(a.ends(x), y.exact, -1)
	} else {
		out.suffix = y.suffix
	}
	return out
}

// cross returns every s+t, shortened to what keywords can span: to its
// beginning (keep > 0) or its end (keep < 0); the empty beginning or end
// when there are too many.
func (a *keywordAnalysis) cross(xs, ys []string, keep int) []string {
	if len(xs)*len(ys) > maxTexts*4 {
		return []string{""}
	}
	out := make([]string, 0, len(xs)*len(ys))
	for _, x := range xs {
		for _, y := range ys {
			t := x + y
			if keep != 0 {
				// Shortened, t keeps whether it held a keyword.
				held := a.hasKeyword(t)
				t = strings.ReplaceAll(t, seen, "")
				switch {
				case keep > 0 && len(t) > a.maxLen:
					t = t[:a.maxLen]
				case keep < 0 && len(t) > a.maxLen:
					t = t[len(t)-a.maxLen:]
				}
				if held {
					t = seen + t
				}
			}
			out = append(out, t)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxTexts {
		return []string{""}
	}
	return out
}

// begins and ends are the beginnings and ends every match of i has.
func (a *keywordAnalysis) begins(i textInfo) []string {
	if i.exact != nil {
		return a.cross(i.exact, []string{""}, 1)
	}
	return i.prefix
}

func (a *keywordAnalysis) ends(i textInfo) []string {
	if i.exact != nil {
		return a.cross([]string{""}, i.exact, -1)
	}
	return i.suffix
}

func (a *keywordAnalysis) alternate(x, y textInfo) textInfo {
	if x.exact != nil && y.exact != nil && len(x.exact)+len(y.exact) <= maxTexts {
		texts := append(append([]string{}, x.exact...), y.exact...)
		slices.Sort(texts)
		return exactInfo(slices.Compact(texts)...)
	}
	return textInfo{
		contains: x.holds(a) && y.holds(a),
		prefix:   union(a.begins(x), a.begins(y)),
		suffix:   union(a.ends(x), a.ends(y)),
	}
}

// union of two sets of beginnings (or ends); the empty one when too many.
func union(x, y []string) []string {
	out := append(append([]string{}, x...), y...)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxTexts {
		return []string{""}
	}
	return out
}

// maxReach bounds the rules checked around their keywords only: a rule
// whose matches may be longer reads the whole text.
const maxReach = 4096

// keywordReach returns the most bytes a match of pattern's existence
// pattern (existencePattern) can span when every such match holds one of
// keywords (lower-cased), or -1 when a match may hold none, has no bound,
// or may be longer than maxReach.
func keywordReach(pattern string, keywords []string) int {
	re, err := syntax.Parse(existencePattern(pattern), syntax.Perl)
	if err != nil {
		return -1
	}
	lower := make([]string, len(keywords))
	for i, k := range keywords {
		lower[i] = asciiLower(k)
	}
	if !mustContain(re, lower) {
		return -1
	}
	if n := maxBytes(re); n >= 0 && n <= maxReach {
		return n
	}
	return -1
}

// maxBytes is the most bytes a match of re can span in UTF-8, or -1 when
// there is no bound (or it passes maxReach on the way).
func maxBytes(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(max(r, 0))
		}
		return n
	case syntax.OpCharClass:
		hi := rune(0)
		for i := 1; i < len(re.Rune); i += 2 {
			hi = max(hi, re.Rune[i])
		}
		return utf8.RuneLen(min(hi, utf8.MaxRune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax
	case syntax.OpCapture, syntax.OpQuest:
		return maxBytes(re.Sub[0])
	case syntax.OpRepeat:
		n := maxBytes(re.Sub[0])
		if n < 0 || re.Max < 0 || n*re.Max > maxReach {
			return -1
		}
		return n * re.Max
	case syntax.OpConcat, syntax.OpAlternate:
		if n := foldBound(re, maxBytes); n <= maxReach {
			return n
		}
		return -1
	}
	return -1 // star, plus, anything else
}

// foldBound combines the bounds bound gives re's subexpressions as re
// does: a concatenation's add up, an alternation's largest wins; -1 when
// one has none.
func foldBound(re *syntax.Regexp, bound func(*syntax.Regexp) int) int {
	total := 0
	for _, sub := range re.Sub {
		n := bound(sub)
		if n < 0 {
			return -1
		}
		if re.Op == syntax.OpConcat {
			total += n
		} else {
			total = max(total, n)
		}
	}
	return total
}
