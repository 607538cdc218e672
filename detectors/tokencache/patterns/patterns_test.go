package patterns

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const want = "want: code/token-cache-outlives-ttl"

var langs = map[string]string{".py": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".ts": "javascript", ".tsx": "javascript", ".java": "java"}

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
