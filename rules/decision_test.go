package rules

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultDecision(t *testing.T) {
	d, err := DefaultDecision()
	if err != nil {
		t.Fatal(err)
	}
	if d.MaxAge != 90*24*time.Hour || d.LongLived != 24*time.Hour {
		t.Errorf("thresholds %v %v", d.MaxAge, d.LongLived)
	}
	creds, err := DefaultCredentials()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Pairs {
		for _, k := range p.AnchorKinds {
			if _, ok := creds.Kind(k); !ok {
				t.Errorf("pair anchor kind %q is not in credentials.toml", k)
			}
		}
	}
	for _, c := range d.CredentialNames {
		if _, ok := creds.Kind(c.Kind); !ok {
			t.Errorf("credential_name kind %q is not in credentials.toml", c.Kind)
		}
	}
	for _, a := range d.Actions {
		if _, ok := creds.Kind(a.Kind); a.Kind != "" && a.Kind != "cached-token" && !ok {
			t.Errorf("action kind %q is not in credentials.toml", a.Kind)
		}
	}
}

func TestClassify(t *testing.T) {
	d, err := DefaultDecision()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, signal, kind, scope string }{
		{".github/workflows/deploy.yml", "github-actions", "ephemeral", "file"},
		{".gitlab-ci.yml", "gitlab-ci", "ephemeral", "file"},
		{"ci/release.gitlab-ci.yml", "gitlab-ci", "ephemeral", "file"},
		{"k8s/backup-cronjob.yaml", "kubernetes-job", "ephemeral", "file"},
		{"deploy/migrate-job.yml", "kubernetes-job", "ephemeral", "file"},
		{"k8s/deployment.yaml", "kubernetes", "persistent", "repo"},
		{"scripts/sync.sh", "batch", "ephemeral", "file"},
		{"tools/cron/nightly.py", "batch", "ephemeral", "file"},
		{".mcp.json", "agent", "agentic", "file"},
		{".cursor/mcp.json", "agent", "agentic", "file"},
		{"docker-compose.yml", "compose", "persistent", "repo"},
		{"compose.prod.yaml", "compose", "persistent", "repo"},
		{"infra/main.tf", "terraform", "persistent", "repo"},
		{".env", "application", "persistent", "repo"},
		{"config/app.yml", "application", "persistent", "repo"},
		{"src/server.go", "application", "persistent", "repo"},
	}
	for _, tt := range tests {
		s := d.Classify(tt.path)
		if s.ID != tt.signal || s.Kind != tt.kind || s.Scope != tt.scope {
			t.Errorf("Classify(%q) = %s %s %s, want %s %s %s", tt.path, s.ID, s.Kind, s.Scope, tt.signal, tt.kind, tt.scope)
		}
	}
}

func TestFirstActionMostSpecific(t *testing.T) {
	d, err := DefaultDecision()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		verdict, kind, family string
		platforms             []string
		want                  string
	}{
		{VerdictWorkloadIdentity, "aws-access-key", "cloud", []string{"github-actions"}, "role-to-assume"},
		{VerdictWorkloadIdentity, "aws-access-key", "cloud", []string{"application"}, "instance profile"},
		{VerdictWorkloadIdentity, "azure-sas-token", "cloud", nil, "platform identity"},
		{VerdictDynamic, "database-password", "database", []string{"mcp"}, "per-run database credentials"},
		{VerdictDynamic, "ai-api-key", "saas", []string{"mcp"}, "session-scoped"},
		{VerdictRotation, "ai-api-key", "saas", nil, "rotate it on a schedule"},
		{VerdictRotation, "slack-token", "saas", nil, "turn on token rotation"},
	}
	for _, tt := range tests {
		if got := d.FirstAction(tt.verdict, tt.kind, tt.family, tt.platforms); !strings.Contains(got, tt.want) {
			t.Errorf("FirstAction(%s, %s, %v) = %q, want it to contain %q", tt.verdict, tt.kind, tt.platforms, got, tt.want)
		}
	}
}

func TestParseDecisionRejectsBadData(t *testing.T) {
	for _, src := range []string{
		`[thresholds]
max_age = "soon"`,
		"[thresholds]\nmax_age = \"1h\"\nlong_lived = \"1h\"\n[[signal]]\nid = \"x\"\nmatch = \"(\"\nkind = \"ephemeral\"\n[default]\nkind = \"persistent\"",
		"[thresholds]\nmax_age = \"1h\"\nlong_lived = \"1h\"\n[default]\nkind = \"persistent\"\n[[action]]\nverdict = \"eliminate\"\ntext = \"x\"",
	} {
		if _, err := ParseDecision(src); err == nil {
			t.Errorf("ParseDecision accepted %q", src)
		}
	}
}

func TestLifecycleAndIdentityRules(t *testing.T) {
	cat, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"lifecycle/long-lived-secret", "lifecycle/secret-in-history",
		"identity/workload-identity", "identity/dynamic-secret", "identity/rotation"} {
		r, ok := cat[id]
		if !ok {
			t.Errorf("%s is not in the catalogue", id)
			continue
		}
		for _, bad := range []string{"PR.AC-1", "AC-2(10)", "NHI3"} {
			if strings.Contains(r.Help, bad) {
				t.Errorf("%s help cites %s", id, bad)
			}
		}
		if !strings.Contains(r.Help, "NHI") || !strings.Contains(r.Help, "PR.AA-") || !strings.Contains(r.Help, "IA-5") {
			t.Errorf("%s help does not map to OWASP NHI, CSF 2.0 PR.AA and SP 800-53 IA-5", id)
		}
	}
	if !strings.Contains(cat["identity/rotation"].Help, "NHI7:2025") {
		t.Error("rotation must map to NHI7:2025")
	}
}
