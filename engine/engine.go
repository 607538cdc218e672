// Package engine wires sources to detectors: it runs every detector on each
// fragment (once per distinct content and path class), places findings at
// every occurrence, merges a secret's copies across the versions of one
// path in history, and collects notes and statistics. It knows nothing of
// rules or output formats.
package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/scanners"
)

// MaxNotesPerKind bounds the notes kept per repository and kind; the rest
// are only counted.
const MaxNotesPerKind = 200

// Options configure a run.
type Options struct {
	Detectors []detectors.Detector
	// FingerprintKey, when set, keys every emitted fingerprint (an org-wide
	// key shared across CI and sweeps). Otherwise each repository's key is
	// derived from its root commit, so fingerprints are stable per repo.
	FingerprintKey []byte
	// Progress, when set, is called about once a second while scanning.
	Progress func(Progress)
	// Timeout bounds the scan of each source (0 = none). A source that runs
	// out of time keeps what it found, with an error saying it is partial.
	Timeout time.Duration
	// ListedSHA1 holds the hashed_secret values of a detect-secrets
	// baseline; findings of those secrets carry them (SecretFacts.Listed)
	// so that the baseline's entries can be matched without the values.
	ListedSHA1 map[string]bool
}

// Progress is a snapshot of a running scan.
type Progress struct {
	Repo      string
	Fragments int64
	Bytes     int64
	Findings  int64
	Elapsed   time.Duration
}

// RepoResult is what one source produced.
type RepoResult struct {
	Repo  *scanners.Repo `json:"repo"`
	Stats scanners.Stats `json:"stats"`
	// History is true when the source was a git history.
	History bool `json:"history"`
	// Err is a fatal error for this repository; other repositories go on.
	Err string `json:"error,omitempty"`
	// KeySource says how fingerprints were keyed: env, root-commit or name.
	KeySource string `json:"keySource"`
}

// Result is everything a run found, before correlation.
type Result struct {
	Repos    []RepoResult        `json:"repos"`
	Findings []detectors.Finding `json:"findings"`
	Notes    []scanners.Note     `json:"notes,omitempty"`
	Dropped  map[string]int64    `json:"droppedNotes,omitempty"`
	Started  time.Time           `json:"started"`
	Duration time.Duration       `json:"duration"`
}

// HistorySource is implemented by sources that read git history.
type HistorySource interface{ IsHistory() bool }

// Run scans every source in turn and returns the combined result. A source
// that fails is recorded in its RepoResult and the run goes on; Run returns
// an error only when ctx is cancelled.
func Run(ctx context.Context, sources []scanners.Source, opts Options) (*Result, error) {
	res := &Result{Started: time.Now(), Dropped: map[string]int64{}}
	linkKey := make([]byte, 32)
	if _, err := rand.Read(linkKey); err != nil {
		return nil, fmt.Errorf("engine: no randomness for the link key: %w", err)
	}
	for _, src := range sources {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		repo := src.Repo()
		emitKey, keySource := FingerprintKey(opts.FingerprintKey, repo)
		hasher := detectors.NewHasher(emitKey, linkKey)
		hasher.ListSHA1(opts.ListedSHA1)
		hist := false
		if h, ok := src.(HistorySource); ok {
			hist = h.IsHistory()
		}
		sctx, cancel := ctx, context.CancelFunc(func() {})
		if opts.Timeout > 0 {
			sctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		}
		s := &sink{ctx: sctx, repo: repo, hasher: hasher, detectors: opts.Detectors, noteCount: map[scanners.NoteKind]int{}}
		stop := s.startProgress(opts.Progress)
		stats, err := src.Scan(sctx, s)
		stop()
		timedOut := sctx.Err() == context.DeadlineExceeded && ctx.Err() == nil
		cancel()
		rr := RepoResult{Repo: repo, Stats: stats, History: hist, KeySource: keySource}
		switch {
		case timedOut:
			rr.Err = fmt.Sprintf("timed out after %s (--timeout); the results for this repository are partial", opts.Timeout)
		case err != nil:
			rr.Err = err.Error()
		}
		res.Repos = append(res.Repos, rr)
		findings := s.findings
		if hist {
			findings = MergeHistory(findings)
		}
		res.Findings = append(res.Findings, findings...)
		res.Notes = append(res.Notes, s.notes...)
		for k, n := range s.dropped {
			res.Dropped[k] += n
		}
	}
	SortFindings(res.Findings)
	res.Duration = time.Since(res.Started)
	return res, ctx.Err()
}

