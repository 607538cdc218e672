package secrets

import (
	"strings"
	"testing"
)

func TestLoadConfigRejectsBadUserRules(t *testing.T) {
	tests := []struct{ name, toml, want string }{
		{"bad regex", "[[rules]]\nid = \"x\"\nregex = '''a{0,5}?('''\n", "invalid rule"},
		{"not toml", "[[rules]\n", "project.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(NamedTOML{Name: "project.toml", TOML: tt.toml})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLoadConfigAddsUserRules(t *testing.T) {
	cfg, err := LoadConfig(NamedTOML{Name: "p", TOML: "[[rules]]\nid = \"acme-key\"\nregex = '''acme_[a-z0-9]{32}'''\nkeywords = [\"acme_\"]\n"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Rules["acme-key"]; !ok || len(cfg.Rules) < 223 {
		t.Errorf("user rule missing or defaults lost: %d rules", len(cfg.Rules))
	}
}
