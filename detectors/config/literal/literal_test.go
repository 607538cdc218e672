package literal

import "testing"

func TestIsLiteral(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"FAKEpgPassw0rd2024", true},
		{"postgres", true},
		{"123456", true},
		{"${{ secrets.X }}", false},
		{"${DB_PASSWORD}", false},
		{"${DB_PASSWORD:-dev}", false},
		{"${input:token}", false},
		{"$DB_PASSWORD", false},
		{"{{ .Values.password }}", false},
		{"<your-token>", false},
		{"changeme", false},
		{"your_api_key_here", false},
		{"xxxxxxxx", false},
		{"********", false},
		{"/run/secrets/db", false},
		{"vault://secret/db#password", false},
		{"AKIAIOSFODNN7EXAMPLE", false},
		{"", false},
		{"true", false},
		{"default", false},
		{"UNSET_SECRET_PLEASE_OVERRIDE", false},
		{"please_set_me", false},
	}
	for _, tt := range tests {
		if got := IsLiteral(tt.v); got != tt.want {
			t.Errorf("IsLiteral(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestIsSecretName(t *testing.T) {
	yes := []string{"POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD", "NPM_TOKEN", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY",
		"apiKey", "api-key", "password", "JWT_SECRET", "SECRET_KEY_BASE", "DB_PASS", "STRIPE_SECRET_KEY", "client_secret", "BASIC_AUTH"}
	no := []string{"POSTGRES_PASSWORD_FILE", "TOKEN_TTL", "PASSWORD_MIN_LENGTH", "AWS_ACCESS_KEY_ID", "TOKEN_URL", "LOG_LEVEL",
		"POSTGRES_USER", "API_TOKEN_PATH", "SECRET_NAME", "POSTGRES_HOST_AUTH_METHOD", "tokenizer",
		"ETCD_INITIAL_CLUSTER_TOKEN", "initial-cluster-token", "nextPageToken", "NEXT_TOKEN", "IDEMPOTENCY_TOKEN"}
	for _, n := range yes {
		if !IsSecretName(n) {
			t.Errorf("IsSecretName(%q) = false", n)
		}
	}
	for _, n := range no {
		if IsSecretName(n) {
			t.Errorf("IsSecretName(%q) = true", n)
		}
	}
}

func TestURLPassword(t *testing.T) {
	tests := []struct {
		v, want string
		ok      bool
	}{
		{"postgres://app:FAKEpw123@db/app", "FAKEpw123", true},
		{"redis://:FAKEredis@cache:6379/0", "FAKEredis", true},
		{"postgres://app@db/app", "", false},
		{"postgres://app:${DB_PASSWORD}@db/app", "", false},
		{"https://example.com", "", false},
	}
	for _, tt := range tests {
		got, ok := URLPassword(tt.v)
		if got != tt.want || ok != tt.ok {
			t.Errorf("URLPassword(%q) = %q, %v", tt.v, got, ok)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"X", "AKIAFAKEEXAMPLE12345", "aws-access-key"},
		{"X", "ghp_FAKE0123456789abcdefghijklmnopqrstuv", "github-classic-pat"},
		{"X", "github_pat_FAKE", "github-fine-grained-pat"},
		{"X", "xoxb-FAKE-1", "slack-token"},
		{"X", "sk-ant-FAKE", "ai-api-key"},
		{"POSTGRES_PASSWORD", "FAKE", "database-password"},
		{"DATABASE_URL", "postgres://a:b@c/d", "database-password"},
		{"ADMIN_PASSWORD", "FAKE", "static-password"},
		{"TWINE_PASSWORD", "FAKE", "static-password"},
		{"NPM_TOKEN", "FAKE", "package-registry-token"},
		{"WEBHOOK_SECRET", "FAKE", "generic-secret"},
	}
	for _, tt := range tests {
		if got := Kind(tt.name, tt.value); got != tt.want {
			t.Errorf("Kind(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}
