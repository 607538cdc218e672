package secrets

import (
	"encoding/base64"
	"regexp"
	"strings"
	"unicode"
)

// placeholderPatterns match values that stand for a secret rather than
// being one: template and environment references, angle-bracket hints,
// masked values and well-known dummy words.
var placeholderPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^\$\{[^}]*\}$`),                    // ${VAR}, ${VAR:-default}
	regexp.MustCompile(`^\$\(?[A-Za-z_][A-Za-z0-9_]*\)?$`), // $VAR, $(VAR)
	regexp.MustCompile(`^\{\{.*\}\}$`),                     // {{ .Value }}, {{ secret }}
	regexp.MustCompile(`^\$\{\{.*\}\}$`),                   // ${{ secrets.X }}
	regexp.MustCompile(`^%\([A-Za-z_][\w]*\)[sd]$`),        // %(password)s
	regexp.MustCompile(`^%[A-Za-z_][\w]*%$`),               // %VAR%
	regexp.MustCompile(`^<[^<>]+>$`),                       // <your-token>
	regexp.MustCompile(`^\[[A-Za-z_ -]+\]$`),               // [PASSWORD]
	regexp.MustCompile(`^#\{[^}]*\}$`),                     // #{var}
	regexp.MustCompile(`^@[A-Za-z_][\w]*@$`),               // @VAR@
	regexp.MustCompile(`(?i)^(?:x{3,}|\*{3,}|\.{3,})`),
	// env.DB_PASSWORD, ENV['API_KEY']: a reference to the environment
	// (a config module's env object, Ruby's ENV).
	regexp.MustCompile(`^(?:env|ENV|Env)(?:\.[A-Za-z_]\w*|\[["'][A-Za-z_]\w*["']\])$`),
	// ${VAR:?message with spaces}: the value as a rule cut it, at the first
	// space.
	regexp.MustCompile(`^\$\{[A-Za-z_]\w*:?[-=?+]`),
	// {EventBus.inputs.password}: a deployment manifest's reference
	// (.NET Aspire, Bicep outputs).
	regexp.MustCompile(`^\{[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+\}$`),
}

// placeholderWords are whole values (case-insensitive, separators ignored)
// that are never real secrets.
var placeholderWords = map[string]bool{
	"changeme": true, "changeit": true, "password": true, "passwd": true, "secret": true,
	"yourpassword": true, "yoursecret": true, "yourtoken": true, "yourapikey": true, "yourkey": true,
	"mypassword": true, "mysecret": true, "mytoken": true, "placeholder": true, "dummy": true,
	"example": true, "sample": true, "redacted": true, "removed": true, "hidden": true, "none": true,
	"null": true, "nil": true, "undefined": true, "todo": true, "fixme": true, "replaceme": true,
	"insertkeyhere": true, "apikeyhere": true, "tokenhere": true, "secrethere": true, "passwordhere": true,
	"notasecret": true, "notreal": true, "fake": true, "fakepassword": true, "faketoken": true,
	"changethis": true, "changemeplease": true,
}

// placeholderMarkers inside a value mark it as a stand-in.
var placeholderMarkers = []string{
	"your_", "your-", "yourapi", "insert_", "insert-", "replace_", "replace-", "replace_me", "change_me",
	"changeme", "placeholder", "dummy", "example_", "_example",
	"-example", "example-", "examplekey", "fakefake", "notarealtoken", "not_a_real",
	"change-in-prod", "changed-in-prod", "change_in_prod", "changed_in_prod", "to-change-in", "should-be-changed",
}

// embeddedTemplate is a template or environment reference inside a value
// ("jdbc:${DB_PASS}", "pre-{{ .x }}-post"). A lone "${" or "}}" is no
// sign of one: random keys and salts hold them (a WordPress salt is drawn
// from an alphabet with "$", "{" and "}").
var embeddedTemplate = regexp.MustCompile(`\$\{[A-Za-z_][\w.:-]*(?::?[-=?+][^{}]*)?\}|\{\{[^{}]*\}\}`)

