package scanners

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16, with a byte order mark when bom is set.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	put := func(u uint16) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		put(u)
	}
	return out
}

func TestText(t *testing.T) {
	script := "$token = \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"\r\nWrite-Host 'déployé ✓'\r\n"
	for _, tc := range []struct {
		name    string
		content []byte
		want    string
		binary  bool
	}{
		{"UTF-8 as is", []byte(script), script, false},
		{"UTF-16LE with a mark", utf16Bytes(script, false, true), script, false},
		{"UTF-16BE with a mark", utf16Bytes(script, true, true), script, false},
		{"UTF-16LE without a mark (ASCII)", utf16Bytes("password=hunter2hunter2\nuser=svc\n", false, false), "password=hunter2hunter2\nuser=svc\n", false},
		{"UTF-16BE without a mark (ASCII)", utf16Bytes("password=hunter2hunter2\nuser=svc\n", true, false), "password=hunter2hunter2\nuser=svc\n", false},
		{"an odd last byte is dropped", append(utf16Bytes("key=value1234", false, true), 'x'), "key=value1234", false},
		{"a NUL in text", []byte("abc\x00def"), "", true},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"), "", true},
		{"UTF-32LE with a mark", append([]byte{0xFF, 0xFE, 0, 0}, []byte("k\x00\x00\x00=\x00\x00\x00")...), "", true},
		{"short UTF-16 without a mark", utf16Bytes("ab", false, false), "", true},
		{"UTF-16 of NULs", utf16Bytes("a\x00b\x00c\x00d", false, true), "", true},
		{"a chance byte order mark before text", []byte("\xff\xfeK\x08LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ=="), "\xff\xfeK\x08LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Text(tc.content)
			if ok == tc.binary {
				t.Fatalf("text: %v, want %v", ok, !tc.binary)
			}
			if ok && string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTextRoundTrips: text with some ASCII in it (whose UTF-16 holds
// NUL bytes), astral characters included, encoded as UTF-16 with a mark in
// either byte order, decodes to itself.
func TestTextRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcXYZ019 =\"'\t\r\néü✓€中😀🔑")
	for i := 0; i < 500; i++ {
		var b strings.Builder
		b.WriteString("key = ")
		for n := r.IntN(200); n > 0; n-- {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		for _, be := range []bool{false, true} {
			got, ok := Text(utf16Bytes(s, be, true))
			if !ok || !bytes.Equal(got, []byte(s)) {
				t.Fatalf("%q (big endian %v): got %q, text %v", s, be, got, ok)
			}
		}
	}
}
