package tokencache

import (
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/rules"
)

// TestRuleInCatalog checks the rule's SARIF metadata loads and cites the
// real framework ids.
func TestRuleInCatalog(t *testing.T) {
	cat, err := rules.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	r, ok := cat[RuleID]
	if !ok {
		t.Fatalf("rule %s not in catalogue", RuleID)
	}
	for _, want := range []string{"NHI7:2025", "PR.AA-01", "IA-5(13)", "ReuseTokenSource", "NewCredentialsCache"} {
		if !strings.Contains(r.Help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	for _, bad := range []string{"PR.AC-1", "AC-2(10)", "NHI-0"} {
		if strings.Contains(r.Help, bad) {
			t.Errorf("help cites %q", bad)
		}
	}
}
