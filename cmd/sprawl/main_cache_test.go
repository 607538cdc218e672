package main

import (
	"path/filepath"
	"testing"
)

func TestRootCacheDir(t *testing.T) {
	cases := []struct{ env, want string }{
		{"off", ""},
		{"/x/y", filepath.Join("/x/y", "roots")},
		{"", filepath.Join(defaultCacheDir(), "roots")},
	}
	for _, c := range cases {
		if got := rootCacheDir(c.env); got != c.want {
			t.Errorf("SPRAWL_CACHE_DIR=%q: %q, want %q", c.env, got, c.want)
		}
	}
}
