package githistory

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

// This file exports random-access reads of a repository for scanners that
// need a few objects rather than a history walk (scanners/staged): the same
// pack and loose-object reader, no git process, no go-git, no config that
// runs anything.

// ObjectID is an object id: SHA-1 in its first 20 bytes (the rest zero),
// or SHA-256 in all 32.
type ObjectID [sha256Len]byte

// String returns the id in hex.
func (id ObjectID) String() string { return oid(id).String() }

// IsZero reports whether id is all zeros (no object).
func (id ObjectID) IsZero() bool { return id == ObjectID{} }

// GitDirs are a repository's folders: GitDir holds HEAD and the index;
// CommonDir holds objects, refs and config (they differ for linked
// worktrees).
type GitDirs struct {
	GitDir, CommonDir string
}

// FindGitDirs accepts a work tree (with a .git folder or a .git file) or
// a bare repository. It does not look in parent folders.
func FindGitDirs(root string) (GitDirs, error) {
	d, err := findGitDir(root)
	return GitDirs{GitDir: d.gitDir, CommonDir: d.commonDir}, err
}

func (d GitDirs) internal() gitDirs { return gitDirs{gitDir: d.GitDir, commonDir: d.CommonDir} }

// ErrUnsupportedRepo says that a repository uses a format this reader does
// not know (an object format other than SHA-1 and SHA-256, reftable refs);
// the message says which.
var ErrUnsupportedRepo = errors.New("unsupported repository format")

// CheckFormat returns an error wrapping ErrUnsupportedRepo when the
// repository uses a format the readers here do not know: object ids other
// than SHA-1 and SHA-256, or a ref storage other than files and reftable.
// Without it such a repository would read as one with no refs, and its
// scan would find nothing without saying why.
func CheckFormat(d GitDirs) error {
	if f := ObjectFormat(d); hashLen(f) == 0 {
		return fmt.Errorf("%w: %s uses %s object ids, which sprawl reads only from working trees (scan it without --history or --staged)", ErrUnsupportedRepo, d.CommonDir, f)
	}
	switch s := refStorage(d); s {
	case "files":
	case "reftable":
		if _, err := os.Stat(filepath.Join(d.CommonDir, "reftable", "tables.list")); err != nil {
			return fmt.Errorf("%w: %s keeps its refs in a reftable but has no reftable/tables.list (does `git for-each-ref` work?)", ErrUnsupportedRepo, d.CommonDir)
		}
	default:
		return fmt.Errorf("%w: %s keeps its refs in %q storage, which sprawl does not read (scan the working tree without --history or --staged, or convert it with `git refs migrate --ref-format=files`)", ErrUnsupportedRepo, d.CommonDir, s)
	}
	return nil
}

// ReadHead returns the commit HEAD names (zero when the branch is unborn)
// and the branch, if any. It reads only the refs it needs.
func ReadHead(d GitDirs) (ObjectID, string, error) {
	if err := CheckFormat(d); err != nil {
		return ObjectID{}, "", err
	}
	if usesReftable(d.CommonDir) {
		refs, err := reftableRefs(d.internal())
		if err != nil {
			return ObjectID{}, "", err
		}
		id, branch, err := reftableHead(refs)
		return ObjectID(id), branch, err
	}
	b, err := os.ReadFile(filepath.Join(d.GitDir, "HEAD"))
	if err != nil {
		return ObjectID{}, "", err
	}
	s := strings.TrimSpace(string(b))
	branch := ""
	for range 10 { // symbolic refs may point at symbolic refs
		target, ok := strings.CutPrefix(s, "ref:")
		if !ok {
			break
		}
		target = strings.TrimSpace(target)
		if !validRefName(target) {
			return ObjectID{}, "", fmt.Errorf("HEAD names an invalid ref %q", target)
		}
		if branch == "" {
			branch = strings.TrimPrefix(target, "refs/heads/")
		}
		s, ok = readRef(d, target)
		if !ok {
			return ObjectID{}, branch, nil // unborn branch
		}
	}
	id, ok := parseOID(s)
	if !ok {
		return ObjectID{}, "", fmt.Errorf("HEAD does not name a commit (%q)", s)
	}
	return ObjectID(id), branch, nil
}

func validRefName(name string) bool {
	if !strings.HasPrefix(name, "refs/") || strings.Contains(name, "..") || strings.ContainsAny(name, "\\\x00") {
		return false
	}
	for _, c := range strings.Split(name, "/") {
		if c == "" || c == "." {
			return false
		}
	}
	return true
}

