package config_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config"
)

func TestPathClass(t *testing.T) {
	d := config.New()
	tests := []struct{ path, want string }{
		{".github/workflows/deploy.yml", "gha"},
		{"sub/.github/workflows/ci.yaml", "gha"},
		{".gitlab-ci.yml", "gitlab"},
		{"ci/deploy.gitlab-ci.yml", "gitlab"},
		{"infra/main.tf", "terraform"},
		{"vault/config.hcl", "hcl"},
		{"docker-compose.yml", "compose"},
		{"deploy/compose.prod.yaml", "compose"},
		{"k8s/app.yaml", "yaml"},
		{".mcp.json", "mcp"},
		{".cursor/mcp.json", "mcp"},
		{".vscode/mcp.json", "mcp"},
		{"claude_desktop_config.json", "mcp"},
		{".env", "dotenv"},
		{"config/prod.env", "dotenv"},
		{".env.example", ""},
		{"Dockerfile", "dockerfile"},
		{"build/api.Dockerfile", "dockerfile"},
		{"Containerfile", "dockerfile"},
		{"docker/Dockerfile.prod", "dockerfile"},
		{"package.json", ""},
		{".vscode/settings.json", ""},
		{"main.go", ""},
		{"README.md", ""},
	}
	for _, tt := range tests {
		got := d.PathClass(tt.path)
		if tt.want == "" {
			if got != "" {
				t.Errorf("PathClass(%q) = %q, want none", tt.path, got)
			}
			continue
		}
		if got != tt.want+":"+tt.path {
			t.Errorf("PathClass(%q) = %q, want %q", tt.path, got, tt.want+":"+tt.path)
		}
	}
}

// Hostile input gives no findings, no panic and bounded time; parse
// failures give a note.
func TestHostileInput(t *testing.T) {
	var deep strings.Builder
	for i := 0; i < 300; i++ {
		deep.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	deepYAML := deep.String() + strings.Repeat(" ", 300) + "b: 1\n"
	deepFlow := "jobs: " + strings.Repeat("[", 100000) + "\n"
	laughs := "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" +
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\njobs: {x: {steps: *h}}\n"
	selfAlias := "jobs: &j\n  deploy:\n    <<: *j\n    env: {LOG_LEVEL: debug}\n"
	deepJSON := strings.Repeat(`{"a":`, 100000)
	deepHCL := "resource \"vault_mount\" \"m\" {\n" + strings.Repeat("tune {\n", 3000) + strings.Repeat("}\n", 3000) + "}\n"
	huge := strings.Repeat("x: y\n", 600000)
	binary := string([]byte{0, 1, 2, 0xff, 0xfe, '\n', 0x80, 'a', '=', 'b'})
	tests := []struct {
		name, path, content string
		note                bool
	}{
		{"deep block YAML", ".github/workflows/a.yml", deepYAML, true},
		{"deep flow YAML", ".github/workflows/a.yml", deepFlow, true},
		{"billion laughs", ".github/workflows/a.yml", laughs, false},
		{"merge cycle", ".github/workflows/a.yml", selfAlias, false},
		{"deep JSON", ".mcp.json", deepJSON, true},
		{"deep HCL", "infra/main.tf", deepHCL, false},
		{"huge", "k8s/big.yaml", "apiVersion: v1\n" + huge, true},
		{"binary yaml", "docker-compose.yml", binary, true},
		{"binary env", ".env", binary, false},
		{"binary dockerfile", "Dockerfile", binary, false},
		{"endless continuation", "Dockerfile", "ENV A=1 \\\n" + strings.Repeat("  B=2 \\\n", 200000), false},
		{"unclosed quotes", "Dockerfile", "ENV A=\"abc\nARG X\n" + strings.Repeat("ENV A=\"\n", 100000), false},
		{"one long word", "Dockerfile", "ENV A=" + strings.Repeat("x", 1<<20) + "\n", false},
		{"binary json", ".mcp.json", binary, true},
		{"binary hcl", "vault/x.hcl", binary, true},
		{"empty", ".github/workflows/a.yml", "", false},
		{"scalar root", ".mcp.json", `"just a string"`, false},
		{"wrong shapes", ".github/workflows/a.yml", "jobs: [1, 2]\nenv: 3\n", false},
		{"wrong shapes gitlab", ".gitlab-ci.yml", "variables: [a]\njob: {script: {a: b}, variables: 7}\n", false},
		{"wrong shapes k8s", "k8s/a.yaml", "apiVersion: v1\nkind: Secret\nstringData: [a]\ndata: {k: '%%%'}\n", false},
		{"wrong shapes compose", "docker-compose.yml", "services: {db: {image: x, environment: 5}}\n", false},
		{"wrong shapes mcp", ".mcp.json", `{"mcpServers": {"a": {"env": [1], "headers": "x", "args": {"a": 1}}}}`, false},
	}
	d := config.NewWithOptions(config.Options{})
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, notes := d.Check(context.Background(), detectors.Input{Path: tt.path, Content: []byte(tt.content), Hasher: h})
			if len(got) != 0 {
				t.Errorf("got %d findings, want none", len(got))
			}
			if (len(notes) > 0) != tt.note {
				t.Errorf("notes = %v, want note %v", notes, tt.note)
			}
			for _, n := range notes {
				if n.Path != tt.path || strings.Contains(n.Detail, "FAKE") {
					t.Errorf("bad note %+v", n)
				}
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}

// Without a hasher, literal findings carry no secret facts but still fire.
func TestNilHasher(t *testing.T) {
	content := "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: FAKEpgPassw0rd2024\n"
	got := config.New().Detect(context.Background(), detectors.Input{Path: "docker-compose.yml", Content: []byte(content)})
	if len(got) != 1 || got[0].Secret != nil {
		t.Fatalf("got %+v", got)
	}
}

// Columns are UTF-16 code units, as GitHub reads SARIF.
func TestUTF16Columns(t *testing.T) {
	content := "services:\n  db:\n    image: postgres\n    environment:\n      NOTE: \"😀é\"\n      POSTGRES_PASSWORD: \"😀FAKEpgPassw0rd\"\n"
	got := config.New().Detect(context.Background(), detectors.Input{Path: "docker-compose.yml", Content: []byte(content)})
	if len(got) != 1 {
		t.Fatalf("got %d findings", len(got))
	}
	l := got[0].Location
	// `      POSTGRES_PASSWORD: "😀FAKEpgPassw0rd"`: key at column 7; the
	// emoji is two UTF-16 units, so the closing quote is column 43.
	if l.StartLine != 6 || l.StartColumn != 7 || l.EndLine != 6 || l.EndColumn != 44 {
		t.Errorf("location %+v", l)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, notes := config.NewWithOptions(config.Options{}).Check(ctx, detectors.Input{Path: ".env", Content: []byte("DB_PASSWORD=FAKEdbPassw0rd77\n")})
	if len(got) != 0 || len(notes) != 0 {
		t.Errorf("cancelled check returned %v %v", got, notes)
	}
}
