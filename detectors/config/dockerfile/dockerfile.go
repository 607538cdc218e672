// Package dockerfile checks Dockerfiles for secrets passed through ENV and
// ARG: an ENV value is stored in the image's configuration and a build
// argument in its history, so both reach everyone who can pull the image
// (docker history, docker inspect), and a literal one is in the repository
// too. BuildKit's secret mounts (RUN --mount=type=secret) and run-time
// secret stores keep them out; Docker's own build check
// SecretsUsedInArgOrEnv warns about the same names.
package dockerfile

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config/document"
	"github.com/sprawl-dev/sprawl/detectors/config/literal"
	"github.com/sprawl-dev/sprawl/detectors/config/workload"
)

// Check ids reported by this package.
const (
	// CheckLiteral: ENV or ARG sets a secret to a literal value.
	CheckLiteral = "dockerfile-literal-secret"
	// CheckBuildArg: a secret reaches the image through ARG or ENV from
	// outside the file (a --build-arg, a variable).
	CheckBuildArg = "dockerfile-secret-in-arg-or-env"
)

const platformID = "container-image"

// MaxInstructions bounds the instructions read from one file.
const MaxInstructions = 20000

// Check returns the findings in one Dockerfile.
func Check(src *document.Source, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	if bytes.IndexByte(src.Data, 0) >= 0 {
		return nil
	}
	pl := t.Platform(platformID)
	var out []detectors.Finding
	for i, ins := range instructions(src.Data, escapeChar(src.Data)) {
		if i == MaxInstructions {
			break
		}
		for _, kv := range ins.pairs() {
			out = append(out, check(src, h, pl, ins.keyword, kv)...)
		}
	}
	return out
}

func check(src *document.Source, h *detectors.Hasher, pl workload.Platform, keyword string, kv pair) []detectors.Finding {
	value := kv.value
	secret := ""
	// From outside the file: a build argument without a default or with
	// a stand-in one (--build-arg sets it), a variable copied into ENV.
	outside := !kv.hasValue || literal.IsReference(value) || keyword == "ARG" && literal.IsPlaceholder(value)
	switch {
	case outside:
		if !literal.IsSecretName(kv.name) {
			return nil
		}
	case !literal.IsLiteral(value):
		return nil // an ENV stand-in, replaced when the container runs
	case literal.IsSecretName(kv.name) || literal.KnownTokenPrefix(value):
		secret = value
	case literal.IsURLName(kv.name):
		secret, _ = literal.URLPassword(value)
	}
	if secret == "" && !outside {
		return nil
	}
	label := literal.Label(kv.name)
	kind := literal.Kind(kv.name, value)
	w := detectors.WorkloadFacts{Kind: pl.Kind, Platform: platformID, Name: "container image built from " + src.Path,
		CurrentControl: document.ControlStatic, Federation: pl.Federation, Credential: label, CredentialKind: kind}
	where := "configuration (docker inspect)"
	if keyword == "ARG" {
		where = "history (docker history)"
	}
	if secret != "" {
		f := src.Finding(CheckLiteral, kv.start, kv.end, fmt.Sprintf(
			"%s sets %s with %s to a literal: it is in the repository and in the %s of every image built from it; revoke it and pass it with RUN --mount=type=secret at build time, or from a secret store at run time",
			src.Path, label, keyword, where), w)
		document.WithSecret(&f, h, secret, kind)
		return []detectors.Finding{f}
	}
	return []detectors.Finding{src.Finding(CheckBuildArg, kv.start, kv.end, fmt.Sprintf(
		"%s passes %s through %s: its value ends up in the image's %s, readable by everyone who can pull it; mount it with RUN --mount=type=secret,id=%s (BuildKit) or give it to the container at run time from a secret store",
		src.Path, label, keyword, where, strings.ToLower(label)), w)}
}

// instruction is one ENV or ARG instruction: its words, each with the
// offsets in the file it came from.
type instruction struct {
	keyword string // "ENV" or "ARG"
	words   []word
}

// word is one argument of an instruction, quotes and all.
type word struct {
	text       string
	start, end int // offsets in the file
}

// pair is one variable an instruction sets.
type pair struct {
	name, value string
	hasValue    bool
	start, end  int // the name through the value, in the file
}

