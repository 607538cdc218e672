package datastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// step is one repository's result in one round of a scenario.
type step struct {
	round string // run name; rounds run in the order they first appear
	repo  string
	res   RepoResult
}

var clockBase = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// roundClock makes every write of round i happen at base + i hours, in
// every store, so timestamps compare across stores.
func setRound(s Store, rounds []string, round string) {
	for i, r := range rounds {
		if r == round {
			at := clockBase.Add(time.Duration(i) * time.Hour)
			s.(interface{ sqlBase() *sqlStore }).sqlBase().now = func() time.Time { return at }
		}
	}
}

func roundsOf(steps []step) []string {
	var rounds []string
	for _, st := range steps {
		if len(rounds) == 0 || rounds[len(rounds)-1] != st.round {
			rounds = append(rounds, st.round)
		}
	}
	return rounds
}

// record applies steps to s; shardOf names a repository's shard ("" for
// an unsharded store); rounds fix the clock (round i at base + i hours).
func record(t *testing.T, s Store, steps []step, shardOf func(repo string) string, rounds []string) {
	t.Helper()
	ctx := context.Background()
	sweeps := map[string]int64{}
	for _, st := range steps {
		setRound(s, rounds, st.round)
		shard := shardOf(st.repo)
		id, ok := sweeps[st.round+"|"+shard]
		if !ok {
			sw, _, err := s.OpenRun(ctx, st.round, shard)
			if err != nil {
				t.Fatal(err)
			}
			id = sw.ID
			sweeps[st.round+"|"+shard] = id
		}
		r := st.res
		r.SweepID, r.URL, r.Name = id, "https://git.example/"+st.repo+".git", "acme/"+st.repo
		if r.Outcome == "" {
			r.Outcome = RepoDone
		}
		if err := s.RecordRepo(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range sweeps {
		if err := s.FinishSweep(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

// normal renders an inventory with sweep ids replaced by run names and
// sweep-count specific fields left out, so a sharded and an unsharded
// history of the same rounds render the same.
func normal(t *testing.T, s Store) string {
	t.Helper()
	inv, err := s.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	run := map[int64]string{0: "-"}
	for _, sw := range inv.Sweeps {
		run[sw.ID] = sw.Run
	}
	var b strings.Builder
	tr := inv.Trends
	fmt.Fprintf(&b, "trends: last=%s open=%d history=%d fixed=%d new=%d fixedInLast=%d\n",
		run[tr.LastSweep], tr.Open, tr.History, tr.Fixed, tr.New, tr.FixedInLast)
	for _, r := range inv.Repos {
		fmt.Fprintf(&b, "repo %s %s head=%s last=%s %s %q open=%d history=%d fixed=%d\n",
			r.URL, r.Name, r.Head, run[r.LastSweep], r.LastOutcome, r.LastError, r.Open, r.History, r.Fixed)
	}
	for _, f := range inv.Findings {
		fmt.Fprintf(&b, "finding %s %s %s %s %s:%d %s %s first=%s/%s last=%s/%s fixed=%s/%v\n", f.Repo, f.Key, f.Rule, f.Fingerprint,
			f.Path, f.Line, f.Commit, f.Status, run[f.FirstSweep], f.FirstSeen, run[f.LastSweep], f.LastSeen, run[f.FixedSweep], f.Fixed)
	}
	for _, i := range inv.Identities {
		raw, _ := json.Marshal(i)
		fmt.Fprintf(&b, "identity %s\n", raw)
	}
	for _, d := range inv.Duplicates {
		raw, _ := json.Marshal(d)
		fmt.Fprintf(&b, "duplicate %s\n", raw)
	}
	// Fixed findings are not in inv.Findings: list them from the store.
	for _, r := range inv.Repos {
		all, err := s.(interface{ sqlBase() *sqlStore }).sqlBase().queryFindings(context.Background(), s.(interface{ sqlBase() *sqlStore }).sqlBase().db, true, `WHERE r.url = ?`, r.URL)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range all {
			fmt.Fprintf(&b, "stored %s %s %s fixed=%s/%v detail=%s\n", f.Repo, f.Key, f.Status, run[f.FixedSweep], f.Fixed, f.Detail)
		}
		st, _, _ := s.RepoState(context.Background(), r.URL)
		fmt.Fprintf(&b, "state %s %s %v\n", r.URL, st.Head, st.Tips)
	}
	return b.String()
}

func fnd(key, path, fp string, inHead bool) Finding {
	f := secret(key, path, fp, 1, inHead)
	f.Detail = []byte(`{"ruleId":"secret/generic","location":{"path":"` + path + `"}}`)
	return f
}

// mergeScenario: three repositories over three rounds; a (shard 1/2) and
// b, c (shard 2/2) share a secret; round 2 is incremental, a finding
// leaves a's head and b fails; round 3 is a full sweep of c that no longer
// finds one of its secrets.
var mergeScenario = []step{
	{"r1", "a", RepoResult{Head: "a1", Tips: map[string]string{"refs/heads/main": "a1"}, Full: true,
		Findings:   []Finding{fnd("ka1", "a.env", "shared", true), fnd("ka2", "b.env", "fa2", true)},
		Identities: []Identity{{Key: "generic:shared", Kind: "generic", Recommendation: "rotation", Reasons: []string{"static"}, Copies: 1}}}},
	{"r1", "b", RepoResult{Head: "b1", Tips: map[string]string{"refs/heads/main": "b1"}, Full: true,
		Findings:   []Finding{fnd("kb1", "x.env", "shared", true)},
		Identities: []Identity{{Key: "generic:shared", Kind: "generic", Recommendation: "rotation", Copies: 1}}}},
	{"r1", "c", RepoResult{Head: "c1", Tips: map[string]string{"refs/heads/main": "c1"}, Full: true,
		Findings:   []Finding{fnd("kc1", "c.env", "fc1", true), fnd("kc2", "d.env", "fc2", true)},
		Identities: []Identity{{Key: "generic:fc1", Kind: "generic", Copies: 1}, {Key: "generic:fc2", Kind: "generic"}}}},
	{"r2", "a", RepoResult{Head: "a2", Tips: map[string]string{"refs/heads/main": "a2"},
		Findings: []Finding{fnd("ka3", "new.env", "fa3", true)}, LeftHead: []string{"ka2"}}},
	{"r2", "b", RepoResult{Outcome: RepoFailed, Error: "fetch: connection refused"}},
	{"r2", "c", RepoResult{Outcome: RepoUpToDate, Head: "c1", Tips: map[string]string{"refs/heads/main": "c1"}}},
	{"r3", "c", RepoResult{Head: "c3", Tips: map[string]string{"refs/heads/main": "c3"}, Full: true,
		Findings:   []Finding{fnd("kc1", "c.env", "fc1", true)},
		Identities: []Identity{{Key: "generic:fc1", Kind: "generic", Copies: 2}}}},
}

func twoShards(repo string) string {
	if repo == "a" {
		return "1/2"
	}
	return "2/2"
}

// shardFiles records steps into one SQLite file per shard.
func shardFiles(t *testing.T, steps []step, shardOf func(string) string, key []byte, rounds []string) []string {
	t.Helper()
	dir := t.TempDir()
	byShard := map[string][]step{}
	var order []string
	for _, st := range steps {
		sh := shardOf(st.repo)
		if _, ok := byShard[sh]; !ok {
			order = append(order, sh)
		}
		byShard[sh] = append(byShard[sh], st)
	}
	var files []string
	for i, sh := range order {
		path := filepath.Join(dir, fmt.Sprintf("shard-%d.db", i+1))
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.BindFingerprintKey(context.Background(), key); err != nil {
			t.Fatal(err)
		}
		record(t, s, byShard[sh], shardOf, rounds)
		s.Close()
		files = append(files, path)
	}
	return files
}

func TestMergeEqualsUnsharded(t *testing.T) {
	key := []byte("merge-test-key")
	ref := openers["sqlite"](t)
	rounds := roundsOf(mergeScenario)
	record(t, ref, mergeScenario, func(string) string { return "" }, rounds)
	want := normal(t, ref)
	if !strings.Contains(want, "fixed=r3") || !strings.Contains(want, "failed") || !strings.Contains(want, "duplicate") {
		t.Fatalf("scenario does not exercise fixed, failed and duplicates:\n%s", want)
	}

	files := shardFiles(t, mergeScenario, twoShards, key, rounds)
	reversed := []string{files[1], files[0]}
	for _, tc := range []struct {
		name  string
		files [][]string // merges run one after another into one target
	}{
		{"in order", [][]string{files}},
		{"reversed", [][]string{reversed}},
		{"one at a time", [][]string{{files[1]}, {files[0]}}},
		{"twice", [][]string{files, files}},
	} {
		forEachBackend(t, func(t *testing.T, dst Store) {
			t.Run(tc.name, func(t *testing.T) {
				for _, fs := range tc.files {
					sum, err := Merge(context.Background(), dst, fs)
					if err != nil {
						t.Fatal(err)
					}
					if sum.KeyID != KeyID(key) {
						t.Fatalf("key id %s", sum.KeyID)
					}
				}
				got := normal(t, dst)
				// "one at a time" merges shard 2 first: sweep ids are
				// numbered per merge, but run names and timestamps agree.
				if got != want {
					t.Fatalf("merged inventory differs from the unsharded one\n--- unsharded\n%s\n--- merged\n%s", want, got)
				}
				inv, _ := dst.Inventory(context.Background())
				if len(inv.Sweeps) != 5 { // r1, r2 in both shards, r3 in one
					t.Fatalf("%d sweeps after merging, want 5: %+v", len(inv.Sweeps), inv.Sweeps)
				}
			})
		})
	}
}

// TestMergeFreshShardFiles: shards that start from an empty file every
// round (a CI runner without a cache) still end up with the right
// statuses: what the newer file's full sweep no longer sees is fixed, in
// whichever order the files are merged.
func TestMergeFreshShardFiles(t *testing.T) {
	key := []byte("k")
	day1 := []step{{"d1", "a", RepoResult{Head: "h1", Full: true,
		Findings:   []Finding{fnd("x", "x.env", "fx", true), fnd("y", "y.env", "fy", true)},
		Identities: []Identity{{Key: "generic:fx"}, {Key: "generic:fy"}}}}}
	day2 := []step{{"d2", "a", RepoResult{Head: "h2", Full: true, Findings: []Finding{fnd("x", "x.env", "fx", true)},
		Identities: []Identity{{Key: "generic:fx"}}}}}
	one := func(string) string { return "" }
	rounds := []string{"d1", "d2"}
	f1 := shardFiles(t, day1, one, key, rounds)[0]
	f2 := shardFiles(t, day2, one, key, rounds)[0]
	for _, order := range [][]string{{f1, f2}, {f2, f1}} {
		dst := openers["sqlite"](t)
		if _, err := Merge(context.Background(), dst, order); err != nil {
			t.Fatal(err)
		}
		fs, err := dst.(interface{ sqlBase() *sqlStore }).sqlBase().queryFindings(context.Background(), dst.(interface{ sqlBase() *sqlStore }).sqlBase().db, false, `WHERE r.url = ?`, "https://git.example/a.git")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range fs {
			got[f.Key] = f.Status
			if f.Key == "y" && (f.Fixed == nil || !f.Fixed.Equal(clockBase.Add(time.Hour))) {
				t.Errorf("y fixed at %v, want day 2's sweep", f.Fixed)
			}
		}
		if got["x"] != StatusOpen || got["y"] != StatusFixed {
			t.Errorf("merge %v: statuses %v, want x open, y fixed", order, got)
		}
		inv, _ := dst.Inventory(context.Background())
		var ids []string
		for _, i := range inv.Identities {
			ids = append(ids, i.Key)
		}
		if strings.Join(ids, ",") != "generic:fx" {
			t.Errorf("merge %v: identities %v, want only generic:fx", order, ids)
		}
	}
}

func TestMergeRefusals(t *testing.T) {
	ctx := context.Background()
	steps := []step{{"r1", "a", RepoResult{Head: "h", Full: true, Findings: []Finding{fnd("x", "x.env", "fx", true)}}}}
	one := func(string) string { return "" }
	a := shardFiles(t, steps, one, []byte("key-one"), []string{"r1"})[0]
	b := shardFiles(t, steps, one, []byte("key-one"), []string{"r1"})[0]
	c := shardFiles(t, steps, one, []byte("key-two"), []string{"r1"})[0]
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("not a database\n"), 0o644)
	otherDB := filepath.Join(dir, "other.db")
	if s, err := Open(ctx, otherDB); err != nil {
		t.Fatal(err)
	} else {
		s.Close() // a sprawl datastore no sweep ran into: no key id
	}
	foreign := filepath.Join(dir, "foreign.db") // SQLite without sprawl tables
	if db, err := sql.Open("sqlite", foreign); err != nil {
		t.Fatal(err)
	} else if _, err := db.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	} else {
		db.Close()
	}

	for _, tc := range []struct {
		name  string
		files []string
		want  []string // all in the error
	}{
		{"different keys", []string{a, b, c}, []string{"different fingerprint keys", KeyID([]byte("key-one")), KeyID([]byte("key-two")), c, "SPRAWL_FINGERPRINT_KEY"}},
		{"missing file", []string{a, filepath.Join(dir, "nope.db")}, []string{"nope.db", "--db file"}},
		{"not a database", []string{notDB}, []string{"notes.txt", "not a sprawl datastore"}},
		{"foreign SQLite", []string{foreign}, []string{"foreign.db", "not a sprawl datastore"}},
		{"no key id", []string{otherDB}, []string{"other.db", "no fingerprint key id"}},
		{"given twice", []string{a, a}, []string{"given twice"}},
		{"nothing", nil, []string{"no shard files"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := openers["sqlite"](t)
			_, err := Merge(ctx, dst, tc.files)
			if err == nil {
				t.Fatal("merge accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			inv, _ := dst.Inventory(ctx)
			if len(inv.Repos) != 0 || len(inv.Sweeps) != 0 {
				t.Errorf("a refused merge wrote %d repositories, %d sweeps", len(inv.Repos), len(inv.Sweeps))
			}
		})
	}
	// The foreign file was not turned into a datastore.
	if db, err := sql.Open("sqlite", foreign); err == nil {
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&n)
		db.Close()
		if n != 0 {
			t.Error("merge migrated a foreign SQLite file")
		}
	}

	// A target made with another key refuses files of this key.
	dst := openers["sqlite"](t)
	if err := dst.BindFingerprintKey(ctx, []byte("key-two")); err != nil {
		t.Fatal(err)
	}
	var kc *KeyConflictError
	if _, err := Merge(ctx, dst, []string{a}); !errors.As(err, &kc) || !strings.Contains(err.Error(), "the target datastore") {
		t.Fatalf("merge into a target with another key: %v", err)
	}
}

func TestMergeReportsUnfinished(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.BindFingerprintKey(ctx, []byte("k"))
	sw, _, _ := s.OpenRun(ctx, "r1", "3/4")
	s.RecordRepo(ctx, RepoResult{SweepID: sw.ID, URL: "u", Name: "n", Outcome: RepoDone, Full: true})
	s.Close() // the shard died: its sweep never finished
	dst := openers["sqlite"](t)
	sum, err := Merge(ctx, dst, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 1 || len(sum.Files[0].Unfinished) != 1 || sum.Files[0].Unfinished[0].Shard != "3/4" ||
		sum.Files[0].NewSweeps != 1 || sum.Files[0].Repos != 1 || strings.Join(sum.Repos, ",") != "u" {
		t.Fatalf("summary %+v", sum)
	}
	// The shard is re-run and finishes: merging again marks the sweep
	// finished without adding another.
	s, _ = Open(ctx, path)
	sw2, existing, _ := s.OpenRun(ctx, "r1", "3/4")
	if !existing || sw2.ID != sw.ID {
		t.Fatalf("re-run shard got sweep %+v (existing %v), want #%d", sw2, existing, sw.ID)
	}
	s.FinishSweep(ctx, sw.ID)
	s.Close()
	sum, err = Merge(ctx, dst, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	inv, _ := dst.Inventory(ctx)
	if len(sum.Files[0].Unfinished) != 0 || sum.Files[0].NewSweeps != 0 || len(inv.Sweeps) != 1 || inv.Sweeps[0].Status != SweepFinished {
		t.Fatalf("after the re-run: %+v, sweeps %+v", sum.Files[0], inv.Sweeps)
	}
}

func TestKeyBinding(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		if id, _ := s.FingerprintKeyID(ctx); id != "" {
			t.Fatalf("fresh store has key id %q", id)
		}
		if err := s.BindFingerprintKey(ctx, []byte("one")); err != nil {
			t.Fatal(err)
		}
		if err := s.BindFingerprintKey(ctx, []byte("one")); err != nil {
			t.Fatal(err)
		}
		err := s.BindFingerprintKey(ctx, []byte("two"))
		var km *KeyMismatchError
		if !errors.As(err, &km) || km.Stored != KeyID([]byte("one")) || km.Given != KeyID([]byte("two")) {
			t.Fatalf("other key: %v", err)
		}
		if strings.Contains(err.Error(), "one") && !strings.Contains(KeyID([]byte("one")), "one") {
			t.Fatalf("error shows the key: %v", err)
		}
	})
	ids := map[string]bool{}
	for _, k := range []string{"a", "b", "sprawl", ""} {
		id := KeyID([]byte(k))
		if len(id) != 16 || ids[id] {
			t.Fatalf("KeyID(%q) = %q", k, id)
		}
		ids[id] = true
	}
}

// TestRunsGroupShards: OpenRun gives each (run, shard) one sweep, and
// trends count every shard of the newest run.
func TestRunsGroupShards(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		var ids []int64
		for i := 1; i <= 3; i++ {
			sw, existing, err := s.OpenRun(ctx, "nightly-7", fmt.Sprintf("%d/3", i))
			if err != nil || existing {
				t.Fatalf("%+v %v %v", sw, existing, err)
			}
			ids = append(ids, sw.ID)
			if err := s.RecordRepo(ctx, RepoResult{SweepID: sw.ID, URL: fmt.Sprint("u", i), Name: "n", Outcome: RepoDone, Full: true,
				Findings: []Finding{secret(fmt.Sprint("k", i), "p", fmt.Sprint("fp", i), 1, true)}}); err != nil {
				t.Fatal(err)
			}
		}
		again, existing, err := s.OpenRun(ctx, "nightly-7", "2/3")
		if err != nil || !existing || again.ID != ids[1] || again.Run != "nightly-7" || again.UID == "" {
			t.Fatalf("re-opened shard: %+v %v %v", again, existing, err)
		}
		if _, err := s.ResumeSweep(ctx, "2/3"); !errors.Is(err, ErrNoSweep) {
			t.Fatalf("--resume picked a named run's sweep: %v", err)
		}
		inv, _ := s.Inventory(ctx)
		if tr := inv.Trends; tr.New != 3 || tr.LastRun != "nightly-7" || tr.LastRunSweeps != 3 {
			t.Fatalf("trends %+v", tr)
		}
		var buf strings.Builder
		inv.WriteText(&buf)
		if !strings.Contains(buf.String(), `newest run "nightly-7" (3 sweeps, newest #`) {
			t.Fatalf("text:\n%s", buf.String())
		}
		uids := map[string]bool{}
		for _, sw := range inv.Sweeps {
			uids[sw.UID] = true
		}
		if len(uids) != 3 {
			t.Fatalf("sweep uids %v", uids)
		}
	})
}
