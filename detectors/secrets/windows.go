package secrets

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/sprawl-dev/sprawl/detectors/secrets/dfa"
	"github.com/sprawl-dev/sprawl/detectors/secrets/keywords"
	"github.com/zricethezav/gitleaks/v8/config"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
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
)

type window struct {
	start, end int  // byte offsets into the content
	line       int  // 0-based line number of start
	col        int  // UTF-16 columns between the line's start and start
	decode     bool // holds text the decoder could decode
	// rules, when not empty, are the only rules to run on the window
	// (their ids joined by NUL); else every rule whose keyword occurs.
	rules string
}

type windower struct {
	kw *keywords.Automaton // every content rule's keywords, lower-cased
	// whole is true when some rule has no keywords: it must see everything.
	whole  bool
	decode bool
	// composite maps keywords of rules with required companion rules
	// (gitleaks [[rules.required]]) to how many lines around a hit the
	// companion may be: withinLines when every companion sets it, else -1
	// (anywhere in the file: the whole content is scanned).
	composite map[string]int
	// anywhere lists, for each such keyword whose companions may be
	// anywhere, the rules using it and their companions' patterns: a rule
	// runs on the whole content only when all of its companions match
	// somewhere in it (an empty list always needs the whole content).
	anywhere map[string][]anywhereRule
	// spanning maps keywords of rules that may match far from their
	// keywords to those rules: rules whose matches can run over any
	// number of lines (kubernetes-secret-yaml) and that apply only to
	// some paths, and rules whose matches need not hold a keyword
	// (facebook-access-token: keyword "facebook", match a number, "|" and
	// a hash), which gitleaks runs wherever the keyword is in the
	// fragment. In a file (on such a path) that the rule matches
	// somewhere, a hit makes the rule run alone: on the whole content, or,
	// when its matches span few lines (spanningRule.reach), on the lines it
	// matches (matchedLines).
	spanning map[string][]spanningRule
	// far adds the rules whose matches may be far from their keywords
	// (farFromKeywords) to spanning and marks their keywords special;
	// windows calls it before reading either.
	far func()
	// minKeyword is the shortest keyword's length: shorter lines hold none.
	minKeyword int
	memo       *lineMemo
	// special marks (by index in kw) the keywords whose windows depend on
	// where they are: PEM headers and keywords of rules with companions.
	special []bool
	// below maps keywords of rules without a path whose matches start at
	// the keyword and can run over any number of lines (curl-auth-user: a
	// curl command continued over lines up to its -u option) to how many
	// lines below a hit their windows reach.
	below map[string]int
	// belowRules maps the same keywords to the ids of those rules, joined
	// by NUL: the only rules a deep window (appendDeep) runs.
	belowRules map[string]string
	// pemRules maps PEM keywords ("-----begin") to the ids of the rules
	// using them, joined by NUL: the rules a header swallowed by the
	// match before it runs again on (see windows).
	pemRules map[string]string
	// checks holds, by index in kw, the line checks (see lineFactor) of
	// the rules using the keyword, when every such rule has one: a line
	// with the keyword is a hit only if one of them matches it. nil, or a
	// func returning nil, means the keyword alone makes a hit. Each is
	// worked out the first time its keyword occurs.
	checks []func() []*dfa.Matcher
}

func newWindower(cfg config.Config, decode bool) *windower {
	w := &windower{decode: decode, composite: map[string]int{}, anywhere: map[string][]anywhereRule{},
		spanning: map[string][]spanningRule{}, below: map[string]int{}, belowRules: map[string]string{}, pemRules: map[string]string{},
		memo: newLineMemo(memoSlots), minKeyword: 1 << 30}
	seen := map[string]bool{}
	var kws []string
	checkOf := map[string][]func() *dfa.Matcher{} // the line checks of the rules using a keyword
	var farCands []farCandidate                   // rules whose matches may be far from their keywords
	for _, r := range cfg.Rules {
		if r.Regex == nil {
			continue // path-only rules need no content
		}
		if len(r.Keywords) == 0 {
			w.whole = true
		}
		lower := make([]string, len(r.Keywords))
		for i, k := range r.Keywords {
			lower[i] = asciiLower(k)
		}
		var spanning *spanningRule
		if r.Path != nil && spansAnyLines(r.Regex.String()) {
			spanning = newSpanningRule(r)
		} else {
			farCands = append(farCands, farCandidate{r, lower})
		}
		check := sync.OnceValue(func() *dfa.Matcher {
			if tree := lineFactor(r.Regex.String(), lower); tree != nil {
				m, _ := dfa.CompileRegexp(tree)
				return m
			}
			return nil // the keyword alone makes a hit
		})
		reachBelow := 0
		if r.Path == nil {
			reachBelow = reachesBelow(r.Regex.String(), lower)
		}
		for _, k := range lower {
			checkOf[k] = append(checkOf[k], check)
			if strings.Contains(k, "begin") {
				w.pemRules[k] = joinIDs(w.pemRules[k], r.RuleID)
			}
			if reachBelow > 0 && !strings.Contains(k, "begin") { // PEM blocks have windows of their own
				w.below[k] = max(w.below[k], reachBelow)
				w.belowRules[k] = joinIDs(w.belowRules[k], r.RuleID)
			}
			if spanning != nil && !strings.Contains(k, "begin") { // PEM blocks have windows of their own
				w.spanning[k] = append(w.spanning[k], *spanning)
			}
			if reach := companionReach(r); reach != 0 {
				if old, ok := w.composite[k]; !ok || (old >= 0 && (reach < 0 || reach > old)) {
					w.composite[k] = reach
				}
				if reach < 0 {
					w.anywhere[k] = append(w.anywhere[k], anywhereRule{ids: ruleAndCompanions(r), comps: companionPatterns(cfg, r)})
				}
			}
			if k != "" && !seen[k] {
				seen[k] = true
				w.minKeyword = min(w.minKeyword, len(k))
				kws = append(kws, k)
			}
		}
	}
	w.kw = keywords.New(kws)
	w.special = make([]bool, len(kws))
	// Which rules match far from their keywords takes parsing every
	// pattern (several milliseconds a pre-commit hook would wait for): it
	// is worked out on the side, and windows waits for it.
	index := make(map[string]int, len(kws))
	for i, k := range kws {
		index[k] = i
	}
	w.far = sync.OnceFunc(func() {
		for _, c := range farCands {
			if !farFromKeywords(c.rule, c.keywords) {
				continue
			}
			sr := newSpanningRule(c.rule)
			if re, err := syntax.Parse(c.rule.Regex.String(), syntax.Perl); err == nil && len(c.rule.RequiredRules) == 0 {
				sr.reach = maxNewlines(re)
				sr.marks = neededMarks(re)
			}
			for _, k := range c.keywords {
				if k != "" && !strings.Contains(k, "begin") { // PEM blocks have windows of their own
					w.spanning[k] = append(w.spanning[k], *sr)
					w.special[index[k]] = true
				}
			}
		}
	})
	w.checks = make([]func() []*dfa.Matcher, len(kws))
	for i, k := range kws {
		_, composite := w.composite[k]
		_, spanning := w.spanning[k]
		_, below := w.below[k]
		w.special[i] = composite || spanning || below || strings.Contains(k, "begin")
		if !w.special[i] {
			rules := checkOf[k]
			w.checks[i] = sync.OnceValue(func() []*dfa.Matcher {
				var ms []*dfa.Matcher
				for _, check := range rules {
					m := check()
					if m == nil {
						return nil
					}
					if !slices.Contains(ms, m) {
						ms = append(ms, m)
					}
				}
				return ms
			})
		}
	}
	go w.far() // after everything above: it writes spanning and special
	return w
}

