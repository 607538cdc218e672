package secrets

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lucasjones/reggen"

	"github.com/sprawl-dev/sprawl/detectors/secrets/dfa"
)

func TestLineFactor(t *testing.T) {
	generic := `(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`
	genericKeys := []string{"access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"}
	cases := []struct {
		pattern    string
		keywords   []string
		hits, miss []string // lines the check must match, and must not
	}{
		{`\b((?:hvs\.[\w-]{90,120}|s\.(?i:[a-z0-9]{24})))(?:[\x60'"\s;]|\\[nr]|$)`, []string{"hvs.", "s."},
			[]string{`token := "s.abcdefghijklmnopqrstuvwx"`, `t = s.ABCDEFGHIJKLMNOPQRSTUVWX`},
			[]string{`return s.mu.Lock()`, `if s.abc {`}},
		{`\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,})(?:\s|$)`, []string{"ey"},
			[]string{"jwt: eyabcdefghijklmnopq12.eyabcdefghijklmnopq12 x", "eyabcdefghijklmnopq12.eyabcdefghijklmnopq12"},
			[]string{"key := keys[0]", "eyabcdefghijklmnopq12.eyabc"}},
		// The rest of a match may go on below the keyword's line.
		{generic, genericKeys,
			[]string{`api_key = "abc123def456ghi"`, `secret:`, `password =`, `"token": "`, `TOKEN := ` + "`x1"},
			[]string{`key := store.Get(ctx, keyPrefix+id)`, `func (s *Server) Authenticate(ctx context.Context) error {`,
				`if key == nil { return }`}},
		{`(?s)token.{0,20}`, []string{"token"}, []string{"token"}, []string{"tok"}},
		{`(?:ghp_){1,2}[a-z]{36}`, []string{"ghp_"}, []string{"ghp_abcdefghijklmnopqrstuvwxyzabcdefghij"}, []string{"ghp_abc"}},
	}
	for _, c := range cases {
		check := lineFactor(c.pattern, c.keywords)
		if check == nil {
			t.Errorf("%.40s: no line check", c.pattern)
			continue
		}
		m, err := dfa.CompileRegexp(check)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range c.hits {
			if got, _ := m.MatchString(l); !got {
				t.Errorf("%.40s: the line check misses %q", c.pattern, l)
			}
		}
		for _, l := range c.miss {
			if got, _ := m.MatchString(l); got {
				t.Errorf("%.40s: the line check matches %q", c.pattern, l)
			}
		}
	}
	// No check where a match need not hold the keyword in one line.
	for _, c := range []struct {
		pattern  string
		keywords []string
	}{
		{`\b(sk|rk)_[a-z]{20}`, []string{"sk"}},
		{`(?:ghp_)?[a-z]{36}`, []string{"ghp_"}},
		{`token[\s\S]{0,5}x|zzz`, []string{"token"}},
	} {
		if got := lineFactor(c.pattern, c.keywords); got != nil {
			t.Errorf("lineFactor(%q) = %v, want none", c.pattern, got)
		}
	}
}

// TestLineFactorsHoldInEveryMatch: for every default rule with a line
// factor, texts the rule matches (generated from its own pattern, inside
// random lines) have a line that holds one of the rule's keywords and a
// match of the factor, by Go's regexp and by the automaton classify uses.
func TestLineFactorsHoldInEveryMatch(t *testing.T) {
	d := testDetector(t)
	r := rand.New(rand.NewPCG(11, 5))
	around := []string{"", " ", "\n", "x = \"", "\"\n", "\tkey: ", "=", "// ", "\r\n", "é"}
	factors, samples := 0, 0
	for id, rule := range d.cfg.Rules {
		if rule.Regex == nil || len(rule.Keywords) == 0 {
			continue
		}
		kws := lowerKeywords(rule)
		factor := lineFactor(rule.Regex.String(), kws)
		if factor == nil {
			continue
		}
		factors++
		m, err := dfa.CompileRegexp(factor)
		if err != nil {
			t.Fatalf("rule %s: line check: %v", id, err)
		}
		g, err := reggen.NewGenerator(rule.Regex.String())
		if err != nil {
			continue // reggen does not know every construct
		}
		g.SetSeed(r.Int64()) // reproducible runs
		for range 40 {
			text := around[r.IntN(len(around))] + g.Generate(r.IntN(30)+1) + around[r.IntN(len(around))]
			loc := rule.Regex.FindStringIndex(text)
			if loc == nil {
				continue
			}
			samples++
			ok := false
			lineStart := strings.LastIndexByte(text[:loc[0]], '\n') + 1
			lineEnd := len(text)
			if i := strings.IndexByte(text[loc[1]:], '\n'); i >= 0 {
				lineEnd = loc[1] + i
			}
			for _, line := range strings.Split(text[lineStart:lineEnd], "\n") {
				lower := strings.ToLower(line)
				hasKeyword := false
				for _, k := range kws {
					hasKeyword = hasKeyword || strings.Contains(lower, k)
				}
				byDFA, sure := m.MatchString(line)
				if hasKeyword && (byDFA || !sure) {
					ok = true
					break
				}
			}
			if !ok {
				t.Errorf("rule %s matches a generated text, but no line of the match holds a keyword and passes its line check", id)
				break
			}
		}
	}
	if factors < 100 || samples < 2000 {
		t.Errorf("weak test: %d rules with factors, %d matching samples", factors, samples)
	}
}
