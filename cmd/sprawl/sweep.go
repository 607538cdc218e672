package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/report/sarif"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/filetree"
	"github.com/sprawl-dev/sprawl/scanners/sweep"
)

// exitPartial is sweep's exit code when some repositories could not be
// swept and others were: the results are incomplete. It wins over
// ExitFindings (the failure table says what is missing).
const exitPartial = 3

const sweepUsage = `Usage: sprawl sweep [flags]

Sweeps many repositories: lists them, keeps a bare clone of each in the
cache, scans only commits not scanned by an earlier sweep, and records
repositories, findings, identities and first seen / last seen / fixed in a
datastore. One SARIF file per repository goes to --sarif-dir, holding every
finding of the repository that is not fixed (not only the new commits'); the
inventory of identities and cross-repository duplicates to --inventory.

Sharding: --shard i/n sweeps a stable slice of the repositories. Shards write
into one PostgreSQL datastore at once, or each into its own SQLite file that
"sprawl merge" joins. Give every shard of a run the same --run name: a shard
that dies and runs again then skips what it already recorded.

Inputs (at least one):
  --repos FILE          clone URLs or local paths, one a line (# comments)
  --github-org ORG      every repository of a GitHub organisation (GITHUB_TOKEN)
  --gitlab-group GROUP  every project of a GitLab group and its subgroups (GITLAB_TOKEN)

Flags:
`

const sweepTail = `
Environment:
  GITHUB_TOKEN            token for --github-org listing and clones
  GITLAB_TOKEN            token for --gitlab-group listing and clones
  SPRAWL_DB               default for --db: a SQLite file or a postgres:// URL
  SPRAWL_FINGERPRINT_KEY  key for fingerprints (default: a random key kept in
                          the datastore, created on the first sweep); shards
                          writing to different datastores need the same key

Exit codes: 0 nothing found, 1 findings (open or only in history) in the
swept repositories, 2 usage or fatal error (or every repository failed),
3 partial: some repositories failed (see the failure table; the line
"partial: N of M repositories failed" is printed).
`

type sweepFlags struct {
	repos           stringList
	githubOrgs      stringList
	githubAPI       string
	gitlabGroups    stringList
	gitlabURL       string
	includeArchived bool
	includeForks    bool
	allRefs         bool
	archiveDepth    int
	cache           string
	db              string
	workers         int
	timeout         time.Duration
	retries         int
	resume          bool
	full            bool
	repoIgnores     bool
	shard           string
	run             string
	sarifDir        string
	inventory       string
	config          string
	category        string
	maxAge          time.Duration
	maxFileSize     int64
	exclude         stringList
	quiet           bool
}

// sweepSource opens a bare clone's history for the sweep; tests replace it.
var sweepSource = func(f *sweepFlags, exclude []string) sweep.SourceFunc {
	return func(_ context.Context, dir, since string) (scanners.Source, error) {
		src, err := newHistorySource(dir, &scanFlags{history: true, since: since, allRefs: f.allRefs, archiveDepth: f.archiveDepth, maxFileSize: f.maxFileSize}, exclude, "")
		if err != nil {
			return nil, err // not a typed nil in an interface
		}
		return src, nil
	}
}

// sweepClock is the clock of rate-limit waits and retries; tests replace it.
var sweepClock sweep.Clock

// sweepAfterRepo is called after each repository is recorded with the
// number done so far; tests use it to stop a shard process mid-sweep.
var sweepAfterRepo func(done int)

func defaultCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "sprawl")
	}
	return filepath.Join(os.TempDir(), "sprawl-cache")
}

