// Package gitlabci checks GitLab CI pipelines for static cloud keys where
// the job could use an ID token (id_tokens) with OIDC federation, for the
// removed CI_JOB_JWT variables, and for literal secrets in variables.
package gitlabci

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

// Check ids reported by this package.
const (
	CheckCloudKeys = "gitlab-static-cloud-keys"
	CheckJobJWT    = "gitlab-ci-job-jwt"
	CheckLiteral   = "ci-literal-secret"
	platformID     = "gitlab-ci"
	fixCloud       = "declare id_tokens: with the cloud's audience and exchange the ID token (AWS assume-role-with-web-identity, GCP workload identity federation, Azure federated credential) instead of stored keys"
	fixJWT         = "CI_JOB_JWT and CI_JOB_JWT_V2 were removed in GitLab 17.0; declare id_tokens: with an aud and use that token"
	fixLiteral     = "move it to a masked, protected CI/CD variable or an external secret (secrets: with Vault), or better, remove it in favour of id_tokens federation"
)

// reserved top-level keys that are not jobs.
var reserved = map[string]bool{"stages": true, "variables": true, "default": true, "include": true, "workflow": true,
	"image": true, "services": true, "before_script": true, "after_script": true, "cache": true, "spec": true}

type cloudVar struct{ cloud, kind string }

var cloudVars = map[string]cloudVar{
	"AWS_SECRET_ACCESS_KEY":   {"AWS access key", "aws-access-key"},
	"AWS_ACCESS_KEY_ID":       {"AWS access key", "aws-access-key"},
	"AZURE_CLIENT_SECRET":     {"Azure client secret", "azure-client-secret"},
	"ARM_CLIENT_SECRET":       {"Azure client secret", "azure-client-secret"},
	"GOOGLE_CREDENTIALS":      {"GCP service account key", "gcp-service-account-key"},
	"GCP_SA_KEY":              {"GCP service account key", "gcp-service-account-key"},
	"GCLOUD_SERVICE_KEY":      {"GCP service account key", "gcp-service-account-key"},
	"GCP_SERVICE_ACCOUNT_KEY": {"GCP service account key", "gcp-service-account-key"},
}

// scriptSignals are commands that log in with a stored cloud key.
var scriptSignals = []struct {
	re   *regexp.Regexp
	what cloudVar
	cred string
}{
	{regexp.MustCompile(`\$\{?AWS_SECRET_ACCESS_KEY\}?|aws configure set aws_secret_access_key`), cloudVars["AWS_SECRET_ACCESS_KEY"], "AWS_SECRET_ACCESS_KEY"},
	{regexp.MustCompile(`gcloud auth activate-service-account\b.*--key-file`), cloudVars["GCP_SA_KEY"], "service account key file"},
	{regexp.MustCompile(`az login\b.*--service-principal\b.*(?:\s-p\s|--password|--secret)|\$\{?(?:AZURE|ARM)_CLIENT_SECRET\}?`), cloudVars["AZURE_CLIENT_SECRET"], "AZURE_CLIENT_SECRET"},
}

var jobJWT = regexp.MustCompile(`\bCI_JOB_JWT(?:_V[12])?\b`)

type checker struct {
	src  *document.Source
	h    *detectors.Hasher
	base detectors.WorkloadFacts
	out  []detectors.Finding
	seen map[string]bool
}

// Check returns the findings in one GitLab CI file.
func Check(src *document.Source, root *yaml.Node, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	if !document.IsMap(root) {
		return nil
	}
	pl := t.Platform(platformID)
	c := &checker{src: src, h: h, seen: map[string]bool{}, base: detectors.WorkloadFacts{
		Kind: pl.Kind, Platform: platformID, CurrentControl: document.ControlStatic, Federation: pl.Federation}}
	global := "pipeline " + src.Path + " (all jobs)"
	c.variables(document.Get(root, "variables"), global)
	for _, key := range []string{"before_script", "after_script"} {
		c.script(document.Get(root, key), global)
	}
	c.script(document.Path(root, "default", "before_script"), global)
	for _, jp := range document.Pairs(root) {
		if reserved[jp.Key.Value] || !document.IsMap(jp.Value) {
			continue
		}
		name := fmt.Sprintf("job %s in %s", literal.Label(jp.Key.Value), src.Path)
		c.variables(document.Get(jp.Value, "variables"), name)
		for _, key := range []string{"before_script", "script", "after_script"} {
			c.script(document.Get(jp.Value, key), name)
		}
	}
	return c.out
}

