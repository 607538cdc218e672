package secrets

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect/codec"
)

// TestDecodeOnceAgreesWithTheDecoder: one pass of decodeOnce gives what
// one pass of gitleaks' decoder gives, on random text built from the
// pieces encoded secrets, URLs, escapes and printf verbs are made of, and
// on every line and file of the fixture tree; texts it hands back to the
// decoder are only those it says it cannot do.
func TestDecodeOnceAgreesWithTheDecoder(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	pieces := []func() string{
		func() string { return base64.StdEncoding.EncodeToString([]byte(randASCII(r, 10+r.IntN(30)))) },
		func() string { return base64.RawURLEncoding.EncodeToString([]byte(randASCII(r, 10+r.IntN(30)))) },
		func() string { return base64.StdEncoding.EncodeToString(randBytes(r, 12+r.IntN(20))) },
		func() string { return hex.EncodeToString([]byte(randASCII(r, 16+r.IntN(20)))) },
		func() string { return strings.ToUpper(hex.EncodeToString([]byte(randASCII(r, 16+r.IntN(4))))) },
		func() string { return hex.EncodeToString(randBytes(r, 16+r.IntN(20))) },
		func() string { return randASCII(r, r.IntN(40)) },
		func() string {
			p := []string{" ", "\n", "=", "==", "===", ":", "-", "_", "/", "+", ".", "\"", "%4", "%41", "%3A%2F", "%016x", "%0a", "%E2%9C%93",
				"%%41", "%7e", "%7f", "%20", "%", `\u00`, `\u0041`, `\U0042`, `\\u0043`, `\\\u0044`, `\u003e`, `\uD83D`, "é", "\xff", "U+0041 ", "U+", "U+00", "U+0041", "U+0041\n", "U+004G ", "U+12345", "xU+aN/Z", "U+0041\t"}
			return p[r.IntN(len(p))]
		},
	}
	var texts []string
	for _, f := range expandTree(t, 1) {
		texts = append(texts, string(f.content))
		texts = append(texts, strings.Split(string(f.content), "\n")...)
	}
	for range 20000 {
		var b strings.Builder
		for n := 1 + r.IntN(8); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))]())
		}
		texts = append(texts, b.String())
	}
	done, decoded, handedBack := 0, 0, 0
	for _, text := range texts {
		got, gotDecoded, ok := decodeOnce(text)
		if !ok {
			handedBack++
			if !hasCodePoint(text) && isASCII(text) {
				t.Fatalf("decodeOnce hands back ASCII text without a code point: %q", text)
			}
			continue
		}
		want, segments := codec.NewDecoder().Decode(text, nil)
		if got != want || gotDecoded != (len(segments) > 0) {
			t.Fatalf("decoding %q: decodeOnce gives %q (decoded %v), the decoder %q (%d segments)", text, got, gotDecoded, want, len(segments))
		}
		done++
		if gotDecoded {
			decoded++
		}
	}
	if decoded < 5000 || done-decoded < 2000 || handedBack == 0 {
		t.Errorf("weak test: %d texts decoded, %d did not, %d handed back", decoded, done-decoded, handedBack)
	}
}

func BenchmarkDecodeOnce(b *testing.B) {
	line := `      "description": "range_end is the upper bound on the requested range [key, range_end).\nIf range_end is '\\0', the range is all keys \u003e= key.\nIf range_end is key plus one (e.g., \"aa\"+1 == \"ab\", \"a\\xff\"+1 == \"b\"), then the range request gets all keys prefixed with key.",`
	b.Run("decodeOnce", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			decodeOnce(line)
		}
	})
	b.Run("gitleaks", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			codec.NewDecoder().Decode(line, nil)
		}
	})
}

func TestHasCodePoint(t *testing.T) {
	for text, want := range map[string]bool{
		"U+0041 ": true, "x U+00e9\n": true, "U+0041": true, "a U+0041\tb": true,
		"U+": false, "U+004": false, "U+004G ": false, "U+00411": false, "KuPbU+aN/Z": false,
		"abcU+1234x": false, "U+U+0041 ": true, "": false,
	} {
		if got := hasCodePoint(text); got != want {
			t.Errorf("hasCodePoint(%q) = %v, want %v", text, got, want)
		}
	}
}
