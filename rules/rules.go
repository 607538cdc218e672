// Package rules holds sprawl's data: the rule catalogue (SARIF rule
// metadata), credential kinds and lifetimes, extra secret-detection rules in
// gitleaks format, and decision thresholds. Everything is embedded with
// go:embed; a user's .sprawl.toml can extend it.
package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed catalog/*.toml
var catalogFS embed.FS

// Rule is SARIF rule metadata for one rule id.
type Rule struct {
	ID string `toml:"id"`
	// Name is a PascalCase name (SARIF reportingDescriptor.name).
	Name string `toml:"name"`
	// Short and Full are the short and full descriptions (plain text).
	Short string `toml:"short"`
	Full  string `toml:"full"`
	// Help is markdown: what it means, why it matters, how to fix it.
	Help string `toml:"help"`
	// HelpURI links to further reading.
	HelpURI string   `toml:"helpUri"`
	Tags    []string `toml:"tags"`
	// Severity is the security severity, 0.1 to 10.
	Severity float64 `toml:"severity"`
	// Precision is very-high, high, medium or low.
	Precision string `toml:"precision"`
	// Level is the default SARIF level: error, warning or note.
	Level string `toml:"level"`
}

type catalogFile struct {
	Rules []Rule `toml:"rule"`
}

var (
	catalogOnce sync.Once
	catalog     map[string]Rule
	catalogErr  error
)

// Catalog returns every rule in the embedded catalogue, keyed by id.
func Catalog() (map[string]Rule, error) {
	catalogOnce.Do(func() {
		catalog, catalogErr = loadCatalog(catalogFS)
	})
	return catalog, catalogErr
}

func loadCatalog(fsys fs.FS) (map[string]Rule, error) {
	names, err := fs.Glob(fsys, "catalog/*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := map[string]Rule{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f catalogFile
		if _, err := toml.Decode(string(raw), &f); err != nil {
			return nil, fmt.Errorf("rules: %s: %w", name, err)
		}
		for _, r := range f.Rules {
			if err := r.validate(); err != nil {
				return nil, fmt.Errorf("rules: %s: %w", name, err)
			}
			if _, dup := out[r.ID]; dup {
				return nil, fmt.Errorf("rules: %s: rule %q defined twice", name, r.ID)
			}
			out[r.ID] = r
		}
	}
	return out, nil
}

func (r Rule) validate() error {
	switch {
	case r.ID == "" || !strings.Contains(r.ID, "/"):
		return fmt.Errorf("rule id %q must look like family/name", r.ID)
	case r.Short == "" || r.Full == "" || r.Help == "":
		return fmt.Errorf("rule %q needs short, full and help", r.ID)
	case r.Severity <= 0 || r.Severity > 10:
		return fmt.Errorf("rule %q: severity %v must be in (0, 10]", r.ID, r.Severity)
	}
	switch r.Level {
	case "error", "warning", "note":
	default:
		return fmt.Errorf("rule %q: level %q must be error, warning or note", r.ID, r.Level)
	}
	switch r.Precision {
	case "very-high", "high", "medium", "low":
	default:
		return fmt.Errorf("rule %q: precision %q must be very-high, high, medium or low", r.ID, r.Precision)
	}
	return nil
}
