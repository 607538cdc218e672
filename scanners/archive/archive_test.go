package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
)

func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(files[name])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func tarOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := w.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		w.Write(files[name])
	}
	w.WriteHeader(&tar.Header{Name: "dir/", Mode: 0o755, Typeflag: tar.TypeDir})
	w.WriteHeader(&tar.Header{Name: "link", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink})
	w.Close()
	return buf.Bytes()
}

// walk returns the files Walk hands on, path -> content, and the problems.
func walk(t *testing.T, name string, content []byte, opts Options) (map[string]string, []Problem, bool) {
	t.Helper()
	files := map[string]string{}
	var problems []Problem
	ok := Walk(context.Background(), name, content, opts, func(p string, c []byte) {
		if _, dup := files[p]; dup {
			t.Errorf("%s handed on twice", p)
		}
		files[p] = string(c)
	}, func(p Problem) { problems = append(problems, p) })
	return files, problems, ok
}

func TestWalk(t *testing.T) {
	env := []byte("DB_PASSWORD=hunter2-not-real\n")
	inner := zipOf(t, map[string][]byte{"conf/app.env": env})
	tests := []struct {
		name    string
		file    string
		content []byte
		depth   int
		want    map[string]string
		problem string // a problem whose detail holds this
	}{
		{"zip", "dist/app.zip", zipOf(t, map[string][]byte{"conf/app.env": env, "../../escape.txt": []byte("x"), "logo.bin": {0, 1, 2, 0, 3}}), 1,
			map[string]string{"dist/app.zip!conf/app.env": string(env), "dist/app.zip!escape.txt": "x"}, ""},
		{"jar by its content, not its name", "lib/plugin.bin", zipOf(t, map[string][]byte{"META-INF/app.properties": env}), 1,
			map[string]string{"lib/plugin.bin!META-INF/app.properties": string(env)}, ""},
		{"tar.gz", "backup.tar.gz", gzipOf(tarOf(t, map[string][]byte{"home/.env": env})), 1,
			map[string]string{"backup.tar.gz!home/.env": string(env)}, ""},
		{"gzip file", "logs/deploy.log.gz", gzipOf(env), 1,
			map[string]string{"logs/deploy.log.gz!deploy.log": string(env)}, ""},
		{"nested, deep enough", "outer.zip", zipOf(t, map[string][]byte{"inner.zip": inner}), 2,
			map[string]string{"outer.zip!inner.zip!conf/app.env": string(env)}, ""},
		{"nested, too deep", "outer.zip", zipOf(t, map[string][]byte{"inner.zip": inner, "a.txt": []byte("a")}), 1,
			map[string]string{"outer.zip!a.txt": "a"}, "nested deeper than 1"},
		{"entry over the size limit", "big.zip", zipOf(t, map[string][]byte{"big.txt": bytes.Repeat([]byte("0"), 5000), "small.txt": []byte("s")}), 1,
			map[string]string{"big.zip!small.txt": "s"}, "over the size limit"},
		{"gzip bomb", "bomb.gz", gzipOf(bytes.Repeat([]byte{0}, 1<<20)), 1,
			map[string]string{}, "over the size limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems, ok := walk(t, tt.file, tt.content, Options{MaxDepth: tt.depth, MaxFileSize: 4096})
			if !ok {
				t.Fatal("not taken for an archive")
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("files %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(tt.want)))
			}
			found := tt.problem == ""
			for _, p := range problems {
				found = found || strings.Contains(p.Detail, tt.problem)
			}
			if !found {
				t.Errorf("no problem saying %q: %+v", tt.problem, problems)
			}
			if tt.problem == "" && len(problems) > 0 {
				t.Errorf("problems: %+v", problems)
			}
		})
	}
}

func TestWalkLimits(t *testing.T) {
	many := map[string][]byte{}
	for i := range 50 {
		many[strings.Repeat("d/", i%5)+string(rune('a'+i%26))+strings.Repeat("x", i)+".txt"] = bytes.Repeat([]byte("y"), 100)
	}
	z := zipOf(t, many)
	got, problems, _ := walk(t, "many.zip", z, Options{MaxDepth: 1, MaxEntries: 10})
	if len(got) != 10 || len(problems) != 1 || !strings.Contains(problems[0].Detail, "more than 10 entries") || !problems[0].Limit {
		t.Errorf("entry limit: %d files, problems %+v", len(got), problems)
	}
	got, problems, _ = walk(t, "many.zip", z, Options{MaxDepth: 1, MaxTotal: 1050})
	if len(got) != 10 || len(problems) != 1 || !strings.Contains(problems[0].Detail, "more than 1050 bytes") {
		t.Errorf("total limit: %d files, problems %+v", len(got), problems)
	}
}

func TestWalkNotAnArchive(t *testing.T) {
	for name, content := range map[string][]byte{
		"image.png": {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13},
		"blob.bin":  bytes.Repeat([]byte{0, 1, 2, 3}, 100),
	} {
		if files, problems, ok := walk(t, name, content, Options{MaxDepth: 3}); ok || len(files) > 0 || len(problems) > 0 {
			t.Errorf("%s: taken for an archive (%v, %v)", name, files, problems)
		}
	}
	if _, _, ok := walk(t, "a.zip", zipOf(t, map[string][]byte{"x": nil}), Options{}); ok {
		t.Error("depth 0 opened an archive")
	}
}

func TestWalkDamaged(t *testing.T) {
	z := zipOf(t, map[string][]byte{"a.txt": []byte("first"), "b.txt": []byte("second")})
	files, problems, ok := walk(t, "cut.zip", z[:len(z)-30], Options{MaxDepth: 1})
	if !ok || len(problems) == 0 {
		t.Errorf("a cut zip: archive %v, problems %+v, files %v", ok, problems, files)
	}
	tgz := gzipOf(tarOf(t, map[string][]byte{"a.txt": bytes.Repeat([]byte("a"), 3000), "b.txt": []byte("b")}))
	files, problems, _ = walk(t, "cut.tgz", tgz[:len(tgz)/2], Options{MaxDepth: 1})
	if len(problems) == 0 {
		t.Errorf("a cut tar.gz: no problem, files %v", slices.Sorted(maps.Keys(files)))
	}
}