// pairs returns the variables an ENV or ARG sets: name=value words, or
// ENV's older "name value…" form.
func (ins instruction) pairs() []pair {
	if len(ins.words) == 0 {
		return nil
	}
	var out []pair
	if ins.keyword == "ENV" && !strings.Contains(ins.words[0].text, "=") {
		// ENV name value with spaces: the rest of the line is the value.
		if len(ins.words) < 2 {
			return nil
		}
		var vals []string
		for _, w := range ins.words[1:] {
			vals = append(vals, unquote(w.text))
		}
		return []pair{{name: ins.words[0].text, value: strings.Join(vals, " "), hasValue: true,
			start: ins.words[0].start, end: ins.words[len(ins.words)-1].end}}
	}
	for _, w := range ins.words {
		name, value, ok := strings.Cut(w.text, "=")
		if name == "" {
			continue
		}
		out = append(out, pair{name: name, value: unquote(value), hasValue: ok, start: w.start, end: w.end})
	}
	return out
}

// unquote removes the quotes of a word's quoted parts.
func unquote(s string) string {
	var b strings.Builder
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case q != 0 && c == q:
			q = 0
		case c == '\\' && q != '\'' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// escapeChar reads the escape parser directive ("# escape=`" on a Windows
// Dockerfile) from the directives at the top of the file.
func escapeChar(data []byte) byte {
	for rest := data; len(rest) > 0; {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		rest = next
		l := bytes.TrimSpace(line)
		if len(l) == 0 || l[0] != '#' {
			break
		}
		k, v, ok := bytes.Cut(bytes.TrimSpace(l[1:]), []byte("="))
		if !ok {
			break
		}
		if bytes.EqualFold(bytes.TrimSpace(k), []byte("escape")) {
			if v = bytes.TrimSpace(v); len(v) == 1 && (v[0] == '`' || v[0] == '\\') {
				return v[0]
			}
		}
	}
	return '\\'
}

// instructions returns the file's ENV and ARG instructions, their lines
// joined where they end with the escape character; comment lines inside
// a continued instruction are skipped, as Docker does.
func instructions(data []byte, esc byte) []instruction {
	var out []instruction
	var cur *instruction
	inWord := false
	q := byte(0)
	off := 0
	for off < len(data) {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		line := data[off:end]
		start := off
		off = end + 1
		trimmed := bytes.TrimRight(line, " \t\r")
		continued := len(trimmed) > 0 && trimmed[len(trimmed)-1] == esc
		if continued {
			trimmed = trimmed[:len(trimmed)-1]
		}
		body := bytes.TrimLeft(trimmed, " \t")
		if len(body) > 0 && body[0] == '#' {
			continue // a comment (a trailing escape does not continue it)
		}
		i := start + (len(trimmed) - len(body)) // where body starts
		if cur == nil {
			k := bytes.IndexAny(body, " \t")
			if k < 0 {
				k = len(body)
			}
			switch kw := strings.ToUpper(string(body[:k])); kw {
			case "ENV", "ARG":
				out = append(out, instruction{keyword: kw})
				cur = &out[len(out)-1]
				i += k
			default:
				if continued {
					off = skipContinued(data, off, esc)
				}
				continue
			}
			inWord, q = false, 0
		}
		lineEnd := start + len(trimmed)
		first := len(cur.words)
		for ; i < lineEnd; i++ {
			c := data[i]
			if q == 0 && (c == ' ' || c == '\t') {
				inWord = false
				continue
			}
			if !inWord {
				cur.words = append(cur.words, word{start: i})
				inWord = true
			}
			cur.words[len(cur.words)-1].end = i + 1
			switch {
			case q == 0 && (c == '"' || c == '\''):
				q = c
			case q != 0 && c == q:
				q = 0
			}
		}
		// A word ends with its line at the latest.
		for k := first; k < len(cur.words); k++ {
			w := &cur.words[k]
			w.text = string(data[w.start:w.end])
		}
		if !continued {
			cur = nil
		} else {
			inWord = false // a line break ends a word, as whitespace does
		}
	}
	return out
}

// skipContinued returns the offset after the lines that continue an
// instruction whose first line ended before off.
func skipContinued(data []byte, off int, esc byte) int {
	for off < len(data) {
		e := bytes.IndexByte(data[off:], '\n')
		if e < 0 {
			e = len(data) - off
		}
		l := bytes.TrimRight(data[off:off+e], " \t\r")
		off += e + 1
		if c := bytes.TrimLeft(l, " \t"); len(c) > 0 && c[0] == '#' {
			continue // comments inside an instruction are dropped
		}
		if len(l) == 0 || l[len(l)-1] != esc {
			break
		}
	}
	return off
}
