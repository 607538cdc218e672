package secrets

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// A wrapped base64 block is what `base64 FILE` (76 columns) or `openssl
// base64` (64) prints: lines of one width w, a multiple of 4, then a last
// line no wider, the padding at its end. gitleaks' decoder decodes each line
// on its own (16 characters or more) and joins them with the newlines in
// between; a last line of fewer than 16 characters stays encoded, so a
// key's "-----END … KEY-----" is never seen and the key is missed. A block
// whose last line is that short is decoded whole here.

// minWrapWidth is the narrowest line taken for a wrapped block's line.
const minWrapWidth = 40

// wrappedBlock is a wrapped base64 block: the offsets of its first and
// last line's text (indentation skipped) and its 0-based line numbers.
type wrappedBlock struct {
	firstLine, lastLine int
	start               int    // offset of the first line's start
	width               int    // of the full lines
	text                string // the lines joined, indentation and newlines dropped
}

// extendUp grows b, found in raw[from:] (its line numbers and offsets
// relative to that), over the full-width lines of raw above it: a window
// may start inside a block. It returns b with offsets and line numbers
// relative to raw[0:] given that from is at line fromLine.
func (b wrappedBlock) extendUp(raw string, from, fromLine int) wrappedBlock {
	b.start += from
	b.firstLine += fromLine
	b.lastLine += fromLine
	var above []string
	for b.start > 0 {
		prev := strings.LastIndexByte(raw[:b.start-1], '\n') + 1
		text := strings.TrimRight(strings.TrimLeft(raw[prev:b.start-1], " \t"), "\r")
		if len(text) != b.width || base64Run(text) != len(text) {
			break
		}
		above = append(above, text)
		b.start, b.firstLine = prev, b.firstLine-1
	}
	if len(above) > 0 {
		var sb strings.Builder
		for i := len(above) - 1; i >= 0; i-- {
			sb.WriteString(above[i])
		}
		b.text = sb.String() + b.text
	}
	return b
}

// wrappedBlocks finds the wrapped base64 blocks of raw whose last line is
// shorter than the 16 characters gitleaks' decoder needs. One full line
// above that last line is enough here: raw may be a window that starts
// inside a block (see extendUp); a block proper has two or more.
func wrappedBlocks(raw string) []wrappedBlock {
	var out []wrappedBlock
	var b strings.Builder
	width, first, firstAt, n := 0, 0, 0, 0 // n: full-width lines so far
	line := 0
	for at := 0; at <= len(raw); line++ {
		end := strings.IndexByte(raw[at:], '\n')
		if end < 0 {
			end = len(raw)
		} else {
			end += at
		}
		text := strings.TrimRight(strings.TrimLeft(raw[at:end], " \t"), "\r")
		run := base64Run(text)
		switch {
		case run == len(text) && len(text) >= minWrapWidth && len(text)%4 == 0 && (n == 0 || len(text) == width):
			if n == 0 {
				b.Reset()
				width, first, firstAt = len(text), line, at
			}
			b.WriteString(text)
			n++
		case n >= 1 && len(text) > 0 && len(text) < 16 && base64Tail(text):
			b.WriteString(text)
			out = append(out, wrappedBlock{firstLine: first, lastLine: line, start: firstAt, width: width, text: b.String()})
			n = 0
		default:
			n = 0
			if run == len(text) && len(text) >= minWrapWidth && len(text)%4 == 0 {
				b.Reset()
				b.WriteString(text)
				width, first, firstAt, n = len(text), line, at, 1
			}
		}
		if end == len(raw) {
			break
		}
		at = end + 1
	}
	return out
}

// base64Run is the length of the run of base64 characters (no padding)
// that starts text.
func base64Run(text string) int {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return i
		}
	}
	return len(text)
}

// base64Tail reports whether text is the end of a base64 text: base64
// characters, then at most two "=", the whole a multiple of 4 long.
func base64Tail(text string) bool {
	body := strings.TrimRight(text, "=")
	return len(text)%4 == 0 && len(text)-len(body) <= 2 && base64Run(body) == len(body)
}

// decodeWrapped decodes a block's text; "" when it is not base64 of UTF-8
// text (a binary file, base64 of an image).
func decodeWrapped(text string) string {
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil || !utf8.Valid(raw) {
		return ""
	}
	return string(raw)
}
