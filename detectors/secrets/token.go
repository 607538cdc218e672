package secrets

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
)

// jwtClaims are the registered claims sprawl reads (RFC 7519 §4.1).
type jwtClaims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Exp json.RawMessage `json:"exp"`
	Iat json.RawMessage `json:"iat"`
}

// describeToken fills issue and expiry facts from the token's own claims:
// JWT iat/exp (absent exp = no expiry) and Azure SAS st/se.
func describeToken(facts *detectors.SecretFacts, rule, secret string) {
	if c, ok := decodeJWT(secret); ok {
		if t, ok := numericDate(c.Iat); ok {
			facts.IssuedAt = &t
		}
		if t, ok := numericDate(c.Exp); ok {
			facts.ExpiresAt = &t
		} else {
			facts.NoExpiry = true
		}
		return
	}
	if i := strings.Index(secret, "se="); i >= 0 && strings.Contains(secret, "sig=") {
		q, err := url.ParseQuery(strings.TrimPrefix(secret[strings.LastIndex(secret[:i+1], "?")+1:], "?"))
		if err != nil {
			return
		}
		if t, ok := sasTime(q.Get("se")); ok {
			facts.ExpiresAt = &t
		}
		if t, ok := sasTime(q.Get("st")); ok {
			facts.IssuedAt = &t
		}
	}
}

// decodeJWT decodes a JWT's payload without verifying it.
func decodeJWT(s string) (jwtClaims, bool) {
	var c jwtClaims
	parts := strings.Split(s, ".")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "eyJ") || len(parts[1]) > 64<<10 {
		return c, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c, false
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, false
	}
	return c, true
}

func numericDate(raw json.RawMessage) (time.Time, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, false
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0).UTC(), true
}

func sasTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

var (
	connUserHost = regexp.MustCompile(`(?i)^([a-z][a-z0-9+.-]*)://([^\s:/@'"` + "`" + `]{0,100}):[^\s/]*@([^\s'"` + "`" + `/:?,@]{1,255})`)
	jdbcURL      = regexp.MustCompile(`(?i)\bjdbc:([a-z][\w.-]*):(?:[a-z][\w.-]*:)*(?://)?([^/;?:\s'"` + "`" + `<>]{1,255})`)
	jdbcUser     = regexp.MustCompile(`(?i)[?&;](?:user|username)=([^&;\s'"` + "`" + `<>]{1,100})`)
	adoServer    = regexp.MustCompile(`(?i)(?:^|[;\s"'=])(?:Server|Data Source|Host|Address|Addr|Network Address)[ \t]*=[ \t]*(?:tcp:)?([^;,"'\s\\]{1,255})`)
	adoUser      = regexp.MustCompile(`(?i)(?:^|[;\s"'])(?:User ID|UserID|User Id|Uid|User|Username)[ \t]*=[ \t]*([^;"'\r\n]{1,100})`)
	saEmail      = regexp.MustCompile(`"client_email"[ \t]*:[ \t]*"([^"\s]{1,200}\.gserviceaccount\.com)"`)
	azureAccount = regexp.MustCompile(`(?i)\bAccountName=([a-z0-9]{3,24});`)
)

// identityKey names the identity behind a secret when the text shows it
// without revealing the secret: user@host for connection URLs, JDBC and
// ADO.NET connection strings, the service-account e-mail of a GCP key file,
// the storage account of an Azure account key, iss/sub for JWTs. It returns
// "" when nothing safe is known.
func identityKey(rule, match, secret string, facts *detectors.SecretFacts) string {
	m := strings.TrimSpace(match)
	switch rule {
	case "jdbc-password":
		u, h := jdbcURL.FindStringSubmatch(m), jdbcUser.FindStringSubmatch(m)
		if u != nil && h != nil && safeIdentity(secret, h[1], u[2]) {
			return "jdbc:" + strings.ToLower(u[1]) + "://" + h[1] + "@" + strings.ToLower(u[2])
		}
		return ""
	case "connection-string-password":
		h, u := adoServer.FindStringSubmatch(m), adoUser.FindStringSubmatch(m)
		if h != nil && u != nil && safeIdentity(secret, strings.TrimSpace(u[1]), h[1]) {
			return "sqlserver://" + strings.TrimSpace(u[1]) + "@" + strings.ToLower(h[1])
		}
		return ""
	case "gcp-service-account-key":
		if e := saEmail.FindStringSubmatch(m); e != nil {
			return "gcp-service-account:" + strings.ToLower(e[1])
		}
		return ""
	case "azure-storage-connection-string":
		if a := azureAccount.FindStringSubmatch(m); a != nil {
			return "azure-storage:" + strings.ToLower(a[1])
		}
		return ""
	}
	if u := connUserHost.FindStringSubmatch(m); u != nil && safeIdentity(secret, u[2], u[3]) {
		// One database whatever the driver: postgresql+psycopg2 is
		// postgresql, mongodb+srv is mongodb.
		scheme, _, _ := strings.Cut(strings.ToLower(u[1]), "+")
		return scheme + "://" + u[2] + "@" + strings.ToLower(u[3])
	}
	if c, ok := decodeJWT(secret); ok && (c.Iss != "" || c.Sub != "") {
		return "jwt:" + c.Iss + "/" + c.Sub
	}
	return ""
}

// safeIdentity reports whether the parts of an identity key leave the
// secret out.
func safeIdentity(secret string, parts ...string) bool {
	if secret == "" {
		return false
	}
	for _, p := range parts {
		if strings.Contains(p, secret) {
			return false
		}
	}
	return true
}
