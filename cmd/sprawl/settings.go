package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/BurntSushi/toml"
)

// settings come from a project's .sprawl.toml: a [sprawl] table of options
// plus, at top level, extra detection rules and allowlists in gitleaks'
// format ([[rules]], [[allowlists]]).
type settings struct {
	Exclude []string      `toml:"exclude"`
	MaxAge  time.Duration `toml:"-"`
	MaxAgeS string        `toml:"max-age"`

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
// folder in paths. A missing default file is not an error.
func loadSettings(explicit string, paths []string) (settings, error) {
	path, dir := explicit, ""
	if path == "" {
		for _, p := range paths {
			if p == "-" {
				continue
			}
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				dir = p
				path = filepath.Join(p, ".sprawl.toml")
			}
			break
		}
	}
	if path == "" {
		return settings{}, nil
	}
	var gl settings
	if dir != "" {
		p := filepath.Join(dir, ".gitleaks.toml")
		switch raw, err := os.ReadFile(p); {
		case err == nil:
			gl.gitleaksPath, gl.gitleaksTOML = p, string(raw)
		case !errors.Is(err, fs.ErrNotExist):
			return settings{}, fmt.Errorf("cannot read config %s: %w", p, err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		if explicit == "" && errors.Is(err, fs.ErrNotExist) {
			return gl, nil
		}
		return settings{}, fmt.Errorf("cannot read config %s: %w", path, err)
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
	if len(f.Rules) > 0 || len(f.Allowlists) > 0 || len(f.Allowlist) > 0 || len(f.Extend) > 0 {
		s.rulesTOML = string(raw)
	}
	return s, nil
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
