// Package secrets finds hard-coded secrets with gitleaks' default rules and
// sprawl's own (rules/secrets.toml), through the gitleaks library: its
// keyword prefilter, entropy checks, allowlists and decoding stay intact.
// On top it drops placeholders and template references, honours
// "sprawl:allow", computes exact positions, and describes each secret by its
// credential kind, identity and token claims — never by its value.
package secrets

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unsafe"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	glreport "github.com/zricethezav/gitleaks/v8/report"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/rules"
)

func init() {
	// gitleaks logs matched secrets at trace level; sprawl never logs them.
	logging.Logger = zerolog.Nop()
}

// AllowComment silences a finding when it appears on the same line.
const AllowComment = "sprawl:allow"

// RulePrefix starts every secret rule id in sprawl's output.
const RulePrefix = "secret/"

// Options configure the detector.
type Options struct {
	// Extra are gitleaks-format rule documents added after the defaults
	// (sprawl's own rules are always loaded first).
	Extra []NamedTOML
	// MaxDecodeDepth is how many rounds of base64/hex/percent decoding are
	// rescanned (gitleaks' CLI default is 5).
	MaxDecodeDepth int
}

// cacheEntries bounds the window cache (about 100 bytes an entry plus
// the findings, which are rare).
const cacheEntries = 1 << 20

// Detector finds hard-coded secrets.
type Detector struct {
	// gl and glDecode hold every rule (glDecode also decodes), for
	// path-only rules and when the subset cache is full. They are built on
	// first use: each builds a keyword automaton of a few megabytes, and a
	// pre-commit scan of a few files needs neither.
	gl       func() *detect.Detector
	glDecode func() *detect.Detector
	// subsets holds detectors for the rules a window's keywords select.
	subsets *ruleSubsets
	cache   *windowCache
	cfg     config.Config
	kinds   *rules.Credentials
	// Path patterns run on Go's regexp whatever the rules' engine: paths
	// are short, and with RE2 in WebAssembly each call would cost a
	// crossing into the module, tens of them per path.
	//
	// skipPaths are global allowlists that only list paths: files there are
	// not scanned at all.
	skipPaths []*pathPattern
	// rulePath maps each content rule with a path pattern to the pattern's
	// index in classPaths; offPath memoizes, by path class, the rules whose
	// path pattern the class says does not match (see offPathRules).
	rulePath map[string]int
	offPath  sync.Map // class -> map[string]bool
	// classPaths are path patterns that change results (rule paths, path
	// allowlists with other conditions); PathClass encodes which match.
	classPaths []*pathPattern
	// onlyPaths are the patterns of path-only rules (no content regex).
	onlyPaths []*pathPattern
	win       *windower
	// own holds the ids ("secret/<id>") of the rules sprawl's embedded
	// document defines, as opposed to gitleaks' (see preferAsWritten).
	own map[string]bool
	// catchAll holds the rules tagged "generic" (see generic).
	catchAll map[string]bool
	// asWritten holds the ids ("secret/<id>") of the rules tagged
	// "as-written" (see preferAsWritten).
	asWritten  map[string]bool
	classes    sync.Map // path -> pathInfo
	classCount atomic.Int64
}

