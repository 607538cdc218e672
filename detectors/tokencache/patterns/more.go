package patterns

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// ---- C# ----

var (
	// csField is a field declaration: at least one modifier (a local
	// variable has none), a type, a name and an optional initializer.
	csField     = regexp.MustCompile(`^\s*((?:(?:public|private|protected|internal|static|readonly|volatile)\s+)+)([\w.]+(?:<[^=;]*>)?\??)\s+(\w+)\s*(?:=\s*(.+?))?;`)
	csTokenType = regexp.MustCompile(`^(?:string|String|\w*Token|\w*Credentials?|\w*Jwt\w*|Lazy<.*>)\??$`)
	csExpiry    = regexp.MustCompile(`(?i)expir|(^|[^-\w])ttl\b|UtcNow|DateTime(Offset)?\.Now|ValidTo|IsExpired|Stopwatch|TimeProvider`)
	csNullCheck = regexp.MustCompile(`\b(\w+)\s*(?:==\s*null|is\s+null|\?\?=)|\bnull\s*==\s*(?:this\.)?(\w+)\b|IsNullOrEmpty\(\s*(?:this\.)?(\w+)\s*\)`)
)

// csharp reports token fields of a class filled once and never checked
// for expiry: static ones live as long as the process, and so do
// instance ones of the services a DI container registers as singletons.
func csharp(lines []string) []Match {
	var out []Match
	all := strings.Join(lines, "\n")
	expiry := sync.OnceValue(func() bool { return csExpiry.MatchString(all) })
	nullChecked := sync.OnceValue(func() map[string]bool {
		names := map[string]bool{}
		for _, m := range csNullCheck.FindAllStringSubmatch(all, -1) {
			names[m[1]+m[2]+m[3]] = true
		}
		return names
	})
	budget := instanceBudget
	for i, l := range lines {
		if !strings.Contains(l, ";") || !strings.ContainsAny(l, "pis") {
			continue
		}
		m := csField.FindStringSubmatch(l)
		if m == nil || strings.Contains(m[1], "const") || !tokenish(m[3]) || !csTokenType.MatchString(m[2]) || !spend(&budget) || expiry() {
			continue
		}
		static := strings.Contains(m[1], "static")
		name, init := m[3], m[4]
		if init != "" {
			if static && fetchCall.MatchString(init) {
				out = append(out, mk("cs-static-token", lines, i, fmt.Sprintf(
					"static %s is fetched once when the type initialises and used for the life of the process; the token expires but the field never changes. Fix: get tokens from a credential that refreshes (Azure.Identity's TokenCredential, MSAL's token cache) or keep the expiry and refresh a minute before it.",
					name)))
			}
			continue
		}
		if !nullChecked()[name] {
			continue
		}
		out = append(out, fieldFills(lines, i, name, static, "cs-token-field", "process")...)
	}
	return out
}

// fieldFills reports the assignments to field name below line i that fetch
// a token (a call such as GetAccessTokenAsync(…), maybe awaited, maybe
// through ??=), unless the field is set back to null somewhere: a reset on
// 401 handles expiry its own way. Java, C# and Kotlin fields share it.
func fieldFills(lines []string, i int, name string, static bool, id, lifetime string) []Match {
	q := regexp.QuoteMeta(name)
	reset := regexp.MustCompile(`^\s*(?:this\.)?` + q + `\s*=\s*null\s*(?:;|$)`)
	assign := regexp.MustCompile(`^\s*(?:this\.)?` + q + `\s*(?:\?\?)?=\s*([^=\s].*)$`)
	also := regexp.MustCompile(`\{\s*(?:this\.)?` + q + `\s*=\s*it\s*\}`)
	owner := "object"
	if static {
		owner = "type"
	}
	var out []Match
	for j := i + 1; j < len(lines); j++ {
		if !strings.Contains(lines[j], name) {
			continue
		}
		if reset.MatchString(lines[j]) {
			return nil
		}
		a := assign.FindStringSubmatch(lines[j])
		if (a != nil && fetchCall.MatchString(a[1])) || (also.MatchString(lines[j]) && fetchCall.MatchString(lines[j])) {
			out = append(out, mk(id, lines, j, fmt.Sprintf(
				"field %s is fetched once (null check) and kept by its %s for the life of the %s without looking at its expiry; it is served after it expires. Fix: keep the expiry with the token and refresh a minute before it, or use a credential object that refreshes itself.",
				name, owner, lifetime)))
		}
	}
	return out
}

// ---- Kotlin ----

var (
	ktLazy    = regexp.MustCompile(`^\s*(?:(?:private|internal|public|protected|override)\s+)*val\s+(\w+)\s*(?::\s*[\w.?<>]+\s*)?by\s+lazy\b`)
	ktNullVar = regexp.MustCompile(`^\s*(?:(?:private|internal|public|protected|@Volatile|lateinit)\s+)*var\s+(\w+)\s*:\s*([\w.<>]+)\?\s*=\s*null\b`)
	ktExpiry  = regexp.MustCompile(`(?i)expir|(^|[^-\w])ttl\b|Instant\.now|currentTimeMillis|nanoTime|Clock\.|isValid|validUntil`)
	ktGuard   = regexp.MustCompile(`\b(\w+)\s*(?:==\s*null|\?:)`)
)

