// Package repoinfo describes a local repository for reports: its name,
// remote URL (credentials stripped), HEAD, branch and root commit. It reads
// git metadata as data with go-git and never runs git or the repo's config.
package repoinfo

import (
	"errors"
	"net/url"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/sprawl-dev/sprawl/scanners"
)

// maxRootWalk bounds the first-parent walk that finds the root commit.
const maxRootWalk = 2_000_000

// FindRoot, when set, finds the root commit of the repository holding the
// folder dir, starting at head, faster than go-git can ("" when it cannot).
// scanners/githistory sets it: it reads packs and git's commit-graph
// itself, and imports this package, so it cannot be called from here.
var FindRoot func(dir, head string) string

// DescribeUnopened, when set, fills repo (Name and Root already set) for
// the repository holding the folder dir when go-git cannot open it, and
// reports whether it could: go-git v5 refuses SHA-256 repositories (its
// objectFormat extension), which git makes on request and by default
// from Git 3.0. scanners/githistory sets it, as it sets FindRoot.
var DescribeUnopened func(dir string, repo *scanners.Repo) bool

// Describe returns what is known about the folder at root. A folder that is
// not in a git repository gets only Name and Root.
func Describe(root string) *scanners.Repo {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	repo := &scanners.Repo{Name: filepath.Base(abs), Root: root}
	r, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		if !errors.Is(err, git.ErrRepositoryNotExists) && DescribeUnopened != nil {
			DescribeUnopened(abs, repo)
		}
		return repo
	}
	fill(repo, r, abs)
	return repo
}

// Fill sets URI, Head, Branch and RootCommit of repo from an open repository.
func Fill(repo *scanners.Repo, r *git.Repository) { fill(repo, r, "") }

func fill(repo *scanners.Repo, r *git.Repository, dir string) {
	if cfg, err := r.Config(); err == nil {
		if rem, ok := cfg.Remotes["origin"]; ok && len(rem.URLs) > 0 {
			repo.URI = CleanURL(rem.URLs[0])
			if n := NameFromURL(repo.URI); n != "" {
				repo.Name = n
			}
		}
	}
	head, err := r.Head()
	if err != nil {
		return
	}
	repo.Head = head.Hash().String()
	if head.Name().IsBranch() {
		repo.Branch = head.Name().Short()
	}
	if wt, err := r.Worktree(); err == nil && dir != "" {
		dir = wt.Filesystem.Root() // root may be a folder inside the work tree
	}
	if dir != "" && FindRoot != nil {
		if root := FindRoot(dir, repo.Head); root != "" {
			repo.RootCommit = root
			return
		}
	}
	repo.RootCommit = rootCommit(r, head.Hash())
}

// rootCommit follows first parents from h to the root.
func rootCommit(r *git.Repository, h plumbing.Hash) string {
	var objects storer.EncodedObjectStorer = r.Storer
	if fs, ok := r.Storer.(*filesystem.Storage); ok {
		// go-git reopens a pack file for every object unless told to keep
		// it open: on etcd's 30,000 first-parent commits that was a second.
		kept := filesystem.NewStorageWithOptions(fs.Filesystem(), cache.NewObjectLRUDefault(),
			filesystem.Options{KeepDescriptors: true, AlternatesFS: fs.Filesystem()})
		defer kept.Close()
		objects = kept
	}
	c, err := object.GetCommit(objects, h)
	for i := 0; err == nil && i < maxRootWalk; i++ {
		if c.NumParents() == 0 {
			return c.Hash.String()
		}
		var p *object.Commit
		p, err = c.Parent(0)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			// Shallow clone: the oldest commit we have stands in.
			return c.Hash.String()
		}
		c = p
	}
	return ""
}

// CleanURL removes user info (tokens, passwords) from a remote URL.
func CleanURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		// scp-like git@host:owner/repo.git keeps its form; drop "user@".
		if i := strings.Index(raw, "@"); i >= 0 && !strings.Contains(raw[:i], "/") {
			return raw[i+1:]
		}
		return raw
	}
	u.User = nil
	return u.String()
}

// NameFromURL returns "owner/name" for a remote URL, or "".
func NameFromURL(u string) string {
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	u = strings.ReplaceAll(u, ":", "/")
	parts := strings.Split(u, "/")
	if len(parts) < 2 || parts[len(parts)-1] == "" || parts[len(parts)-2] == "" {
		return ""
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}
