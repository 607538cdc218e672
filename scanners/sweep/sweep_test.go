package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/scanners"
)

const testToken = "ghp_TESTTOKENsprawl0123456789abcdefghij"

// fixture is a set of served repositories and a datastore.
type fixture struct {
	t       *testing.T
	root    string
	srv     *gitServer
	repos   map[string]*testRepo
	targets []Target
	store   *datastore.SQLite
	dbPath  string
	cache   *Cache
	clock   *instantClock
}

// newFixture serves n public repositories (r00..), one private, one flaky,
// one missing and one corrupt; r00 and r01 share a secret.
func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	root := t.TempDir()
	f := &fixture{t: t, root: root, repos: map[string]*testRepo{}, clock: &instantClock{now: time.Unix(1_700_000_000, 0)}}
	f.srv = newGitServer(t, root, testToken)
	add := func(rel string, files map[string]string) {
		f.repos[rel] = newTestRepo(t, filepath.Join(root, rel), files)
	}
	for i := range n {
		files := map[string]string{"README.md": fmt.Sprintf("repo %d\n", i)}
		switch i {
		case 0, 1:
			files["config/app.env"] = "SECRET=shared-secret-value-0001\n"
		default:
			files["app.env"] = fmt.Sprintf("SECRET=unique-secret-%04d\n", i)
		}
		add(fmt.Sprintf("r%02d", i), files)
		tg, err := NewTarget(f.srv.URL+fmt.Sprintf("/r%02d/.git", i), "")
		if err != nil {
			t.Fatal(err)
		}
		tg.Name = fmt.Sprintf("acme/r%02d", i)
		f.targets = append(f.targets, tg)
	}
	add("private/p", map[string]string{"deploy.env": "SECRET=private-secret-0001\n"})
	tp, _ := NewTarget(f.srv.URL+"/private/p/.git", "")
	tp.Name = "acme/private"
	f.targets = append(f.targets, tp.WithToken("x-access-token", testToken))
	// Same repository, wrong token: must fail with auth, token not shown.
	add("private/q", map[string]string{"deploy.env": "SECRET=private-secret-0002\n"})
	bad, _ := NewTarget("http://x-access-token:"+testToken+"-wrong@"+strings.TrimPrefix(f.srv.URL, "http://")+"/private/q/.git", "")
	bad.Name = "acme/private-bad-token"
	f.targets = append(f.targets, bad)

	add("flaky/f", map[string]string{"x.env": "SECRET=flaky-secret-0001\n"})
	tf, _ := NewTarget(f.srv.URL+"/flaky/f/.git", "")
	tf.Name = "acme/flaky"
	f.targets = append(f.targets, tf)

	tm, _ := NewTarget(f.srv.URL+"/missing/.git", "")
	tm.Name = "acme/missing"
	f.targets = append(f.targets, tm)

	add("corrupt", map[string]string{"a.txt": "hello\n", "b.env": "SECRET=corrupt-secret-0001\n"})
	corruptObjects(t, filepath.Join(root, "corrupt", ".git", "objects"))
	tc, _ := NewTarget(f.srv.URL+"/corrupt/.git", "")
	tc.Name = "acme/corrupt"
	f.targets = append(f.targets, tc)

	f.dbPath = filepath.Join(t.TempDir(), "state", "sprawl.db")
	var err error
	if f.store, err = datastore.Open(context.Background(), f.dbPath); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.store.Close() })
	f.cache = &Cache{Dir: filepath.Join(t.TempDir(), "cache")}
	return f
}

// corruptObjects truncates every loose blob-sized object file so reading
// them fails.
func corruptObjects(t *testing.T, dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "pack") || strings.Contains(p, "info") {
			return nil
		}
		raw, _ := os.ReadFile(p)
		return os.WriteFile(p, raw[:len(raw)/2], 0o644)
	})
}

