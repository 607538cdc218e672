package secrets

import (
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
)

// viper is process-global in gitleaks' config loader; serialise its use.
var viperMu sync.Mutex

// parseConfig translates one gitleaks-format TOML document.
func parseConfig(name, src string) (cfg config.Config, err error) {
	viperMu.Lock()
	defer viperMu.Unlock()
	// gitleaks compiles rule regexes with MustCompile: a bad regex in a
	// user's rules panics. Turn that into an error naming the file.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = config.Config{}, fmt.Errorf("secrets: %s: invalid rule: %v", name, r)
		}
	}()
	viper.Reset()
	defer viper.Reset()
	viper.SetConfigType("toml")
	if err := viper.ReadConfig(strings.NewReader(src)); err != nil {
		return config.Config{}, fmt.Errorf("secrets: reading %s: %w", name, err)
	}
	var vc config.ViperConfig
	if err := viper.Unmarshal(&vc); err != nil {
		return config.Config{}, fmt.Errorf("secrets: decoding %s: %w", name, err)
	}
	cfg, err = vc.Translate()
	if err != nil {
		return config.Config{}, fmt.Errorf("secrets: %s: %w", name, err)
	}
	return cfg, nil
}

// mergeConfig adds extra's rules and global allowlists to base. A rule with
// an id that base already has replaces it.
func mergeConfig(base, extra config.Config) config.Config {
	if base.Rules == nil {
		base.Rules = map[string]config.Rule{}
	}
	if base.Keywords == nil {
		base.Keywords = map[string]struct{}{}
	}
	for _, id := range extra.OrderedRules {
		if _, exists := base.Rules[id]; !exists {
			base.OrderedRules = append(base.OrderedRules, id)
		}
		base.Rules[id] = extra.Rules[id]
	}
	for k := range extra.Keywords {
		base.Keywords[k] = struct{}{}
	}
	base.Allowlists = append(base.Allowlists, extra.Allowlists...)
	return base
}

// LoadConfig returns gitleaks' default rules plus each extra document, in
// order. Each extra is a gitleaks-format TOML document.
func LoadConfig(extras ...NamedTOML) (config.Config, error) {
	cfg, err := parseConfig("gitleaks default rules", config.DefaultConfig)
	if err != nil {
		return cfg, err
	}
	for _, e := range extras {
		x, err := parseConfig(e.Name, e.TOML)
		if err != nil {
			return cfg, err
		}
		cfg = mergeConfig(cfg, x)
	}
	return cfg, nil
}

// NamedTOML is a gitleaks-format rules document and where it came from.
type NamedTOML struct {
	Name string
	TOML string
}
