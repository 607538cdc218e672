package githistory

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// The root commit a repository's fingerprint key derives from sits at the
// end of HEAD's first-parent chain: tens of thousands of commits to read
// in a large repository without a commit-graph (0.1–0.2 s on etcd, which
// a pre-commit hook would pay on every commit). A repository's root does
// not change as commits are added, so the last answer is kept in the
// user's cache directory (RootCacheDir) as "<commit> <root>": the next walk stops when it
// reaches that commit, usually a step or two from the new HEAD. Only what
// sprawl computed itself is written, and a cached commit counts only when
// the walk from HEAD reaches it, so a stale entry costs a full walk and
// nothing else. Shallow clones are left out: unshallowing moves the root.

// RootCacheDir is the directory root answers are kept in; "" (the
// default, and what tests get) keeps none. cmd/sprawl sets it from
// SPRAWL_CACHE_DIR or the user cache directory.
var RootCacheDir string

// rootCacheFile is the cache file of the repository whose common git
// directory is commonDir, or "" when there is no cache.
func rootCacheFile(commonDir string) string {
	dir := RootCacheDir
	if dir == "" {
		return ""
	}
	abs, err := filepath.Abs(commonDir)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, hex.EncodeToString(sum[:16]))
}

// loadRoot returns the cached commit and its root, if any.
func loadRoot(file string) (commit, root ObjectID, ok bool) {
	if file == "" {
		return commit, root, false
	}
	data, err := os.ReadFile(file)
	if err != nil || len(data) > 256 {
		return commit, root, false
	}
	c, r, found := strings.Cut(strings.TrimSpace(string(data)), " ")
	co, ok1 := parseOID(c)
	ro, ok2 := parseOID(r)
	if !found || !ok1 || !ok2 {
		return commit, root, false
	}
	return ObjectID(co), ObjectID(ro), true
}

// storeRoot records that commit's first-parent root is root; failures are
// ignored (the cache only saves time).
func storeRoot(file string, commit, root ObjectID) {
	if file == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".root-*")
	if err != nil {
		return
	}
	_, werr := tmp.WriteString(commit.String() + " " + root.String() + "\n")
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), file) != nil {
		os.Remove(tmp.Name())
	}
}