// readRef returns a ref's content: a loose ref in the worktree's or the
// common folder, else its line in packed-refs.
func readRef(d GitDirs, name string) (string, bool) {
	for _, dir := range []string{d.GitDir, d.CommonDir} {
		if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err == nil {
			return strings.TrimSpace(string(b)), true
		}
	}
	b, err := os.ReadFile(filepath.Join(d.CommonDir, "packed-refs"))
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if h, n, ok := strings.Cut(strings.TrimSpace(line), " "); ok && n == name && (len(h) == 2*sha1Len || len(h) == 2*sha256Len) {
			return h, true
		}
	}
	return "", false
}

// ObjectFormat returns the repository's object id format in lower case:
// "sha1" unless its config sets extensions.objectFormat (read as data).
func ObjectFormat(d GitDirs) string { return extension(d, "objectformat", "sha1") }

// refStorage returns how the repository keeps its refs, in lower case:
// "files" (loose refs and packed-refs) unless its config sets
// extensions.refStorage ("reftable").
func refStorage(d GitDirs) string { return extension(d, "refstorage", "files") }

// extension reads extensions.<name> from the repository's config as data,
// in lower case, or returns def when it is not set.
func extension(d GitDirs, name, def string) string {
	if v := ConfigOption(d, "extensions", name); v != "" {
		return strings.ToLower(v)
	}
	return def
}

// hashLen is the object id length of an object format ("sha1" or
// "sha256", as ObjectFormat returns it), 0 for any other.
func hashLen(format string) int {
	switch format {
	case "sha1":
		return sha1Len
	case "sha256":
		return sha256Len
	}
	return 0
}

// HashSize returns the length in bytes of the repository's object ids: 20
// (SHA-1) or 32 (SHA-256), or 0 for a format CheckFormat refuses.
func HashSize(d GitDirs) int { return hashLen(ObjectFormat(d)) }

// OriginURL returns remote "origin"'s URL without credentials, or "".
func OriginURL(d GitDirs) string { return originURL(d.internal()) }

// ObjectReader reads objects by id from a repository's object folder (and
// its alternates). It is safe for concurrent use.
type ObjectReader struct {
	st   *objStore
	dirs GitDirs
}

// OpenObjects opens d's object database.
func OpenObjects(d GitDirs) (*ObjectReader, error) {
	if err := CheckFormat(d); err != nil {
		return nil, err
	}
	st, err := openStore(filepath.Join(d.CommonDir, "objects"), HashSize(d))
	if err != nil {
		return nil, err
	}
	return &ObjectReader{st: st, dirs: d}, nil
}

// HashSize returns the length in bytes of the repository's object ids.
func (r *ObjectReader) HashSize() int { return r.st.hashLen }

// Close releases the packs.
func (r *ObjectReader) Close() { r.st.close() }

func (r *ObjectReader) read(id ObjectID, want int) ([]byte, error) {
	typ, data, err := r.st.read(oid(id))
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", id, err)
	}
	if typ != want {
		return nil, fmt.Errorf("object %s is a %s, not a %s", id, typeName(typ), typeName(want))
	}
	return data, nil
}

// Commit is what ObjectReader reads of a commit.
type Commit struct {
	Tree    ObjectID
	Parents []ObjectID
}

// ReadCommit reads a commit.
func (r *ObjectReader) ReadCommit(id ObjectID) (Commit, error) {
	data, err := r.read(id, typeCommit)
	if err != nil {
		return Commit{}, err
	}
	var c commitInfo
	if err := parseCommit(data, &c); err != nil {
		return Commit{}, fmt.Errorf("commit %s: %w", id, err)
	}
	out := Commit{Tree: ObjectID(c.tree), Parents: make([]ObjectID, len(c.parentIDs))}
	for i, p := range c.parentIDs {
		out.Parents[i] = ObjectID(p)
	}
	return out, nil
}

// TreeEntry is one entry of a tree object.
type TreeEntry struct {
	Name string
	Mode uint32
	ID   ObjectID
}

// IsDir reports whether the entry is a subtree.
func (e TreeEntry) IsDir() bool { return e.Mode&0o170000 == 0o040000 }

// ReadTree reads a tree's entries, in the tree's order.
func (r *ObjectReader) ReadTree(id ObjectID) ([]TreeEntry, error) {
	data, err := r.read(id, typeTree)
	if err != nil {
		return nil, err
	}
	es, err := parseTree(data, r.st.hashLen)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", id, err)
	}
	out := make([]TreeEntry, len(es))
	for i, e := range es {
		out[i] = TreeEntry{Name: e.name, Mode: e.mode, ID: ObjectID(e.id)}
	}
	return out, nil
}