// kotlin reports token properties computed once: by lazy (the first value
// stays for the object's life, which for an object or companion object is
// the process's) and nullable vars filled under a null check.
func kotlin(lines []string) []Match {
	var out []Match
	all := strings.Join(lines, "\n")
	expiry := sync.OnceValue(func() bool { return ktExpiry.MatchString(all) })
	guarded := sync.OnceValue(func() map[string]bool {
		names := map[string]bool{}
		for _, m := range ktGuard.FindAllStringSubmatch(all, -1) {
			names[m[1]] = true
		}
		return names
	})
	budget := instanceBudget
	for i, l := range lines {
		if !strings.Contains(l, "va") {
			continue
		}
		if m := ktLazy.FindStringSubmatch(l); m != nil && tokenish(m[1]) {
			// The lazy block: this line and the next few, to its closing brace.
			body := l
			for j := i + 1; j < len(lines) && j < i+12 && !strings.Contains(body, "}"); j++ {
				body += "\n" + lines[j]
			}
			if fetchCall.MatchString(body) && spend(&budget) && !expiry() {
				out = append(out, mk("kt-lazy-token", lines, i, fmt.Sprintf(
					"%s is fetched by lazy once and kept for the life of its object (the process's, in an object or companion object); the token expires but lazy never recomputes it. Fix: keep the expiry with the token and refetch a minute before it passes, or use the SDK's refreshing credentials.",
					m[1])))
			}
			continue
		}
		m := ktNullVar.FindStringSubmatch(l)
		if m == nil || !tokenish(m[1]) || !javaTokenType.MatchString(m[2]) || !spend(&budget) || expiry() || !guarded()[m[1]] {
			continue
		}
		out = append(out, fieldFills(lines, i, m[1], false, "kt-token-field", "process")...)
	}
	return out
}

// ---- Ruby ----

var (
	rbMemo      = regexp.MustCompile(`^\s*(?:return\s+)?(@@?)(\w+)\s*\|\|=\s*(.+?)\s*$`)
	rbDef       = regexp.MustCompile(`^\s*def\s+(self\.)?[\w?!=]+`)
	rbClassSelf = regexp.MustCompile(`^\s*class\s*<<\s*self\b`)
	rbExpiry    = regexp.MustCompile(`(?i)expir|(^|[^-\w])ttl\b|Time\.(now|current)|\.ago\b|from_now|valid\?|clock_gettime`)
	rbFetch     = regexp.MustCompile(`(?i)\b(?:get|fetch|request|acquire|obtain|mint|issue|generate|login|exchange|retrieve|create|authenticate|new)_?\w*(?:token|jwt|credential|creds)\w*|\.post\b|\[["':]access_token["']?\]|\.access_token\b|\.token\b`)
)

// ruby reports token memos (x ||= fetch) that live as long as the
// process: class variables, instance variables of the class itself (in
// def self.x or class << self) and of a Singleton. A memo in an ordinary
// object lives as long as the object — often one request — and is left
// alone.
func ruby(lines []string) []Match {
	var out []Match
	all := strings.Join(lines, "\n")
	expiry := sync.OnceValue(func() bool { return rbExpiry.MatchString(all) })
	singleton := strings.Contains(all, "include Singleton")
	budget := instanceBudget
	for i, l := range lines {
		if !strings.Contains(l, "||=") {
			continue
		}
		m := rbMemo.FindStringSubmatch(l)
		if m == nil || !tokenish(m[2]) {
			continue
		}
		rhs := m[3]
		if b, ok := strings.CutPrefix(rhs, "begin"); ok && (b == "" || strings.HasPrefix(strings.TrimSpace(b), "#")) {
			// @token ||= begin … end: the fetch is in the block.
			for j := i + 1; j < len(lines) && j < i+15 && strings.TrimSpace(lines[j]) != "end"; j++ {
				rhs += "\n" + lines[j]
			}
		}
		if !rbFetch.MatchString(rhs) || !spend(&budget) {
			continue
		}
		scope := ""
		switch {
		case m[1] == "@@":
			scope = "class variable @@" + m[2]
		case singleton:
			scope = "@" + m[2] + " of a Singleton"
		default:
			d := enclosing(lines, i, rbDef)
			if d < 0 {
				continue
			}
			if strings.Contains(lines[d], "self.") {
				scope = "class-level @" + m[2]
			} else if c := enclosing(lines, d, rbClassSelf); c >= 0 {
				scope = "class-level @" + m[2]
			}
		}
		if scope == "" || expiry() {
			continue
		}
		out = append(out, mk("rb-class-token", lines, i, fmt.Sprintf(
			"%s memoizes the first token (||=) for the life of the process and hands it out after it expires. Fix: keep the expiry next to it (expires_at = Time.now + expires_in) and fetch a new token a minute before it passes, or memoize per request.",
			scope)))
	}
	return out
}
