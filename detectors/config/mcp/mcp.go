// Package mcp checks AI agent tool configs (MCP server definitions in
// .mcp.json, claude_desktop_config.json, .cursor/mcp.json, .vscode/mcp.json
// and similar) for API keys and tokens written into env, headers or
// arguments, where ${VAR} expansion, VS Code inputs or OAuth serve. The
// workloads are agentic.
package mcp

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config/document"
	"github.com/sprawl-dev/sprawl/detectors/config/literal"
	"github.com/sprawl-dev/sprawl/detectors/config/workload"
)

// CheckLiteral is the check id reported by this package.
const CheckLiteral = "mcp-literal-token"

const platformID = "mcp"

const fix = "reference it as ${VAR} (or ${input:id} with a password prompt in VS Code) so each user supplies it from their environment or keychain, or use a remote server with OAuth; give the agent a short-lived, narrowly scoped token"

var authHeader = regexp.MustCompile(`(?i)^(?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|x-access-token|private-token|x-goog-api-key|x-figma-token)$`)
var secretFlag = regexp.MustCompile(`(?i)^--?((?:[a-z0-9]+[-_])*(?:token|api[-_]?key|apikey|secret|password|pat|access[-_]?key))(?:=(.*))?$`)

// Check returns the findings in one MCP config.
func Check(src *document.Source, root *yaml.Node, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	c := &checker{src: src, h: h, pl: t.Platform(platformID)}
	c.walk(root, 0)
	return c.out
}

type checker struct {
	src *document.Source
	h   *detectors.Hasher
	pl  workload.Platform
	out []detectors.Finding
}

// walk finds server maps under "mcpServers", "servers" or "mcp"."servers"
// at any depth up to 6 (e.g. .claude.json projects.<dir>.mcpServers).
func (c *checker) walk(n *yaml.Node, depth int) {
	if depth > 6 {
		return
	}
	for _, p := range document.Pairs(n) {
		if (p.Key.Value == "mcpServers" || p.Key.Value == "servers" || p.Key.Value == "context_servers") && document.IsMap(p.Value) {
			for _, sp := range document.Pairs(p.Value) {
				c.server(sp.Key.Value, sp.Value)
			}
			continue
		}
		if document.IsMap(p.Value) {
			c.walk(p.Value, depth+1)
		}
	}
}

func (c *checker) server(name string, s *yaml.Node) {
	label := fmt.Sprintf("mcp server %s in %s", literal.Label(name), c.src.Path)
	for _, p := range document.Pairs(document.Get(s, "env")) {
		v, ok := document.Str(p.Value)
		if !ok || !literal.IsLiteral(v) {
			continue
		}
		secret := ""
		switch {
		case literal.IsSecretName(p.Key.Value) || literal.KnownTokenPrefix(v):
			secret = v
		case literal.IsURLName(p.Key.Value):
			secret, _ = literal.URLPassword(v)
		}
		if secret != "" {
			start, end := c.src.PairSpan(p)
			c.add(start, end, label, literal.Label(p.Key.Value), literal.Kind(p.Key.Value, v), secret,
				fmt.Sprintf("%s has a literal secret in env %s; %s", label, literal.Label(p.Key.Value), fix))
		}
	}
	for _, p := range document.Pairs(document.Get(s, "headers")) {
		v, ok := document.Str(p.Value)
		if !ok {
			continue
		}
		token := v
		if f := strings.Fields(v); len(f) == 2 && (strings.EqualFold(f[0], "Bearer") || strings.EqualFold(f[0], "Basic") || strings.EqualFold(f[0], "token")) {
			token = f[1]
		}
		if !literal.IsLiteral(token) || !(authHeader.MatchString(p.Key.Value) || literal.IsSecretName(p.Key.Value) || literal.KnownTokenPrefix(token)) {
			continue
		}
		start, end := c.src.PairSpan(p)
		c.add(start, end, label, "header "+literal.Label(p.Key.Value), literal.Kind(p.Key.Value, token), token,
			fmt.Sprintf("%s sends a literal credential in header %s; %s", label, literal.Label(p.Key.Value), fix))
	}
	args := document.Items(document.Get(s, "args"))
	for i, a := range args {
		v, ok := document.Str(a)
		if !ok {
			continue
		}
		m := secretFlag.FindStringSubmatch(v)
		valNode := a
		switch {
		case m != nil && m[2] != "":
			v = m[2]
		case m != nil && i+1 < len(args):
			valNode = args[i+1]
			v, _ = document.Str(valNode)
		case literal.KnownTokenPrefix(v):
		default:
			continue
		}
		if !literal.IsLiteral(v) {
			continue
		}
		flag := "argument"
		if m != nil {
			flag = "argument --" + literal.Label(m[1])
		}
		start, end := c.src.NodeSpan(valNode)
		c.add(start, end, label, flag, literal.Kind(flag, v), v, fmt.Sprintf("%s passes a literal secret as %s; %s", label, flag, fix))
	}
}

func (c *checker) add(start, end int, name, cred, kind, secret, msg string) {
	w := detectors.WorkloadFacts{Kind: c.pl.Kind, Platform: platformID, Name: name, CurrentControl: document.ControlStatic,
		Federation: c.pl.Federation, Credential: cred, CredentialKind: kind}
	f := c.src.Finding(CheckLiteral, start, end, msg, w)
	document.WithSecret(&f, c.h, secret, kind)
	c.out = append(c.out, f)
}
