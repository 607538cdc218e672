package secrets

import (
	"slices"
	"strings"
	"sync"

	"github.com/sprawl-dev/sprawl/detectors/secrets/keywords"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/detect/codec"
)

// ruleSubsets hands out gitleaks detectors configured with only the rules
// a window's keywords select. gitleaks' DetectContext walks every rule's
// keyword list on each call (about a thousand lower-casings and map
// lookups for the default rules), which costs more than the regexes on a
// small window; a detector holding the two or three rules that can match
// runs the same rules with the same allowlists and finds the same secrets.
//
// Windows with encoded text are decoded here first, the way gitleaks'
// decoder would, to the same depth: when nothing decodes, gitleaks would
// only scan the text as is; when something does, the rules selected are
// those whose keywords occur in the text or in any decoded layer, which are
// exactly the rules gitleaks runs at some depth.
type ruleSubsets struct {
	cfg       config.Config
	kw        *keywords.Automaton
	byKeyword map[string][]string // lower-cased keyword -> rule ids
	byPattern [][]string          // kw's keyword index -> rule ids
	// exists holds each content rule's existence check (prefilter.go),
	// compiled on first use: a pre-commit scan needs few of them.
	exists map[string]func() *existence
	// reach holds, for each rule whose every match holds one of its
	// keywords and is at most so many bytes long, that bound (keywordReach);
	// -1 for the others. Computed on first use.
	reach map[string]func() int
	// ruleKeywords maps a rule to its keywords' indexes in kw.
	ruleKeywords map[string][]int
	// locators holds each rule's Locator for narrowing (narrow.go), or
	// nil for rules that must see whole windows; built on first use.
	locators map[string]func() *locator
	always   []string // rules without keywords run on everything
	// full and fullDecode hold every rule, for when the cache is full;
	// they are built on first use.
	full, fullDecode func() *detect.Detector
	decodeDepth      int // how deep fullDecode decodes
	// prepare, when set, runs before a detector is first built (see
	// validateDeferred).
	prepare func()

	mu        sync.Mutex
	detectors map[string]*detect.Detector
}

// maxSubsets bounds the cache; past it, windows use the full detector.
const maxSubsets = 4096

// newRuleSubsets builds the subsets of cfg's rules. kw, when it holds
// exactly the rules' keywords (the windower's usually does), is used
// instead of building the same automaton again.
func newRuleSubsets(cfg config.Config, full, fullDecode func() *detect.Detector, decodeDepth int,
	kw *keywords.Automaton) *ruleSubsets {
	s := &ruleSubsets{cfg: cfg, full: full, fullDecode: fullDecode, decodeDepth: decodeDepth,
		byKeyword: map[string][]string{}, detectors: map[string]*detect.Detector{},
		exists: map[string]func() *existence{}, locators: map[string]func() *locator{},
		reach: map[string]func() int{}, ruleKeywords: map[string][]int{}}
	companions := map[string]bool{}
	for _, r := range cfg.Rules {
		for _, req := range r.RequiredRules {
			companions[req.RuleID] = true
		}
	}
	var kws []string
	for _, id := range cfg.OrderedRules {
		r := cfg.Rules[id]
		s.locators[id] = sync.OnceValue(func() *locator { return locatorFor(r, companions[id]) })
		if re := r.Regex; re != nil {
			s.exists[id] = sync.OnceValue(func() *existence { return newExistenceNeeding(re, secretNeed(r)) })
			s.reach[id] = sync.OnceValue(func() int { return keywordReach(re.String(), r.Keywords) })
		}
		if len(r.Keywords) == 0 && r.Regex != nil {
			// Path-only rules read no text: Detect runs them once a file.
			s.always = append(s.always, id)
		}
		for _, k := range r.Keywords {
			k = asciiLower(k)
			if _, ok := s.byKeyword[k]; !ok {
				kws = append(kws, k)
			}
			s.byKeyword[k] = append(s.byKeyword[k], id)
		}
	}
	if kw != nil && sameSet(kws, kw.Keywords()) {
		s.kw = kw
		kws = kw.Keywords()
	} else {
		s.kw = keywords.New(kws)
	}
	// The automaton reports keywords by the order they were given.
	s.byPattern = make([][]string, len(kws))
	for i, k := range kws {
		s.byPattern[i] = s.byKeyword[k]
		for _, id := range s.byKeyword[k] {
			s.ruleKeywords[id] = append(s.ruleKeywords[id], i)
		}
	}
	return s
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// detector returns a detector for the rules text's keywords select (of
// only's, when only is not empty: rule ids joined by NUL), or nil when no
// rule can match. With decode, text is decoded as gitleaks
// would first, and decoding stays on only when something decodes.
func (s *ruleSubsets) detector(text string, decode bool, only string, skip map[string]bool) *detect.Detector {
	if forced, ok := strings.CutPrefix(only, forcePrefix); ok {
		return s.forced(text, forced)
	}
	texts := []string{text}
	decode = decode && s.decodeDepth > 0
	if decode && mightDecode(text) {
		layers := decodedLayers(text, s.decodeDepth)
		decode = len(layers) > 0
		texts = append(texts, layers...)
	} else {
		decode = false
	}
	ids := s.selected(texts, only, skip)
	if len(ids) == 0 {
		return nil
	}
	return s.build(ids, decode)
}

// selected returns the rules (sorted) whose keywords occur in one of texts
// and that match in one of them, of only's when only is not empty.
func (s *ruleSubsets) selected(texts []string, only string, skip map[string]bool) []string {
	ids := slices.Clone(s.always)
	// Each keyword's rules once, whatever how often it occurs.
	hit := make([]bool, len(s.byPattern))
	// Where each keyword ends, in texts long enough for a rule to be
	// checked around its keywords only (localText).
	var ends []map[int][]int
	for ti, t := range texts {
		local := len(t) >= localText
		if local && ends == nil {
			ends = make([]map[int][]int, len(texts))
		}
		s.kw.Each(t, func(end, k int) bool {
			if !hit[k] {
				hit[k] = true
				ids = append(ids, s.byPattern[k]...)
			}
			if local {
				if ends[ti] == nil {
					ends[ti] = map[int][]int{}
				}
				ends[ti][k] = append(ends[ti][k], end)
			}
			return true
		})
	}
	// Only rules that match somewhere in some layer can report anything.
	slices.Sort(ids)
	ids = slices.DeleteFunc(slices.Compact(ids), func(id string) bool {
		if skip[id] {
			return true // its path pattern does not match the file
		}
		exists := s.exists[id]
		if exists == nil {
			return false
		}
		e := exists()
		for ti, t := range texts {
			if ends != nil && ends[ti] != nil {
				if found, ok := s.existsNearKeywords(id, e, t, ends[ti]); ok {
					if found {
						return false
					}
					continue
				}
			}
			if e.MatchString(t) {
				return false
			}
		}
		return true
	})
	if only != "" {
		allowed := strings.Split(only, "\x00")
		ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(allowed, id) })
	}
	return ids
}