func runSweep(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f sweepFlags
	fs := flag.NewFlagSet("sprawl sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&f.repos, "repos", "read clone URLs or local paths from `FILE` (repeatable)")
	fs.Var(&f.githubOrgs, "github-org", "sweep the repositories of GitHub organisation `ORG` (repeatable)")
	fs.StringVar(&f.githubAPI, "github-api-url", "", "GitHub Enterprise Server API `URL`, e.g. https://ghe.example.com/api/v3/")
	fs.Var(&f.gitlabGroups, "gitlab-group", "sweep the projects of GitLab group `GROUP` (repeatable)")
	fs.StringVar(&f.gitlabURL, "gitlab-url", "https://gitlab.com", "GitLab `URL`")
	fs.BoolVar(&f.includeArchived, "include-archived", false, "also sweep archived repositories")
	fs.BoolVar(&f.includeForks, "include-forks", false, "also sweep forks")
	fs.BoolVar(&f.allRefs, "all-refs", false, "also fetch and sweep pull and merge request heads (refs/pull/*, refs/merge-requests/*): closed pull requests keep their commits on the server")
	fs.StringVar(&f.cache, "cache", defaultCacheDir(), "keep bare clones in `DIR`")
	fs.StringVar(&f.db, "db", "", "datastore: SQLite `FILE` or postgres:// URL (default: $SPRAWL_DB, else sprawl.db in the cache folder)")
	fs.IntVar(&f.workers, "workers", sweep.DefaultWorkers, "repositories swept at once")
	fs.DurationVar(&f.timeout, "timeout", sweep.DefaultTimeout, "give up on one repository after `DURATION` (fetch and scan)")
	fs.IntVar(&f.retries, "retries", sweep.DefaultRetries, "retries of a transient fetch error, with backoff (-1: none)")
	fs.BoolVar(&f.resume, "resume", false, "continue the newest unfinished sweep without a --run name (of the same --shard), skipping repositories it finished")
	fs.BoolVar(&f.repoIgnores, "repo-ignores", false, "apply the .sprawlignore, .gitleaksignore, .secrets.baseline, .gitleaks.toml and .sprawl.toml rules, allowlists and excludes committed at each repository's HEAD")
	fs.BoolVar(&f.full, "full", false, "scan every commit again, not only those new since the last sweep (SARIF then covers everything)")
	fs.StringVar(&f.shard, "shard", "", "sweep only shard `i/n` of the repositories (stable hash of the URL)")
	fs.StringVar(&f.run, "run", "", "name of this run, the same for all its shards (e.g. a CI run id); running a shard of a `NAME`d run again continues it")
	fs.StringVar(&f.sarifDir, "sarif-dir", "", "write one SARIF file per repository swept (failed ones excepted) into `DIR`")
	fs.StringVar(&f.inventory, "inventory", "", "write the inventory (identities, duplicates across repositories) as JSON to `FILE` (\"-\": standard output)")
	fs.StringVar(&f.config, "config", "", "read settings and extra rules from `FILE`")
	fs.StringVar(&f.category, "category", "sprawl", "SARIF automationDetails `category`")
	f.maxAge = 90 * 24 * time.Hour
	fs.Var(ageValue{&f.maxAge}, "max-age", "`age` past which a secret counts as long-lived: days (90d) or a duration (36h)")
	fs.Int64Var(&f.maxFileSize, "max-file-size", filetree.DefaultMaxFileSize, "skip blobs larger than `BYTES`")
	fs.IntVar(&f.archiveDepth, "max-archive-depth", 0, "scan the files inside archives and compressed files down to `DEPTH` levels (0: archives are not opened)")
	fs.Var(&f.exclude, "exclude", "skip paths matching `GLOB` (repeatable)")
	fs.BoolVar(&f.quiet, "quiet", false, "print only the summary, failures and errors")
	if code, ok := parseFlags(fs, args, sweepUsage, sweepTail); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "sprawl sweep: "+format+"\n", a...)
		return ExitError
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments %q: list repositories with --repos", fs.Args())
	}
	if len(f.repos)+len(f.githubOrgs)+len(f.gitlabGroups) == 0 {
		return fail("nothing to sweep: give --repos, --github-org or --gitlab-group")
	}
	if f.archiveDepth < 0 {
		return fail("--max-archive-depth must be 0 or more")
	}
	var shard sweep.Shard
	if f.shard != "" {
		var err error
		if shard, err = sweep.ParseShard(f.shard); err != nil {
			return fail("%v", err)
		}
	}
	settings, err := loadSettings(f.config, nil, false)
	if err != nil {
		return fail("%v", err)
	}
	if !flagSet(fs, "max-archive-depth") {
		f.archiveDepth = settings.MaxArchiveDepth
	}
	exclude := append(append([]string{}, settings.Exclude...), f.exclude...)
	for _, g := range exclude {
		if !scanners.ValidGlob(g) {
			return fail("invalid exclude pattern %q", g)
		}
	}
	dets, resolver, err := buildDetectors(settings)
	if err != nil {
		return fail("%v", err)
	}
	maxAge := f.maxAge
	if settings.MaxAge > 0 && !flagSet(fs, "max-age") {
		maxAge = settings.MaxAge
	}

	logf := func(format string, a ...any) {
		if !f.quiet {
			fmt.Fprintf(stderr, format+"\n", a...)
		}
	}
	githubToken, gitlabToken := os.Getenv("GITHUB_TOKEN"), os.Getenv("GITLAB_TOKEN")
	redact := func(s string) string { return sweep.Redact(s, githubToken, gitlabToken) }

	// Inputs.
	var targets []sweep.Target
	for _, file := range f.repos {
		fh, err := os.Open(file)
		if err != nil {
			return fail("%v", err)
		}
		ts, err := sweep.ReadRepoList(fh, filepath.Dir(file))
		fh.Close()
		if err != nil {
			return fail("%s: %s", file, redact(err.Error()))
		}
		targets = append(targets, ts...)
	}
	if len(f.githubOrgs) > 0 {
		ts, err := sweep.ListGitHub(ctx, sweep.GitHubOptions{Orgs: f.githubOrgs, Token: githubToken, APIURL: f.githubAPI,
			IncludeArchived: f.includeArchived, IncludeForks: f.includeForks, Clock: sweepClock,
			Log: func(s string) { logf("sprawl sweep: %s", redact(s)) }})
		if err != nil {
			return fail("%s", redact(err.Error()))
		}
		targets = append(targets, ts...)
	}
	if len(f.gitlabGroups) > 0 {
		ts, err := sweep.ListGitLab(ctx, sweep.GitLabOptions{Groups: f.gitlabGroups, Token: gitlabToken, BaseURL: f.gitlabURL,
			IncludeArchived: f.includeArchived, IncludeForks: f.includeForks, Clock: sweepClock,
			Log: func(s string) { logf("sprawl sweep: %s", redact(s)) }})
		if err != nil {
			return fail("%s", redact(err.Error()))
		}
		targets = append(targets, ts...)
	}
	targets = shard.Filter(sweep.Dedupe(targets))

	// State.
	dbPath := f.db
	if dbPath == "" {
		dbPath = os.Getenv("SPRAWL_DB") // not a flag default: --help would print it
	}
	if dbPath == "" {
		dbPath = filepath.Join(f.cache, "sprawl.db")
	}
	if err := os.MkdirAll(f.cache, 0o700); err != nil {
		return fail("cache: %v", err)
	}
	store, err := datastore.OpenAny(ctx, dbPath)
	if err != nil {
		return fail("%v", err)
	}
	defer store.Close()
	key := []byte(os.Getenv("SPRAWL_FINGERPRINT_KEY"))
	if len(key) == 0 {
		if shard.N > 1 && !datastore.IsPostgresDSN(dbPath) {
			logf("sprawl sweep: warning: shard %s writes its own SQLite datastore with a key made for it; "+
				"sprawl merge refuses shard files with different keys: set the same SPRAWL_FINGERPRINT_KEY for every shard", shard)
		}
		if key, err = store.FingerprintKey(ctx); err != nil {
			return fail("%v", err)
		}
	}
	if f.sarifDir != "" {
		if err := os.MkdirAll(f.sarifDir, 0o755); err != nil {
			return fail("%v", err)
		}
	}

	// Sweep.
	started := time.Now()
	done := 0
	var sarifErr error
	var sarifMu sync.Mutex
	opts := sweep.Options{
		Store: store, Cache: &sweep.Cache{Dir: f.cache, RequestRefs: f.allRefs}, Source: sweepSource(&f, exclude),
		Detectors: dets, FingerprintKey: key, Correlate: correlator.Options{MaxAge: maxAge},
		Workers: f.workers, Timeout: f.timeout, Retries: f.retries, Clock: sweepClock,
		Shard: shard, Resume: f.resume, Full: f.full, Run: f.run, RepoIgnores: f.repoIgnores,
		RepoDetectors: func(dir string) ([]detectors.Detector, []string) { return repoDetectors(settings, dir) },
		OnRepo: func(o sweep.RepoOutcome) {
			done++
			elapsed := time.Since(started)
			eta := fmt.Sprintf(", %.1f repos/min", float64(done)/max(elapsed.Minutes(), 1e-9))
			if rest := len(targets) - done; rest > 0 {
				eta += fmt.Sprintf(", ETA %s", (elapsed / time.Duration(done) * time.Duration(rest)).Round(time.Second))
			}
			what := o.Outcome
			switch {
			case o.Outcome == datastore.RepoFailed:
				what = "FAILED: " + o.Error
			case o.Report != nil:
				scope := "full history"
				if o.Incremental {
					scope = "new commits"
				}
				what = fmt.Sprintf("%d commits (%s), %d findings", o.Commits, scope, len(o.Report.Findings))
			}
			logf("[%d/%d] %s: %s (%s%s)", done, len(targets), o.Target.Name, redact(what), o.Duration.Round(time.Millisecond), eta)
			for _, w := range o.Warnings {
				logf("sprawl sweep: warning: %s: %s", o.Target.Name, redact(w))
			}
			if o.Outcome != datastore.RepoFailed && f.sarifDir != "" {
				// From the datastore: every finding not fixed, so an upload
				// after an incremental sweep closes no open alert.
				if err := writeStoredSARIF(ctx, store, f.sarifDir, o.Target.URL, o.Target.Name, sarif.Options{ToolVersion: Version,
					Category: f.category, Rules: resolver}); err != nil {
					sarifMu.Lock()
					sarifErr = err
					sarifMu.Unlock()
				}
			}
			if sweepAfterRepo != nil {
				sweepAfterRepo(done)
			}
		},
	}
	sum, err := sweep.Run(ctx, targets, opts)
	if err != nil {
		var km *datastore.KeyMismatchError
		if errors.As(err, &km) {
			km.Where = "datastore " + datastore.RedactDSN(dbPath)
		}
		if sum != nil {
			printFailures(stderr, sum, redact)
		}
		return fail("%s", redact(err.Error()))
	}
	if sarifErr != nil {
		return fail("writing SARIF: %v", sarifErr)
	}

	// Results.
	inv, err := store.Inventory(ctx)
	if err != nil {
		return fail("%v", err)
	}
	swept := map[string]bool{}
	for _, t := range targets {
		swept[t.URL] = true
	}
	open, dups := countIn(inv, swept)
	fmt.Fprintf(stdout, "sweep #%d: %d repositories: %d scanned, %d up to date, %d already done (resumed), %d failed in %s\n",
		sum.SweepID, sum.Total, sum.Done, sum.UpToDate, sum.Resumed, len(sum.Failures), sum.Duration.Round(time.Millisecond))
	fmt.Fprintf(stdout, "%d findings not fixed in these repositories; %d secrets found in more than one repository; datastore %s\n",
		open, dups, datastore.RedactDSN(dbPath))
	if f.inventory != "" {
		if err := writeInventory(f.inventory, inv, stdout); err != nil {
			return fail("writing the inventory: %v", err)
		}
	}
	code := ExitClean
	if open > 0 {
		code = ExitFindings
	}
	if n := len(sum.Failures); n > 0 {
		printFailures(stdout, sum, redact)
		attempted := sum.Total - sum.Resumed
		if n == attempted {
			fmt.Fprintf(stdout, "failed: all %d repositories failed\n", n)
			return ExitError
		}
		fmt.Fprintf(stdout, "partial: %d of %d repositories failed\n", n, sum.Total)
		code = exitPartial
	}
	return code
}

