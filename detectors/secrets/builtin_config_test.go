package secrets

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/regexp"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/rules"
)

// TestBuiltinConfigMatchesViper: the fast translation of the embedded rule
// documents (direct TOML decoding, rules translated in parts side by side)
// gives the configuration gitleaks' own viper-based path gives, in any
// number of parts.
func TestBuiltinConfigMatchesViper(t *testing.T) {
	docs := []NamedTOML{
		{Name: "gitleaks default rules", TOML: config.DefaultConfig},
		{Name: "rules/secrets.toml", TOML: rules.SecretsTOML},
	}
	for _, doc := range docs {
		want, err := parseConfig(doc.Name, doc.TOML)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Rules) < 10 {
			t.Fatalf("%s: only %d rules", doc.Name, len(want.Rules))
		}
		got, err := parseBuiltin(doc.Name, doc.TOML)
		if err != nil {
			t.Fatal(err)
		}
		if diff := configDiff(got, withDeferredStopWords(t, want)); diff != "" {
			t.Errorf("%s: parseBuiltin differs: %s", doc.Name, diff)
		}
		validateDeferred(got)
		if diff := configDiff(got, withDeferredStopWords(t, want)); diff != "" {
			t.Errorf("%s: parseBuiltin, automatons built, differs: %s", doc.Name, diff)
		}
		var vc config.ViperConfig
		if err := toml.Unmarshal([]byte(doc.TOML), &vc); err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 5; n++ {
			got, err := translateSplit(doc.Name, vc, n)
			if err != nil {
				t.Fatalf("%s in %d parts: %v", doc.Name, n, err)
			}
			if diff := configDiff(got, want); diff != "" {
				t.Errorf("%s in %d parts: %s", doc.Name, n, diff)
			}
		}
	}
}