// FingerprintKey returns the key for emitted fingerprints in repo and how it
// was chosen: the shared key when given; else one derived from the root
// commit id; else (a plain folder) one derived from the folder's name.
func FingerprintKey(shared []byte, repo *scanners.Repo) ([]byte, string) {
	if len(shared) > 0 {
		return shared, "env"
	}
	if repo.RootCommit != "" {
		k := sha256.Sum256([]byte("sprawl-fingerprint-v1:root:" + repo.RootCommit))
		return k[:], "root-commit"
	}
	k := sha256.Sum256([]byte("sprawl-fingerprint-v1:name:" + repo.Name))
	return k[:], "name"
}

type sink struct {
	ctx       context.Context
	repo      *scanners.Repo
	hasher    *detectors.Hasher
	detectors []detectors.Detector

	fragments, bytes, nfindings atomic.Int64

	mu        sync.Mutex
	findings  []detectors.Finding
	notes     []scanners.Note
	noteCount map[scanners.NoteKind]int
	dropped   map[string]int64
}

func (s *sink) startProgress(report func(Progress)) (stop func()) {
	if report == nil {
		return func() {}
	}
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				report(Progress{Repo: s.repo.Name, Fragments: s.fragments.Load(), Bytes: s.bytes.Load(),
					Findings: s.nfindings.Load(), Elapsed: time.Since(start)})
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// Note implements scanners.Sink.
func (s *sink) Note(n scanners.Note) {
	if n.Repo == "" {
		n.Repo = s.repo.Name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noteCount[n.Kind] >= MaxNotesPerKind {
		if s.dropped == nil {
			s.dropped = map[string]int64{}
		}
		s.dropped[string(n.Kind)]++
		return
	}
	s.noteCount[n.Kind]++
	s.notes = append(s.notes, n)
}

// Fragment implements scanners.Sink: it runs the detectors on the fragment.
func (s *sink) Fragment(f scanners.Fragment) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	s.fragments.Add(1)
	s.bytes.Add(int64(len(f.Content)))
	copied := false
	for i, occ := range f.Occurrences {
		if safe, changed := scanners.SafePath(occ.Path); changed {
			s.Note(scanners.Note{Path: safe, Kind: scanners.NoteInfo, Detail: "path with empty, . or .. segments (escaped in reports)"})
			if !copied { // the source may still hold the slice
				f.Occurrences, copied = append([]scanners.Occurrence(nil), f.Occurrences...), true
			}
			f.Occurrences[i].Path = safe
		}
	}
	found, notes := Detect(s.ctx, f, s.detectors, s.hasher)
	for _, n := range notes {
		s.Note(n)
	}
	if len(found) == 0 {
		return nil
	}
	for i := range found {
		found[i].Location.Repo = s.repo.Name
		for j := range found[i].Related {
			if found[i].Related[j].Repo == "" {
				found[i].Related[j].Repo = s.repo.Name
			}
		}
	}
	s.nfindings.Add(int64(len(found)))
	s.mu.Lock()
	s.findings = append(s.findings, found...)
	s.mu.Unlock()
	return nil
}

// Detect runs detectors on one fragment and returns a finding per
// occurrence. Each detector runs once per path class among the occurrences.
// A detector that panics yields a note instead of findings.
func Detect(ctx context.Context, f scanners.Fragment, dets []detectors.Detector, h *detectors.Hasher) ([]detectors.Finding, []scanners.Note) {
	var found []detectors.Finding
	var notes []scanners.Note
	allow := 0 // 1: the content holds an allow comment, -1: it does not; 0: not looked yet
	for _, d := range dets {
		byClass := map[string][]scanners.Occurrence{}
		var order []string
		currentOnly := false
		if c, ok := d.(detectors.CurrentOnly); ok {
			currentOnly = c.CurrentOnly()
		}
		for _, occ := range f.Occurrences {
			if currentOnly && !occ.InHead {
				continue
			}
			c := d.PathClass(occ.Path)
			if c == "" {
				continue
			}
			if _, seen := byClass[c]; !seen {
				order = append(order, c)
			}
			byClass[c] = append(byClass[c], occ)
		}
		for _, c := range order {
			occs := byClass[c]
			got, detNotes, ok := safeDetect(ctx, d, detectors.Input{Path: occs[0].Path, Content: f.Content, Hasher: h})
			notes = append(notes, detNotes...)
			if !ok {
				notes = append(notes, scanners.Note{Path: occs[0].Path, Kind: scanners.NoteError,
					Detail: "detector " + d.Name() + " failed on this file (internal error); other detectors still ran"})
			}
			if len(got) > 0 && allow == 0 {
				allow = -1
				if hasAllowComment(f.Content) {
					allow = 1
				}
			}
			if allow > 0 {
				got = dropAllowed(got, f.Content)
			}
			for _, fd := range got {
				for _, occ := range occs {
					found = append(found, place(fd, occ, occs[0].Path))
				}
			}
		}
	}
	return mergeLiterals(found), notes
}

// allowComments silence every finding on their line, whichever detector
// made it: sprawl's own, and those of the scanners a repository may come
// from, so that adopting sprawl does not bring back what a team already
// judged — gitleaks and Betterleaks, TruffleHog, GitGuardian's ggshield,
// Yelp's detect-secrets (and its older spelling).
var allowComments = [][]byte{
	[]byte("sprawl:allow"),
	[]byte("gitleaks:allow"),
	[]byte("trufflehog:ignore"),
	[]byte("ggignore"),
	[]byte("pragma: allowlist secret"),
	[]byte("pragma: whitelist secret"),
}

// allowNextLine silences the line below it (detect-secrets' form for a
// line that cannot hold a comment, such as a multi-line string's).
var allowNextLine = []byte("pragma: allowlist nextline secret")

func hasAllowComment(content []byte) bool {
	for _, c := range allowComments {
		if bytes.Contains(content, c) {
			return true
		}
	}
	return bytes.Contains(content, allowNextLine)
}

// dropAllowed drops the findings whose first line holds an allow comment.
func dropAllowed(fs []detectors.Finding, content []byte) []detectors.Finding {
	allowed := allowedLines(content)
	out := fs[:0:0]
	for _, fd := range fs {
		if !allowed[fd.Location.StartLine] {
			out = append(out, fd)
		}
	}
	return out
}

// allowedLines returns the 1-based numbers of the lines an allow comment
// silences, in one pass a comment over content whatever the number of
// findings.
func allowedLines(content []byte) map[int]bool {
	allowed := map[int]bool{}
	mark := func(c []byte, below int) {
		line, counted := 1, 0 // line holds content[counted]
		for at := 0; ; {
			i := bytes.Index(content[at:], c)
			if i < 0 {
				break
			}
			line += bytes.Count(content[counted:at+i], []byte{'\n'})
			counted = at + i
			allowed[line+below] = true
			at += i + len(c)
		}
	}
	for _, c := range allowComments {
		mark(c, 0)
	}
	mark(allowNextLine, 1)
	return allowed
}

// mergeLiterals folds a literal-secret finding of another detector (a config
// check that saw a literal password, say) into the secret/ finding for the
// same value on the same line: one alert, with the workload facts the
// config check knew.
func mergeLiterals(fs []detectors.Finding) []detectors.Finding {
	type key struct {
		path, commit string
		line         int
		fp           string
	}
	at := func(f detectors.Finding) key {
		k := key{path: f.Location.Path, line: f.Location.StartLine, fp: f.Secret.Fingerprint}
		if f.Location.Commit != nil {
			k.commit = f.Location.Commit.Hash
		}
		return k
	}
	secretAt := map[key]int{}
	for i, f := range fs {
		if f.Secret != nil && strings.HasPrefix(f.RuleID, "secret/") {
			secretAt[at(f)] = i
		}
	}
	if len(secretAt) == 0 {
		return fs
	}
	folded := make([]bool, len(fs))
	for j, f := range fs {
		if f.Secret != nil && !strings.HasPrefix(f.RuleID, "secret/") {
			if i, ok := secretAt[at(f)]; ok {
				if fs[i].Workload == nil {
					fs[i].Workload = f.Workload
				}
				folded[j] = true
			}
		}
	}
	out := fs[:0:0]
	for j, f := range fs {
		if !folded[j] {
			out = append(out, f)
		}
	}
	return out
}

// safeDetect runs one detector and turns a panic into no findings and
// ok=false, so one hostile file cannot stop a scan.
func safeDetect(ctx context.Context, d detectors.Detector, in detectors.Input) (out []detectors.Finding, notes []scanners.Note, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			out, notes, ok = nil, nil, false
		}
	}()
	if c, isChecker := d.(detectors.Checker); isChecker {
		out, notes = c.Check(ctx, in)
		return out, notes, true
	}
	return d.Detect(ctx, in), nil, true
}

