// Package dfa answers "does this regular expression match anywhere in
// this text?" with a lazily built deterministic automaton: one table
// lookup per byte, whatever the pattern.
//
// The secrets detector asks that question of a rule's existence pattern
// for every window a keyword selects, and almost always the answer is no.
// Go's regexp answers it with a backtracker or a Pike VM (tens of
// nanoseconds a byte on generic-api-key's counted repetitions), RE2 in
// WebAssembly with a DFA behind a call into the WebAssembly runtime. This
// package builds the DFA states of Go's compiled program (regexp/syntax)
// as the text needs them, over 129 symbols: the 128 ASCII bytes and one
// symbol that stands for any non-ASCII character.
//
// On ASCII text the answer is exact: the same program, the same
// instruction semantics, the same empty-width assertions as Go's regexp.
// A non-ASCII character (or an invalid byte) is matched by every
// instruction that could match some non-ASCII character, so with such
// text the automaton may say yes where the regexp says no — never the
// reverse. That makes a "no" exact for Go's regexp and for RE2 alike (both
// give \b, \s and \w their ASCII meanings), which is what a prefilter needs.
package dfa

import (
	"encoding/binary"
	"errors"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// symbols is the alphabet: ASCII bytes, then nonASCII for any other
// character.
const (
	nonASCII = utf8.RuneSelf
	symbols  = nonASCII + 1
)

// Limits. A state costs a few hundred bytes; past maxStates the cache starts
// over. A text that keeps creating states (a pattern whose automaton is
// exponential, fed adversarial text) is handed back to the caller's
// engine rather than built state by state.
const (
	maxStates    = 1 << 15
	callBudget   = 512 // new states a call may create before it gives up
	budgetPerKiB = 4   // ... plus this many per KiB of text
)

// Matcher is a compiled pattern. It is safe for concurrent use: states are
// immutable once built and transitions are published atomically.
type Matcher struct {
	prog *syntax.Prog
	// prefix is a literal every match starts with (after assertions), or
	// "": while no thread is alive, the search jumps to its next
	// occurrence instead of stepping byte by byte.
	prefix string
	wild   []bool // per instruction: may match some non-ASCII character
	// class maps each symbol to its byte class: symbols every instruction,
	// assertion and Need treat alike share one, so a state's transitions
	// fit in a few cache lines instead of 129 pointers.
	class  [symbols]uint8
	nclass int
	need   *Need // a capture group's required bytes, or nil
	// marks: a match does not end the search; the state after it says
	// that one ended (state.hit), for a Locator's passes. anchored:
	// matches start only where the search does (no new thread at each
	// character).
	marks, anchored bool

	cache  atomic.Pointer[cache]
	mu     sync.Mutex // serialises building states
	stack  []uint32   // closure scratch, under mu
	onPath []uint32   // closure scratch: generation mark per instruction
	gen    uint32
}

// cache is one generation of states.
type cache struct {
	states map[string]*state
	start  [contexts]*state
}

// state is a set of threads waiting for the next character (the targets
// of the last step) and what the previous character was, which the
// empty-width assertions need. A thread is an instruction and, when the
// matcher has a Need, two flags: inside the group, and a needed byte seen
// in it (thread = pc<<2 | flags).
type state struct {
	idle bool // no thread alive: a match can only start from here on
	// hit (with marks): a match ended just before the character this
	// state follows.
	hit  bool
	pcs  []uint32
	ctx  context
	next []atomic.Pointer[state] // by byte class (Matcher.class)
	// end caches whether the text may end here with a match: 0 not yet
	// known, 1 no, 2 yes.
	end atomic.Int32
}

// context is what the assertions need to know of the previous character.
type context uint8

const (
	atStart   context = iota // no previous character
	afterNL                  // a newline
	afterWord                // an ASCII word character
	afterOther
	contexts
)

// representative is a rune with each context's properties, for
// syntax.EmptyOpContext.
var representative = [contexts]rune{atStart: -1, afterNL: '\n', afterWord: 'a', afterOther: ' '}

func contextOf(sym int) context {
	switch {
	case sym == '\n':
		return afterNL
	case sym < nonASCII && syntax.IsWordChar(rune(sym)):
		return afterWord
	}
	return afterOther
}

// Need asks for matches whose capture group Group holds at least one byte
// of Bytes (or, with NonASCII, one non-ASCII character): a rule whose
// allowlist drops every secret made only of letters has no finding in a
// text where no match's secret holds anything else.
type Need struct {
	Group    int
	Bytes    [utf8.RuneSelf]bool
	NonASCII bool
}

// Thread flags, with a Need.
const (
	inGroup = 1 << 0
	seen    = 1 << 1
)

// Compile parses pattern with Go's syntax (syntax.Perl, as regexp.Compile
// does) and prepares its automaton.
func Compile(pattern string) (*Matcher, error) { return CompileNeeding(pattern, nil) }

// CompileNeeding is Compile, answering only for matches that meet need
// (nil: every match). Group numbers are the pattern's own.
func CompileNeeding(pattern string, need *Need) (*Matcher, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	if need != nil && (need.Group < 1 || need.Group > re.MaxCap()) {
		return nil, errors.New("dfa: the pattern has no such group")
	}
	return compile(re, need)
}

// CompileRegexp is Compile for a parsed pattern, which it does not change.
func CompileRegexp(re *syntax.Regexp) (*Matcher, error) { return compile(re, nil) }

func compile(re *syntax.Regexp, need *Need) (*Matcher, error) {
	return compileMode(re, need, false, false)
}

func compileMode(re *syntax.Regexp, need *Need, marks, anchored bool) (*Matcher, error) {
	re = re.Simplify()
	prog, err := syntax.Compile(re)
	if err != nil {
		return nil, err
	}
	m := &Matcher{prog: prog, need: need, prefix: literalPrefix(re), wild: make([]bool, len(prog.Inst)),
		onPath: make([]uint32, 4*len(prog.Inst)), marks: marks, anchored: anchored}
	for pc := range prog.Inst {
		m.wild[pc] = mayMatchNonASCII(&prog.Inst[pc])
	}
	m.classify()
	m.reset()
	return m, nil
}

// literalPrefix returns the ASCII literal every match of re starts with,
// past any leading assertions, or "".
func literalPrefix(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		lit := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 && strings.ToUpper(lit) != strings.ToLower(lit) {
			return "" // letters in any case (and k, s fold outside ASCII)
		}
		for i := 0; i < len(lit); i++ {
			if lit[i] >= nonASCII {
				return ""
			}
		}
		return lit
	case syntax.OpCapture:
		return literalPrefix(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			switch sub.Op {
			case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
				continue // assertions: the automaton checks them where it lands
			}
			return literalPrefix(sub)
		}
	}
	return ""
}

