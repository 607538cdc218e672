package secrets

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
)

// viper is process-global in gitleaks' config loader: parseConfig, which
// writes it, holds viperMu; translations that only read it (see
// parseBuiltin) share it.
var viperMu sync.RWMutex

// parseConfig translates one gitleaks-format TOML document.
func parseConfig(name, src string) (cfg config.Config, err error) {
	viperMu.Lock()
	defer viperMu.Unlock()
	// gitleaks compiles rule regexes with MustCompile: a bad regex in a
	// user's rules panics. Turn that into an error naming the file.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = config.Config{}, fmt.Errorf("secrets: %s: invalid rule: %v", name, r)
		}
	}()
	viper.Reset()
	defer viper.Reset()
	viper.SetConfigType("toml")
	if err := viper.ReadConfig(strings.NewReader(src)); err != nil {
		return config.Config{}, fmt.Errorf("secrets: reading %s: %w", name, err)
	}
	var vc config.ViperConfig
	if err := viper.Unmarshal(&vc); err != nil {
		return config.Config{}, fmt.Errorf("secrets: decoding %s: %w", name, err)
	}
	cfg, err = vc.Translate()
	if err != nil {
		return config.Config{}, fmt.Errorf("secrets: %s: %w", name, err)
	}
	return cfg, nil
}

// mergeConfig adds extra's rules and global allowlists to base. A rule with
// an id that base already has replaces it.
func mergeConfig(base, extra config.Config) config.Config {
	if base.Rules == nil {
		base.Rules = map[string]config.Rule{}
	}
	if base.Keywords == nil {
		base.Keywords = map[string]struct{}{}
	}
	for _, id := range extra.OrderedRules {
		if _, exists := base.Rules[id]; !exists {
			base.OrderedRules = append(base.OrderedRules, id)
		}
		base.Rules[id] = extra.Rules[id]
	}
	for k := range extra.Keywords {
		base.Keywords[k] = struct{}{}
	}
	base.Allowlists = append(base.Allowlists, extra.Allowlists...)
	return base
}

// LoadConfig returns gitleaks' default rules plus each extra document, in
// order. Each extra is a gitleaks-format TOML document.
func LoadConfig(extras ...NamedTOML) (config.Config, error) {
	cfg, _, err := loadConfig(extras...)
	return cfg, err
}

// loadConfig is LoadConfig, and also returns the ids of the rules sprawl's
// own embedded documents define (the builtin extras), as "secret/<id>".
func loadConfig(extras ...NamedTOML) (config.Config, map[string]bool, error) {
	docs := append([]NamedTOML{{Name: "gitleaks default rules", TOML: config.DefaultConfig, builtin: true}}, extras...)
	cfgs := make([]config.Config, len(docs))
	errs := make([]error, len(docs))
	// The embedded documents translate side by side; user documents go
	// through viper after them, one at a time.
	var wg sync.WaitGroup
	for i, d := range docs {
		if d.builtin {
			wg.Go(func() { cfgs[i], errs[i] = parseBuiltin(d.Name, escapedQuoteEnds(d.TOML)) })
		}
	}
	wg.Wait()
	for i, d := range docs {
		if !d.builtin {
			src := d.TOML
			if d.Untrusted {
				src, errs[i] = withoutExtendPath(d.Name, src)
			}
			if errs[i] == nil {
				cfgs[i], errs[i] = parseConfig(d.Name, src)
			}
		}
		if errs[i] != nil {
			return config.Config{}, nil, errs[i]
		}
	}
	own := map[string]bool{}
	for i, d := range docs[1:] {
		if d.builtin {
			for id := range cfgs[i+1].Rules {
				own[RulePrefix+id] = true
			}
		}
	}
	cfg := cfgs[0]
	for _, x := range cfgs[1:] {
		cfg = mergeConfig(cfg, x)
	}
	// [extend] disabledRules of a user document turn those rules off, as
	// they do in gitleaks (sprawl's own rules too).
	for _, d := range docs {
		if d.builtin {
			continue
		}
		for _, id := range disabledRules(d.TOML) {
			delete(cfg.Rules, id)
			cfg.OrderedRules = slices.DeleteFunc(cfg.OrderedRules, func(r string) bool { return r == id })
		}
	}
	if err := splitLineAllowlists(&cfg); err != nil {
		return config.Config{}, nil, err
	}
	return cfg, own, nil
}

