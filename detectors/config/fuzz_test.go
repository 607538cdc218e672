package config

import (
	"context"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

// FuzzCheck feeds arbitrary bytes to every config parser: no panic, and
// every finding has a valid 1-based region.
func FuzzCheck(f *testing.F) {
	for _, seed := range []string{
		"jobs:\n  deploy:\n    env:\n      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}\n",
		"resource \"aws_iam_access_key\" \"k\" {\n  user = \"x\"\n}\n",
		"apiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\n",
		"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n",
		"{\"mcpServers\": {\"x\": {\"env\": {\"API_KEY\": \"sk-aaaa\"}}}}",
		"FROM x\nARG NPM_TOKEN\nENV API_TOKEN=\"abc \\\n  def\" DB_PASSWORD hunter2\n",
		"a: &a [*a, *a]\n", "{{{{", "\x00\xff",
	} {
		f.Add(seed)
	}
	d := New()
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	paths := []string{".github/workflows/ci.yml", ".gitlab-ci.yml", "main.tf", "k8s/app.yaml", "docker-compose.yml", ".env", ".mcp.json", "vault.hcl", "Dockerfile"}
	f.Fuzz(func(t *testing.T, content string) {
		for _, p := range paths {
			if d.PathClass(p) == "" {
				continue
			}
			found, _ := d.(*Detector).Check(context.Background(), detectors.Input{Path: p, Content: []byte(content), Hasher: h})
			for _, fd := range found {
				l := fd.Location
				if l.StartLine < 1 || l.StartColumn < 1 || l.EndLine < l.StartLine || (l.EndLine == l.StartLine && l.EndColumn <= l.StartColumn) {
					t.Fatalf("%s: bad region %+v for %s", p, l, fd.RuleID)
				}
			}
		}
	})
}
