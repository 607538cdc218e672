package document

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParseJSONPositions(t *testing.T) {
	src := "{\n  // comment\n  \"a\": {\"b\": \"x\\\"y\", /* c */ \"n\": 12,},\n  \"é\": [true, null],\n}\n"
	root, err := ParseJSON([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b := Path(root, "a", "b")
	if b == nil || b.Value != `x"y` || b.Line != 3 || b.Column != 14 || b.Style != yaml.DoubleQuotedStyle {
		t.Fatalf("b = %+v", b)
	}
	s := NewSource("f.json", []byte(src))
	start, end := s.NodeSpan(b)
	if got := string(s.Data[start:end]); got != `"x\"y"` {
		t.Errorf("span = %q", got)
	}
	if n := Path(root, "a", "n"); n == nil || n.Value != "12" {
		t.Errorf("n = %+v", n)
	}
	if e := Items(Get(root, "é")); len(e) != 2 || e[1].Tag != "!!null" || e[0].Line != 4 || e[0].Column != 9 {
		t.Errorf("é = %+v", e)
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, bad := range []string{"", "{", `{"a" 1}`, `{"a": tru}`, "[1 2]", `{"a": "x`, "/* open", `{"a": 1} x`, strings.Repeat("[", MaxDepth+2)} {
		if _, err := ParseJSON([]byte(bad)); err == nil {
			t.Errorf("ParseJSON(%q) gave no error", bad)
		}
	}
}

func TestYAMLMergeAndSpan(t *testing.T) {
	src := "base: &b\n  x: 1\n  y: 'it''s'\nitem:\n  <<: *b\n  x: 2\n"
	docs, err := ParseYAML([]byte(src))
	if err != nil || len(docs) != 1 {
		t.Fatal(err)
	}
	item := Get(docs[0], "item")
	if v, _ := Str(Get(item, "x")); v != "2" {
		t.Errorf("own key should win over merged: x = %q", v)
	}
	p, ok := GetPair(item, "y")
	if !ok {
		t.Fatal("merged key y missing")
	}
	s := NewSource("f.yml", []byte(src))
	start, end := s.PairSpan(p)
	if got := string(s.Data[start:end]); got != "y: 'it''s'" {
		t.Errorf("span = %q", got)
	}
	l := s.Span(start, end)
	if l.StartLine != 3 || l.StartColumn != 3 || l.EndColumn != 13 {
		t.Errorf("location %+v", l)
	}
}

func TestParseYAMLErrorHidesContent(t *testing.T) {
	_, err := ParseYAML([]byte("a: b\n c: \"FAKEsecretValue\n"))
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "FAKE") {
		t.Errorf("error leaks content: %v", err)
	}
}