func (f *fixture) options() Options {
	key, err := f.store.FingerprintKey(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return Options{Store: f.store, Cache: f.cache, Source: fakeSource, Detectors: []detectors.Detector{secretDetector{}},
		FingerprintKey: key, Workers: 3, Timeout: time.Minute, Clock: f.clock.clock(),
		Backoff: func(int) time.Duration { return time.Second }}
}

func (f *fixture) run(opts Options) (*Summary, map[string]RepoOutcome) {
	f.t.Helper()
	outs := map[string]RepoOutcome{}
	var mu sync.Mutex
	prev := opts.OnRepo
	opts.OnRepo = func(o RepoOutcome) {
		mu.Lock()
		outs[o.Target.Name] = o
		mu.Unlock()
		if prev != nil {
			prev(o)
		}
	}
	sum, err := Run(context.Background(), f.targets, opts)
	if err != nil {
		f.t.Fatal(err)
	}
	return sum, outs
}

func failureNames(sum *Summary) string {
	var n []string
	for _, fl := range sum.Failures {
		n = append(n, fl.Name)
	}
	sort.Strings(n)
	return strings.Join(n, ",")
}

func TestSweepEndToEnd(t *testing.T) {
	f := newFixture(t, 30)
	f.srv.flakyFailures.Store(2)
	ctx := context.Background()

	sum, outs := f.run(f.options())
	if got, want := failureNames(sum), "acme/corrupt,acme/missing,acme/private-bad-token"; got != want {
		for _, fl := range sum.Failures {
			t.Logf("%s: %s", fl.Name, fl.Error)
		}
		t.Fatalf("failures %s, want %s", got, want)
	}
	for _, fl := range sum.Failures {
		t.Logf("%s (%d attempts): %s", fl.Name, fl.Attempts, fl.Error)
	}
	if sum.Done != 32 || sum.Total != 35 {
		t.Fatalf("summary %+v", sum)
	}
	if o := outs["acme/flaky"]; o.Outcome != datastore.RepoDone || o.Attempts != 3 {
		t.Fatalf("flaky: %+v", o)
	}
	if o := outs["acme/missing"]; o.Attempts != 1 {
		t.Fatalf("a missing repository is not retried: %+v", o)
	}
	if o := outs["acme/r00"]; o.Commits != 1 || o.Incremental || o.Report == nil {
		t.Fatalf("r00: %+v", o)
	}
	inv, err := f.store.Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Trends.Open != 32 {
		t.Fatalf("open findings %d, want 32: %+v", inv.Trends.Open, inv.Findings)
	}
	if len(inv.Duplicates) != 1 || strings.Join(inv.Duplicates[0].Repos, ",") != f.targets[0].URL+","+f.targets[1].URL {
		t.Fatalf("duplicates %+v", inv.Duplicates)
	}
	for _, fd := range inv.Findings {
		if strings.Contains(fd.Preview, "secret-") {
			t.Fatalf("preview shows the secret: %+v", fd)
		}
	}

	// Second sweep: nothing new anywhere but in r02 (one new commit) and
	// r01 (the shared secret removed).
	f.repos["r02"].commit(map[string]string{"more.env": "SECRET=second-sweep-secret-01\n"}, nil)
	f.repos["r01"].commit(nil, []string{"config/app.env"})
	sum2, outs2 := f.run(f.options())
	if o := outs2["acme/r02"]; o.Outcome != datastore.RepoDone || !o.Incremental || o.Commits != 1 {
		t.Fatalf("r02 second sweep: %+v", o)
	}
	if o := outs2["acme/r03"]; o.Outcome != datastore.RepoUpToDate {
		t.Fatalf("r03 second sweep: %+v", o)
	}
	if sum2.UpToDate != 30 || sum2.Done != 2 {
		t.Fatalf("second summary %+v", sum2)
	}
	inv, _ = f.store.Inventory(ctx)
	if inv.Trends.Open != 32 || inv.Trends.History != 1 || inv.Trends.New != 1 || inv.Trends.FixedInLast != 1 {
		t.Fatalf("trends after second sweep %+v", inv.Trends)
	}
	if len(inv.Duplicates) != 1 {
		// Still in r01's history: still a duplicate to rotate.
		t.Fatalf("duplicates %+v", inv.Duplicates)
	}

	// No token anywhere: datastore bytes, cache clone configs, errors.
	assertNoToken(t, filepath.Dir(f.dbPath))
	assertNoToken(t, f.cache.Dir)
	for _, fl := range append(sum.Failures, sum2.Failures...) {
		if strings.Contains(fl.Error, testToken) || strings.Contains(fl.URL, testToken) {
			t.Fatalf("token in failure: %+v", fl)
		}
	}
}

func assertNoToken(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		raw, _ := os.ReadFile(p)
		if bytes.Contains(raw, []byte(testToken)) || bytes.Contains(raw, []byte("TESTTOKENsprawl")) {
			t.Fatalf("token found in %s", p)
		}
		return nil
	})
}