// gitleaksValueEnd is how most of gitleaks' rules end a value: a quote,
// a backtick, a space, a semicolon, an escaped newline or the end.
const gitleaksValueEnd = `(?:[\x60'"\s;]|\\[nr]|$)`

// escapedQuoteEnds lets the embedded rules that end a value as gitleaks
// does (gitleaksValueEnd) end it at an escaped quote or tab too: in a
// string of JSON (a Jupyter notebook's cells, a JSON-encoded config) or of
// code, `api_key=\"sk-proj-…\"` ends its token at a backslash and a quote,
// and gitleaks' rules, which allow only "\n" and "\r" there, find none of
// the 150 tokens written so. It only adds findings: every value gitleaks'
// pattern ends still ends. User documents keep their patterns as written.
func escapedQuoteEnds(src string) string {
	return strings.ReplaceAll(src, gitleaksValueEnd, `(?:[\x60'"\s;]|\\[nrt"'\x60]|$)`)
}

// splitLineAllowlists gives each regex of an allowlist whose target is the
// whole line an allowlist of its own. gitleaks joins an allowlist's regexes
// into one alternation, which has no literal prefix, so Go's regexp runs
// its NFA over the whole line for every finding (generic-api-key's
// "--mount=type=secret," and "import … from"): a 1.3 MB line of 30,000
// api_key="…" spent 85 of 96 s there. Alone, each regex has its literal
// prefix and is found by a substring search. The same findings are
// allowed: an allowlist's regexes are alternatives, so (other criteria)
// AND (r1 OR r2) is (other criteria AND r1) OR (other criteria AND r2),
// and with OR each piece allows what the whole did.
func splitLineAllowlists(cfg *config.Config) error {
	split := func(as []*config.Allowlist) ([]*config.Allowlist, error) {
		var out []*config.Allowlist
		for _, a := range as {
			if a.RegexTarget != "line" || len(a.Regexes) < 2 {
				out = append(out, a)
				continue
			}
			for _, re := range a.Regexes {
				one := &config.Allowlist{Description: a.Description, MatchCondition: a.MatchCondition,
					Commits: a.Commits, Paths: a.Paths, RegexTarget: a.RegexTarget,
					Regexes: []*glregexp.Regexp{re}, StopWords: a.StopWords}
				if err := one.Validate(); err != nil {
					return nil, err
				}
				out = append(out, one)
			}
		}
		return out, nil
	}
	var err error
	if cfg.Allowlists, err = split(cfg.Allowlists); err != nil {
		return err
	}
	for id, r := range cfg.Rules {
		if r.Allowlists, err = split(r.Allowlists); err != nil {
			return err
		}
		cfg.Rules[id] = r
	}
	return nil
}

// NamedTOML is a gitleaks-format rules document and where it came from.
type NamedTOML struct {
	Name string
	TOML string
	// Untrusted marks a document found in the scanned folder (a
	// repository's .gitleaks.toml): its [extend] path or url, which would
	// make sprawl read another file on this machine, is not followed.
	Untrusted bool

	builtin bool // one of sprawl's embedded documents (see parseBuiltin)
}