// New builds a detector from gitleaks' defaults, sprawl's rules and opts.
func New(opts Options) (*Detector, error) {
	extras := append([]NamedTOML{{Name: "rules/secrets.toml", TOML: rules.SecretsTOML, builtin: true}}, opts.Extra...)
	// Building a detector costs tens of milliseconds, which a pre-commit
	// hook pays on every commit: independent parts are built side by side.
	var kinds *rules.Credentials
	var kindsErr error
	var wg sync.WaitGroup
	wg.Go(func() { kinds, kindsErr = rules.DefaultCredentials() })
	cfg, own, err := loadConfig(extras...)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if kindsErr != nil {
		return nil, kindsErr
	}
	// Deferred stopword automatons (config.go) are built before the first
	// gitleaks detector is.
	prepare := sync.OnceFunc(func() { validateDeferred(cfg) })
	gl := sync.OnceValue(func() *detect.Detector {
		prepare()
		return detect.NewDetector(cfg)
	})
	glDecode := sync.OnceValue(func() *detect.Detector {
		prepare()
		d := detect.NewDetector(cfg)
		d.MaxDecodeDepth = opts.MaxDecodeDepth
		return d
	})
	// The subsets share the windower's keyword automaton when they can.
	win := newWindower(cfg, opts.MaxDecodeDepth > 0)
	subsets := newRuleSubsets(cfg, gl, glDecode, opts.MaxDecodeDepth, win.kw)
	subsets.prepare = prepare
	d := &Detector{gl: gl, glDecode: glDecode, cfg: cfg, kinds: kinds, own: own,
		win: win, cache: newWindowCache(cacheEntries), subsets: subsets}
	for _, a := range cfg.Allowlists {
		if len(a.Paths) > 0 && len(a.Regexes) == 0 && len(a.StopWords) == 0 && len(a.Commits) == 0 {
			d.skipPaths = append(d.skipPaths, goRegexps(a.Paths...)...)
		} else {
			d.classPaths = append(d.classPaths, goRegexps(a.Paths...)...)
		}
	}
	for _, id := range cfg.OrderedRules {
		r := cfg.Rules[id]
		if slices.Contains(r.Tags, "generic") {
			if d.catchAll == nil {
				d.catchAll = map[string]bool{}
			}
			d.catchAll[id] = true
		}
		if slices.Contains(r.Tags, "as-written") {
			if d.asWritten == nil {
				d.asWritten = map[string]bool{}
			}
			d.asWritten[RulePrefix+id] = true
		}
		if r.Path != nil {
			if r.Regex != nil {
				if d.rulePath == nil {
					d.rulePath = map[string]int{}
				}
				d.rulePath[id] = len(d.classPaths)
			}
			d.classPaths = append(d.classPaths, goRegexps(r.Path)...)
			if r.Regex == nil {
				d.onlyPaths = append(d.onlyPaths, goRegexps(r.Path)...)
			}
		}
		for _, a := range r.Allowlists {
			d.classPaths = append(d.classPaths, goRegexps(a.Paths...)...)
		}
	}
	return d, nil
}

// pathInfo is what a path's patterns say about it.
type pathInfo struct {
	class    string
	pathOnly bool
}

// generic reports whether a rule is a catch-all that yields to a specific
// rule finding the same secret: gitleaks' rules whose id says "generic"
// and rules tagged "generic".
func (d *Detector) generic(ruleID string) bool {
	return d.catchAll[strings.TrimPrefix(ruleID, RulePrefix)] || strings.Contains(strings.ToLower(ruleID), "generic")
}

// Config returns the merged gitleaks configuration in use.
func (d *Detector) Config() config.Config { return d.cfg }

// Name implements detectors.Detector.
func (d *Detector) Name() string { return "secrets" }

// PathClass implements detectors.Detector: "" for paths every rule
// allowlists, else a class naming which path-dependent patterns match.
// Results are memoised: histories repeat the same paths in every version.
func (d *Detector) PathClass(path string) string { return d.pathInfo(path).class }

func (d *Detector) pathInfo(path string) pathInfo {
	if c, ok := d.classes.Load(path); ok {
		return c.(pathInfo)
	}
	pt := newPathText(path)
	info := pathInfo{class: d.pathClass(pt)}
	for _, re := range d.onlyPaths {
		if re.match(pt) {
			info.pathOnly = true
			break
		}
	}
	if d.classCount.Add(1) < maxMemoPaths {
		d.classes.Store(path, info)
	}
	return info
}

// maxMemoPaths bounds the PathClass memo.
const maxMemoPaths = 1 << 18

func (d *Detector) pathClass(pt pathText) string {
	for _, re := range d.skipPaths {
		if re.match(pt) {
			return ""
		}
	}
	var b strings.Builder
	b.WriteString("s")
	for i, re := range d.classPaths {
		if re.match(pt) {
			b.WriteByte('.')
			b.WriteString(strconv.Itoa(i))
		}
	}
	return b.String()
}

