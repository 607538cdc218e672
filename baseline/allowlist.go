package baseline

import (
	"fmt"
	"regexp"

	"github.com/BurntSushi/toml"

	"github.com/sprawl-dev/sprawl/scanners"
)

// gitleaksAllowlist is the part of a gitleaks allowlist table that says
// whether it allowlists whole paths for every rule.
type gitleaksAllowlist struct {
	Paths       []string `toml:"paths"`
	Regexes     []string `toml:"regexes"`
	StopWords   []string `toml:"stopwords"`
	Commits     []string `toml:"commits"`
	TargetRules []string `toml:"targetRules"`
}

// ParseAllowlistPaths reads a gitleaks-format document (.gitleaks.toml, a
// .sprawl.toml's rules) named source and returns an Ignore silencing every
// finding in a path its global allowlists allowlist outright: paths alone,
// with no regexes, stopwords, commits or target rules. gitleaks skips
// those files; sprawl's secret rules do too, and the Ignore keeps its
// other detectors (configuration checks, token caching) and the identities
// derived from them out of the files as well. A document without such
// allowlists gives an empty Ignore.
func ParseAllowlistPaths(source, doc string) (Ignore, error) {
	var f struct {
		Allowlist  *gitleaksAllowlist  `toml:"allowlist"`
		Allowlists []gitleaksAllowlist `toml:"allowlists"`
	}
	if _, err := toml.Decode(doc, &f); err != nil {
		return Ignore{}, fmt.Errorf("config %s: %w", source, err)
	}
	if f.Allowlist != nil {
		f.Allowlists = append(f.Allowlists, *f.Allowlist)
	}
	ig := Ignore{Path: source}
	for _, a := range f.Allowlists {
		if len(a.Regexes) > 0 || len(a.StopWords) > 0 || len(a.Commits) > 0 || len(a.TargetRules) > 0 {
			continue
		}
		for _, p := range a.Paths {
			re, err := regexp.Compile(p)
			if err != nil {
				return Ignore{}, fmt.Errorf("config %s: allowlist path %q: %w", source, p, err)
			}
			ig.Rules = append(ig.Rules, Rule{PathPattern: re, Reason: "path allowlisted in " + source})
		}
	}
	return ig, nil
}

// ParseExcludes reads the exclude globs of a .sprawl.toml's [sprawl] table
// (document doc, named source) as an Ignore: a scan skips those paths, and
// what scans a repository without reading its settings first (a sweep)
// drops its findings there instead.
func ParseExcludes(source, doc string) (Ignore, error) {
	var f struct {
		Sprawl struct {
			Exclude []string `toml:"exclude"`
		} `toml:"sprawl"`
	}
	if _, err := toml.Decode(doc, &f); err != nil {
		return Ignore{}, fmt.Errorf("config %s: %w", source, err)
	}
	ig := Ignore{Path: source}
	for _, g := range f.Sprawl.Exclude {
		if !scanners.ValidGlob(g) {
			return Ignore{}, fmt.Errorf("config %s: exclude %q is not a valid glob", source, g)
		}
		ig.Rules = append(ig.Rules, Rule{Glob: g, Reason: "excluded in " + source})
	}
	return ig, nil
}