// parseBuiltin translates one of the documents sprawl embeds (gitleaks'
// default rules, rules/secrets.toml) to the same configuration as
// parseConfig, in about half the time: a pre-commit hook builds the
// detector on every commit, and translating gitleaks' 222 rules (compiling
// their regexes, building allowlist automatons) is most of that. It
// decodes the TOML directly instead of through viper and mapstructure,
// and translates parts of the rules on every core with gitleaks' own
// Translate. TestBuiltinConfigMatchesViper holds it to parseConfig's
// result; user documents keep going through parseConfig.
func parseBuiltin(name, src string) (config.Config, error) {
	var vc config.ViperConfig
	if err := toml.Unmarshal([]byte(src), &vc); err != nil {
		return config.Config{}, fmt.Errorf("secrets: reading %s: %w", name, err)
	}
	if vc.Extend.Path != "" || vc.Extend.URL != "" || vc.Extend.UseDefault || len(vc.Extend.DisabledRules) > 0 {
		return parseConfig(name, src) // extending reads through viper
	}
	deferred := deferStopWords(&vc)
	// More parts than cores: the parts spread over whichever cores free
	// up first (a pre-commit scan reads the index meanwhile).
	cfg, err := translateSplit(name, vc, 2*runtime.GOMAXPROCS(0))
	if err != nil {
		return cfg, err
	}
	for id, words := range deferred {
		if r, ok := cfg.Rules[id]; ok {
			r.Allowlists = append(r.Allowlists, &config.Allowlist{Description: deferredStopWords, StopWords: words})
			cfg.Rules[id] = r
		}
	}
	return cfg, nil
}

// Deferred stopwords. gitleaks builds an Aho-Corasick automaton for each
// allowlist's stopwords as it translates the rules; generic-api-key's
// 1,450 cost about 10 ms of a pre-commit scan's start-up, which rarely
// needs them. parseBuiltin takes long stopword lists out of allowlists
// whose condition is OR before translating, and adds each rule's back
// after as an allowlist of its own, marked deferredStopWords and not yet
// validated: the same findings are allowed, since under OR an allowlist
// allows a finding when its regexes or its stopwords do, and a stopword
// allowlist with no automaton compares the words one by one.
// Detector.prepare validates them, building the automatons, before the
// first gitleaks detector is built.

// deferredStopWords describes the allowlists parseBuiltin adds back.
const deferredStopWords = "stopwords (their automaton is built on first use)"

// minDeferredStopWords is the shortest stopword list worth deferring.
const minDeferredStopWords = 64

// deferStopWords takes the long stopword lists out of vc's rule
// allowlists whose condition is OR, dropping allowlists left empty, and
// returns them (lower-cased, as gitleaks compares them) by rule id.
func deferStopWords(vc *config.ViperConfig) map[string][]string {
	out := map[string][]string{}
	for i := range vc.Rules {
		r := &vc.Rules[i]
		kept := r.Allowlists[:0]
		for _, a := range r.Allowlists {
			switch strings.ToUpper(a.Condition) {
			case "", "OR", "||":
			default:
				kept = append(kept, a)
				continue
			}
			if len(a.StopWords) < minDeferredStopWords {
				kept = append(kept, a)
				continue
			}
			for _, w := range a.StopWords {
				out[r.ID] = append(out[r.ID], strings.ToLower(w))
			}
			a.StopWords = nil
			if len(a.Regexes) > 0 || len(a.Paths) > 0 || len(a.Commits) > 0 {
				kept = append(kept, a)
			}
		}
		r.Allowlists = kept
	}
	return out
}

// validateDeferred builds the automatons of cfg's deferred stopword
// allowlists (see deferStopWords).
func validateDeferred(cfg config.Config) {
	for _, r := range cfg.Rules {
		for _, a := range r.Allowlists {
			if a.Description == deferredStopWords {
				_ = a.Validate() // stopwords alone: always valid
			}
		}
	}
}

// translateSplit translates vc in up to n parts side by side.
func translateSplit(name string, vc config.ViperConfig, n int) (config.Config, error) {
	parts := splitRules(vc, n)
	out := make([]config.Config, len(parts))
	errs := make([]error, len(parts))
	// Translate reads viper's global state (the file name, the extend
	// depth): keep parseConfig from changing it meanwhile.
	viperMu.RLock()
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("secrets: %s: invalid rule: %v", name, r)
				}
			}()
			out[i], errs[i] = parts[i].Translate()
		})
	}
	wg.Wait()
	viperMu.RUnlock()
	if err := errors.Join(errs...); err != nil {
		return config.Config{}, fmt.Errorf("secrets: %s: %w", name, err)
	}
	cfg := out[0]
	for _, x := range out[1:] {
		cfg = mergeConfig(cfg, x)
	}
	// Rules keep the document's order (parts were filled out of order).
	cfg.OrderedRules = cfg.OrderedRules[:0]
	seen := map[string]bool{}
	for _, r := range vc.Rules {
		if !seen[r.ID] {
			seen[r.ID] = true
			cfg.OrderedRules = append(cfg.OrderedRules, r.ID)
		}
	}
	return cfg, nil
}

