package githistory_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sprawl-dev/sprawl/fixtures/gitgen"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// memSink keeps every fragment by blob id and counts repeats.
type memSink struct {
	mu      sync.Mutex
	frags   map[string]scanners.Fragment
	repeats int
	notes   []scanners.Note
}

func (m *memSink) Fragment(f scanners.Fragment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.frags == nil {
		m.frags = map[string]scanners.Fragment{}
	}
	if _, dup := m.frags[f.BlobID]; dup {
		m.repeats++
	}
	m.frags[f.BlobID] = f
	return nil
}

func (m *memSink) Note(n scanners.Note) {
	m.mu.Lock()
	m.notes = append(m.notes, n)
	m.mu.Unlock()
}

// fake returns a made-up credential line, different on every run.
func fake(t *testing.T, key string) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return key + " = \"" + hex.EncodeToString(b) + "\"\n"
}

// history is the shared scenario: the ground truth sits in the assertions
// of TestAttribution.
type history struct {
	ids                                       map[string]string
	secret, readme, readme2, feature, mergeOn string
	tagOnly                                   string
}

func buildHistory(t *testing.T, dir string, s gitgen.Script) history {
	h := history{
		secret:  fake(t, "api_key"),
		readme:  "hello\n",
		readme2: "hello again\n",
		feature: "feature work\n",
		mergeOn: fake(t, "db_password"),
		tagOnly: fake(t, "release_token"),
	}
	s.Origin = "https://someone:notatoken@example.com/acme/app.git"
	s.Steps = []gitgen.Step{
		gitgen.Commit{Label: "add", Author: "Ann <ann@example.com>", Files: map[string]string{
			"config/app.yml": h.secret, "README": h.readme}},
		gitgen.Commit{Label: "copy", Files: map[string]string{"config/other.yml": h.secret}},
		gitgen.Commit{Label: "edit", Files: map[string]string{"README": h.readme2}},
		gitgen.Branch{Name: "feature", From: "edit"},
		gitgen.Commit{Label: "f1", Branch: "feature", Files: map[string]string{"feature.txt": h.feature}},
		gitgen.Commit{Label: "remove", Author: "Bob <bob@example.com>", Delete: []string{"config/app.yml"}},
		gitgen.Commit{Label: "rename", Rename: map[string]string{"config/other.yml": "config/moved.yml"}},
		gitgen.Merge{Label: "merge", Into: "main", From: []string{"feature"},
			Files: map[string]string{"resolved.env": h.mergeOn}},
		gitgen.Commit{Label: "orphan", From: "add", Detached: true,
			Files: map[string]string{"release.txt": h.tagOnly}},
		gitgen.Tag{Name: "v0.1", Target: "orphan", Annotated: true},
	}
	h.ids = gitgen.Build(t, dir, s)
	return h
}

