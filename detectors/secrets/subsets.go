package secrets

import (
	"slices"
	"strings"
	"sync"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
)

// ruleSubsets hands out gitleaks detectors configured with only the rules
// a window's keywords select. gitleaks' DetectContext walks every rule's
// keyword list on each call (about a thousand lower-casings and map
// lookups for the default rules), which costs more than the regexes on a
// small window; a detector holding the two or three rules that can match
// runs the same rules with the same allowlists and finds the same secrets.
// Windows with encoded text keep the full detector: decoding can reveal
// keywords of any rule.
type ruleSubsets struct {
	cfg       config.Config
	trie      *ahocorasick.Trie
	byKeyword map[string][]string // lower-cased keyword -> rule ids
	always    []string            // rules without keywords run on everything
	full      *detect.Detector

	mu        sync.Mutex
	detectors map[string]*detect.Detector
}

// maxSubsets bounds the cache; past it, windows use the full detector.
const maxSubsets = 4096

func newRuleSubsets(cfg config.Config, full *detect.Detector) *ruleSubsets {
	s := &ruleSubsets{cfg: cfg, full: full, byKeyword: map[string][]string{}, detectors: map[string]*detect.Detector{}}
	var kws []string
	for _, id := range cfg.OrderedRules {
		r := cfg.Rules[id]
		if len(r.Keywords) == 0 {
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
	s.trie = ahocorasick.NewTrieBuilder().AddStrings(kws).Build()
	return s
}

// detector returns a detector for the rules text's keywords select.
func (s *ruleSubsets) detector(text string) *detect.Detector {
	ids := slices.Clone(s.always)
	for _, m := range s.trie.MatchString(asciiLower(text)) {
		ids = append(ids, s.byKeyword[m.MatchString()]...)
	}
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.detectors[key]; ok {
		return d
	}
	if len(s.detectors) >= maxSubsets {
		return s.full
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
	d := detect.NewDetector(cfg)
	d.MaxDecodeDepth = s.full.MaxDecodeDepth
	s.detectors[key] = d
	return d
}