// lineCheck reports whether a line holding keyword k may hold a match of
// a rule using k (see lineFactor).
func (w *windower) lineCheck(k int, line string) bool {
	if w.checks[k] == nil {
		return true
	}
	ms := w.checks[k]()
	if ms == nil {
		return true
	}
	for _, m := range ms {
		if matched, ok := m.MatchString(line); matched || !ok {
			return true
		}
	}
	return false
}

// companion is a companion rule's pattern and a literal every match of it
// contains ("" when none is known), so that most contents are ruled out
// by a substring search.
type companion struct {
	exists  func() *existence // whether it matches somewhere, built on first use
	literal string
	fold    bool // the literal matches in any case
}

// companionPatterns are the patterns of r's companions, or nil when one
// cannot be checked in advance (it has no pattern).
func companionPatterns(cfg config.Config, r config.Rule) []companion {
	var out []companion
	for _, req := range r.RequiredRules {
		c, ok := cfg.Rules[req.RuleID]
		if !ok || c.Regex == nil {
			return nil
		}
		lit, fold := requiredLiteral(c.Regex.String())
		re := c.Regex
		out = append(out, companion{exists: sync.OnceValue(func() *existence { return newExistence(re) }), literal: lit, fold: fold})
	}
	return out
}

// requiredLiteral returns the longest literal that every match of the
// pattern contains, and whether it matches case-insensitively: the
// longest literal among the top-level parts of a concatenation ("" when
// the pattern is not one, or has no literal part).
func requiredLiteral(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	parts := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		parts = re.Sub
	}
	best, fold := "", false
	for _, p := range parts {
		lit, f := string(p.Rune), p.Flags&syntax.FoldCase != 0
		// k and s also fold to non-ASCII letters (K, ſ): skip such literals.
		if p.Op != syntax.OpLiteral || f && strings.ContainsAny(lit, "kKsS") {
			continue
		}
		if f {
			lit = asciiLower(lit)
		}
		if len(lit) > len(best) {
			best, fold = lit, f
		}
	}
	return best, fold
}

// contains reports whether s holds lit (in any ASCII case with fold).
func contains(s, lit string, fold bool) bool {
	if !fold {
		return strings.Contains(s, lit)
	}
	lit = asciiLower(lit)
	for i := 0; i+len(lit) <= len(s); i++ {
		j := strings.IndexByte(s[i:], lit[0])
		k := -1
		if c := lit[0]; c >= 'a' && c <= 'z' {
			k = strings.IndexByte(s[i:], c-'a'+'A')
		}
		switch {
		case j < 0 && k < 0:
			return false
		case j < 0 || (k >= 0 && k < j):
			j = k
		}
		i += j
		if i+len(lit) <= len(s) && strings.EqualFold(s[i:i+len(lit)], lit) {
			return true
		}
	}
	return false
}

// anywhereRule is a rule whose companions may be anywhere in a file.
type anywhereRule struct {
	ids   []string // the rule's id and its companions'
	comps []companion
}

// ruleAndCompanions returns r's id and the ids of its required rules.
func ruleAndCompanions(r config.Rule) []string {
	ids := []string{r.RuleID}
	for _, req := range r.RequiredRules {
		ids = append(ids, req.RuleID)
	}
	return ids
}

