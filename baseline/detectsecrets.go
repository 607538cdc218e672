package baseline

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/sprawl-dev/sprawl/detectors"
)

// Listed is an entry of a detect-secrets baseline (.secrets.baseline): a
// secret, by the hex SHA-1 detect-secrets keeps of it, accepted in a file.
type Listed struct {
	Path string
	SHA1 string
}

var sha1Hex = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ParseDetectSecretsBaseline reads a detect-secrets baseline, so that a
// repository moving from Yelp's detect-secrets keeps the secrets it
// accepted silent. Every entry of its "results" is accepted except those
// an audit marked as real ("is_secret": true): detect-secrets lets those
// through too, but they are secrets a scanner must keep reporting. An entry
// without a SHA-1 digest is skipped with a warning.
func ParseDetectSecretsBaseline(path string, r io.Reader) (Ignore, error) {
	ig := Ignore{Path: path}
	var doc struct {
		Results map[string][]struct {
			Filename     string `json:"filename"`
			HashedSecret string `json:"hashed_secret"`
			LineNumber   int    `json:"line_number"`
			IsSecret     *bool  `json:"is_secret"`
		} `json:"results"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return ig, fmt.Errorf("%s: not a detect-secrets baseline (%v); fix or remove it", path, err)
	}
	files := make([]string, 0, len(doc.Results))
	for f := range doc.Results {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, file := range files {
		for _, e := range doc.Results[file] {
			name := e.Filename
			if name == "" {
				name = file // baselines before detect-secrets 1.0 key entries by file only
			}
			digest := strings.ToLower(e.HashedSecret)
			if !sha1Hex.MatchString(digest) {
				ig.Warnings = append(ig.Warnings, fmt.Sprintf("%s: %s line %d: skipped: hashed_secret is not a SHA-1 digest", path, name, e.LineNumber))
				continue
			}
			if e.IsSecret != nil && *e.IsSecret {
				continue
			}
			l := Listed{Path: strings.ReplaceAll(name, `\`, "/"), SHA1: digest}
			ig.Rules = append(ig.Rules, Rule{Listed: &l, Reason: "accepted in " + path, Line: e.LineNumber})
		}
	}
	return ig, nil
}

// LoadDetectSecretsBaseline reads path; a missing file is an empty Ignore.
func LoadDetectSecretsBaseline(path string) (Ignore, error) {
	return load(path, ParseDetectSecretsBaseline)
}

// ListedSHA1 returns the digests ig's detect-secrets entries name, for the
// scan's hasher (engine.Options.ListedSHA1), or nil when there are none.
func (ig Ignore) ListedSHA1() map[string]bool {
	var out map[string]bool
	for _, r := range ig.Rules {
		if r.Listed != nil {
			if out == nil {
				out = map[string]bool{}
			}
			out[r.Listed.SHA1] = true
		}
	}
	return out
}

// matches reports whether f is the listed secret in the listed file, at
// its own place or at a related one.
func (l *Listed) matches(f detectors.Finding) bool {
	if f.Secret == nil || f.Secret.Listed != l.SHA1 {
		return false
	}
	if f.Location.Path == l.Path {
		return true
	}
	for _, r := range f.Related {
		if r.Path == l.Path {
			return true
		}
	}
	return false
}
