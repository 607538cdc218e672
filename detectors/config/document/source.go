// Package document holds what every config check needs: positions in a
// file (1-based lines, UTF-16 columns as GitHub's SARIF uses), YAML and
// JSON(C) parsing into one positioned node tree with hostile-input limits,
// and the construction of config findings.
package document

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sprawl-dev/sprawl/detectors"
)

// Source is one file's bytes with a line index.
type Source struct {
	Path  string
	Data  []byte
	lines []int // byte offset where each line starts
}

// NewSource indexes data.
func NewSource(path string, data []byte) *Source {
	s := &Source{Path: path, Data: data, lines: []int{0}}
	for i, b := range data {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// Line returns the bytes of 1-based line n without its line ending.
func (s *Source) Line(n int) []byte {
	if n < 1 || n > len(s.lines) {
		return nil
	}
	start := s.lines[n-1]
	end := len(s.Data)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	return bytes.TrimSuffix(s.Data[start:end], []byte("\r"))
}

// LineStart returns the byte offset where 1-based line n starts.
func (s *Source) LineStart(n int) int {
	if n < 1 {
		return 0
	}
	if n > len(s.lines) {
		return len(s.Data)
	}
	return s.lines[n-1]
}

// LineOf returns the 1-based line holding byte offset off.
func (s *Source) LineOf(off int) int {
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1
}

// Offset converts a 1-based line and 1-based rune column (as yaml.v3
// reports) to a byte offset, clamped to the line.
func (s *Source) Offset(line, runeCol int) int {
	l := s.Line(line)
	start := s.LineStart(line)
	i, col := 0, 1
	for i < len(l) && col < runeCol {
		_, n := utf8.DecodeRune(l[i:])
		i += n
		col++
	}
	return start + i
}

// column returns the 1-based UTF-16 column of byte offset off.
func (s *Source) column(off int) (line, col int) {
	line = s.LineOf(off)
	start := s.LineStart(line)
	if off > len(s.Data) {
		off = len(s.Data)
	}
	col = 1
	for i := start; i < off; {
		r, n := utf8.DecodeRune(s.Data[i:])
		if n == 0 {
			break
		}
		col += len(utf16.Encode([]rune{r}))
		i += n
	}
	return line, col
}

// Span returns the location of bytes [start, end). End columns are
// exclusive and always after the start column.
func (s *Source) Span(start, end int) detectors.Location {
	if start < 0 {
		start = 0
	}
	if start > len(s.Data) {
		start = len(s.Data)
	}
	if end < start {
		end = start
	}
	sl, sc := s.column(start)
	el, ec := s.column(end)
	if el > sl && ec == 1 && end > 0 && s.Data[end-1] == '\n' {
		// a span ending with a newline ends on its own line
		el, ec = s.column(end - 1)
	}
	if el < sl || (el == sl && ec <= sc) {
		el, ec = sl, sc+1
	}
	return detectors.Location{Path: s.Path, StartLine: sl, StartColumn: sc, EndLine: el, EndColumn: ec}
}

// LineEnd returns the offset of the end of line n's content from byte
// offset from, with trailing blanks and a trailing " # comment" removed.
func (s *Source) LineEnd(n, from int) int {
	l := s.Line(n)
	start := s.LineStart(n)
	rel := from - start
	if rel < 0 || rel > len(l) {
		rel = 0
	}
	rest := l[rel:]
	if i := bytes.Index(rest, []byte(" #")); i >= 0 {
		rest = rest[:i]
	}
	rest = bytes.TrimRight(rest, " \t")
	return from + len(rest)
}

// Find returns the offset of the first occurrence of sub at or after from,
// looking at most window bytes ahead, or -1.
func (s *Source) Find(from int, sub string, window int) int {
	if from < 0 || from >= len(s.Data) || sub == "" {
		return -1
	}
	end := len(s.Data)
	if window > 0 && from+window < end {
		end = from + window
	}
	i := bytes.Index(s.Data[from:end], []byte(sub))
	if i < 0 {
		return -1
	}
	return from + i
}
