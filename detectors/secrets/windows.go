package secrets

import (
	"slices"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/zricethezav/gitleaks/v8/config"
)

// Windowing. gitleaks runs every rule whose keyword occurs anywhere in a
// fragment over the whole fragment: one "token" in a 1 MB file costs a full
// NFA pass of the generic rule. sprawl instead cuts the content into
// windows — the lines around each keyword hit (and around text the decoder
// would decode) — and hands only those to gitleaks. Findings are the same
// for every match that fits in a window; a secret spans at most a few lines
// except PEM blocks, whose windows run to the END line.

const (
	// contextLines around a hit are included in its window.
	contextLines = 1
	// maxPEMBytes bounds how far a BEGIN window reaches for its END line.
	maxPEMBytes = 64 << 10
	// minEncodedRun is the shortest base64-like run that gets a window
	// when decoding is on (gitleaks' decoder takes 16; secrets need more).
	minEncodedRun = 20
)

type window struct {
	start, end int // byte offsets into the content
	line       int // 0-based line number of start
}

type windower struct {
	trie *ahocorasick.Trie
	// whole is true when some rule has no keywords: it must see everything.
	whole  bool
	decode bool
	// composite maps keywords of rules with required companion rules
	// (gitleaks [[rules.required]]) to how many lines around a hit the
	// companion may be: withinLines when every companion sets it, else -1
	// (anywhere in the file: the whole content is scanned).
	composite map[string]int
}

func newWindower(cfg config.Config, decode bool) *windower {
	w := &windower{decode: decode, composite: map[string]int{}}
	seen := map[string]bool{}
	var kws []string
	for _, r := range cfg.Rules {
		if r.Regex == nil {
			continue // path-only rules need no content
		}
		if len(r.Keywords) == 0 {
			w.whole = true
		}
		for _, k := range r.Keywords {
			k = asciiLower(k)
			if reach := companionReach(r); reach != 0 {
				if old, ok := w.composite[k]; !ok || (old >= 0 && (reach < 0 || reach > old)) {
					w.composite[k] = reach
				}
			}
			if k != "" && !seen[k] {
				seen[k] = true
				kws = append(kws, k)
			}
		}
	}
	w.trie = ahocorasick.NewTrieBuilder().AddStrings(kws).Build()
	return w
}

// companionReach is 0 for a rule without companions, the largest
// withinLines of its companions, or -1 when one may be anywhere.
func companionReach(r config.Rule) int {
	reach := 0
	for _, req := range r.RequiredRules {
		if req.WithinLines == nil {
			return -1
		}
		reach = max(reach, *req.WithinLines)
	}
	return reach
}

// windows returns the merged windows of raw worth scanning, in order.
func (w *windower) windows(raw string) []window {
	if w.whole {
		return []window{{0, len(raw), 0}}
	}
	var spans [][2]int
	lower := asciiLower(raw)
	for _, m := range w.trie.MatchString(lower) {
		lines := contextLines
		if reach, ok := w.composite[m.MatchString()]; ok {
			if reach < 0 {
				return []window{{0, len(raw), 0}}
			}
			lines = max(lines, reach)
		}
		pos := int(m.Pos())
		s, e := expandLines(raw, pos, pos+len(m.Match()), lines)
		if strings.Contains(m.MatchString(), "begin") {
			if end := strings.Index(lower[pos:min(len(lower), pos+maxPEMBytes)], "-----end"); end >= 0 {
				_, e = expandLines(raw, pos+end, pos+end+8, 1)
			}
		}
		spans = append(spans, [2]int{s, e})
	}
	if w.decode {
		for _, r := range encodedRuns(raw) {
			s, e := expandLines(raw, r[0], r[1], 1)
			spans = append(spans, [2]int{s, e})
		}
	}
	if len(spans) == 0 {
		return nil
	}
	sortSpans(spans)
	var out []window
	cur := spans[0]
	for _, sp := range spans[1:] {
		if sp[0] <= cur[1] {
			cur[1] = max(cur[1], sp[1])
			continue
		}
		out = append(out, window{cur[0], cur[1], 0})
		cur = sp
	}
	out = append(out, window{cur[0], cur[1], 0})
	// Line numbers, counted once over the content.
	line, at := 0, 0
	for i := range out {
		line += strings.Count(raw[at:out[i].start], "\n")
		at = out[i].start
		out[i].line = line
	}
	return out
}

// expandLines grows [s, e) to whole lines plus n lines on each side.
func expandLines(raw string, s, e, n int) (int, int) {
	s = lineStart(raw, s)
	for i := 0; i < n && s > 0; i++ {
		s = lineStart(raw, s-1)
	}
	e = lineEnd(raw, max(e-1, s))
	for i := 0; i < n && e < len(raw); i++ {
		e = lineEnd(raw, e)
	}
	return s, e
}

// lineStart is the offset of the first byte of the line holding p.
func lineStart(raw string, p int) int { return strings.LastIndexByte(raw[:p], '\n') + 1 }

// lineEnd is the offset just after the newline ending the line holding p.
func lineEnd(raw string, p int) int {
	if j := strings.IndexByte(raw[p:], '\n'); j >= 0 {
		return p + j + 1
	}
	return len(raw)
}

// encodedRuns finds text gitleaks' decoder could decode into a secret:
// base64-like runs with a digit or +/ in them, %XX escapes, \uXXXX escapes.
func encodedRuns(raw string) [][2]int {
	var out [][2]int
	runStart, digits, special := -1, false, false
	flush := func(end int) {
		if runStart >= 0 && end-runStart >= minEncodedRun && (digits || special) {
			out = append(out, [2]int{runStart, end})
		}
		runStart, digits, special = -1, false, false
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '-':
		case c == '+' || c == '/' || c == '=':
			special = true
		case c == '%' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]):
			flush(i)
			out = append(out, [2]int{i, i + 3})
			continue
		case c == '\\' && i+5 < len(raw) && (raw[i+1] == 'u' || raw[i+1] == 'U'):
			flush(i)
			out = append(out, [2]int{i, i + 6})
			continue
		default:
			flush(i)
			continue
		}
		if runStart < 0 {
			runStart = i
		}
	}
	flush(len(raw))
	return out
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func sortSpans(s [][2]int) {
	slices.SortFunc(s, func(a, b [2]int) int { return a[0] - b[0] })
}

// asciiLower lower-cases ASCII letters only, keeping byte offsets.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
