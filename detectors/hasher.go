package detectors

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"unicode/utf8"
)

// Hasher turns secret values into keyed fingerprints. The emitted key makes
// fingerprints stable for a repository (or an organisation, when shared);
// the link key is per run and only links copies in memory.
type Hasher struct {
	emitKey []byte
	linkKey []byte
	idOnce  sync.Once
	id      string
	// listed holds the hashed_secret values of a detect-secrets baseline
	// (hex SHA-1 of a secret): see SecretFacts.Listed.
	listed map[string]bool
}

// NewHasher returns a Hasher with the given emitted and link keys.
func NewHasher(emitKey, linkKey []byte) *Hasher {
	return &Hasher{emitKey: append([]byte(nil), emitKey...), linkKey: append([]byte(nil), linkKey...)}
}

// Fingerprint is hex HMAC-SHA256 of secret under the emitted key.
func (h *Hasher) Fingerprint(secret string) string {
	return mac(h.emitKey, secret)
}

// Link is hex HMAC-SHA256 of secret under the per-run link key.
func (h *Hasher) Link(secret string) string {
	return mac(h.linkKey, secret)
}

// ListSHA1 gives the hasher the hashed_secret values of a detect-secrets
// baseline (hex SHA-1 digests of the secrets it accepted); Facts then marks
// the secrets among them. Call it before the hasher is used.
func (h *Hasher) ListSHA1(hashes map[string]bool) { h.listed = hashes }

// Facts fills the fingerprint, link and preview of a secret.
func (h *Hasher) Facts(secret string) *SecretFacts {
	f := &SecretFacts{Fingerprint: h.Fingerprint(secret), Link: h.Link(secret), Preview: Preview(secret)}
	if len(h.listed) > 0 {
		sum := sha1.Sum([]byte(secret))
		if d := hex.EncodeToString(sum[:]); h.listed[d] {
			f.Listed = d
		}
	}
	return f
}

func mac(key []byte, secret string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

// Preview redacts a secret to at most its first four characters followed by
// an ellipsis; secrets of eight characters or fewer show nothing.
func Preview(secret string) string {
	if utf8.RuneCountInString(secret) <= 8 {
		return "****"
	}
	n := 0
	for i := range secret {
		if n == 4 {
			return secret[:i] + "…"
		}
		n++
	}
	return "****"
}

// ID identifies the hasher's keys without revealing them, so caches of
// findings never mix fingerprints made under different keys.
func (h *Hasher) ID() string {
	h.idOnce.Do(func() { h.id = mac(h.emitKey, "sprawl-hasher-id") + mac(h.linkKey, "sprawl-hasher-id")[:16] })
	return h.id
}
