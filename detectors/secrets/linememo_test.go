package secrets

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
	glreport "github.com/zricethezav/gitleaks/v8/report"
)

// get looks a line up one probe at a time, table by table: the reference
// the scanner's batched lookups (getBatch) are checked against.
func (m *lineMemo) get(h uint64) (flags uint64, ok bool) {
	for _, t := range m.tables {
		if t.used.Load() == 0 {
			break // tables fill in order: the rest are empty too
		}
		if f, ok := t.get(h); ok {
			return f, true
		}
	}
	return 0, false
}

// MatchString reports whether the pattern matches path the way scans ask
// it (literal check, reversal), for the tests.
func (p *pathPattern) MatchString(path string) bool { return p.match(newPathText(path)) }

func TestLineMemo(t *testing.T) {
	m := newLineMemo(16) // remembers 12 lines
	lines := make([]string, 20)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d", i)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ { // the same lines from several goroutines
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, l := range lines {
				m.put(m.hash(l), uint64(i%2)*memoHit)
			}
		}()
	}
	wg.Wait()
	known := 0
	for i, l := range lines {
		flags, ok := m.get(m.hash(l))
		if !ok {
			continue
		}
		known++
		if want := uint64(i%2)*memoHit | memoKnown; flags != want {
			t.Errorf("%q: flags %b, want %b", l, flags, want)
		}
	}
	// A full memo stops remembering (lookups of new lines still end).
	if known < 12 || known > 12+3 {
		t.Errorf("memo of 16 slots remembers %d lines, want about 12", known)
	}
	if _, ok := m.get(m.hash("never seen")); ok {
		t.Error("an unknown line is reported as known")
	}
	// Batched probes answer what single probes do, collisions included
	// (16 slots hold 12 lines: most probes go past their home slot).
	var hs []uint64
	for _, l := range append(lines, "never seen", "nor this") {
		hs = append(hs, m.hash(l))
	}
	got := make([]uint64, len(hs))
	m.getBatch(hs, got)
	for i, h := range hs {
		if want, _ := m.get(h); got[i] != want {
			t.Errorf("probe %d: batched flags %b, single %b", i, got[i], want)
		}
	}
}

// TestLineMemoTables: lines fill the small table, then the larger ones;
// every remembered line is found with its flags, by single and batched
// probes; when all tables are full the memo stops remembering.
func TestLineMemoTables(t *testing.T) {
	m := newLineMemo(1 << 10) // tables of 16, 128 and 1024 slots
	if len(m.tables) != 3 {
		t.Fatalf("%d tables, want 3", len(m.tables))
	}
	capacity := 0
	for _, tb := range m.tables {
		capacity += int(tb.limit)
	}
	var hs []uint64
	for i := range 1200 {
		h := m.hash(fmt.Sprintf("line %d", i))
		hs = append(hs, h)
		m.put(h, uint64(i%3)*memoHit)
		if i == 5 && m.tables[1].used.Load() != 0 {
			t.Fatal("a line went past a table with room")
		}
	}
	for i, tb := range m.tables {
		if tb.used.Load() < tb.limit {
			t.Errorf("table %d holds %d lines, room for %d", i, tb.used.Load(), tb.limit)
		}
	}
	batched := make([]uint64, len(hs))
	m.getBatch(hs, batched)
	known := 0
	for i, h := range hs {
		f, ok := m.get(h)
		if batched[i] != f {
			t.Fatalf("line %d: batched flags %b, single %b", i, batched[i], f)
		}
		if !ok {
			continue
		}
		known++
		if want := uint64(i%3)*memoHit | memoKnown; f != want {
			t.Fatalf("line %d: flags %b, want %b", i, f, want)
		}
	}
	if known != capacity {
		t.Errorf("remembers %d lines, want the tables' %d", known, capacity)
	}
}

// TestMemoKeepsWindows: the windows of a text are the same whether its
// lines are new or remembered from earlier texts.
func TestMemoKeepsWindows(t *testing.T) {
	texts := []string{
		"package x\n\nvar apiKey = load(\"API_KEY\")\nfunc f() {}\n",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIB\nAAAA\n-----END RSA PRIVATE KEY-----\nx\n",
		"a\nb\nc\nd\ne\nf\ntoken: abc\ng\nh\nsecret_access_key = \"x\"\ni\n",
		"data = \"QUtJQUlPU0ZPRE5ON0VYQU1QTEVrZXk=\"\nplain line\n",
	}
	cold := func(s string) []window { return newWindower(testDetector(t).cfg, true).windows(s, "") }
	warm := newWindower(testDetector(t).cfg, true)
	for _, s := range texts {
		warm.windows(s, "")
	}
	for _, s := range texts {
		if got, want := warm.windows(s, ""), cold(s); !slices.Equal(got, want) {
			t.Errorf("windows of %q with a warm memo: %v, cold: %v", s[:20], got, want)
		}
	}
}

