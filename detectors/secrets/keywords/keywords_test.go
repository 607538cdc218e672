package keywords

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

type hit struct{ end, keyword int }

// naive is the truth: every occurrence of every keyword, by end offset.
func naive(keywords []string, s string) []hit {
	b := []byte(s) // ASCII case only: offsets must not move
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	lower := string(b)
	var out []hit
	for i := 1; i <= len(s); i++ {
		for k, kw := range keywords {
			if kw != "" && i >= len(kw) && lower[i-len(kw):i] == strings.ToLower(kw) {
				out = append(out, hit{i, k})
			}
		}
	}
	return out
}

func sorted(h []hit) []hit {
	slices.SortFunc(h, func(a, b hit) int {
		if a.end != b.end {
			return a.end - b.end
		}
		return a.keyword - b.keyword
	})
	return h
}

func TestEachFindsEveryOccurrence(t *testing.T) {
	keywords := []string{"key", "api", "apikey", "ey", "s.", "hvs.", "token", "secret", "-----begin", "://", "Pass", "pass", "passwd", "a", ""}
	a := New(keywords)
	r := rand.New(rand.NewPCG(1, 1))
	pieces := []string{"key", "KEY", "Api", "apikey", "ey", "s.", "hvs.", "toKen", "secre", "secret", "-----BEGIN", "://", "pass", "PASSWD", "x", " ", "\n", "é", "\xff", "_", "a"}
	found := 0
	for range 5000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		var got []hit
		a.Each(s, func(end, k int) bool { got = append(got, hit{end, k}); return true })
		want := naive(keywords, s)
		if !slices.Equal(sorted(got), sorted(want)) {
			t.Fatalf("%q: got %v, want %v", s, got, want)
		}
		if a.Any(s) != (len(want) > 0) {
			t.Fatalf("%q: Any = %v", s, a.Any(s))
		}
		found += len(want)
	}
	if found < 10000 {
		t.Errorf("weak test: %d occurrences", found)
	}
}

func TestEachStops(t *testing.T) {
	a := New([]string{"ab", "b"})
	n := 0
	a.Each("abab", func(int, int) bool { n++; return false })
	if n != 1 {
		t.Errorf("fn called %d times after returning false", n)
	}
}

func TestNoKeywords(t *testing.T) {
	a := New(nil)
	if a.Any("anything") {
		t.Error("an empty automaton matched")
	}
	a.Each("anything", func(int, int) bool { t.Error("an empty automaton reported a match"); return true })
}

func BenchmarkAny(b *testing.B) {
	a := New([]string{"key", "api", "token", "secret", "password", "passwd", "auth", "access", "credential", "creds", "ey", "s.", "hvs.", "sk", "://", "akia", "ghp_", "xox"})
	line := "\tif err := client.Get(ctx, path.Join(prefix, name), &resp, clientv3.WithRev(rev)); err != nil { return nil, err }"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		a.Any(line)
	}
}