// place copies a finding detected at firstPath to occurrence occ.
func place(fd detectors.Finding, occ scanners.Occurrence, firstPath string) detectors.Finding {
	fd.Location.Path = occ.Path
	if len(fd.Related) > 0 {
		rel := make([]detectors.Location, len(fd.Related))
		copy(rel, fd.Related)
		for i := range rel {
			if rel[i].Path == firstPath {
				rel[i].Path = occ.Path
			}
			rel[i].Commit = occ.Commit
		}
		fd.Related = rel
	}
	if fd.Secret != nil {
		s := *fd.Secret
		fd.Secret = &s
	}
	if occ.Commit != nil {
		fd.Location.Commit = occ.Commit
		fd.History = &detectors.HistoryFacts{FirstSeen: occ.Commit, LastSeen: occ.LastSeen, RemovedIn: occ.RemovedIn, InHead: occ.InHead,
			OnlyInRefs: occ.OnlyInRefs, OnlyInRefsTotal: occ.OnlyInRefsTotal}
		if fd.History.LastSeen == nil {
			fd.History.LastSeen = occ.Commit
		}
	}
	return fd
}

// MergeHistory keeps one finding per (rule, secret or message, path): the
// one from the oldest introducing commit, with LastSeen the newest commit
// that still had it and InHead true when any version at HEAD has it.
func MergeHistory(in []detectors.Finding) []detectors.Finding {
	type key struct{ rule, what, path string }
	idx := map[key]int{}
	var out []detectors.Finding
	for _, f := range in {
		what := f.Message
		if f.Secret != nil {
			what = f.Secret.Link
		}
		k := key{f.RuleID, what, f.Location.Path}
		i, ok := idx[k]
		if !ok {
			idx[k] = len(out)
			out = append(out, f)
			continue
		}
		out[i] = mergeTwo(out[i], f)
	}
	return out
}