// mayMatchNonASCII reports whether a consuming instruction may match some
// character outside ASCII (folding included: (?i)k matches U+212A).
func mayMatchNonASCII(in *syntax.Inst) bool {
	switch in.Op {
	case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		return true
	case syntax.InstRune, syntax.InstRune1:
		if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
			return true
		}
		for i := 1; i < len(in.Rune); i += 2 {
			if in.Rune[i] >= nonASCII {
				return true
			}
		}
		if len(in.Rune) == 1 && in.Rune[0] >= nonASCII {
			return true
		}
	}
	return false
}

// classify groups the symbols by how the program treats them.
func (m *Matcher) classify() {
	ids := map[string]uint8{}
	sig := make([]byte, 0, len(m.prog.Inst)/8+3)
	for sym := range symbols {
		sig = sig[:0]
		var bits byte
		for pc := range m.prog.Inst {
			in := &m.prog.Inst[pc]
			switch in.Op {
			case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
				if m.consumes(in, uint32(pc), sym) {
					bits |= 1 << (pc % 8)
				}
			}
			if pc%8 == 7 {
				sig, bits = append(sig, bits), 0
			}
		}
		sig = append(sig, bits, byte(contextOf(sym)))
		if m.need != nil && m.needs(sym) {
			sig = append(sig, 1)
		}
		id, ok := ids[string(sig)]
		if !ok {
			id = uint8(len(ids))
			ids[string(sig)] = id
		}
		m.class[sym] = id
	}
	m.nclass = len(ids)
}

