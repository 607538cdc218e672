package correlator

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
)

// want is the expected verdict on one identity.
type want struct {
	key, kind, workload, verdict, control string
	misfit                                bool
	reasons                               []string
	copies                                int
	occurrences                           int
	msg                                   []string // substrings of the finding's message
}

func TestIdentities(t *testing.T) {
	const wf = ".github/workflows/deploy.yml"
	akia := sec("aws-access-token", "aws-access-key", "AKIAEXAMPLEKEY10", repoA, wf, 12)
	akiaCfg := cfg("gha-static-aws-keys", repoA, wf, 12, ghaJob("deploy", wf, "env AWS_ACCESS_KEY_ID", "aws-access-key"))
	akiaCfg.Secret = akia.Secret
	dbURL := func(path string, line, age int) detectors.Finding {
		f := withKey(sec("connection-url-password", "database-password", "pgpassword0001", repoA, path, line), "postgres://app@db.internal")
		if age > 0 {
			f = hist(f, "e"+path[:1], age, "", 0)
		}
		return f
	}
	jwtInCache := sec("jwt", "jwt", "eyJcachedtoken01", repoA, "internal/auth/client.go", 20)
	tests := []struct {
		name     string
		findings []detectors.Finding
		want     []want
	}{
		{
			name: "CI job with a stored cloud key: workload identity",
			findings: []detectors.Finding{cfg("gha-static-aws-keys", repoA, wf, 14,
				ghaJob("deploy", wf, "secrets.AWS_SECRET_ACCESS_KEY", "aws-access-key"))},
			want: []want{{
				key: "github-actions:secrets.AWS_SECRET_ACCESS_KEY@acme/api", kind: "aws-access-key", workload: "ephemeral",
				verdict: "workload-identity", control: "static-secret", misfit: true, occurrences: 1,
				reasons: []string{"AWS IAM user access key replaceable by federation on github-actions", "long-lived (format)",
					"stored credential where workload identity fits", "long-lived secret in ephemeral use"},
				msg: []string{"AWS IAM user access key secrets.AWS_SECRET_ACCESS_KEY used by job deploy in .github/workflows/deploy.yml: replace the key with OIDC role assumption", "role-to-assume, permissions: id-token: write", "Recommended control: workload-identity."},
			}},
		},
		{
			name:     "literal AKIA key in a workflow: secret and config finding are one identity",
			findings: []detectors.Finding{akiaCfg, akia},
			want: []want{{
				key: akia.Secret.IdentityKey, kind: "aws-access-key", workload: "ephemeral",
				verdict: "workload-identity", control: "static-secret", misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"AWS IAM user access key replaceable by federation on github-actions", "long-lived (format)",
					"stored credential where workload identity fits", "long-lived secret in ephemeral use"},
				msg: []string{"AWS IAM user access key AKIA… used by job deploy in .github/workflows/deploy.yml"},
			}},
		},
		{
			name: "short-lived STS credentials in CI: workload identity, not long-lived",
			findings: []detectors.Finding{
				sec("aws-access-token", "aws-temporary-credentials", "ASIAEXAMPLEKEY11", repoA, wf, 3),
			},
			want: []want{{
				key: "x", kind: "aws-temporary-credentials", workload: "ephemeral",
				verdict: "workload-identity", control: "static-secret", misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"AWS STS temporary credentials replaceable by federation on github-actions",
					"stored credential where workload identity fits"},
			}},
		},
		{
			name: "AWS key id and secret key on nearby lines are one identity",
			findings: []detectors.Finding{
				sec("aws-access-token", "aws-access-key", "AKIAEXAMPLEKEY12", repoA, "config/aws.env", 1),
				sec("generic-api-key", "generic-secret", "wJalrXUtnFEMIexample12", repoA, "config/aws.env", 2),
			},
			want: []want{{
				key: "x", kind: "aws-access-key", workload: "persistent",
				verdict: "workload-identity", control: "static-secret", misfit: true, copies: 1, occurrences: 2,
				reasons: []string{"AWS IAM user access key replaceable by a workload identity", "long-lived (format)",
					"stored credential where workload identity fits"},
				msg: []string{"AWS IAM user access key AKIA… used by application in acme/api: give the workload an IAM role"},
			}},
		},
		{
			name: "an AWS key id and a secret far apart are two identities",
			findings: []detectors.Finding{
				sec("aws-access-token", "aws-access-key", "AKIAEXAMPLEKEY13", repoA, "config/aws.env", 1),
				sec("generic-api-key", "generic-secret", "unrelatedsecret13", repoA, "config/aws.env", 40),
			},
			want: []want{
				{key: "x", kind: "aws-access-key", workload: "persistent", verdict: "workload-identity", control: "static-secret",
					misfit: true, copies: 1, occurrences: 1,
					reasons: []string{"AWS IAM user access key replaceable by a workload identity", "long-lived (format)",
						"stored credential where workload identity fits"}},
				{key: "x", kind: "generic-secret", workload: "persistent", verdict: "rotation", control: "static-secret",
					copies: 1, occurrences: 1, reasons: []string{"persistent use (application in acme/api)"}},
			},
		},
		{
			name: "a value and what its encoding stands for are one identity",
			findings: []detectors.Finding{
				withAlt(sec("config-password", "static-password", "cGdwYXNzd29yZDE1", repoA, "deploy/secret.yaml", 7), "pgpassword15"),
				sec("config-password", "static-password", "pgpassword15", repoA, "deploy/secret.yaml", 70),
			},
			want: []want{{key: "x", kind: "static-password", workload: "persistent", verdict: "rotation", control: "static-secret",
				copies: 1, occurrences: 2, reasons: []string{"persistent use (Kubernetes workload in acme/api)", "long-lived (format)"}}},
		},
		{
			name:     "batch job with a classic PAT: dynamic secret",
			findings: []detectors.Finding{sec("github-pat", "github-classic-pat", "ghp_example0014", repoA, "scripts/sync.sh", 5)},
			want: []want{{
				key: "x", kind: "github-classic-pat", workload: "ephemeral", verdict: "dynamic-secret", control: "static-secret",
				misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"task-scoped use (ephemeral)", "short-lived GitHub classic personal access token can be issued on demand",
					"long-lived (format)", "long-lived secret in ephemeral use"},
				msg: []string{"used by batch script scripts/sync.sh: mint a GitHub App installation token"},
			}},
		},
		{
			name: "database password copied in two files of one service: one workload, rotation",
			findings: []detectors.Finding{
				dbURL("config/app.yml", 3, 30),
				dbURL(".env", 1, 20),
			},
			want: []want{{
				key: "postgres://app@db.internal", kind: "database-password", workload: "persistent", verdict: "rotation",
				control: "static-secret", copies: 2, occurrences: 2,
				reasons: []string{"persistent use (application in acme/api)", "long-lived (format)"},
				msg:     []string{"Database password pgpa… used by application in acme/api: move the password to a secret store"},
			}},
		},
		{
			name: "rotation candidate older than the max age",
			findings: []detectors.Finding{
				dbURL("config/app.yml", 3, 200),
			},
			want: []want{{
				key: "postgres://app@db.internal", kind: "database-password", workload: "persistent", verdict: "rotation",
				control: "static-secret", misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"persistent use (application in acme/api)", "long-lived (format, age)", "not rotated in 200 days (max 90)"},
				msg:     []string{"Misfit: not rotated within the max age."},
			}},
		},
		{
			name: "one database account, two passwords over time: one identity by user@host",
			findings: []detectors.Finding{
				withKey(sec("connection-url-password", "database-password", "pgpassword-old", repoA, "config/app.yml", 3), "postgres://app@db.internal"),
				withKey(sec("connection-url-password", "database-password", "pgpassword-new", repoA, "config/prod.yml", 3), "postgres://app@db.internal"),
			},
			want: []want{{
				key: "postgres://app@db.internal", kind: "database-password", workload: "persistent", verdict: "rotation",
				control: "static-secret", copies: 2, occurrences: 2,
				reasons: []string{"persistent use (application in acme/api)", "long-lived (format)"},
			}},
		},
		{
			name: "Slack token shared by two repositories",
			findings: []detectors.Finding{
				sec("slack-bot-token", "slack-token", "xoxb-example0015", repoA, "notify/config.yml", 2),
				sec("slack-bot-token", "slack-token", "xoxb-example0015", repoB, "alerts.py", 9),
			},
			want: []want{{
				key: "x", kind: "slack-token", workload: "shared", verdict: "rotation", control: "static-secret",
				misfit: true, copies: 2, occurrences: 2,
				reasons: []string{"shared identity (2 workloads)", "long-lived (format)", "shared by 2 workloads"},
				msg:     []string{"used by application in acme/api and application in acme/ops"},
			}},
		},
		{
			name: "Slack token in a CI job: task-scoped but no dynamic issuer",
			findings: []detectors.Finding{
				sec("slack-bot-token", "slack-token", "xoxb-example0016", repoA, ".gitlab-ci.yml", 2),
			},
			want: []want{{
				key: "x", kind: "slack-token", workload: "ephemeral", verdict: "rotation", control: "static-secret",
				misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"no dynamic issuer for Slack bot or user token", "long-lived (format)", "long-lived secret in ephemeral use"},
			}},
		},
		{
			name:     "agent config with an API key: dynamic secret through a broker",
			findings: []detectors.Finding{sec("anthropic-api-key", "ai-api-key", "sk-ant-example0017", repoA, ".mcp.json", 8)},
			want: []want{{
				key: "x", kind: "ai-api-key", workload: "agentic", verdict: "dynamic-secret", control: "static-secret",
				misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"task-scoped use (agentic)", "session credentials can come from a broker", "long-lived (format)",
					"long-lived secret in agentic use"},
				msg: []string{"used by agent config .mcp.json: give the agent session-scoped credentials"},
			}},
		},
		{
			name:     "service-account key file: workload identity anywhere",
			findings: []detectors.Finding{sec("gcp-service-account-key", "gcp-service-account-key", "sa-key-example0018", repoA, "keys/sa.json", 1)},
			want: []want{{
				key: "x", kind: "gcp-service-account-key", workload: "persistent", verdict: "workload-identity", control: "static-secret",
				misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"Google Cloud service-account key file replaceable by a workload identity", "long-lived (format)",
					"stored credential where workload identity fits"},
				msg: []string{"attach the service account to the workload"},
			}},
		},
		{
			name: "secret removed but alive in history",
			findings: []detectors.Finding{
				hist(sec("stripe-access-token", "stripe-secret-key", "sk_live_example0019", repoA, "billing/config.py", 4), "f1", 30, "f2", 10),
			},
			want: []want{{
				key: "x", kind: "stripe-secret-key", workload: "persistent", verdict: "rotation", control: "static-secret",
				misfit: true, copies: 1, occurrences: 1,
				reasons: []string{"persistent use (application in acme/api)", "long-lived (format)", "deleted but alive in history (removed in f2000000)"},
				msg:     []string{": revoke it at its issuer now (deleting it left it in git history), then roll the key in the Stripe dashboard"},
			}},
		},
		{
			name: "Stripe key still at HEAD and young: rotation, no misfit",
			findings: []detectors.Finding{
				hist(sec("stripe-access-token", "stripe-secret-key", "sk_live_example0020", repoA, "billing/config.py", 4), "f3", 30, "", 0),
			},
			want: []want{{
				key: "x", kind: "stripe-secret-key", workload: "persistent", verdict: "rotation", control: "static-secret",
				copies: 1, occurrences: 1,
				reasons: []string{"persistent use (application in acme/api)", "long-lived (format)"},
			}},
		},
		{
			name: "the same blob reached by two refs is one copy",
			findings: []detectors.Finding{
				hist(sec("stripe-access-token", "stripe-secret-key", "sk_live_example0021", repoA, "billing/config.py", 4), "f4", 30, "", 0),
				hist(sec("stripe-access-token", "stripe-secret-key", "sk_live_example0021", repoA, "billing/config.py", 4), "f5", 20, "", 0),
			},
			want: []want{{
				key: "x", kind: "stripe-secret-key", workload: "persistent", verdict: "rotation", control: "static-secret",
				copies: 1, occurrences: 2,
				reasons: []string{"persistent use (application in acme/api)", "long-lived (format)"},
			}},
		},
		{
			name:     "token cached past its TTL with no secret in sight",
			findings: []detectors.Finding{cache(repoA, "internal/auth/cache.go", 31)},
			want: []want{{
				key: "token-cache:internal/auth/cache.go:31@acme/api", kind: "cached-token", workload: "persistent",
				verdict: "dynamic-secret", control: "dynamic-secret", misfit: true, occurrences: 1,
				reasons: []string{"short-lived token fetched at run time", "token cached past its TTL at internal/auth/cache.go:31"},
				msg:     []string{"Cached token cached by application in acme/api: check the token's expiry before reuse"},
			}},
		},
		{
			name: "token cache linked to the token in the same file",
			findings: []detectors.Finding{
				withClaims(jwtInCache, ptr(daysAgo(1)), ptr(now.Add(-23*60*60*1e9)), false),
				cache(repoA, "internal/auth/client.go", 44),
			},
			// Its claims give it an hour: issued on demand, not rotated.
			want: []want{{
				key: "x", kind: "jwt", workload: "persistent", verdict: "dynamic-secret", control: "static-secret",
				misfit: true, copies: 1, occurrences: 2,
				reasons: []string{"JSON Web Token issued for 1 hour (its claims): issue it on demand instead of storing it",
					"token cached past its TTL at internal/auth/client.go:44"},
			}},
		},
		{
			name: "a JWT whose claims give it a year: rotation, the signing key being what revokes it",
			findings: []detectors.Finding{
				withClaims(sec("jwt", "jwt", "eyJyearlongtoken1", repoA, "config/app.yaml", 3), ptr(daysAgo(10)), ptr(daysAgo(10).Add(365*24*time.Hour)), false),
			},
			want: []want{{
				key: "x", kind: "jwt", workload: "persistent", verdict: "rotation", control: "static-secret",
				copies: 1, occurrences: 1,
				reasons: []string{"persistent use (application in acme/api)", "long-lived (claims)"},
				msg:     []string{"rotating the key that signed it"},
			}},
		},
		{
			name: "one stored CI secret used by two workflows is shared",
			findings: []detectors.Finding{
				cfg("gha-static-aws-keys", repoA, ".github/workflows/a.yml", 10, ghaJob("a", ".github/workflows/a.yml", "secrets.AWS_SECRET_ACCESS_KEY", "aws-access-key")),
				cfg("gha-static-aws-keys", repoA, ".github/workflows/b.yml", 10, ghaJob("b", ".github/workflows/b.yml", "secrets.AWS_SECRET_ACCESS_KEY", "aws-access-key")),
			},
			want: []want{{
				key: "github-actions:secrets.AWS_SECRET_ACCESS_KEY@acme/api", kind: "aws-access-key", workload: "shared",
				verdict: "workload-identity", control: "static-secret", misfit: true, occurrences: 2,
				reasons: []string{"AWS IAM user access key replaceable by federation on github-actions", "long-lived (format)",
					"stored credential where workload identity fits", "long-lived secret in ephemeral use", "shared by 2 workloads"},
			}},
		},
		{
			name: "a Kubernetes secret the config detector saw mounted by two workloads",
			findings: []detectors.Finding{
				cfg("k8s-secret-literal", repoA, "k8s/secret.yaml", 7, detectors.WorkloadFacts{Kind: "shared", Platform: "kubernetes",
					Name: "Deployment api, CronJob report", CurrentControl: "static-secret", Federation: true,
					Credential: "secret/db/password", CredentialKind: "database-password"}),
			},
			want: []want{{
				key: "kubernetes:secret/db/password@acme/api", kind: "database-password", workload: "shared", verdict: "rotation",
				control: "static-secret", misfit: true, occurrences: 1,
				reasons: []string{"shared identity (Deployment api, CronJob report)", "long-lived (format)", "shared by several workloads"},
			}},
		},
		{
			name: "PAT referenced by name in CI: kind from the credential name",
			findings: []detectors.Finding{
				cfg("gha-pat-instead-of-app-token", repoA, wf, 20, ghaJob("deploy", wf, "secrets.RELEASE_PAT", "")),
			},
			want: []want{{
				key: "github-actions:secrets.RELEASE_PAT@acme/api", kind: "github-classic-pat", workload: "ephemeral",
				verdict: "workload-identity", control: "static-secret", misfit: true, occurrences: 1,
				reasons: []string{"GitHub classic personal access token replaceable by federation on github-actions", "long-lived (format)",
					"stored credential where workload identity fits", "long-lived secret in ephemeral use"},
				msg: []string{"use the job's GITHUB_TOKEN"},
			}},
		},
		{
			name: "a Vault database role leasing for days: already dynamic, leases to shorten",
			findings: []detectors.Finding{
				cfg("vault-long-ttl", repoA, "vault/database.tf", 21, detectors.WorkloadFacts{Kind: "persistent", Platform: "vault",
					Name: "resource vault_database_secret_backend_role.app in vault/database.tf", CurrentControl: "dynamic-secret",
					Credential: "vault_database_secret_backend_role.app"}),
			},
			want: []want{{
				key: "vault:vault_database_secret_backend_role.app@acme/api", kind: "unknown", workload: "persistent",
				verdict: "dynamic-secret", control: "dynamic-secret", misfit: true, occurrences: 1,
				reasons: []string{"already issued as dynamic secrets (resource vault_database_secret_backend_role.app in vault/database.tf)",
					"dynamic secrets leased for days: standing exposure between issue and expiry"},
				msg: []string{"keep the dynamic secrets and shorten their leases"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := correlate(tt.findings...)
			ids := r.Identities
			fs := derived(r, "identity/workload-identity")
			fs = append(fs, derived(r, "identity/dynamic-secret")...)
			fs = append(fs, derived(r, "identity/rotation")...)
			if len(ids) != len(tt.want) || len(fs) != len(tt.want) {
				t.Fatalf("got %d identities and %d identity findings, want %d: %+v", len(ids), len(fs), len(tt.want), ids)
			}
			for i, w := range tt.want {
				id := ids[i]
				if w.key != "x" && id.Key != w.key {
					t.Errorf("[%d] key %q, want %q", i, id.Key, w.key)
				}
				got := want{key: w.key, kind: id.Kind, workload: id.Workload, verdict: id.Recommendation, control: id.CurrentControl,
					misfit: id.Misfit, reasons: id.Reasons, copies: id.Copies, occurrences: len(id.Occurrences), msg: w.msg}
				if !reflect.DeepEqual(got, w) {
					t.Errorf("[%d] got\n  %+v\nwant\n  %+v", i, got, w)
				}
				var f detectors.Finding
				for _, x := range fs {
					if x.Properties["identity"] == id.Key {
						f = x
					}
				}
				if f.RuleID != "identity/"+w.verdict {
					t.Fatalf("[%d] no identity/%s finding for %s", i, w.verdict, id.Key)
				}
				for k, v := range map[string]any{"identity": id.Key, "kind": w.kind, "workload": w.workload, "recommendation": w.verdict,
					"currentControl": w.control, "misfit": w.misfit} {
					if f.Properties[k] != v {
						t.Errorf("[%d] properties.%s = %v, want %v", i, k, f.Properties[k], v)
					}
				}
				if !reflect.DeepEqual(f.Properties["reasons"], w.reasons) {
					t.Errorf("[%d] properties.reasons = %v", i, f.Properties["reasons"])
				}
				if f.Location != id.Occurrences[0] || len(f.Related) != len(id.Occurrences)-1 {
					t.Errorf("[%d] location %v and %d related, occurrences %v", i, f.Location, len(f.Related), id.Occurrences)
				}
				if f.Secret != nil && (f.Secret.Link != "" || f.Secret.IdentityKey != id.Key) {
					t.Errorf("[%d] identity secret facts %+v", i, f.Secret)
				}
				for _, m := range w.msg {
					if !strings.Contains(f.Message, m) {
						t.Errorf("[%d] message %q lacks %q", i, f.Message, m)
					}
				}
			}
		})
	}
}

func TestIdentityFindingsAreOptIn(t *testing.T) {
	r := Correlate(result(sec("github-pat", "github-classic-pat", "ghp_example0099", repoA, "a.env", 1)), Options{Now: now})
	if len(r.Identities) != 1 {
		t.Fatalf("%d identities", len(r.Identities))
	}
	for _, f := range r.Findings {
		if strings.HasPrefix(f.RuleID, "identity/") || strings.HasPrefix(f.RuleID, "lifecycle/") {
			t.Errorf("derived %s without opting in", f.RuleID)
		}
	}
}
