package secrets

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestIsPlaceholder(t *testing.T) {
	cases := []struct {
		secret string
		want   bool
	}{
		{"${DB_PASSWORD}", true},
		{"{{ .Values.token }}", true},
		{"jdbc-pass-${DB_PASSWORD}", true},
		{"${DB_PASSWORD:-local}", true},
		{"prefix-{{ secret }}-suffix", true},
		// A random salt may hold "${", "{{" or "}}" without being a template.
		{"k9$Qz}}w!e{{R7v#x${2", false},
		{"<your-api-key>", true},
		{"Bearer <token>", true},
		{"changeme", true},
		{"********", true},
		{"AKIAIOSFODNN7EXAMPLE", true},
		{"your_token_here", true},
		// Real-looking values with angle brackets are kept.
		{"p>ss<w0rd!Xy9", false},
		{"a<b>c", false}, // too short to be a hint
		{".dockercfg: >\n    eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsiYXV0aCI6Ik9uQT0ifX19", false},
		{"hunter2hunter2", false},
		{"ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", false},
		// Masked values; a long token with a short run of x is kept.
		{"sk_live_" + "xxxxxxxxxxxxxxxxxxxxxxxx", true},
		{"AKIA" + "****************", true},
		{"ghp_xxxxxxxxxx" + "aB3dE5fG7h", true},
		{"fm2_1234xxxxxx567890" + "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA0123456789", false},
		// References to the environment.
		{"env.SEQ_DB2_PW", true},
		{"ENV['STRIPE_KEY']", true},
		{"env.x9Qz.k2", false},
		// Cut at the first space: ${VAR:?message}.
		{"${FIRST_SUPERUSER_PASSWORD:?Variable", true},
		{"{EventBus.inputs.password}", true},
		{"{postgres-password.value}", true},
		{"{Qz9x}", false},
		{"yourWeak(!)Password", true},
		{"changethis", true},
		{"my-secret-token-to-change-in-production", true},
		// JHipster's default, base64 of a sentence saying to change it.
		{"bXktc2VjcmV0LWtleS13aGljaC1zaG91bGQtYmUtY2hhbmdlZC1pbi1wcm9kdWN0aW9uLWFuZC1iZS1iYXNlNjQtZW5jb2RlZAo=", true},
		// A random key in base64 stays a secret.
		{"q2Xh0vY7mB3kLr9TzW1cN5pQe8uJ4sF6aD0gH2jK", false},
	}
	for _, c := range cases {
		if got := isPlaceholder(c.secret); got != c.want {
			t.Errorf("isPlaceholder(%q) = %v, want %v", c.secret, got, c.want)
		}
	}
}

func TestStandInCurlUser(t *testing.T) {
	for _, tt := range []struct {
		rule, secret string
		want         bool
	}{
		{curlUserRule, `"username:access-token"`, true},
		{curlUserRule, `"user:your_api_key"`, true},
		{curlUserRule, `"admin:${PASSWORD}"`, true},
		{curlUserRule, `"deploy:Qw8rT2zLm4Xp9Kd"`, false},
		{curlUserRule, `"admin:hunter"`, false}, // a weak password, not a stand-in
		{curlUserRule, `"svc:correct-horse-battery"`, false},
		{"url-credentials", `"username:access-token"`, false},
	} {
		if got := standInCurlUser(tt.rule, tt.secret); got != tt.want {
			t.Errorf("standInCurlUser(%s, %s) = %v, want %v", tt.rule, tt.secret, got, tt.want)
		}
	}
}

func TestNotBasicCredentials(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		rule, secret string
		want         bool
	}{
		{basicAuthRule, b64("svc-reports:Qw8rT2zLm4Xp9Kd"), false},
		{basicAuthRule, strings.TrimRight(b64("svc:Qw8rT2zLm4Xp9Kd1"), "="), false},
		{basicAuthRule, "notabase64token", true},
		{basicAuthRule, b64("no colon here"), true},
		{basicAuthRule, b64(":Qw8rT2zLm4Xp9Kd"), true},
		{basicAuthRule, b64("CLIENT_ID:CLIENT_SECRET"), true},
		{basicAuthRule, b64("rbrgnognrhongo3bi4gb9g:notsosecret"), true},
		{basicAuthRule, b64("admin:password1"), true},
		{basicAuthRule, b64("svc:${PASSWORD}"), true},
		{basicAuthRule, b64("svc:\x00\x01binary"), true},
		{"generic-api-key", "notabase64token", false},
	}
	for _, tt := range tests {
		if got := notBasicCredentials(tt.rule, tt.secret); got != tt.want {
			t.Errorf("notBasicCredentials(%s, %q) = %v, want %v", tt.rule, tt.secret, got, tt.want)
		}
	}
}