// offPathRules returns the content rules whose path pattern a file of the
// given path class does not match: gitleaks would skip them on that file,
// so nothing needs to check whether their patterns occur in its text (a
// minified bundle named ".js" holds "pass" for every .php, .pypirc and
// compose-file rule). nil when there are none.
func (d *Detector) offPathRules(class string) map[string]bool {
	if len(d.rulePath) == 0 || class == "" {
		return nil
	}
	if v, ok := d.offPath.Load(class); ok {
		return v.(map[string]bool)
	}
	on := map[int]bool{}
	for _, part := range strings.Split(class, ".")[1:] {
		if i, err := strconv.Atoi(part); err == nil {
			on[i] = true
		}
	}
	off := map[string]bool{}
	for id, i := range d.rulePath {
		if !on[i] {
			off[id] = true
		}
	}
	d.offPath.Store(class, off)
	return off
}

// Detect implements detectors.Detector.
func (d *Detector) Detect(ctx context.Context, in detectors.Input) []detectors.Finding {
	var out []detectors.Finding
	if d.PathOnly(in.Path) {
		// Path-only rules (e.g. a .p12 file) need no content, and binary
		// files reach detectors without theirs.
		out = d.scan(ctx, in, "", false, "path", "")
	}
	if len(in.Content) == 0 {
		return out
	}
	// The content is read-only (detectors.Input): no copy of every blob.
	raw := unsafe.String(unsafe.SliceData(in.Content), len(in.Content))
	class := d.PathClass(in.Path)
	seen := map[findingAt]int{} // index in out
	var blocks []wrappedBlock
	for _, w := range d.win.windows(raw, in.Path) {
		if ctx.Err() != nil {
			break
		}
		if w.decode && w.col == 0 {
			// A wrapped base64 block's lines are all encoded runs: their
			// windows hold it (see wrappedBlocks).
			for _, b := range wrappedBlocks(raw[w.start:w.end]) {
				b = b.extendUp(raw, w.start, w.line)
				if b.lastLine-b.firstLine >= 2 && (len(blocks) == 0 || blocks[len(blocks)-1].firstLine != b.firstLine) {
					blocks = append(blocks, b)
				}
			}
		}
		text := raw[w.start:w.end]
		k := d.cache.key(in.Hasher, class+"\x00"+w.rules, text)
		found, ok := d.cache.get(k)
		if !ok {
			found = d.scanWindow(ctx, in, text, w.decode, class, w.rules)
			d.cache.put(k, found)
		}
		for _, f := range cloneFindings(found) {
			f.Location.Path = in.Path
			shift(&f.Location, w.line, w.col)
			// Windows overlap by a line: report each finding once. Of
			// twins found in differently decoded text, the one kept does
			// not depend on which window came first.
			at := findingAt{f.RuleID, f.Location.StartLine, f.Location.StartColumn, f.Secret.Fingerprint}
			if i, ok := seen[at]; ok {
				if encodingOf(&f) < encodingOf(&out[i]) {
					out[i] = f
				}
				continue
			}
			if !decoded(&f) {
				// A window that ends inside a match can give a shorter
				// one from the same place (a "$" at the window's end):
				// one run over the whole text has one match there, and
				// the longer is it.
				start := findingAt{rule: f.RuleID, line: f.Location.StartLine, col: f.Location.StartColumn}
				if i, ok := seen[start]; ok {
					if covers(f.Location, out[i].Location) {
						delete(seen, findingAt{out[i].RuleID, out[i].Location.StartLine, out[i].Location.StartColumn, out[i].Secret.Fingerprint})
						seen[at] = i
						out[i] = f
					}
					continue
				}
				seen[start] = len(out)
			}
			seen[at] = len(out)
			out = append(out, f)
		}
	}
	if len(blocks) > 0 && ctx.Err() == nil {
		out = d.detectWrapped(ctx, in, blocks, class, out)
	}
	return d.filter(out)
}