// ErrTooLarge is returned by ReadBlob for blobs over its limit.
var ErrTooLarge = errors.New("blob larger than the limit")

// ReadBlob reads a blob of at most limit bytes. A larger blob returns its
// size and ErrTooLarge, without inflating it when its size is known from
// its header (loose objects, whole packed objects).
func (r *ObjectReader) ReadBlob(id ObjectID, limit int64) ([]byte, int64, error) {
	z := r.st.inflater()
	defer r.st.infs.Put(z)
	for i, p := range r.st.packs {
		off, ok := p.find(oid(id))
		if !ok {
			continue
		}
		h, err := p.header(off)
		if err != nil {
			return nil, 0, fmt.Errorf("blob %s: %w", id, err)
		}
		if h.typ != typeOfsDelta && h.typ != typeRefDelta {
			if h.typ != typeBlob {
				return nil, 0, fmt.Errorf("object %s is a %s, not a blob", id, typeName(h.typ))
			}
			if h.size > limit {
				return nil, h.size, ErrTooLarge
			}
		}
		typ, data, err := r.st.readPacked(z, int32(i), off, 0)
		if err != nil {
			return nil, 0, fmt.Errorf("blob %s: %w", id, err)
		}
		if typ != typeBlob {
			return nil, 0, fmt.Errorf("object %s is a %s, not a blob", id, typeName(typ))
		}
		if int64(len(data)) > limit {
			return nil, int64(len(data)), ErrTooLarge
		}
		return data, int64(len(data)), nil
	}
	typ, size, data, err := r.st.readLoose(z, oid(id), limit)
	if err != nil {
		return nil, 0, fmt.Errorf("blob %s: %w", id, err)
	}
	if typ != typeBlob {
		return nil, 0, fmt.Errorf("object %s is a %s, not a blob", id, typeName(typ))
	}
	if data == nil && size > limit {
		return nil, size, ErrTooLarge
	}
	return data, size, nil
}

// maxFirstParents bounds the walk to the root commit.
const maxFirstParents = 2_000_000

// RootCommit follows first parents from head to the root commit, as
// scanners/repoinfo does (the fingerprint key derives from it). In a
// shallow clone the oldest commit present stands in. It returns the zero
// id when a commit cannot be read. Commits in git's commit-graph are
// followed through it, the rest read as objects.
func (r *ObjectReader) RootCommit(head ObjectID) ObjectID {
	var graph *commitGraph
	cacheFile := ""
	if _, err := os.Stat(filepath.Join(r.dirs.CommonDir, "shallow")); err != nil {
		// git ignores the graph of a shallow clone too: its parents may
		// name commits that are not there.
		graph = openCommitGraph(r.st.dir, r.st.hashLen)
		defer graph.close()
		cacheFile = rootCacheFile(r.dirs.CommonDir) // rootcache.go
	}
	cachedAt, cachedRoot, cached := loadRoot(cacheFile)
	root := r.walkToRoot(head, graph, func(id ObjectID) bool { return cached && id == cachedAt })
	if root == cachedAt && cached {
		root = cachedRoot
	}
	if !root.IsZero() && (!cached || cachedAt != head || cachedRoot != root) {
		storeRoot(cacheFile, head, root)
	}
	return root
}

// walkToRoot follows first parents from head to the root commit, or to
// the first commit known reports (which it returns).
func (r *ObjectReader) walkToRoot(head ObjectID, graph *commitGraph, known func(ObjectID) bool) ObjectID {
	id := head
	if known(id) {
		return id
	}
	parent, hasParent, err := r.firstParent(id)
	for range maxFirstParents {
		if known(id) {
			return id
		}
		if graph != nil {
			if pos, ok := graph.lookup(oid(id)); ok {
				if root, gerr := graph.rootAlongFirstParents(pos); gerr == nil {
					return ObjectID(root)
				}
				graph = nil // corrupt: read objects instead
			}
		}
		if err != nil {
			return ObjectID{}
		}
		if !hasParent {
			return id
		}
		next, nextHas, perr := r.firstParent(parent)
		if errors.Is(perr, errNotFound) {
			return id // shallow: the parent is not here
		}
		id, parent, hasParent, err = parent, next, nextHas, perr
	}
	return ObjectID{}
}

// commitHead is how much of a commit firstParent inflates: the tree line
// and the first parent line take 94 bytes.
const commitHead = 256

