// Package literal decides whether a config value is a hard-coded secret
// rather than a reference (${VAR}, ${{ secrets.X }}, $(VAR), {{ .X }}) or a
// placeholder, whether a variable name denotes a secret, and which
// credential kind (rules/credentials.toml id) a value or name suggests.
package literal

import (
	"net/url"
	"regexp"
	"strings"
)

var referencePatterns = []*regexp.Regexp{
	regexp.MustCompile(`\$\{\{.*\}\}`),                     // ${{ secrets.X }}
	regexp.MustCompile(`\$\{[^}]*\}`),                      // ${VAR}, ${input:x}, ${env:X}
	regexp.MustCompile(`\{\{.*\}\}`),                       // {{ .Values.x }}
	regexp.MustCompile(`^\$\(?[A-Za-z_][A-Za-z0-9_]*\)?$`), // $VAR, $(VAR)
	regexp.MustCompile(`^%[A-Za-z_][\w]*%$`),               // %VAR%
	regexp.MustCompile(`^<[^<>]+>$`),                       // <your-token>
	regexp.MustCompile(`^\[[A-Za-z_ -]+\]$`),               // [PASSWORD]
	regexp.MustCompile(`^#\{[^}]*\}$`),                     // #{var}
	regexp.MustCompile(`(?i)^(?:x{3,}|\*{3,}|\.{3,})`),
	regexp.MustCompile(`^/run/secrets/`), regexp.MustCompile(`^(?:vault|op|sm|ssm|awssm|gcpsm|azkv|ref\+\w+)://`),
}

var placeholderWords = map[string]bool{
	"changeme": true, "changeit": true, "yourpassword": true, "yoursecret": true, "yourtoken": true,
	"yourapikey": true, "yourkey": true, "placeholder": true, "dummy": true, "example": true, "sample": true,
	"redacted": true, "removed": true, "hidden": true, "none": true, "null": true, "nil": true,
	"undefined": true, "todo": true, "fixme": true, "replaceme": true, "tbd": true, "notasecret": true,
	"notreal": true, "fake": true, "fakepassword": true, "faketoken": true, "true": true, "false": true,
	"yes": true, "no": true, "on": true, "off": true, "required": true, "optional": true, "secret": true,
	"token": true, "apikey": true, "default": true, "unset": true,
}

var placeholderMarkers = []string{
	"your_", "your-", "yourapi", "insert_", "insert-", "replace_", "replace-", "replace_me", "change_me",
	"changeme", "placeholder", "<", ">", "xxxxx", "*****", "example_", "-here", "_here", "not_a_real",
	"notarealtoken", "please_override", "please-override", "please_set", "please_change", "unset_",
}

// documented are vendor-documented example credentials.
var documented = map[string]bool{
	"AKIAIOSFODNN7EXAMPLE":                     true,
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": true,
}

