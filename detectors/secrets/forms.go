package secrets

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sprawl-dev/sprawl/detectors"
)

// otherForms returns the other writings of secret that stand for the same
// credential, for the correlator to link into one identity: the value of a
// "key: value" secret (gitleaks' kubernetes-secret-yaml reports the first
// data entry whole), and what a base64 or percent encoding of the value
// stands for. gitleaks reports a Kubernetes Secret's password as written
// (base64) and again in its decoding; they are one password.
func otherForms(ruleID, secret string) []string {
	var out []string
	add := func(s string) {
		if s != "" && s != secret && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	value := secret
	if ruleID == "kubernetes-secret-yaml" {
		if _, v, ok := strings.Cut(secret, ":"); ok {
			v = strings.TrimSpace(v)
			v = strings.TrimSpace(strings.TrimLeft(v, "|>-+")) // a block scalar's indicator
			value = strings.Trim(v, `"'`)
			add(value)
		}
	}
	if d, ok := base64Text(value); ok {
		add(d)
	}
	if strings.Contains(value, "%") {
		if d, err := url.PathUnescape(value); err == nil {
			add(d)
		}
	}
	return out
}

// base64Text decodes s when it is base64 (standard or URL alphabet, padded
// or not) of printable text of four characters or more, without the line
// break "echo … | base64" leaves at its end.
func base64Text(s string) (string, bool) {
	if len(s) < 8 {
		return "", false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		d := strings.TrimRight(string(b), "\r\n")
		if len(d) < 4 || !utf8.ValidString(d) {
			return "", false
		}
		for _, r := range d {
			if !unicode.IsPrint(r) {
				return "", false
			}
		}
		return d, true
	}
	return "", false
}

// foundValue is a finding of one window (out[i]) with the writings of its
// secret and the lines its match spans.
type foundValue struct {
	i          int
	forms      []string
	start, end int
}

// linkCutForms links findings of one window on overlapping lines when a
// writing of one secret begins another's (eight characters or more): one
// secret, cut short by one rule's alphabet. gitleaks' kubernetes-secret-yaml
// takes a decoded Secret's first entry up to the first character outside
// base64's ("ar3ZLt4bnl7" of "ar3ZLt4bnl7!"), which config-password
// reports whole on that line.
func linkCutForms(out []detectors.Finding, values []foundValue) {
	// By first line, so that each finding meets only those starting on
	// its lines (a window of thousands of findings stays linear).
	slices.SortStableFunc(values, func(a, b foundValue) int { return a.start - b.start })
	for a := range values {
		for b := a + 1; b < len(values) && values[b].start <= values[a].end; b++ {
			va, vb := &values[a], &values[b]
			if !cutForms(va.forms, vb.forms) {
				continue
			}
			fa, fb := out[va.i].Secret, out[vb.i].Secret
			fa.AltLinks = append(fa.AltLinks, fb.Link)
			fb.AltLinks = append(fb.AltLinks, fa.Link)
		}
	}
}

// cutForms reports whether a writing in one list begins one in the other.
func cutForms(as, bs []string) bool {
	for _, a := range as {
		for _, b := range bs {
			if len(a) >= 8 && len(b) >= 8 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
				return true
			}
		}
	}
	return false
}