// splitRules divides vc's rules into up to n documents of similar cost.
// The first one keeps the global allowlists, rules those target and rules
// with required companions (with the companions): Translate checks those
// references within one document.
func splitRules(vc config.ViperConfig, n int) []config.ViperConfig {
	if n < 2 || len(vc.Rules) < 2*n {
		return []config.ViperConfig{vc}
	}
	pinned := map[string]bool{}
	globals := vc.Allowlists
	for _, a := range globals {
		for _, id := range a.TargetRules {
			pinned[id] = true
		}
	}
	if vc.AllowList != nil {
		for _, id := range vc.AllowList.TargetRules {
			pinned[id] = true
		}
	}
	for _, r := range vc.Rules {
		for _, req := range r.Required {
			pinned[r.ID], pinned[req.ID] = true, true
		}
	}
	parts := make([]config.ViperConfig, n)
	load := make([]int, n)
	for i := range parts {
		parts[i] = vc
		parts[i].Rules = nil
		if i > 0 {
			parts[i].AllowList, parts[i].Allowlists = nil, nil
		}
	}
	for _, a := range globals {
		load[0] += allowlistCost(a.Regexes, a.Paths, a.StopWords)
	}
	if a := vc.AllowList; a != nil {
		load[0] += allowlistCost(a.Regexes, a.Paths, a.StopWords)
	}
	for _, r := range vc.Rules {
		cost := 64 + len(r.Regex) + len(r.Path)
		for _, a := range r.Allowlists {
			cost += allowlistCost(a.Regexes, a.Paths, a.StopWords)
		}
		if r.AllowList != nil {
			cost += allowlistCost(r.AllowList.Regexes, r.AllowList.Paths, r.AllowList.StopWords)
		}
		k := 0
		if !pinned[r.ID] {
			for i := range load {
				if load[i] < load[k] {
					k = i
				}
			}
		}
		parts[k].Rules = append(parts[k].Rules, r)
		load[k] += cost
	}
	out := parts[:0]
	for i, p := range parts {
		if i == 0 || len(p.Rules) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// allowlistCost estimates the work of translating an allowlist: its
// regexes to compile and its stop words to put in an automaton.
func allowlistCost(regexes, paths, stopWords []string) int {
	n := 0
	for _, r := range regexes {
		n += 64 + len(r)
	}
	for _, p := range paths {
		n += 64 + len(p)
	}
	return n + 40*len(stopWords)
}

// extendTable is a document's [extend] table.
type extendTable struct {
	Extend struct {
		Path          string   `toml:"path"`
		URL           string   `toml:"url"`
		DisabledRules []string `toml:"disabledRules"`
	} `toml:"extend"`
}

// disabledRules lists a document's [extend] disabledRules.
func disabledRules(src string) []string {
	var t extendTable
	if toml.Unmarshal([]byte(src), &t) != nil {
		return nil // parseConfig reports the error
	}
	return t.Extend.DisabledRules
}

// withoutExtendPath drops [extend] path and url from an untrusted document.
func withoutExtendPath(name, src string) (string, error) {
	var t extendTable
	if toml.Unmarshal([]byte(src), &t) != nil || t.Extend.Path == "" && t.Extend.URL == "" {
		return src, nil // nothing to drop (parseConfig reports a bad document)
	}
	var doc map[string]any
	if err := toml.Unmarshal([]byte(src), &doc); err != nil {
		return "", fmt.Errorf("secrets: reading %s: %w", name, err)
	}
	if ext, ok := doc["extend"].(map[string]any); ok {
		delete(ext, "path")
		delete(ext, "url")
	}
	out, err := toml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("secrets: %s: %w", name, err)
	}
	return string(out), nil
}
