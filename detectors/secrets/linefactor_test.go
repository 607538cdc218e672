package secrets

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/lucasjones/reggen"

	"github.com/sprawl-dev/sprawl/detectors/secrets/dfa"
)

func TestLineFactor(t *testing.T) {
	cases := []struct {
		pattern  string
		keywords []string
		want     string // "" when there must be none
	}{
		// vault-service-token: the run before the \s-capable suffix.
		{`\b((?:hvs\.[\w-]{90,120}|s\.(?i:[a-z0-9]{24})))(?:[\x60'"\s;]|\\[nr]|$)`, []string{"hvs.", "s."},
			`\b(?:hvs\.[\-0-9A-Z_a-z]{90,120}|s\.[0-9A-Za-z` + "\u017f\u212a" + `]{24})`},
		{`\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,})(?:\s|$)`, []string{"ey"},
			`\bey[0-9A-Za-z]{17,}\.ey[\-/-9A-Z\\_a-z]{17,}`},
		// A keyword the run does not always hold: no factor.
		{`\b(sk|rk)_[a-z]{20}`, []string{"sk"}, ""},
		// Parts that can match a newline end the run.
		{`(?s)token.{0,20}`, []string{"token"}, "token"},
		{`token[\s\S]{0,5}x|zzz`, []string{"token"}, ""},
		// Optional parts never guarantee the keyword.
		{`(?:ghp_)?[a-z]{36}`, []string{"ghp_"}, ""},
		{`(?:ghp_){1,2}[a-z]{36}`, []string{"ghp_"}, `(?:ghp_){1,2}[a-z]{36}`},
		// Case folding: "S" folds to the long s, which lower-casing keeps.
		{`(?i)s\.[a-z]{24}`, []string{"s."}, ""},
		{`(?i)xoxb-[0-9]{10}`, []string{"xoxb"}, `(?i:XOXB-[0-9]{10})`},
	}
	for _, c := range cases {
		if got := lineFactor(c.pattern, c.keywords); got != c.want {
			t.Errorf("lineFactor(%q) = %q, want %q", c.pattern, got, c.want)
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
		kws := make([]string, len(rule.Keywords))
		for i, k := range rule.Keywords {
			kws[i] = strings.ToLower(k)
		}
		factor := lineFactor(rule.Regex.String(), kws)
		if factor == "" {
			continue
		}
		factors++
		re := regexp.MustCompile(factor)
		m, err := dfa.Compile(factor)
		if err != nil {
			t.Fatalf("rule %s: factor %q: %v", id, factor, err)
		}
		g, err := reggen.NewGenerator(rule.Regex.String())
		if err != nil {
			continue // reggen does not know every construct
		}
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
				if hasKeyword && re.MatchString(line) && (byDFA || !sure) {
					ok = true
					break
				}
			}
			if !ok {
				t.Errorf("rule %s matches a generated text, but no line of the match holds a keyword and its factor %q", id, factor)
				break
			}
		}
	}
	if factors < 100 || samples < 2000 {
		t.Errorf("weak test: %d rules with factors, %d matching samples", factors, samples)
	}
}
