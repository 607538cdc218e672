// Package workload classifies config files and workloads as data
// (workloads.toml, embedded and overridable): which platform a path
// belongs to and which lifecycle (ephemeral, persistent, agentic) its
// workloads have.
package workload

import (
	_ "embed"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed workloads.toml
var defaultTOML string

// Platform is one kind of configuration file.
type Platform struct {
	ID         string   `toml:"id"`
	Parser     string   `toml:"parser"`
	Kind       string   `toml:"kind"`
	Federation bool     `toml:"federation"`
	Paths      []string `toml:"paths"`
	Exclude    []string `toml:"exclude"`
}

// Table is the classification data.
type Table struct {
	Platforms  []Platform `toml:"platform"`
	Kubernetes struct {
		Ephemeral  []string `toml:"ephemeral"`
		Persistent []string `toml:"persistent"`
		Default    string   `toml:"default"`
	} `toml:"kubernetes"`
	Compose struct {
		Default string            `toml:"default"`
		Restart map[string]string `toml:"restart"`
	} `toml:"compose"`
}

var (
	once   sync.Once
	def    *Table
	defErr error
)

// Default returns the embedded table.
func Default() *Table {
	once.Do(func() { def, defErr = Parse(defaultTOML) })
	if defErr != nil {
		panic("workload: embedded workloads.toml: " + defErr.Error())
	}
	return def
}

// Parse reads a table in the workloads.toml format.
func Parse(doc string) (*Table, error) {
	var t Table
	if _, err := toml.Decode(doc, &t); err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	for _, p := range t.Platforms {
		if p.ID == "" || p.Parser == "" || !validKind(p.Kind) {
			return nil, fmt.Errorf("workload: platform %q needs id, parser and a kind", p.ID)
		}
		for _, g := range append(append([]string{}, p.Paths...), p.Exclude...) {
			if _, err := path.Match(g, ""); err != nil {
				return nil, fmt.Errorf("workload: platform %q: bad glob %q", p.ID, g)
			}
		}
	}
	return &t, nil
}

func validKind(k string) bool {
	switch k {
	case "ephemeral", "persistent", "agentic", "shared":
		return true
	}
	return false
}

// Match returns the platform whose globs match p (slash-separated).
func (t *Table) Match(p string) (Platform, bool) {
	for _, pl := range t.Platforms {
		if matchAny(pl.Exclude, p) {
			continue
		}
		if matchAny(pl.Paths, p) {
			return pl, true
		}
	}
	return Platform{}, false
}

// Platform returns the platform with id.
func (t *Table) Platform(id string) Platform {
	for _, pl := range t.Platforms {
		if pl.ID == id {
			return pl
		}
	}
	return Platform{ID: id, Kind: "persistent"}
}

// KubernetesKind classifies a Kubernetes resource kind.
func (t *Table) KubernetesKind(resource string) string {
	for _, k := range t.Kubernetes.Ephemeral {
		if k == resource {
			return "ephemeral"
		}
	}
	for _, k := range t.Kubernetes.Persistent {
		if k == resource {
			return "persistent"
		}
	}
	return orDefault(t.Kubernetes.Default)
}

// ComposeKind classifies a compose service by its restart policy.
func (t *Table) ComposeKind(restart string) string {
	if k, ok := t.Compose.Restart[strings.Trim(restart, `"'`)]; ok && k != "" {
		return k
	}
	return orDefault(t.Compose.Default)
}

func orDefault(k string) string {
	if k == "" {
		return "persistent"
	}
	return k
}

func matchAny(globs []string, p string) bool {
	segs := strings.Split(p, "/")
	for _, g := range globs {
		n := strings.Count(g, "/") + 1
		if n > len(segs) {
			continue
		}
		if ok, _ := path.Match(g, strings.Join(segs[len(segs)-n:], "/")); ok {
			return true
		}
	}
	return false
}
