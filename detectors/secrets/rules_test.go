package secrets

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/rules"
)

// sprawl replaces gitleaks' private-key rule only to add an allowlist; the
// detection itself must stay gitleaks'.
func TestPrivateKeyRuleMatchesGitleaks(t *testing.T) {
	def, err := LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := parseConfig("rules/secrets.toml", rules.SecretsTOML)
	if err != nil {
		t.Fatal(err)
	}
	g, o := def.Rules["private-key"], ours.Rules["private-key"]
	if g.Regex.String() != o.Regex.String() {
		t.Errorf("private-key regex differs from gitleaks':\n ours %s\n gitleaks %s", o.Regex, g.Regex)
	}
	if len(g.Keywords) != len(o.Keywords) || g.Entropy != o.Entropy || g.SecretGroup != o.SecretGroup {
		t.Errorf("private-key keywords/entropy/secretGroup differ from gitleaks'")
	}
	if len(o.Allowlists) != len(g.Allowlists)+1 {
		t.Errorf("private-key: want gitleaks' %d allowlists plus sprawl's one, got %d", len(g.Allowlists), len(o.Allowlists))
	}
}

// Every reporting rule in rules/secrets.toml has at least one fixture.
func TestEverySprawlRuleHasAFixture(t *testing.T) {
	ours, err := parseConfig("rules/secrets.toml", rules.SecretsTOML)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, f := range expandTree(t, 1) {
		for _, w := range f.wants {
			covered[w.rule] = true
		}
	}
	for _, id := range ours.OrderedRules {
		if ours.Rules[id].SkipReport || id == "private-key" {
			continue
		}
		if !covered[RulePrefix+id] {
			t.Errorf("rule %s has no fixture with want: %s%s under %s", id, RulePrefix, id, treeDir)
		}
	}
}

// yieldsToTwin are gitleaks rules left without a kind on purpose: their
// matches are also found by a rule that knows the format (sprawl's
// telegram-bot-token; the vendor rule behind a curl header's value), and a
// finding without a kind yields to that twin (dropKindlessTwins).
var yieldsToTwin = map[string]bool{"telegram-bot-api-token": true, "curl-auth-header": true}

// Every reporting rule, sprawl's and gitleaks' default ones, maps to a
// credential kind: the correlator judges an identity by its kind (lifetime,
// what can replace it, the first action), and one without is "unknown".
func TestEveryRuleHasAKind(t *testing.T) {
	ours, err := parseConfig("rules/secrets.toml", rules.SecretsTOML)
	if err != nil {
		t.Fatal(err)
	}
	def, err := LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	kinds, err := rules.DefaultCredentials()
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []struct {
		name string
		ids  []string
		skip func(string) bool
	}{
		{"rules/secrets.toml", ours.OrderedRules, func(id string) bool { return ours.Rules[id].SkipReport }},
		{"gitleaks' default config", def.OrderedRules, func(id string) bool { return def.Rules[id].SkipReport }},
	} {
		for _, id := range set.ids {
			if set.skip(id) || yieldsToTwin[id] {
				continue
			}
			if !kinds.Covers(id) {
				t.Errorf("rule %s of %s has no [[kind]] in rules/credentials.toml", id, set.name)
			}
		}
	}
}

// A rule whose match need not hold one of its keywords is checked against
// the whole of every content holding a keyword (windower.far): a
// megabyte-long line cost each version that pass, for every such rule. So
// every match of sprawl's rules holds a keyword, except where the format
// allows no keyword: a .pgpass line's port may be any number.
func TestSprawlRulesMatchTheirKeywords(t *testing.T) {
	ours, err := parseConfig("rules/secrets.toml", rules.SecretsTOML)
	if err != nil {
		t.Fatal(err)
	}
	farOnPurpose := map[string]bool{"pgpass-password": true}
	for _, id := range ours.OrderedRules {
		r := ours.Rules[id]
		if r.Regex == nil || farOnPurpose[id] {
			continue
		}
		lower := make([]string, len(r.Keywords))
		for i, k := range r.Keywords {
			lower[i] = asciiLower(k)
		}
		if farFromKeywords(r, lower) {
			t.Errorf("rule %s: a match need not hold one of its keywords %q", id, r.Keywords)
		}
	}
}

// gitleaks joins an allowlist's regexes into one alternation, so a flag set
// by a bare "(?i)" in one of them carries over to the ones after it:
// "(?i)^(?:true|false)$" before "^[A-Z0-9_]+$" made the latter allow every
// alphanumeric secret. Flags must be scoped, "(?i:…)".
func TestAllowlistFlagsStayInTheirRegex(t *testing.T) {
	ours, err := parseConfig("rules/secrets.toml", rules.SecretsTOML)
	if err != nil {
		t.Fatal(err)
	}
	bare := regexp.MustCompile(`\(\?[imsU]+\)`)
	for _, id := range ours.OrderedRules {
		for i, a := range ours.Rules[id].Allowlists {
			for j, re := range a.Regexes {
				if j < len(a.Regexes)-1 && bare.MatchString(re.String()) {
					t.Errorf("rule %s, allowlist %d, regex %d: a bare flag group leaks into the regexes after it: %s", id, i, j, re)
				}
			}
		}
	}
}

// A companion that may be anywhere in a file matches once per document:
// gitleaks pairs every finding of the primary rule with every companion
// finding in range, so a companion matching once per entry makes a file
// of many entries quadratic in time and memory (a Docker config of 20,000
// registries ran out of memory).
func TestCompanionsAnywhereMatchOncePerDocument(t *testing.T) {
	ours, err := parseConfig("rules/secrets.toml", rules.SecretsTOML)
	if err != nil {
		t.Fatal(err)
	}
	var docker, legacy strings.Builder
	docker.WriteString("{\n  \"auths\": {\n")
	legacy.WriteString("{\n")
	for i := range 50 {
		sep := ","
		if i == 49 {
			sep = ""
		}
		fmt.Fprintf(&docker, "    \"registry%d.example.com\": {\"auth\": \"dXNlcjpwYXNzd29yZA%02d\"}%s\n", i, i, sep)
		fmt.Fprintf(&legacy, "  \"https://registry%d.example.io/v1/\": {\"auth\": \"dXNlcjpwYXNzd29yZA%02d\", \"email\": \"a@example.com\"}%s\n", i, i, sep)
	}
	docker.WriteString("  }\n}\n")
	legacy.WriteString("}\n")
	for _, id := range ours.OrderedRules {
		for _, req := range ours.Rules[id].RequiredRules {
			if req.WithinLines != nil || req.RuleID != "docker-config-auths" {
				continue
			}
			re := ours.Rules[req.RuleID].Regex
			for name, doc := range map[string]string{"config.json": docker.String(), ".dockercfg": legacy.String()} {
				if n := len(re.FindAllStringIndex(doc, -1)); n != 1 {
					t.Errorf("%s matches %d times in a %s of 50 registries, want once", req.RuleID, n, name)
				}
			}
		}
	}
}
