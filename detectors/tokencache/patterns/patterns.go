// Package patterns holds sprawl's careful, line-based token-cache rules for
// Python, JavaScript/TypeScript, Java, C#, Kotlin and Ruby. They trade
// recall for few false alarms: each needs a token-named getter, variable or
// cache and the absence of any expiry handling nearby before it reports.
package patterns

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Match is one reported line.
type Match struct {
	// Pattern is the id of the pattern that matched, e.g. "py-cache-decorator".
	Pattern string
	Message string
	// Line is 1-based; StartColumn and EndColumn are 1-based byte columns,
	// EndColumn exclusive.
	Line, StartColumn, EndColumn int
}

// Find runs the patterns of lang ("python", "javascript", "java",
// "csharp", "kotlin" or "ruby") over src.
func Find(lang string, src []byte) []Match {
	if bytes.IndexByte(src, 0) >= 0 {
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	var out []Match
	switch lang {
	case "python":
		out = python(lines)
	case "javascript":
		out = javascript(lines)
	case "java":
		out = java(lines)
	case "csharp":
		out = csharp(lines)
	case "kotlin":
		out = kotlin(lines)
	case "ruby":
		out = ruby(lines)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

var (
	tokenName   = regexp.MustCompile(`(?i)token|credential|creds|jwt|bearer|auth_?header|authorization`)
	notTokenish = regexp.MustCompile(`(?i)(url|uri|path|file|filename|endpoint|name|type|scopes?|class|cls|model|schema|parser|validator|header_?name|prefix|key_?id|format|len|length|count)$|^(parse|decode|validate|verify|is|has|_?test)`)
	fetchCall   = regexp.MustCompile(`(?i)\b(get|fetch|request|acquire|obtain|mint|issue|generate|login|exchange|retrieve|new|create)_?\w*(token|jwt|credential|creds)\w*\s*\(`)
	saTokenPath = regexp.MustCompile(`/var/run/secrets/[^"']*token|serviceaccount/token`)
)

func tokenish(name string) bool {
	return tokenName.MatchString(name) && !notTokenish.MatchString(name)
}

func mk(id string, lines []string, i int, msg string) Match {
	l := strings.TrimRight(lines[i], " \t")
	start := len(l) - len(strings.TrimLeft(l, " \t"))
	return Match{Pattern: id, Message: msg, Line: i + 1, StartColumn: start + 1, EndColumn: len(l) + 1}
}

func indent(l string) int { return len(l) - len(strings.TrimLeft(l, " \t")) }

func blank(l string, comment string) bool {
	t := strings.TrimSpace(l)
	return t == "" || strings.HasPrefix(t, comment)
}

// block returns the lines of the block opened at line i (its header and
// every following line indented deeper, blank lines included).
func block(lines []string, i int) []string {
	base := indent(lines[i])
	j := i + 1
	for ; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) != "" && indent(lines[j]) <= base {
			break
		}
	}
	return lines[i:j]
}

// ---- Python ----

var (
	pyCacheDeco = regexp.MustCompile(`^\s*@((functools|cachetools|async_lru)\.)?(lru_cache|cache|cached_property|alru_cache|cached)\b(\((.*)\))?\s*(#.*)?$`)
	pyTTLArg    = regexp.MustCompile(`TTLCache|ttl`)
	pyDef       = regexp.MustCompile(`^\s*(async\s+)?def\s+(\w+)\s*\(`)
	pyNoneVar   = regexp.MustCompile(`^(\w+)\s*(:\s*[^=]+)?=\s*None\s*(#.*)?$`)
	pyModFetch  = regexp.MustCompile(`^(\w+)\s*(:\s*[^=]+)?=\s*(.*)$`)
	pyExpiry    = regexp.MustCompile(`(?i)expir|\bexp\b|(^|[^-\w])ttl\b|time\.time\(\)|monotonic\(|datetime\.(now|utcnow)|\bvalid\b|is_valid|\bstale\b|max_age`)
)

func python(lines []string) []Match {
	var out []Match
	budget := instanceBudget
	classExpiry := map[int]bool{}
	for i, l := range lines {
		// Cache decorator on a token getter. (The substring tests before
		// each pattern are what every match holds: most lines of most files
		// hold none, and Go's regexp costs a pass each.)
		var m []string
		if strings.Contains(l, "@") {
			m = pyCacheDeco.FindStringSubmatch(l)
		}
		if m != nil {
			if m[3] == "cached" && pyTTLArg.MatchString(m[5]) {
				continue
			}
			for j := i + 1; j < len(lines) && j < i+8; j++ {
				if blank(lines[j], "#") || strings.HasPrefix(strings.TrimSpace(lines[j]), "@") {
					continue
				}
				if d := pyDef.FindStringSubmatch(lines[j]); d != nil && tokenish(d[2]) {
					out = append(out, mk("py-cache-decorator", lines, i, fmt.Sprintf(
						"@%s on %s() keeps the first token it returns for the life of the process and serves it after it expires (401s after the token's lifetime). Fix: cache with an expiry shorter than the token (cachetools.TTLCache, or store expires_at and refresh before it), or keep the SDK credential object, which refreshes itself.",
						m[3], d[2])))
				}
				break
			}
			continue
		}
		if strings.Contains(l, "self.") {
			if m := pyInstanceToken(lines, i, &budget, classExpiry); m != nil {
				out = append(out, *m)
			}
			continue
		}
		if indent(l) != 0 || !strings.Contains(l, "=") {
			continue
		}
		// Module-level token fetched at import time.
		if m := pyModFetch.FindStringSubmatch(l); m != nil && tokenish(m[1]) && !strings.HasPrefix(m[3], "None") {
			rhs := m[3]
			if fetchCall.MatchString(rhs) || (saTokenPath.MatchString(rhs) && strings.Contains(rhs, "read")) {
				out = append(out, mk("py-module-token", lines, i, fmt.Sprintf(
					"module-level %s is fetched once at import and reused for the life of the process; the token expires but the module keeps serving it. Fix: fetch it in a function that checks a stored expires_at (refresh a minute before it), or use the SDK's refreshing credentials.",
					m[1])))
			}
		}
		// Module-level None placeholder filled once by a function.
		if m := pyNoneVar.FindStringSubmatch(l); m != nil && tokenish(m[1]) {
			out = append(out, pyMemo(lines, m[1])...)
		}
	}
	return out
}

func pyMemo(lines []string, name string) []Match {
	var out []Match
	global := regexp.MustCompile(`^\s*global\s+.*\b` + regexp.QuoteMeta(name) + `\b`)
	assign := regexp.MustCompile(`^\s+` + regexp.QuoteMeta(name) + `\s*(:\s*[^=]+)?=[^=]`)
	clear := regexp.MustCompile(`=\s*(None|""|'')\s*(#.*)?$`)
	for i, l := range lines {
		d := pyDef.FindStringSubmatch(l)
		if d == nil {
			continue
		}
		body := block(lines, i)
		hasGlobal := false
		for _, b := range body {
			if global.MatchString(b) {
				hasGlobal = true
			}
		}
		if !hasGlobal || pyExpiry.MatchString(strings.Join(body, "\n")) {
			continue
		}
		for k, b := range body {
			if assign.MatchString(b) && !clear.MatchString(b) {
				out = append(out, mk("py-module-token", lines, i+k, fmt.Sprintf(
					"module-level %s is set once and returned on every later call without checking its expiry; it keeps being served after the token expires. Fix: store expires_at with it and fetch a new token a minute before it passes, or use the SDK's refreshing credentials.",
					name)))
			}
		}
	}
	return out
}

var (
	pySelfAssign = regexp.MustCompile(`^\s*self\.(\w+)\s*(:\s*[^=]+)?=\s*([^=].*)$`)
	pyClassLine  = regexp.MustCompile(`^\s*class\s+\w+`)
)

// pyInstanceToken reports line i when it fills a token attribute of an
// object lazily: inside a method (not __init__) that guards on the
// attribute and returns it, in a class that looks at no expiry and never
// clears the attribute outside __init__. An API client or SDK wrapper
// usually lives as long as the process, and so does its first token.
//
// classExpiry remembers, by a class's first line, whether the class looks
// at an expiry anywhere.
func pyInstanceToken(lines []string, i int, budget *int, classExpiry map[int]bool) *Match {
	m := pySelfAssign.FindStringSubmatch(lines[i])
	if m == nil || !tokenish(m[1]) || !lazyFetch(m[3]) || !spend(budget) {
		return nil
	}
	name := m[1]
	def := enclosing(lines, i, pyDef)
	if def < 0 {
		return nil
	}
	method := pyDef.FindStringSubmatch(lines[def])[2]
	class := enclosing(lines, def, pyClassLine)
	if class < 0 || strings.HasPrefix(method, "__") {
		return nil
	}
	attr := regexp.MustCompile(`\bself\.` + regexp.QuoteMeta(name) + `\b`)
	guarded, returned := false, false
	for _, b := range block(lines, def)[1:] {
		t := strings.TrimSpace(b)
		switch {
		case (strings.HasPrefix(t, "if ") || strings.HasPrefix(t, "elif ")) && attr.MatchString(t):
			guarded = true
		case strings.HasPrefix(t, "return") && attr.MatchString(t):
			returned = true
		}
	}
	if !guarded || !returned {
		return nil
	}
	body := block(lines, class)
	expiry, known := classExpiry[class]
	if !known {
		expiry = pyExpiry.MatchString(strings.Join(body, "\n"))
		classExpiry[class] = expiry
	}
	if expiry || clearedOutside(body, name, `self\.`, `=\s*(None|""|'')\s*(#.*)?$`, pyDef, "__init__") {
		return nil
	}
	out := mk("py-instance-token", lines, i, fmt.Sprintf(
		"self.%s is fetched once and kept on the object, returned on every later call without checking its expiry; a client object living as long as the process serves the token after it expires. Fix: keep expires_at next to it and fetch a new token a minute before it passes, or use the SDK's refreshing credentials.",
		name))
	return &out
}

// constructs matches a right-hand side that builds an object (new
// TokenClient(…), Python's TokenClient(…)): a sub-client kept on its
// parent, not a token.
var constructs = regexp.MustCompile(`^\(?\s*(new\s|[A-Z]\w*(\.[A-Z]\w*)*\()`)

// instanceBudget bounds how many candidate lines of one file the instance
// patterns examine, each at the cost of a pass over its class or file:
// past it the file is generated code, and its candidates are left alone.
const instanceBudget = 256

func spend(budget *int) bool {
	*budget--
	return *budget >= 0
}

// lazyFetch reports whether the right-hand side of an assignment computes
// a value (a call or an await), not a constant, a parameter or a new
// object.
func lazyFetch(rhs string) bool {
	rhs = strings.TrimSpace(rhs)
	return strings.Contains(rhs, "(") && !strings.HasPrefix(rhs, "None") && !strings.HasPrefix(rhs, "null") && !constructs.MatchString(rhs)
}

// enclosing returns the nearest line above i, indented less than line i,
// that header matches, or -1 when a less indented line that is not one
// comes first at indent 0.
func enclosing(lines []string, i int, header *regexp.Regexp) int {
	in := indent(lines[i])
	for j := i - 1; j >= 0; j-- {
		l := lines[j]
		if strings.TrimSpace(l) == "" || indent(l) >= in {
			continue
		}
		if header.MatchString(l) {
			return j
		}
		if indent(l) == 0 {
			return -1
		}
		in = indent(l)
	}
	return -1
}

// clearedOutside reports whether body resets the attribute name (written
// after prefix, a value matching clear) anywhere but in the method named
// init: a reset on 401 or logout is expiry handling of its own.
func clearedOutside(body []string, name, prefix, clear string, method *regexp.Regexp, init string) bool {
	reset := regexp.MustCompile(`^\s*` + prefix + regexp.QuoteMeta(name) + `\s*(:\s*[^=]+)?` + clear)
	for k, b := range body {
		if !strings.Contains(b, name) || !reset.MatchString(b) {
			continue
		}
		if d := enclosing(body, k, method); d >= 0 && strings.Contains(body[d], init) {
			continue
		}
		return true
	}
	return false
}

// ---- JavaScript / TypeScript ----

var (
	jsModVar   = regexp.MustCompile(`^(export\s+)?(let|var)\s+(\w+)\b`)
	jsModCache = regexp.MustCompile(`^(export\s+)?(const|let|var)\s+(\w+)\s*(:[^=]+)?=\s*new\s+(Map|NodeCache|LRUCache|LRU|QuickLRU)\b\s*(<[^>]*>)?\s*\(\s*\)`)
	jsExpiry   = regexp.MustCompile(`(?i)expir|\.exp\b|\bexp\s*[<>*]|(^|[^-\w])ttl\b|stdTTL|maxAge|Date\.now\(\)|getTime\(\)|isExpired|jwtDecode|jwt_decode|decodeJwt|jwt\.decode|stale|validUntil`)
)

func javascript(lines []string) []Match {
	var out []Match
	all := strings.Join(lines, "\n")
	// Expiry handling anywhere in the file clears it; looked for once a
	// line could report (a pass over a bundle of megabytes otherwise).
	clean := sync.OnceValue(func() bool { return jsExpiry.MatchString(all) })
	budget := instanceBudget
	props := sync.OnceValue(func() jsProps { return jsPropsOf(all) })
	for i, l := range lines {
		if strings.Contains(l, "this.") {
			if m := jsInstanceToken(lines, i, props, clean, &budget); m != nil {
				out = append(out, *m)
			}
			continue
		}
		if l == "" || !strings.Contains("celv", l[:1]) {
			continue // both patterns start with export, const, let or var
		}
		if m := jsModCache.FindStringSubmatch(l); m != nil && tokenish(m[3]) {
			if clean() {
				return nil
			}
			set := regexp.MustCompile(`\b` + regexp.QuoteMeta(m[3]) + `\.set\(`)
			for j := range lines {
				if set.MatchString(lines[j]) {
					out = append(out, mk("js-token-cache", lines, j, fmt.Sprintf(
						"%s (a %s with no expiry) keeps tokens for the life of the process and hands them out after they expire. Fix: store the token's expiry (exp claim or expires_in) with it and refetch a minute before, or use a cache with a TTL shorter than the token.",
						m[3], m[5])))
				}
			}
			continue
		}
		m := jsModVar.FindStringSubmatch(l)
		if m == nil || !tokenish(m[3]) {
			continue
		}
		if clean() {
			return nil
		}
		name := m[3]
		assign := regexp.MustCompile(`^\s+` + regexp.QuoteMeta(name) + `\s*(\?\?|\|\|)?=\s*[^=\s]`)
		clear := regexp.MustCompile(`=\s*(null|undefined|""|''|void 0)\s*;?\s*(//.*)?$`)
		guard := regexp.MustCompile(`(!\s*` + regexp.QuoteMeta(name) + `\b|\b` + regexp.QuoteMeta(name) + `\s*(===?|!==?)\s*(null|undefined)|\bif\s*\(\s*` + regexp.QuoteMeta(name) + `\s*\)|\b` + regexp.QuoteMeta(name) + `\s*(\?\?|\|\|)=)`)
		if !guard.MatchString(all) {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if assign.MatchString(lines[j]) && !clear.MatchString(lines[j]) {
				out = append(out, mk("js-module-token", lines, j, fmt.Sprintf(
					"module-scope %s is fetched once and returned on every later call without checking its expiry; after the token expires every request fails with 401. Fix: keep the expiry (exp claim or expires_in) next to it and refetch a minute before it passes.",
					name)))
			}
		}
	}
	return out
}

var (
	jsThisAssign = regexp.MustCompile(`^\s*(return\s+)?\(?\s*this\.(#?\w+)\s*(\?\?|\|\|)?=\s*([^=].*)$`)
	jsMethod     = regexp.MustCompile(`^\s*((public|private|protected|static|async|override|get)\s+)*(#?\w+)\s*(<[^>]*>)?\s*\([^)]*\)\s*(:\s*[^{]+)?\{`)
)

var (
	jsGuard   = regexp.MustCompile(`!\s*this\.(#?\w+)|\bthis\.(#?\w+)\s*(?:===?|!==?)\s*(?:null|undefined)|\bif\s*\(\s*this\.(#?\w+)\s*\)|\bthis\.(#?\w+)\s*(?:\?\?|\|\|)=`)
	jsReturn  = regexp.MustCompile(`\breturn\b[^;]*`)
	jsThisRef = regexp.MustCompile(`\bthis\.(#?\w+)`)
)

// jsProps is what a file does with its objects' properties: the names it
// guards on (!this.x, this.x == null, this.x ??= …) and the names its
// return statements hand out. One pass each, however many candidates.
type jsProps struct{ guarded, returned map[string]bool }

func jsPropsOf(all string) jsProps {
	p := jsProps{guarded: map[string]bool{}, returned: map[string]bool{}}
	for _, m := range jsGuard.FindAllStringSubmatch(all, -1) {
		for _, name := range m[1:] {
			if name != "" {
				p.guarded[name] = true
			}
		}
	}
	for _, r := range jsReturn.FindAllString(all, -1) {
		for _, m := range jsThisRef.FindAllStringSubmatch(r, -1) {
			p.returned[m[1]] = true
		}
	}
	return p
}

// jsInstanceToken reports line i when it fills a token property of an
// object lazily (outside its constructor) in a file that guards on the
// property, returns it, looks at no expiry and never clears it outside the
// constructor: an API client instance usually lives as long as the
// process, and so does its first token.
func jsInstanceToken(lines []string, i int, props func() jsProps, clean func() bool, budget *int) *Match {
	m := jsThisAssign.FindStringSubmatch(lines[i])
	if m == nil || !tokenish(strings.TrimPrefix(m[2], "#")) || !lazyFetch(m[4]) || !spend(budget) {
		return nil
	}
	if d := enclosing(lines, i, jsMethod); d < 0 || strings.Contains(lines[d], "constructor") {
		return nil
	}
	if !props().guarded[m[2]] || !props().returned[m[2]] || clean() ||
		clearedOutside(lines, m[2], `this\.`, `=\s*(null|undefined|""|''|void 0)\s*;?\s*(//.*)?$`, jsMethod, "constructor") {
		return nil
	}
	out := mk("js-instance-token", lines, i, fmt.Sprintf(
		"this.%s is fetched once and kept on the object, returned on every later call without checking its expiry; a client instance living as long as the process serves the token after it expires (401s). Fix: keep the expiry (exp claim or expires_in) next to it and refetch a minute before it passes.",
		m[2]))
	return &out
}

// ---- Java ----

var (
	javaStaticField   = regexp.MustCompile(`^\s*((public|private|protected)\s+)?static\s+(final\s+)?(volatile\s+)?([\w.]+(<[^=;]*>)?)\s+(\w+)\s*(=\s*(.+?))?;`)
	javaExpiry        = regexp.MustCompile(`(?i)expir|(^|[^-\w])ttl\b|Instant\.now|currentTimeMillis|nanoTime|isValid|validUntil|getExp\b`)
	javaBuilderExpiry = regexp.MustCompile(`\.(expireAfter\w*|refreshAfterWrite)\(`)
	javaBuilder       = regexp.MustCompile(`\b(CacheBuilder|Caffeine)\.newBuilder\(\)`)
	javaTokenType     = regexp.MustCompile(`^(String|char\[\]|\w*Token|\w*Credentials?|\w*Jwt|DecodedJWT|SignedJWT)$`)
)

func java(lines []string) []Match {
	var out []Match
	all := strings.Join(lines, "\n")
	// Whether the file handles expiry, looked for when a field needs it.
	expiryInFile := sync.OnceValue(func() bool {
		return javaExpiry.MatchString(javaBuilderExpiry.ReplaceAllString(all, ""))
	})
	nullChecked := sync.OnceValue(func() map[string]bool {
		names := map[string]bool{}
		for _, m := range javaNullCheck.FindAllStringSubmatch(all, -1) {
			names[m[1]+m[2]] = true
		}
		return names
	})
	budget := instanceBudget
	for i, l := range lines {
		if !strings.Contains(l, "static") && !strings.Contains(l, "newBuilder()") {
			if strings.Contains(l, "private") || strings.Contains(l, "protected") || strings.Contains(l, "public") {
				out = append(out, javaInstanceToken(lines, i, nullChecked, expiryInFile, &budget)...)
			}
			continue // what both of the other patterns need
		}
		if javaBuilder.MatchString(l) {
			stmt, _ := javaStatement(lines, i)
			head := stmt[:strings.Index(stmt, javaBuilder.FindString(stmt))]
			if !tokenName.MatchString(head) {
				continue
			}
			switch {
			case strings.Contains(stmt, "expireAfterWrite") || strings.Contains(stmt, "expireAfter(") || strings.Contains(stmt, "refreshAfterWrite"):
			case strings.Contains(stmt, "expireAfterAccess"):
				out = append(out, mk("java-token-cache", lines, i, "this token cache only has expireAfterAccess: a token read often never leaves the cache and is served after it expires. Fix: expireAfterWrite (or expireAfter with the token's own expiry) shorter than the token's lifetime."))
			default:
				out = append(out, mk("java-token-cache", lines, i, "this token cache has no expireAfterWrite: tokens stay until evicted by size and are served after they expire. Fix: expireAfterWrite shorter than the token's lifetime, or Caffeine expireAfter computing each entry's expiry from the token."))
			}
			continue
		}
		m := javaStaticField.FindStringSubmatch(l)
		if m == nil || !tokenish(m[7]) || !javaTokenType.MatchString(m[5]) {
			continue
		}
		name, init := m[7], m[9]
		if init != "" {
			if fetchCall.MatchString(init) || (saTokenPath.MatchString(init)) {
				out = append(out, mk("java-static-token", lines, i, fmt.Sprintf(
					"static %s is loaded once when the class initialises and used for the life of the JVM; the token expires but the field never changes. Fix: fetch it through a provider that checks the expiry (or re-reads the token file) on each use.",
					name)))
			}
			continue
		}
		if expiryInFile() {
			continue
		}
		guard := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*==\s*null|null\s*==\s*` + regexp.QuoteMeta(name) + `\b`)
		if !guard.MatchString(all) {
			continue
		}
		assign := regexp.MustCompile(`^\s+(\w+\.)?` + regexp.QuoteMeta(name) + `\s*=\s*[^=\s]`)
		for j := i + 1; j < len(lines); j++ {
			if assign.MatchString(lines[j]) && !strings.Contains(lines[j], "null;") {
				out = append(out, mk("java-static-token", lines, j, fmt.Sprintf(
					"static %s is fetched once (null check) and reused for the life of the JVM without looking at its expiry; requests fail once it expires. Fix: keep the expiry with the token and refresh a minute before it, or use the SDK's refreshing credentials.",
					name)))
			}
		}
	}
	return out
}

// javaNullCheck finds the names a file compares with null.
var javaNullCheck = regexp.MustCompile(`\b(\w+)\s*==\s*null\b|\bnull\s*==\s*(?:this\.)?(\w+)\b`)

var javaInstanceField = regexp.MustCompile(`^\s*(private|protected|public)\s+(volatile\s+)?([\w.]+(<[^=;]*>)?)\s+(\w+)\s*;`)

// javaInstanceToken reports the lazy fills of the token field declared on
// line i: a field no expiry check in the file looks at, filled under a
// null check by a call that fetches a token, and never set back to null
// (a reset on 401 handles expiry its own way). Services and clients are
// usually singletons, living as long as the JVM.
func javaInstanceToken(lines []string, i int, nullChecked func() map[string]bool, expiryInFile func() bool, budget *int) []Match {
	m := javaInstanceField.FindStringSubmatch(lines[i])
	if m == nil || !tokenish(m[5]) || !javaTokenType.MatchString(m[3]) || !spend(budget) || expiryInFile() {
		return nil
	}
	if !nullChecked()[m[5]] {
		return nil
	}
	return fieldFills(lines, i, m[5], false, "java-instance-token", "JVM")
}

// javaStatement joins lines from i until a ';' ends the statement.
func javaStatement(lines []string, i int) (string, int) {
	start := i
	for i > 0 && !strings.ContainsAny(lines[i-1], ";{}") && i > start-3 {
		i--
	}
	var b strings.Builder
	for j := i; j < len(lines) && j < start+20; j++ {
		b.WriteString(lines[j])
		b.WriteByte('\n')
		if strings.Contains(lines[j], ";") && j >= start {
			return b.String(), j
		}
	}
	return b.String(), start
}
