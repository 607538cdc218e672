package datastore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openers lists the backends the suite runs against.
var openers = map[string]func(t *testing.T) Store{
	"sqlite": func(t *testing.T) Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "sprawl.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	},
}

func forEachBackend(t *testing.T, fn func(t *testing.T, s Store)) {
	for name, open := range openers {
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
}

func secret(key, path, fp string, line int, inHead bool) Finding {
	return Finding{Key: key, Rule: "secret/generic", Fingerprint: fp, Preview: "abcd…", Kind: "generic", Path: path, Line: line, InHead: inHead}
}

func TestFingerprintKeyStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	k1, err := s.FingerprintKey(ctx)
	if err != nil || len(k1) != 32 {
		t.Fatalf("key %x, %v", k1, err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k2, _ := s.FingerprintKey(ctx)
	if !bytes.Equal(k1, k2) {
		t.Fatal("key changed on reopen")
	}
	if v, _ := s.SchemaVersion(ctx); v != len(migrations) {
		t.Fatalf("schema version %d, want %d", v, len(migrations))
	}
}

func TestLifecycleAcrossSweeps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		sw1, err := s.BeginSweep(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRepo(ctx, RepoResult{SweepID: sw1.ID, URL: "https://h/a.git", Name: "o/a", Outcome: RepoDone,
			Head: "c1", Tips: map[string]string{"refs/heads/main": "c1"}, Full: true,
			Findings:   []Finding{secret("k1", "a.env", "fp1", 3, true), secret("k2", "b.env", "fp2", 1, true)},
			Identities: []Identity{{Key: "generic:fp1", Kind: "generic", Recommendation: "rotation", Reasons: []string{"r1"}}},
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRepo(ctx, RepoResult{SweepID: sw1.ID, URL: "https://h/b.git", Name: "o/b", Outcome: RepoDone,
			Head: "d1", Full: true, Findings: []Finding{secret("k3", "x.env", "fp1", 7, true)},
			Identities: []Identity{{Key: "generic:fp1", Kind: "generic", Recommendation: "rotation"}},
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRepo(ctx, RepoResult{SweepID: sw1.ID, URL: "https://h/c.git", Name: "o/c", Outcome: RepoFailed,
			Error: "authentication required"}); err != nil {
			t.Fatal(err)
		}
		done, _ := s.Finished(ctx, sw1.ID)
		if !done["https://h/a.git"] || !done["https://h/b.git"] || done["https://h/c.git"] {
			t.Fatalf("finished = %v", done)
		}
		if resumed, err := s.ResumeSweep(ctx, ""); err != nil || resumed.ID != sw1.ID {
			t.Fatalf("resume = %v, %v", resumed, err)
		}
		if _, err := s.ResumeSweep(ctx, "1/4"); !errors.Is(err, ErrNoSweep) {
			t.Fatalf("resume other shard: %v", err)
		}
		if err := s.FinishSweep(ctx, sw1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResumeSweep(ctx, ""); !errors.Is(err, ErrNoSweep) {
			t.Fatalf("resume after finish: %v", err)
		}
		st, ok, err := s.RepoState(ctx, "https://h/a.git")
		if err != nil || !ok || st.Head != "c1" || st.Tips["refs/heads/main"] != "c1" {
			t.Fatalf("state %+v %v %v", st, ok, err)
		}

		inv, err := s.Inventory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Trends.Open != 3 || inv.Trends.New != 3 {
			t.Fatalf("trends %+v", inv.Trends)
		}
		if len(inv.Duplicates) != 1 || inv.Duplicates[0].Fingerprint != "fp1" || len(inv.Duplicates[0].Repos) != 2 {
			t.Fatalf("duplicates %+v", inv.Duplicates)
		}
		if len(inv.Identities) != 1 || len(inv.Identities[0].Repos) != 2 || !inv.Identities[0].Misfit {
			t.Fatalf("identities %+v", inv.Identities)
		}

		// Sweep 2: incremental on a: k2's file changed (left head), k1 seen
		// again; full on b: k3 gone.
		sw2, _ := s.BeginSweep(ctx, "")
		if err := s.RecordRepo(ctx, RepoResult{SweepID: sw2.ID, URL: "https://h/a.git", Name: "o/a", Outcome: RepoDone,
			Head: "c2", Tips: map[string]string{"refs/heads/main": "c2"},
			Findings: []Finding{secret("k4", "new.env", "fp4", 1, true)}, LeftHead: []string{"k2"},
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRepo(ctx, RepoResult{SweepID: sw2.ID, URL: "https://h/b.git", Name: "o/b", Outcome: RepoDone,
			Head: "d2", Full: true}); err != nil {
			t.Fatal(err)
		}
		open, _ := s.OpenFindings(ctx, "https://h/a.git")
		if keys(open) != "k1,k4" {
			t.Fatalf("open in a: %s", keys(open))
		}
		inv, _ = s.Inventory(ctx)
		if inv.Trends.Open != 2 || inv.Trends.History != 1 || inv.Trends.Fixed != 1 || inv.Trends.New != 1 || inv.Trends.FixedInLast != 2 {
			t.Fatalf("trends after sweep 2: %+v", inv.Trends)
		}
		if len(inv.Duplicates) != 0 {
			t.Fatalf("duplicates after fix: %+v", inv.Duplicates)
		}
		var buf bytes.Buffer
		if err := inv.WriteText(&buf); err != nil || !strings.Contains(buf.String(), "o/a") {
			t.Fatalf("text: %v\n%s", err, buf.String())
		}
		buf.Reset()
		if err := inv.WriteJSON(&buf); err != nil || !strings.Contains(buf.String(), `"duplicates": []`) {
			t.Fatalf("json: %v\n%s", err, buf.String())
		}
	})
}

func TestConcurrentRecords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		sw, _ := s.BeginSweep(ctx, "")
		errs := make(chan error, 16)
		for i := range 16 {
			go func() {
				url := "https://h/r" + string(rune('a'+i))
				errs <- s.RecordRepo(ctx, RepoResult{SweepID: sw.ID, URL: url, Name: url, Outcome: RepoDone, Full: true,
					Started: time.Now(), Findings: []Finding{secret("k", "p", "shared", 1, true)}})
			}()
		}
		for range 16 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		inv, _ := s.Inventory(ctx)
		if len(inv.Duplicates) != 1 || len(inv.Duplicates[0].Repos) != 16 {
			t.Fatalf("duplicates %+v", inv.Duplicates)
		}
	})
}

func keys(fs []Finding) string {
	var k []string
	for _, f := range fs {
		k = append(k, f.Key)
	}
	return strings.Join(k, ",")
}

// TestConcurrentSameRepo: shards recording the same repository and findings
// at once leave one row per finding and lose no update.
func TestConcurrentSameRepo(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		sw, _ := s.BeginSweep(ctx, "")
		const n = 12
		errs := make(chan error, n)
		for i := range n {
			go func() {
				// Every writer sees the shared findings and one of its own.
				own := secret("own"+string(rune('a'+i)), "own.env", "fp-own-"+string(rune('a'+i)), i+1, true)
				errs <- s.RecordRepo(ctx, RepoResult{SweepID: sw.ID, URL: "https://h/same.git", Name: "o/same", Outcome: RepoDone,
					Attempts: 1, Started: time.Now(),
					Findings:   []Finding{secret("k1", "a.env", "fp1", 1, true), secret("k2", "b.env", "fp2", 2, false), own},
					Identities: []Identity{{Key: "generic:fp1", Kind: "generic", Copies: 1}}})
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		inv, err := s.Inventory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Findings) != 2+n || inv.Trends.Open != 1+n || inv.Trends.History != 1 {
			t.Fatalf("findings %d, trends %+v", len(inv.Findings), inv.Trends)
		}
		if len(inv.Repos) != 1 || len(inv.Identities) != 1 {
			t.Fatalf("repos %d identities %d", len(inv.Repos), len(inv.Identities))
		}
		outs, _ := s.SweepRepos(ctx, sw.ID)
		if len(outs) != 1 || outs[0].Attempts != n {
			t.Fatalf("sweep repos %+v: want one row with %d attempts", outs, n)
		}
	})
}

// TestOutOfOrderSweeps: a result of an older sweep recorded after a newer
// one moves first seen back but does not undo what the newer one saw.
func TestOutOfOrderSweeps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		sw1, _ := s.BeginSweep(ctx, "1/2")
		sw2, _ := s.BeginSweep(ctx, "1/2")
		url := "https://h/o.git"
		// Sweep 2 finishes first: k1 gone from the head, k2 open, head c2.
		if err := s.RecordRepo(ctx, RepoResult{SweepID: sw2.ID, URL: url, Name: "o/o", Outcome: RepoDone, Head: "c2", Full: true,
			Findings: []Finding{secret("k1", "a.env", "fp1", 1, false), secret("k2", "b.env", "fp2", 1, true)}}); err != nil {
			t.Fatal(err)
		}
		// Sweep 1 arrives late: k1 open, k3 open (already gone by sweep 2), head c1.
		if err := s.RecordRepo(ctx, RepoResult{SweepID: sw1.ID, URL: url, Name: "o/o", Outcome: RepoDone, Head: "c1", Full: true,
			Findings: []Finding{secret("k1", "a.env", "fp1", 1, true), secret("k3", "c.env", "fp3", 1, true)}}); err != nil {
			t.Fatal(err)
		}
		st, _, _ := s.RepoState(ctx, url)
		if st.Head != "c2" {
			t.Fatalf("head %q, want the newer sweep's c2", st.Head)
		}
		inv, _ := s.Inventory(ctx)
		by := map[string]Finding{}
		for _, f := range inv.Findings {
			by[f.Key] = f
		}
		if f := by["k1"]; f.Status != StatusHistory || f.FirstSweep != sw1.ID || f.LastSweep != sw2.ID {
			t.Fatalf("k1 %+v", f)
		}
		if f := by["k2"]; f.Status != StatusOpen || f.FirstSweep != sw2.ID {
			t.Fatalf("k2 %+v", f)
		}
		if len(inv.Repos) != 1 || inv.Repos[0].LastSweep != sw2.ID {
			t.Fatalf("repos %+v", inv.Repos)
		}
	})
}