// firstParent returns a commit's first parent, inflating only the start
// of the commit where it can (a repository's first-parent chain is tens
// of thousands of commits whose messages and signatures the walk to the
// root does not need).
func (r *ObjectReader) firstParent(id ObjectID) (ObjectID, bool, error) {
	typ, data, err := r.st.readHead(oid(id), commitHead)
	if err != nil {
		return ObjectID{}, false, fmt.Errorf("object %s: %w", id, err)
	}
	if typ != typeCommit {
		return ObjectID{}, false, fmt.Errorf("object %s is a %s, not a commit", id, typeName(typ))
	}
	// "tree <id>\n" then the parents, if any, one a line.
	if tree, rest, ok := bytes.Cut(data, []byte{'\n'}); ok && bytes.HasPrefix(tree, []byte("tree ")) {
		if line, _, ok := bytes.Cut(rest, []byte{'\n'}); ok {
			if p, found := bytes.CutPrefix(line, []byte("parent ")); found {
				if o, ok := parseOID(string(p)); ok {
					return ObjectID(o), true, nil
				}
			} else {
				return ObjectID{}, false, nil // the line after the tree is not a parent: a root
			}
		}
	}
	// Anything unusual: read and parse the whole commit.
	c, err := r.ReadCommit(id)
	if err != nil || len(c.Parents) == 0 {
		return ObjectID{}, false, err
	}
	return c.Parents[0], true, nil
}

func init() {
	repoinfo.FindRoot = findRoot
	repoinfo.DescribeUnopened = describe
}

// describe is repoinfo.DescribeUnopened: what repoinfo reads with go-git
// (origin, HEAD, branch, root commit), read with this package's readers.
func describe(dir string, repo *scanners.Repo) bool {
	_, dirs, err := FindRepo(dir)
	if err != nil || CheckFormat(dirs) != nil {
		return false
	}
	if repo.URI = OriginURL(dirs); repo.URI != "" {
		if n := repoinfo.NameFromURL(repo.URI); n != "" {
			repo.Name = n
		}
	}
	head, branch, err := ReadHead(dirs)
	if err != nil {
		return false
	}
	repo.Branch = branch
	if !head.IsZero() {
		repo.Head = head.String()
		repo.RootCommit = findRoot(dir, repo.Head)
	}
	return true
}

// findRoot is repoinfo.FindRoot: the root commit through ObjectReader.
func findRoot(dir, head string) string {
	h, ok := parseOID(head)
	if !ok {
		return ""
	}
	dirs, err := FindGitDirs(dir)
	if err != nil {
		return ""
	}
	r, err := OpenObjects(dirs)
	if err != nil {
		return ""
	}
	defer r.Close()
	root := r.RootCommit(ObjectID(h))
	if root == (ObjectID{}) {
		return ""
	}
	return root.String()
}

// maxHeadFile bounds what HeadFile reads: settings and ignore files are
// small.
const maxHeadFile = 1 << 20

// HeadFile returns the content of the regular file at path (slash
// separated) in the tree of HEAD of the repository whose git folder (bare,
// or a .git folder) is gitDir, for settings a repository without a working
// tree carries in its commits (.sprawl.toml, .sprawlignore,
// .gitleaksignore). found is false when HEAD is unborn or has no such
// file.
func HeadFile(gitDir, path string) (data []byte, found bool, err error) {
	d, err := FindGitDirs(gitDir)
	if err != nil {
		return nil, false, err
	}
	head, _, err := ReadHead(d)
	if err != nil || head.IsZero() {
		return nil, false, err
	}
	r, err := OpenObjects(d)
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	c, err := r.ReadCommit(head)
	if err != nil {
		return nil, false, err
	}
	id := c.Tree
	names := strings.Split(path, "/")
	for i, name := range names {
		es, err := r.ReadTree(id)
		if err != nil {
			return nil, false, err
		}
		var e *TreeEntry
		for j := range es {
			if es[j].Name == name {
				e = &es[j]
				break
			}
		}
		last := i == len(names)-1
		if e == nil || e.IsDir() == last {
			return nil, false, nil // no such path, or a folder where a file is wanted
		}
		if last && e.Mode&0o170000 != 0o100000 {
			return nil, false, nil // a symlink or a submodule
		}
		id = e.ID
	}
	data, size, err := r.ReadBlob(id, maxHeadFile)
	if errors.Is(err, ErrTooLarge) {
		return nil, false, fmt.Errorf("%s at HEAD is %d bytes, more than %d", path, size, maxHeadFile)
	}
	return data, err == nil, err
}
