package secrets

import (
	"encoding/base64"
)

// mightDecode reports whether gitleaks' decoder would decode anything in
// text: it walks text the way the decoder's pattern
// (percent | unicode | hex{32,} | base64{16,}, leftmost first) finds
// segments, and tries the hex and base64 decodings the decoder tries,
// which keep a segment only when it decodes to printable ASCII, and the
// percent decoding, which keeps one only when every escape in it does
// (printf verbs such as %016x and %E2%9C%93 in URLs decode to control
// bytes). Unicode escapes answer true at once (rare, and cheap to decode).
// False means a decoding pass would find nothing: the text needs scanning
// only as it is. Most encoded-looking text in repositories (go.sum
// hashes, digests, test vectors) decodes to binary, so this spares the
// decoder's regex pass on nearly every window.
func mightDecode(text string) bool {
	for p := 0; p < len(text); {
		c := text[p]
		switch {
		case c == '%' && p+2 < len(text) && isHex(text[p+1]) && isHex(text[p+2]):
			end, ok := percentSegment(text, p)
			if ok {
				return true
			}
			p = end // the decoder drops the segment and goes on after it
			continue
		case c == 'U' && p+5 < len(text) && text[p+1] == '+' && allHex(text[p+2:p+6]):
			return true
		case c == '\\':
			q := p + 1
			if q < len(text) && text[q] == '\\' {
				q++
			}
			if q+4 < len(text) && (text[q] == 'u' || text[q] == 'U') && allHex(text[q+1:q+5]) {
				return true
			}
		}
		n, hexN, codePoint := encodedRun(text, p)
		if hexN >= 32 {
			if hexPrintable(text[p : p+hexN]) {
				return true
			}
			p += hexN
			continue
		}
		if n >= 16 {
			end := p + n
			for i := 0; i < 2 && end < len(text) && text[end] == '='; i++ {
				end++
			}
			if base64Printable(text[p:end]) {
				return true
			}
			p = end
			continue
		}
		// No run of 16 starts inside this shorter one either (nor a hex
		// run of 32): skip it, unless a "U+" code point starts inside.
		switch {
		case codePoint >= 0:
			p = codePoint
		case n > 1:
			p += n
		default:
			p++
		}
	}
	return false
}

// percentSegment mirrors the decoder on the percent segment starting at
// p (text[p:p+3] is an escape): the pattern %XX(?:.*%XX)? runs to the last
// escape on the line, and the segment decodes only if every escape in it
// decodes to a printable byte. It returns where the segment ends and
// whether it decodes.
func percentSegment(text string, p int) (end int, decodes bool) {
	end = percentEnd(text, p)
	if !isASCII(text[p:end]) {
		// Whether "." crosses invalid UTF-8 depends on the engine: the
		// decoder decides.
		return end, true
	}
	return end, decodePercent(text[p:end]) != ""
}

// encodedRun measures, in one pass, the base64 run ([\w/+-]) starting at
// p and the hex run it begins with (hex digits are base64 characters), and
// finds the first "U+" inside the run after p (-1 when none): the
// decoder's pattern tries hex, then base64, at each position.
func encodedRun(text string, p int) (n, hexN, codePoint int) {
	hexN, codePoint = -1, -1
	for q := p; q < len(text); q++ {
		cl := byteClass[text[q]]
		if cl&classBase64 == 0 {
			break
		}
		if hexN < 0 && cl&classHex == 0 {
			hexN = n
		}
		if codePoint < 0 && q > p && text[q] == 'U' && q+1 < len(text) && text[q+1] == '+' {
			codePoint = q
		}
		n++
	}
	if hexN < 0 {
		hexN = n
	}
	return n, hexN, codePoint
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// byteClass holds, for each byte, whether it is a hex digit and whether
// it may be part of a base64 run ([\w/+-]).
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' {
			t[c] |= classHex
		}
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '/' || b == '+' || b == '-' {
			t[c] |= classBase64
		}
	}
	return t
}()

const (
	classHex    = 1 << 0
	classBase64 = 1 << 1
)

// printable is the decoder's test: every byte between \x09 and \x7e.
func printable(b []byte) bool {
	for _, c := range b {
		if c <= '\x08' || c >= '\x7f' {
			return false
		}
	}
	return true
}

func hasAny(s, set string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(set); j++ {
			if s[i] == set[j] {
				return true
			}
		}
	}
	return false
}

// hexPrintable mirrors the decoder's hex decoding.
func hexPrintable(s string) bool {
	if len(s)%2 != 0 || !hasAny(s, "0123456789") {
		return false
	}
	b := make([]byte, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		b[i/2] = unhex(s[i])<<4 | unhex(s[i+1])
	}
	return printable(b)
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// base64Printable mirrors the decoder's base64 decoding.
func base64Printable(s string) bool {
	if !hasAny(s, "0123456789+/-_") {
		return false
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && printable(b) {
		return true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && printable(b)
}
