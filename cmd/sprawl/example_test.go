package main

import (
	"encoding/json"
	"testing"
)

// TestExampleProject runs the README's first command on the bundled example
// and checks what a reader is promised: secrets found, one identity per AWS
// key pair with a workload-identity verdict, a duplicated password.
func TestExampleProject(t *testing.T) {
	code, stdout, stderr := runCLI(t, "scan", "--format", "json", "../../fixtures/example")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Findings []struct {
			RuleID   string
			Location struct{ Path string }
		}
		Identities []struct {
			Kind, Recommendation string
			Misfit               bool
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	rules := map[string]int{}
	for _, f := range doc.Findings {
		rules[f.RuleID]++
	}
	for _, want := range []string{"secret/aws-access-token", "secret/aws-access-key-pair", "sprawl/duplicated-secret",
		"lifecycle/long-lived-secret", "identity/workload-identity", "identity/rotation"} {
		if rules[want] == 0 {
			t.Errorf("no %s finding in the example; got %v", want, rules)
		}
	}
	aws := 0
	for _, id := range doc.Identities {
		if id.Kind == "aws-access-key" || id.Kind == "aws-secret-access-key" {
			aws++
			if id.Recommendation != "workload-identity" || !id.Misfit {
				t.Errorf("AWS key in CI: verdict %s misfit %v, want workload-identity misfit", id.Recommendation, id.Misfit)
			}
		}
	}
	if aws != 1 {
		t.Errorf("the AWS key id and its secret form %d identities, want 1", aws)
	}
}
