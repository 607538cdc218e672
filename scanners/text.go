package scanners

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// binarySniff is how much of a content is looked at for a NUL byte, as
// git decides whether a file is binary.
const binarySniff = 8000

// Text returns content as the text detectors read: content itself, or,
// for UTF-16 (a byte order mark, or ASCII text with every other byte NUL,
// as Windows PowerShell's redirections and regedit's exports write it),
// content decoded to UTF-8. Lines stay lines and columns, counted in
// UTF-16 code units, stay columns. Only content with a NUL byte among its
// first 8,000 bytes, binary to git, is taken for UTF-16; ok is false for
// binary content: such content that is not UTF-16 text, or whose decoded
// text still holds a NUL.
func Text(content []byte) (text []byte, ok bool) {
	if bytes.IndexByte(content[:min(len(content), binarySniff)], 0) < 0 {
		// Text as it is: without NUL bytes, "UTF-16" would be a chance
		// byte order mark (a fuzzing corpus file starting FF FE).
		return content, true
	}
	if order, skip := utf16Order(content); order != 0 {
		decoded := decodeUTF16(content[skip:], order)
		return decoded, bytes.IndexByte(decoded[:min(len(decoded), binarySniff)], 0) < 0
	}
	return nil, false
}

// Byte orders of UTF-16 text.
const (
	littleEndian = 1
	bigEndian    = 2
)

// utf16Order tells whether content is UTF-16 and in which byte order, and
// how many bytes of byte order mark precede the text.
func utf16Order(content []byte) (order, skip int) {
	switch {
	case len(content) >= 2 && content[0] == 0xFF && content[1] == 0xFE:
		if len(content) >= 4 && content[2] == 0 && content[3] == 0 {
			return 0, 0 // a UTF-32 byte order mark
		}
		return littleEndian, 2
	case len(content) >= 2 && content[0] == 0xFE && content[1] == 0xFF:
		return bigEndian, 2
	}
	// Without a mark: the first pairs are ASCII characters, so one byte of
	// every pair is NUL and the other printable (a tab or newline too).
	n := min(len(content), 512) &^ 1
	if n < 16 {
		return 0, 0
	}
	lowNUL, highNUL := 0, 0
	for i := 0; i < n; i += 2 {
		a, b := content[i], content[i+1]
		switch {
		case b == 0 && textByte(a):
			lowNUL++
		case a == 0 && textByte(b):
			highNUL++
		case a < utf8.RuneSelf && b < utf8.RuneSelf:
			return 0, 0 // two ASCII bytes: not UTF-16 of ASCII text
		}
	}
	pairs := n / 2
	switch {
	case lowNUL*10 >= pairs*9:
		return littleEndian, 0
	case highNUL*10 >= pairs*9:
		return bigEndian, 0
	}
	return 0, 0
}

// textByte reports whether b is a printable ASCII character or ASCII
// whitespace.
func textByte(b byte) bool {
	return b >= 0x20 && b < 0x7F || b == '\t' || b == '\n' || b == '\r'
}

// decodeUTF16 decodes UTF-16 in the given byte order to UTF-8; a last odd
// byte is dropped, an unpaired surrogate becomes U+FFFD.
func decodeUTF16(b []byte, order int) []byte {
	units := make([]uint16, len(b)/2)
	for i := range units {
		if order == littleEndian {
			units[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		} else {
			units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
	out := make([]byte, 0, len(units)+len(units)/8)
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out
}
