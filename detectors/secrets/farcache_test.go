package secrets

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFarMatchRemembersEachRulesAnswer: the far cache answers as the rule
// itself does, for repeated texts, for every rule on the same text, and
// after its slots were overwritten by other texts.
func TestFarMatchRemembersEachRulesAnswer(t *testing.T) {
	w := testDetector(t).win
	w.far()
	var rules []*spanningRule
	seen := map[uint64]bool{}
	for _, rs := range w.spanning {
		for i := range rs {
			if sr := &rs[i]; sr.reach >= 0 && !seen[sr.salt] {
				seen[sr.salt] = true
				rules = append(rules, sr)
			}
		}
	}
	if len(rules) < 2 {
		t.Fatalf("%d far rules: nothing to tell apart", len(rules))
	}
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"https://hooks.slack.com/services/", "T0", "B0", "/", "%7C", "|", "EAA", "vercel_", "_", "abcdefghijklmnopqrstuvwxyz", "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", " ", "\n", "token"}
	var texts []string
	for range 300 {
		var b strings.Builder
		for range 1 + r.IntN(30) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	far := make([]uint64, farSlots)
	matched := 0
	for range 20000 {
		text, sr := texts[r.IntN(len(texts))], rules[r.IntN(len(rules))]
		want := (sr.marks == "" || strings.ContainsAny(text, sr.marks)) && sr.exists().MatchString(text)
		if got := w.farMatch(sr, text, far); got != want {
			t.Fatalf("rule %v on a %d-byte text: farMatch %v, the rule %v", sr.ids, len(text), got, want)
		}
		if want {
			matched++
		}
	}
	if matched == 0 {
		t.Fatal("no text matched a rule: the test checks only the negative answer")
	}
}
