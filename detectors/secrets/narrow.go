package secrets

import (
	"cmp"
	"context"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/secrets/dfa"
	"github.com/zricethezav/gitleaks/v8/config"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
)

// Narrowing. A window where a rule matches goes to gitleaks, which runs
// the rule's regexp over all of it — twice, as detectRule finds the
// matches once to see whether there are any and again to report them —
// and again over every decoded layer. Go's regexp crosses generic-api-key's
// counted repetitions at about a megabyte a second, so a file where every
// other line holds "secret=" (test data, fake-leaks' 300 KB of samples)
// cost seconds, where RE2's DFA takes a fraction. A window of at least
// narrowMin bytes is therefore cut first: each selected rule's Locator
// (package dfa: a forward DFA pass for where matches end, a reversed one
// for where they start) gives the lines its matches can occupy, and
// gitleaks sees only those lines; decoding runs only on the lines whose
// decoded text holds a match. Parts are whole lines, cut like windows, so
// what a rule sees at their edges is what it sees at a window's.
//
// Not narrowed, and so run on the whole window as before: rules with
// companions (or that are one), rules whose matches need not hold a
// keyword (the part would lack it), patterns anchored at the start of the
// text, and any rule the automata give up on.

// narrowMin is the shortest window worth narrowing: below it the passes
// cost about what gitleaks' would.
const narrowMin = 2 << 10

// longSpan is the longest run of lines a match is given whole: past it
// (a minified script, a one-line JSON document), a rule sees the bytes
// around its match instead, cut after a separator as long lines are cut
// into windows (splitLine) — unless the rule needs whole lines (line
// anchors, an allowlist reading the line) or the lines hold an allow
// comment.
const longSpan = 4 << 10

// cutReach is how far from a match a cut looks for a separator.
const cutReach = 256

// part is a piece of a window for gitleaks: whole lines, or a piece of
// a long line cut after separators.
type part struct {
	start, end int
	line       int // 0-based line of start in the window
	col        int // UTF-16 columns between the line's start and start
	decode     bool
	only       string // rule ids joined by NUL
}

// scanWindow is scan for a window of the content, narrowed when it is
// long enough; positions are relative to the window.
func (d *Detector) scanWindow(ctx context.Context, in detectors.Input, text string, decode bool, class, only string) []detectors.Finding {
	if len(text) < narrowMin || strings.HasPrefix(only, forcePrefix) {
		return d.scan(ctx, in, text, decode, class, only)
	}
	parts := d.subsets.narrow(text, decode, only, d.offPathRules(class))
	var out []detectors.Finding
	for _, p := range parts {
		for _, f := range d.scan(ctx, in, text[p.start:p.end], p.decode, class, p.only) {
			shift(&f.Location, p.line, p.col)
			out = append(out, f)
		}
	}
	return out
}

// locator is a rule's Locator, and what decides whether the rule needs
// the whole lines of a match (see wholeLines).
type locator struct {
	*dfa.Locator
	anchored bool // the pattern holds line anchors (^ or $ with (?m))
	// lineAllows are the regexes of the rule's allowlists that read the
	// whole line (regexTarget "line"); lineAsserts, whether one of them
	// holds an assertion (^, $, \b) whose answer a cut could change.
	lineAllows  []*glregexp.Regexp
	lineAsserts bool
}

// wholeLines reports whether the rule must see all of lines, the lines a
// match of it occupies, rather than the bytes around the match: its
// pattern has line anchors, or an allowlist of it reads the line and
// could allow something there. A regex without assertions that matches
// nowhere in the lines matches nowhere in a piece of them, so the piece
// is allowed what the lines are. generic-api-key reads the line for
// "import { … } from '…'", and kept whole every line of a minified bundle
// (54 KB of axios.min.js for its NFA, in each of 47 versions).
func (l *locator) wholeLines(lines string) bool {
	if l.anchored || l.lineAsserts {
		return true
	}
	for _, re := range l.lineAllows {
		if re.MatchString(lines) {
			return true
		}
	}
	return false
}

// locatorFor returns r's locator, or nil when r must see whole windows.
func locatorFor(r config.Rule, companion bool) *locator {
	if r.Regex == nil || companion || len(r.RequiredRules) > 0 {
		return nil
	}
	re, err := syntax.Parse(r.Regex.String(), syntax.Perl)
	if err != nil || hasOp(re, syntax.OpBeginText) {
		return nil
	}
	if len(r.Keywords) > 0 {
		lower := make([]string, len(r.Keywords))
		for i, k := range r.Keywords {
			lower[i] = asciiLower(k)
		}
		if !mustContain(re, lower) {
			return nil
		}
	}
	l, err := dfa.NewLocator(r.Regex.String())
	if err != nil {
		return nil
	}
	loc := &locator{Locator: l, anchored: hasOp(re, syntax.OpBeginLine) || hasOp(re, syntax.OpEndLine)}
	for _, a := range r.Allowlists {
		if a.RegexTarget != "line" {
			continue
		}
		for _, x := range a.Regexes {
			loc.lineAllows = append(loc.lineAllows, x)
			p, err := syntax.Parse(x.String(), syntax.Perl)
			if err != nil {
				loc.lineAsserts = true
				continue
			}
			for _, op := range []syntax.Op{syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary} {
				loc.lineAsserts = loc.lineAsserts || hasOp(p, op)
			}
		}
	}
	return loc
}