func scan(t *testing.T, dir string, opts githistory.Options) (*memSink, scanners.Stats, *scanners.Repo) {
	t.Helper()
	src, err := githistory.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	stats, err := src.Scan(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if sink.repeats > 0 {
		t.Errorf("%d blobs emitted more than once", sink.repeats)
	}
	return sink, stats, src.Repo()
}

func hash(c *scanners.Commit) string {
	if c == nil {
		return "<nil>"
	}
	return c.Hash
}

// want is one expected occurrence, by commit label ("" for none).
type want struct {
	path, intro, last, removed string
	inHead                     bool
}

func checkFragment(t *testing.T, sink *memSink, ids map[string]string, content string, wants ...want) {
	t.Helper()
	id := gitgen.BlobID(content)
	f, ok := sink.frags[id]
	if !ok {
		t.Errorf("blob of %q not emitted", strings.TrimSpace(content)[:min(12, len(strings.TrimSpace(content)))])
		return
	}
	if string(f.Content) != content {
		t.Errorf("blob %s: content differs", id)
	}
	label := func(c *scanners.Commit) string {
		for l, h := range ids {
			if c != nil && h == c.Hash {
				return l
			}
		}
		if c == nil {
			return ""
		}
		return c.Hash
	}
	var got []want
	for _, o := range f.Occurrences {
		got = append(got, want{o.Path, label(o.Commit), label(o.LastSeen), label(o.RemovedIn), o.InHead})
	}
	if len(got) != len(wants) {
		t.Errorf("blob %s: occurrences\n got %+v\nwant %+v", id, got, wants)
		return
	}
	for i := range wants {
		if got[i] != wants[i] {
			t.Errorf("blob %s occurrence %d:\n got %+v\nwant %+v", id, i, got[i], wants[i])
		}
	}
}

func TestAttribution(t *testing.T) {
	variants := []struct {
		name   string
		script gitgen.Script
	}{
		{"loose", gitgen.Script{}},
		{"packed", gitgen.Script{Pack: true}},
		{"packed-ref-deltas", gitgen.Script{Pack: true, RefDeltas: true}},
		{"bare", gitgen.Script{Bare: true, Pack: true}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			dir := t.TempDir()
			h := buildHistory(t, dir, v.script)
			sink, stats, repo := scan(t, dir, githistory.Options{Workers: 3})
			ids := h.ids

			// Timeline (one hour apart): add, copy, edit, f1 (feature),
			// remove, rename, merge (HEAD), orphan (tag v0.1 only).
			//
			// The same content in two files, one removed and one renamed:
			// one fragment, an occurrence per (path, introducing commit),
			// oldest first. app.yml is still in the tag-only commit
			// "orphan" (it descends from "add"), the newest holder.
			checkFragment(t, sink, ids, h.secret,
				want{"config/app.yml", "add", "orphan", "remove", false},
				want{"config/other.yml", "copy", "remove", "rename", false},
				want{"config/moved.yml", "rename", "merge", "", true},
			)
			checkFragment(t, sink, ids, h.readme, want{"README", "add", "orphan", "edit", false})
			checkFragment(t, sink, ids, h.readme2, want{"README", "edit", "merge", "", true})
			// Brought in by the merge unchanged: still f1's.
			checkFragment(t, sink, ids, h.feature, want{"feature.txt", "f1", "merge", "", true})
			// Content only the merge introduces.
			checkFragment(t, sink, ids, h.mergeOn, want{"resolved.env", "merge", "merge", "", true})
			// A commit only a tag reaches.
			checkFragment(t, sink, ids, h.tagOnly, want{"release.txt", "orphan", "orphan", "", false})

			if len(sink.frags) != 6 {
				t.Errorf("got %d fragments, want 6", len(sink.frags))
			}
			if stats.Commits != 8 || stats.Blobs != 6 || stats.ShallowDepth != 0 {
				t.Errorf("stats = %+v, want 8 commits, 6 blobs", stats)
			}
			var bytes int64
			for _, f := range sink.frags {
				bytes += int64(len(f.Content))
			}
			if stats.Bytes != bytes {
				t.Errorf("stats.Bytes = %d, want %d", stats.Bytes, bytes)
			}
			wantRepo := scanners.Repo{Name: "acme/app", Root: dir, URI: "https://example.com/acme/app.git",
				Head: ids["merge"], Branch: "main", RootCommit: ids["add"]}
			if *repo != wantRepo {
				t.Errorf("repo = %+v\nwant %+v", *repo, wantRepo)
			}
			f := sink.frags[gitgen.BlobID(h.secret)]
			if c := f.Occurrences[0].Commit; c.Author != "Ann" || c.Time.Unix() != 1577836800 {
				t.Errorf("introducing commit = %+v, want Ann at 2020-01-01T00:00Z", c)
			}
			if c := f.Occurrences[0].RemovedIn; c.Author != "Bob" {
				t.Errorf("removing commit = %+v, want Bob's", c)
			}
			for _, n := range sink.notes {
				t.Errorf("unexpected note %+v", n)
			}
		})
	}
}