// wholeRules returns the ids of the rules (with their companions) that a
// hit of keyword k in raw needs to run on the whole content: the rules
// using k whose every companion matches somewhere in raw. Without that, a
// rule cannot report anything and the hit is an ordinary one.
func (w *windower) wholeRules(k, raw string) []string {
	var ids []string
	for _, r := range w.anywhere[k] {
		all := true
		for _, c := range r.comps {
			if c.literal != "" && !contains(raw, c.literal, c.fold) || !c.exists().MatchString(raw) {
				all = false
				break
			}
		}
		if all {
			ids = append(ids, r.ids...)
		}
	}
	return ids
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

// windows returns the windows of raw worth scanning, in order: merged
// spans around hits, cut into chunks of at most maxChunkLines lines (and
// maxChunkBytes within a very long line) at content-defined line breaks, so
// that an edit elsewhere in a file leaves a chunk's text — and its cache
// entry — unchanged. Neighbouring chunks share a line; PEM blocks are
// never cut.
func (w *windower) windows(raw, path string) []window {
	w.far()
	if w.whole {
		return w.chunk(newLineTable(raw), []span{{0, len(raw), w.decode, true}}, new(windowScratch))
	}
	// One pass over the lines: a line the memo knows costs a hash and a
	// probe; only new lines are classified, and only flagged lines are
	// searched for their hits. Keywords and decodable text never span a
	// newline, so line by line finds what a whole-content pass finds.
	// Hash every line long enough to matter, then probe the memo for all
	// of them in batches (see getBatch).
	sc := scratchPool.Get().(*windowScratch)
	defer scratchPool.Put(sc)
	lt := &lineTable{raw: raw, nl: sc.nl[:0]}
	defer func() { sc.nl = keep(lt.nl) }()
	cand, hs := sc.cand[:0], sc.hs[:0]
	for at := 0; at < len(raw); {
		end, line := len(raw), len(lt.nl)
		if j := strings.IndexByte(raw[at:], '\n'); j >= 0 {
			end = at + j
			lt.nl = append(lt.nl, end)
		}
		if end-at >= w.minKeyword || (w.decode && end-at >= 3) {
			cand = append(cand, int32(line))
			hs = append(hs, w.memo.hash(raw[at:end]))
		}
		at = end + 1
	}
	flags := slices.Grow(sc.flags[:0], len(hs))[:len(hs)]
	sc.nearGet(w.memo, hs, flags)
	sc.cand, sc.hs, sc.flags = keep(cand), keep(hs), keep(flags)
	todo := sc.todo[:0]
	defer func() { sc.todo = keep(todo) }()
	for i, c := range cand {
		f := flags[i]
		if f == 0 {
			at, end := lt.text(int(c))
			f = w.classify(raw[at:end])
			w.memo.put(hs[i], f)
			sc.nearPut(hs[i], f)
		}
		if f&(memoHit|memoEncoded) != 0 {
			at, end := lt.text(int(c))
			todo = append(todo, flagged{at, end, int(c), f})
		}
	}
	anyDecode := false
	for _, fl := range todo {
		anyDecode = anyDecode || fl.flags&memoEncoded != 0
	}
	var pemEnds pemEndIndex            // where "-----END" markers are, found once
	var whole map[string]bool          // keywords whose wholeRules were added
	var wholeIDs []string              // rules to run on the whole content
	var checked map[*spanningRule]bool // spanning rules checked against this content
	var near []*spanningRule           // those of them that match, matches over a few lines
	var deep []window                  // windows of their own (appendDeep, swallowed PEM headers)
	pemReach := -1                     // where the last PEM match a header starts ends
	spans := sc.spans[:0]
	defer func() { sc.spans = keep(spans) }()
	for _, fl := range todo {
		// A plain hit or an encoded run: the line and its neighbours.
		if fl.flags&memoEncoded != 0 {
			s, e := lt.lines(fl.line-1, fl.line+1)
			spans = append(spans, span{s, e, true, false})
		}
		if fl.flags&memoSpecial == 0 {
			if fl.flags&memoHit != 0 {
				// Past blank lines when they follow: a value may sit below
				// its key (and a keyword in the value below the rest of
				// its match). Such a window is not cut.
				first := lt.beforeGapLines(fl.line - contextLines)
				last := lt.pastGapLines(fl.line + contextLines)
				s, e := lt.lines(first, last)
				spans = append(spans, span{s, e, false, first < fl.line-contextLines || last > fl.line+contextLines})
			}
			continue
		}
		// A PEM header or a rule with companions: where the hits are
		// decides how far the window reaches.
		line := raw[fl.start:fl.end]
		type kwHit struct{ pos, keyword int }
		var hits []kwHit
		w.kw.Each(line, func(end, k int) bool {
			hits = append(hits, kwHit{end - len(w.kw.Keywords()[k]), k})
			return true
		})
		var deepDone []string // keywords of this line given a deep window
		for _, h := range hits {
			k := w.kw.Keywords()[h.keyword]
			for j := range w.spanning[k] {
				// Each rule is checked once per content: the check reads
				// all of it, and a file can hold its keyword on thousands
				// of lines (gitleaks/fake-leaks took 27 s, quadratic). A
				// rule that matches runs on the whole content, alone; the
				// other rules keep to their windows.
				sr := &w.spanning[k][j]
				if checked[sr] {
					continue
				}
				if checked == nil {
					checked = map[*spanningRule]bool{}
				}
				checked[sr] = true
				if sr.path != nil && !sr.path.MatchString(path) {
					continue
				}
				if sr.reach >= 0 && sr.reach <= maxGapLines {
					// Its matches span a few lines: matchedLines checks
					// the lines, each text once a goroutine (the far
					// cache), where a check of the whole content read
					// every version of a file whole — the 3,600 versions
					// of a 400 KB changelog naming Facebook cost FastAPI's
					// history most of its time.
					if sr.marks == "" || containsMark(raw, sr.marks) {
						near = append(near, sr)
					}
				} else if sr.exists().MatchString(raw) {
					wholeIDs = append(wholeIDs, sr.ids...)
				}
			}
			lines, keep := contextLines, false
			if reach, ok := w.composite[k]; ok {
				// A rule and its required companion must land in one chunk.
				keep = true
				if reach < 0 && !whole[k] {
					// Only the rules with companions anywhere (and those
					// companions) see the whole content; every other rule
					// keeps to its windows. All rules on all of a file
					// that holds a Docker config's "auth" cost
					// gitleaks/fake-leaks's history half its time.
					if whole == nil {
						whole = map[string]bool{}
					}
					whole[k] = true
					wholeIDs = append(wholeIDs, w.wholeRules(k, raw)...)
				}
				lines = max(lines, reach)
			}
			pos := fl.start + h.pos
			s, e := lt.expand(pos, pos+len(k), lines)
			if last := lt.pastGapLines(fl.line + lines); last > fl.line+lines {
				_, e = lt.lines(fl.line, last) // a value may sit below its key
				keep = true
			}
			if first := lt.beforeGapLines(fl.line - lines); first < fl.line-lines {
				s, _ = lt.lines(first, fl.line)
				keep = true
			}
			if n, ok := w.below[k]; ok && !slices.Contains(deepDone, k) {
				// Once a line and keyword: the first hit's window holds
				// the later ones' (a minified line may hold thousands).
				deepDone = append(deepDone, k)
				deep = w.appendDeep(deep, lt, fl.line, pos, k, n)
			}
			if strings.Contains(k, "begin") {
				block := raw[pos:min(len(raw), pos+maxPEMBytes)]
				end := pemEnds.next(raw, pos, len(block))
				// gitleaks' private-key rule ends at the first "KEY-----"
				// 64 characters past its header, which may lie beyond the
				// first END marker (or where there is none).
				ke := privateKeyEnd(block)
				if ke > end {
					end = ke
				}
				if ke >= 0 {
					if pos < pemReach {
						// The match of an earlier header runs past this one
						// (a placeholder header, a header in code, a
						// truncated key): gitleaks' private-key match from
						// there swallows this header and the key below it,
						// and the next match starts past its END. This
						// header's own match runs in a window of its own
						// when it holds a key (not when it swallows the
						// next header in turn, as in code that lists them).
						if keyLikeBody(block[len("-----begin"):ke]) {
							deep = append(deep, w.pemWindow(lt, pos, ke+len("KEY-----"), k))
						}
					} else {
						pemReach = pos + ke + len("KEY-----")
					}
				}
				if end >= 0 {
					_, e = lt.expand(pos+end, pos+end+8, 1)
					spans = append(spans, span{s, e, false, true})
					continue
				}
			}
			spans = append(spans, span{s, e, false, keep})
		}
	}
	out := append(w.chunk(lt, spans, sc), deep...)
	if len(near) > 0 {
		out = append(out, w.matchedLines(lt, near, sc)...)
	}
	if len(wholeIDs) > 0 {
		slices.Sort(wholeIDs)
		rules := strings.Join(slices.Compact(wholeIDs), "\x00")
		for _, win := range w.chunk(lt, []span{{0, len(raw), anyDecode, true}}, sc) {
			win.rules = rules
			out = append(out, win)
		}
	}
	return out
}

// matchedLines returns windows for rules that match in lt's content far
// from their keywords, each match within reach newlines: the lines a match
// starts on and the reach lines below, running their rules whatever the
// window's keywords (forcePrefix). Running them on the whole content
// instead, decoded, cost every version of a megabyte of test output in
// CredSweeper's history a pass of gitleaks' decoder (twenty times
// gitleaks' own time on that history).
func (w *windower) matchedLines(lt *lineTable, rules []*spanningRule, sc *windowScratch) []window {
	var out []window
	raw := lt.raw
	lines := len(lt.nl) + 1
	if sc.far == nil {
		sc.far = make([]uint64, farSlots)
	}
	for line := 0; line < lines; line++ {
		var ids []string
		last := line
		for _, sr := range rules {
			s, e := lt.lines(line, line+sr.reach)
			if w.farMatch(sr, raw[s:e], sc.far) {
				ids = append(ids, sr.ids...)
				last = max(last, line+sr.reach)
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		only := forcePrefix + strings.Join(slices.Compact(ids), "\x00")
		s, e := lt.lines(line, last)
		for _, win := range w.chunk(lt, []span{{s, e, false, true}}, sc) {
			win.rules = only
			out = append(out, win)
		}
	}
	return out
}

// farSlots is the size of each goroutine's far cache: 128 KiB.
const farSlots = 1 << 14

// farMatch reports whether sr matches in text (the lines a match starting
// on a line can reach), remembering the answer in far, a direct-mapped
// table of the goroutine's: the versions of a file in history repeat most
// of each other's lines, and the answer for the same text and rule is the
// same. A rule with one punctuation mark looks for it first (one vector
// search, cheaper than a hash); with several marks the hash comes first,
// as the search for any of them costs a loop over the bytes.
func (w *windower) farMatch(sr *spanningRule, text string, far []uint64) bool {
	if len(sr.marks) == 1 && strings.IndexByte(text, sr.marks[0]) < 0 {
		return false
	}
	key := (w.memo.hash(text)^sr.salt)&^3 | 1 // bit 0 set: never an empty slot; bit 1: the answer
	slot := &far[key>>32&(farSlots-1)]
	if *slot&^2 == key {
		return *slot&2 != 0
	}
	hit := (len(sr.marks) < 2 || containsMark(text, sr.marks)) && sr.exists().MatchString(text)
	*slot = key
	if hit {
		*slot |= 2
	}
	return hit
}

// containsMark reports whether s holds one of marks, ASCII punctuation
// marks: for a few, one vectorised search a mark, where
// strings.ContainsAny steps through s a byte at a time (a 400 KB
// changelog in each of its 3,600 versions).
func containsMark(s, marks string) bool {
	if len(marks) > 4 {
		return strings.ContainsAny(s, marks)
	}
	for i := 0; i < len(marks); i++ {
		if strings.IndexByte(s, marks[i]) >= 0 {
			return true
		}
	}
	return false
}

// appendDeep appends to deep a window of its own for a match that may run
// on over the lines below its keyword (windower.below): from the keyword's
// line to n lines below, or to the line before the keyword's next
// occurrence — one curl command each, as gitleaks, which sees a commit's
// added lines, mostly finds them. Merged with the windows around, the
// pattern's greedy line count would carry a match from one command into
// a later one and skip the commands in between.
//
// A keyword line too long for that (a minified file) gives a window from a
// piece before the keyword at pos instead.
func (w *windower) appendDeep(deep []window, lt *lineTable, line, pos int, k string, n int) []window {
	last := line
	for l := line + 1; l <= line+n && l <= len(lt.nl); l++ {
		s, e := lt.lines(l, l)
		if s == e {
			// Past a final newline there is no line: the deep window
			// of a one-line minified file was the whole file, for every
			// rule, again in every version.
			break
		}
		if contains(lt.raw[s:e], k, true) {
			break
		}
		last = l
	}
	s, e := lt.lines(line, last)
	if last == line {
		return deep // the keyword's own window covers it
	}
	col := 0
	if e-s > maxDeepBytes {
		from := max(s, pos-chunkOverlap)
		if e-from > maxDeepBytes {
			// From the line's last hit of k, then (called once a line
			// and keyword).
			_, le := lt.lines(line, line)
			if i := lastIndexFold(lt.raw[pos:le], k); i > 0 {
				from = max(s, pos+i-chunkOverlap)
			}
		}
		if e-from > maxDeepBytes {
			return deep // too long to follow
		}
		if from > s {
			s, col = from, utf16Len(lt.raw[s:from])
		}
	}
	// Only the rules that reach below run on it: the others have the
	// keyword line's own windows, and a one-line minified file with a
	// comment below it made this window the whole file, for every rule
	// (axios' dist/ had generic-api-key's NFA over 54 KB a version).
	return append(deep, window{start: s, end: e, line: line, col: col, rules: w.belowRules[k]})
}

// keyLikeBody reports whether the text after a PEM header, to where its
// private-key match ends, looks like a key: no other header in it, and a run
// of 40 base64 characters (a line of a key's body; in a JSON string the
// lines are runs between "\n" escapes).
func keyLikeBody(body string) bool {
	if contains(body, "-----begin", true) {
		return false
	}
	for i := 0; i < len(body); i++ {
		n := base64Run(body[i:])
		if n >= 40 {
			return true
		}
		i += n
	}
	return false
}

// pemWindow is the window of a PEM header at pos whose private-key match,
// n bytes long, an earlier header's match swallows: from the header's line
// (from the header itself when another header precedes it on the line) to
// the match's last line, running only the rules of keyword k.
func (w *windower) pemWindow(lt *lineTable, pos, n int, k string) window {
	s, e := lt.start(pos), lt.end(pos+n-1)
	line := sort.SearchInts(lt.nl, pos) // newlines before pos
	col := 0
	if lastIndexFold(lt.raw[s:pos], "-----begin") >= 0 {
		s, col = pos, utf16Len(lt.raw[s:pos])
	}
	return window{start: s, end: e, line: line, col: col, rules: w.pemRules[k]}
}

// joinIDs adds id to a NUL-joined, sorted list of rule ids.
func joinIDs(list, id string) string {
	ids := []string{id}
	if list != "" {
		ids = append(ids, strings.Split(list, "\x00")...)
	}
	slices.Sort(ids)
	return strings.Join(slices.Compact(ids), "\x00")
}

// maxDeepBytes bounds a deep window (appendDeep).
const maxDeepBytes = 4 * maxChunkBytes

// windowScratch holds windows' per-call buffers, reused across calls.
type windowScratch struct {
	nl    []int     // the content's newline offsets (its lineTable)
	cand  []int32   // lines worth a memo probe, by number (bounds from nl)
	hs    []uint64  // their hashes
	flags []uint64  // their memo flags
	todo  []flagged // the lines with a hit or an encoded run
	spans []span    // windows' spans before chunk merges them
	// chunk's merged spans, and the spans to decode and not to cut
	merged, decodes, pems []span

	// near is a small direct-mapped copy of the memo's answers for the
	// lines this scratch's goroutine met lately (see nearGet).
	near []uint64
	// far remembers which rules that match far from their keywords
	// matched which lines lately (see farMatch).
	far []uint64
	// missAt, missH and missF hold the lines near does not know, for
	// one batched probe of the memo.
	missAt []int
	missH  []uint64
	missF  []uint64
}

// nearSlots is the size of each goroutine's near table: 256 KiB, which
// the core's own cache holds.
const nearSlots = 1 << 15

// nearGet writes the memo's flags for the lines with hashes hs to flags
// (0 when unknown), asking near first. A history scan meets a file's
// versions one after another (pack order follows delta chains), so most
// of a blob's lines were in the previous blob this goroutine scanned: a
// probe of near is a cache hit, while a probe of the memo's big table is
// a trip to memory.
func (sc *windowScratch) nearGet(m *lineMemo, hs, flags []uint64) {
	if sc.near == nil {
		sc.near = make([]uint64, nearSlots)
	}
	missAt, missH := sc.missAt[:0], sc.missH[:0]
	for i, h := range hs {
		if v := sc.near[h>>40&(nearSlots-1)]; v != 0 && v&^memoFlags == h&^memoFlags {
			flags[i] = v & memoFlags
			continue
		}
		flags[i] = 0
		missAt, missH = append(missAt, i), append(missH, h)
	}
	if len(missH) > 0 {
		missF := slices.Grow(sc.missF[:0], len(missH))[:len(missH)]
		m.getBatch(missH, missF)
		for k, i := range missAt {
			if f := missF[k]; f != 0 {
				flags[i] = f
				sc.nearPut(missH[k], f)
			}
		}
		sc.missF = keep(missF)
	}
	sc.missAt, sc.missH = keep(missAt), keep(missH)
}

// nearPut remembers in near that the line with hash h has flags.
func (sc *windowScratch) nearPut(h, flags uint64) {
	sc.near[h>>40&(nearSlots-1)] = h&^memoFlags | flags | memoKnown
}

// flagged is a line the memo flags: where it is and its flags.
type flagged struct {
	start, end, line int
	flags            uint64
}

var scratchPool = sync.Pool{New: func() any { return new(windowScratch) }}

// keep returns s for reuse, or nil when a huge content grew it: the pool
// should not pin megabytes for the odd 50 MB file.
func keep[T any](s []T) []T {
	if cap(s) > 1<<18 {
		return nil
	}
	return s
}

// classify computes a new line's memo flags.
func (w *windower) classify(line string) uint64 {
	var flags uint64
	if len(line) >= w.minKeyword {
		// Keywords with line checks are checked once each, after the
		// pass, and only while no other keyword has made the line a hit.
		var pending [8]int
		n := 0
		w.kw.Each(line, func(_, k int) bool {
			switch {
			case w.special[k]:
				flags |= memoHit | memoSpecial
				return false // nothing more to learn
			case flags&memoHit != 0:
			case w.checks[k] == nil:
				flags |= memoHit
			case slices.Contains(pending[:n], k):
			case n == len(pending):
				flags |= memoHit // too many to check: a hit, as without checks
			default:
				pending[n] = k
				n++
			}
			return true
		})
		for _, k := range pending[:n] {
			if flags&memoHit != 0 {
				break
			}
			if w.lineCheck(k, line) {
				flags |= memoHit
			}
		}
	}
	if w.decode && mightDecode(line) {
		flags |= memoEncoded
	}
	return flags
}

// privateKeyHeader is the start of a match of gitleaks' private-key rule.
var privateKeyHeader = regexp.MustCompile(`(?i)^-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----`)

// privateKeyEnd is the offset in s (which starts at a "-----BEGIN") of
// the terminator a match of gitleaks' private-key rule,
// -----BEGIN…PRIVATE KEY-----[\s\S-]{64,}?KEY(?: BLOCK)?-----, would end
// with: the first "KEY-----" or "KEY BLOCK-----" (any case) at least 64
// characters past the header; -1 when s holds none.
func privateKeyEnd(s string) int {
	h := privateKeyHeader.FindStringIndex(s)
	if h == nil {
		return -1
	}
	at := h[1]
	for n := 0; n < 64 && at < len(s); n++ {
		_, w := utf8.DecodeRuneInString(s[at:])
		at += w
	}
	// Each "-----" from there on, in order, is checked for a "KEY" or
	// "KEY BLOCK" just before it (a block of many keys used to be
	// lower-cased whole for every header in it).
	rest := s[at:]
	for off := 0; ; {
		i := strings.Index(rest[off:], "-----")
		if i < 0 {
			return -1
		}
		p := off + i
		// EqualFold on as many bytes as the ASCII word has: a non-ASCII
		// letter that folds to k would make the rune counts differ.
		if p >= 9 && strings.EqualFold(rest[p-9:p], "key block") {
			return at + p - 9
		}
		if p >= 3 && strings.EqualFold(rest[p-3:p], "key") {
			return at + p - 3
		}
		off = p + 1
	}
}

// pemEndIndex finds the "-----END" markers of a content once, for all of
// its PEM headers: searching each header's next 64 KiB made a file of
// 20,000 headers and no END quadratic.
type pemEndIndex struct {
	ends []int // offsets of every "-----END" (any case)
	done bool
}

// next returns the offset, from pos, of the first "-----END" at or after
// pos whose "END" lies within n bytes of pos, or -1.
func (x *pemEndIndex) next(raw string, pos, n int) int {
	if !x.done {
		x.done = true
		for at := 0; ; at++ {
			i := strings.Index(raw[at:], "-----")
			if i < 0 {
				break
			}
			at += i
			if len(raw)-at >= 8 && (raw[at+5]|0x20) == 'e' && (raw[at+6]|0x20) == 'n' && (raw[at+7]|0x20) == 'd' {
				x.ends = append(x.ends, at)
			}
		}
	}
	i := sort.SearchInts(x.ends, pos)
	if i < len(x.ends) && x.ends[i]+8 <= pos+n {
		return x.ends[i] - pos
	}
	return -1
}

const (
	maxChunkLines = 48
	minChunkLines = 6
	maxChunkBytes = 32 << 10
	// chunkOverlap is how much of a long line neighbouring chunks share.
	chunkOverlap = 1 << 10
)

// chunk merges spans and cuts the merged spans into windows.
func (w *windower) chunk(lt *lineTable, spans []span, sc *windowScratch) []window {
	raw := lt.raw
	if len(spans) == 0 {
		return nil
	}
	if !slices.IsSortedFunc(spans, func(a, b span) int { return a.start - b.start }) {
		slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	}
	merged, decodes, pems := sc.merged[:0], sc.decodes[:0], sc.pems[:0]
	defer func() { sc.merged, sc.decodes, sc.pems = keep(merged), keep(decodes), keep(pems) }()
	for _, sp := range spans {
		if sp.decode {
			decodes = append(decodes, sp)
		}
		if sp.nosplit {
			pems = append(pems, sp)
		}
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, span{start: sp.start, end: sp.end})
	}
	// PEM spans, merged; cuts are tried at increasing offsets, so one
	// index walks them (a loop over every span for every cut was
	// quadratic in a file of thousands of headers).
	var pemRuns []span
	for _, sp := range pems {
		if n := len(pemRuns); n > 0 && sp.start <= pemRuns[n-1].end {
			pemRuns[n-1].end = max(pemRuns[n-1].end, sp.end)
			continue
		}
		pemRuns = append(pemRuns, span{start: sp.start, end: sp.end})
	}
	pemAt := 0
	inPEM := func(p int) bool {
		for pemAt < len(pemRuns) && pemRuns[pemAt].end <= p {
			pemAt++
		}
		return pemAt < len(pemRuns) && pemRuns[pemAt].start < p
	}
	out := make([]window, 0, len(merged)+len(merged)/2)
	for _, m := range merged {
		start, lines := m.start, 0
		next := sort.SearchInts(lt.nl, m.start) // the newline ending the line at m.start
		for at := m.start; at < m.end; {
			end := len(raw)
			if next < len(lt.nl) {
				end = lt.nl[next] + 1
			}
			next++
			if end > m.end {
				end = m.end
			}
			if end-at > maxChunkBytes {
				// A very long line: close the chunk before it, then cut
				// the line itself into overlapping pieces. The first piece
				// starts at the line before (a key above a value that
				// starts the long line) and the chunk after it starts at
				// the last piece (a key that ends the long line above its
				// value), as the chunks of short lines share a line.
				from := at
				if at > start {
					above, _ := lt.lines(lt.beforeGapLines(next-2), 0)
					from = max(start, above)
					if from > start {
						out = append(out, window{start: start, end: at})
					}
				}
				pieces := splitLine(raw, from, end)
				last := pieces[len(pieces)-1]
				out = append(out, pieces[:len(pieces)-1]...)
				start, lines, at = last.start, 1, end
				continue
			}
			lines++
			cut := lines >= maxChunkLines || (lines >= minChunkLines && lineHash(raw[at:end])%8 == 0)
			if cut && end < m.end && !inPEM(end) {
				out = append(out, window{start: start, end: end})
				start, lines = at, 1 // the next chunk repeats this line
			}
			at = end
		}
		if start < m.end {
			out = append(out, window{start: start, end: m.end})
		}
	}
	// Line numbers (the newlines before each window) and columns; decode
	// flags.
	for i := range out {
		out[i].line = sort.SearchInts(lt.nl, out[i].start)
		if ls := lt.start(out[i].start); ls < out[i].start {
			// Pieces of one long line: count columns from the previous
			// piece, not from the line's start (quadratic on a 50 MB line).
			from, col := ls, 0
			if i > 0 && out[i-1].start >= ls && out[i-1].start <= out[i].start {
				from, col = out[i-1].start, out[i-1].col
			}
			out[i].col = col + utf16Len(raw[from:out[i].start])
		}
		for _, d := range decodes {
			if d.start < out[i].end && out[i].start < d.end {
				out[i].decode = true
				break
			}
		}
	}
	return out
}

// splitLine cuts raw[s:e], one long line, into pieces that overlap by
// about chunkOverlap. Where a piece ends is content-defined (cutPoint): an
// edit changes the pieces around it only, and the others keep their text
// — and their window cache entries — from version to version. Pieces cut
// at fixed offsets from the line's start made every piece after an edit
// new: each version of a one-line search index of a documentation site
// (mkdocs' search_index.json, a megabyte) was scanned whole, which cost
// Django REST framework's history more time than the rest of it.
func splitLine(raw string, s, e int) []window {
	var out []window
	for s < e {
		end := e
		if e-s > maxChunkBytes {
			end = cutPoint(raw, s, s+minPieceBytes, s+maxChunkBytes)
		}
		out = append(out, window{start: s, end: end})
		if end == e {
			break
		}
		s = max(end-chunkOverlap, s+1)
		if j := strings.IndexAny(raw[s:end], " ,;\t"); j >= 0 {
			s += j + 1
		}
	}
	return out
}

const (
	// minPieceBytes is the least a piece of a long line holds before a
	// content-defined cut; pieces average about twice that.
	minPieceBytes = 4 << 10
	// pieceMask picks content-defined cuts: one position in 4,096. It
	// tests the hash's top bits, which the last 64 bytes all feed (the
	// low bits see only the last few).
	pieceMask = (1<<12 - 1) << 52
)

// gear is a table of random 64-bit values, one per byte, for cutPoint's
// rolling hash (FastCDC's "gear"): the hash at a position depends on the
// 64 bytes before it only.
var gear = func() (t [256]uint64) {
	x := uint64(0x9e3779b97f4a7c15)
	for i := range t {
		// splitmix64
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		t[i] = z ^ z>>31
	}
	return t
}()

// cutPoint returns where a piece of raw starting at s ends: the first
// position in [lo, hi) whose rolling hash of the bytes before it has its
// low bits clear, or hi, moved back past a separator when one is near so
// that tokens stay whole.
func cutPoint(raw string, s, lo, hi int) int {
	var h uint64
	for i := max(s, lo-64); i < hi; i++ {
		h = h<<1 + gear[raw[i]]
		if i+1 >= lo && h&pieceMask == 0 {
			return i + 1
		}
	}
	if j := strings.LastIndexAny(raw[hi-chunkOverlap/2:hi], " ,;\t"); j >= 0 {
		return hi - chunkOverlap/2 + j + 1
	}
	return hi
}

// lineHash is FNV-1a of a line, for content-defined chunk boundaries.
func lineHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// lineTable finds line boundaries by binary search over the newline
// offsets, so that many hits on one long line cost O(log n) each.
type lineTable struct {
	raw string
	nl  []int // offsets of '\n'
}

func newLineTable(raw string) *lineTable {
	t := &lineTable{raw: raw}
	for at := 0; ; {
		j := strings.IndexByte(raw[at:], '\n')
		if j < 0 {
			return t
		}
		t.nl = append(t.nl, at+j)
		at += j + 1
	}
}

// start is the offset of the first byte of the line holding p.
func (t *lineTable) start(p int) int {
	i := sort.SearchInts(t.nl, p) // first newline at or after p
	if i == 0 {
		return 0
	}
	return t.nl[i-1] + 1
}

// end is the offset just after the newline ending the line holding p.
func (t *lineTable) end(p int) int {
	i := sort.SearchInts(t.nl, p)
	if i == len(t.nl) {
		return len(t.raw)
	}
	return t.nl[i] + 1
}

// lines is the extent of lines first to last (0-based, clamped to the
// content), the last one's newline included.
func (t *lineTable) lines(first, last int) (int, int) {
	s, e := 0, len(t.raw)
	if first > 0 {
		s = t.nl[min(first, len(t.nl))-1] + 1
	}
	if last < len(t.nl) {
		e = t.nl[max(last, 0)] + 1
	}
	return s, e
}

// text is the extent of line (0-based), its newline excluded.
func (t *lineTable) text(line int) (int, int) {
	s, e := t.lines(line, line)
	if line < len(t.nl) {
		e-- // the newline
	}
	return s, e
}

// spanLines is how far below its keyword line a window of a rule that
// can span any number of lines reaches (see windower.below). gitleaks'
// curl-auth-user allows a command five continuations (of up to two line
// breaks each) before its -u option; quoted values could in principle run
// on further, which a window does not follow.
const spanLines = 12

// maxGapLines is how many lines gitleaks' semi-generic rules can put
// between a keyword and its value: their [\s'"]{0,3} and [\x60'"\s=]{0,5}
// may hold a newline each.
const maxGapLines = 9

// pastGapLines returns line, or the first line after it that is not a gap
// line when line is one, within maxGapLines: a match that runs from a
// keyword line to a value lines below crosses only lines of whitespace,
// quotes and assignment operators, so a window that reaches past them
// holds the value.
func (t *lineTable) pastGapLines(line int) int {
	for last := line + maxGapLines - 1; line < last && line < len(t.nl); line++ {
		s, e := t.lines(line, line)
		if !gapOnly(t.raw[s:e]) {
			break
		}
	}
	return line
}

// beforeGapLines is pastGapLines upwards: line, or the first line before
// it that is not a gap line when line is one, within maxGapLines. A rule
// whose keyword is part of its value (lob's "live_") matches from a key
// above gap lines down to that value.
func (t *lineTable) beforeGapLines(line int) int {
	for first := line - maxGapLines + 1; line > first && line > 0; line-- {
		s, e := t.lines(line, line)
		if !gapOnly(t.raw[s:e]) {
			break
		}
	}
	return line
}

// gapOnly reports whether a line holds only the characters that can stand
// between a keyword and its value.
func gapOnly(line string) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ', '\t', '\r', '\n', '\f', '\'', '"', '`', '=', ':', '>', ',', '|', '?':
		default:
			return false
		}
	}
	return true
}

