package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/sprawl-dev/sprawl/baseline"
	"github.com/sprawl-dev/sprawl/detectors/secrets"
	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// settings come from a project's .sprawl.toml: a [sprawl] table of options
// plus, at top level, extra detection rules and allowlists in gitleaks'
// format ([[rules]], [[allowlists]]).
type settings struct {
	Exclude []string      `toml:"exclude"`
	MaxAge  time.Duration `toml:"-"`
	MaxAgeS string        `toml:"max-age"`
	// MaxArchiveDepth is --max-archive-depth's default.
	MaxArchiveDepth int `toml:"max-archive-depth"`

	path      string
	rulesTOML string
	// found: path was found in the scanned folder, not named by --config.
	found bool
	// gitleaksPath and gitleaksTOML are the scanned folder's .gitleaks.toml
	// (read when no --config is given), for repositories that come from
	// gitleaks: its rules, allowlists and [extend] disabledRules apply.
	gitleaksPath, gitleaksTOML string
}

type settingsFile struct {
	Sprawl     settings         `toml:"sprawl"`
	Rules      []map[string]any `toml:"rules"`
	Allowlists []map[string]any `toml:"allowlists"`
	Allowlist  map[string]any   `toml:"allowlist"` // gitleaks' older global allowlist
	Extend     map[string]any   `toml:"extend"`
}

// loadSettings reads explicit (when given) or the .sprawl.toml of the first
// folder in paths, and that folder's .gitleaks.toml. A missing default file
// is not an error. With fromHead, a repository without a working tree (a
// bare clone, or a .git folder) has its files read from HEAD's tree.
func loadSettings(explicit string, paths []string, fromHead bool) (settings, error) {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			if fromHead && isBareRepository(p) {
				return readSettings(explicit, headFiles(p))
			}
			return readSettings(explicit, folderFiles(p))
		}
		break
	}
	return readSettings(explicit, nil)
}

// settingsFiles reads a settings file by name: its label for messages, its
// content, and whether it exists.
type settingsFiles func(name string) (label string, data []byte, found bool, err error)

// folderFiles reads settings files from the folder dir.
func folderFiles(dir string) settingsFiles {
	return func(name string) (string, []byte, bool, error) {
		p := filepath.Join(dir, name)
		raw, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil, false, nil
		}
		return p, raw, err == nil, err
	}
}

// headFiles reads settings files from HEAD's tree of the git folder dir.
func headFiles(dir string) settingsFiles {
	return func(name string) (string, []byte, bool, error) {
		raw, found, err := githistory.HeadFile(dir, name)
		return dir + ":HEAD:" + name, raw, found, err
	}
}

// readSettings reads explicit (when given) or .sprawl.toml from files, and
// .gitleaks.toml from files; files may be nil (no folder).
func readSettings(explicit string, files settingsFiles) (settings, error) {
	var gl settings
	if files != nil && explicit == "" { // --config replaces both
		switch label, raw, found, err := files(".gitleaks.toml"); {
		case err != nil:
			return settings{}, fmt.Errorf("cannot read config %s: %w", label, err)
		case found:
			gl.gitleaksPath, gl.gitleaksTOML = label, string(raw)
		}
	}
	var (
		path string
		raw  []byte
		err  error
	)
	switch {
	case explicit != "":
		path = explicit
		if raw, err = os.ReadFile(explicit); err != nil {
			return settings{}, fmt.Errorf("cannot read config %s: %w", path, err)
		}
	case files != nil:
		var found bool
		if path, raw, found, err = files(".sprawl.toml"); err != nil {
			return settings{}, fmt.Errorf("cannot read config %s: %w", path, err)
		} else if !found {
			return gl, nil
		}
	default:
		return settings{}, nil
	}
	var f settingsFile
	if _, err := toml.Decode(string(raw), &f); err != nil {
		return settings{}, fmt.Errorf("config %s: %w", path, err)
	}
	s := f.Sprawl
	s.path, s.found = path, explicit == ""
	s.gitleaksPath, s.gitleaksTOML = gl.gitleaksPath, gl.gitleaksTOML
	if s.MaxAgeS != "" {
		d, err := parseAge(s.MaxAgeS)
		if err != nil {
			return settings{}, fmt.Errorf("config %s: max-age: %w", path, err)
		}
		s.MaxAge = d
	}
	if s.MaxArchiveDepth < 0 {
		return settings{}, fmt.Errorf("config %s: max-archive-depth must be 0 or more", path)
	}
	if len(f.Rules) > 0 || len(f.Allowlists) > 0 || len(f.Allowlist) > 0 || len(f.Extend) > 0 {
		s.rulesTOML = string(raw)
	}
	return s, nil
}

// ruleDocuments returns the gitleaks-format documents s holds for the
// secrets detector: the .gitleaks.toml, then the rules of .sprawl.toml (or
// --config). Documents found in a scanned repository are untrusted.
func (s settings) ruleDocuments() []secrets.NamedTOML {
	var docs []secrets.NamedTOML
	if s.gitleaksTOML != "" {
		docs = append(docs, secrets.NamedTOML{Name: s.gitleaksPath, TOML: s.gitleaksTOML, Untrusted: true})
	}
	if s.rulesTOML != "" {
		docs = append(docs, secrets.NamedTOML{Name: s.path, TOML: s.rulesTOML, Untrusted: s.found})
	}
	return docs
}

// allowlistIgnores returns, for each of the project's gitleaks-format
// documents (.gitleaks.toml, the rules of .sprawl.toml or --config), the
// paths its global allowlists allowlist outright, as an Ignore (see
// baseline.ParseAllowlistPaths).
func (s settings) allowlistIgnores() ([]baseline.Ignore, error) {
	var out []baseline.Ignore
	for _, doc := range []struct{ path, toml string }{{s.gitleaksPath, s.gitleaksTOML}, {s.path, s.rulesTOML}} {
		if doc.toml == "" {
			continue
		}
		ig, err := baseline.ParseAllowlistPaths(doc.path, doc.toml)
		if err != nil {
			return nil, err
		}
		if len(ig.Rules) > 0 {
			out = append(out, ig)
		}
	}
	return out, nil
}

// parseAge accepts Go durations and whole days ("90d").
func parseAge(v string) (time.Duration, error) {
	var days int
	if _, err := fmt.Sscanf(v, "%dd", &days); err == nil && fmt.Sprintf("%dd", days) == v {
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

// ageValue is a flag holding an age: a Go duration or whole days ("90d").
type ageValue struct{ d *time.Duration }

func (a ageValue) String() string {
	if a.d == nil {
		return ""
	}
	if *a.d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", *a.d/(24*time.Hour))
	}
	return a.d.String()
}

func (a ageValue) Set(v string) error {
	d, err := parseAge(v)
	if err != nil {
		return fmt.Errorf("want days (90d) or a duration (36h): %w", err)
	}
	if d <= 0 {
		return fmt.Errorf("want an age above zero")
	}
	*a.d = d
	return nil
}
