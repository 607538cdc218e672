package workload

import "testing"

func TestDefaultTable(t *testing.T) {
	tb := Default()
	for _, tt := range []struct{ kind, want string }{
		{"CronJob", "ephemeral"}, {"Job", "ephemeral"}, {"Deployment", "persistent"}, {"StatefulSet", "persistent"}, {"Foo", "persistent"},
	} {
		if got := tb.KubernetesKind(tt.kind); got != tt.want {
			t.Errorf("KubernetesKind(%s) = %s", tt.kind, got)
		}
	}
	if tb.ComposeKind("always") != "persistent" || tb.ComposeKind("") != "persistent" {
		t.Error("compose kinds")
	}
	if p, ok := tb.Match("a/b/.github/workflows/x.yml"); !ok || p.ID != "github-actions" || p.Kind != "ephemeral" {
		t.Errorf("Match = %+v", p)
	}
	if _, ok := tb.Match(".env.example"); ok {
		t.Error(".env.example should be excluded")
	}
}

func TestOverride(t *testing.T) {
	tb, err := Parse(`
[[platform]]
id = "compose"
parser = "compose"
kind = "persistent"
paths = ["stack.yml"]
[compose]
default = "ephemeral"
[compose.restart]
always = "persistent"
`)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := tb.Match("deploy/stack.yml"); !ok || p.Parser != "compose" {
		t.Errorf("Match = %+v %v", p, ok)
	}
	if tb.ComposeKind("no") != "ephemeral" || tb.ComposeKind("always") != "persistent" {
		t.Error("override not applied")
	}
	for _, bad := range []string{`[[platform]]
id = "x"`, `[[platform]]
id = "x"
parser = "yaml"
kind = "forever"`, `[[platform]]
id = "x"
parser = "yaml"
kind = "ephemeral"
paths = ["["]`} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
