// Package keywords finds rule keywords in text, ignoring ASCII case, with
// an Aho-Corasick automaton whose failure transitions are all resolved in
// advance: a deterministic automaton over byte classes, one table load a
// byte, no lower-cased copy of the text and no allocation a match.
//
// The secrets detector asks it of every new line of a history (is any
// keyword here?) and of every window it scans (which keywords?). The
// general-purpose automaton it replaces follows failure links at run
// time and wants lower-cased input; both cost more than the walk itself.
package keywords

// Automaton matches a fixed set of keywords. It is immutable and safe for
// concurrent use.
type Automaton struct {
	keywords []string
	class    [256]uint8 // byte -> class; ASCII upper case maps to lower
	stride   int        // number of classes
	// delta[state*stride+class] is the next state times stride (so the
	// walk needs no multiplication), complemented (negative) when
	// keywords end there.
	delta []int32
	out   [][]int32 // per state: the keywords ending there, suffixes included
}

// New builds the automaton of keywords (matched in any ASCII case).
// Keyword i is reported as i; empty keywords never match.
func New(keywords []string) *Automaton {
	a := &Automaton{keywords: append([]string(nil), keywords...)}
	// Byte classes: every byte a keyword holds (lower-cased) gets one,
	// all other bytes share class 0.
	n := 1
	for _, k := range keywords {
		for i := 0; i < len(k); i++ {
			c := lower(k[i])
			if a.class[c] == 0 {
				a.class[c] = uint8(n)
				n++
			}
		}
	}
	if n > 256 {
		panic("keywords: more than 255 distinct bytes")
	}
	for c := 'A'; c <= 'Z'; c++ {
		a.class[c] = a.class[c+'a'-'A']
	}
	a.stride = n
	// The trie.
	goto_ := [][]int32{make([]int32, n)}
	outs := [][]int32{nil}
	for ki, k := range keywords {
		if k == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(k); i++ {
			c := a.class[lower(k[i])]
			if goto_[s][c] == 0 {
				goto_ = append(goto_, make([]int32, n))
				outs = append(outs, nil)
				goto_[s][c] = int32(len(goto_) - 1)
			}
			s = goto_[s][c]
		}
		outs[s] = append(outs[s], int32(ki))
	}
	// Breadth first: failure links, complete transitions, merged outputs.
	fail := make([]int32, len(goto_))
	delta := make([][]int32, len(goto_))
	delta[0] = make([]int32, n)
	var queue []int32
	for c := range n {
		if t := goto_[0][c]; t != 0 {
			delta[0][c] = t
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(outs[s], outs[fail[s]]...)
		delta[s] = make([]int32, n)
		for c := range n {
			if t := goto_[s][c]; t != 0 {
				fail[t] = delta[fail[s]][c]
				delta[s][c] = t
				queue = append(queue, t)
			} else {
				delta[s][c] = delta[fail[s]][c]
			}
		}
	}
	a.out = outs
	a.delta = make([]int32, 0, len(delta)*n)
	for _, row := range delta {
		for _, t := range row {
			v := t * int32(n)
			if len(outs[t]) > 0 {
				v = ^v
			}
			a.delta = append(a.delta, v)
		}
	}
	return a
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Keywords returns the keywords, in the order New was given them.
func (a *Automaton) Keywords() []string { return a.keywords }

// Each calls fn for every occurrence of every keyword in s, overlapping
// ones included, in order of where they end (end is the offset just past
// the occurrence); fn returns false to stop.
func (a *Automaton) Each(s string, fn func(end, keyword int) bool) {
	at := int32(0) // the state times stride
	for i := 0; i < len(s); i++ {
		t := a.delta[int(at)+int(a.class[s[i]])]
		if t < 0 {
			t = ^t
			for _, k := range a.out[int(t)/a.stride] {
				if !fn(i+1, int(k)) {
					return
				}
			}
		}
		at = t
	}
}

// Any reports whether some keyword occurs in s.
func (a *Automaton) Any(s string) bool {
	at := int32(0)
	for i := 0; i < len(s); i++ {
		at = a.delta[int(at)+int(a.class[s[i]])]
		if at < 0 {
			return true
		}
	}
	return false
}