func printFailures(w io.Writer, sum *sweep.Summary, redact func(string) string) {
	if len(sum.Failures) == 0 {
		return
	}
	fmt.Fprintf(w, "\nfailures (%d):\n", len(sum.Failures))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tATTEMPTS\tERROR")
	for _, fl := range sum.Failures {
		msg := strings.ReplaceAll(redact(fl.Error), "\n", " ")
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", fl.Name, fl.Attempts, msg)
	}
	tw.Flush()
}

// writeStoredSARIF writes the SARIF of the repository at url from what the
// datastore holds (sweep.StoredReport) to DIR/<name>.sarif.
func writeStoredSARIF(ctx context.Context, store datastore.Store, dir, url, name string, opts sarif.Options) error {
	rep, err := sweep.StoredReport(ctx, store, url)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := writeRepoSARIF(dir, name, rep, opts); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// writeRepoSARIF writes one repository's report to DIR/<name>.sarif.
func writeRepoSARIF(dir, name string, rep *correlator.Report, opts sarif.Options) error {
	file := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
	file = strings.Trim(file, ".")
	if file == "" {
		file = "repository"
	}
	fh, err := os.Create(filepath.Join(dir, file+".sarif"))
	if err != nil {
		return err
	}
	err = sarif.Write(fh, rep, opts)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeInventory(path string, inv *datastore.Inventory, stdout io.Writer) error {
	if path == "-" {
		return inv.WriteJSON(stdout)
	}
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	err = inv.WriteJSON(fh)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}

// countIn counts the inventory's findings not fixed in repos and its
// cross-repository duplicates that involve one of repos.
func countIn(inv *datastore.Inventory, repos map[string]bool) (open, dups int) {
	for _, fd := range inv.Findings {
		if repos[fd.Repo] {
			open++
		}
	}
	for _, d := range inv.Duplicates {
		for _, r := range d.Repos {
			if repos[r] {
				dups++
				break
			}
		}
	}
	return open, dups
}

// repoDetectors returns the detectors for the repository whose clone is
// at dir when the .gitleaks.toml or .sprawl.toml at its HEAD holds rules
// or allowlists (the sweep's own settings first, then the repository's,
// whose [extend] path is not followed), or nil for the sweep's detectors.
// Settings that cannot be read or built are left out with a warning.
func repoDetectors(sweepSettings settings, dir string) ([]detectors.Detector, []string) {
	own, err := readSettings("", headFiles(dir))
	if err != nil {
		return nil, []string{fmt.Sprintf("settings at HEAD not applied: %v", err)}
	}
	docs := own.ruleDocuments()
	if len(docs) == 0 {
		return nil, nil
	}
	dets, _, err := buildDetectors(sweepSettings, docs...)
	if err != nil {
		return nil, []string{fmt.Sprintf("rules at HEAD not applied: %v", err)}
	}
	return dets, nil
}