func (c *checker) add(check, name string, start, end int, msg, cred, kind, value string) {
	key := fmt.Sprintf("%s:%d", check, c.src.LineOf(start))
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	w := c.base
	w.Name, w.Credential, w.CredentialKind = name, cred, kind
	f := c.src.Finding(check, start, end, msg, w)
	document.WithSecret(&f, c.h, value, kind)
	c.out = append(c.out, f)
}

func (c *checker) variables(m *yaml.Node, name string) {
	pairs := document.Pairs(m)
	hasSecret := false
	for _, p := range pairs {
		hasSecret = hasSecret || p.Key.Value == "AWS_SECRET_ACCESS_KEY"
	}
	for _, p := range pairs {
		valNode := p.Value
		if document.IsMap(valNode) {
			valNode = document.Get(valNode, "value")
		}
		v, ok := document.Str(valNode)
		if !ok || strings.TrimSpace(v) == "" {
			continue
		}
		key := p.Key.Value
		start, end := c.src.PairSpan(p)
		lit := literal.IsLiteral(v)
		value := ""
		if lit {
			value = v
		}
		switch cv, isCloud := cloudVars[key]; {
		case isCloud && !(key == "AWS_ACCESS_KEY_ID" && hasSecret) && (lit || strings.Contains(v, "$")):
			c.add(CheckCloudKeys, name, start, end, fmt.Sprintf("%s sets %s from a stored %s; %s", name, key, cv.cloud, fixCloud), key, cv.kind, value)
		case jobJWT.MatchString(v):
			c.add(CheckJobJWT, name, start, end, fmt.Sprintf("%s reads the removed %s; %s", name, jobJWT.FindString(v), fixJWT), jobJWT.FindString(v), "jwt", "")
		case lit && (literal.IsSecretName(key) || literal.KnownTokenPrefix(v)):
			c.add(CheckLiteral, name, start, end, fmt.Sprintf("%s sets variable %s to a literal secret; %s", name, literal.Label(key), fixLiteral), literal.Label(key), literal.Kind(key, v), v)
		case lit && literal.IsURLName(key):
			if pw, ok := literal.URLPassword(v); ok {
				c.add(CheckLiteral, name, start, end, fmt.Sprintf("%s sets variable %s to a URL with a literal password; %s", name, literal.Label(key), fixLiteral), literal.Label(key), literal.Kind(key, v), pw)
			}
		}
	}
}

// script checks script lines (a string or a list of strings).
func (c *checker) script(n *yaml.Node, name string) {
	n = document.Resolve(n)
	if n == nil {
		return
	}
	lines := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		lines = nil
		for _, it := range document.Items(n) {
			if it.Kind == yaml.SequenceNode { // nested lists from !reference or anchors
				lines = append(lines, document.Items(it)...)
				continue
			}
			lines = append(lines, it)
		}
	}
	for _, ln := range lines {
		if ln.Kind != yaml.ScalarNode || ln.Line == 0 {
			continue
		}
		for _, sig := range scriptSignals {
			if m := sig.re.FindString(ln.Value); m != "" {
				c.at(CheckCloudKeys, name, ln, m, fmt.Sprintf("%s logs in with a stored %s (%s); %s", name, sig.what.cloud, sig.cred, fixCloud), sig.cred, sig.what.kind)
			}
		}
		if m := jobJWT.FindString(ln.Value); m != "" {
			c.at(CheckJobJWT, name, ln, m, fmt.Sprintf("%s reads the removed %s; %s", name, m, fixJWT), m, "jwt")
		}
	}
}

// at reports the first occurrence of match inside scalar node n.
func (c *checker) at(check, name string, n *yaml.Node, match, msg, cred, kind string) {
	from := c.src.NodeStart(n)
	if i := c.src.Find(from, match, 64<<10); i >= 0 {
		c.add(check, name, i, i+len(match), msg, cred, kind, "")
		return
	}
	start, end := c.src.NodeSpan(n)
	c.add(check, name, start, end, msg, cred, kind, "")
}