// localText is the length from which a rule whose matches hold a keyword
// is checked only around its keywords' occurrences: a minified bundle's
// piece names "key" or "token" somewhere for dozens of rules, and each
// would otherwise read all of it.
const localText = 2048

// existsNearKeywords answers e for rule id on text by reading only the
// bytes around its keywords' occurrences (ends: keyword index -> where
// each occurrence ends), when every match of the rule holds one of its
// keywords and is at most reach bytes long: such a match lies within
// reach of the keyword it holds, and a byte more on each side keeps the
// context of its assertions. ok is false when the rule is not such a rule,
// or when the stretches would cover half the text anyway.
func (s *ruleSubsets) existsNearKeywords(id string, e *existence, text string, ends map[int][]int) (found, ok bool) {
	reach := s.reach[id]
	if reach == nil {
		return false, false
	}
	l := reach()
	if l < 0 {
		return false, false
	}
	var spans [][2]int
	for _, k := range s.ruleKeywords[id] {
		kl := len(s.kw.Keywords()[k])
		for _, end := range ends[k] {
			spans = append(spans, [2]int{max(end-kl-l-1, 0), min(end+l+1, len(text))})
		}
	}
	if len(spans) == 0 {
		return false, true // no keyword of this rule in this text
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	merged := spans[:1]
	total := 0
	for _, sp := range spans[1:] {
		last := &merged[len(merged)-1]
		if sp[0] <= last[1] {
			last[1] = max(last[1], sp[1])
			continue
		}
		merged = append(merged, sp)
	}
	for _, sp := range merged {
		total += sp[1] - sp[0]
	}
	if 2*total >= len(text) {
		return false, false
	}
	for _, sp := range merged {
		if e.MatchString(text[sp[0]:sp[1]]) {
			return true, true
		}
	}
	return false, true
}

// build returns a detector for ids (sorted), and their companions.
func (s *ruleSubsets) build(ids []string, decode bool) *detect.Detector {
	// Required companions run whatever their keywords (gitleaks looks
	// them up by id when the primary rule matches).
	for i := 0; i < len(ids); i++ {
		for _, req := range s.cfg.Rules[ids[i]].RequiredRules {
			ids = append(ids, req.RuleID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	key := strings.Join(ids, "\x00")
	full, depth := s.full, 0
	if decode {
		key = "decode\x00" + key
		full, depth = s.fullDecode, s.decodeDepth
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.detectors[key]; ok {
		return d
	}
	if len(s.detectors) >= maxSubsets {
		return full()
	}
	cfg := s.cfg
	cfg.Rules = make(map[string]config.Rule, len(ids))
	cfg.Keywords = map[string]struct{}{}
	cfg.OrderedRules = ids
	for _, id := range ids {
		r, ok := s.cfg.Rules[id]
		if !ok {
			continue
		}
		cfg.Rules[id] = r
		for _, k := range r.Keywords {
			cfg.Keywords[strings.ToLower(k)] = struct{}{}
		}
	}
	if s.prepare != nil {
		s.prepare()
	}
	d := detect.NewDetector(cfg)
	d.MaxDecodeDepth = depth
	s.detectors[key] = d
	return d
}

// forcePrefix before a window's rules runs them whether or not their
// keywords are in the window: the keyword is elsewhere in the content (a
// rule matching far from its keyword; windower.windows), as gitleaks, which
// looks for keywords in the whole file, would run it.
const forcePrefix = "+"

// forced returns a detector running only (rule ids joined by NUL) on text
// as is, their keywords dropped so that gitleaks runs them regardless; nil
// when none matches text.
func (s *ruleSubsets) forced(text, only string) *detect.Detector {
	ids := slices.DeleteFunc(strings.Split(only, "\x00"), func(id string) bool {
		exists, ok := s.exists[id]
		return !ok || !exists().MatchString(text)
	})
	if len(ids) == 0 {
		return nil
	}
	key := "force\x00" + strings.Join(ids, "\x00")
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.detectors[key]; ok {
		return d
	}
	cfg := s.cfg
	cfg.Rules = make(map[string]config.Rule, len(ids))
	cfg.Keywords = map[string]struct{}{}
	cfg.OrderedRules = ids
	for _, id := range ids {
		r := s.cfg.Rules[id]
		r.Keywords = nil
		cfg.Rules[id] = r
	}
	if s.prepare != nil {
		s.prepare()
	}
	d := detect.NewDetector(cfg)
	s.detectors[key] = d
	return d
}

// decodedLayers returns the texts gitleaks' decoder produces from text,
// one a depth, up to depth layers; none when nothing in text decodes.
//
// The decoder's segments never span a newline (percent, hex, base64 and
// \u escapes cannot hold one), so each layer is the text with every line
// replaced by that line's own layer, and only lines mightDecode accepts
// need the decoder: in decode windows most of the text is plain lines
// around an encoded one. "U+0041" code points may continue across a
// newline; a layer holding one (hasCodePoint) is decoded whole from there on.
func decodedLayers(text string, depth int) []string {
	if depth <= 0 || hasCodePoint(text) {
		return decodeWhole(text, depth)
	}
	lines := strings.Split(text, "\n")
	encoded, most := encodedLines(lines, depth)
	var layers []string
	for k := range most {
		for _, e := range encoded {
			if k < len(e.layers) {
				lines[e.at] = e.layers[k]
			}
		}
		layer := strings.Join(lines, "\n")
		layers = append(layers, layer)
		if hasCodePoint(layer) {
			return append(layers, decodeWhole(layer, depth-k-1)...)
		}
	}
	return layers
}

// encodedLine is a line that decodes, and its layers.
type encodedLine struct {
	at     int // index in the lines
	layers []string
}

// encodedLines returns the lines that decode (up to depth layers each)
// and the most layers any has.
func encodedLines(lines []string, depth int) (encoded []encodedLine, most int) {
	var dec *codec.Decoder
	for i, l := range lines {
		if !mightDecode(l) {
			continue
		}
		if ls := decodeWith(&dec, l, depth); len(ls) > 0 {
			encoded = append(encoded, encodedLine{i, ls})
			most = max(most, len(ls))
		}
	}
	return encoded, most
}

// decodeWhole is decodedLayers without the split into lines.
func decodeWhole(text string, depth int) []string {
	var dec *codec.Decoder
	return decodeWith(&dec, text, depth)
}

// decodeWith decodes text up to depth times, returning each layer; dec,
// made on first use, decodes the texts decodeOnce leaves to it.
func decodeWith(dec **codec.Decoder, text string, depth int) []string {
	var layers []string
	for i := 0; i < depth; i++ {
		// mightDecode never misses a segment the decoder would find, and
		// costs a fraction of the decoder's pass.
		if i > 0 && !mightDecode(text) {
			break
		}
		out, decoded, ok := decodeOnce(text)
		if !ok {
			if *dec == nil {
				*dec = codec.NewDecoder()
			}
			var segments []*codec.EncodedSegment
			out, segments = (*dec).Decode(text, nil)
			decoded = len(segments) > 0
		}
		if !decoded {
			break
		}
		text = out
		layers = append(layers, text)
	}
	return layers
}
