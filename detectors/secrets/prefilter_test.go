package secrets

import (
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
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
	matched, narrowed, needed := 0, 0, 0
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
			// The automaton: the same answer on ASCII, never a miss. One
			// that asks for reportable secrets only must say yes wherever
			// gitleaks reports one.
			got := e.MatchString(text)
			if e.needs {
				needed++
				if !got && want && len(onlyRule(t, d, id).DetectString(text)) > 0 {
					t.Fatalf("rule %s: gitleaks reports a secret in %q, its existence automaton says no", id, text)
				}
				continue
			}
			if got != want && (want || isASCII(text)) {
				t.Fatalf("rule %s matches a text: %v, its existence automaton: %v", id, want, got)
			}
		}
	}
	if gk := d.subsets.exists["generic-api-key"]; gk == nil || gk().re == d.cfg.Rules["generic-api-key"].Regex {
		t.Error("generic-api-key's leading [\\w.-]{0,50}? was not dropped")
	}
	if matched < 100 || narrowed < 20 || needed == 0 {
		t.Errorf("weak test: %d matching (rule, text) pairs, %d rules narrowed, %d texts checked against reportable secrets", matched, narrowed, needed)
	}
}

// onlyRule is a gitleaks detector with rule id alone.
func onlyRule(t *testing.T, d *Detector, id string) *detect.Detector {
	t.Helper()
	cfg := d.cfg
	r := cfg.Rules[id]
	cfg.Rules = map[string]config.Rule{id: r}
	cfg.OrderedRules = []string{id}
	cfg.Keywords = map[string]struct{}{}
	for _, k := range r.Keywords {
		cfg.Keywords[strings.ToLower(k)] = struct{}{}
	}
	return detect.NewDetector(cfg)
}

func TestSecretNeed(t *testing.T) {
	d := testDetector(t)
	need := secretNeed(d.cfg.Rules["generic-api-key"])
	if need == nil {
		t.Fatal("generic-api-key: no need derived from its ^[a-zA-Z_.-]+$ allowlist")
	}
	if need.Group != 1 || !need.Bytes['0'] || !need.Bytes['='] || need.Bytes['a'] || need.Bytes['_'] || !need.NonASCII {
		t.Errorf("generic-api-key's need: %+v", need)
	}
	// The automaton drops a window whose candidate secrets are all
	// identifiers, and keeps one with a digit.
	e := d.subsets.exists["generic-api-key"]()
	if !e.needs {
		t.Fatal("generic-api-key's existence check does not use the need")
	}
	if e.MatchString("api_key = \"some_long_identifier_name\"\n") {
		t.Error("an identifier-only value passed")
	}
	if !e.MatchString("api_key = \"some_long_identifier_name9\"\n") {
		t.Error("a value with a digit was dropped")
	}
	cases := []struct {
		pattern string
		ok      bool
	}{
		{`^[a-z]+$`, true},
		{`\A[a-zA-Z_.-]+\z`, true},
		{`^[a-z]+`, false},
		{`[a-z]+$`, false},
		{`^[a-zé]+$`, false},
		{`^[a-z]*$`, false},
	}
	for _, c := range cases {
		if _, ok := wholeClass(c.pattern); ok != c.ok {
			t.Errorf("wholeClass(%q) = %v", c.pattern, ok)
		}
	}
	for p, want := range map[string]bool{
		`a(b)(?:\s|$)`:    true,
		`a(b)(?:[;\n]|$)`: true,
		`a(b)$`:           false,
		`a(b)(?:;|$)`:     false,
		`a(b)`:            true,
	} {
		re, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := endTextOnlyBesideNewline(re, false); got != want {
			t.Errorf("endTextOnlyBesideNewline(%q) = %v, want %v", p, got, want)
		}
	}
}
