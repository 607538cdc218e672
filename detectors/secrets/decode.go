package secrets

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/zricethezav/gitleaks/v8/detect/codec"
)

// decodeOnce is one pass of gitleaks' decoder (codec.Decoder.Decode) over
// text, without its regular expression: the segments are found by walking
// text the way the decoder's pattern
//
//	%XX(?:.*%XX)? | (?:U\+XXXX(?:\s|$))+ | (?i)(?:\\{1,2}uXXXX)+ | [0-9A-Fa-f]{32,} | [\w/+-]{16,}={0,2}
//
// finds them (leftmost first, earlier alternatives first, each greedy),
// neighbours are filtered by the decoder's precedence rule, and each
// segment is decoded as the decoder decodes it. With Go's regexp that
// pattern is the most expensive step of scanning lines that decode (long
// JSON descriptions full of \u003e, URLs full of %3A). It returns the
// decoded text and whether any segment decoded; ok is false when text
// needs the decoder itself: it holds a "U+0041" code point (a sequence may
// run across lines and its decoding has quirks of its own) or a percent
// segment crosses non-ASCII bytes (whether "." matches invalid UTF-8
// depends on the regex engine).
func decodeOnce(text string) (out string, decoded, ok bool) {
	if hasCodePoint(text) {
		return "", false, false
	}
	var found []encodedSegment
	for p := 0; p < len(text); {
		c := text[p]
		if c == '%' && p+2 < len(text) && isHex(text[p+1]) && isHex(text[p+2]) {
			end := percentEnd(text, p)
			if !isASCII(text[p:end]) {
				return "", false, false
			}
			found = append(found, encodedSegment{p, end, segPercent})
			p = end
			continue
		}
		if c == '\\' {
			if end := escapeRunEnd(text, p); end > p {
				found = append(found, encodedSegment{p, end, segUnicode})
				p = end
				continue
			}
		}
		n, hexN := encodedRun(text, p) // code points went to the decoder above
		switch {
		case hexN >= 32:
			found = append(found, encodedSegment{p, p + hexN, segHex})
			p += hexN
		case n >= 16:
			end := p + n
			for i := 0; i < 2 && end < len(text) && text[end] == '='; i++ {
				end++
			}
			found = append(found, encodedSegment{p, end, segBase64})
			p = end
		case n > 0:
			// No hex or base64 match starts inside a shorter run either,
			// and '%' and '\' are not part of one.
			p += n
		default:
			p++
		}
	}
	if len(found) == 0 {
		return text, false, true
	}
	var b strings.Builder
	at := 0
	for i, s := range found {
		// The decoder's filter: a segment touching or overlapping a
		// neighbour of higher precedence waits for the next pass.
		if len(found) > 1 && (i > 0 && touches(s, found[i-1]) && found[i-1].kind > s.kind ||
			i+1 < len(found) && touches(s, found[i+1]) && found[i+1].kind > s.kind) {
			continue
		}
		value := decodeSegment(text[s.start:s.end], s.kind)
		if value == "" {
			continue
		}
		if !decoded {
			b.Grow(len(text))
			decoded = true
		}
		b.WriteString(text[at:s.start])
		b.WriteString(value)
		at = s.end
	}
	if !decoded {
		return text, false, true
	}
	b.WriteString(text[at:])
	return b.String(), true, true
}

// encodedSegment is a match of one of the decoder's encodings.
type encodedSegment struct {
	start, end int
	kind       segmentKind
}

// segmentKind orders the encodings by the decoder's precedence.
type segmentKind uint8

const (
	segBase64 segmentKind = iota + 1
	segHex
	segUnicode
	segPercent
)

// touches is the decoder's startEnd.overlaps: sharing an end counts.
func touches(a, b encodedSegment) bool { return b.start <= a.end && b.end >= a.start }

// percentEnd is where the percent match starting at p ends: the pattern's
// greedy ".*%XX" runs to the last escape on the line.
func percentEnd(text string, p int) int {
	lineEnd := len(text)
	if i := strings.IndexByte(text[p:], '\n'); i >= 0 {
		lineEnd = p + i
	}
	for q := lineEnd - 3; q >= p+3; q-- {
		if text[q] == '%' && isHex(text[q+1]) && isHex(text[q+2]) {
			return q + 3
		}
	}
	return p + 3
}

// escapeRunEnd is where the run of \uXXXX or \\uXXXX escapes (u in any
// case) starting at p ends, or p when none starts there.
func escapeRunEnd(text string, p int) int {
	q := p
	for q < len(text) && text[q] == '\\' {
		u := q + 1
		if u < len(text) && text[u] == '\\' && u+1 < len(text) && (text[u+1] == 'u' || text[u+1] == 'U') {
			u++ // \\{1,2} takes two when it can
		}
		if u >= len(text) || text[u] != 'u' && text[u] != 'U' || u+5 > len(text) || !allHex(text[u+1:u+5]) {
			break
		}
		q = u + 5
	}
	return q
}

// decodeSegment decodes one segment as the decoder's encodings do; ""
// means the segment does not decode.
func decodeSegment(s string, kind segmentKind) string {
	switch kind {
	case segPercent:
		return decodePercent(s)
	case segHex:
		if len(s)%2 != 0 || !anyOfClass(s, classDigit) {
			return ""
		}
		b := make([]byte, len(s)/2)
		for i := 0; i < len(s); i += 2 {
			b[i/2] = unhex(s[i])<<4 | unhex(s[i+1])
		}
		if !printable(b) {
			return ""
		}
		return string(b)
	case segBase64:
		if !anyOfClass(s, classDigit|classBase64Symbol) {
			return ""
		}
		if b, err := base64.StdEncoding.DecodeString(s); err == nil && printable(b) {
			return string(b)
		}
		if b, err := base64.RawURLEncoding.DecodeString(s); err == nil && printable(b) {
			return string(b)
		}
		return ""
	default:
		// Unicode escapes are rare and their decoding has quirks: the
		// decoder itself decodes the segment (alone, it is one match).
		out, _ := codec.NewDecoder().Decode(s, nil)
		return out
	}
}

// decodePercent is the decoder's percent decoding: "" unless every
// escape decodes to a printable byte.
func decodePercent(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			c := unhex(s[i+1])<<4 | unhex(s[i+2])
			if c <= '\x08' || c >= '\x7f' {
				return ""
			}
			b = append(b, c)
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasCodePoint reports whether text holds what the decoder's Unicode
// pattern, (?:U\+[a-fA-F0-9]{4}(?:\s|$))+, starts with: "U+", four hex
// digits, then white space or the end. A bare "U+" (common inside base64:
// "…KuPbU+aN/Z…") starts no segment, and walking past it is exact; handing
// every such text to the decoder's regular expression cost a megabyte of
// base64-laden JSON (CredSweeper's test output) a sixth of its scan time.
func hasCodePoint(text string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], "U+")
		if j < 0 {
			return false
		}
		p := i + j + 2
		if p+4 <= len(text) && isHex(text[p]) && isHex(text[p+1]) && isHex(text[p+2]) && isHex(text[p+3]) &&
			(p+4 == len(text) || strings.IndexByte(" \t\n\f\r", text[p+4]) >= 0) {
			return true
		}
		i = p
	}
}