func TestSweepResumeSkipsFinished(t *testing.T) {
	f := newFixture(t, 4)
	f.targets = f.targets[:4]
	ctx, cancel := context.WithCancel(context.Background())
	opts := f.options()
	opts.Workers = 1
	var first []string
	opts.OnRepo = func(o RepoOutcome) {
		first = append(first, o.Target.Name)
		if len(first) == 2 {
			cancel()
		}
	}
	sum, err := Run(ctx, f.targets, opts)
	if err == nil {
		t.Fatal("an interrupted sweep returns an error")
	}
	if len(first) != 2 {
		t.Fatalf("processed %v before the interruption", first)
	}

	opts = f.options()
	opts.Resume = true
	sum2, outs := f.run(opts)
	if sum2.SweepID != sum.SweepID || sum2.Resumed != 2 || sum2.Done != 2 || len(outs) != 2 {
		t.Fatalf("resumed %+v (first %+v), outcomes %v", sum2, sum, outs)
	}
	for _, n := range first {
		if _, again := outs[n]; again {
			t.Fatalf("%s swept again on resume", n)
		}
	}
	// The sweep is finished now: resuming again starts a new sweep.
	sum3, _ := f.run(opts)
	if sum3.SweepID == sum.SweepID || sum3.Resumed != 0 || sum3.UpToDate != 4 {
		t.Fatalf("after finish: %+v", sum3)
	}
}

func TestSweepLocalPathsAndShards(t *testing.T) {
	root := t.TempDir()
	var list strings.Builder
	list.WriteString("# local repositories\n\n")
	for i := range 8 {
		newTestRepo(t, filepath.Join(root, fmt.Sprintf("l%d", i)), map[string]string{"s.env": fmt.Sprintf("SECRET=local-secret-%04d\n", i)})
		fmt.Fprintf(&list, "l%d   # repo %d\n", i, i)
	}
	targets, err := ReadRepoList(strings.NewReader(list.String()), root)
	if err != nil || len(targets) != 8 || !targets[0].Local || targets[0].URL != filepath.Join(root, "l0") {
		t.Fatalf("targets %+v, %v", targets, err)
	}
	store, err := datastore.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	key, _ := store.FingerprintKey(context.Background())
	total := 0
	for i := 1; i <= 3; i++ {
		sh := Shard{I: i, N: 3}
		part := sh.Filter(targets)
		total += len(part)
		sum, err := Run(context.Background(), part, Options{Store: store, Cache: &Cache{Dir: t.TempDir()}, Source: fakeSource,
			Detectors: []detectors.Detector{secretDetector{}}, FingerprintKey: key, Shard: sh})
		if err != nil || len(sum.Failures) > 0 || sum.Done != len(part) {
			t.Fatalf("shard %v: %+v %v", sh, sum, err)
		}
	}
	if total != 8 {
		t.Fatalf("shards cover %d of 8", total)
	}
	inv, _ := store.Inventory(context.Background())
	if len(inv.Repos) != 8 || inv.Trends.Open != 8 {
		t.Fatalf("inventory %+v", inv.Trends)
	}
	// The local repositories were not written to.
	if _, err := os.Stat(filepath.Join(root, "l0", ".git", "refs", "sprawl")); err == nil {
		t.Fatal("sweep wrote into a scanned repository")
	}
}