// angleHint is a hint in angle brackets inside a value ("Bearer <token>"),
// three characters or more.
// A lone < or > is no sign of a stand-in: passwords hold them, and YAML's
// folded scalars start with one (kubernetes-secret-yaml's secret is
// "key: >" and the value on the next line).
var angleHint = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9 _.-]{2,}>`)

// isPlaceholder reports whether secret is a stand-in, not a credential.
func isPlaceholder(secret string) bool {
	s := strings.TrimSpace(secret)
	if s == "" {
		return true
	}
	for _, re := range placeholderPatterns {
		if re.MatchString(s) {
			return true
		}
	}
	if sameChar(s) {
		return true // xxxxxxxx, ********, 00000000
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
	if embeddedTemplate.MatchString(s) || angleHint.MatchString(s) || masked(lower) || yourWeak(lower) {
		return true
	}
	// A default written in base64 says what it is once decoded
	// (JHipster's "my-secret-key-which-should-be-changed-in-production…").
	if d, ok := decodedText(s); ok && isPlaceholder(d) {
		return true
	}
	// AWS documents AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.
	return strings.HasSuffix(s, "EXAMPLE") || strings.HasSuffix(s, "EXAMPLEKEY")
}

// yourWeak reports a value that says whose it should be: "yourWeak(!)Password",
// "YourStrongPassword1": a stand-in for the reader's own.
func yourWeak(lower string) bool {
	return strings.HasPrefix(lower, "your") && (strings.Contains(lower, "password") || strings.Contains(lower, "secret") || strings.Contains(lower, "token") || strings.Contains(lower, "key"))
}

// decodedText decodes s when it is standard base64 of printable ASCII text
// of 16 characters or more, the shape of a passphrase written encoded.
func decodedText(s string) (string, bool) {
	if len(s) < 24 || len(s)%4 != 0 {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	raw = []byte(strings.TrimRight(string(raw), "\r\n")) // echo "…" | base64 keeps the newline
	if err != nil || len(raw) < 16 {
		return "", false
	}
	for _, b := range raw {
		if b < 0x20 || b > 0x7e {
			return "", false
		}
	}
	return string(raw), true
}

// masked reports whether runs of five or more x or * (lower-cased s)
// cover a quarter of s or more: "sk_live_xxxxxxxxxxxxxxxx" and
// "AKIA****************" stand for a key, while a long token that happens
// to hold "xxxxxx" somewhere is still one (TruffleHog's Fly.io tests hold
// such a token, and gitleaks reports it).
func masked(lower string) bool {
	covered := 0
	for i := 0; i < len(lower); {
		c := lower[i]
		if c != 'x' && c != '*' {
			i++
			continue
		}
		j := i
		for j < len(lower) && lower[j] == c {
			j++
		}
		if j-i >= 5 {
			covered += j - i
		}
		i = j
	}
	return covered > 0 && 4*covered >= len(lower)
}

func sameChar(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// standInPassword is the password half of a documented "user:password"
// pair that names what goes there: access-token, api_key, your-password.
var standInPassword = regexp.MustCompile(`(?i)^[a-z]+(?:[-_][a-z]+)+$`)

// curlUserRule is gitleaks' rule for curl -u "user:password"; its secret
// keeps the quotes.
const curlUserRule = "curl-auth-user"

// standInCurlUser reports whether a curl-auth-user finding's password is a
// stand-in: a placeholder, or words naming a credential ("username:
// access-token" in a workflow's comment). A lone word (hunter, monkeypass)
// is still reported: on a real server it is a weak password.
func standInCurlUser(ruleID, secret string) bool {
	if ruleID != curlUserRule {
		return false
	}
	_, pass, ok := strings.Cut(strings.Trim(secret, `"'`), ":")
	if !ok {
		return false
	}
	lower := strings.ToLower(pass)
	return isPlaceholder(pass) || standInPassword.MatchString(pass) &&
		(strings.Contains(lower, "token") || strings.Contains(lower, "key") || strings.Contains(lower, "secret") || strings.Contains(lower, "pass"))
}

// droppedOnPurpose reports whether a secret rule found is one sprawl does
// not report: empty, a stand-in, or not the credentials its rule is for.
func droppedOnPurpose(ruleID, secret string) bool {
	return secret == "" || isPlaceholder(secret) || notBasicCredentials(ruleID, secret) || standInCurlUser(ruleID, secret)
}

// basicAuthRule is the rule whose secret is base64 of user:password.
const basicAuthRule = "authorization-basic-credentials"

// notBasicCredentials reports whether a finding of the HTTP Basic rule
// holds no credentials: text that is not base64 of "user:password"
// ("Basic notabase64token" in a test), or a password that stands for one
// (CLIENT_ID:CLIENT_SECRET, user:notsosecret, admin:password1). Other
// rules are not judged here.
func notBasicCredentials(ruleID, secret string) bool {
	if ruleID != basicAuthRule {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(secret, "=")); err != nil {
			return true
		}
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return true
	}
	for _, r := range string(raw) {
		if !unicode.IsPrint(r) {
			return true
		}
	}
	lower := strings.ToLower(pass)
	return isPlaceholder(pass) || strings.Contains(lower, "secret") || strings.Contains(lower, "password") || strings.Contains(lower, "passwd")
}