func TestSinceRangeBranches(t *testing.T) {
	dir := t.TempDir()
	h := buildHistory(t, dir, gitgen.Script{Pack: true})
	ids := h.ids

	t.Run("since", func(t *testing.T) {
		sink, stats, _ := scan(t, dir, githistory.Options{Since: ids["edit"]})
		if stats.Commits != 5 || len(sink.frags) != 4 {
			t.Errorf("commits %d fragments %d, want 5 and 4", stats.Commits, len(sink.frags))
		}
		checkFragment(t, sink, ids, h.secret, want{"config/moved.yml", "rename", "merge", "", true})
		checkFragment(t, sink, ids, h.feature, want{"feature.txt", "f1", "merge", "", true})
		checkFragment(t, sink, ids, h.mergeOn, want{"resolved.env", "merge", "merge", "", true})
		checkFragment(t, sink, ids, h.tagOnly, want{"release.txt", "orphan", "orphan", "", false})
	})
	t.Run("since-ref-syntax", func(t *testing.T) {
		// main~2 is "remove": rename and merge are new, and everything
		// the merge brings from feature (f1) too.
		sink, stats, _ := scan(t, dir, githistory.Options{Since: "main~2", Branches: []string{"main"}})
		if stats.Commits != 3 {
			t.Errorf("commits %d, want 3 (rename, merge, f1)", stats.Commits)
		}
		if len(sink.frags) != 3 {
			t.Errorf("fragments %d, want 3", len(sink.frags))
		}
	})
	t.Run("range", func(t *testing.T) {
		sink, stats, _ := scan(t, dir, githistory.Options{Range: ids["edit"][:10] + ".." + ids["rename"]})
		if stats.Commits != 2 || len(sink.frags) != 1 {
			t.Errorf("commits %d fragments %d, want 2 and 1", stats.Commits, len(sink.frags))
		}
		checkFragment(t, sink, ids, h.secret, want{"config/moved.yml", "rename", "rename", "", true})
	})
	t.Run("branches", func(t *testing.T) {
		sink, stats, _ := scan(t, dir, githistory.Options{Branches: []string{"feature"}})
		if stats.Commits != 4 || len(sink.frags) != 4 {
			t.Errorf("commits %d fragments %d, want 4 and 4", stats.Commits, len(sink.frags))
		}
		checkFragment(t, sink, ids, h.secret,
			want{"config/app.yml", "add", "f1", "", false},
			want{"config/other.yml", "copy", "f1", "", false},
		)
	})
	t.Run("bad-options", func(t *testing.T) {
		for _, o := range []githistory.Options{
			{Range: "a..b", Since: "x"},
			{Range: "nodots"},
		} {
			if _, err := githistory.New(dir, o); err == nil {
				t.Errorf("New(%+v) succeeded", o)
			}
		}
		src, err := githistory.New(dir, githistory.Options{Since: "no-such-ref"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.Scan(context.Background(), &memSink{}); err == nil {
			t.Error("unknown Since revision: no error")
		}
	})
}

func TestShallow(t *testing.T) {
	dir := t.TempDir()
	a, b := fake(t, "token"), fake(t, "token")
	ids := gitgen.Build(t, dir, gitgen.Script{Pack: true, Shallow: []string{"c2"}, Steps: []gitgen.Step{
		gitgen.Commit{Label: "c1", Files: map[string]string{"a.txt": a}},
		gitgen.Commit{Label: "c2", Files: map[string]string{"b.txt": b}},
		gitgen.Commit{Label: "c3", Files: map[string]string{"c.txt": "c\n"}},
		gitgen.Commit{Label: "c4", Files: map[string]string{"d.txt": "d\n"}},
	}})
	sink, stats, repo := scan(t, dir, githistory.Options{})
	if stats.ShallowDepth != 3 || stats.Commits != 3 {
		t.Errorf("stats = %+v, want depth 3, 3 commits", stats)
	}
	// The boundary commit stands in for everything before it.
	checkFragment(t, sink, ids, a, want{"a.txt", "c2", "c4", "", true})
	checkFragment(t, sink, ids, b, want{"b.txt", "c2", "c4", "", true})
	if repo.RootCommit != ids["c2"] {
		t.Errorf("root commit %s, want the shallow boundary c2 %s", repo.RootCommit, ids["c2"])
	}
	// "No findings" must not read as "the project's history is clean".
	var limits []string
	for _, n := range sink.notes {
		if n.Kind == scanners.NoteLimit {
			limits = append(limits, n.Detail)
		}
	}
	if len(limits) != 1 || !strings.Contains(limits[0], "shallow clone: the history stops 3 commits deep") {
		t.Errorf("limit notes = %q, want one saying the clone is shallow", limits)
	}
}

func TestHostileContent(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("x", 5000) + "\n"
	bin := "PK\x00\x03binary"
	gone := fake(t, "secret")
	ok := fake(t, "secret")
	gitgen.Build(t, dir, gitgen.Script{Steps: []gitgen.Step{
		gitgen.Commit{Label: "c1", Files: map[string]string{"big.txt": big, "a.bin": bin, "gone.txt": gone, "ok.txt": ok}},
	}})
	gitgen.RemoveObject(t, dir, gitgen.BlobID(gone))
	sink, stats, _ := scan(t, dir, githistory.Options{MaxBlobSize: 4096})
	// ok.txt, and a.bin without its content (rules on paths alone still
	// see a binary file's path).
	if len(sink.frags) != 2 || stats.Blobs != 1 {
		t.Fatalf("got %d fragments (%d blobs), want ok.txt and a.bin's path", len(sink.frags), stats.Blobs)
	}
	if _, found := sink.frags[gitgen.BlobID(ok)]; !found {
		t.Error("ok.txt not emitted")
	}
	if f, found := sink.frags[gitgen.BlobID(bin)]; !found || len(f.Content) != 0 || f.Occurrences[0].Path != "a.bin" {
		t.Errorf("a.bin: emitted %v, want its path without content", found)
	}
	if stats.Skipped[scanners.NoteSkippedLarge] != 1 || stats.Skipped[scanners.NoteSkippedBinary] != 1 {
		t.Errorf("skipped = %v", stats.Skipped)
	}
	kinds := map[scanners.NoteKind]string{}
	for _, n := range sink.notes {
		kinds[n.Kind] = n.Path + ": " + n.Detail
	}
	if d := kinds[scanners.NoteError]; !strings.Contains(d, gitgen.BlobID(gone)) || !strings.HasPrefix(d, "gone.txt") {
		t.Errorf("missing-object note = %q", d)
	}
	if d := kinds[scanners.NoteSkippedLarge]; !strings.HasPrefix(d, "big.txt") {
		t.Errorf("large note = %q", d)
	}
	if _, found := kinds[scanners.NoteSkippedBinary]; !found {
		t.Error("no binary note")
	}
}

func TestNotARepository(t *testing.T) {
	if _, err := githistory.New(t.TempDir(), githistory.Options{}); err == nil {
		t.Error("New on an empty folder succeeded")
	}
}

// stopSink fails on the first fragment.
type stopSink struct{ memSink }

func (s *stopSink) Fragment(scanners.Fragment) error { return errors.New("stop") }

func TestSinkErrorStops(t *testing.T) {
	dir := t.TempDir()
	buildHistory(t, dir, gitgen.Script{Pack: true})
	src, err := githistory.New(filepath.Join(dir, ".git"), githistory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Scan(context.Background(), &stopSink{}); err == nil || err.Error() != "stop" {
		t.Errorf("err = %v, want the sink's", err)
	}
}

// TestDeltaChains edits a large file many times so packs hold delta chains
// (OFS_DELTA and REF_DELTA); every version must come out intact, once.
func TestDeltaChains(t *testing.T) {
	var lines []string
	for i := range 400 {
		lines = append(lines, "line "+strings.Repeat("abc", i%7)+" "+hex.EncodeToString([]byte{byte(i), byte(i >> 8)}))
	}
	var versions []string
	var steps []gitgen.Step
	for v := range 12 {
		lines[v*30] = fake(t, "key")[:40]
		content := strings.Join(lines, "\n") + "\n"
		versions = append(versions, content)
		steps = append(steps, gitgen.Commit{Label: "v" + string(rune('a'+v)), Files: map[string]string{"data/big.txt": content}})
	}
	// Releasing the pack's pages after every object read (instead of every
	// 32 MiB) must not change what is read.
	defer githistory.SetDropEvery(1)()
	for _, refDeltas := range []bool{false, true} {
		dir := t.TempDir()
		gitgen.Build(t, dir, gitgen.Script{Pack: true, RefDeltas: refDeltas, Steps: steps})
		sink, stats, _ := scan(t, dir, githistory.Options{Workers: 2})
		if stats.Blobs != int64(len(versions)) {
			t.Errorf("refDeltas=%v: %d blobs, want %d", refDeltas, stats.Blobs, len(versions))
		}
		for i, c := range versions {
			f, ok := sink.frags[gitgen.BlobID(c)]
			if !ok || string(f.Content) != c {
				t.Errorf("refDeltas=%v: version %d missing or corrupt", refDeltas, i)
			}
		}
		if t.Failed() {
			t.Logf("pack in %s", dir)
		}
	}
}

func TestProgress(t *testing.T) {
	dir := t.TempDir()
	buildHistory(t, dir, gitgen.Script{Pack: true})
	var last githistory.Progress
	calls := 0
	scan(t, dir, githistory.Options{Progress: func(p githistory.Progress) { last = p; calls++ }})
	if calls == 0 || last.Phase != "blobs" || last.Done != 6 || last.Total != 6 || last.Bytes == 0 {
		t.Errorf("last progress %+v after %d calls", last, calls)
	}
}

// TestOnlyInRefs: with AllRefs, content that no branch or tag reaches
// names the refs that do (a closed pull request's head, a second pull
// request stacked on it); content a branch also has, merged or committed
// there on its own, names none; without AllRefs nothing is named.
func TestOnlyInRefs(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) string {
		return strings.TrimSpace(gitgen.Git(t, dir, "", nil, append([]string{"-c", "user.name=dev", "-c", "user.email=dev@example.com"}, args...)...))
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		git("add", name)
		git("commit", "-q", "-m", name)
	}
	git("init", "-q", "-b", "main")
	write("README.md", "# service\n")
	git("checkout", "-q", "-b", "pr1")
	write("closed.txt", "only in pull requests\n")
	write("shared.txt", "also on main\n")
	git("update-ref", "refs/pull/1/head", "HEAD")
	git("checkout", "-q", "-b", "pr2")
	write("stacked.txt", "only in the second pull request\n")
	git("update-ref", "refs/pull/2/head", "HEAD")
	git("checkout", "-q", "main")
	git("branch", "-q", "-D", "pr1", "pr2")
	write("shared.txt", "also on main\n")
	git("checkout", "-q", "-b", "merged")
	write("merged.txt", "merged into main\n")
	git("update-ref", "refs/pull/3/head", "HEAD")
	git("checkout", "-q", "main")
	git("merge", "-q", "--no-ff", "-m", "merge", "merged")
	git("branch", "-q", "-D", "merged")

	refsOf := func(sink *memSink, content string) []string {
		t.Helper()
		f, ok := sink.frags[gitgen.BlobID(content)]
		if !ok {
			t.Fatalf("%q not emitted", content)
		}
		var refs []string
		for _, o := range f.Occurrences {
			refs = append(refs, o.OnlyInRefs...)
		}
		return refs
	}
	sink, _, _ := scan(t, dir, githistory.Options{AllRefs: true})
	for content, want := range map[string][]string{
		"only in pull requests\n":           {"refs/pull/1/head", "refs/pull/2/head"},
		"only in the second pull request\n": {"refs/pull/2/head"},
		"also on main\n":                    nil,
		"merged into main\n":                nil,
		"# service\n":                       nil,
	} {
		if got := refsOf(sink, content); !slices.Equal(got, want) {
			t.Errorf("%q: only in %v, want %v", strings.TrimSpace(content), got, want)
		}
	}
	sink, _, _ = scan(t, dir, githistory.Options{})
	if _, ok := sink.frags[gitgen.BlobID("only in pull requests\n")]; ok {
		t.Error("without AllRefs: a pull request's content was scanned")
	}
}

// TestRepositoryFormats: a history git makes in a SHA-256 repository (the
// default for new repositories from Git 3.0) scans as the same history
// made in a SHA-1 one: the same blobs, paths and attributions, each under
// its format's ids, from packs (with deltas) and loose objects alike; and
// each scans the same again once its refs move into reftables (Git 3.0's
// other default), HEAD among them.
func TestRepositoryFormats(t *testing.T) {
	scans := map[string][]string{}
	for _, format := range []string{"sha1", "sha256"} {
		dir := t.TempDir()
		tick := 0
		g := func(stdin string, args ...string) string {
			t.Helper()
			tick++ // the same dates in both repositories
			date := fmt.Sprintf("@%d +0000", 1700000000+tick)
			return strings.TrimSpace(gitgen.Git(t, dir, stdin, []string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}, args...))
		}
		big := func(v int) string { // a file packs store as deltas
			var b strings.Builder
			for i := range 300 {
				fmt.Fprintf(&b, "line %d of a long file, version %d\n", i, min(v, i/50))
			}
			return b.String()
		}
		commit := func(msg string, files map[string]string, remove ...string) {
			t.Helper()
			for name, content := range files {
				gitgen.WriteFile(t, dir, name, content)
			}
			for _, name := range remove {
				g("", "rm", "-q", name)
			}
			g("", "add", "-A")
			g("", "commit", "-q", "-m", msg)
		}
		g("", "init", "-q", "-b", "main", "--object-format="+format)
		secret := "api_key = \"3f9c2a7be41d5c8f06a9e2b7d4c13f58\"\n"
		commit("add", map[string]string{"config/app.yml": secret, "README": "hello\n", "docs/big.txt": big(0)})
		commit("copy", map[string]string{"config/other.yml": secret, "docs/big.txt": big(1)})
		g("", "checkout", "-q", "-b", "feature")
		commit("f1", map[string]string{"feature.txt": "feature work\n", "docs/big.txt": big(2)})
		g("", "checkout", "-q", "main")
		commit("remove", map[string]string{"README": "hello again\n"}, "config/app.yml")
		g("", "merge", "-q", "--no-ff", "-m", "merge", "feature")
		g("", "tag", "-a", "-m", "release", "v1")
		g("", "gc", "-q", "--aggressive")
		commit("loose", map[string]string{"loose.txt": "written after the pack\n", "docs/big.txt": big(4)})

		subject := map[string]string{}
		for _, line := range strings.Split(g("", "log", "--all", "--format=%H %s"), "\n") {
			h, s, _ := strings.Cut(line, " ")
			subject[h] = s
		}
		head, root := g("", "rev-parse", "HEAD"), g("", "rev-list", "--max-parents=0", "HEAD")
		sink, got := describeScan(t, dir, subject, head, root)
		for id, f := range sink.frags {
			if want := g(string(f.Content), "hash-object", "--stdin"); id != want {
				t.Errorf("%s: blob id %s, git says %s", format, id, want)
			}
		}
		if len(got) < 8 {
			t.Errorf("%s: %d occurrences", format, len(got))
		}
		scans[format] = got

		for _, o := range []gitgen.ReftableOptions{{BlockSize: 128, RestartEvery: 2}, {RestartEvery: 16, Trailer: true}} {
			rt := t.TempDir()
			if err := os.CopyFS(rt, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			gitgen.ConvertToReftable(t, rt, o)
			if _, err := os.Stat(filepath.Join(rt, ".git", "packed-refs")); err == nil {
				t.Fatal("the conversion left packed-refs")
			}
			if _, rtScan := describeScan(t, rt, subject, head, root); !slices.Equal(rtScan, got) {
				t.Errorf("%s with refs in reftables (block size %d) scans differently:\n%s\nwant:\n%s", format, o.BlockSize,
					strings.Join(rtScan, "\n"), strings.Join(got, "\n"))
			}
		}
	}
	if !slices.Equal(scans["sha1"], scans["sha256"]) {
		t.Errorf("SHA-256 scan differs from SHA-1 scan:\nsha1:\n%s\nsha256:\n%s",
			strings.Join(scans["sha1"], "\n"), strings.Join(scans["sha256"], "\n"))
	}
}

// describeScan scans the history at dir and describes every occurrence of
// every blob by a hash of its content, its path and the subjects of its
// commits, sorted. HEAD and the root commit must be head and root.
func describeScan(t *testing.T, dir string, subject map[string]string, head, root string) (*memSink, []string) {
	t.Helper()
	sink, stats, repo := scan(t, dir, githistory.Options{Workers: 2})
	if len(sink.notes) > 0 {
		t.Errorf("%s: notes %+v", dir, sink.notes)
	}
	if repo.Head != head || repo.RootCommit != root || repo.Branch != "main" {
		t.Errorf("%s: head %s root %s branch %q, want %s %s main", dir, repo.Head, repo.RootCommit, repo.Branch, head, root)
	}
	label := func(c *scanners.Commit) string {
		if c == nil {
			return "-"
		}
		if s, ok := subject[c.Hash]; ok {
			return s
		}
		return "unknown " + c.Hash
	}
	var got []string
	for _, f := range sink.frags {
		sum := sha256.Sum256(f.Content)
		for _, o := range f.Occurrences {
			got = append(got, fmt.Sprintf("%x %s intro=%s last=%s removed=%s head=%v",
				sum[:6], o.Path, label(o.Commit), label(o.LastSeen), label(o.RemovedIn), o.InHead))
		}
	}
	slices.Sort(got)
	if stats.Blobs != int64(len(sink.frags)) {
		t.Errorf("%s: %d blobs, %d fragments", dir, stats.Blobs, len(sink.frags))
	}
	return sink, got
}