func TestShardStable(t *testing.T) {
	counts := make([]int, 4)
	for i := range 400 {
		u := fmt.Sprintf("https://github.com/acme/repo-%d.git", i)
		n := 0
		for s := 1; s <= 4; s++ {
			if (Shard{I: s, N: 4}).Has(u) {
				n++
				counts[s-1]++
			}
		}
		if n != 1 {
			t.Fatalf("%s in %d shards", u, n)
		}
	}
	for _, c := range counts {
		if c < 60 {
			t.Fatalf("unbalanced shards %v", counts)
		}
	}
	if _, err := ParseShard("0/4"); err == nil {
		t.Fatal("0/4 accepted")
	}
	if s, err := ParseShard("2/4"); err != nil || s.String() != "2/4" {
		t.Fatalf("2/4: %v %v", s, err)
	}
}

func TestNewTargetStripsCredentials(t *testing.T) {
	tg, err := NewTarget("https://user:"+testToken+"@github.com/acme/app.git", "")
	if err != nil || tg.URL != "https://github.com/acme/app.git" || tg.Name != "acme/app" || tg.Auth == nil {
		t.Fatalf("%+v %v", tg, err)
	}
	if strings.Contains(fmt.Sprint(tg.Auth), testToken) {
		t.Fatal("auth prints the token")
	}
	tg, _ = NewTarget("https://"+testToken+"@github.com/acme/app.git", "")
	if tg.URL != "https://github.com/acme/app.git" {
		t.Fatalf("%+v", tg)
	}
	if got := Redact("fetch https://x:"+testToken+"@h/r.git failed: "+testToken, testToken); strings.Contains(got, "TESTTOKEN") {
		t.Fatalf("redact: %s", got)
	}
	tg, _ = NewTarget("git@github.com:acme/app.git", "")
	if tg.Local || tg.Name != "acme/app" {
		t.Fatalf("scp-like: %+v", tg)
	}
}

// blockingSource never finishes before its context ends.
type blockingSource struct{ fakeHistory }

func (b *blockingSource) Scan(ctx context.Context, _ scanners.Sink) (scanners.Stats, error) {
	<-ctx.Done()
	return scanners.Stats{}, ctx.Err()
}

func TestSweepTimeoutRecordedAndSweepGoesOn(t *testing.T) {
	f := newFixture(t, 3)
	f.targets = f.targets[:3]
	opts := f.options()
	opts.Timeout = 300 * time.Millisecond
	opts.Source = func(ctx context.Context, dir, since string) (scanners.Source, error) {
		if strings.Contains(dir, "r01") {
			return &blockingSource{fakeHistory{dir: dir, repo: &scanners.Repo{Name: "r01"}}}, nil
		}
		return fakeSource(ctx, dir, since)
	}
	sum, _ := f.run(opts)
	if sum.Done != 2 || len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0].Error, "timed out after 300ms") {
		t.Fatalf("%+v", sum)
	}
	reps, err := f.store.SweepRepos(context.Background(), sum.SweepID)
	if err != nil || len(reps) != 3 {
		t.Fatalf("%+v %v", reps, err)
	}
}

