package secrets

import (
	"encoding/base64"
	"strings"
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
		if byteClass[c]&classBase64 == 0 {
			switch {
			case c == '%' && p+2 < len(text) && isHex(text[p+1]) && isHex(text[p+2]):
				end, ok := percentSegment(text, p)
				if ok {
					return true
				}
				p = end // the decoder drops the segment and goes on after it
				continue
			case c == '\\':
				q := p + 1
				if q < len(text) && text[q] == '\\' {
					q++
				}
				if q+4 < len(text) && (text[q] == 'u' || text[q] == 'U') && allHex(text[q+1:q+5]) {
					return true
				}
			}
			p++
			continue
		}
		// A run of base64 characters ([\w/+-]); hex digits are among them.
		q, seen := p+1, byteClass[c]
		for q < len(text) && byteClass[text[q]]&classBase64 != 0 {
			seen |= byteClass[text[q]]
			q++
		}
		n := q - p
		if n < 16 {
			// No hex or base64 segment starts inside a shorter run, but a
			// "U+" code point may.
			if seen&(classU|classPlus) == classU|classPlus && codePointIn(text, p, q) {
				return true
			}
			p = q
			continue
		}
		if c == 'U' && codePointAt(text, p) {
			return true // the unicode alternative comes first
		}
		if n >= 32 {
			hexN := 0
			for hexN < n && byteClass[text[p+hexN]]&classHex != 0 {
				hexN++
			}
			if hexN >= 32 {
				if hexPrintable(text[p : p+hexN]) {
					return true
				}
				p += hexN
				continue
			}
		}
		end := q
		for i := 0; i < 2 && end < len(text) && text[end] == '='; i++ {
			end++
		}
		if base64Printable(text[p:end]) {
			return true
		}
		p = end
	}
	return false
}

// codePointAt reports whether a "U+XXXX" code point starts at text[p].
func codePointAt(text string, p int) bool {
	return p+5 < len(text) && text[p] == 'U' && text[p+1] == '+' && allHex(text[p+2:p+6])
}

// codePointIn reports whether a "U+XXXX" code point starts in text[p:q].
func codePointIn(text string, p, q int) bool {
	for p < q {
		i := strings.IndexByte(text[p:q], 'U')
		if i < 0 {
			return false
		}
		if codePointAt(text, p+i) {
			return true
		}
		p += i + 1
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

// encodedRun measures the base64 run ([\w/+-]) starting at p and the hex
// run it begins with (hex digits are base64 characters): the decoder's
// pattern tries hex, then base64, at each position.
func encodedRun(text string, p int) (n, hexN int) {
	q := p
	for q < len(text) && byteClass[text[q]]&classHex != 0 {
		q++
	}
	hexN = q - p
	for q < len(text) && byteClass[text[q]]&classBase64 != 0 {
		q++
	}
	return q - p, hexN
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// byteClass holds, for each byte, the classes of the decoder's pattern it
// belongs to.
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' {
			t[c] |= classHex
		}
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '/' || b == '+' || b == '-' {
			t[c] |= classBase64
		}
		if b >= '0' && b <= '9' {
			t[c] |= classDigit
		}
		if b == '_' || b == '/' || b == '+' || b == '-' {
			t[c] |= classBase64Symbol
		}
		switch b {
		case 'U':
			t[c] |= classU
		case '+':
			t[c] |= classPlus
		}
	}
	return t
}()

const (
	classHex          = 1 << iota // [0-9A-Fa-f]
	classBase64                   // [\w/+-]
	classDigit                    // [0-9]
	classBase64Symbol             // [/+_-]
	classU                        // U, which starts a "U+" code point
	classPlus                     // +
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

// hexPrintable mirrors the decoder's hex decoding, without allocating.
func hexPrintable(s string) bool {
	if len(s)%2 != 0 || !anyOfClass(s, classDigit) {
		return false
	}
	for i := 0; i < len(s); i += 2 {
		if c := unhex(s[i])<<4 | unhex(s[i+1]); c <= '\x08' || c >= '\x7f' {
			return false
		}
	}
	return true
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

// base64Printable mirrors the decoder's base64 decoding (s holds 16 or
// more characters).
func base64Printable(s string) bool {
	if !anyOfClass(s, classDigit|classBase64Symbol) {
		return false
	}
	// Standard and URL-safe base64 agree on letters and digits: when the
	// first four are such and decode to a byte the decoder rejects, both
	// decodings fail. Random binary, what most long runs hold, stops here
	// nine times in ten.
	if len(s) >= 4 && (byteClass[s[0]]|byteClass[s[1]]|byteClass[s[2]]|byteClass[s[3]])&classBase64Symbol == 0 &&
		!quadPrintable(s[:4]) {
		return false
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && printable(b) {
		return true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && printable(b)
}

// quadPrintable decodes four base64 letters or digits and reports whether
// the three bytes are printable as the decoder means it.
func quadPrintable(q string) bool {
	v := uint32(b64Value(q[0]))<<18 | uint32(b64Value(q[1]))<<12 | uint32(b64Value(q[2]))<<6 | uint32(b64Value(q[3]))
	for _, c := range [3]byte{byte(v >> 16), byte(v >> 8), byte(v)} {
		if c <= '\x08' || c >= '\x7f' {
			return false
		}
	}
	return true
}

// b64Value is the value of a base64 letter or digit.
func b64Value(c byte) byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A'
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26
	default:
		return c - '0' + 52
	}
}

// anyOfClass reports whether a byte of s is in one of the classes.
func anyOfClass(s string, classes uint8) bool {
	for i := 0; i < len(s); i++ {
		if byteClass[s[i]]&classes != 0 {
			return true
		}
	}
	return false
}
