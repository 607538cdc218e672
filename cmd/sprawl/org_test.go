package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
)

// orgFixture builds two repositories with back-dated histories holding one
// identity of every kind the decision path knows, and returns their paths
// and the secret values planted.
func orgFixture(t *testing.T) (string, string, []string) {
	t.Helper()
	g := fake.New(2026)
	keyID, awsSecret := g.AWSKeyID(), g.AWSSecret()
	batchPAT, slack, dbPass := g.GitHubPAT(), g.SlackBot(), g.Password(20)
	removed, appToken := g.GitHubPAT(), g.GitHubAppToken()
	openai := "sk-proj-" + g.String("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48) + "T3BlbkFJ" + g.String("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48)
	saKey := strings.ReplaceAll(strings.TrimSpace(g.PrivateKeyPEM()), "\n", `\n`)
	oldKey, newKey := g.String("abcdefghijklmnopqrstuvwxyz0123456789", 32), g.String("abcdefghijklmnopqrstuvwxyz0123456789", 32)
	old := time.Now().AddDate(-1, 0, 0)
	root := t.TempDir()
	a, b := filepath.Join(root, "svc-a"), filepath.Join(root, "svc-b")
	gitgen.Build(t, a, gitgen.Script{Start: old, Steps: []gitgen.Step{
		gitgen.Commit{Label: "ci", Files: map[string]string{
			".github/workflows/deploy.yml": "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      AWS_ACCESS_KEY_ID: " + keyID + "\n      AWS_SECRET_ACCESS_KEY: " + awsSecret + "\n    steps:\n      - run: aws s3 sync dist s3://site\n",
		}},
		gitgen.Commit{Label: "batch", Files: map[string]string{
			"scripts/nightly-sync.sh": "#!/bin/sh\nexport GITHUB_TOKEN=" + batchPAT + "\ngh repo list acme\n",
		}},
		gitgen.Commit{Label: "db", Files: map[string]string{
			"config/app.env":   "DATABASE_URL=postgres://orders:" + dbPass + "@db.internal:5432/orders\n",
			"deploy/prod.env":  "DATABASE_URL=postgres://orders:" + dbPass + "@db.internal:5432/orders\n",
			"notify/notify.py": "SLACK_TOKEN = \"" + slack + "\"\n",
		}},
		gitgen.Commit{Label: "agent", Files: map[string]string{
			".mcp.json": "{\n  \"mcpServers\": {\n    \"openai\": {\n      \"command\": \"npx\",\n      \"env\": {\"OPENAI_API_KEY\": \"" + openai + "\"}\n    }\n  }\n}\n",
		}},
		gitgen.Commit{Label: "sa", Files: map[string]string{
			"reports/sa-key.json": "{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme-reports\",\n  \"private_key_id\": \"" + g.String("0123456789abcdef", 40) +
				"\",\n  \"private_key\": \"" + saKey + "\\n\",\n  \"client_email\": \"reports@acme-reports.iam.gserviceaccount.com\"\n}\n",
			"settings/legacy.ini": "[api]\napi_key = " + oldKey + "\n",
		}},
		gitgen.Commit{Label: "leak", Files: map[string]string{"tmp/debug.env": "TOKEN=" + removed + "\n"}},
		gitgen.Commit{Label: "fix", Delete: []string{"tmp/debug.env"}},
		gitgen.Commit{Label: "short", Time: time.Now().Add(-time.Hour), Files: map[string]string{
			"ci/install.env":   "GH_INSTALL_TOKEN=" + appToken + "\n",
			"settings/new.ini": "[api]\napi_key = " + newKey + "\n",
		}},
	}})
	gitgen.Build(t, b, gitgen.Script{Start: old.Add(48 * time.Hour), Steps: []gitgen.Step{
		gitgen.Commit{Label: "alerts", Files: map[string]string{"alerts/config.yaml": "slack_token: " + slack + "\n"}},
		// The same commit, so the same blob, through two more refs: still
		// one place, not a duplicate.
		gitgen.Branch{Name: "release", From: "alerts"},
		gitgen.Tag{Name: "v1", Target: "alerts", Annotated: true, Message: "v1"},
	}})
	return a, b, []string{keyID, awsSecret, batchPAT, slack, dbPass, removed, appToken, openai, strings.Split(saKey, `\n`)[1], oldKey, newKey}
}

