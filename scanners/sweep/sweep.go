// Package sweep scans many repositories: it lists them (a file of clone
// URLs and paths, GitHub organisations, GitLab groups), keeps a bare clone
// of each in a cache folder and fetches it incrementally, scans only the
// commits not scanned by an earlier sweep, and records repositories, ref
// tips, findings and identities in a datastore. Repositories run on a
// bounded pool of workers with a per-repository timeout and retries with
// backoff on transient errors; a repository that fails is recorded and the
// sweep goes on. A sweep can be split into shards by a stable hash of the
// repository URL and resumed after an interruption.
//
// Scanned repositories are data: clones are bare, nothing is checked out,
// no hook, filter or submodule of theirs runs, and local repositories are
// served to the clone by go-git in process, not by a git binary.
// Credentials never reach the datastore, logs, errors or reports.
package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/sprawl-dev/sprawl/baseline"
	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// SourceFunc opens the history of the repository at dir (a bare clone),
// limited to commits not reachable from since when since is not empty.
type SourceFunc func(ctx context.Context, dir string, since string) (scanners.Source, error)

// Defaults for Options.
const (
	DefaultWorkers = 4
	DefaultTimeout = 30 * time.Minute
	DefaultRetries = 2
)

// Options configure a sweep.
type Options struct {
	// Store records everything; required.
	Store datastore.Store
	// Cache keeps the bare clones; required.
	Cache *Cache
	// Source opens a clone's history; required.
	Source SourceFunc
	// Detectors run on every fragment.
	Detectors []detectors.Detector
	// FingerprintKey keys fingerprints; required so they link across
	// repositories and sweeps.
	FingerprintKey []byte
	// Correlate tunes the per-repository correlation.
	Correlate correlator.Options
	// Workers bounds the repositories processed at once (0: DefaultWorkers).
	Workers int
	// Timeout bounds one repository, fetch and scan (0: DefaultTimeout).
	Timeout time.Duration
	// Retries is how often a transient fetch error is retried (negative:
	// never; 0: DefaultRetries).
	Retries int
	// Backoff returns the wait before retry n (1-based); nil: 2s, 4s, 8s…
	Backoff func(n int) time.Duration
	Clock   Clock
	// Shard is recorded with the sweep and selects what Resume continues.
	Shard Shard
	// Full scans every commit again instead of only those new since the
	// last sweep; findings not seen again are then fixed.
	Full bool
	// Resume continues the newest unfinished sweep of the same shard,
	// skipping repositories it already finished.
	Resume bool
	// Run names the run this sweep belongs to; every shard of a run uses
	// the same name (a CI run id, a Kubernetes Job name). A shard run again
	// in a run continues its sweep, whether it finished or died: the
	// repositories it recorded as done or up to date are skipped, failed
	// ones are tried again (Resume is then implied).
	Run string
	// RepoIgnores applies the .sprawlignore and .gitleaksignore committed
	// at each repository's HEAD, and the paths its .gitleaks.toml and
	// .sprawl.toml allowlist outright (an audit may want to see past them).
	RepoIgnores bool
	// RepoDetectors, with RepoIgnores, returns the detectors for the
	// repository whose clone is at dir when its own settings (rules,
	// allowlists in a .gitleaks.toml or .sprawl.toml at HEAD) call for
	// others than Detectors; nil detectors mean Detectors. Warnings name
	// settings that could not be applied.
	RepoDetectors func(dir string) (dets []detectors.Detector, warnings []string)
	// OnRepo is called after each repository, one call at a time; a
	// failed repository has a nil Report.
	OnRepo func(RepoOutcome)
}

// RepoOutcome is what happened to one repository.
type RepoOutcome struct {
	Target   Target
	Outcome  string // datastore.RepoDone, RepoUpToDate or RepoFailed
	Error    string // credential-free
	Attempts int
	// Incremental is true when only commits new since the last sweep were
	// scanned.
	Incremental bool
	Commits     int64
	Duration    time.Duration
	// Report is the repository's correlated report (nil when failed or up
	// to date).
	Report *correlator.Report
	// Warnings are problems that did not stop the repository's scan (an
	// ignore file at HEAD that cannot be read, and so was not applied).
	Warnings []string
}

// Summary is the result of a sweep.
type Summary struct {
	SweepID int64
	// Total counts the repositories of this sweep (and shard).
	Total int
	// Resumed counts repositories skipped because the resumed sweep had
	// already finished them.
	Resumed  int
	Done     int
	UpToDate int
	Failures []Failure
	Duration time.Duration
}