// TestOpenOddPaths: SQLite reads '?', '#' and '%' in a file: URI as query,
// fragment and escape; Open must still open exactly the file named.
func TestOpenOddPaths(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a#1.db", "b?x=1.db", "c%41.db", "shard #2 of 4.db"} {
		path := filepath.Join(dir, name)
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := s.BeginSweep(context.Background(), name); err != nil {
			t.Fatal(err)
		}
		var seq int
		var schema, file string
		if err := s.db.QueryRowContext(context.Background(), `PRAGMA database_list`).Scan(&seq, &schema, &file); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if file != path {
			t.Errorf("Open(%q) opened %q", path, file)
		}
	}
}

// TestOutOfOrderTimes: a shard of an older sweep that records late (it was
// re-run after a newer sweep had started) must not make first seen later
// than last seen: times are those of the sweeps, not of the writes.
func TestOutOfOrderTimes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		base := s.(interface{ sqlBase() *sqlStore }).sqlBase()
		at := func(h int) { base.now = func() time.Time { return clockBase.Add(time.Duration(h) * time.Hour) } }
		at(0)
		sw1, _, _ := s.OpenRun(ctx, "monday", "1/2")
		at(24)
		sw2, _, _ := s.OpenRun(ctx, "tuesday", "1/2")
		at(25) // Tuesday's shard records first...
		rec := func(id int64) {
			if err := s.RecordRepo(ctx, RepoResult{SweepID: id, URL: "u", Name: "n", Outcome: RepoDone, Full: true,
				Findings: []Finding{secret("k", "a.env", "fp", 1, true)}, Identities: []Identity{{Key: "i"}}}); err != nil {
				t.Fatal(err)
			}
		}
		rec(sw2.ID)
		at(30) // ...then Monday's, re-run late.
		rec(sw1.ID)
		inv, _ := s.Inventory(ctx)
		f := inv.Findings[0]
		if !f.FirstSeen.Equal(clockBase) || !f.LastSeen.Equal(clockBase.Add(24*time.Hour)) {
			t.Errorf("finding first seen %v, last seen %v: want Monday's and Tuesday's sweep times", f.FirstSeen, f.LastSeen)
		}
		id := inv.Identities[0]
		if !id.FirstSeen.Equal(clockBase) || !id.LastSeen.Equal(clockBase.Add(24*time.Hour)) {
			t.Errorf("identity first seen %v, last seen %v: want Monday's and Tuesday's sweep times", id.FirstSeen, id.LastSeen)
		}
	})
}

