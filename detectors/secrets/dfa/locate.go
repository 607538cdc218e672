package dfa

import (
	"regexp/syntax"
	"slices"
	"unicode/utf8"
)

// Locator answers "where can matches of this pattern lie in this text?"
// with two automata: the pattern's, run forward over the whole text,
// reports every position at which some match ends; the reversed pattern's,
// anchored at such an end and run backwards, reports the earliest position
// at which a match ending there can start. Together they bound every match
// a regexp engine could report — leftmost-first or not — in a few table
// lookups a byte, so that the engine need only run where matches are.
//
// The answers are exact on ASCII text and may only widen elsewhere (see the
// package comment): ends may be reported where no match ends, and starts
// earlier than any match starts — never the reverse.
type Locator struct {
	fwd, rev *Matcher
}

// NewLocator compiles pattern (syntax.Perl, as regexp.Compile) into a
// Locator.
func NewLocator(pattern string) (*Locator, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	fwd, err := compileMode(re, nil, true, false)
	if err != nil {
		return nil, err
	}
	rev, err := compileMode(Reverse(re), nil, true, true)
	if err != nil {
		return nil, err
	}
	return &Locator{fwd: fwd, rev: rev}, nil
}

// Spans calls fn, in increasing order of end, for each position end at
// which a non-empty match of the pattern in s may end, with start the
// earliest position at which such a match may start. It reports false
// when an automaton gave up on s (see callBudget): the spans are then
// incomplete and the caller must search s its own way.
func (l *Locator) Spans(s string, fn func(start, end int)) bool {
	// New states: a pass builds states for two automata, and a big window
	// early in a scan (before the states are cached) builds many.
	budget := 8*callBudget + 4*budgetPerKiB*len(s)>>10
	// Reverse passes are bounded too: text where every position ends a
	// match that may start far back (a long run of one class) would
	// otherwise cost a pass per position.
	back := 4*len(s) + 4096
	ends, ok := l.fwd.ends(s, &budget)
	if !ok {
		return false
	}
	for _, e := range ends {
		start, ok := l.rev.startOf(s, e, &budget, &back)
		if !ok {
			return false
		}
		if start >= 0 && start < e {
			fn(start, e)
		}
	}
	return true
}

// maxEnds bounds the ends a pass keeps, one per four bytes of text: a
// pattern without a closing delimiter over a long run of its class ends
// a match at every position (see also Spans' bound on backward passes).
func maxEnds(n int) int { return n/4 + 1024 }

// ends returns every position at which a match may end (marks mode), or
// gives up past maxEnds of them. Its loop is matchPlain's, one class
// lookup and one transition load a byte, copied on purpose: one loop
// taking what to do at a match would cost a call a byte (the first
// version did, at 112 MB/s against 139).
func (m *Matcher) ends(s string, budget *int) (out []int, ok bool) {
	limit := maxEnds(len(s))
	st := m.cache.Load().start[atStart]
	class := &m.class
	for i := 0; i < len(s); i++ {
		at, sym := i, int(s[i])
		if sym >= nonASCII {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w - 1
			sym = nonASCII
		}
		cls := class[sym]
		next := st.next[cls].Load()
		if next == nil {
			if *budget--; *budget < 0 {
				return nil, false
			}
			next = m.step(st, sym, cls)
		}
		if next.hit {
			if len(out) == limit {
				return nil, false
			}
			out = append(out, at)
		}
		st = next
	}
	if m.atEnd(st) {
		out = append(out, len(s))
	}
	return out, true
}

// startOf runs the reversed, anchored automaton backwards from end and
// returns the earliest position at which it completes a match (a match of
// the pattern spanning that position to end), or -1.
func (m *Matcher) startOf(s string, end int, budget, back *int) (start int, ok bool) {
	ctx := atStart // what lies after end, seen first going backwards
	if end < len(s) {
		ctx = contextOf(int(min(s[end], nonASCII)))
	}
	st := m.cache.Load().start[ctx]
	start = -1
	i := end
	for i > 0 {
		if *back--; *back < 0 {
			return -1, false
		}
		sym, w := int(s[i-1]), 1
		if sym >= nonASCII {
			_, w = utf8.DecodeLastRuneInString(s[:i])
			sym = nonASCII
		}
		next, ok := m.next(st, sym, budget)
		if !ok {
			return -1, false
		}
		if next.hit {
			start = i // the reversed match ended before s[i-w:i]
		}
		if next.idle {
			return start, true
		}
		st = next
		i -= w
	}
	if m.atEnd(st) {
		start = 0
	}
	return start, true
}

// next returns st's successor on sym, building it within budget.
func (m *Matcher) next(st *state, sym int, budget *int) (*state, bool) {
	cls := m.class[sym]
	if next := st.next[cls].Load(); next != nil {
		return next, true
	}
	if *budget--; *budget < 0 {
		return nil, false
	}
	return m.step(st, sym, cls), true
}

// Reverse returns a pattern matching the reversals of the texts re matches
// (read right to left): concatenations and literals run backwards, and line
// and text boundaries swap ends. Word boundaries are symmetric. re is not
// changed.
func Reverse(re *syntax.Regexp) *syntax.Regexp {
	r := *re
	r.Sub = make([]*syntax.Regexp, len(re.Sub))
	for i, sub := range re.Sub {
		r.Sub[i] = Reverse(sub)
	}
	switch re.Op {
	case syntax.OpConcat:
		slices.Reverse(r.Sub)
	case syntax.OpLiteral:
		r.Rune = slices.Clone(re.Rune)
		slices.Reverse(r.Rune)
	case syntax.OpBeginLine:
		r.Op = syntax.OpEndLine
	case syntax.OpEndLine:
		r.Op = syntax.OpBeginLine
	case syntax.OpBeginText:
		r.Op = syntax.OpEndText
	case syntax.OpEndText:
		r.Op = syntax.OpBeginText
		r.Flags &^= syntax.WasDollar
	}
	return &r
}
