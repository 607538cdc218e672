package secrets

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

func TestOtherForms(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		rule, secret string
		want         []string
	}{
		{"config-password", b64("Kx9mPq2Lw!"), []string{"Kx9mPq2Lw!"}},
		{"config-password", b64("Kx9mPq2Lw!\n"), []string{"Kx9mPq2Lw!"}}, // echo … | base64
		{"config-password", base64.RawURLEncoding.EncodeToString([]byte("Kx9mPq2Lw?>")), []string{"Kx9mPq2Lw?>"}},
		{"kubernetes-secret-yaml", "password: " + b64("Kx9mPq2Lw!"), []string{b64("Kx9mPq2Lw!"), "Kx9mPq2Lw!"}},
		{"kubernetes-secret-yaml", `token: "` + b64("Kx9mPq2Lw!") + `"`, []string{b64("Kx9mPq2Lw!"), "Kx9mPq2Lw!"}},
		{"kubernetes-secret-yaml", "password: |\n    " + b64("Kx9mPq2Lw!"), []string{b64("Kx9mPq2Lw!"), "Kx9mPq2Lw!"}},
		{"url-credentials", "deploy:P%40ss%2Fw0rd9", []string{"deploy:P@ss/w0rd9"}},
		// Not encodings of text: binary, too short, not base64 at all.
		{"generic-api-key", base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 250, 251, 252, 7, 8, 9}), nil},
		{"generic-api-key", "c2VjcmV0", []string{"secret"}},
		{"generic-api-key", "c2Vj", nil},
		{"generic-api-key", "ghp_0123456789abcdefghijklmnopqrstuvwxyz", nil},
		{"config-password", "100%sure", nil},
	}
	for _, tt := range tests {
		if got := otherForms(tt.rule, tt.secret); !slices.Equal(got, tt.want) {
			t.Errorf("otherForms(%s, %q) = %q, want %q", tt.rule, tt.secret, got, tt.want)
		}
	}
}

func TestCutForms(t *testing.T) {
	tests := []struct {
		a, b []string
		want bool
	}{
		{[]string{"ar3ZLt4bnl7"}, []string{"ar3ZLt4bnl7!"}, true},
		{[]string{"YXIzWkx0", "ar3ZLt4bnl7!"}, []string{"ar3ZLt4bnl7"}, true},
		{[]string{"ar3ZLt4"}, []string{"ar3ZLt4bnl7!"}, false}, // under eight characters
		{[]string{"ar3ZLt4bnl7!"}, []string{"xr3ZLt4bnl7!"}, false},
	}
	for _, tt := range tests {
		if got := cutForms(tt.a, tt.b); got != tt.want {
			t.Errorf("cutForms(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// A Kubernetes Secret's password is found as written (base64) and in its
// decoding, by config-password and kubernetes-secret-yaml (whose decoded
// value stops at the first character outside base64's alphabet): four
// findings of one password, which must link into one group.
func TestEncodedSecretFindingsLink(t *testing.T) {
	d, err := New(Options{MaxDecodeDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	g := fake.New(14)
	for i, password := range []string{g.Password(14), g.String("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16)} {
		doc := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: " +
			base64.StdEncoding.EncodeToString([]byte(password)) + "\n"
		fs := d.Detect(context.Background(), detectors.Input{Path: "deploy/db-secret.yaml", Content: []byte(doc), Hasher: testHasher})
		if len(fs) < 2 {
			t.Fatalf("want the password as written and decoded, got %d findings", len(fs))
		}
		groups := linkGroups(fs)
		if len(groups) != 1 {
			t.Errorf("password %d: %d findings fall into %d groups, want 1: %v", i, len(fs), len(groups), groups)
		}
	}
}

// linkGroups joins findings sharing a Link or AltLink and returns each
// group's rule ids.
func linkGroups(fs []detectors.Finding) [][]string {
	parent := make([]int, len(fs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	owner := map[string]int{}
	for i, f := range fs {
		for _, l := range append([]string{f.Secret.Link}, f.Secret.AltLinks...) {
			if j, ok := owner[l]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[l] = i
			}
		}
	}
	byRoot := map[int][]string{}
	for i, f := range fs {
		byRoot[find(i)] = append(byRoot[find(i)], strings.TrimPrefix(f.RuleID, RulePrefix))
	}
	var out [][]string
	for _, g := range byRoot {
		out = append(out, g)
	}
	return out
}
