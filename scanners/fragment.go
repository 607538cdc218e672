// Package scanners defines what every source of content hands to the
// detectors: bytes plus provenance. Sub-packages implement the sources
// (working tree, staged index, stdin, git history, org sweeps).
package scanners

import (
	"context"
	"time"
)

// Repo describes the repository (or plain folder) a scan reads.
type Repo struct {
	// Name is the label shown in reports: a folder name, "owner/name" or a URL.
	Name string `json:"name"`
	// Root is the local path that was scanned ("-" for stdin).
	Root string `json:"root,omitempty"`
	// URI is the remote URL for SARIF versionControlProvenance, when known.
	URI string `json:"uri,omitempty"`
	// Head is the commit HEAD pointed to, when the root is a git repository.
	Head string `json:"head,omitempty"`
	// Branch is the branch HEAD pointed to, when known.
	Branch string `json:"branch,omitempty"`
	// RootCommit is the id of the oldest root commit reachable from HEAD; it
	// derives the default fingerprint key so fingerprints are stable per repo.
	RootCommit string `json:"-"`
}

// Commit identifies a git commit. The author e-mail is deliberately absent:
// reports should not spread personal data further than git already does.
type Commit struct {
	Hash   string    `json:"hash"`
	Author string    `json:"author,omitempty"`
	Time   time.Time `json:"time,omitzero"` // zero when the commit records no time
}

// Occurrence is one place where a fragment's content appears.
type Occurrence struct {
	// Path is slash-separated and relative to the repository root.
	Path string
	// Commit is the commit that introduced this content at Path (history
	// scans only; nil for working tree, staged and stdin scans).
	Commit *Commit
	// LastSeen is the newest commit that still had this content at Path.
	LastSeen *Commit
	// RemovedIn is the commit that removed or changed this content at Path
	// when it is no longer at HEAD.
	RemovedIn *Commit
	// InHead reports whether this content is at Path in HEAD (true for
	// working-tree and staged scans).
	InHead bool
	// OnlyInRefs names refs outside branches and tags (a pull request's
	// head, the stash) that reach this content when no branch or tag
	// does: the first few of OnlyInRefsTotal. Set by history scans that
	// walk such refs (--all-refs).
	OnlyInRefs      []string
	OnlyInRefsTotal int
}

// Fragment is one distinct piece of content and every place it appears.
// History scanners emit each distinct blob once, with all its occurrences.
type Fragment struct {
	Repo *Repo
	// BlobID is the git object id of Content when known (empty otherwise).
	BlobID  string
	Content []byte
	// Occurrences lists at least one place; the first is the oldest.
	Occurrences []Occurrence
}

// NoteKind classifies a note.
type NoteKind string

// Kinds of notes a scanner may raise.
const (
	NoteSkippedLarge   NoteKind = "skipped-large"
	NoteSkippedBinary  NoteKind = "skipped-binary"
	NoteSkippedExclude NoteKind = "skipped-excluded"
	NoteSkippedLink    NoteKind = "skipped-symlink"
	NoteLimit          NoteKind = "limit"
	NoteError          NoteKind = "error"
	NoteInfo           NoteKind = "info"
)

// Note tells the user about something the scan skipped, limited or could not
// read. It never carries file content.
type Note struct {
	Repo   string   `json:"repo,omitempty"`
	Path   string   `json:"path,omitempty"`
	Kind   NoteKind `json:"kind"`
	Detail string   `json:"detail"`
}

// Stats counts what a source read.
type Stats struct {
	Files   int64 `json:"files"`
	Bytes   int64 `json:"bytes"`
	Commits int64 `json:"commits,omitempty"`
	Blobs   int64 `json:"blobs,omitempty"`
	// Skipped counts files or blobs not scanned, by note kind.
	Skipped map[NoteKind]int64 `json:"skipped,omitempty"`
	// Depth is the history depth seen when the repository is shallow.
	ShallowDepth int `json:"shallowDepth,omitempty"`
}

// Sink receives what a source produces. Implementations must be safe for
// concurrent use: sources may emit from several goroutines.
type Sink interface {
	// Fragment hands over one fragment; an error stops the source.
	Fragment(Fragment) error
	// Note records something skipped, limited or unreadable.
	Note(Note)
}

// Source is anything that yields fragments: a tree, the index, a history.
type Source interface {
	// Repo describes what is scanned; it is valid after New... returns.
	Repo() *Repo
	// Scan emits every fragment to sink and returns what it read. A fatal
	// error (the root cannot be opened) is returned; per-file problems become
	// notes and the scan goes on.
	Scan(ctx context.Context, sink Sink) (Stats, error)
}
