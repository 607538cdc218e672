package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/datastore"
)

func runMergeCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"merge"}, args...), nil, &out, &errb)
	return code, out.String(), errb.String()
}

// TestMergeRefusesShardsWithOwnKeys: shards that sweep into their own
// SQLite files without a shared SPRAWL_FINGERPRINT_KEY are warned, and
// merge refuses their files, naming them and saying what to do.
func TestMergeRefusesShardsWithOwnKeys(t *testing.T) {
	work := t.TempDir()
	for _, r := range []string{"a", "b", "c", "d"} {
		sweepRepo(t, filepath.Join(work, r), "main", map[string]string{"app.env": "SECRET_TOKEN=not-a-real-secret-" + r + "\n"})
	}
	list := filepath.Join(work, "repos.txt")
	os.WriteFile(list, []byte("a\nb\nc\nd\n"), 0o644)
	t.Setenv("SPRAWL_FINGERPRINT_KEY", "")
	var files []string
	for _, shard := range []string{"1/2", "2/2"} {
		db := filepath.Join(work, "shard-"+shard[:1]+".db")
		files = append(files, db)
		code, stdout, stderr := runSweepCLI(t, "--repos", list, "--shard", shard, "--run", "r1", "--db", db, "--cache", filepath.Join(work, "cache-"+shard[:1]))
		if code == ExitError || !strings.Contains(stderr, "warning: shard "+shard) || !strings.Contains(stderr, "SPRAWL_FINGERPRINT_KEY") {
			t.Fatalf("shard %s: exit %d\n%s\n%s", shard, code, stdout, stderr)
		}
	}
	out := filepath.Join(work, "merged.db")
	code, stdout, stderr := runMergeCLI("--db", out, files[0], files[1])
	if code != ExitError || !strings.Contains(stderr, "different fingerprint keys") || !strings.Contains(stderr, files[0]) ||
		!strings.Contains(stderr, files[1]) || !strings.Contains(stderr, "same SPRAWL_FINGERPRINT_KEY") {
		t.Fatalf("merge of shards with their own keys: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if st, err := datastore.Open(context.Background(), out); err == nil {
		inv, _ := st.Inventory(context.Background())
		st.Close()
		if len(inv.Repos) != 0 {
			t.Fatalf("a refused merge wrote %d repositories", len(inv.Repos))
		}
	}
}

func TestMergeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	shard := filepath.Join(dir, "shard.db")
	s, err := datastore.Open(context.Background(), shard)
	if err != nil {
		t.Fatal(err)
	}
	s.BindFingerprintKey(context.Background(), []byte("k"))
	s.Close()
	t.Setenv("SPRAWL_DB", "")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no shard files", []string{"--db", filepath.Join(dir, "out.db")}, "no shard files"},
		{"no target", []string{shard}, "no datastore to merge into"},
		{"target is a shard", []string{"--db", shard, shard}, "both the target (--db) and a shard file"},
		{"missing shard file", []string{"--db", filepath.Join(dir, "out.db"), filepath.Join(dir, "nope.db")}, "nope.db"},
		{"bad flag", []string{"--nope"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMergeCLI(tc.args...)
			if code != ExitError || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want %d with %q\n%s\n%s", code, ExitError, tc.want, stdout, stderr)
			}
		})
	}
	if code, stdout, _ := runMergeCLI("--help"); code != ExitClean {
		t.Fatalf("--help: exit %d %s", code, stdout)
	}
	var help bytes.Buffer
	runMerge(context.Background(), []string{"--help"}, &help, &help)
	if !strings.Contains(help.String(), "Exit codes:") || !strings.Contains(help.String(), "3 partial") {
		t.Fatalf("help:\n%s", help.String())
	}
}