// detectWrapped adds the findings in a content's wrapped base64 blocks
// that gitleaks' line-by-line decoding cannot see (see wrappedBlocks), each
// placed on its block's lines; a secret already found in the content is
// not reported again.
func (d *Detector) detectWrapped(ctx context.Context, in detectors.Input, blocks []wrappedBlock, class string, out []detectors.Finding) []detectors.Finding {
	have := map[string]bool{}
	decodedAt := map[int]bool{} // lines of findings made in decoded text
	for _, f := range out {
		if f.Secret != nil {
			have[f.Secret.Fingerprint] = true
		}
		if decoded(&f) {
			decodedAt[f.Location.StartLine] = true
		}
	}
blocks:
	for _, b := range blocks {
		// Line-by-line decoding found something in the block (gitleaks
		// reports that): no second, differently cut copy of it.
		for l := b.firstLine + 1; l <= b.lastLine+1; l++ {
			if decodedAt[l] {
				continue blocks
			}
		}
		text := decodeWrapped(b.text)
		if text == "" {
			continue
		}
		for _, f := range d.scan(ctx, in, text, true, class, "") {
			if f.Secret == nil || have[f.Secret.Fingerprint] {
				continue
			}
			have[f.Secret.Fingerprint] = true
			f.Location = detectors.Location{Path: in.Path, StartLine: b.firstLine + 1, StartColumn: 1, EndLine: b.lastLine + 1, EndColumn: 1}
			if f.Properties == nil {
				f.Properties = map[string]any{}
			}
			f.Properties["encoding"] = "base64"
			out = append(out, f)
		}
	}
	return out
}

// shift moves loc, found in a piece of text, to where the piece is: lines
// lines and, on the piece's first line, col columns further.
func shift(loc *detectors.Location, lines, col int) {
	if loc.StartLine == 1 {
		loc.StartColumn += col
		if loc.EndLine == 1 {
			loc.EndColumn += col
		}
	}
	loc.StartLine += lines
	loc.EndLine += lines
}

// dropDecodedTwins drops a finding made in decoded text when the same rule
// found the same secret on the same line in the text as written: decoding
// a "%40" in a URL's user name does not make its password a second find.
func dropDecodedTwins(fs []detectors.Finding) []detectors.Finding {
	type twin struct {
		rule, fingerprint string
		line              int
	}
	var plain map[twin]bool
	for i := range fs {
		if !decoded(&fs[i]) && fs[i].Secret != nil {
			if plain == nil {
				plain = map[twin]bool{}
			}
			plain[twin{fs[i].RuleID, fs[i].Secret.Fingerprint, fs[i].Location.StartLine}] = true
		}
	}
	if plain == nil {
		return fs
	}
	return slices.DeleteFunc(fs, func(f detectors.Finding) bool {
		return decoded(&f) && f.Secret != nil && plain[twin{f.RuleID, f.Secret.Fingerprint, f.Location.StartLine}]
	})
}

// filter applies, in order, the filters that make the findings of one
// content one finding per secret and place: decoded twins, generic
// matches shadowed by specific ones, kindless twins. A value and its
// decoding (a Kubernetes Secret's base64 password and the password) stay
// two findings: gitleaks reports the value as written, and every secret
// gitleaks finds, sprawl finds (see "Escaped quotes, encoded values" in
// docs/ARCHITECTURE.md).
func (d *Detector) filter(fs []detectors.Finding) []detectors.Finding {
	fs = preferAsWritten(dropDecodedTwins(fs), d.own, d.asWritten)
	return dropKindlessTwins(dropShadowedGeneric(fs, d.generic), d.generic)
}

// preferAsWritten drops a finding one of sprawl's own rules made in
// percent-decoded text when the same rule found a secret on that line as
// written: "%41" in a random WordPress salt is no escape (a third of
// wp-config.php files have one in some salt), and a URL's password
// reported as written already names its secret. gitleaks' rules report
// both forms, as gitleaks does. A rule tagged "as-written" yields its finds
// in any decoded text (base64, hex) to its find as written on that line:
// a password literal in code that happens to be base64 is the password,
// not what it decodes to.
func preferAsWritten(fs []detectors.Finding, own, asWritten map[string]bool) []detectors.Finding {
	type at struct {
		rule string
		line int
	}
	var plain map[at]bool
	for i := range fs {
		if f := &fs[i]; f.Secret != nil && !decoded(f) {
			if plain == nil {
				plain = map[at]bool{}
			}
			plain[at{f.RuleID, f.Location.StartLine}] = true
		}
	}
	if plain == nil {
		return fs
	}
	return slices.DeleteFunc(fs, func(f detectors.Finding) bool {
		enc := encodingOf(&f)
		return (enc == "percent" && own[f.RuleID] || enc != "" && asWritten[f.RuleID]) && plain[at{f.RuleID, f.Location.StartLine}]
	})
}

