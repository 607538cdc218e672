// Package datastore keeps what org sweeps learn across runs: the
// repositories swept, the ref tips already scanned (so the next sweep reads
// only new commits), findings keyed by fingerprint and repository with
// first seen / last seen / fixed, identities, sweep ids for resuming, and
// the fingerprint key that links secrets across repositories and sweeps.
//
// It never holds a secret value: findings carry keyed fingerprints and
// redacted previews only, and repository URLs are stored without
// credentials.
//
// Store is the storage interface; Open returns the SQLite implementation
// (pure Go, modernc.org/sqlite). A second backend (PostgreSQL) implements
// the same interface and runs the same migrations' semantics. Merge joins
// the SQLite files of sharded sweeps into one store.
package datastore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Finding statuses.
const (
	// StatusOpen: the finding is at the head of the repository.
	StatusOpen = "open"
	// StatusHistory: removed from the head but still reachable in history.
	StatusHistory = "history"
	// StatusFixed: no longer found anywhere in the repository.
	StatusFixed = "fixed"
)

// Repository outcomes within one sweep.
const (
	RepoDone     = "done"       // scanned and recorded
	RepoUpToDate = "up-to-date" // no new commits since the last sweep
	RepoFailed   = "failed"     // could not be fetched or scanned
)

// Sweep statuses.
const (
	SweepRunning  = "running"
	SweepFinished = "finished"
)

// ErrNoSweep is returned by Resume when there is no unfinished sweep.
var ErrNoSweep = errors.New("datastore: no unfinished sweep to resume")

// KeyMismatchError says that a datastore's fingerprints were made with
// another fingerprint key than the one given. It names keys by KeyID only.
type KeyMismatchError struct {
	// Where names the datastore (a file, or a redacted connection string).
	Where string
	// Stored is the id of the key the datastore's fingerprints use; Given
	// is the id of the key offered.
	Stored, Given string
}

func (e *KeyMismatchError) Error() string {
	return fmt.Sprintf("%s holds fingerprints made with another fingerprint key (key id %s, this run's key id %s): "+
		"fingerprints from different keys never match, so duplicates and first/last seen would be wrong. "+
		"Use the key the datastore was made with (the same SPRAWL_FINGERPRINT_KEY, or unset it to use the key kept in the datastore), or a new datastore",
		e.Where, e.Stored, e.Given)
}