// hasOp reports whether op occurs in re.
func hasOp(re *syntax.Regexp, op syntax.Op) bool {
	if re.Op == op {
		return true
	}
	for _, sub := range re.Sub {
		if hasOp(sub, op) {
			return true
		}
	}
	return false
}

// narrow cuts text into the parts gitleaks needs to see (see Narrowing):
// the lines the narrowable selected rules can match, the whole text for
// the others, and, with decode, the lines around each line whose decoded
// text a rule matches.
func (s *ruleSubsets) narrow(text string, decode bool, only string, skip map[string]bool) []part {
	lines := newLineIndex(text)
	var parts []part
	whole := func(ids []string, decode bool, only string) {
		if len(ids) > 0 {
			only = strings.Join(ids, "\x00")
		}
		parts = append(parts, part{start: 0, end: len(text), decode: decode, only: only})
	}
	var wide, located []string
	var ranges []byteRange
	for _, id := range s.selected([]string{text}, only, skip) {
		loc := s.locators[id]()
		rule := uint64(1) << min(len(located), 63)
		if loc == nil || !loc.Spans(text, func(a, b int) {
			r := lines.rangeOf(text, lineSpan{lines.of(a), lines.of(b - 1)})
			if r.end-r.start > longSpan && !allowedLine(text[r.start:r.end]) && !loc.wholeLines(text[r.start:r.end]) {
				r = cutAround(text, a, b, r)
			}
			r.rules = rule
			ranges = append(ranges, r)
		}) {
			wide = append(wide, id)
			continue
		}
		located = append(located, id)
	}
	if len(wide) > 0 {
		whole(wide, false, "")
	}
	if len(located) > 0 {
		// Each part runs the rules whose matches made it: a rule tied to
		// whole lines does not bring every other rule onto a long line.
		for _, r := range mergeRanges(ranges) {
			var ids []string
			for i, id := range located {
				if r.rules&(1<<min(i, 63)) != 0 {
					ids = append(ids, id)
				}
			}
			parts = append(parts, lines.part(text, r, false, strings.Join(ids, "\x00")))
		}
	}
	if !decode || s.decodeDepth <= 0 || !mightDecode(text) {
		return parts
	}
	if hasCodePoint(text) {
		whole(nil, true, only)
		return parts
	}
	decoded, above, wideDecoded, all := s.decodedMatchLines(text, only, skip)
	if all {
		whole(nil, true, only)
		return parts
	}
	if len(wideDecoded) > 0 {
		whole(wideDecoded, true, "")
	}
	var around []lineSpan
	for _, l := range decoded {
		around = append(around, lineSpan{max(l-1, 0), min(l+1, len(lines)-1)})
	}
	// Each decoded line keeps a part of its own: merged, the parts of a
	// file where every other line decodes would be the whole window again.
	for _, sp := range around {
		parts = append(parts, lines.part(text, lines.rangeOf(text, sp), true, only))
	}
	for _, sr := range above {
		sp := lineSpan{sr.first, min(sr.last+1, len(lines)-1)}
		parts = append(parts, lines.part(text, lines.rangeOf(text, sp), true, strings.Join(sr.ids, "\x00")))
	}
	return parts
}