// dropShadowedGeneric applies gitleaks' generic-rule filter across the
// windows of one content, as gitleaks applies it across one fragment: a
// finding of a generic rule (generic reports which: gitleaks' rules whose
// id says "generic", and sprawl's catch-alls tagged "generic", such as
// config-secret) is dropped when a finding of a rule that is not, whose
// match starts on the same line, holds its secret (or, beyond gitleaks,
// found the same secret on that line with a match over several lines,
// such as a bootstrapToken block's token). gitleaks tests
// that the other secret contains this one; a finding here keeps only a
// fingerprint, so "holds" is the same fingerprint or a location that
// covers this one (not for decoded text, located by its whole line).
// Within a window gitleaks has already filtered; this catches pairs that
// windows split, such as a rule that runs on the whole content alone
// (windower.wholeRules) and a generic rule in a window.
func dropShadowedGeneric(fs []detectors.Finding, isGeneric func(ruleID string) bool) []detectors.Finding {
	generic := func(f *detectors.Finding) bool { return isGeneric(f.RuleID) }
	var specific map[int][]int // match line -> indexes of findings of non-generic rules
	var spanning map[int][]int // secret line -> those whose match starts above it
	anyGeneric := false
	for i := range fs {
		if generic(&fs[i]) {
			anyGeneric = true
			continue
		}
		if specific == nil {
			specific = map[int][]int{}
		}
		specific[matchLine(&fs[i])] = append(specific[matchLine(&fs[i])], i)
		if l := fs[i].Location.StartLine; l != matchLine(&fs[i]) {
			if spanning == nil {
				spanning = map[int][]int{}
			}
			spanning[l] = append(spanning[l], i)
		}
	}
	if !anyGeneric || specific == nil {
		return fs
	}
	shadowed := func(g *detectors.Finding) bool {
		for _, i := range specific[matchLine(g)] {
			f := &fs[i]
			if f.RuleID != g.RuleID && (sameSecret(f, g) ||
				!decoded(f) && !decoded(g) && covers(f.Location, g.Location)) {
				return true
			}
		}
		// Beyond gitleaks: the same secret from a match that started
		// lines above (a match that merely spans this one, such as
		// kubernetes-secret-yaml's "key: value", keeps the generic's).
		for _, i := range spanning[g.Location.StartLine] {
			if f := &fs[i]; f.RuleID != g.RuleID && sameSecret(f, g) {
				return true
			}
		}
		return false
	}
	out := make([]detectors.Finding, 0, len(fs))
	for i := range fs {
		if !generic(&fs[i]) || !shadowed(&fs[i]) {
			out = append(out, fs[i])
		}
	}
	return out
}

// matchLine is the line f's match starts on, which gitleaks' filter
// compares (sprawl reports the secret's line, which may be lower).
func matchLine(f *detectors.Finding) int {
	if f.Secret == nil {
		return f.Location.StartLine
	}
	return f.Location.StartLine - f.Secret.LeadLines
}

// dropKindlessTwins drops a finding when a rule of a known credential
// kind found the same secret at the same place and its own rule's kind is
// unknown: gitleaks' keyword-bound rules (telegram-bot-api-token after the
// word "telegram") and sprawl's format rules (telegram-bot-token) both
// match a token written after its service's name, and one secret is one
// finding, under the rule that says what it is. A catch-all (generic)
// rule's kind says nothing about the format, so it never wins. Twins
// whose kinds are both known, or both unknown, stay as gitleaks reports
// them.
func dropKindlessTwins(fs []detectors.Finding, isGeneric func(ruleID string) bool) []detectors.Finding {
	type place struct {
		fingerprint string
		start, end  [2]int
	}
	at := func(f *detectors.Finding) place {
		l := f.Location
		return place{f.Secret.Fingerprint, [2]int{l.StartLine, l.StartColumn}, [2]int{l.EndLine, l.EndColumn}}
	}
	known := func(f *detectors.Finding) bool { return f.Secret != nil && f.Secret.Kind != "" }
	var kinded map[place]bool
	for i := range fs {
		if known(&fs[i]) && !isGeneric(fs[i].RuleID) {
			if kinded == nil {
				kinded = map[place]bool{}
			}
			kinded[at(&fs[i])] = true
		}
	}
	if kinded == nil || len(kinded) == len(fs) {
		return fs
	}
	return slices.DeleteFunc(fs, func(f detectors.Finding) bool {
		return f.Secret != nil && !known(&f) && kinded[at(&f)]
	})
}

