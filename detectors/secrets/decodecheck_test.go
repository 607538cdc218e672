package secrets

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect/codec"
)

// decodes is the truth mightDecode stands in for: gitleaks' decoder.
func decodes(text string) bool {
	_, segments := codec.NewDecoder().Decode(text, nil)
	return len(segments) > 0
}

func TestMightDecode(t *testing.T) {
	cases := []struct {
		name, text string
		want       bool
	}{
		{"plain code", "func main() { fmt.Println(\"hello\") }", false},
		{"go.sum hash", "golang.org/x/net v0.1.0 h1:" + base64.StdEncoding.EncodeToString([]byte{0x01, 0xff, 0x80, 0x00, 0x10, 0x9a, 0xfe, 0x07, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10}), false},
		{"base64 text", "secret: " + base64.StdEncoding.EncodeToString([]byte("password=hunter2hunter2")), true},
		{"base64url text", "x=" + base64.RawURLEncoding.EncodeToString([]byte("aws_secret_access_key=abc")), true},
		{"hex text", "data " + hex.EncodeToString([]byte("token=0123456789abcdef")), true},
		{"hex digest", "sha256 " + strings.Repeat("a1f9", 16), false},
		{"percent", "url=https%3A%2F%2Fexample", true},
		{"printf verb", `fmt.Sprintf("%016x-%016x.snap", term, index)`, false},
		{"percent to control bytes", "pulls?utf8=%E2%9C%93&q=is%3Apr", false},
		{"printable percent after a dropped one", "%01 x\npass%3Dhunter2", true},
		{"unicode escape", `"\u0070assword"`, true},
		{"code point", "U+0041 U+0042", true},
		{"short run", "abcDEF123", false},
		// A symbol among the first four characters: "???" encodes to
		// "Pz8/" (standard) and "Pz8_" (URL-safe).
		{"base64 with a symbol in its first quad", "v=" + base64.StdEncoding.EncodeToString([]byte("???secret value 1234567")), true},
		{"base64url with a symbol in its first quad", "v=" + base64.RawURLEncoding.EncodeToString([]byte("???secret value 1234567")), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if truth := decodes(c.text); truth != c.want {
				t.Fatalf("case is wrong: gitleaks' decoder says %v", truth)
			}
			if got := mightDecode(c.text); got != c.want {
				t.Errorf("mightDecode = %v, want %v", got, c.want)
			}
		})
	}
}

// TestMightDecodeNeverMissesASegment: on random text built from the
// pieces encoded secrets are made of, whenever gitleaks' decoder finds a
// segment, mightDecode says so.
func TestMightDecodeNeverMissesASegment(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	pieces := []func() string{
		func() string { return base64.StdEncoding.EncodeToString([]byte(randASCII(r, 10+r.IntN(30)))) },
		func() string { return base64.RawURLEncoding.EncodeToString([]byte(randASCII(r, 10+r.IntN(30)))) },
		func() string { return base64.StdEncoding.EncodeToString(randBytes(r, 12+r.IntN(30))) },
		func() string { return hex.EncodeToString([]byte(randASCII(r, 16+r.IntN(20)))) },
		func() string { return hex.EncodeToString(randBytes(r, 16+r.IntN(20))) },
		func() string { return randASCII(r, r.IntN(40)) },
		func() string {
			p := []string{" ", "\n", "=", "==", ":", "-", "_", "/", "+", ".", "%4", "%41", `\u00`, `\u0041`, "U+00", "U+0041 ",
				"%016x", "%0a", "%E2%9C%93", "%%41", "%7e", "%7f", "%20", "é", "%"}
			return p[r.IntN(len(p))]
		},
	}
	missed, positives, spared := 0, 0, 0
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := 1 + r.IntN(6); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))]())
		}
		text := b.String()
		truth, might := decodes(text), mightDecode(text)
		if truth {
			positives++
		}
		if !truth && !might {
			spared++
		}
		if truth && !might {
			missed++
			if missed < 5 {
				t.Errorf("gitleaks decodes %q, mightDecode says no", text)
			}
		}
	}
	if missed > 0 {
		t.Errorf("%d texts missed", missed)
	}
	// Both sides must be exercised: decodable texts, and texts the check
	// spares the decoder (a check that always says yes is useless).
	if positives < 2000 || spared < 2000 {
		t.Errorf("weak test: %d decodable texts, %d spared", positives, spared)
	}
}

func randASCII(r *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=:_-/ "
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return b
}

// decoderLayers is the truth decodedLayers stands in for: gitleaks'
// decoder run over the whole text, layer after layer.
func decoderLayers(text string, depth int) []string {
	dec := codec.NewDecoder()
	var layers []string
	var segments []*codec.EncodedSegment
	for range depth {
		text, segments = dec.Decode(text, segments)
		if len(segments) == 0 {
			break
		}
		layers = append(layers, text)
	}
	return layers
}

// TestDecodedLayersLineByLine: decoding a text line by line gives the
// layers gitleaks' decoder gives for the whole text — on random lines of
// encoded pieces (code points that continue across lines included) and on
// every file of the fixture tree.
func TestDecodedLayersLineByLine(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 5))
	pieces := []func() string{
		func() string { return base64.StdEncoding.EncodeToString([]byte(randASCII(r, 12+r.IntN(30)))) },
		func() string {
			return base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(randASCII(r, 12+r.IntN(20))))))
		},
		func() string { return hex.EncodeToString([]byte(randASCII(r, 16+r.IntN(20)))) },
		func() string { return randASCII(r, r.IntN(30)) },
		func() string {
			return []string{"\n", "\n", " = ", "%41%42", `\u0041\u0042`, "U+0041", "U+0042\n", "\nU+0043 ", "key: "}[r.IntN(9)]
		},
	}
	texts := []string{}
	for _, f := range expandTree(t, 1) {
		texts = append(texts, string(f.content))
	}
	for range 3000 {
		var b strings.Builder
		for n := 1 + r.IntN(10); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))]())
		}
		texts = append(texts, b.String())
	}
	layered, multiline := 0, 0
	for _, text := range texts {
		got, want := decodedLayers(text, 5), decoderLayers(text, 5)
		if !slices.Equal(got, want) {
			t.Fatalf("layers of %q: line by line %q, whole %q", text, got, want)
		}
		if len(want) > 0 {
			layered++
			if strings.Count(text, "\n") > 1 {
				multiline++
			}
		}
	}
	if layered < 500 || multiline < 200 {
		t.Errorf("weak test: %d texts decode, %d of them over several lines", layered, multiline)
	}
}
