package patterns

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const want = "want: code/token-cache-outlives-ttl"

var langs = map[string]string{".py": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".ts": "javascript", ".tsx": "javascript", ".java": "java", ".cs": "csharp", ".kt": "kotlin", ".kts": "kotlin", ".rb": "ruby"}

// TestFixtures runs every file under testdata and checks that exactly the
// lines carrying a "want: code/token-cache-outlives-ttl" comment are reported.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		lang := langs[filepath.Ext(f)]
		if lang == "" {
			continue
		}
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var wantLines []int
			for i, l := range strings.Split(string(src), "\n") {
				if strings.Contains(l, want) {
					wantLines = append(wantLines, i+1)
				}
			}
			var got []int
			for _, m := range Find(lang, src) {
				got = append(got, m.Line)
				if m.Message == "" || !strings.Contains(m.Message, "Fix:") {
					t.Errorf("line %d: message without a fix: %q", m.Line, m.Message)
				}
				if m.StartColumn < 1 || m.EndColumn <= m.StartColumn {
					t.Errorf("line %d: bad columns %d-%d", m.Line, m.StartColumn, m.EndColumn)
				}
			}
			if !reflect.DeepEqual(got, wantLines) {
				t.Errorf("reported lines %v, want %v", got, wantLines)
			}
		})
	}
}

func TestBinaryAndUnknown(t *testing.T) {
	if got := Find("python", []byte("@cache\x00\ndef get_token(): pass\n")); got != nil {
		t.Errorf("binary content reported: %v", got)
	}
	if got := Find("ruby", []byte("@cache\ndef get_token(): pass\n")); got != nil {
		t.Errorf("unknown language reported: %v", got)
	}
}

// TestInstancePatternsStayLinear feeds each language a generated class
// with thousands of lazily filled token attributes: the instance patterns
// examine a bounded number of them, so the file costs a few passes, not
// one per line.
func TestInstancePatternsStayLinear(t *testing.T) {
	const n = 5000
	var py, js, java strings.Builder
	py.WriteString("class Gen:\n")
	js.WriteString("class Gen {\n")
	java.WriteString("class Gen {\n")
	for i := range n {
		fmt.Fprintf(&py, "    def get_token%d(self):\n        if self.token%d is None:\n            self.token%d = fetch_token()\n        return self.token%d\n", i, i, i, i)
		fmt.Fprintf(&js, "  async token%d() {\n    if (!this.token%d) {\n      this.token%d = await fetchToken();\n    }\n    return this.token%d;\n  }\n", i, i, i, i)
		fmt.Fprintf(&java, "    private String token%d;\n", i)
	}
	for i := range n {
		fmt.Fprintf(&java, "    String t%d() { if (token%d == null) {\n        token%d = fetchToken();\n    } return token%d; }\n", i, i, i, i)
	}
	var cs, kt, rb strings.Builder
	cs.WriteString("class Gen {\n")
	kt.WriteString("class Gen {\n")
	rb.WriteString("class Gen\n  def self.tokens\n")
	for i := range n {
		fmt.Fprintf(&cs, "    private static string token%d;\n", i)
		fmt.Fprintf(&kt, "    private var token%d: String? = null\n", i)
		fmt.Fprintf(&rb, "    @token%d ||= fetch_token\n", i)
	}
	for i := range n {
		fmt.Fprintf(&cs, "    string T%d() { if (token%d == null) {\n        token%d = GetToken();\n    } return token%d; }\n", i, i, i, i)
		fmt.Fprintf(&kt, "    fun t%d(): String { if (token%d == null) {\n        token%d = fetchToken()\n    }; return token%d!! }\n", i, i, i, i)
	}
	for lang, src := range map[string]string{"python": py.String(), "javascript": js.String() + "}\n", "java": java.String() + "}\n",
		"csharp": cs.String() + "}\n", "kotlin": kt.String() + "}\n", "ruby": rb.String() + "  end\nend\n"} {
		start := time.Now()
		got := Find(lang, []byte(src))
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("%s: %v on a generated file", lang, el)
		}
		if len(got) == 0 || len(got) > instanceBudget {
			t.Errorf("%s: %d reports, want some and at most %d", lang, len(got), instanceBudget)
		}
	}
}