// expand grows [s, e) to whole lines plus n lines on each side.
func (t *lineTable) expand(s, e, n int) (int, int) {
	s = t.start(s)
	for i := 0; i < n && s > 0; i++ {
		s = t.start(s - 1)
	}
	e = t.end(max(e-1, s))
	for i := 0; i < n && e < len(t.raw); i++ {
		e = t.end(e)
	}
	return s, e
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

type span struct {
	start, end int
	decode     bool
	nosplit    bool // a PEM block or a rule with its companions: never cut inside
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

// spanningRule is a rule whose matches can be far from its keywords: they
// run over any number of lines, for the paths it applies to, or need not
// hold a keyword.
type spanningRule struct {
	ids    []string          // the rule's id and its companions'
	path   *glregexp.Regexp  // nil: every path
	exists func() *existence // whether it matches somewhere, built on first use
	// reach, when not negative, is the most newlines a match holds (the
	// rule has no companions): the lines it matches on, rather than the
	// whole content, are where it has to run.
	reach int
	// marks holds punctuation one of which every match holds (empty: not
	// worked out), to pass over lines without a cheaper test than the rule.
	marks string
	// salt tells this rule's answers from other rules' in the far cache
	// (windowScratch.far); unique per rule built, shared by its copies.
	salt uint64
}

// spanningSalts numbers spanning rules for their salts.
var spanningSalts atomic.Uint64

// newSpanningRule returns r as a spanning rule.
func newSpanningRule(r config.Rule) *spanningRule {
	re := r.Regex
	return &spanningRule{ids: ruleAndCompanions(r), path: r.Path, exists: sync.OnceValue(func() *existence { return newExistence(re) }), reach: -1,
		salt: spanningSalts.Add(1) * 0x9E3779B97F4A7C15}
}

// farCandidate is a rule that farFromKeywords has to look at, with its
// keywords in lower case.
type farCandidate struct {
	rule     config.Rule
	keywords []string
}

// farFromKeywords reports whether a reported rule's matches need not hold
// one of its keywords (lower case), so that gitleaks, which runs it
// wherever a keyword is in the fragment, can report a match far from any
// keyword line — and whether such matches are worth looking for: every
// match must hold a punctuation mark (facebook-access-token's "|" or "%",
// slack-webhook-url's "/"). A rule that can match a bare run of letters
// and digits (sourcegraph-access-token: any 40 hex digits) would report
// every commit id and checksum in a file that names it once; gitleaks
// reports those only where a patch happens to add the keyword too (on
// Nosey Parker's history, 5 of the 223 hashes in one snapshot file).
// Rules with companions anywhere already run on the whole content;
// companions report nothing of their own.
func farFromKeywords(r config.Rule, keywords []string) bool {
	if r.SkipReport || companionReach(r) < 0 || len(keywords) == 0 {
		return false
	}
	re, err := syntax.Parse(r.Regex.String(), syntax.Perl)
	return err == nil && !mustContain(re, keywords) && mustContain(re, punctuation)
}

// neededMarks returns punctuation marks one of which every match of re
// holds, as few as a greedy pass leaves (farFromKeywords has made sure
// that all of them together are needed), or "" when it cannot tell.
func neededMarks(re *syntax.Regexp) string {
	marks := slices.Clone(punctuation)
	if !mustContain(re, marks) {
		return ""
	}
	for i := 0; i < len(marks); {
		fewer := slices.Delete(slices.Clone(marks), i, i+1)
		if mustContain(re, fewer) {
			marks = fewer
			continue
		}
		i++
	}
	return strings.Join(marks, "")
}

// punctuation lists ASCII punctuation marks, one a string.
var punctuation = strings.Split("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "")

// spansAnyLines reports whether a match of pattern can hold any number of
// newlines (an unbounded repetition of something that matches one).
func spansAnyLines(pattern string) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	return err == nil && maxNewlines(re) < 0
}

// maxNewlines is the most newlines a match of re can hold, or -1 when
// there is no bound.
func maxNewlines(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return strings.Count(string(re.Rune), "\n")
	case syntax.OpCharClass:
		if classHas(re.Rune, '\n') {
			return 1
		}
	case syntax.OpAnyChar:
		return 1
	case syntax.OpStar, syntax.OpPlus:
		if maxNewlines(re.Sub[0]) != 0 {
			return -1
		}
	case syntax.OpRepeat:
		n := maxNewlines(re.Sub[0])
		switch {
		case n == 0:
			return 0
		case n < 0 || re.Max < 0:
			return -1
		}
		return n * re.Max
	case syntax.OpQuest, syntax.OpCapture:
		return maxNewlines(re.Sub[0])
	case syntax.OpConcat, syntax.OpAlternate:
		return foldBound(re, maxNewlines)
	}
	return 0
}

// lastIndexFold is the index of the last occurrence of k (lower-case
// ASCII) in s, ignoring ASCII case, or -1.
func lastIndexFold(s, k string) int {
next:
	for i := len(s) - len(k); i >= 0; i-- {
		for j := 0; j < len(k); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != k[j] {
				continue next
			}
		}
		return i
	}
	return -1
}
