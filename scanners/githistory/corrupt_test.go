package githistory

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/scanners"
)

type notesSink struct {
	mu    sync.Mutex
	frags []string
	notes []scanners.Note
}

func (s *notesSink) Fragment(f scanners.Fragment) error {
	s.mu.Lock()
	s.frags = append(s.frags, string(f.Content))
	s.mu.Unlock()
	return nil
}

func (s *notesSink) Note(n scanners.Note) {
	s.mu.Lock()
	s.notes = append(s.notes, n)
	s.mu.Unlock()
}

// TestCorruptPackedBlob damages one blob's compressed data inside a pack:
// that blob becomes a NoteError naming it and its path; the rest is
// scanned.
func TestCorruptPackedBlob(t *testing.T) {
	dir := t.TempDir()
	good, bad := "good content\n", strings.Repeat("doomed content ", 50)+"\n"
	gitgen.Build(t, dir, gitgen.Script{Pack: true, Steps: []gitgen.Step{
		gitgen.Commit{Label: "c1", Files: map[string]string{"good.txt": good, "sub/bad.txt": bad}},
	}})
	idxs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	if len(idxs) != 1 {
		t.Fatalf("packs: %v", idxs)
	}
	p, err := openPack(idxs[0], sha1Len)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := parseOID(gitgen.BlobID(bad))
	off, ok := p.find(id)
	if !ok {
		t.Fatal("blob not in pack")
	}
	h, err := p.header(off)
	if err != nil {
		t.Fatal(err)
	}
	p.f.Close()
	unmapFile(p.data)
	packPath := strings.TrimSuffix(idxs[0], ".idx") + ".pack"
	data, err := os.ReadFile(packPath)
	if err != nil {
		t.Fatal(err)
	}
	for i := h.dataOff + 2; i < h.dataOff+8; i++ {
		data[i] ^= 0x5a
	}
	if err := os.WriteFile(packPath, data, 0o644); err != nil {
		t.Fatal(err)
	}

	src, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sink := &notesSink{}
	if _, err := src.Scan(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.frags) != 1 || sink.frags[0] != good {
		t.Errorf("fragments = %q, want only good.txt", sink.frags)
	}
	if len(sink.notes) != 1 || sink.notes[0].Kind != scanners.NoteError || sink.notes[0].Path != "sub/bad.txt" ||
		!strings.Contains(sink.notes[0].Detail, id.String()) {
		t.Errorf("notes = %+v", sink.notes)
	}
}

// TestGitFileAndDeepTree reads a repository through a ".git" file (as
// linked worktrees and submodules have) and limits tree nesting; the
// limit's note, raised while the history is walked, reaches the sink also
// when the walk ran ahead of Scan (Prepare).
func TestGitFileAndDeepTree(t *testing.T) {
	repoDir := t.TempDir()
	deep := strings.Repeat("d/", 40) + "leaf.txt"
	gitgen.Build(t, repoDir, gitgen.Script{Bare: true, Steps: []gitgen.Step{
		gitgen.Commit{Label: "c1", Files: map[string]string{deep: "deep\n", "top.txt": "top\n"}},
	}})
	wt := t.TempDir()
	if err := os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: "+repoDir+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, prepare := range []bool{false, true} {
		src, err := New(wt, Options{})
		if err != nil {
			t.Fatal(err)
		}
		src.w.maxDep = 10
		if prepare {
			src.Prepare(context.Background())
		}
		sink := &notesSink{}
		if _, err := src.Scan(context.Background(), sink); err != nil {
			t.Fatal(err)
		}
		if len(sink.frags) != 1 || sink.frags[0] != "top\n" {
			t.Errorf("prepare %v: fragments = %q, want top.txt only", prepare, sink.frags)
		}
		if len(sink.notes) == 0 || sink.notes[0].Kind != scanners.NoteLimit {
			t.Errorf("prepare %v: notes = %+v, want a limit note", prepare, sink.notes)
		}
	}
}

// TestPartialClone: the blobs a partial clone has not fetched are one
// note with their count and the promisor remote (not one note per blob,
// tens of thousands in a large history), and the blobs it has are scanned.
func TestPartialClone(t *testing.T) {
	src := t.TempDir()
	gitgen.Build(t, src, gitgen.Script{Steps: []gitgen.Step{
		gitgen.Commit{Label: "c1", Files: map[string]string{"a.txt": "one\n", "b.txt": "two\n"}},
		gitgen.Commit{Label: "c2", Files: map[string]string{"a.txt": "one, again\n"}},
		gitgen.Commit{Label: "c3", Files: map[string]string{"c.txt": "three\n"}},
	}})
	runGit(t, src, "config", "uploadpack.allowFilter", "true")
	for _, tc := range []struct {
		name     string
		checkout bool
		frags    int // blobs the clone holds: HEAD's, when checked out
		absent   string
	}{
		{"no checkout", false, 0, "4 blobs are not in this partial clone (promisor remote origin, filter blob:none)"},
		{"checked out", true, 3, "1 blobs are not in this partial clone (promisor remote origin, filter blob:none)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "clone")
			args := []string{"clone", "-q", "--filter=blob:none", "file://" + src, dst}
			if !tc.checkout {
				args = append(args, "--no-checkout")
			}
			runGit(t, t.TempDir(), args...)
			s, err := New(dst, Options{})
			if err != nil {
				t.Fatal(err)
			}
			sink := &notesSink{}
			if _, err := s.Scan(context.Background(), sink); err != nil {
				t.Fatal(err)
			}
			if len(sink.frags) != tc.frags {
				t.Errorf("scanned %d blobs, want %d", len(sink.frags), tc.frags)
			}
			if len(sink.notes) != 1 || sink.notes[0].Kind != scanners.NoteError || !strings.HasPrefix(sink.notes[0].Detail, tc.absent) {
				t.Errorf("notes = %+v, want one error note %q", sink.notes, tc.absent)
			}
		})
	}
}