// TestRuleSubsetsFindWhatAllRulesFind: a detector holding only the rules a
// text's keywords select reports what the detector with every rule does.
func TestRuleSubsetsFindWhatAllRulesFind(t *testing.T) {
	d := testDetector(t)
	files := expandTree(t, 1)
	if len(files) < 10 {
		t.Fatalf("only %d fixture files", len(files))
	}
	total, decoded := 0, 0
	for _, f := range files {
		for _, full := range []*detect.Detector{d.gl(), d.glDecode()} {
			decode := full == d.glDecode()
			text := string(f.content)
			want := full.DetectString(text)
			var got []glreport.Finding
			if sub := d.subsets.detector(text, decode, "", nil); sub != nil {
				got = sub.DetectString(text)
			}
			key := func(fs []glreport.Finding) []string {
				var out []string
				for _, f := range fs {
					out = append(out, fmt.Sprintf("%s %d %d %v", f.RuleID, f.StartLine, f.StartColumn, f.Tags))
				}
				slices.Sort(out)
				return out
			}
			if k1, k2 := key(got), key(want); !slices.Equal(k1, k2) {
				t.Errorf("%s (decode %v): subset detector found %v, all rules %v", f.rel, decode, k1, k2)
			}
			total += len(want)
			for _, f := range want {
				if slices.ContainsFunc(f.Tags, func(t string) bool { return strings.HasPrefix(t, "decoded:") }) {
					decoded++
				}
			}
		}
	}
	if decoded == 0 {
		t.Error("no fixture holds an encoded secret: decoding is untested")
	}
	if total == 0 {
		t.Fatal("the fixtures hold no secrets: the test proves nothing")
	}
}

// TestPathPatternLiterals: a path pattern's literal check and its
// reversed, start-anchored form never change what the pattern matches.
func TestPathPatternLiterals(t *testing.T) {
	d := testDetector(t)
	paths := []string{"main.go", "config/app.yaml", "CONFIG/APP.YML", ".npmrc", "vendor/github.com/x/y.go",
		"a/b/compose.yml", "certs/client.P12", "go.sum", "locales/en.json", "deploy/prod.tfvars", "README.md",
		"node_modules/x/index.js", "x/gradlew.bat", "Database.refactorlog", "pkg/.netrc", "venv/lib64/site.py",
		"lib/python3.11/site-packages/x.py", "app/.env.production", "x.env.local", "messages_fr.properties",
		"i18n/de.json", "yarn.lock", "sub/package-lock.json", ".dockercfg", "a/.DOCKERCONFIGJSON", "KEY.PEM",
		"config.json\n", "dir.yaml/file", "x.\u212ay", "ſecrets.yaml", "été/config.ini", ""}
	withLiteral, reversed, matched := 0, 0, 0
	all := append(append(slices.Clone(d.skipPaths), d.classPaths...), d.onlyPaths...)
	for _, p := range all {
		if p.literal != "" {
			withLiteral++
		}
		if p.matchers().rev != nil {
			reversed++
		}
		for _, path := range paths {
			got, want := p.MatchString(path), p.matchers().re.MatchString(path)
			if got != want {
				t.Errorf("%s on %q: %v with its literal %q and reversal, %v as is", p.matchers().re, path, got, p.literal, want)
			}
			if want {
				matched++
			}
		}
	}
	if withLiteral < len(d.classPaths)/2 || reversed < len(all)/2 || matched < 20 {
		t.Errorf("weak test: of %d patterns %d have a literal, %d a reversal; %d matches", len(all), withLiteral, reversed, matched)
	}
}

func TestReversedPathPatterns(t *testing.T) {
	cases := []struct {
		pattern  string
		reversed bool // every match ends at the end of the path
	}{
		{`(?i)\.(?:ya?ml|json)$`, true},
		{`^a/b$`, true},
		{`(?:^|/)lib(?:64)?/python[23](?:\.\d{1,2})+(?:/.*)?$`, true},
		{`(?i)(?:^|/)(?:locales?|i18n)/|(?:^|/)messages(?:_[\w-]+)?\.properties$`, false},
		{`(?m)\.pem$`, false}, // $ ends lines here, not the path
		{`vendor/`, false},
	}
	paths := []string{"a/b", "x/a/b", "conf.YAML", "conf.yml.bak", "lib/python3.11/x", "lib64/python2.7",
		"locales/en/x", "messages_en.properties", "k.pem\nx", "k.pem", "vendor/x", ""}
	for _, c := range cases {
		p := newPathPattern(c.pattern)
		if got := p.matchers().rev != nil; got != c.reversed {
			t.Errorf("%s: reversed %v, want %v", c.pattern, got, c.reversed)
		}
		for _, path := range paths {
			if got, want := p.MatchString(path), p.matchers().re.MatchString(path); got != want {
				t.Errorf("%s on %q: %v, want %v", c.pattern, path, got, want)
			}
		}
	}
}
