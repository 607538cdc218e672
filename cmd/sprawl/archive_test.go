package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/report/sarif/sarifcheck"
)

// TestScanArchives: with --max-archive-depth, secrets in files inside a
// zip (inside a jar, one level down), and in a gzip file are found — in a
// working tree and in history — at "archive!inner" paths; SARIF points at
// the archive, a file of the repository, naming the inner path; an
// --exclude of the archive excludes what is inside; without the flag
// archives stay closed.
func TestScanArchives(t *testing.T) {
	gen := fake.New(uint64(time.Now().UnixNano()))
	zipped, nested, gzipped := gen.GitHubPAT(), gen.GitHubPAT(), gen.GitHubPAT()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("export GITHUB_TOKEN=" + gzipped + "\n"))
	zw.Close()
	jar := zipOf(t, map[string]string{"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n",
		"config/ci.yml": "token: " + nested + "\n"})
	files := map[string][]byte{
		"dist/bundle.zip":      zipOf(t, map[string]string{"app/.env": "GITHUB_TOKEN=" + zipped + "\n", "lib/plugin.jar": string(jar)}),
		"logs/env.sh.gz":       gz.Bytes(),
		"README.md":            []byte("# nothing here\n"),
		"vendor/other.zip":     zipOf(t, map[string]string{"x.env": "GITHUB_TOKEN=" + zipped + "\n"}),
		"docs/notes!draft.txt": []byte("no secret, a ! in the name\n"),
	}
	dir := t.TempDir()
	for name, c := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), c, 0o644)
	}
	gitgen.Git(t, dir, "", nil, "init", "-q")
	gitgen.Git(t, dir, "", nil, "add", ".")
	gitgen.Git(t, dir, "", nil, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "release")
	t.Setenv("SPRAWL_CACHE_DIR", "off")

	scan := func(format string, args ...string) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "report")
		code, stdout, stderr := runCLI(t, append([]string{"scan", "--format", format, "--out", out, "--exclude", "**/other.zip"}, args...)...)
		if code != ExitClean && code != ExitFindings {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecrets(t, fmt.Sprint(args), []byte(stdout+stderr+string(raw)), []string{zipped, nested, gzipped})
		return raw
	}
	paths := func(raw []byte) []string { return slices.Compact(rulePaths(t, raw, "secret/github-pat")) }
	want := []string{"dist/bundle.zip!app/.env", "dist/bundle.zip!lib/plugin.jar!config/ci.yml", "logs/env.sh.gz!env.sh"}
	for _, mode := range [][]string{{dir}, {"--history", dir}} {
		if got := paths(scan("json", append([]string{"--max-archive-depth", "2"}, mode...)...)); !slices.Equal(got, want) {
			t.Errorf("%v: secrets at %v, want %v", mode, got, want)
		}
		if got := paths(scan("json", append([]string{"--max-archive-depth", "1"}, mode...)...)); !slices.Equal(got, []string{want[0], want[2]}) {
			t.Errorf("%v, depth 1: secrets at %v, want the jar left closed", mode, got)
		}
		if got := paths(scan("json", mode...)); len(got) != 0 {
			t.Errorf("%v without --max-archive-depth: secrets at %v", mode, got)
		}
	}

	// The project's .sprawl.toml can ask for archives; the flag wins.
	os.WriteFile(filepath.Join(dir, ".sprawl.toml"), []byte("[sprawl]\nmax-archive-depth = 2\n"), 0o644)
	if got := paths(scan("json", dir)); !slices.Equal(got, want) {
		t.Errorf("max-archive-depth = 2 in .sprawl.toml: secrets at %v, want %v", got, want)
	}
	if got := paths(scan("json", "--max-archive-depth", "0", dir)); len(got) != 0 {
		t.Errorf("--max-archive-depth 0 over the settings: secrets at %v", got)
	}
	os.Remove(filepath.Join(dir, ".sprawl.toml"))
	if code, _, stderr := runCLI(t, "scan", "--max-archive-depth", "-1", dir); code != ExitError || !strings.Contains(stderr, "--max-archive-depth") {
		t.Errorf("a negative depth: exit %d, %s", code, stderr)
	}

	// An archive piped to standard input is opened too.
	for _, tc := range []struct {
		depth string
		want  []string
	}{{"2", []string{"stdin!app/.env", "stdin!lib/plugin.jar!config/ci.yml"}}, {"0", nil}} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"scan", "--max-archive-depth", tc.depth, "--format", "json", "--quiet", "-"},
			bytes.NewReader(files["dist/bundle.zip"]), &out, &errb)
		if code != ExitClean && code != ExitFindings {
			t.Fatalf("stdin, depth %s: exit %d\n%s", tc.depth, code, errb.String())
		}
		assertNoSecrets(t, "stdin", []byte(out.String()+errb.String()), []string{zipped, nested, gzipped})
		if got := paths(out.Bytes()); !slices.Equal(got, tc.want) {
			t.Errorf("stdin, depth %s: secrets at %v, want %v", tc.depth, got, tc.want)
		}
	}

	raw := scan("sarif", "--max-archive-depth", "2", dir)
	if err := sarifcheck.Validate(raw); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
					Properties map[string]any `json:"properties"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range doc.Runs[0].Results {
		if r.RuleID != "secret/github-pat" {
			continue
		}
		l := r.Locations[0]
		seen[l.PhysicalLocation.ArtifactLocation.URI+" "+l.Properties["pathInArchive"].(string)] = true
	}
	for _, w := range []string{"dist/bundle.zip app/.env", "dist/bundle.zip lib/plugin.jar!config/ci.yml", "logs/env.sh.gz env.sh"} {
		if !seen[w] {
			t.Errorf("SARIF has no result at %q: %v", w, seen)
		}
	}
}

// TestStagedArchives: a pre-commit scan with --max-archive-depth opens a
// staged archive and reports only the secret new to it: one already in the
// committed version of the archive is not new.
func TestStagedArchives(t *testing.T) {
	gen := fake.New(uint64(time.Now().UnixNano()))
	old, added := gen.GitHubPAT(), gen.GitHubPAT()
	r := newTestRepo(t)
	r.write("dist/config.zip", string(zipOf(t, map[string]string{"a.env": "TOKEN=" + old + "\n"})))
	r.add("dist/config.zip")
	r.commit("config")
	r.write("dist/config.zip", string(zipOf(t, map[string]string{"a.env": "TOKEN=" + old + "\n", "b.env": "TOKEN=" + added + "\n"})))
	r.add("dist/config.zip")
	t.Setenv("SPRAWL_CACHE_DIR", "off")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--max-archive-depth", "1"}, []string{"dist/config.zip!b.env"}},
		{nil, nil},
	} {
		out := filepath.Join(t.TempDir(), "report.json")
		code, stdout, stderr := runCLI(t, append([]string{"scan", "--staged", "--format", "json", "--out", out, r.dir}, tc.args...)...)
		if code != ExitClean && code != ExitFindings {
			t.Fatalf("%v: exit %d\n%s", tc.args, code, stderr)
		}
		raw, _ := os.ReadFile(out)
		assertNoSecrets(t, fmt.Sprint(tc.args), []byte(stdout+stderr+string(raw)), []string{old, added})
		if got := rulePaths(t, raw, "secret/github-pat"); !slices.Equal(got, tc.want) {
			t.Errorf("--staged %v: secrets at %v, want %v", tc.args, got, tc.want)
		}
	}
}

// zipOf returns a zip archive of files (name -> content), in name order.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(files[name]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
