package secrets

import (
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// TestExistsNearKeywordsAgreesWithWholeText: checking a rule only around
// its keywords (existsNearKeywords) selects the same rules as reading the
// whole text, on the fixture tree's secrets written into long texts the
// way minified bundles hold them: each file as it is, and all of them
// joined on one line.
func TestExistsNearKeywordsAgreesWithWholeText(t *testing.T) {
	d := testDetector(t)
	var all []string
	texts := []string{}
	for _, f := range expandTree(t, 3) {
		c := string(f.content)
		all = append(all, strings.ReplaceAll(c, "\n", " ; "))
		if len(c) >= localText {
			texts = append(texts, c)
		}
	}
	joined := strings.Join(all, " ")
	for i := 0; i+localText*4 <= len(joined); i += localText * 4 {
		texts = append(texts, joined[i:i+localText*4])
	}
	other, err := New(Options{MaxDecodeDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	whole := other.subsets
	whole.reach = nil // every rule reads the whole text
	local, checked := 0, 0
	for _, id := range d.cfg.OrderedRules {
		if r := d.subsets.reach[id]; r != nil && r() >= 0 {
			local++
		}
	}
	if local < 50 {
		t.Fatalf("only %d rules are checked around their keywords", local)
	}
	for _, text := range texts {
		got := d.subsets.selected([]string{text}, "", nil)
		want := whole.selected([]string{text}, "", nil)
		if !slices.Equal(got, want) {
			t.Errorf("text of %d bytes: near keywords %v, whole text %v", len(text), got, want)
		}
		checked += len(want)
	}
	if checked == 0 {
		t.Fatal("no rule selected on any text: weak test")
	}
	t.Logf("%d texts, %d rules checked around their keywords, %d selections compared", len(texts), local, checked)
}

func TestMaxBytes(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		want    int
	}{
		{`abc`, 3},
		{`é`, 2},
		{`[a-z]{3,10}`, 10},
		{`(?i)key[0-9a-f]{32}\b`, 35},
		{`x|yyy`, 3},
		{`a+`, -1},
		{`.{0,1000}.{0,1000}`, -1}, // past maxReach
		{`(?:ab)?c`, 3},
		{`[\x{10000}-\x{10FFFF}]`, 4},
	} {
		re, err := syntax.Parse(tt.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := maxBytes(re); got != tt.want {
			t.Errorf("maxBytes(%s) = %d, want %d", tt.pattern, got, tt.want)
		}
	}
}

// TestOffPathRules: a file's path class leaves out the rules whose path
// pattern it does not match, and only those.
func TestOffPathRules(t *testing.T) {
	d := testDetector(t)
	for _, tt := range []struct {
		path     string
		off, not []string
	}{
		{"ui/dist/assets/index-DyKpbKaC.js", []string{"php-password", "pypirc-password", "compose-database-password"}, []string{"generic-api-key", "jwt", "code-password"}},
		{"config/database.php", []string{"pypirc-password"}, []string{"php-password", "generic-api-key"}},
		{"deploy/docker-compose.yml", []string{"php-password"}, []string{"compose-database-password", "config-password"}},
	} {
		off := d.offPathRules(d.pathInfo(tt.path).class)
		for _, id := range tt.off {
			if !off[id] {
				t.Errorf("%s: %s should be off its path", tt.path, id)
			}
		}
		for _, id := range tt.not {
			if off[id] {
				t.Errorf("%s: %s is on its path (or has none)", tt.path, id)
			}
		}
	}
}
