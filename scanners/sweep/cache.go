package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ScannedRef is the ref the cache keeps pointing at the commits already
// scanned (a marker commit whose parents are the previous tips), so the
// objects stay and the boundary is one revision. History scans walk
// branches and tags only, never this ref.
const ScannedRef = "refs/sprawl/scanned"

// fetchSpecs mirror branches and tags; pull-request and other refs are not
// fetched unless Cache.RequestRefs.
var fetchSpecs = []config.RefSpec{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}

// requestSpecs mirror pull and merge request heads: GitHub keeps
// refs/pull/N/head for every pull request, closed ones included, and
// GitLab refs/merge-requests/N/head.
var requestSpecs = []config.RefSpec{"+refs/pull/*:refs/pull/*", "+refs/merge-requests/*:refs/merge-requests/*"}

// Cache keeps one bare clone per repository under Dir.
type Cache struct {
	Dir string
	// RequestRefs also fetches pull and merge request heads.
	RequestRefs bool
}

// specs returns the refspecs a sync fetches.
func (c *Cache) specs() []config.RefSpec {
	if c.RequestRefs {
		return append(slices.Clone(fetchSpecs), requestSpecs...)
	}
	return fetchSpecs
}

// Path returns the folder of t's bare clone: a readable name plus a hash
// of the URL, so two repositories never share a folder.
func (c *Cache) Path(t Target) string {
	sum := sha256.Sum256([]byte(t.URL))
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, t.Name)
	name = strings.Trim(name, "._")
	if len(name) > 60 {
		name = name[:60]
	}
	return filepath.Join(c.Dir, "repos", name+"-"+hex.EncodeToString(sum[:8])+".git")
}

var installFile sync.Once

// useInProcessFileTransport makes go-git serve local repositories itself
// instead of running the git-upload-pack binary on them: nothing from a
// scanned repository (or the system's git) runs.
func useInProcessFileTransport() {
	installFile.Do(func() {
		client.InstallProtocol("file", server.NewClient(localLoader{}))
	})
}

// localLoader opens a local repository (worktree or bare) for the
// in-process file transport.
type localLoader struct{}

func (localLoader) Load(ep *transport.Endpoint) (storer.Storer, error) {
	dir := ep.Path
	if st, err := os.Stat(filepath.Join(dir, ".git")); err == nil && st.IsDir() {
		dir = filepath.Join(dir, ".git")
	}
	if _, err := os.Stat(filepath.Join(dir, "objects")); err != nil {
		return nil, transport.ErrRepositoryNotFound
	}
	return filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault()), nil
}

// Sync brings t's bare clone up to date: it creates it on first use and
// fetches branches and tags incrementally afterwards. HEAD follows the
// remote's default branch. It returns the clone's folder.
func (c *Cache) Sync(ctx context.Context, t Target) (dir string, err error) {
	dir = c.Path(t)
	endpoint := t.URL
	if t.Local {
		useInProcessFileTransport()
		endpoint = "file://" + filepath.ToSlash(t.URL)
	}
	r, err := git.PlainOpen(dir)
	if err == nil && !refsReadable(r) {
		// A sweep killed while go-git rewrote a ref leaves it empty;
		// such a clone cannot fetch again: start over.
		err = errors.New("unreadable refs")
	}
	if err != nil {
		// A first clone that fails leaves nothing behind.
		fresh := dir
		defer func() {
			if err != nil {
				os.RemoveAll(fresh)
			}
		}()
		// Missing or unusable: start again from an empty bare repository.
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
			return "", err
		}
		if r, err = git.PlainInit(dir, true); err != nil {
			return "", fmt.Errorf("creating the cache clone: %w", err)
		}
	}
	// The remote is rewritten each time so a changed URL takes effect; the
	// URL holds no credentials (they travel in t.Auth).
	_ = r.DeleteRemote("origin")
	rem, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{endpoint}, Fetch: c.specs()})
	if err != nil {
		return "", err
	}
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: t.Auth})
	if err != nil {
		return "", err
	}
	err = rem.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", RefSpecs: c.specs(), Auth: t.Auth,
		Tags: git.NoTags, Force: true, Prune: true})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return "", err
	}
	if err := setHead(r, refs); err != nil {
		return "", err
	}
	return dir, nil
}

// refsReadable reports whether every ref of r can be read.
func refsReadable(r *git.Repository) bool {
	iter, err := r.References()
	if err != nil {
		return false
	}
	defer iter.Close()
	return iter.ForEach(func(*plumbing.Reference) error { return nil }) == nil
}

// setHead points HEAD at the remote's default branch.
func setHead(r *git.Repository, remote []*plumbing.Reference) error {
	var target plumbing.ReferenceName
	var headHash plumbing.Hash
	for _, ref := range remote {
		if ref.Name() == plumbing.HEAD {
			if ref.Type() == plumbing.SymbolicReference {
				target = ref.Target()
			} else {
				headHash = ref.Hash()
			}
		}
	}
	if target == "" {
		var branches []*plumbing.Reference
		for _, ref := range remote {
			if ref.Name().IsBranch() {
				branches = append(branches, ref)
			}
		}
		sort.Slice(branches, func(i, j int) bool { return branches[i].Name() < branches[j].Name() })
		for _, ref := range branches {
			if ref.Hash() == headHash || (headHash.IsZero() && (ref.Name().Short() == "main" || ref.Name().Short() == "master")) {
				target = ref.Name()
				break
			}
		}
		if target == "" && len(branches) > 0 {
			target = branches[0].Name()
		}
	}
	if target == "" {
		return nil
	}
	return r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, target))
}