// TestSplitKeepsReferencesTogether: rules with required companions and
// rules that global allowlists target stay in the first part, with the
// allowlists.
func TestSplitKeepsReferencesTogether(t *testing.T) {
	doc := `
[[allowlists]]
targetRules = ["t"]
regexes = ['''x''']
[[rules]]
id = "a"
regex = '''a+'''
[[rules]]
id = "b"
regex = '''b+'''
[[rules.required]]
id = "c"
[[rules]]
id = "c"
regex = '''c+'''
[[rules]]
id = "d"
regex = '''d+'''
[[rules]]
id = "t"
regex = '''t+'''
[[rules]]
id = "e"
regex = '''e+'''
[[rules]]
id = "f"
regex = '''f+'''
[[rules]]
id = "g"
regex = '''g+'''
`
	var vc config.ViperConfig
	if err := toml.Unmarshal([]byte(doc), &vc); err != nil {
		t.Fatal(err)
	}
	parts := splitRules(vc, 3)
	if len(parts) < 2 {
		t.Fatalf("not split: %d parts", len(parts))
	}
	var first []string
	for _, r := range parts[0].Rules {
		first = append(first, r.ID)
	}
	for _, id := range []string{"b", "c", "t"} {
		if !slices.Contains(first, id) {
			t.Errorf("rule %s not in the first part %v", id, first)
		}
	}
	for _, p := range parts[1:] {
		if len(p.Allowlists) > 0 {
			t.Error("global allowlists copied to another part")
		}
	}
	want, err := parseConfig("doc", doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := translateSplit("doc", vc, 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := configDiff(got, want); diff != "" {
		t.Error(diff)
	}
}

// withDeferredStopWords returns cfg as parseBuiltin leaves it (see
// deferStopWords): long stopword lists of OR allowlists moved to an
// allowlist of their own at the end of the rule's.
func withDeferredStopWords(t *testing.T, cfg config.Config) config.Config {
	out := cfg
	out.Rules = map[string]config.Rule{}
	for id, r := range cfg.Rules {
		var kept []*config.Allowlist
		var words []string
		for _, a := range r.Allowlists {
			if a.MatchCondition != config.AllowlistMatchOr || len(a.StopWords) < minDeferredStopWords {
				kept = append(kept, a)
				continue
			}
			words = append(words, a.StopWords...)
			if len(a.Regexes) > 0 || len(a.Paths) > 0 || len(a.Commits) > 0 {
				rest := &config.Allowlist{Description: a.Description, MatchCondition: a.MatchCondition,
					Commits: a.Commits, Paths: a.Paths, RegexTarget: a.RegexTarget, Regexes: a.Regexes}
				if err := rest.Validate(); err != nil {
					t.Fatal(err)
				}
				kept = append(kept, rest)
			}
		}
		if words != nil {
			kept = append(kept, &config.Allowlist{Description: deferredStopWords, StopWords: words})
		}
		r.Allowlists = kept
		out.Rules[id] = r
	}
	return out
}

// TestDeferredStopWordsAllow: a generic secret holding one of
// generic-api-key's stopwords is allowed whether or not the stopword
// automaton has been built yet, and the same value without it is not.
func TestDeferredStopWordsAllow(t *testing.T) {
	cfg, err := parseBuiltin("gitleaks default rules", config.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	var deferred *config.Allowlist
	for _, a := range cfg.Rules["generic-api-key"].Allowlists {
		if a.Description == deferredStopWords {
			deferred = a
		}
	}
	if deferred == nil || len(deferred.StopWords) < minDeferredStopWords {
		t.Fatal("generic-api-key's stopwords were not deferred")
	}
	viper, err := parseConfig("gitleaks default rules", config.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	var word string
	for _, a := range viper.Rules["generic-api-key"].Allowlists {
		if len(a.StopWords) >= minDeferredStopWords {
			word = sorted(a.StopWords)[len(a.StopWords)/2]
		}
	}
	for _, built := range []bool{false, true} {
		if built {
			validateDeferred(cfg)
		}
		if ok, _ := deferred.ContainsStopWord("Xq9v" + strings.ToUpper(word) + "Z7Lk2Pw4"); !ok {
			t.Errorf("automaton built %v: stopword %q not found", built, word)
		}
		if ok, _ := deferred.ContainsStopWord("Xq9vZ7Lk2Pw4"); ok {
			t.Errorf("automaton built %v: a stopword found in a value without one", built)
		}
	}
	d := testDetector(t)
	for _, tc := range []struct {
		value string
		want  int
	}{{"Xq9vR3mT" + word + "Z7Lk2Pw4", 0}, {"Xq9vR3mTZ7Lk2Pw4hJ8s", 1}} {
		in := detectors.Input{Path: "app.cfg", Content: []byte("auth_token = \"" + tc.value + "\"\n"), Hasher: testHasher}
		if got := len(d.Detect(context.Background(), in)); got != tc.want {
			t.Errorf("value with stopword %v: %d findings, want %d", tc.want == 0, got, tc.want)
		}
	}
}

func TestBuiltinBadRegexIsAnError(t *testing.T) {
	var vc config.ViperConfig
	if err := toml.Unmarshal([]byte("[[rules]]\nid = \"x\"\nregex = '''a{0,5}?('''\n[[rules]]\nid = \"y\"\nregex = '''y'''\n"), &vc); err != nil {
		t.Fatal(err)
	}
	if _, err := translateSplit("doc", vc, 2); err == nil || !strings.Contains(err.Error(), "invalid rule") {
		t.Errorf("err = %v", err)
	}
}

// configDiff describes how two configurations differ ("" when they do
// not). Stop words are compared as sets: gitleaks stores them in map order.
func configDiff(got, want config.Config) string {
	if got.Title != want.Title || got.Description != want.Description || got.Path != want.Path ||
		got.MinVersion != want.MinVersion || !reflect.DeepEqual(got.Extend, want.Extend) {
		return "document fields differ"
	}
	if !slices.Equal(got.OrderedRules, want.OrderedRules) {
		i := 0
		for i < min(len(got.OrderedRules), len(want.OrderedRules)) && got.OrderedRules[i] == want.OrderedRules[i] {
			i++
		}
		return fmt.Sprintf("rule order differs at %d of %d/%d", i, len(got.OrderedRules), len(want.OrderedRules))
	}
	if !maps.Equal(got.Keywords, want.Keywords) {
		return "keywords differ"
	}
	if len(got.Rules) != len(want.Rules) {
		return fmt.Sprintf("%d rules, want %d", len(got.Rules), len(want.Rules))
	}
	for id, w := range want.Rules {
		g, ok := got.Rules[id]
		if !ok {
			return "missing rule " + id
		}
		if g.RuleID != w.RuleID || g.Description != w.Description || re(g.Regex) != re(w.Regex) ||
			re(g.Path) != re(w.Path) || g.SecretGroup != w.SecretGroup || g.Entropy != w.Entropy ||
			!slices.Equal(g.Keywords, w.Keywords) || !slices.Equal(g.Tags, w.Tags) || g.SkipReport != w.SkipReport {
			return "rule " + id + " differs"
		}
		if len(g.RequiredRules) != len(w.RequiredRules) {
			return "rule " + id + ": required rules differ"
		}
		for i := range w.RequiredRules {
			if !reflect.DeepEqual(*g.RequiredRules[i], *w.RequiredRules[i]) {
				return "rule " + id + ": required rules differ"
			}
		}
		if d := allowlistsDiff(g.Allowlists, w.Allowlists); d != "" {
			return "rule " + id + ": " + d
		}
	}
	return allowlistsDiff(got.Allowlists, want.Allowlists)
}

func allowlistsDiff(got, want []*config.Allowlist) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d allowlists, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Description != w.Description || g.MatchCondition != w.MatchCondition || g.RegexTarget != w.RegexTarget ||
			!slices.Equal(res(g.Paths), res(w.Paths)) || !slices.Equal(res(g.Regexes), res(w.Regexes)) ||
			!slices.Equal(sorted(g.StopWords), sorted(w.StopWords)) || !slices.Equal(sorted(g.Commits), sorted(w.Commits)) {
			return fmt.Sprintf("allowlist %d (%s) differs", i, w.Description)
		}
		// The automatons and joined patterns behave the same.
		for _, probe := range []string{"", "example", "password123", "node_modules/x.js", "AKIAIOSFODNN7EXAMPLE"} {
			gs, _ := g.ContainsStopWord(probe)
			ws, _ := w.ContainsStopWord(probe)
			if gs != ws || g.RegexAllowed(probe) != w.RegexAllowed(probe) || g.PathAllowed(probe) != w.PathAllowed(probe) {
				return fmt.Sprintf("allowlist %d (%s) matches %q differently", i, w.Description, probe)
			}
		}
	}
	return ""
}

func re(r *regexp.Regexp) string {
	if r == nil {
		return "<nil>"
	}
	return r.String()
}

func res(rs []*regexp.Regexp) []string {
	var out []string
	for _, r := range rs {
		out = append(out, re(r))
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestSubsetsShareTheWindowersAutomaton: with the default rules the rule
// subsets reuse the windower's keyword automaton; with a rule whose
// keywords only the subsets index (a path-only rule), each builds its own.
func TestSubsetsShareTheWindowersAutomaton(t *testing.T) {
	d, err := New(Options{MaxDecodeDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	if d.subsets.kw != d.win.kw {
		t.Error("default rules: two automatons for one keyword set")
	}
	extra := NamedTOML{Name: "p", TOML: "[[rules]]\nid = \"p12-path\"\npath = '''\\.p99$'''\nkeywords = [\"zzpathonly\"]\n"}
	d, err = New(Options{MaxDecodeDepth: 5, Extra: []NamedTOML{extra}})
	if err != nil {
		t.Fatal(err)
	}
	if d.subsets.kw == d.win.kw {
		t.Error("keyword sets differ, yet the automaton is shared")
	}
	if !d.subsets.kw.Any("zzpathonly") {
		t.Error("the subsets' automaton lacks the path-only rule's keyword")
	}
}
