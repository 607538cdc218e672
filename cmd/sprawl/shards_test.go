package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/sprawl-dev/sprawl/scanners/sweep"
)

// shardOrg is a set of generated repositories served by git http-backend
// on loopback, the list of their clone URLs (one that does not exist), and
// every secret value planted in them.
type shardOrg struct {
	root    string
	srv     *httptest.Server
	list    string
	urls    []string // clone URLs without credentials, as the datastore keeps them
	secrets []string
	g       *fake.Gen
}

const shardRepos = 32

// newShardOrg builds shardRepos repositories, each with a secret of one of
// four kinds; svc-03, svc-13 and svc-23 share a Stripe key.
func newShardOrg(t *testing.T) *shardOrg {
	t.Helper()
	o := &shardOrg{root: t.TempDir(), g: fake.New(uint64(time.Now().UnixNano()))}
	stripe := o.g.StripeLive()
	o.secrets = append(o.secrets, stripe)
	for i := range shardRepos {
		files := map[string]string{"README.md": fmt.Sprintf("service %d\n", i)}
		switch i % 4 {
		case 0:
			id, sec := o.g.AWSKeyID(), o.g.AWSSecret()
			files["deploy/aws.env"] = "AWS_ACCESS_KEY_ID=" + id + "\nAWS_SECRET_ACCESS_KEY=" + sec + "\n"
			o.secrets = append(o.secrets, id, sec)
		case 1:
			pat := o.g.GitHubPAT()
			files["scripts/sync.sh"] = "#!/bin/sh\nexport GITHUB_TOKEN=" + pat + "\ngh repo list acme\n"
			o.secrets = append(o.secrets, pat)
		case 2:
			slack := o.g.SlackBot()
			files["config/alerts.yaml"] = "slack_token: " + slack + "\n"
			o.secrets = append(o.secrets, slack)
		case 3:
			pw := o.g.Password(20)
			files["app.env"] = "DATABASE_URL=postgres://orders:" + pw + "@db.internal:5432/orders\n"
			o.secrets = append(o.secrets, pw)
		}
		if i%10 == 3 {
			files["billing/stripe.env"] = "STRIPE_KEY=" + stripe + "\n"
		}
		sweepRepo(t, filepath.Join(o.root, fmt.Sprintf("svc-%02d", i)), "main", files)
	}
	o.srv = serveGit(t, o.root)
	host := strings.TrimPrefix(o.srv.URL, "http://")
	var list strings.Builder
	for i := range shardRepos + 1 {
		name := fmt.Sprintf("svc-%02d", i)
		if i == shardRepos {
			name = "missing" // not served: fails to clone
		}
		fmt.Fprintf(&list, "http://x-access-token:%s@%s/%s/.git\n", sweepTestToken, host, name)
		o.urls = append(o.urls, fmt.Sprintf("http://%s/%s/.git", host, name))
	}
	o.list = filepath.Join(t.TempDir(), "repos.txt")
	if err := os.WriteFile(o.list, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return o
}

// round2 commits what the second sweep must notice: a new secret in
// svc-05, svc-06's secret file deleted (the finding moves to history), and
// a new secret shared by svc-07 and svc-20.
func (o *shardOrg) round2(t *testing.T) {
	t.Helper()
	pat, shared := o.g.GitHubPAT(), o.g.GitHubPAT()
	o.secrets = append(o.secrets, pat, shared)
	changeRepo(t, filepath.Join(o.root, "svc-05"), map[string]string{"deploy/new.env": "GITHUB_TOKEN=" + pat + "\n"}, nil)
	changeRepo(t, filepath.Join(o.root, "svc-06"), nil, []string{"config/alerts.yaml"})
	for _, r := range []string{"svc-07", "svc-20"} {
		changeRepo(t, filepath.Join(o.root, r), map[string]string{"ops/release.env": "RELEASE_TOKEN=" + shared + "\n"}, nil)
	}
}

// changeRepo commits files and deletions on the checked-out branch.
func changeRepo(t *testing.T, dir string, files map[string]string, del []string) {
	t.Helper()
	r, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range del {
		if _, err := wt.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Now().Add(-time.Minute)}
	if _, err := wt.Commit("round 2", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		t.Fatal(err)
	}
}

// sprawlProc is this test binary running as the sprawl command.
type sprawlProc struct {
	name        string
	cmd         *exec.Cmd
	stdout      *os.File
	stderr      *os.File
	code        int
	out, errOut string
}

func startSprawl(t *testing.T, name string, env []string, args ...string) *sprawlProc {
	t.Helper()
	dir := t.TempDir()
	p := &sprawlProc{name: name}
	var err error
	if p.stdout, err = os.Create(filepath.Join(dir, "stdout")); err != nil {
		t.Fatal(err)
	}
	if p.stderr, err = os.Create(filepath.Join(dir, "stderr")); err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(os.Environ(), append([]string{"SPRAWL_TEST_MAIN=1", "SPRAWL_DB=", "GITHUB_TOKEN=", "GITLAB_TOKEN=",
		"SPRAWL_TEST_HANG_AFTER=", "SPRAWL_CPUPROFILE="}, env...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// wait waits for the process and reads its output.
func (p *sprawlProc) wait(t *testing.T) *sprawlProc {
	t.Helper()
	err := p.cmd.Wait()
	p.code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		p.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	out, _ := os.ReadFile(p.stdout.Name())
	errOut, _ := os.ReadFile(p.stderr.Name())
	p.out, p.errOut = string(out), string(errOut)
	p.stdout.Close()
	p.stderr.Close()
	return p
}

// killWhenHanging kills the process (SIGKILL) once it says it hangs.
func (p *sprawlProc) killWhenHanging(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		raw, _ := os.ReadFile(p.stderr.Name())
		if bytes.Contains(raw, []byte(hangMarker)) {
			break
		}
		if p.cmd.ProcessState != nil || time.Now().After(deadline) {
			p.wait(t)
			t.Fatalf("%s never reached the point to kill it (exit %d):\n%s", p.name, p.code, raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	raw, _ := os.ReadFile(p.stderr.Name())
	p.errOut = string(raw)
}

// shardPlan is where a test's shards write.
type shardPlan struct {
	n      int
	db     func(i int) string // shard i's --db (1-based)
	killed int                // shard killed in round one and run again
	// refAfter, when set, runs after round one's shards and before the
	// unsharded sweep starts (to give it the key the shards made).
	refAfter func()
}

// roundResult is the output of one round's processes.
type roundResult struct {
	ref    *sprawlProc
	shards []*sprawlProc
}

// runRound runs one unsharded sweep into refDB and plan.n shard processes,
// all at once; in round "r1" shard plan.killed stops after two
// repositories, is killed and run again, and must skip what it recorded.
func runRound(t *testing.T, o *shardOrg, work, run, refDB string, plan shardPlan, env []string) roundResult {
	t.Helper()
	common := []string{"sweep", "--repos", o.list, "--run", run, "--workers", "2", "--retries", "-1", "--timeout", "2m"}
	args := func(cache, db, sarifDir string, extra ...string) []string {
		return append(append(append([]string{}, common...), "--cache", cache, "--db", db, "--sarif-dir", sarifDir), extra...)
	}
	var res roundResult
	startRef := func() {
		res.ref = startSprawl(t, "unsharded "+run, env, args(filepath.Join(work, "cache-ref"), refDB, filepath.Join(work, "sarif-ref"))...)
	}
	if run != "r1" || plan.refAfter == nil {
		startRef()
	}
	shardArgs := func(i int) []string {
		return args(filepath.Join(work, fmt.Sprintf("cache-%d", i)), plan.db(i), filepath.Join(work, fmt.Sprintf("sarif-%d", i)),
			"--shard", fmt.Sprintf("%d/%d", i, plan.n))
	}
	for i := 1; i <= plan.n; i++ {
		e := env
		if run == "r1" && i == plan.killed {
			e = append(append([]string{}, env...), "SPRAWL_TEST_HANG_AFTER=2")
		}
		res.shards = append(res.shards, startSprawl(t, fmt.Sprintf("shard %d/%d %s", i, plan.n, run), e, shardArgs(i)...))
	}
	if run == "r1" && plan.killed > 0 {
		k := res.shards[plan.killed-1]
		k.killWhenHanging(t)
		again := startSprawl(t, k.name+" (again)", env, shardArgs(plan.killed)...).wait(t)
		m := regexp.MustCompile(`sweep #(\d+): (\d+) repositories: (\d+) scanned, (\d+) up to date, (\d+) already done \(resumed\), (\d+) failed`).
			FindStringSubmatch(again.out)
		if m == nil {
			t.Fatalf("%s: no summary:\n%s\n%s", again.name, again.out, again.errOut)
		}
		total, _ := strconv.Atoi(m[2])
		resumed, _ := strconv.Atoi(m[5])
		if resumed < 2 || resumed >= total {
			t.Fatalf("%s: %d of %d repositories skipped as done by the killed process, want 2 or a few more:\n%s\n%s", again.name, resumed, total, k.errOut, again.out)
		}
		res.shards[plan.killed-1] = again
	}
	if res.ref == nil {
		for _, p := range res.shards {
			if p.cmd.ProcessState == nil {
				p.wait(t)
			}
		}
		plan.refAfter()
		startRef()
	}
	for _, p := range append([]*sprawlProc{res.ref}, res.shards...) {
		if p.cmd.ProcessState == nil {
			p.wait(t)
		}
		if p.code != ExitFindings && p.code != exitPartial {
			t.Fatalf("%s: exit %d\n%s\n%s", p.name, p.code, p.out, p.errOut)
		}
	}
	return res
}

// wantPartial checks each shard's exit code: 3 for the shard holding the
// repository that cannot be cloned, 1 for the others.
func wantPartial(t *testing.T, o *shardOrg, res roundResult, n int) {
	t.Helper()
	missing := o.urls[len(o.urls)-1]
	for i, p := range res.shards {
		want := ExitFindings
		if (sweep.Shard{I: i + 1, N: n}).Has(missing) {
			want = exitPartial
		}
		if p.code != want {
			t.Errorf("%s: exit %d, want %d\n%s", p.name, p.code, want, p.out)
		}
	}
	if res.ref.code != exitPartial {
		t.Errorf("unsharded sweep: exit %d, want %d (one repository fails)", res.ref.code, exitPartial)
	}
}

// inventoryOf renders a datastore's inventory for comparison: sweep ids
// become run names and times become rounds (started[k] is when round k
// began), so an unsharded history and a sharded one of the same rounds
// render the same when they agree on identities, verdicts, duplicates,
// findings, fingerprints and first / last seen.
func inventoryOf(t *testing.T, dsn string, started []time.Time) string {
	t.Helper()
	store, err := datastore.OpenAny(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	inv, err := store.Inventory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	run := map[int64]string{0: "-"}
	for _, sw := range inv.Sweeps {
		run[sw.ID] = sw.Run
		if sw.Status != datastore.SweepFinished {
			t.Errorf("%s: sweep #%d (%s %s) did not finish", datastore.RedactDSN(dsn), sw.ID, sw.Run, sw.Shard)
		}
	}
	round := func(tm *time.Time) string {
		if tm == nil {
			return "-"
		}
		r := "before"
		for k, s := range started {
			if !tm.Before(s) {
				r = fmt.Sprintf("round%d", k+1)
			}
		}
		return r
	}
	var b strings.Builder
	tr := inv.Trends
	fmt.Fprintf(&b, "trends last=%s run=%s open=%d history=%d fixed=%d new=%d fixedInLast=%d\n",
		run[tr.LastSweep], tr.LastRun, tr.Open, tr.History, tr.Fixed, tr.New, tr.FixedInLast)
	for _, r := range inv.Repos {
		fmt.Fprintf(&b, "repo %s %s head=%s last=%s %s open=%d history=%d fixed=%d\n",
			r.URL, r.Name, r.Head, run[r.LastSweep], r.LastOutcome, r.Open, r.History, r.Fixed)
	}
	for _, f := range inv.Findings {
		fmt.Fprintf(&b, "finding %s %s %s fp=%s %s %s %s:%d commit=%s %s first=%s@%s last=%s@%s fixed=%s@%s\n",
			f.Repo, f.Key, f.Rule, f.Fingerprint, f.Preview, f.Kind, f.Path, f.Line, f.Commit, f.Status,
			run[f.FirstSweep], round(f.FirstSeen), run[f.LastSweep], round(f.LastSeen), run[f.FixedSweep], round(f.Fixed))
	}
	for _, i := range inv.Identities {
		first, last := round(i.FirstSeen), round(i.LastSeen)
		i.FirstSeen, i.LastSeen = nil, nil
		raw, _ := json.Marshal(i)
		fmt.Fprintf(&b, "identity %s first=%s last=%s\n", raw, first, last)
	}
	for _, d := range inv.Duplicates {
		raw, _ := json.Marshal(d)
		fmt.Fprintf(&b, "duplicate %s\n", raw)
	}
	return b.String()
}

// checkInventory asserts what the rounds must have produced, so that two
// equal inventories are also right ones.
func checkInventory(t *testing.T, inv string) {
	t.Helper()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^trends last=r2 run=r2 open=\d+ history=1 fixed=0 new=3 `),
		regexp.MustCompile(`(?m)^repo \S+/missing/\.git \S+ head= last=r2 failed `),
		regexp.MustCompile(`(?m)^finding \S+/svc-06/\.git \S+ secret/\S+ .* history first=r1@round1 last=r1@round1 fixed=r2@round2$`),
		regexp.MustCompile(`(?m)^finding \S+/svc-05/\.git \S+ secret/github-pat .*deploy/new\.env:1 .* open first=r2@round2 last=r2@round2 fixed=-@-$`),
		regexp.MustCompile(`(?m)^duplicate .*svc-03/\.git.*svc-13/\.git.*svc-23/\.git`),
		regexp.MustCompile(`(?m)^duplicate .*svc-07/\.git.*svc-20/\.git`),
		regexp.MustCompile(`(?m)^identity \{"key":"aws-access-key:[^"]+","kind":"aws-access-key".*"recommendation":"[a-z-]+"`),
	} {
		if !want.MatchString(inv) {
			t.Errorf("inventory lacks %s", want)
			if testing.Verbose() {
				t.Log(inv)
			}
		}
	}
	if n := strings.Count(inv, "\nrepo "); n != shardRepos+1 {
		t.Errorf("%d repositories in the inventory, want %d", n, shardRepos+1)
	}
}

func diffLines(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	in := func(l []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range l {
			m[s] = true
		}
		return m
	}
	ma, mb := in(la), in(lb)
	var out []string
	for _, s := range la {
		if !mb[s] {
			out = append(out, "- "+s)
		}
	}
	for _, s := range lb {
		if !ma[s] {
			out = append(out, "+ "+s)
		}
	}
	return strings.Join(out, "\n")
}

// assertNoSecretsIn fails if a planted secret (or the token) is in any file
// under the paths or in the texts.
func assertNoSecretsIn(t *testing.T, secrets []string, texts []string, paths ...string) {
	t.Helper()
	check := func(where string, data []byte) {
		for _, s := range append(append([]string{}, secrets...), sweepTestToken) {
			if bytes.Contains(data, []byte(s)) {
				t.Fatalf("%s contains a secret value (%.4s…)", where, s)
			}
		}
	}
	for i, s := range texts {
		check(fmt.Sprintf("output %d", i), []byte(s))
	}
	for _, p := range paths {
		filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			// Clones hold the secrets, of course; their configs must not
			// hold the token.
			clone := strings.Contains(path, string(filepath.Separator)+"repos"+string(filepath.Separator)) && d.Name() != "config"
			if err == nil && !d.IsDir() && !clone {
				raw, _ := os.ReadFile(path)
				check(path, raw)
			}
			return nil
		})
	}
}

func outputs(r ...roundResult) []string {
	var out []string
	for _, rr := range r {
		for _, p := range append([]*sprawlProc{rr.ref}, rr.shards...) {
			out = append(out, p.out, p.errOut)
		}
	}
	return out
}

func sarifDirResults(t *testing.T, dir string) map[string]map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.sarif"))
	out := map[string]map[string]string{}
	for _, f := range files {
		out[filepath.Base(f)] = sarifResults(t, f)
	}
	return out
}

// TestShardedSweepMerge: four shard processes, each with its own SQLite
// datastore and clone cache (four machines), sweep 33 repositories served
// on loopback in two rounds; one shard is killed mid-sweep and run again.
// sprawl merge then joins the four files into one inventory, one SARIF per
// repository and cross-repository duplicates equal to one unsharded
// sweep's, whatever the order of the files, and merging again changes
// nothing.
func TestShardedSweepMerge(t *testing.T) {
	o := newShardOrg(t)
	work := t.TempDir()
	env := []string{"SPRAWL_FINGERPRINT_KEY=shard-test-key-" + hex.EncodeToString(randBytes(8))}
	refDB := filepath.Join(work, "ref.db")
	plan := shardPlan{n: 4, killed: 2, db: func(i int) string { return filepath.Join(work, fmt.Sprintf("shard-%d.db", i)) }}

	started := []time.Time{time.Now()}
	r1 := runRound(t, o, work, "r1", refDB, plan, env)
	wantPartial(t, o, r1, plan.n)
	o.round2(t)
	started = append(started, time.Now())
	r2 := runRound(t, o, work, "r2", refDB, plan, env)
	wantPartial(t, o, r2, plan.n)
	want := inventoryOf(t, refDB, started)
	checkInventory(t, want)

	var files, reversed []string
	for i := 1; i <= plan.n; i++ {
		files = append(files, plan.db(i))
		reversed = append([]string{plan.db(i)}, reversed...)
	}
	merged := filepath.Join(work, "merged.db")
	mergedSarif := filepath.Join(work, "sarif-merged")
	inventory := filepath.Join(work, "merged-inventory.json")
	m := startSprawl(t, "merge", env, append([]string{"merge", "--db", merged, "--sarif-dir", mergedSarif, "--inventory", inventory}, files...)...).wait(t)
	if m.code != exitPartial || !strings.Contains(m.out, "partial: 0 unfinished shards, 1 of 33 repositories failed") ||
		!strings.Contains(m.out, "missing") || !strings.Contains(m.out, "merged 4 shard files") {
		t.Fatalf("merge: exit %d\n%s\n%s", m.code, m.out, m.errOut)
	}
	if got := inventoryOf(t, merged, started); got != want {
		t.Fatalf("merged inventory differs from the unsharded sweep's:\n%s", diffLines(want, got))
	}
	// Merging the same files again, or in the other order into a new
	// target, gives the same inventory.
	again := startSprawl(t, "merge again", env, append([]string{"merge", "--db", merged, "--quiet"}, files...)...).wait(t)
	if again.code != exitPartial || !strings.Contains(again.out, "33 repositories, 0 new sweeps") {
		t.Fatalf("merge again: exit %d\n%s\n%s", again.code, again.out, again.errOut)
	}
	mergedRev := filepath.Join(work, "merged-reversed.db")
	rev := startSprawl(t, "merge reversed", env, append([]string{"merge", "--db", mergedRev, "--quiet"}, reversed...)...).wait(t)
	for name, dsn := range map[string]string{"merged again": merged, "merged in reverse": mergedRev} {
		if got := inventoryOf(t, dsn, started); got != want {
			t.Fatalf("%s: inventory differs from the unsharded sweep's:\n%s", name, diffLines(want, got))
		}
	}

	// One SARIF per repository, with the results of the unsharded sweep's.
	wantSarif, gotSarif := sarifDirResults(t, filepath.Join(work, "sarif-ref")), sarifDirResults(t, mergedSarif)
	if len(wantSarif) != shardRepos || len(gotSarif) != shardRepos {
		t.Fatalf("%d SARIF files from the unsharded sweep, %d from merge; want %d each", len(wantSarif), len(gotSarif), shardRepos)
	}
	for name, w := range wantSarif {
		g := gotSarif[name]
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("%s: merged SARIF results %v, unsharded %v", name, g, w)
		}
	}
	if raw, err := os.ReadFile(inventory); err != nil || !json.Valid(raw) || !bytes.Contains(raw, []byte(`"duplicates"`)) {
		t.Fatalf("merged inventory file: %v", err)
	}

	assertNoSecretsIn(t, o.secrets, append(outputs(r1, r2), m.out, m.errOut, again.out, again.errOut, rev.out, rev.errOut), work)
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// pgSchema returns dsn with a fresh schema as its search_path, dropped at
// the end of the test.
func pgSchema(t *testing.T, dsn string) string {
	t.Helper()
	schema := "sprawl_shards_" + hex.EncodeToString(randBytes(6))
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("creating a schema on the SPRAWL_TEST_POSTGRES_URL server: %v", strings.ReplaceAll(err.Error(), dsn, "(dsn)"))
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal("SPRAWL_TEST_POSTGRES_URL is not a URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestShardsWritePostgres: four shard processes write one PostgreSQL
// datastore at once (issue 13), over two rounds, one shard killed and run
// again, and the datastore holds the same inventory as one unsharded
// SQLite sweep: no lost updates, no duplicate rows, first and last seen
// right although shards finish in any order.
func TestShardsWritePostgres(t *testing.T) {
	dsn := os.Getenv("SPRAWL_TEST_POSTGRES_URL")
	if dsn == "" {
		t.Skip("set SPRAWL_TEST_POSTGRES_URL=postgres://user:pass@127.0.0.1:5432/db to run shards against PostgreSQL (.ci/run starts a throwaway server)")
	}
	pg := pgSchema(t, dsn)
	o := newShardOrg(t)
	work := t.TempDir()
	// No SPRAWL_FINGERPRINT_KEY: the shards make and share the key kept
	// in the datastore; the unsharded sweep's datastore is given a copy.
	env := []string{"SPRAWL_FINGERPRINT_KEY="}
	refDB := filepath.Join(work, "ref.db")
	plan := shardPlan{n: 4, killed: 3, db: func(int) string { return pg }, refAfter: func() { copyKey(t, pg, refDB) }}

	started := []time.Time{time.Now()}
	r1 := runRound(t, o, work, "r1", refDB, plan, env)
	wantPartial(t, o, r1, plan.n)
	o.round2(t)
	started = append(started, time.Now())
	r2 := runRound(t, o, work, "r2", refDB, plan, env)
	wantPartial(t, o, r2, plan.n)

	want := inventoryOf(t, refDB, started)
	checkInventory(t, want)
	if got := inventoryOf(t, pg, started); got != want {
		t.Fatalf("PostgreSQL inventory written by 4 shards at once differs from the unsharded SQLite sweep's:\n%s", diffLines(want, got))
	}
	inv := func() *datastore.Inventory {
		s, err := datastore.OpenAny(context.Background(), pg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		inv, err := s.Inventory(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}()
	var sweeps []string
	for _, sw := range inv.Sweeps {
		sweeps = append(sweeps, sw.Run+" "+sw.Shard)
	}
	sort.Strings(sweeps)
	if got := strings.Join(sweeps, ","); got != "r1 1/4,r1 2/4,r1 3/4,r1 4/4,r2 1/4,r2 2/4,r2 3/4,r2 4/4" {
		t.Fatalf("sweeps %s: want one per shard and run (the killed shard continued its own)", got)
	}
	// The report reads it; nothing holds a secret or the password.
	var rep bytes.Buffer
	if code := runReport(context.Background(), []string{"--db", pg, "--format", "text"}, &rep, &rep); code != ExitClean {
		t.Fatalf("report: %d\n%s", code, rep.String())
	}
	u, _ := url.Parse(dsn)
	pw, _ := u.User.Password()
	secrets := o.secrets
	if pw != "" {
		secrets = append(secrets, pw)
	}
	assertNoSecretsIn(t, secrets, append(outputs(r1, r2), rep.String()), work)
}

// copyKey stores the fingerprint key of the datastore from in a new SQLite
// datastore at to, as if it had made it.
func copyKey(t *testing.T, from, to string) {
	t.Helper()
	src, err := datastore.OpenAny(context.Background(), from)
	if err != nil {
		t.Fatal(err)
	}
	key, err := src.FingerprintKey(context.Background())
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	dst, err := datastore.Open(context.Background(), to)
	if err != nil {
		t.Fatal(err)
	}
	dst.Close()
	db, err := sql.Open("sqlite", to)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO meta(key, value) VALUES ('fingerprint_key', ?)`, key); err != nil {
		t.Fatal(err)
	}
}
