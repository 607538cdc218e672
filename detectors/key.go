package detectors

import (
	"crypto/sha256"
	"encoding/hex"
)

// Key identifies a finding across runs: rule, path and, for secrets, the
// keyed fingerprint (else the message). It does not depend on line numbers,
// so it survives unrelated edits; SARIF's primaryLocationLineHash, baselines
// and .sprawlignore use it.
func (f Finding) Key() string {
	h := sha256.New()
	h.Write([]byte(f.RuleID))
	h.Write([]byte{0})
	h.Write([]byte(f.Location.Path))
	h.Write([]byte{0})
	if f.Secret != nil {
		h.Write([]byte(f.Secret.Fingerprint))
	} else {
		h.Write([]byte(f.Message))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