// Failure is a repository that could not be swept.
type Failure struct {
	Name     string
	URL      string
	Error    string
	Attempts int
}

// Run sweeps targets. It returns an error only when the sweep itself
// cannot go on (the datastore fails, ctx is cancelled); failing
// repositories are in Summary.Failures. A cancelled sweep stays unfinished
// in the datastore so that Resume continues it.
func Run(ctx context.Context, targets []Target, opts Options) (*Summary, error) {
	start := opts.Clock.now()
	if opts.Store == nil || opts.Cache == nil || opts.Source == nil {
		return nil, errors.New("sweep: Store, Cache and Source are required")
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.Backoff == nil {
		opts.Backoff = func(n int) time.Duration { return time.Second << n }
	}
	targets = Dedupe(targets)
	sum := &Summary{Total: len(targets)}

	// Fingerprints from different keys never match: refuse to mix them.
	if err := opts.Store.BindFingerprintKey(ctx, opts.FingerprintKey); err != nil {
		return nil, err
	}
	var sw datastore.Sweep
	var err error
	skip := map[string]bool{}
	switch {
	case opts.Run != "":
		existing := false
		if sw, existing, err = opts.Store.OpenRun(ctx, opts.Run, opts.Shard.String()); err != nil {
			return nil, err
		}
		if existing {
			if skip, err = opts.Store.Finished(ctx, sw.ID); err != nil {
				return nil, err
			}
		}
	case opts.Resume:
		sw, err = opts.Store.ResumeSweep(ctx, opts.Shard.String())
		if err == nil {
			if skip, err = opts.Store.Finished(ctx, sw.ID); err != nil {
				return nil, err
			}
		} else if !errors.Is(err, datastore.ErrNoSweep) {
			return nil, err
		}
	}
	if sw.ID == 0 {
		if sw, err = opts.Store.BeginSweep(ctx, opts.Shard.String()); err != nil {
			return nil, err
		}
	}
	sum.SweepID = sw.ID

	jobs := make(chan Target)
	var mu sync.Mutex // serialises OnRepo and the summary
	var fatal error
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				out, err := sweepOne(ctx, sw.ID, t, opts)
				mu.Lock()
				if err != nil {
					if fatal == nil {
						fatal = err
					}
					mu.Unlock()
					continue
				}
				switch out.Outcome {
				case datastore.RepoDone:
					sum.Done++
				case datastore.RepoUpToDate:
					sum.UpToDate++
				default:
					sum.Failures = append(sum.Failures, Failure{Name: t.Name, URL: t.URL, Error: out.Error, Attempts: out.Attempts})
				}
				if opts.OnRepo != nil {
					opts.OnRepo(out)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, t := range targets {
		if skip[t.URL] {
			sum.Resumed++
			continue
		}
		mu.Lock()
		stop := fatal != nil
		mu.Unlock()
		if stop {
			break
		}
		select {
		case jobs <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	sort.Slice(sum.Failures, func(i, j int) bool { return sum.Failures[i].Name < sum.Failures[j].Name })
	sum.Duration = opts.Clock.now().Sub(start)
	if fatal != nil {
		return sum, fatal
	}
	if err := ctx.Err(); err != nil {
		return sum, fmt.Errorf("sweep %d interrupted (continue it with --resume): %w", sw.ID, err)
	}
	if err := opts.Store.FinishSweep(ctx, sw.ID); err != nil {
		return sum, err
	}
	return sum, nil
}

// sweepOne fetches and scans one repository and records the outcome. Its
// error is fatal for the sweep (the datastore failed or ctx ended); a
// repository's own failure is in the outcome.
func sweepOne(ctx context.Context, sweepID int64, t Target, opts Options) (RepoOutcome, error) {
	started := opts.Clock.now()
	out := RepoOutcome{Target: t}
	rctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	res, err := scanRepo(rctx, t, opts, &out)
	out.Duration = opts.Clock.now().Sub(started)
	if ctx.Err() != nil {
		// The sweep was interrupted: leave the repository unrecorded so a
		// resumed sweep does it again.
		return out, ctx.Err()
	}
	rec := datastore.RepoResult{SweepID: sweepID, URL: t.URL, Name: t.Name, Attempts: out.Attempts,
		Started: started, Duration: out.Duration}
	if err != nil {
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) || rctx.Err() != nil {
			msg = fmt.Sprintf("timed out after %s: %s", opts.Timeout, msg)
		}
		out.Outcome, out.Error = datastore.RepoFailed, Redact(msg, t.secrets...)
		rec.Outcome, rec.Error = out.Outcome, out.Error
		return out, opts.Store.RecordRepo(ctx, rec)
	}
	res.SweepID, res.URL, res.Name, res.Attempts, res.Started, res.Duration = sweepID, t.URL, t.Name, out.Attempts, started, out.Duration
	out.Outcome = res.Outcome
	return out, opts.Store.RecordRepo(ctx, *res)
}

// scanRepo syncs the clone, scans what is new and returns the record.
func scanRepo(ctx context.Context, t Target, opts Options, out *RepoOutcome) (*datastore.RepoResult, error) {
	var dir string
	var err error
	for attempt := 1; ; attempt++ {
		out.Attempts = attempt
		dir, err = opts.Cache.Sync(ctx, t)
		if errors.Is(err, transport.ErrEmptyRemoteRepository) {
			return &datastore.RepoResult{Outcome: datastore.RepoUpToDate}, nil
		}
		if err == nil || !Transient(err) || attempt > opts.Retries || ctx.Err() != nil {
			break
		}
		if serr := opts.Clock.sleep(ctx, opts.Backoff(attempt)); serr != nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	tips, head, err := Tips(dir)
	if err != nil {
		return nil, fmt.Errorf("reading refs: %w", err)
	}
	state, known, err := opts.Store.RepoState(ctx, t.URL)
	if err != nil {
		return nil, err
	}
	if !opts.Full && known && sameTips(state.Tips, tips) && state.Head == head && len(tips) > 0 {
		return &datastore.RepoResult{Outcome: datastore.RepoUpToDate, Head: head, Tips: tips}, nil
	}
	since := ""
	if known && !opts.Full {
		if since, err = Boundary(dir, state.Tips); err != nil {
			return nil, fmt.Errorf("marking scanned commits: %w", err)
		}
	}
	out.Incremental = since != ""
	src, err := opts.Source(ctx, dir, since)
	if err != nil {
		return nil, fmt.Errorf("opening history: %w", err)
	}
	repo := src.Repo()
	repo.Name = t.Name
	if !t.Local {
		repo.URI = t.URL
	} else {
		repo.URI = ""
	}
	dets := opts.Detectors
	if opts.RepoIgnores && opts.RepoDetectors != nil {
		own, warnings := opts.RepoDetectors(dir)
		out.Warnings = append(out.Warnings, warnings...)
		if own != nil {
			dets = own
		}
	}
	// The repository's own ignore files, committed at HEAD, apply as they
	// would to a scan of its checkout: .gitleaksignore and a detect-secrets
	// baseline before correlation (nothing is derived from an accepted
	// secret), .sprawlignore after. A broken ignore file is the
	// repository's problem, not the sweep's: it is reported and not applied.
	var ignore, glIgnore baseline.Ignore
	if opts.RepoIgnores {
		var warnings []string
		ignore, glIgnore, warnings = HeadIgnores(dir)
		out.Warnings = append(out.Warnings, warnings...)
	}
	res, err := engine.Run(ctx, []scanners.Source{src}, engine.Options{Detectors: dets, FingerprintKey: opts.FingerprintKey, ListedSHA1: glIgnore.ListedSHA1()})
	if err != nil {
		return nil, err
	}
	for _, rr := range res.Repos {
		if rr.Err != "" {
			return nil, fmt.Errorf("scan: %s", rr.Err)
		}
		out.Commits += rr.Stats.Commits
	}
	if len(glIgnore.Rules) > 0 {
		res.Findings, _, _ = baseline.Filter(res.Findings, nil, glIgnore)
	}
	rep := correlator.Correlate(res, opts.Correlate)
	if len(ignore.Rules) > 0 {
		rep.Findings, _, _ = baseline.Filter(rep.Findings, nil, ignore)
	}
	out.Report = rep
	rec := &datastore.RepoResult{Outcome: datastore.RepoDone, Head: head, Tips: tips, Commits: out.Commits, Full: since == ""}
	seenPaths := map[string]bool{}
	for _, f := range rep.Findings {
		rec.Findings = append(rec.Findings, storedFinding(f))
		seenPaths[f.Location.Path] = true
	}
	for _, id := range rep.Identities {
		rec.Identities = append(rec.Identities, datastore.Identity{Key: id.Key, Kind: id.Kind, Name: id.Name,
			Workload: id.Workload, Recommendation: id.Recommendation, CurrentControl: id.CurrentControl,
			Misfit: id.Misfit, Reasons: id.Reasons, FirstAction: id.FirstAction, Copies: id.Copies})
	}
	if since != "" {
		// Incremental: findings at the old head whose file changed and
		// that the new commits did not bring back have left the head.
		open, err := opts.Store.OpenFindings(ctx, t.URL)
		if err != nil {
			return nil, err
		}
		var paths []string
		for _, f := range open {
			paths = append(paths, f.Path)
		}
		changed := ChangedPaths(dir, state.Head, head, paths)
		for _, f := range open {
			if changed[f.Path] {
				rec.LeftHead = append(rec.LeftHead, f.Key)
			}
		}
	}
	return rec, nil
}

func storedFinding(f detectors.Finding) datastore.Finding {
	sf := datastore.Finding{Key: f.Key(), Rule: f.RuleID, Path: f.Location.Path, Line: f.Location.StartLine,
		Message: f.Message, InHead: true}
	// detectors.Finding never holds a secret (the link key is not
	// serialised): its JSON is what the report writers already print.
	if raw, err := json.Marshal(f); err == nil {
		sf.Detail = raw
	}
	if f.Location.Commit != nil {
		sf.Commit = f.Location.Commit.Hash
	}
	if f.History != nil {
		sf.InHead = f.History.InHead
		if sf.Commit == "" && f.History.FirstSeen != nil {
			sf.Commit = f.History.FirstSeen.Hash
		}
	}
	if f.Secret != nil {
		sf.Fingerprint, sf.Preview, sf.Kind, sf.IdentityKey = f.Secret.Fingerprint, f.Secret.Preview, f.Secret.Kind, f.Secret.IdentityKey
	}
	return sf
}

func sameTips(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Transient reports whether a fetch error may go away on retry: network
// failures, server errors (5xx) and throttling (429). Authentication,
// missing repositories and other client errors are not retried.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) ||
		errors.Is(err, transport.ErrRepositoryNotFound) || errors.Is(err, transport.ErrInvalidAuthMethod) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var he *githttp.Err
	if errors.As(err, &he) && he.Response != nil {
		c := he.StatusCode()
		return c >= 500 || c == 429
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"status code: 5", "502", "503", "504", "connection reset", "unexpected EOF", "TLS handshake timeout"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// HeadIgnores reads the .sprawlignore and .gitleaksignore at HEAD of the
// repository without a working tree at dir (a bare clone), the latter
// with the entries of the detect-secrets baseline there (.secrets.baseline),
// the paths allowlisted outright by the .gitleaks.toml and
// .sprawl.toml there (baseline.ParseAllowlistPaths) and the paths the
// .sprawl.toml excludes (baseline.ParseExcludes); each is empty when
// absent. A file that cannot be read or parsed is left out, with a
// warning naming it, as are its entries' own warnings (no reason given).
func HeadIgnores(dir string) (ignore, glIgnore baseline.Ignore, warnings []string) {
	for _, f := range []struct {
		name  string
		parse func(string, io.Reader) (baseline.Ignore, error)
		into  *baseline.Ignore
	}{
		{".sprawlignore", baseline.ParseIgnore, &ignore},
		{".gitleaksignore", baseline.ParseGitleaksIgnore, &glIgnore},
		{".secrets.baseline", baseline.ParseDetectSecretsBaseline, &glIgnore},
	} {
		data, found, err := githistory.HeadFile(dir, f.name)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s at HEAD not applied: %v", f.name, err))
			continue
		}
		if !found {
			continue
		}
		ig, err := f.parse("HEAD:"+f.name, bytes.NewReader(data))
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s not applied: %v", f.name, err))
			continue
		}
		if f.into.Path == "" {
			f.into.Path = ig.Path
		}
		f.into.Rules = append(f.into.Rules, ig.Rules...)
		warnings = append(warnings, ig.Warnings...)
	}
	// Paths the repository's gitleaks allowlists allowlist outright go
	// with the .gitleaksignore: dropped before correlation.
	for _, name := range []string{".gitleaks.toml", ".sprawl.toml"} {
		data, found, err := githistory.HeadFile(dir, name)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s at HEAD not applied: %v", name, err))
			continue
		}
		if !found {
			continue
		}
		ig, err := baseline.ParseAllowlistPaths("HEAD:"+name, string(data))
		if err == nil && name == ".sprawl.toml" {
			// Its [sprawl] exclude globs: a scan of a checkout skips
			// those paths.
			var ex baseline.Ignore
			if ex, err = baseline.ParseExcludes("HEAD:"+name, string(data)); err == nil {
				ig.Rules = append(ig.Rules, ex.Rules...)
			}
		}
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s not applied: %v", name, err))
			continue
		}
		glIgnore.Rules = append(glIgnore.Rules, ig.Rules...)
	}
	return ignore, glIgnore, warnings
}