func (m *Matcher) reset() {
	c := &cache{states: map[string]*state{}}
	for ctx := range contexts {
		var pcs []uint32
		if m.anchored {
			pcs = []uint32{uint32(m.prog.Start) << 2}
		}
		c.start[ctx] = m.intern(c, pcs, ctx, false)
	}
	m.cache.Store(c)
}

// MatchString reports whether the pattern matches somewhere in s. ok is
// false when the automaton gave up on s (see callBudget): the caller asks
// its regexp engine instead.
func (m *Matcher) MatchString(s string) (matched, ok bool) {
	c := m.cache.Load()
	st := c.start[atStart]
	budget := callBudget + budgetPerKiB*len(s)>>10
	if m.prefix == "" {
		return m.matchPlain(s, st, budget)
	}
	for i := 0; i < len(s); {
		if st.idle {
			j := strings.Index(s[i:], m.prefix)
			if j < 0 {
				return false, true // no match can start, none is under way
			}
			if j > 0 {
				i += j
				st = c.start[contextOf(int(min(s[i-1], nonASCII)))]
			}
		}
		sym, w := int(s[i]), 1
		if sym >= nonASCII {
			_, w = utf8.DecodeRuneInString(s[i:])
			sym = nonASCII
		}
		cls := m.class[sym]
		next := st.next[cls].Load()
		if next == nil {
			if budget--; budget < 0 {
				return false, false
			}
			next = m.step(st, sym, cls)
		}
		if next == matchedState {
			return true, true
		}
		st = next
		i += w
	}
	return m.atEnd(st), true
}

// matchPlain is MatchString's loop for patterns without a literal prefix:
// one class lookup and one transition load a byte.
func (m *Matcher) matchPlain(s string, st *state, budget int) (matched, ok bool) {
	class, done := &m.class, matchedState
	for i := 0; i < len(s); i++ {
		sym := int(s[i])
		if sym >= nonASCII {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w - 1
			sym = nonASCII
		}
		cls := class[sym]
		next := st.next[cls].Load()
		if next == nil {
			if budget--; budget < 0 {
				return false, false
			}
			next = m.step(st, sym, cls)
		}
		if next == done {
			return true, true
		}
		st = next
	}
	return m.atEnd(st), true
}

// step builds (or finds) st's successor on sym and publishes it.
func (m *Matcher) step(st *state, sym int, cls uint8) *state {
	m.mu.Lock()
	defer m.mu.Unlock()
	if next := st.next[cls].Load(); next != nil {
		return next
	}
	next := m.successor(st, sym) // any symbol of the class would do
	st.next[cls].Store(next)
	return next
}

// successor follows st's instructions (and a new thread from the start:
// the search is unanchored) through the assertions that hold between the
// previous character and sym, then steps every instruction sym satisfies.
func (m *Matcher) successor(st *state, sym int) *state {
	r := rune(sym)
	if sym == nonASCII {
		r = utf8.RuneError // any non-ASCII rune: only its non-wordness counts
	}
	flags := syntax.EmptyOpContext(representative[st.ctx], r)
	var pcs []uint32
	matched := false
	m.closure(st.pcs, flags, func(t uint32) {
		pc, fl := t>>2, t&3
		in := &m.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			matched = true
		default:
			if m.consumes(in, pc, sym) {
				if fl&inGroup != 0 && m.needs(sym) {
					fl |= seen
				}
				pcs = append(pcs, in.Out<<2|fl)
			}
		}
	})
	if matched && !m.marks {
		return matchedState
	}
	c := m.cache.Load()
	if len(c.states) >= maxStates {
		// Start over; goroutines still walking the old states finish
		// their texts on them.
		m.reset()
		c = m.cache.Load()
	}
	return m.intern(c, pcs, contextOf(sym), matched)
}