// TestStoredReportKeepsEarlierFindings: after an incremental sweep, the
// repository's report (what its SARIF is written from) still holds what
// earlier sweeps found, with the detail they recorded, and says what left
// the head.
func TestStoredReportKeepsEarlierFindings(t *testing.T) {
	f := newFixture(t, 2)
	f.targets = f.targets[:2]
	ctx := context.Background()
	f.run(f.options())
	r00 := f.targets[0].URL
	first, err := StoredReport(ctx, f.store, r00)
	if err != nil || len(first.Findings) != 1 {
		t.Fatalf("first report: %+v %v", first, err)
	}
	old := first.Findings[0]
	if old.Location.StartColumn == 0 || old.Secret == nil || old.Location.Repo != "acme/r00" || first.Repos[0].Repo.URI != r00 {
		t.Fatalf("detail lost: %+v", old)
	}

	f.repos["r00"].commit(map[string]string{"new.env": "SECRET=second-sweep-secret-r00\n"}, nil)
	_, outs := f.run(f.options())
	if o := outs["acme/r00"]; !o.Incremental || len(o.Report.Findings) != 1 {
		t.Fatalf("second sweep of r00: %+v", o)
	}
	rep, err := StoredReport(ctx, f.store, r00)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]detectors.Finding{}
	for _, fd := range rep.Findings {
		keys[fd.Key()] = fd
	}
	if len(keys) != 2 {
		t.Fatalf("report after the incremental sweep has %d findings, want the old and the new one", len(keys))
	}
	if got, ok := keys[old.Key()]; !ok || got.Location.StartLine != old.Location.StartLine || got.Location.EndColumn != old.Location.EndColumn ||
		got.Location.Commit == nil || got.Location.Commit.Hash != old.Location.Commit.Hash || got.Secret.Fingerprint != old.Secret.Fingerprint {
		t.Fatalf("old finding %+v, want %+v", got, old)
	}

	// The shared secret's file is deleted: the finding leaves the head
	// but stays in the report, marked not in head.
	f.repos["r00"].commit(nil, []string{"config/app.env"})
	f.run(f.options())
	rep, _ = StoredReport(ctx, f.store, r00)
	found := false
	for _, fd := range rep.Findings {
		if fd.Key() == old.Key() {
			found = true
			if fd.History == nil || fd.History.InHead {
				t.Fatalf("deleted file's finding still in head: %+v", fd.History)
			}
		}
	}
	if !found {
		t.Fatal("a finding that left the head is missing from the report")
	}
	if _, err := StoredReport(ctx, f.store, "https://nowhere.example/x.git"); err == nil {
		t.Fatal("report of an unknown repository")
	}
}

// TestSweepRunContinuesAcrossProcesses: a shard of a named run that dies
// and is run again continues its sweep: repositories it recorded are not
// swept again; another run name starts a new sweep.
func TestSweepRunContinues(t *testing.T) {
	f := newFixture(t, 6)
	f.targets = f.targets[:6]
	ctx, cancel := context.WithCancel(context.Background())
	opts := f.options()
	opts.Workers, opts.Run, opts.Shard = 1, "run-41", Shard{I: 1, N: 1}
	var first []string
	opts.OnRepo = func(o RepoOutcome) {
		first = append(first, o.Target.Name)
		if len(first) == 2 {
			cancel()
		}
	}
	sum, err := Run(ctx, f.targets, opts)
	if err == nil || len(first) != 2 {
		t.Fatalf("interrupted run: %v, swept %v", err, first)
	}
	for _, tc := range []struct {
		run            string
		sameSweep      bool
		resumed        int
		done, uptodate int
	}{
		{"run-41", true, 2, 4, 0},  // the rest of the run
		{"run-41", true, 6, 0, 0},  // a finished run again: nothing to do
		{"run-42", false, 0, 0, 6}, // a new run: every repository, up to date
	} {
		opts := f.options()
		opts.Run = tc.run
		sum2, outs := f.run(opts)
		if (sum2.SweepID == sum.SweepID) != tc.sameSweep || sum2.Resumed != tc.resumed || sum2.Done != tc.done || sum2.UpToDate != tc.uptodate {
			t.Fatalf("%s: %+v (first sweep #%d)", tc.run, sum2, sum.SweepID)
		}
		for _, n := range first {
			if _, again := outs[n]; again && tc.sameSweep {
				t.Fatalf("%s swept again in run %s", n, tc.run)
			}
		}
	}
}

func TestSweepRefusesAnotherKey(t *testing.T) {
	f := newFixture(t, 1)
	f.targets = f.targets[:1]
	f.run(f.options())
	opts := f.options()
	opts.FingerprintKey = []byte("another key")
	_, err := Run(context.Background(), f.targets, opts)
	var km *datastore.KeyMismatchError
	if !errors.As(err, &km) {
		t.Fatalf("sweep with another key: %v", err)
	}
}