// KeyID names a fingerprint key without revealing it: the first 16 hex
// digits of HMAC-SHA256(key, "sprawl fingerprint key id v1"). Datastores
// record the id of the key their fingerprints were made with, so sweeps
// and merges can refuse to mix keys.
func KeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("sprawl fingerprint key id v1"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// Sweep is one run of `sprawl sweep`.
type Sweep struct {
	ID       int64      `json:"id"`
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished,omitempty"`
	Status   string     `json:"status"`
	// Shard is "i/n" when the sweep ran one shard, else "".
	Shard string `json:"shard,omitempty"`
	// Run names the run the sweep belongs to (sprawl sweep --run): every
	// shard of one run has its own sweep with the same Run. "" when unnamed.
	Run string `json:"run,omitempty"`
	// UID identifies the sweep across datastores (merge uses it).
	UID string `json:"uid"`
}

// RepoState is what the store remembers of a repository between sweeps.
type RepoState struct {
	URL  string `json:"url"`
	Name string `json:"name"`
	// Head is the commit HEAD pointed to when last scanned.
	Head string `json:"head,omitempty"`
	// Tips maps each ref scanned last time to the commit it pointed to.
	Tips map[string]string `json:"tips,omitempty"`
}

// Finding is one stored finding: a place and, for secrets, a fingerprint.
type Finding struct {
	// Key is detectors.Finding.Key(): rule, path and fingerprint (or message).
	Key         string `json:"key"`
	Rule        string `json:"rule"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Preview     string `json:"preview,omitempty"`
	Kind        string `json:"kind,omitempty"`
	IdentityKey string `json:"identityKey,omitempty"`
	Path        string `json:"path"`
	Line        int    `json:"line,omitempty"`
	Commit      string `json:"commit,omitempty"`
	Message     string `json:"message,omitempty"`
	// InHead is true when the finding is at the repository's head.
	InHead bool `json:"inHead"`
	// Detail is the finding as the report writers need it (columns,
	// related locations, properties; JSON of detectors.Finding, which never
	// holds a secret), so SARIF can be rebuilt from the store. Optional.
	Detail []byte `json:"-"`

	// Filled when read back from the store.
	Repo       string     `json:"repo,omitempty"`
	Status     string     `json:"status,omitempty"`
	FirstSweep int64      `json:"firstSweep,omitempty"`
	LastSweep  int64      `json:"lastSweep,omitempty"`
	FixedSweep int64      `json:"fixedSweep,omitempty"`
	FirstSeen  *time.Time `json:"firstSeen,omitempty"`
	LastSeen   *time.Time `json:"lastSeen,omitempty"`
	Fixed      *time.Time `json:"fixed,omitempty"`
}

// Identity is one non-human identity as seen in one repository.
type Identity struct {
	Key            string   `json:"key"`
	Kind           string   `json:"kind,omitempty"`
	Name           string   `json:"name,omitempty"`
	Workload       string   `json:"workload,omitempty"`
	Recommendation string   `json:"recommendation,omitempty"`
	CurrentControl string   `json:"currentControl,omitempty"`
	Misfit         bool     `json:"misfit"`
	Reasons        []string `json:"reasons,omitempty"`
	FirstAction    string   `json:"firstAction,omitempty"`
	Copies         int      `json:"copies,omitempty"`
}

// RepoResult is what one repository produced in one sweep.
type RepoResult struct {
	SweepID int64
	URL     string
	Name    string
	// Outcome is RepoDone, RepoUpToDate or RepoFailed.
	Outcome string
	// Error says why a repository failed; it must hold no credentials.
	Error    string
	Attempts int
	Started  time.Time
	Duration time.Duration
	// Head and Tips are the commits scanned (ignored when failed).
	Head string
	Tips map[string]string
	// Commits counts commits read.
	Commits int64
	// Full is true when the whole history was scanned: stored findings of
	// the repository that were not seen again are then fixed.
	Full bool
	// Findings are the findings seen in this scan.
	Findings []Finding
	// LeftHead lists keys of stored findings that this (incremental) scan
	// found no longer at the head; they move to StatusHistory.
	LeftHead []string
	// Identities are the repository's identities seen in this scan.
	Identities []Identity
}

// Store is the storage interface every backend implements. Methods are safe
// for concurrent use.
type Store interface {
	// FingerprintKey returns the key fingerprints are made with, creating
	// and storing 32 random bytes on first use.
	FingerprintKey(ctx context.Context) ([]byte, error)
	// BindFingerprintKey records KeyID(key) as the id of the key the
	// store's fingerprints are made with, or checks it against the one
	// recorded: a *KeyMismatchError when they differ.
	BindFingerprintKey(ctx context.Context, key []byte) error
	// FingerprintKeyID returns the recorded key id ("" when none).
	FingerprintKeyID(ctx context.Context) (string, error)
	// BeginSweep starts a new sweep.
	BeginSweep(ctx context.Context, shard string) (Sweep, error)
	// OpenRun returns the sweep of shard in the run named run, starting it
	// when there is none (existing=false). Shards of one run running at
	// once, or a shard re-run after it died, get one sweep per shard.
	OpenRun(ctx context.Context, run, shard string) (sw Sweep, existing bool, err error)
	// ResumeSweep returns the newest unfinished sweep for shard, or
	// ErrNoSweep.
	ResumeSweep(ctx context.Context, shard string) (Sweep, error)
	// FinishSweep marks a sweep finished.
	FinishSweep(ctx context.Context, id int64) error
	// Finished returns the URLs recorded as done or up to date in sweep id.
	Finished(ctx context.Context, id int64) (map[string]bool, error)
	// RepoState returns what is remembered of url (found=false if nothing).
	RepoState(ctx context.Context, url string) (RepoState, bool, error)
	// OpenFindings returns the findings of url that are still at the head.
	OpenFindings(ctx context.Context, url string) ([]Finding, error)
	// RepoFindings returns the findings of url that are not fixed (at the
	// head or only in history), with their Detail.
	RepoFindings(ctx context.Context, url string) ([]Finding, error)
	// RecordRepo stores one repository's result atomically.
	RecordRepo(ctx context.Context, r RepoResult) error
	// SweepRepos returns the per-repository outcomes of sweep id.
	SweepRepos(ctx context.Context, id int64) ([]SweepRepo, error)
	// Inventory returns the stored inventory across all repositories.
	Inventory(ctx context.Context) (*Inventory, error)
	// Close releases the store.
	Close() error
}

// SweepRepo is one repository's outcome in one sweep.
type SweepRepo struct {
	URL      string        `json:"url"`
	Name     string        `json:"name"`
	Outcome  string        `json:"outcome"`
	Error    string        `json:"error,omitempty"`
	Attempts int           `json:"attempts"`
	Commits  int64         `json:"commits"`
	Findings int           `json:"findings"`
	Duration time.Duration `json:"duration"`
}