// TestInventorySnapshot: an inventory read while shards write is one state
// of the store: per-repository counts add up to the trends and the list.
func TestInventorySnapshot(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		sw, _ := s.BeginSweep(ctx, "")
		done := make(chan error, 1)
		go func() {
			for i := range 120 {
				url := fmt.Sprintf("https://h/r%03d.git", i)
				if err := s.RecordRepo(ctx, RepoResult{SweepID: sw.ID, URL: url, Name: url, Outcome: RepoDone, Full: true,
					Findings: []Finding{secret("a", "a.env", fmt.Sprint("fa", i), 1, true), secret("b", "b.env", fmt.Sprint("fb", i), 1, false)}}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		for reads := 0; ; reads++ {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%d inventories read while writing", reads)
				return
			default:
			}
			inv, err := s.Inventory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			open, hist := 0, 0
			for _, r := range inv.Repos {
				open += r.Open
				hist += r.History
			}
			if open != inv.Trends.Open || hist != inv.Trends.History || len(inv.Findings) != open+hist || open != len(inv.Repos) {
				t.Fatalf("inventory mixes states: repos say %d open %d history over %d repositories, trends %+v, %d findings listed",
					open, hist, len(inv.Repos), inv.Trends, len(inv.Findings))
			}
		}
	})
}