// sameSecret reports whether f and g hold one secret.
func sameSecret(f, g *detectors.Finding) bool {
	return f.Secret != nil && g.Secret != nil && f.Secret.Fingerprint == g.Secret.Fingerprint
}

// encodingOf returns the encoding f was found under, "" for text as is.
func encodingOf(f *detectors.Finding) string {
	e, _ := f.Properties["encoding"].(string)
	return e
}

// decoded reports whether f was found in decoded text: its location is
// the whole line, which says nothing about where its secret is.
func decoded(f *detectors.Finding) bool {
	_, ok := f.Properties["encoding"]
	return ok
}

// covers reports whether location a spans all of b.
func covers(a, b detectors.Location) bool {
	startsBefore := a.StartLine < b.StartLine || a.StartLine == b.StartLine && a.StartColumn <= b.StartColumn
	endsAfter := a.EndLine > b.EndLine || a.EndLine == b.EndLine && a.EndColumn >= b.EndColumn
	return startsBefore && endsAfter
}

type findingAt struct {
	rule        string
	line, col   int
	fingerprint string
}

// PathOnly reports whether a path-only rule (no regex) matches path.
func (d *Detector) PathOnly(path string) bool { return d.pathInfo(path).pathOnly }

// scan runs gitleaks over one window of the content; positions are
// relative to the window. Decoding runs only when the window holds encoded
// text, and the path is passed only when some path pattern applies to it
// (class "s" means none does), which spares gitleaks its path checks.
func (d *Detector) scan(ctx context.Context, in detectors.Input, text string, decode bool, class, only string) []detectors.Finding {
	var gl *detect.Detector
	if text == "" {
		gl = d.gl()
	} else if gl = d.subsets.detector(text, decode, only, d.offPathRules(class)); gl == nil {
		return nil // no rule's keyword occurs, even decoded
	}
	path := in.Path
	if class == "s" {
		path = ""
	}
	found := gl.DetectContext(ctx, detect.Fragment{Raw: text, FilePath: path})
	if len(found) == 0 {
		return nil
	}
	lines := newLineIndex(text)
	out := make([]detectors.Finding, 0, len(found))
	var values []foundValue
	for _, f := range found {
		if text == "" && f.Secret == "" {
			// A rule on the path alone (a .p12 keystore): the file is the
			// secret. Its fingerprint keys on the path; the message names it.
			f.Secret, f.Match = "file:"+in.Path, ""
			fd := d.finding(in, text, lines, f)
			fd.Message = strings.TrimSuffix(f.Description, ".") + " (" + in.Path + ")"
			fd.Secret.Preview = "****"
			out = append(out, fd)
			continue
		}
		if droppedOnPurpose(f.RuleID, f.Secret) {
			continue
		}
		if strings.Contains(f.Line, AllowComment) {
			continue
		}
		fd := d.finding(in, text, lines, f)
		forms := otherForms(f.RuleID, f.Secret)
		for _, form := range forms {
			fd.Secret.AltLinks = append(fd.Secret.AltLinks, in.Hasher.Link(form))
		}
		out = append(out, fd)
		values = append(values, foundValue{len(out) - 1, append(forms, f.Secret), f.StartLine, f.EndLine})
	}
	if len(values) > 1 {
		linkCutForms(out, values)
	}
	return out
}

func (d *Detector) finding(in detectors.Input, raw string, lines lineIndex, f glreport.Finding) detectors.Finding {
	facts := in.Hasher.Facts(f.Secret)
	facts.Entropy = float64(f.Entropy)
	kind, ok := d.kinds.Match(f.RuleID, f.Secret)
	if ok {
		facts.Kind = kind.ID
	}
	describeToken(facts, f.RuleID, f.Secret)
	facts.IdentityKey = identityKey(f.RuleID, f.Match, f.Secret, facts)
	if facts.IdentityKey == "" {
		prefix := facts.Kind
		if prefix == "" {
			prefix = f.RuleID
		}
		facts.IdentityKey = prefix + ":" + facts.Fingerprint[:16]
	}
	loc := locate(raw, lines, f)
	loc.Path = in.Path
	facts.LeadLines = max(loc.StartLine-max(f.StartLine+1, 1), 0)
	desc := strings.TrimSuffix(f.Description, ".")
	msg := desc + " (" + facts.Preview + ")"
	if ok && kind.Fix != "" {
		msg += ". " + kind.Fix
	}
	out := detectors.Finding{
		RuleID:   RulePrefix + f.RuleID,
		Message:  msg,
		Location: loc,
		Secret:   facts,
	}
	if enc := decodedAs(f); enc != "" {
		out.Properties = map[string]any{"encoding": enc}
	}
	return out
}