func mergeTwo(a, b detectors.Finding) detectors.Finding {
	if a.History == nil || b.History == nil {
		return a
	}
	first, other := a, b
	if older(b.History.FirstSeen, a.History.FirstSeen) {
		first, other = b, a
	}
	h := *first.History
	if older(h.LastSeen, other.History.LastSeen) {
		h.LastSeen = other.History.LastSeen
		h.RemovedIn = other.History.RemovedIn
	}
	h.InHead = a.History.InHead || b.History.InHead
	if h.InHead {
		h.RemovedIn = nil
	}
	h.OnlyInRefs, h.OnlyInRefsTotal = detectors.MergeOnlyInRefs(a.History, b.History)
	first.History = &h
	return first
}

// older reports whether commit a is older than b (nil is newest).
func older(a, b *scanners.Commit) bool {
	if a == nil {
		return false
	}
	if b == nil {
		return true
	}
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	return a.Hash < b.Hash
}

// SortFindings orders findings by repository, path, position and rule.
func SortFindings(fs []detectors.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Location, fs[j].Location
		if a.Repo != b.Repo {
			return a.Repo < b.Repo
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		if a.StartColumn != b.StartColumn {
			return a.StartColumn < b.StartColumn
		}
		return fs[i].RuleID < fs[j].RuleID
	})
}