// matchedState ends a search: a match has been seen.
var matchedState = new(state)

func (m *Matcher) consumes(in *syntax.Inst, pc uint32, sym int) bool {
	if sym == nonASCII {
		return m.wild[pc]
	}
	switch in.Op {
	case syntax.InstRune, syntax.InstRune1:
		return in.MatchRune(rune(sym))
	case syntax.InstRuneAny:
		return true
	case syntax.InstRuneAnyNotNL:
		return sym != '\n'
	}
	return false
}

// atEnd reports whether a match ends at the end of the text in state st.
func (m *Matcher) atEnd(st *state) bool {
	switch st.end.Load() {
	case 1:
		return false
	case 2:
		return true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	matched := false
	m.closure(st.pcs, syntax.EmptyOpContext(representative[st.ctx], -1), func(t uint32) {
		matched = matched || m.prog.Inst[t>>2].Op == syntax.InstMatch
	})
	if matched {
		st.end.Store(2)
	} else {
		st.end.Store(1)
	}
	return matched
}

// closure calls visit once for every thread at a consuming or matching
// instruction reachable from the threads pcs and (unless anchored) a new
// thread at the program's start through instructions that consume
// nothing, under the assertion flags. With a Need, entering the group marks a thread, and
// leaving it without a needed byte ends it. Called with m.mu held.
func (m *Matcher) closure(pcs []uint32, flags syntax.EmptyOp, visit func(t uint32)) {
	m.gen++
	if m.gen == 0 { // wrapped: clear the marks
		clear(m.onPath)
		m.gen = 1
	}
	stack := m.stack[:0]
	if !m.anchored {
		stack = append(stack, uint32(m.prog.Start)<<2)
	}
	stack = append(stack, pcs...)
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if m.onPath[t] == m.gen {
			continue
		}
		m.onPath[t] = m.gen
		fl := t & 3
		in := &m.prog.Inst[t>>2]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out<<2|fl, in.Arg<<2|fl)
		case syntax.InstNop:
			stack = append(stack, in.Out<<2|fl)
		case syntax.InstCapture:
			switch {
			case m.need == nil:
			case int(in.Arg) == 2*m.need.Group:
				fl = inGroup
			case int(in.Arg) == 2*m.need.Group+1:
				if fl&seen == 0 {
					continue // the group holds none of the needed bytes
				}
				fl = 0
			}
			stack = append(stack, in.Out<<2|fl)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg)&^flags == 0 {
				stack = append(stack, in.Out<<2|fl)
			}
		case syntax.InstFail:
		default:
			visit(t)
		}
	}
	m.stack = stack
}

// needs reports whether sym is one of the Need's bytes.
func (m *Matcher) needs(sym int) bool {
	if sym == nonASCII {
		return m.need.NonASCII
	}
	return m.need.Bytes[sym]
}

// intern returns the state for pcs and ctx in c, creating it. Called with
// m.mu held (or before the matcher is shared).
func (m *Matcher) intern(c *cache, pcs []uint32, ctx context, hit bool) *state {
	slices.Sort(pcs)
	pcs = slices.Compact(pcs)
	key := make([]byte, 1, 1+4*len(pcs))
	key[0] = byte(ctx)
	if hit {
		key[0] |= 0x80
	}
	for _, pc := range pcs {
		key = binary.LittleEndian.AppendUint32(key, pc)
	}
	if st, ok := c.states[string(key)]; ok {
		return st
	}
	st := &state{pcs: pcs, ctx: ctx, idle: len(pcs) == 0, hit: hit, next: make([]atomic.Pointer[state], m.nclass)}
	c.states[string(key)] = st
	return st
}