type orgDoc struct {
	Findings []struct {
		RuleID     string
		Location   struct{ Repo, Path string }
		History    *struct{ InHead bool }
		Properties map[string]any
	}
	Identities []struct {
		Key, Kind, Workload, Recommendation string
		Misfit                              bool
		Reasons                             []string
		Repos, Workloads                    []string
	}
}

// TestFixtureOrg checks lifecycle facts and identity verdicts end to end on
// generated histories (issues 4 and 7).
func TestFixtureOrg(t *testing.T) {
	a, b, secrets := orgFixture(t)
	code, stdout, stderr := runCLI(t, "scan", "--history", "--format", "json", a, b)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	assertNoSecrets(t, "json", []byte(stdout+stderr), secrets)
	var doc orgDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	at := map[string][]string{} // path -> rules
	props := map[string]map[string]any{}
	for _, f := range doc.Findings {
		at[f.Location.Path] = append(at[f.Location.Path], f.RuleID)
		props[f.Location.Path+" "+f.RuleID] = f.Properties
	}
	has := func(path, rule string) bool {
		for _, r := range at[path] {
			if r == rule {
				return true
			}
		}
		return false
	}
	// Lifecycle facts and their negatives.
	for _, tc := range []struct {
		path, rule string
		want       bool
	}{
		{"tmp/debug.env", "lifecycle/secret-in-history", true},
		{"config/app.env", "lifecycle/secret-in-history", false}, // still at HEAD
		{"tmp/debug.env", "secret/github-pat", true},
		{"ci/install.env", "secret/github-app-token", true},
		{"ci/install.env", "lifecycle/long-lived-secret", false}, // ghs_ lives an hour
		{"scripts/nightly-sync.sh", "lifecycle/long-lived-secret", true},
		{"notify/notify.py", "sprawl/duplicated-secret", true},       // same Slack token in svc-b
		{"settings/legacy.ini", "lifecycle/long-lived-secret", true}, // a year old
		{"settings/new.ini", "lifecycle/long-lived-secret", false},   // an hour old, lifetime unknown
		{"reports/sa-key.json", "secret/gcp-service-account-key", true},
	} {
		if got := has(tc.path, tc.rule); got != tc.want {
			t.Errorf("%s %s: present=%v, want %v (rules there: %v)", tc.path, tc.rule, got, tc.want, at[tc.path])
		}
	}
	if p := props["scripts/nightly-sync.sh lifecycle/long-lived-secret"]; p != nil {
		basis, _ := json.Marshal(p["basis"])
		if !strings.Contains(string(basis), "format") || !strings.Contains(string(basis), "age") {
			t.Errorf("classic PAT a year old: basis %s, want format and age", basis)
		}
	}
	if p := props["notify/notify.py sprawl/duplicated-secret"]; p == nil || p["repositories"] != float64(2) || p["occurrences"] != float64(2) {
		t.Errorf("Slack token duplicate across repositories (one place each, whatever the refs): %v", p)
	}
	if p := props["settings/legacy.ini lifecycle/long-lived-secret"]; p != nil {
		if basis, _ := json.Marshal(p["basis"]); string(basis) != `["age"]` {
			t.Errorf("old generic secret: basis %s, want [\"age\"]", basis)
		}
	}
	dups := 0
	for _, f := range doc.Findings {
		if f.RuleID == "sprawl/duplicated-secret" {
			dups++
		}
	}
	if dups != 2 { // the Slack token across repos, the password in two files
		t.Errorf("%d duplicated-secret results, want 2", dups)
	}

	// One verdict per identity, per the decision path.
	type want struct {
		kind, where, verdict string
		misfit               bool
	}
	for _, w := range []want{
		{"aws-access-key", "deploy.yml", "workload-identity", true},       // cloud key in a CI job
		{"github-classic-pat", "nightly-sync.sh", "dynamic-secret", true}, // batch job holding a PAT
		{"database-password", "app.env", "rotation", true},                // persistent service, copied
		{"slack-token", "svc-a", "rotation", true},                        // integration shared by two repos
		{"ai-api-key", ".mcp.json", "dynamic-secret", true},               // agent config
		{"github-classic-pat", "application", "rotation", true},           // removed but alive in history
		{"github-app-token", "install.env", "dynamic-secret", false},      // an hour-long token
		{"gcp-service-account-key", "svc-a", "workload-identity", true},   // key file: use workload identity
	} {
		found := false
		for _, id := range doc.Identities {
			if id.Kind != w.kind || !strings.Contains(strings.Join(id.Workloads, " "), w.where) {
				continue
			}
			found = true
			if id.Recommendation != w.verdict || id.Misfit != w.misfit {
				t.Errorf("%s used by %s: verdict %s misfit %v, want %s %v (reasons %v)", w.kind, w.where, id.Recommendation, id.Misfit, w.verdict, w.misfit, id.Reasons)
			}
			if len(id.Reasons) == 0 {
				t.Errorf("%s used by %s: no reasons", w.kind, w.where)
			}
		}
		if !found {
			t.Errorf("no %s identity used by %s", w.kind, w.where)
		}
	}
	if n := len(doc.Identities); n != 10 {
		t.Errorf("%d identities, want 10", n)
	}

	// SARIF with identity results validates; the inventory renders.
	code, stdout, _ = runCLI(t, "scan", "--history", "--format", "sarif", a, b)
	if code != ExitFindings {
		t.Fatalf("sarif exit %d", code)
	}
	if err := sarifcheck.Validate([]byte(stdout)); err != nil {
		t.Errorf("SARIF invalid: %v", err)
	}
	if !strings.Contains(stdout, "identity/workload-identity") {
		t.Error("no identity results in SARIF")
	}
	for _, f := range []string{"inventory", "inventory-markdown"} {
		code, stdout, _ = runCLI(t, "scan", "--history", "--format", f, a, b)
		if code != ExitFindings || !strings.Contains(stdout, "workload-identity") {
			t.Errorf("--format %s: exit %d, output:\n%s", f, code, stdout)
		}
		assertNoSecrets(t, f, []byte(stdout), secrets)
	}
}

// TestFingerprintsAgreeAcrossModes: a secret at HEAD gets the same
// fingerprint from a working-tree scan and a history scan, so baselines
// and alerts carry over between pre-commit, CI and sweeps.
func TestFingerprintsAgreeAcrossModes(t *testing.T) {
	a, _, _ := orgFixture(t)
	fps := func(args ...string) map[string]string {
		_, stdout, _ := runCLI(t, append([]string{"scan", "--format", "json"}, args...)...)
		var doc struct {
			Findings []struct {
				RuleID   string
				Location struct{ Path string }
				Secret   *struct{ Fingerprint string }
			}
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, f := range doc.Findings {
			if f.Secret != nil && strings.HasPrefix(f.RuleID, "secret/") {
				out[f.Location.Path+" "+f.RuleID] = f.Secret.Fingerprint
			}
		}
		return out
	}
	tree, hist := fps(a), fps("--history", a)
	if len(tree) == 0 {
		t.Fatal("no findings in the working tree")
	}
	for k, fp := range tree {
		if hist[k] != fp {
			t.Errorf("%s: fingerprint differs between working-tree and history scans", k)
		}
	}
}
