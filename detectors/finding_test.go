package detectors

import (
	"slices"
	"testing"
)

func TestMergeOnlyInRefs(t *testing.T) {
	h := func(total int, names ...string) *HistoryFacts {
		return &HistoryFacts{OnlyInRefs: names, OnlyInRefsTotal: total}
	}
	tests := []struct {
		name      string
		a, b      *HistoryFacts
		want      []string
		wantTotal int
	}{
		{"both hidden", h(1, "refs/pull/1/head"), h(1, "refs/stash"), []string{"refs/pull/1/head", "refs/stash"}, 2},
		{"same ref", h(1, "refs/pull/1/head"), h(1, "refs/pull/1/head"), []string{"refs/pull/1/head"}, 1},
		{"one on a branch", h(1, "refs/pull/1/head"), h(0), nil, 0},
		{"names capped, total kept", h(9, "a", "b", "c", "d", "e"), h(2, "f", "g"), []string{"a", "b", "c", "d", "e"}, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total := MergeOnlyInRefs(tt.a, tt.b)
			if !slices.Equal(got, tt.want) || total != tt.wantTotal {
				t.Errorf("got %v (%d), want %v (%d)", got, total, tt.want, tt.wantTotal)
			}
		})
	}
}
