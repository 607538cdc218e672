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

var connUserHost = regexp.MustCompile(`(?i)^([a-z][a-z0-9+.-]*)://([^\s:/@'"` + "`" + `]{1,100}):[^\s@]*@([^\s'"` + "`" + `/:?,]{1,255})`)

// identityKey names the identity behind a secret when the text shows it
// without revealing the secret: user@host for connection URLs, iss/sub for
// JWTs. It returns "" when nothing safe is known.
func identityKey(rule, match, secret string, facts *detectors.SecretFacts) string {
	if m := connUserHost.FindStringSubmatch(strings.TrimSpace(match)); m != nil && !strings.Contains(m[2], secret) {
		scheme := strings.ToLower(strings.TrimSuffix(m[1], "+srv"))
		return scheme + "://" + m[2] + "@" + strings.ToLower(m[3])
	}
	if c, ok := decodeJWT(secret); ok && (c.Iss != "" || c.Sub != "") {
		return "jwt:" + c.Iss + "/" + c.Sub
	}
	return ""
}
