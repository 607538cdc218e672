package dfa

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// check asserts the contract against Go's regexp: the same answer on
// ASCII text, never "no" where the regexp says yes otherwise.
func check(t testing.TB, m *Matcher, re *regexp.Regexp, text string) {
	t.Helper()
	got, ok := m.MatchString(text)
	if !ok {
		return // handed back to the engine: nothing claimed
	}
	want := re.MatchString(text)
	ascii := true
	for i := 0; i < len(text); i++ {
		ascii = ascii && text[i] < utf8.RuneSelf
	}
	if got != want && (ascii || want) {
		t.Fatalf("%q on %q: automaton says %v, regexp says %v", re.String(), text, got, want)
	}
}

func TestMatchesLikeRegexp(t *testing.T) {
	cases := []struct {
		pattern string
		texts   []string
	}{
		{`abc`, []string{"", "abc", "xxabcxx", "ab", "aabbcc", "ABC"}},
		{`(?i)key\s*=\s*([a-z0-9]{8,})`, []string{"KEY = abcdefgh1", "key=abc", "xKeY=12345678", "key =\n 12345678"}},
		{`^abc$`, []string{"abc", "abc\n", "x\nabc", "abcd"}},
		{`(?m)^abc$`, []string{"abc", "x\nabc\ny", "xabc\n", "abc\r\n"}},
		{`\Aabc\z`, []string{"abc", "abcabc", " abc"}},
		{`\babc\b`, []string{"abc", "xabc", "abc_", "(abc)", "abc\n", "é abc é"}},
		{`\Babc`, []string{"abc", "xabc", " abc"}},
		{`a.c`, []string{"abc", "a\nc", "aéc", "a\xffc"}},
		{`(?s)a.c`, []string{"a\nc", "ac"}},
		{`a[^x]c`, []string{"abc", "axc", "aéc", "a\xffc", "a\xe2\x82c"}},
		{`x.{2}y`, []string{"x€y", "x€€y", "xaby", "x\xffay"}},
		{`(?i)k`, []string{"k", "K", "\u212a", "x"}},
		{`(?i)secret`, []string{"SECRET", "ſecret", "secreT", "secre"}},
		{``, []string{"", "a"}},
		{`a*`, []string{"", "bbb"}},
		{`(?:[\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`,
			[]string{"abcdefghij", "abcdefghi", "abcdefghijk;", strings.Repeat("a", 200), "abc\\n", "abcdefghijkl\\n"}},
		{`ab|cd|ef$`, []string{"xef", "xefx", "cdx", "a b"}},
		// Literal prefixes: the search jumps between their occurrences.
		{`\bey[a-z]{3}\.`, []string{"key eyabc.", "keyabc. eyab.", "é eyabc.", "eyabc.", "xeyabc.", "ey", "eyey eyabc."}},
		{`(?m)^ab`, []string{"x\nab", "xab", "ab"}},
		{`\Aab`, []string{"xab", "ab"}},
		{`(hvs\.)[a-z]{4}`, []string{"hvs.hvs.abcd", "hvs.ab", "xhvs.abcd"}},
	}
	for _, c := range cases {
		m, err := Compile(c.pattern)
		if err != nil {
			t.Fatalf("Compile(%q): %v", c.pattern, err)
		}
		re := regexp.MustCompile(c.pattern)
		for _, text := range c.texts {
			check(t, m, re, text)
			if got, ok := m.MatchString(text); !ok || (re.MatchString(text) && !got) {
				t.Errorf("%q on %q: %v, %v", c.pattern, text, got, ok)
			}
		}
	}
}

func TestLiteralPrefix(t *testing.T) {
	cases := map[string]string{
		`\b(ey[a-zA-Z0-9]{17,}\.ey)`: "ey",
		`hvs\.[\w-]{90}`:             "hvs.",
		`(?i)key`:                    "",
		`(?i)1234`:                   "1234",
		`(?:a|b)c`:                   "",
		`^\bAKIA[A-Z]{16}`:           "AKIA",
		`é+`:                         "",
	}
	for p, want := range cases {
		m, err := Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		if m.prefix != want {
			t.Errorf("prefix of %q = %q, want %q", p, m.prefix, want)
		}
	}
}

// TestNonASCIIIsOverApproximated: a non-ASCII character may stand in for
// anything it could be, so the automaton says yes where the regexp says
// no — and only there.
func TestNonASCIIIsOverApproximated(t *testing.T) {
	m, err := Compile(`(?i)key`)
	if err != nil {
		t.Fatal(err)
	}
	// U+212A KELVIN SIGN folds to k; é does not, but the automaton cannot
	// tell non-ASCII characters apart.
	for _, text := range []string{"\u212aey", "éey"} {
		if got, _ := m.MatchString(text); !got {
			t.Errorf("%q: automaton says no", text)
		}
	}
	m, err = Compile(`[a-z]{3}`)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := m.MatchString("aéb"); got {
		t.Error(`[a-z]{3} cannot match a non-ASCII character, yet the automaton says yes on "aéb"`)
	}
}

