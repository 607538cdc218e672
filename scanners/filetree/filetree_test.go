package filetree

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/scanners"
)

type sink struct {
	mu    sync.Mutex
	paths []string
	notes []scanners.Note
}

func (s *sink) Fragment(f scanners.Fragment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths = append(s.paths, f.Occurrences[0].Path)
	return nil
}

func (s *sink) Note(n scanners.Note) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notes = append(s.notes, n)
}

// TestHostileTree: links are never followed (loops, links out of the root),
// odd names are scanned, big and binary files are skipped with notes (a
// binary file's path still reaches the sink), .git
// is never read, excludes apply.
func TestHostileTree(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(rel string, data []byte) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.txt", []byte("hello\n"))
	write("odd\nname.env", []byte("x=1\n"))
	write("bad\xffutf8.txt", []byte("x\n"))
	write("big.bin", make([]byte, 2048))
	write("blob.dat", []byte("abc\x00def"))
	write(".git/config", []byte("[core]\n"))
	write("vendor/lib.go", []byte("package lib\n"))
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"loop": root, "out": outside, "out-file": filepath.Join(outside, "secret.txt")} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skipf("symlinks not supported: %v", err)
		}
	}
	src, err := New(root, Options{MaxFileSize: 1024, Exclude: []string{"vendor/**"}})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	stats, err := src.Scan(context.Background(), &s)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(s.paths)
	// blob.dat is binary: it reaches the sink without content, for rules
	// on paths alone.
	want := []string{"bad\xffutf8.txt", "blob.dat", "odd\nname.env", "ok.txt"}
	if strings.Join(s.paths, "|") != strings.Join(want, "|") {
		t.Errorf("scanned %q, want %q", s.paths, want)
	}
	kinds := map[scanners.NoteKind]int{}
	for _, n := range s.notes {
		kinds[n.Kind]++
	}
	if kinds[scanners.NoteSkippedLink] != 3 || kinds[scanners.NoteSkippedLarge] != 1 || kinds[scanners.NoteSkippedBinary] != 1 {
		t.Errorf("notes by kind: %v", kinds)
	}
	if stats.Files != 3 || stats.Skipped[scanners.NoteSkippedLink] != 3 {
		t.Errorf("stats: %+v", stats)
	}
}

func TestMissingRoot(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "nope"), Options{}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("err = %v, want one naming the path", err)
	}
}

// TestSingleFileRoot: a file named as the root is scanned (through a link
// too); a named pipe is refused by name instead of blocking the scan, and
// a file over the size limit is skipped with a note.
func TestSingleFileRoot(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "app.env")
	if err := os.WriteFile(file, []byte("TOKEN=x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.env")
	if err := os.Symlink(file, link); err != nil {
		t.Skip("no symbolic links here")
	}
	pipe := filepath.Join(dir, "pipe")
	if err := mkfifo(pipe); err != nil {
		t.Skip("no named pipes here")
	}
	tests := []struct {
		root      string
		opts      Options
		paths     []string
		noteKind  scanners.NoteKind
		errorName string
	}{
		{root: file, paths: []string{"app.env"}},
		{root: link, paths: []string{"link.env"}},
		{root: file, opts: Options{MaxFileSize: 3}, noteKind: scanners.NoteSkippedLarge},
		{root: pipe, errorName: "named pipe"},
	}
	for _, tt := range tests {
		src, err := New(tt.root, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		var s sink
		go func() {
			defer close(done)
			_, err = src.Scan(context.Background(), &s)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: scan blocked", tt.root)
		}
		if tt.errorName != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errorName) || !strings.Contains(err.Error(), tt.root) {
				t.Errorf("%s: err = %v, want one naming the path and %q", tt.root, err, tt.errorName)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.root, err)
		}
		if strings.Join(s.paths, ",") != strings.Join(tt.paths, ",") {
			t.Errorf("%s: scanned %v, want %v", tt.root, s.paths, tt.paths)
		}
		if tt.noteKind != "" && (len(s.notes) != 1 || s.notes[0].Kind != tt.noteKind) {
			t.Errorf("%s: notes %+v, want one %s", tt.root, s.notes, tt.noteKind)
		}
	}
}