// TestCacheRecoversFromTornRef: a sweep killed while a ref was rewritten
// leaves an empty ref file in the cache clone; the next sync starts the
// clone over instead of failing the repository.
func TestCacheRecoversFromTornRef(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	newTestRepo(t, src, map[string]string{"a.txt": "hello\n"})
	c := &Cache{Dir: t.TempDir()}
	target := Target{URL: src, Local: true, Name: "src"}
	dir, err := c.Sync(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	var torn int
	filepath.WalkDir(filepath.Join(dir, "refs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			torn++
			return os.WriteFile(p, nil, 0o600)
		}
		return nil
	})
	if torn == 0 {
		t.Fatal("the cache clone has no loose refs to tear")
	}
	if _, err := c.Sync(context.Background(), target); err != nil {
		t.Fatalf("sync after a torn ref: %v", err)
	}
	if _, _, err := Tips(dir); err != nil {
		t.Fatalf("tips after recovery: %v", err)
	}
}

// sweepTestRepo sweeps one repository of files over loopback HTTP with the
// test detector and returns its outcome.
func sweepTestRepo(t *testing.T, files map[string]string, repoIgnores bool) RepoOutcome {
	t.Helper()
	root := t.TempDir()
	srv := newGitServer(t, root, testToken)
	newTestRepo(t, filepath.Join(root, "r"), files)
	target, err := NewTarget(srv.URL+"/r/.git", "")
	if err != nil {
		t.Fatal(err)
	}
	store, err := datastore.Open(context.Background(), filepath.Join(t.TempDir(), "sprawl.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	key, _ := store.FingerprintKey(context.Background())
	var got RepoOutcome
	opts := Options{Store: store, Cache: &Cache{Dir: t.TempDir()}, Source: fakeSource,
		Detectors: []detectors.Detector{secretDetector{}}, FingerprintKey: key, RepoIgnores: repoIgnores,
		OnRepo: func(o RepoOutcome) { got = o }}
	if _, err := Run(context.Background(), []Target{target}, opts); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestSweepAppliesRepoIgnoreFiles: a repository's committed .sprawlignore
// and .gitleaksignore, and the paths its .gitleaks.toml and .sprawl.toml
// allowlist, apply to its sweep when RepoIgnores is on, and not otherwise
// (an audit past them).
func TestSweepAppliesRepoIgnoreFiles(t *testing.T) {
	for _, tc := range []struct{ file, content string }{
		{".sprawlignore", "app.env  # a revoked test secret\n"},
		{".gitleaksignore", "app.env:test-secret:1\n"},
		{".gitleaks.toml", "[allowlist]\npaths = ['''^app\\.env$''']\n"},
		{".sprawl.toml", "[[allowlists]]\npaths = ['''app\\.env''']\n"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			for _, apply := range []bool{true, false} {
				got := sweepTestRepo(t, map[string]string{"app.env": "SECRET=ignored-secret-0001\n", tc.file: tc.content}, apply)
				if got.Report == nil {
					t.Fatalf("RepoIgnores %v: no report (%s)", apply, got.Error)
				}
				secrets := 0
				for _, f := range got.Report.Findings {
					if f.RuleID == "secret/test-secret" {
						secrets++
					}
				}
				if apply && secrets != 0 || !apply && secrets == 0 {
					t.Errorf("RepoIgnores %v: %d secret findings", apply, secrets)
				}
			}
		})
	}
}

// TestSweepBrokenRepoIgnoreFileWarns: an ignore file that cannot be parsed
// is the repository's problem: the repository is still scanned, the file
// is not applied and a warning names it.
func TestSweepBrokenRepoIgnoreFileWarns(t *testing.T) {
	got := sweepTestRepo(t, map[string]string{"app.env": "SECRET=kept-secret-0001\n", ".sprawlignore": "app.env[  # an unclosed class\n"}, true)
	if got.Report == nil || len(got.Report.Findings) == 0 {
		t.Fatalf("the repository was not scanned or its secret was dropped: %+v", got)
	}
	if len(got.Warnings) == 0 || !strings.Contains(got.Warnings[0], ".sprawlignore") {
		t.Errorf("warnings %q, want one naming .sprawlignore", got.Warnings)
	}
}
