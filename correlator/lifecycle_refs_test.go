package correlator

import "testing"

func TestRefList(t *testing.T) {
	tests := []struct {
		names []string
		total int
		want  string
	}{
		{[]string{"refs/pull/7/head"}, 1, "refs/pull/7/head"},
		{[]string{"refs/pull/7/head", "refs/stash"}, 2, "refs/pull/7/head and refs/stash"},
		{[]string{"a", "b", "c"}, 3, "a, b and c"},
		{[]string{"a", "b"}, 6, "a, b and 4 more refs"},
	}
	for _, tt := range tests {
		if got := refList(tt.names, tt.total); got != tt.want {
			t.Errorf("refList(%v, %d) = %q, want %q", tt.names, tt.total, got, tt.want)
		}
	}
}