// IsReference reports whether v refers to a secret held elsewhere.
func IsReference(v string) bool {
	s := strings.TrimSpace(v)
	if len(s) > 1 && strings.Count(s, s[:1]) == len(s) {
		return true // xxxx, ****, 0000
	}
	for _, re := range referencePatterns {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// IsPlaceholder reports whether v stands for a secret without being one.
func IsPlaceholder(v string) bool {
	s := strings.TrimSpace(v)
	if s == "" || documented[s] {
		return true
	}
	lower := strings.ToLower(s)
	norm := strings.NewReplacer("_", "", "-", "", " ", "", ".", "").Replace(lower)
	if placeholderWords[norm] {
		return true
	}
	for _, m := range placeholderMarkers {
		if strings.Contains(lower, m) {
			return true
		}
	}
	return false
}

// IsLiteral reports whether v is a hard-coded value: not empty, not a
// reference and not a placeholder.
func IsLiteral(v string) bool {
	return strings.TrimSpace(v) != "" && !IsReference(v) && !IsPlaceholder(v)
}

// secretName matches names of variables and keys that hold a secret.
var secretName = regexp.MustCompile(`(?i)(?:^|[_.-])(?:pass(?:word|wd|phrase)?|pwd|secret|secret[_-]?key|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth|bearer|session[_-]?key|signing[_-]?key|encryption[_-]?key|master[_-]?key|license[_-]?key|webhook[_-]?url|dsn|conn(?:ection)?[_-]?string)$`)

// notSecretSuffix matches names that describe a secret without holding it.
var notSecretSuffix = regexp.MustCompile(`(?i)(?:[_.-])(?:file|path|dir|name|id|user(?:name)?|ttl|expiry|expires|expiration|length|len|size|timeout|url|uri|endpoint|host|port|type|header|prefix|env|enabled|required|policy|rotation|version|arn|ref|mode|format|method|scope|scopes|audience|issuer)$`)

// notSecretToken matches names of tokens that identify or sequence rather
// than authenticate: etcd's initial-cluster-token (its documentation: a
// name that keeps clusters apart, not a secret), paging and idempotency
// tokens.
var notSecretToken = regexp.MustCompile(`(?i)(?:^|[_.-])(?:initial[_.-]cluster|cluster[_.-]init|next|page|pagination|continuation|idempotency|cancellation|sync|resume|correlation|request[_.-]id)[_.-]token$`)

// IsSecretName reports whether a variable or key name denotes a secret
// value, e.g. POSTGRES_PASSWORD, NPM_TOKEN, apiKey, but not
// POSTGRES_PASSWORD_FILE, TOKEN_TTL or ETCD_INITIAL_CLUSTER_TOKEN.
func IsSecretName(name string) bool {
	n := camelToSnake(name)
	if notSecretSuffix.MatchString(n) || notSecretToken.MatchString(n) {
		return false
	}
	return secretName.MatchString(n) || strings.EqualFold(n, "secret_key_base")
}

// IsURLName reports whether a name holds a URL or DSN that may carry a
// password (DATABASE_URL, REDIS_URI, SENTRY_DSN).
func IsURLName(name string) bool {
	u := strings.ToUpper(camelToSnake(name))
	return strings.HasSuffix(u, "_URL") || strings.HasSuffix(u, "_URI") || u == "URL" || u == "URI" ||
		strings.HasSuffix(u, "_DSN") || strings.HasSuffix(u, "CONNECTION_STRING")
}

// URLPassword returns the password in a URL's user info when it is a
// literal.
func URLPassword(v string) (string, bool) {
	if !strings.Contains(v, "://") || !strings.Contains(v, "@") {
		return "", false
	}
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || u.User == nil {
		return "", false
	}
	pw, ok := u.User.Password()
	if !ok || !IsLiteral(pw) {
		return "", false
	}
	return pw, true
}

func camelToSnake(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		upper := r >= 'A' && r <= 'Z'
		if upper && prevLower {
			b.WriteByte('_')
		}
		prevLower = (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		b.WriteRune(r)
	}
	return b.String()
}

var prefixKinds = []struct{ prefix, kind string }{
	{"AKIA", "aws-access-key"}, {"ASIA", "aws-temporary-credentials"},
	{"github_pat_", "github-fine-grained-pat"}, {"ghp_", "github-classic-pat"}, {"gho_", "github-oauth-token"},
	{"ghs_", "github-app-token"}, {"ghu_", "github-app-token"}, {"ghr_", "github-refresh-token"},
	{"glpat-", "gitlab-pat"}, {"glrt-", "gitlab-runner-token"},
	{"xoxb-", "slack-token"}, {"xoxp-", "slack-token"}, {"xoxa-", "slack-token"}, {"xoxe", "slack-token"},
	{"https://hooks.slack.com/", "slack-webhook"},
	{"sk_live_", "stripe-secret-key"}, {"rk_live_", "stripe-secret-key"}, {"sk_test_", "stripe-secret-key"},
	{"sk-ant-", "ai-api-key"}, {"sk-proj-", "ai-api-key"}, {"sk-", "ai-api-key"},
	{"AIza", "gcp-api-key"}, {"npm_", "package-registry-token"}, {"pypi-", "package-registry-token"},
	{"hvs.", "vault-token"}, {"hvb.", "vault-token"}, {"eyJ", "jwt"}, {"-----BEGIN", "private-key"},
}

var dbWords = regexp.MustCompile(`(?i)postgres|pg_|mysql|maria|mongo|redis|database|(?:^|_)db(?:_|$)|mssql|sa_password|oracle|cassandra|couch|elastic|rabbit|amqp`)

// Kind returns the credential kind id suggested by a value's format or,
// failing that, by its name; "generic-secret" when nothing says more.
func Kind(name, value string) string {
	v := strings.TrimSpace(value)
	for _, p := range prefixKinds {
		if strings.HasPrefix(v, p.prefix) {
			return p.kind
		}
	}
	if strings.Contains(v, `"type": "service_account"`) || strings.Contains(v, `"private_key_id"`) {
		return "gcp-service-account-key"
	}
	n := strings.ToUpper(name)
	switch {
	case dbWords.MatchString(n) && (strings.Contains(n, "PASS") || strings.Contains(n, "PWD") || IsURLName(n)):
		return "database-password"
	case strings.Contains(n, "PASS") || strings.Contains(n, "PWD"):
		return "static-password"
	case strings.Contains(n, "NPM") || strings.Contains(n, "PYPI") || strings.Contains(n, "TWINE") || strings.Contains(n, "CARGO") || strings.Contains(n, "GEM_HOST"):
		return "package-registry-token"
	}
	return "generic-secret"
}

// KnownTokenPrefix reports whether v starts like a known credential.
func KnownTokenPrefix(v string) bool {
	v = strings.TrimSpace(v)
	for _, p := range prefixKinds {
		if p.prefix != "eyJ" && strings.HasPrefix(v, p.prefix) && len(v) >= len(p.prefix)+8 {
			return true
		}
	}
	return false
}

// Label shortens a name for a message: names come from untrusted files.
func Label(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if len(name) > 80 {
		return name[:77] + "..."
	}
	return name
}