// TestRandomTexts compares the automaton with the regexp on random text
// built from each pattern's own pieces, and keeps states across texts, so
// resets of the state cache happen on the way (the exponential pattern
// builds thousands).
func TestRandomTexts(t *testing.T) {
	common := []string{" ", "\t", "\n", "'", "\"", "`", ";", "é", "\xff", "\u212a", "_", "-", ".", "/"}
	cases := []struct {
		pattern string
		pieces  []string
	}{
		{`(a|b)*a(a|b){11}`, []string{"a", "b", "ab", "bbbbbbbb"}},
		{`(?i)[\w.-]{0,20}(?:key|token|secret)[ \t\w.-]{0,20}[\s'"]{0,3}(?:=|:{1,3}=|:|=>)[\x60'"\s=]{0,5}([\w.=-]{10,40})(?:[\x60'"\s;]|\\[nr]|$)`,
			[]string{"key", "KEY", "token", "secret", "=", ":", "=>", "\\n", "0123456789", "abcdefghij"}},
		{`\b(ey[a-zA-Z0-9]{5,}\.ey[a-zA-Z0-9\/\\_-]{5,}\.(?:[a-zA-Z0-9\/\\_-]{4,}={0,2})?)(?:[\x60'"\s;]|\\[nr]|$)`,
			[]string{"ey", "eyJhbGci", "abc123", ".", "=", "\\n", "\\"}},
		{`(?m)^\s*(?:export\s+)?pass(?:word)?\s*[:=]\s*\S{4,}$`, []string{"export ", "pass", "word", "=", ":", "hunter2", "ab"}},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		p, pieces := c.pattern, append(c.pieces, common...)
		m, err := Compile(p)
		if err != nil {
			t.Fatalf("Compile(%q): %v", p, err)
		}
		re := regexp.MustCompile(p)
		matched := 0
		for range 4000 {
			var b strings.Builder
			for range 1 + r.IntN(40) {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
			check(t, m, re, b.String())
			if re.MatchString(b.String()) {
				matched++
			}
		}
		if matched == 0 {
			t.Errorf("weak test: %q matched none of the texts", p)
		}
	}
}

// TestGivesUpOnStateExplosion: a text that needs a new state at nearly
// every byte is handed back instead of built state by state.
func TestGivesUpOnStateExplosion(t *testing.T) {
	m, err := Compile(`a(a|b){20}c`)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 5))
	b := make([]byte, 1<<16)
	for i := range b {
		b[i] = "ab"[r.IntN(2)]
	}
	if _, ok := m.MatchString(string(b)); ok {
		t.Error("the automaton built its way through 64 KiB of random a/b against a 2^21-state pattern")
	}
	// And still answers texts it can afford.
	if got, ok := m.MatchString("a" + strings.Repeat("b", 20) + "c"); !ok || !got {
		t.Errorf("after giving up: %v, %v", got, ok)
	}
}

// TestConcurrentUse: goroutines sharing a matcher agree with the regexp
// (run with -race to check the publication of states).
func TestConcurrentUse(t *testing.T) {
	const p = `(a|b)*a(a|b){9}c`
	m, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(p)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 500 {
				b := make([]byte, 1+r.IntN(60))
				for i := range b {
					b[i] = "abc"[r.IntN(3)]
				}
				check(t, m, re, string(b))
			}
		})
	}
	wg.Wait()
}

func FuzzMatchString(f *testing.F) {
	f.Add(`(?i)key\s*=\s*\w{4,}`, "KEY = abcd")
	f.Add(`\bx$`, "a x")
	f.Add(`(?m)^a.b$`, "q\na\xffb\n")
	f.Fuzz(func(t *testing.T, pattern, text string) {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return
		}
		m, err := Compile(pattern)
		if err != nil {
			t.Fatalf("regexp compiles %q, the automaton does not: %v", pattern, err)
		}
		check(t, m, re, text)
	})
}

func BenchmarkMatchString(b *testing.B) {
	const p = `(?i)(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`
	m, err := Compile(p)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("\tif err := client.Get(ctx, key, &resp); err != nil { return fmt.Errorf(\"get %s: %w\", key, err) }\n", 40)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		m.MatchString(text)
	}
}

// TestNeed: with a Need, only matches whose group holds a needed byte
// count; soundness against regexp: wherever regexp finds a match whose
// group holds one, so does the automaton.
func TestNeed(t *testing.T) {
	digits := &Need{Group: 1}
	for c := '0'; c <= '9'; c++ {
		digits.Bytes[c] = true
	}
	m, err := CompileNeeding(`key=([a-z0-9]{4,})(?:;|$)`, digits)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"key=abcd":           false,
		"key=abc1":           true,
		"key=abcd;key=ab12;": true,
		"key=ab;x1":          false,
		"key=abcdefg;1":      false,
	} {
		if got, ok := m.MatchString(text); !ok || got != want {
			t.Errorf("%q: %v (ok %v), want %v", text, got, ok, want)
		}
	}
	if _, err := CompileNeeding(`a(b)`, &Need{Group: 2}); err == nil {
		t.Error("a need on a group the pattern lacks was accepted")
	}
	// Soundness on random text.
	re := regexp.MustCompile(`(?i)(?:key|token)[ =:]{1,3}([\w.=-]{6,20})(?:[;\s]|$)`)
	m, err = CompileNeeding(re.String(), digits)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	pieces := []string{"key=", "TOKEN: ", "key", "=", " ", ";", "\n", "abc", "xyz_", "7", "q.q", "-", "é", "42"}
	found := 0
	for range 5000 {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := b.String()
		want := false
		for _, sm := range re.FindAllStringSubmatch(text, -1) {
			want = want || strings.ContainsAny(sm[1], "0123456789")
		}
		if got, ok := m.MatchString(text); ok && want && !got {
			t.Fatalf("%q: regexp finds a secret with a digit, the automaton says no", text)
		}
		if want {
			found++
		}
	}
	if found < 200 {
		t.Errorf("weak test: %d texts with a needed secret", found)
	}
}