// decodedAs returns the encoding gitleaks decoded to find f (the last of
// its "decoded:" tags), "" for text as written.
func decodedAs(f glreport.Finding) string {
	enc := ""
	for _, t := range f.Tags {
		if e, ok := strings.CutPrefix(t, "decoded:"); ok {
			enc = e
		}
	}
	return enc
}

// lineIndex holds the byte offset at which each line starts.
type lineIndex []int

func newLineIndex(s string) lineIndex {
	idx := lineIndex{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lineIndex) line(s string, n int) string {
	if n < 1 || n > len(l) {
		return ""
	}
	end := len(s)
	if n < len(l) {
		end = l[n] - 1
	}
	return strings.TrimSuffix(s[l[n-1]:end], "\r")
}

// locate computes the secret's region: 1-based lines, 1-based columns in
// UTF-16 code units (GitHub's columnKind), EndColumn exclusive. gitleaks'
// own columns are off by one after the first line, so positions are found
// again in the text: the match on its reported line, the secret in the match.
func locate(raw string, lines lineIndex, f glreport.Finding) detectors.Location {
	start := f.StartLine + 1
	if start < 1 {
		start = 1
	}
	text := lines.line(raw, start)
	first := f.Match
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	first = strings.TrimRight(first, "\r")
	// Found in decoded text, the match is not in the line as written, and
	// a short first line of it ("I") may be found there by chance — at
	// different places in differently cut windows: not searched for.
	decoded := decodedAs(f) != ""
	mi := -1
	if !decoded {
		mi = strings.Index(text, first)
	}
	if mi < 0 && first != "" && !decoded {
		// gitleaks trims a match's leading newlines but counts its line
		// from the first of them.
		if next := lines.line(raw, start+1); strings.Contains(next, first) {
			start, text, mi = start+1, next, strings.Index(next, first)
		}
	}
	loc := detectors.Location{StartLine: start, EndLine: start, StartColumn: 1, EndColumn: utf16Len(text) + 1}
	if mi < 0 || first == "" {
		// Decoded content: the secret is not in the text as is; point at
		// the whole line.
		if loc.EndColumn <= loc.StartColumn {
			loc.EndColumn = loc.StartColumn + 1
		}
		return loc
	}
	secretAt := mi
	if si := strings.Index(f.Match, f.Secret); si >= 0 && f.Secret != "" {
		secretAt = mi + si
		if nl := strings.LastIndexByte(f.Match[:si], '\n'); nl >= 0 {
			// The secret starts on a later line of the match (a value
			// below its key or its companion): point there.
			start += strings.Count(f.Match[:si], "\n")
			text = lines.line(raw, start)
			secretAt = si - nl - 1
			loc.StartLine, loc.EndLine = start, start
		}
	}
	secret := f.Secret
	if !strings.Contains(f.Match, f.Secret) {
		secret = f.Match
	}
	loc.StartColumn = utf16Len(text[:min(secretAt, len(text))]) + 1
	if nl := strings.Count(secret, "\n"); nl > 0 {
		loc.EndLine = start + nl
		last := secret[strings.LastIndexByte(secret, '\n')+1:]
		loc.EndColumn = utf16Len(strings.TrimRight(last, "\r")) + 1
	} else {
		loc.EndColumn = loc.StartColumn + utf16Len(secret)
	}
	if loc.EndLine == loc.StartLine && loc.EndColumn <= loc.StartColumn {
		loc.EndColumn = loc.StartColumn + 1
	}
	if loc.EndColumn < 1 {
		loc.EndColumn = 1
	}
	return loc
}

// utf16Len is the length of s in UTF-16 code units (SARIF's columns).
// ASCII, one unit a byte, is skipped eight bytes at a time: findings on a
// long line measure it once each.
func utf16Len(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			break
		}
	}
	n := i
	for _, r := range s[i:] {
		n += utf16.RuneLen(r)
	}
	return n
}
