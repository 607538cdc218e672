package secrets

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestExistencePattern(t *testing.T) {
	cases := []struct{ pattern, want string }{
		// The leading run only moves where a match starts; the closing
		// delimiter (or end of text) stays.
		{`[\w.-]{0,50}?(?:key|token)[ \t]{0,5}=([a-z0-9]{10,})(?:\s|$)`, `(?-m:(?:key|token)[\t ]{0,5}=([0-9a-z]{10,})(?:[\t\n\f\r ]|$))`},
		{`^abc\d+$`, `^abc\d+$`}, // assertions stay
		{`\b(ghp_[0-9a-zA-Z]{36})(?:['"\s]|$)`, `\b(ghp_[0-9a-zA-Z]{36})(?:['"\s]|$)`},
		{`x*y?`, `y?`},                     // matches everywhere either way
		{`ghp_[a-z]{36}`, `ghp_[a-z]{36}`}, // nothing to drop
		{`(?:a|b)`, `(?:a|b)`},             // not a concatenation
	}
	for _, c := range cases {
		if got := existencePattern(c.pattern); got != c.want {
			t.Errorf("existencePattern(%q) = %q, want %q", c.pattern, got, c.want)
		}
	}
}

// TestExistenceAgreesWithTheRule: a rule's existence pattern matches
// exactly the texts its pattern matches (its automaton too, on ASCII;
// elsewhere it may only say yes more often) — every line and every file of
// the fixture tree, and random text built from the pieces secrets and
// their assignments are made of — so the prefilter never hides a finding
// and lets through only windows gitleaks will report on. It also checks
// the prefilter does drop something where it should.
func TestExistenceAgreesWithTheRule(t *testing.T) {
	t.Parallel()
	d := testDetector(t)
	var texts []string
	for _, f := range expandTree(t, 1) {
		texts = append(texts, string(f.content))
		texts = append(texts, strings.Split(string(f.content), "\n")...)
	}
	r := rand.New(rand.NewPCG(3, 9))
	pieces := []string{"key", "api_key", "token", "secret", "password", "auth", "AKIA", "ghp_", "xox", "hvs.", "ey",
		"=", ":", ": ", " = ", "=>", ",", "\"", "'", "`", " ", "\t", "\n", ";", ".", "-", "_", "/", "+", "==", "\\n"}
	for range 3000 {
		var b strings.Builder
		for range 2 + r.IntN(12) {
			if r.IntN(3) == 0 {
				b.WriteString(randASCII(r, 1+r.IntN(40)))
			} else {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
		}
		texts = append(texts, b.String())
	}
	matched, narrowed := 0, 0
	for id, exists := range d.subsets.exists {
		e, rule := exists(), d.cfg.Rules[id]
		if e.automaton == nil {
			t.Errorf("rule %s: Go's syntax rejects its existence pattern %q", id, e.re.String())
		}
		if e.re != rule.Regex {
			narrowed++
		}
		for _, text := range texts {
			want := rule.Regex.MatchString(text)
			if want {
				matched++
			}
			if got := e.re.MatchString(text); got != want {
				t.Fatalf("rule %s matches a text: %v, its existence pattern %q: %v", id, want, e.re.String(), got)
			}
			// The automaton: the same answer on ASCII, never a miss.
			if got := e.MatchString(text); got != want && (want || isASCII(text)) {
				t.Fatalf("rule %s matches a text: %v, its existence automaton: %v", id, want, got)
			}
		}
	}
	if gk := d.subsets.exists["generic-api-key"]; gk == nil || gk().re == d.cfg.Rules["generic-api-key"].Regex {
		t.Error("generic-api-key's leading [\\w.-]{0,50}? was not dropped")
	}
	if matched < 100 || narrowed < 20 {
		t.Errorf("weak test: %d matching (rule, text) pairs, %d rules narrowed", matched, narrowed)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
