package tokencache

import (
	"context"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

// wants reads the // want comments of a Go file: line -> patterns.
func wants(t *testing.T, src []byte) map[int][]*regexp.Regexp {
	t.Helper()
	out := map[int][]*regexp.Regexp{}
	for i, line := range strings.Split(string(src), "\n") {
		k := strings.Index(line, "// want ")
		if k < 0 {
			continue
		}
		rest := line[k+len("// want "):]
		var s scanner.Scanner
		fset := token.NewFileSet()
		s.Init(fset.AddFile("", -1, len(rest)), []byte(rest), nil, 0)
		for {
			_, tok, lit := s.Scan()
			if tok != token.STRING {
				break
			}
			p, err := strconv.Unquote(lit)
			if err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			out[i+1] = append(out[i+1], regexp.MustCompile(p))
		}
	}
	return out
}

// TestDriverMatchesAnalysistest runs the single-file driver over every
// analyzer's analysistest files and checks that it reports exactly the
// lines (and messages) the // want comments expect, so the precise path
// (go vet / analysistest) and the scan path cannot drift.
func TestDriverMatchesAnalysistest(t *testing.T) {
	for _, a := range Analyzers() {
		files, _ := filepath.Glob(filepath.Join(a.Name, "testdata", "src", "*", "*.go"))
		if len(files) == 0 {
			t.Errorf("%s: no testdata", a.Name)
		}
		for _, f := range files {
			t.Run(f, func(t *testing.T) {
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				exp := wants(t, src)
				diags, err := RunGoFile(context.Background(), f, src, Analyzers())
				if err != nil {
					t.Fatal(err)
				}
				got := map[int][]string{}
				for _, d := range diags {
					if d.Analyzer != a.Name {
						t.Errorf("%s:%d: also reported by %s: %s", f, d.Start.Line, d.Analyzer, d.Message)
						continue
					}
					got[d.Start.Line] = append(got[d.Start.Line], d.Message)
				}
				for line, pats := range exp {
					msgs := got[line]
					if len(msgs) != len(pats) {
						t.Errorf("%s:%d: got %d reports %q, want %d", f, line, len(msgs), msgs, len(pats))
						continue
					}
					for i, p := range pats {
						if !p.MatchString(msgs[i]) {
							t.Errorf("%s:%d: %q does not match %q", f, line, msgs[i], p)
						}
					}
				}
				for line, msgs := range got {
					if _, ok := exp[line]; !ok {
						t.Errorf("%s:%d: unexpected report %q", f, line, msgs)
					}
				}
			})
		}
	}
}

func TestDetectorFindings(t *testing.T) {
	src, err := os.ReadFile("heldtoken/testdata/src/a/positive.go")
	if err != nil {
		t.Fatal(err)
	}
	d := New()
	if d.PathClass("x/y.go") != "go" || d.PathClass("a.py") != "python" || d.PathClass("b.tsx") != "javascript" ||
		d.PathClass("C.java") != "java" || d.PathClass("README.md") != "" {
		t.Fatal("PathClass")
	}
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	fs := d.Detect(context.Background(), detectors.Input{Path: "pkg/positive.go", Content: src, Hasher: h})
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range fs {
		if f.RuleID != RuleID || f.Location.Path != "pkg/positive.go" || f.Location.StartLine < 1 ||
			f.Location.StartColumn < 1 || f.Location.EndLine < f.Location.StartLine ||
			(f.Location.EndLine == f.Location.StartLine && f.Location.EndColumn <= f.Location.StartColumn) ||
			!strings.Contains(f.Message, "Fix:") || f.Workload != nil || f.Secret != nil {
			t.Errorf("bad finding %+v", f)
		}
	}
	// The initTok store: `initTok, _ = conf.Exchange(...)` starts at column 2 (after a tab).
	first := fs[0].Location
	if first.StartLine != 25 || first.StartColumn != 2 {
		t.Errorf("first finding at %d:%d, want 25:2", first.StartLine, first.StartColumn)
	}
}

func TestDriverHostileInput(t *testing.T) {
	cases := map[string]string{
		"empty":          "",
		"no hints":       "package p\nfunc f() {}\n",
		"syntax error":   "package p\nimport \"golang.org/x/oauth2\"\nvar tok *oauth2.Token = {{{\n",
		"no package":     "import \"golang.org/x/oauth2\"\n",
		"unknown import": "package p\nimport (\"golang.org/x/oauth2\"; \"example.com/x/y/v3\")\nvar t, _ = y.Fetch()\nvar tok *oauth2.Token\nfunc f() { tok = y.Token() }\n",
		"cgo":            "package p\nimport \"C\"\nimport \"golang.org/x/oauth2\"\nvar tok oauth2.Token\n",
		"deep":           "package p\nimport \"golang.org/x/oauth2\"\nvar tok *oauth2.Token\nvar x = " + strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000) + "\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			diags, err := RunGoFile(context.Background(), "x.go", []byte(src), Analyzers())
			if err != nil || len(diags) != 0 {
				t.Errorf("got %v, %v", diags, err)
			}
		})
	}
}

// TestDriverConcurrent runs the driver from many goroutines at once (the
// stub packages are shared); run with -race.
func TestDriverConcurrent(t *testing.T) {
	src, err := os.ReadFile("heldtoken/testdata/src/a/positive.go")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 16)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, _ := RunGoFile(context.Background(), "p.go", src, Analyzers())
			counts[i] = len(d)
		}()
	}
	wg.Wait()
	sort.Ints(counts)
	if counts[0] != counts[len(counts)-1] || counts[0] == 0 {
		t.Errorf("inconsistent counts %v", counts)
	}
}

// TestDetectorOtherLanguages runs the detector on the patterns' fixtures:
// it reports exactly the lines their "want:" comments mark, under its rule.
func TestDetectorOtherLanguages(t *testing.T) {
	paths, err := filepath.Glob("patterns/testdata/*/*")
	if err != nil || len(paths) < 6 {
		t.Fatalf("fixtures: %v %v", paths, err)
	}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for i, l := range strings.Split(string(src), "\n") {
			if strings.Contains(l, "want: "+RuleID) {
				lines = append(lines, i+1)
			}
		}
		var got []int
		for _, f := range New().Detect(context.Background(), detectors.Input{Path: path, Content: src}) {
			if f.RuleID != RuleID || f.Location.Path != path || f.Location.EndColumn <= f.Location.StartColumn {
				t.Errorf("bad finding %+v", f)
			}
			got = append(got, f.Location.StartLine)
		}
		if fmt.Sprint(got) != fmt.Sprint(lines) {
			t.Errorf("%s: lines %v, want %v", path, got, lines)
		}
	}
}
