package config_test

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config"
	"github.com/sprawl-dev/sprawl/rules"
)

// Fixtures: every directory directly under testdata/ is a repository root;
// each file in it is scanned at its path relative to that root. A line that
// must be reported carries "want: config/<id>" in a comment, optionally
// followed by key=value facts (kind, platform, control, credential, ckind,
// federation, name) the finding's WorkloadFacts must have. JSON files list
// "<line> config/<id> [key=value...]" pairs in a sidecar <file>.want. A file
// that must produce a parse note says "want-note" (or has a "note" line in
// its sidecar). Every other line must yield nothing.

type want struct {
	line  int
	rule  string
	facts map[string]string
}

var (
	wantRE  = regexp.MustCompile(`want: ((?:config/[a-z0-9-]+(?:\s+[a-z]+=(?:"[^"]*"|\S+))*\s*)+)`)
	tokenRE = regexp.MustCompile(`config/[a-z0-9-]+|[a-z]+=(?:"[^"]*"|\S+)`)
)

func parseWants(t *testing.T, file string, data []byte) (wants []want, note bool) {
	t.Helper()
	if side, err := os.ReadFile(file + ".want"); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(side)))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			if f[0] == "note" {
				note = true
				continue
			}
			n, err := strconv.Atoi(f[0])
			if err != nil || len(f) < 2 {
				t.Fatalf("%s.want: bad line %q", file, sc.Text())
			}
			wants = append(wants, parseSpec(n, tokenRE.FindAllString(strings.Join(f[1:], " "), -1))...)
		}
		return wants, note
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "want-note") {
			note = true
		}
		if m := wantRE.FindStringSubmatch(line); m != nil {
			wants = append(wants, parseSpec(i+1, tokenRE.FindAllString(m[1], -1))...)
		}
	}
	return wants, note
}

func parseSpec(line int, fields []string) []want {
	var out []want
	for _, f := range fields {
		if strings.HasPrefix(f, "config/") {
			out = append(out, want{line: line, rule: f, facts: map[string]string{}})
			continue
		}
		if k, v, ok := strings.Cut(f, "="); ok && len(out) > 0 {
			out[len(out)-1].facts[k] = strings.Trim(v, `"`)
		}
	}
	return out
}

func factsOf(w *detectors.WorkloadFacts) map[string]string {
	return map[string]string{"kind": w.Kind, "platform": w.Platform, "control": w.CurrentControl,
		"credential": w.Credential, "ckind": w.CredentialKind, "federation": strconv.FormatBool(w.Federation), "name": w.Name}
}

// fakeTokens are the fixture's fake secret values: no message may hold one.
var fakeToken = regexp.MustCompile(`[A-Za-z0-9_\-+/=.:@]*(?:FAKE|EXAMPLE)[A-Za-z0-9_\-+/=.:@]*`)