// decodedMatchLines returns the lines of text (0-based) whose decoded
// layers some selected rule with a Locator matches in, the selected rules
// without one (wide), or all when layers cannot be told line by line. A
// match that starts lines above the decoded value it reaches
// (kubernetes-secret-yaml: "kind: Secret", then "data:", then the value)
// also gets its lines, for its rule alone (above).
func (s *ruleSubsets) decodedMatchLines(text, only string, skip map[string]bool) (out []int, above []spanRules, wide []string, all bool) {
	lines := strings.Split(text, "\n")
	encoded, most := encodedLines(lines, s.decodeDepth)
	if len(encoded) == 0 {
		return nil, nil, nil, false
	}
	type changed struct{ start, end, line int }
	marked := map[int]bool{}
	spans := map[lineSpan][]string{}
	starts := make([]int, len(lines)) // where each line begins in the layer
	cur := slices.Clone(lines)
	var b strings.Builder
	for k := range most {
		b.Reset()
		var ch []changed
		j := 0
		for i, l := range cur {
			starts[i] = b.Len()
			if j < len(encoded) && encoded[j].at == i {
				if k < len(encoded[j].layers) {
					l = encoded[j].layers[k]
					cur[i] = l
				}
				ch = append(ch, changed{b.Len(), b.Len() + len(l), i})
				j++
			}
			b.WriteString(l)
			if i < len(cur)-1 {
				b.WriteByte('\n')
			}
		}
		layer := b.String()
		if hasCodePoint(layer) {
			return nil, nil, nil, true
		}
		for _, id := range s.selected([]string{layer}, only, skip) {
			if slices.Contains(wide, id) {
				continue
			}
			loc := s.locators[id]()
			if loc == nil || !loc.Spans(layer, func(a, e int) {
				// Changed lines the span touches (ends inclusive: a
				// decoded segment may be a line's whole text).
				i := sort.Search(len(ch), func(i int) bool { return ch[i].end >= a })
				first := -1
				for ; i < len(ch) && ch[i].start <= e; i++ {
					marked[ch[i].line] = true
					if first < 0 {
						first = max(sort.Search(len(starts), func(l int) bool { return starts[l] > a })-1, 0)
					}
					if first < ch[i].line-1 {
						sp := lineSpan{first, ch[i].line}
						if !slices.Contains(spans[sp], id) {
							spans[sp] = append(spans[sp], id)
						}
					}
				}
			}) {
				wide = append(wide, id)
			}
		}
	}
	for l := range marked {
		out = append(out, l)
	}
	slices.Sort(out)
	for sp, ids := range spans {
		slices.Sort(ids)
		above = append(above, spanRules{sp, ids})
	}
	slices.SortFunc(above, func(a, b spanRules) int { return cmp.Or(a.first-b.first, a.last-b.last) })
	return out, above, wide, false
}

// spanRules is a range of lines and the rules that match across it.
type spanRules struct {
	lineSpan
	ids []string
}

// lineSpan is a range of lines, both ends included, 0-based.
type lineSpan struct{ first, last int }

// allowedLine reports whether lines hold an allow comment, which
// silences what is found anywhere on its line: such lines stay whole.
func allowedLine(lines string) bool {
	return strings.Contains(lines, "gitleaks:allow") || strings.Contains(lines, AllowComment)
}

// byteRange is a range of a window's bytes, end excluded, and the rules
// (bits by index among the located rules, the last bit for all past it)
// whose matches it holds.
type byteRange struct {
	start, end int
	rules      uint64
}

// maxPart is the size past which ranges that only touch are not merged:
// gitleaks places each finding by walking its fragment's newlines and
// compares every generic finding with every other (detect.location,
// filter), so a part of thousands of matched lines — a file of one secret
// a line, whose composite-rule window is the whole file — cost time
// quadratic in its findings.
const maxPart = 4 << 10

// mergeRanges merges ranges that overlap, and ranges that touch while the
// merged range is under maxPart.
func mergeRanges(rs []byteRange) []byteRange {
	slices.SortFunc(rs, func(a, b byteRange) int { return a.start - b.start })
	var out []byteRange
	for _, r := range rs {
		if n := len(out); n > 0 && (r.start < out[n-1].end || r.start == out[n-1].end && out[n-1].end-out[n-1].start < maxPart) {
			out[n-1].end = max(out[n-1].end, r.end)
			out[n-1].rules |= r.rules
			continue
		}
		out = append(out, r)
	}
	return out
}

// cutAround returns the bytes of lines (a long run of lines) around a
// match spanning a to b: from just after the last separator at most
// cutReach bytes before a, to just after the first separator at most
// cutReach bytes after b; a side without a separator keeps its line edge.
func cutAround(text string, a, b int, lines byteRange) byteRange {
	out := lines
	from := max(lines.start, a-cutReach)
	if i := strings.LastIndexAny(text[from:a], " ,;\t"); i >= 0 {
		out.start = from + i + 1
	}
	to := min(lines.end, b+cutReach)
	if i := strings.IndexAny(text[b:to], " ,;\t"); i >= 0 {
		out.end = b + i + 1
	}
	return out
}

// of returns the 0-based line holding byte offset p.
func (l lineIndex) of(p int) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > p }) - 1
}

// rangeOf returns the bytes of the lines of sp, newline included.
func (l lineIndex) rangeOf(text string, sp lineSpan) byteRange {
	end := len(text)
	if sp.last+1 < len(l) {
		end = l[sp.last+1]
	}
	return byteRange{start: l[sp.first], end: end}
}

// part returns r of text as a part.
func (l lineIndex) part(text string, r byteRange, decode bool, only string) part {
	line := l.of(r.start)
	return part{start: r.start, end: r.end, line: line, col: utf16Len(text[l[line]:r.start]), decode: decode, only: only}
}