// Tips returns the commits the clone's HEAD, branches, tags and pull or
// merge request heads (when fetched) point to (tags peeled), keyed by ref
// name.
func Tips(dir string) (map[string]string, string, error) {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return nil, "", err
	}
	tips := map[string]string{}
	iter, err := r.References()
	if err != nil {
		return nil, "", err
	}
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		n := ref.Name()
		if ref.Type() != plumbing.HashReference || !(n.IsBranch() || n.IsTag() || requestRef(n.String())) {
			return nil
		}
		if h, ok := peel(r, ref.Hash()); ok {
			tips[n.String()] = h.String()
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	head := ""
	if h, err := r.Head(); err == nil {
		head = h.Hash().String()
	}
	return tips, head, nil
}

// requestRef reports whether name is a pull or merge request ref, as
// requestSpecs fetch them.
func requestRef(name string) bool {
	return strings.HasPrefix(name, "refs/pull/") || strings.HasPrefix(name, "refs/merge-requests/")
}

// peel follows annotated tags to a commit.
func peel(r *git.Repository, h plumbing.Hash) (plumbing.Hash, bool) {
	for range 10 {
		if _, err := r.CommitObject(h); err == nil {
			return h, true
		}
		tag, err := r.TagObject(h)
		if err != nil {
			return plumbing.ZeroHash, false
		}
		h = tag.Target
	}
	return plumbing.ZeroHash, false
}

// markerTime keeps marker commits deterministic: same tips, same id.
var markerTime = time.Unix(0, 0).UTC()

// Boundary returns a revision that excludes everything reachable from the
// previously scanned tips still present in the clone, for use as a
// history source's Since: the tip itself when there is one, else a marker
// commit (with an empty tree) whose parents are the tips, kept alive by
// ScannedRef. It returns "" when none of the tips are present (the whole
// history must be scanned).
func Boundary(dir string, prev map[string]string) (string, error) {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return "", err
	}
	seen := map[plumbing.Hash]bool{}
	var parents []plumbing.Hash
	for _, c := range prev {
		h := plumbing.NewHash(c)
		if seen[h] || h.IsZero() {
			continue
		}
		seen[h] = true
		if _, err := r.CommitObject(h); err != nil {
			continue // rewritten away and pruned, or never fetched
		}
		parents = append(parents, h)
	}
	sort.Slice(parents, func(i, j int) bool { return parents[i].String() < parents[j].String() })
	switch len(parents) {
	case 0:
		return "", nil
	case 1:
		return parents[0].String(), nil
	}
	tree := r.Storer.NewEncodedObject()
	if err := (&object.Tree{}).Encode(tree); err != nil {
		return "", err
	}
	treeHash, err := r.Storer.SetEncodedObject(tree)
	if err != nil {
		return "", err
	}
	sig := object.Signature{Name: "sprawl", Email: "sprawl@localhost", When: markerTime}
	commit := &object.Commit{Author: sig, Committer: sig, Message: "sprawl: tips scanned by the previous sweep\n",
		TreeHash: treeHash, ParentHashes: parents}
	obj := r.Storer.NewEncodedObject()
	if err := commit.Encode(obj); err != nil {
		return "", err
	}
	h, err := r.Storer.SetEncodedObject(obj)
	if err != nil {
		return "", err
	}
	if err := r.Storer.SetReference(plumbing.NewHashReference(ScannedRef, h)); err != nil {
		return "", err
	}
	return h.String(), nil
}

// ChangedPaths reports which of paths hold different content (or nothing)
// at commit newHead than at oldHead. It returns nil when either commit
// cannot be read: then nothing can be said.
func ChangedPaths(dir, oldHead, newHead string, paths []string) map[string]bool {
	if oldHead == "" || newHead == "" || oldHead == newHead {
		return nil
	}
	r, err := git.PlainOpen(dir)
	if err != nil {
		return nil
	}
	tree := func(h string) *object.Tree {
		c, err := r.CommitObject(plumbing.NewHash(h))
		if err != nil {
			return nil
		}
		t, err := c.Tree()
		if err != nil {
			return nil
		}
		return t
	}
	oldTree, newTree := tree(oldHead), tree(newHead)
	if oldTree == nil || newTree == nil {
		return nil
	}
	out := map[string]bool{}
	for _, p := range paths {
		if _, done := out[p]; done {
			continue
		}
		a, errA := oldTree.FindEntry(p)
		b, errB := newTree.FindEntry(p)
		switch {
		case errB != nil:
			out[p] = true
		case errA != nil:
			out[p] = false // cannot compare; the new content was scanned
		default:
			out[p] = a.Hash != b.Hash
		}
	}
	return out
}
