package tokencache

import (
	"context"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

// FuzzDetect: arbitrary Go, Python, JS and Java sources never panic the
// detector and yield valid regions.
func FuzzDetect(f *testing.F) {
	f.Add("package p\nimport \"golang.org/x/oauth2\"\nvar t *oauth2.Token\nfunc g() *oauth2.Token { return t }\n")
	f.Add("from functools import lru_cache\n@lru_cache\ndef get_token():\n    return fetch()\n")
	f.Add("let token; export async function getToken() { if (!token) token = await fetchToken(); return token }\n")
	f.Add("package p\nfunc f() { x := ((((((((((1)))))))))) ; _ = x }\n")
	d := New()
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	f.Fuzz(func(t *testing.T, src string) {
		for _, p := range []string{"a.go", "a.py", "a.ts", "A.java"} {
			for _, fd := range d.Detect(context.Background(), detectors.Input{Path: p, Content: []byte(src), Hasher: h}) {
				if l := fd.Location; l.StartLine < 1 || l.StartColumn < 1 || l.EndLine < l.StartLine {
					t.Fatalf("%s: bad region %+v", p, l)
				}
			}
		}
	})
}
