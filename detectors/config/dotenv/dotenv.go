// Package dotenv checks .env files for literal passwords and secrets that
// an application reads at start-up; a secret store or compose secrets:
// with *_FILE variables keeps them out of the repository.
package dotenv

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config/document"
	"github.com/sprawl-dev/sprawl/detectors/config/literal"
	"github.com/sprawl-dev/sprawl/detectors/config/workload"
)

// CheckLiteral is the check id reported by this package.
const CheckLiteral = "dotenv-literal-secret"

const platformID = "application"

var assignment = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$`)

// MaxLines bounds the lines read from one file.
const MaxLines = 20000

// Check returns the findings in one .env file.
func Check(src *document.Source, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	pl := t.Platform(platformID)
	var out []detectors.Finding
	if bytes.IndexByte(src.Data, 0) >= 0 {
		return nil
	}
	for n := 1; n <= MaxLines; n++ {
		line := src.Line(n)
		if line == nil && src.LineStart(n) >= len(src.Data) {
			break
		}
		m := assignment.FindSubmatchIndex(line)
		if m == nil {
			continue
		}
		key := string(line[m[2]:m[3]])
		raw := string(line[m[4]:m[5]])
		value, valueLen := unquote(raw)
		secret := ""
		switch {
		case !literal.IsLiteral(value):
		case literal.IsSecretName(key) || literal.KnownTokenPrefix(value):
			secret = value
		case literal.IsURLName(key):
			secret, _ = literal.URLPassword(value)
		}
		if secret == "" {
			continue
		}
		ls := src.LineStart(n)
		kind := literal.Kind(key, value)
		w := detectors.WorkloadFacts{Kind: pl.Kind, Platform: platformID, Name: "application environment " + src.Path,
			CurrentControl: document.ControlStatic, Federation: pl.Federation, Credential: literal.Label(key), CredentialKind: kind}
		f := src.Finding(CheckLiteral, ls+m[2], ls+m[4]+valueLen, fmt.Sprintf(
			"%s sets %s to a literal; load it from a secret store at run time (or compose secrets: with %s_FILE) and keep .env files out of the repository",
			src.Path, literal.Label(key), literal.Label(key)), w)
		document.WithSecret(&f, h, secret, kind)
		out = append(out, f)
	}
	return out
}

// unquote returns the value and the length of its source text.
func unquote(raw string) (string, int) {
	if len(raw) >= 1 && (raw[0] == '"' || raw[0] == '\'') {
		q := raw[0]
		if i := strings.IndexByte(raw[1:], q); i >= 0 {
			return raw[1 : i+1], i + 2
		}
		return raw[1:], len(raw)
	}
	v := raw
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimRight(v, " \t\r")
	return v, len(v)
}
