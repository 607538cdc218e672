package dfa

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// locatorPatterns mix gitleaks' shapes (a lazy lead, a keyword, a
// delimiter, a value, "delimiter or end of text"), sprawl's line-anchored
// ones, and assertions of every kind.
var locatorPatterns = []string{
	`abc`,
	`(?i)[\w.-]{0,50}?(?:access|auth|key|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`,
	`(?m)^\s*(?:password|secret)\s*[:=]\s*['"]?([^\s'"]{4,})['"]?\s*$`,
	`\b(ghp_[a-z0-9]{6})\b`,
	`(?i)\b(key)\s*=\s*([a-z0-9]{4,})\b`,
	`(?m)^ab$`,
	`^ab`,
	`ab$`,
	`\Aab|cd\z`,
	`\Bab\B`,
	`a[^x]*b`,
	`(?s)k.{0,8}v`,
	`x+y*z?`,
	`(?:ab|a)(?:bc|c)`,
	`-----BEGIN[ A-Z]*KEY-----[\s\S]*?-----END`,
}

// spansOf collects a Locator's spans by end.
func spansOf(t *testing.T, l *Locator, s string) map[int]int {
	t.Helper()
	got := map[int]int{}
	if !l.Spans(s, func(start, end int) { got[end] = start }) {
		t.Fatalf("locator gave up on %q", s)
	}
	return got
}

// TestSpansCoverEveryMatch: every match Go's regexp reports, leftmost-first
// or leftmost-longest, ends at a reported end, and starts no earlier than
// the earliest start reported for that end.
func TestSpansCoverEveryMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	pieces := []string{"a", "b", "c", "x", "y", "z", "k", "v", " ", "\n", "=", ":", "'", "_", "-", "key", "secret",
		"token", "password", "ghp_", "abcdef", "0123456789", "é", "\xff", "-----BEGIN RSA KEY-----", "-----END", "\\n", ";"}
	for _, p := range locatorPatterns {
		l, err := NewLocator(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		first := regexp.MustCompile(p)
		longest := regexp.MustCompile(p)
		longest.Longest()
		for range 3000 {
			var b strings.Builder
			for n := rng.IntN(24); n > 0; n-- {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			s := b.String()
			got := spansOf(t, l, s)
			for _, re := range []*regexp.Regexp{first, longest} {
				for _, m := range re.FindAllStringIndex(s, -1) {
					if m[0] == m[1] {
						continue // empty matches hold no secret
					}
					start, ok := got[m[1]]
					if !ok || start > m[0] {
						t.Fatalf("%s on %q: match %v not covered (spans %v)", p, s, m, got)
					}
				}
			}
		}
	}
}

// TestSpansAreExactOnASCII: for patterns without assertions, on ASCII
// text, the spans are exactly the ends of matches and their earliest
// starts (checked against every substring).
func TestSpansAreExactOnASCII(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, p := range locatorPatterns {
		re, _ := syntax.Parse(p, syntax.Perl)
		if hasAssertion(re) {
			continue
		}
		l, err := NewLocator(p)
		if err != nil {
			t.Fatal(err)
		}
		whole := regexp.MustCompile(`^(?:` + p + `)$`)
		for range 500 {
			var b strings.Builder
			for n := rng.IntN(30); n > 0; n-- {
				b.WriteByte("abcxyzkv =:'_-\n"[rng.IntN(15)])
			}
			s := b.String()
			got := spansOf(t, l, s)
			want := map[int]int{}
			for e := 1; e <= len(s); e++ {
				for i := 0; i < e; i++ {
					if whole.MatchString(s[i:e]) {
						want[e] = i
						break
					}
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%s on %q: spans %v, want %v", p, s, got, want)
			}
			for e, i := range want {
				if got[e] != i {
					t.Fatalf("%s on %q: spans %v, want %v", p, s, got, want)
				}
			}
		}
	}
}

func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, sub := range re.Sub {
		if hasAssertion(sub) {
			return true
		}
	}
	return false
}

func TestSpansGiveUpOnRunawayText(t *testing.T) {
	// Every position in a long run ends a match that may start at its
	// beginning: the backward passes would be quadratic.
	l, err := NewLocator(`a+`)
	if err != nil {
		t.Fatal(err)
	}
	if l.Spans(strings.Repeat("a", 1<<16), func(int, int) {}) {
		t.Fatal("want the locator to give up on a quadratic text")
	}
	if !l.Spans(strings.Repeat("ab  ", 1<<11), func(int, int) {}) {
		t.Fatal("short runs should be located")
	}
	// A match ending at every other byte: more ends than the pass keeps.
	if l.Spans(strings.Repeat("ab", 1<<15), func(int, int) {}) {
		t.Fatal("want the locator to give up on a match at every other byte")
	}
}

func BenchmarkSpans(b *testing.B) {
	l, err := NewLocator(locatorPatterns[1])
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("# a comment line about nothing\nsecret='aB3xY9kL2mN8pQ4r'\n", 200)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		l.Spans(text, func(int, int) {})
	}
}
