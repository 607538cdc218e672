package secrets

import (
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/lucasjones/reggen"
	"github.com/zricethezav/gitleaks/v8/config"
)

func TestMustContain(t *testing.T) {
	cases := []struct {
		pattern  string
		keywords []string
		want     bool
	}{
		{`ghp_[a-z]{36}`, []string{"ghp_"}, true},
		// Go's parser factors alternations: A(?:KIA|SIA), [Pp](?:assword|wd).
		{`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`, []string{"a3t", "akia", "asia", "abia", "acca"}, true},
		{`(?i)(?:password|pwd)\s*=\s*\S+`, []string{"password", "pwd"}, true},
		{`(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}`, []string{"sk_test", "sk_live", "sk_prod", "rk_test", "rk_live", "rk_prod"}, true},
		{`linked[_-]?in[a-z]+`, []string{"linkedin", "linked_in", "linked-in"}, true},
		// A keyword across optional parts, then more text.
		{`(?i)(?:aws[_.-]?)?secret[_.-]?(?:access[_.-]?)?key\s*=\s*\S{40}`,
			[]string{"secretkey", "secret_key", "secret-key", "secret.key", "secretaccess", "secret_access", "secret-access", "secret.access"}, true},
		{`(?:x|y)+token`, []string{"token"}, true},
		{`(?:token)+[a-z]`, []string{"token"}, true},
		// Matches that need not hold a keyword.
		{`(?i)\b(\d{15,16}(\||%)[0-9a-z\-_]{27,40})`, []string{"facebook"}, false},
		{`(?i)secret[_.-]?(?:access[_.-]?)?key`, []string{"secret_access_key", "aws_secret"}, false},
		{`hooks.slack.com/[a-z]+`, []string{"hooks.slack.com"}, false}, // "." is any character
		{`(?:sgp_[a-f0-9]{40}|[a-f0-9]{40})`, []string{"sgp_"}, false},
		{`(?:token)?[a-z]+`, []string{"token"}, false},
		{`(?:token)*[a-z]+`, []string{"token"}, false},
		{`tok(?:en)?`, []string{"token"}, false},
		{`[a-z]{0,3}token`, nil, false},
	}
	for _, c := range cases {
		re, err := syntax.Parse(c.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustContain(re, c.keywords); got != c.want {
			t.Errorf("mustContain(%q, %q) = %v, want %v", c.pattern, c.keywords, got, c.want)
		}
	}
}

// TestMustContainHoldsInEveryMatch: for every default rule whose matches
// the analysis says hold a keyword, texts generated from the rule's own
// pattern that it matches hold one, lower-cased.
func TestMustContainHoldsInEveryMatch(t *testing.T) {
	d := testDetector(t)
	r := rand.New(rand.NewPCG(7, 3))
	proven, samples := 0, 0
	for id, rule := range d.cfg.Rules {
		if rule.Regex == nil || len(rule.Keywords) == 0 {
			continue
		}
		kws := lowerKeywords(rule)
		re, err := syntax.Parse(rule.Regex.String(), syntax.Perl)
		if err != nil || !mustContain(re, kws) {
			continue
		}
		proven++
		g, err := reggen.NewGenerator(rule.Regex.String())
		if err != nil {
			continue
		}
		g.SetSeed(r.Int64()) // reproducible runs
		for range 40 {
			text := g.Generate(r.IntN(30) + 1)
			m := rule.Regex.FindString(text)
			if m == "" {
				continue
			}
			samples++
			lower := strings.ToLower(m)
			held := false
			for _, k := range kws {
				held = held || strings.Contains(lower, k)
			}
			if !held {
				t.Errorf("rule %s: said to hold a keyword, but a match of it holds none", id)
				break
			}
		}
	}
	if proven < 200 || samples < 4000 {
		t.Errorf("weak test: %d rules proven, %d matching samples", proven, samples)
	}
}

func TestFarFromKeywords(t *testing.T) {
	d := testDetector(t)
	cases := map[string]bool{
		"facebook-access-token":    true,  // a number, "|" and a hash, anywhere in a file naming facebook
		"slack-webhook-url":        true,  // "hooks.slack.com": "." is any character
		"sourcegraph-access-token": false, // may be any 40 hex digits
		"aws-access-key-pair":      false, // every match spells a keyword
		"generic-api-key":          false,
		"docker-config-auths":      false, // a companion
	}
	for id, want := range cases {
		r, ok := d.cfg.Rules[id]
		if !ok {
			t.Fatalf("no rule %s", id)
		}
		kws := lowerKeywords(r)
		if got := farFromKeywords(r, kws); got != want {
			t.Errorf("farFromKeywords(%s) = %v, want %v", id, got, want)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	slow := func(s string) int {
		n := 0
		for _, r := range s {
			if r >= 0x10000 {
				n += 2
			} else {
				n++
			}
		}
		return n
	}
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi", "abcdefgh\u00e9", "\u00e9abcdefghijklmnop",
		"0123456789abcdef\U0001F600x", "abcdefg\xff\xfe tail", strings.Repeat("x", 1000) + "\u4e16\u754c"} {
		if got, want := utf16Len(s), slow(s); got != want {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

// lowerKeywords returns r's keywords lower-cased, as gitleaks compares them.
func lowerKeywords(r config.Rule) []string {
	kws := make([]string, len(r.Keywords))
	for i, k := range r.Keywords {
		kws[i] = strings.ToLower(k)
	}
	return kws
}

// TestNeededMarks: the marks left are needed by every generated match of
// each rule matching far from its keywords.
func TestNeededMarks(t *testing.T) {
	d := testDetector(t)
	r := rand.New(rand.NewPCG(5, 8))
	checked := 0
	for id, rule := range d.cfg.Rules {
		if rule.Regex == nil || !farFromKeywords(rule, lowerKeywords(rule)) {
			continue
		}
		re, err := syntax.Parse(rule.Regex.String(), syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		marks := neededMarks(re)
		t.Logf("%s: %q", id, marks)
		if marks == "" || len(marks) == len(punctuation) {
			t.Errorf("rule %s: marks %q", id, marks)
			continue
		}
		g, err := reggen.NewGenerator(rule.Regex.String())
		if err != nil {
			continue
		}
		g.SetSeed(r.Int64())
		for range 200 {
			if m := rule.Regex.FindString(g.Generate(r.IntN(30) + 1)); m != "" {
				checked++
				if !strings.ContainsAny(m, marks) {
					t.Fatalf("rule %s: a match holds none of %q", id, marks)
				}
			}
		}
	}
	if checked < 200 {
		t.Errorf("weak test: %d matches checked", checked)
	}
}