func TestFixtures(t *testing.T) {
	det := config.NewWithOptions(config.Options{})
	hasher := detectors.NewHasher([]byte("test-emit"), []byte("test-link"))
	catalog, err := rules.Catalog()
	if err != nil {
		t.Fatalf("catalog: %v", err)
	}
	seenRules := map[string]bool{}
	roots, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, r := range roots {
		if !r.IsDir() {
			continue
		}
		root := filepath.Join("testdata", r.Name())
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".want") {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			files++
			t.Run(r.Name()+"/"+rel, func(t *testing.T) {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				wants, wantNote := parseWants(t, p, data)
				if det.PathClass(rel) == "" {
					t.Fatalf("path %s is not classified; fixtures must be config files", rel)
				}
				got, notes := det.Check(context.Background(), detectors.Input{Path: rel, Content: data, Hasher: hasher})
				if wantNote != (len(notes) > 0) {
					t.Errorf("notes = %v, want note: %v", notes, wantNote)
				}
				for _, n := range notes {
					if n.Path != rel || !strings.Contains(n.Detail, "not checked") {
						t.Errorf("note %+v should name the file and say it was not checked", n)
					}
				}
				if os.Getenv("CONFIG_DUMP") != "" {
					for _, f := range got {
						t.Logf("%d:%d-%d:%d %s %+v | %s", f.Location.StartLine, f.Location.StartColumn, f.Location.EndLine, f.Location.EndColumn, f.RuleID, *f.Workload, f.Message)
					}
				}
				checkFindings(t, rel, data, got, wants, catalog)
				for _, f := range got {
					seenRules[f.RuleID] = true
				}
				// the detector through its interface gives the same findings
				if d := config.New().Detect(context.Background(), detectors.Input{Path: rel, Content: data, Hasher: hasher}); len(d) != len(got) {
					t.Errorf("Detect gave %d findings, Check %d", len(d), len(got))
				}
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files == 0 {
		t.Fatal("no fixtures")
	}
	for id := range catalog {
		if strings.HasPrefix(id, "config/") && !seenRules[id] {
			t.Errorf("rule %s has no positive fixture", id)
		}
	}
}

func checkFindings(t *testing.T, path string, data []byte, got []detectors.Finding, wants []want, catalog map[string]rules.Rule) {
	t.Helper()
	type key struct {
		line int
		rule string
	}
	gotBy := map[key][]detectors.Finding{}
	fakes := fakeToken.FindAllString(string(data), -1)
	lines := strings.Split(string(data), "\n")
	for _, f := range got {
		gotBy[key{f.Location.StartLine, f.RuleID}] = append(gotBy[key{f.Location.StartLine, f.RuleID}], f)
		if _, ok := catalog[f.RuleID]; !ok {
			t.Errorf("line %d: rule %s is not in the catalogue", f.Location.StartLine, f.RuleID)
		}
		l := f.Location
		if l.Path != path || l.StartLine < 1 || l.StartColumn < 1 || l.EndLine < l.StartLine || l.EndColumn < 1 ||
			(l.EndLine == l.StartLine && l.EndColumn <= l.StartColumn) {
			t.Errorf("bad location %+v", l)
		}
		if l.StartLine <= len(lines) && l.StartColumn-1 > len(lines[l.StartLine-1]) {
			t.Errorf("line %d: start column %d is past the line", l.StartLine, l.StartColumn)
		}
		w := f.Workload
		if w == nil {
			t.Errorf("line %d: %s has no workload facts", l.StartLine, f.RuleID)
			continue
		}
		switch w.Kind {
		case "ephemeral", "persistent", "agentic", "shared":
		default:
			t.Errorf("line %d: workload kind %q", l.StartLine, w.Kind)
		}
		if w.Platform == "" || w.Name == "" || w.CurrentControl == "" || w.Credential == "" {
			t.Errorf("line %d: incomplete workload facts %+v", l.StartLine, *w)
		}
		if !strings.Contains(w.Name, path) {
			t.Errorf("line %d: workload name %q does not name the file", l.StartLine, w.Name)
		}
		for _, fake := range fakes {
			if len(fake) >= 8 && (strings.Contains(f.Message, fake) || strings.Contains(w.Credential, fake) || strings.Contains(w.Name, fake)) {
				t.Errorf("line %d: message or facts leak a secret value", l.StartLine)
			}
		}
		if f.Secret != nil && (len(f.Secret.Fingerprint) != 64 || len([]rune(strings.TrimSuffix(f.Secret.Preview, "…"))) > 4) {
			t.Errorf("line %d: bad secret facts %+v", l.StartLine, *f.Secret)
		}
	}
	for _, w := range wants {
		k := key{w.line, w.rule}
		fs := gotBy[k]
		if len(fs) == 0 {
			t.Errorf("line %d: missing %s", w.line, w.rule)
			continue
		}
		facts := factsOf(fs[0].Workload)
		for fk, fv := range w.facts {
			if facts[fk] != fv {
				t.Errorf("line %d: %s %s = %q, want %q", w.line, w.rule, fk, facts[fk], fv)
			}
		}
		gotBy[k] = fs[1:]
	}
	var extra []string
	for k, fs := range gotBy {
		for _, f := range fs {
			extra = append(extra, strconv.Itoa(k.line)+" "+k.rule+": "+f.Message)
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		t.Errorf("unexpected finding at line %s", e)
	}
}
