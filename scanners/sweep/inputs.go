package sweep

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/sprawl-dev/sprawl/scanners/repoinfo"
)

// Target is one repository to sweep.
type Target struct {
	// URL is the clone URL without credentials, or the absolute path of a
	// local repository. It identifies the repository in the datastore and
	// decides its shard.
	URL string
	// Name is the label in reports: "owner/name" when known.
	Name string
	// Local is true when URL is a local path.
	Local bool
	// Auth carries credentials for the clone, never written anywhere.
	Auth transport.AuthMethod
	// secrets are credential strings to scrub from error messages.
	secrets []string
}

// NewTarget parses a clone URL or local path. Credentials in the URL's user
// info move to Auth and out of URL; base resolves relative local paths.
func NewTarget(raw, base string) (Target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Target{}, fmt.Errorf("empty repository")
	}
	u, err := url.Parse(raw)
	isURL := err == nil && u.Scheme != "" && len(u.Scheme) > 1 // "C:\..." is a path
	scpLike := !isURL && strings.Contains(raw, "@") && strings.Contains(raw, ":") && !strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, ".")
	switch {
	case isURL && u.Scheme == "file":
		return localTarget(u.Path, base), nil
	case isURL:
		t := Target{URL: repoinfo.CleanURL(raw)}
		if u.User != nil {
			pass, hasPass := u.User.Password()
			user := u.User.Username()
			if !hasPass {
				// https://TOKEN@host/...: the user name is the token.
				user, pass = "x-access-token", u.User.Username()
			}
			if u.Scheme == "http" || u.Scheme == "https" {
				t.Auth = &githttp.BasicAuth{Username: user, Password: pass}
			}
			t.secrets = append(t.secrets, pass)
		}
		t.Name = nameFromURL(t.URL)
		return t, nil
	case scpLike:
		t := Target{URL: raw}
		t.Name = nameFromURL(strings.ReplaceAll(raw, ":", "/"))
		return t, nil
	default:
		return localTarget(raw, base), nil
	}
}

func localTarget(p, base string) Target {
	if !filepath.IsAbs(p) && base != "" {
		p = filepath.Join(base, p)
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	p = filepath.Clean(p)
	name := filepath.Base(strings.TrimSuffix(p, ".git"))
	if name == ".git" || name == "" {
		name = filepath.Base(filepath.Dir(p))
	}
	return Target{URL: p, Name: name, Local: true}
}

// WithToken returns t authenticated with an API token over HTTPS (GitHub
// and GitLab accept it as the password of any user name).
func (t Target) WithToken(user, token string) Target {
	if token == "" || t.Local {
		return t
	}
	t.Auth = &githttp.BasicAuth{Username: user, Password: token}
	t.secrets = append(append([]string{}, t.secrets...), token)
	return t
}

// ReadRepoList reads one clone URL or local path a line; blank lines and
// lines starting with # are skipped, as is anything after " #". Relative
// paths are resolved against base (the list's folder).
func ReadRepoList(r io.Reader, base string) ([]Target, error) {
	var out []Target
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t, err := NewTarget(line, base)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

// Dedupe drops repeated URLs, keeping the first.
func Dedupe(ts []Target) []Target {
	seen := map[string]bool{}
	var out []Target
	for _, t := range ts {
		if seen[t.URL] {
			continue
		}
		seen[t.URL] = true
		out = append(out, t)
	}
	return out
}

// Shard is one slice of a sweep: I of N, counted from 1.
type Shard struct{ I, N int }

// ParseShard parses "i/n" with 1 <= i <= n.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("shard %q: want i/n with 1 <= i <= n, e.g. 1/4", s)
	}
	return Shard{I: i, N: n}, nil
}

// String returns "i/n", or "" for the whole sweep.
func (s Shard) String() string {
	if s.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// Has reports whether url belongs to this shard: a stable hash of the URL
// (FNV-1a, 64 bit) modulo N, so a repository stays in its shard whatever
// else the list holds.
func (s Shard) Has(url string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(url))
	return int(h.Sum64()%uint64(s.N)) == s.I-1
}

// Filter keeps the targets of this shard.
func (s Shard) Filter(ts []Target) []Target {
	var out []Target
	for _, t := range ts {
		if s.Has(t.URL) {
			out = append(out, t)
		}
	}
	return out
}

// nameFromURL returns "owner/name" for a remote URL.
func nameFromURL(u string) string {
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	if p, err := url.Parse(u); err == nil && p.Scheme != "" {
		u = p.Path
	}
	parts := strings.Split(strings.Trim(u, "/"), "/")
	if len(parts) >= 2 {
		return parts[len(parts)-2] + "/" + parts[len(parts)-1]
	}
	return parts[len(parts)-1]
}

// Redact replaces every secret in s with "***" and strips user info from
// URLs it contains.
func Redact(s string, secrets ...string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return stripUserInfo(s)
}

// stripUserInfo removes "user:pass@" from scheme://user:pass@host in s.
func stripUserInfo(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		end := strings.IndexAny(s, "/ \t\n\"'")
		if end < 0 {
			end = len(s)
		}
		if at := strings.LastIndex(s[:end], "@"); at >= 0 {
			s = s[at+1:]
		}
	}
}

// Redact removes t's credentials (and any user info) from s.
func (t Target) Redact(s string) string { return Redact(s, t.secrets...) }
