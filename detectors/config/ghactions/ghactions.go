// Package ghactions checks GitHub Actions workflows for credential controls
// that misfit an ephemeral CI job: stored cloud keys where OIDC federation
// exists (AWS role-to-assume, GCP workload_identity_provider, Azure
// federated credentials), registry tokens where trusted publishing exists,
// personal access tokens where GITHUB_TOKEN or a GitHub App token serves,
// and literal secrets in env and inputs.
package ghactions

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config/document"
	"github.com/sprawl-dev/sprawl/detectors/config/literal"
	"github.com/sprawl-dev/sprawl/detectors/config/workload"
)

// Check ids reported by this package.
const (
	CheckAWSKeys    = "gha-static-aws-keys"
	CheckGCPKey     = "gha-gcp-service-account-key"
	CheckAzure      = "gha-azure-client-secret"
	CheckPAT        = "gha-pat-instead-of-app-token"
	CheckPublish    = "gha-publish-token"
	CheckLiteral    = "ci-literal-secret"
	platformID      = "github-actions"
	fixAWS          = "use aws-actions/configure-aws-credentials with role-to-assume and permissions: id-token: write (OIDC) instead of stored access keys"
	fixGCP          = "use google-github-actions/auth with workload_identity_provider (and service_account) and permissions: id-token: write instead of a service account key"
	fixAzure        = "use azure/login with client-id, tenant-id and subscription-id and a federated identity credential (permissions: id-token: write) instead of a client secret"
	fixPAT          = "use the job's GITHUB_TOKEN with the permissions: it needs, or a GitHub App installation token from actions/create-github-app-token, instead of a personal access token"
	fixPublish      = "publish with trusted publishing (OIDC, permissions: id-token: write) instead of a stored registry token"
	fixLiteral      = "move it to an encrypted secret and reference ${{ secrets.NAME }}, or better, remove it in favour of OIDC federation"
	expressionStart = "${{"
)

var secretsRef = regexp.MustCompile(`\$\{\{\s*(secrets|vars)\.([A-Za-z0-9_-]+)\s*\}\}`)
var patName = regexp.MustCompile(`(?i)(?:^|_)(?:PAT|PERSONAL_ACCESS_TOKEN|PERSONAL_TOKEN|CLASSIC_TOKEN)(?:_|$)`)

var awsKeyNames = map[string]bool{"AWS_SECRET_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true}
var gcpKeyNames = map[string]bool{"GOOGLE_CREDENTIALS": true, "GOOGLE_APPLICATION_CREDENTIALS_JSON": true, "GCP_SA_KEY": true,
	"GCLOUD_SERVICE_KEY": true, "GCP_CREDENTIALS": true, "GOOGLE_CLOUD_KEYFILE_JSON": true, "GCP_SERVICE_ACCOUNT_KEY": true}
var azureNames = map[string]bool{"AZURE_CLIENT_SECRET": true, "ARM_CLIENT_SECRET": true, "AZURE_CREDENTIALS": true}
var publishNames = map[string]string{"TWINE_PASSWORD": "PyPI", "NPM_TOKEN": "npm", "NODE_AUTH_TOKEN": "npm",
	"CARGO_REGISTRY_TOKEN": "crates.io", "GEM_HOST_API_KEY": "RubyGems", "PYPI_TOKEN": "PyPI", "PYPI_API_TOKEN": "PyPI", "UV_PUBLISH_TOKEN": "PyPI"}

type checker struct {
	src  *document.Source
	h    *detectors.Hasher
	base detectors.WorkloadFacts
	out  []detectors.Finding
	seen map[int]bool // one finding per line and check family
}

// Check returns the findings in one workflow file.
func Check(src *document.Source, root *yaml.Node, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	jobs := document.Get(root, "jobs")
	if !document.IsMap(jobs) {
		return nil
	}
	pl := t.Platform(platformID)
	c := &checker{src: src, h: h, seen: map[int]bool{}, base: detectors.WorkloadFacts{
		Kind: pl.Kind, Platform: platformID, CurrentControl: document.ControlStatic, Federation: pl.Federation}}
	if p, ok := document.GetPair(root, "env"); ok {
		c.env(p.Value, "workflow "+src.Path+" (all jobs)")
	}
	for _, jp := range document.Pairs(jobs) {
		job := jp.Value
		name := fmt.Sprintf("job %s in %s", literal.Label(jp.Key.Value), src.Path)
		c.env(document.Get(job, "env"), name)
		c.env(document.Get(job, "secrets"), name) // secrets passed to a reusable workflow
		c.inputs("", document.Get(job, "with"), name)
		c.credentials(document.Get(job, "container"), name)
		for _, sp := range document.Pairs(document.Get(job, "services")) {
			c.credentials(sp.Value, name)
			c.env(document.Get(sp.Value, "env"), name)
		}
		c.env(document.Path(job, "container", "env"), name)
		for _, step := range document.Items(document.Get(job, "steps")) {
			c.env(document.Get(step, "env"), name)
			uses, _ := document.Str(document.Get(step, "uses"))
			c.step(uses, document.Get(step, "with"), name)
		}
	}
	sort.SliceStable(c.out, func(i, j int) bool {
		a, b := c.out[i].Location, c.out[j].Location
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.StartColumn < b.StartColumn
	})
	return c.out
}

// ref returns the credential name a value refers to ("secrets.X"), and
// whether it is a literal.
func ref(v string) (name string, lit bool) {
	if m := secretsRef.FindStringSubmatch(v); m != nil {
		return m[1] + "." + m[2], false
	}
	if strings.Contains(v, expressionStart) {
		return "", false // steps.x.outputs, env.X, needs...: not a stored secret
	}
	return "", literal.IsLiteral(v)
}

func (c *checker) add(check, name string, p document.Pair, msg string, cred, kind, value string) {
	if c.seen[p.Key.Line] {
		return
	}
	c.seen[p.Key.Line] = true
	w := c.base
	w.Name, w.Credential, w.CredentialKind = name, cred, kind
	start, end := c.src.PairSpan(p)
	f := c.src.Finding(check, start, end, msg, w)
	if value != "" {
		document.WithSecret(&f, c.h, value, kind)
	}
	c.out = append(c.out, f)
}

// env checks an env: (or secrets:) mapping.
func (c *checker) env(m *yaml.Node, name string) {
	pairs := document.Pairs(m)
	hasAWSSecret := false
	for _, p := range pairs {
		if p.Key.Value == "AWS_SECRET_ACCESS_KEY" {
			hasAWSSecret = true
		}
	}
	for _, p := range pairs {
		key := p.Key.Value
		v, ok := document.Str(p.Value)
		if !ok {
			continue
		}
		cred, lit := ref(v)
		if cred == "" && !lit {
			continue
		}
		label := cred
		if label == "" {
			label = literal.Label(key)
		}
		secretValue := ""
		if lit {
			secretValue = v
		}
		switch {
		case awsKeyNames[key]:
			if key == "AWS_ACCESS_KEY_ID" && hasAWSSecret {
				break
			}
			c.add(CheckAWSKeys, name, p, fmt.Sprintf("%s gets a stored AWS access key in env %s (%s); %s", name, key, label, fixAWS), label, "aws-access-key", secretValue)
		case gcpKeyNames[key]:
			c.add(CheckGCPKey, name, p, fmt.Sprintf("%s gets a GCP service account key in env %s (%s); %s", name, key, label, fixGCP), label, "gcp-service-account-key", secretValue)
		case azureNames[key]:
			c.add(CheckAzure, name, p, fmt.Sprintf("%s gets an Azure client secret in env %s (%s); %s", name, key, label, fixAzure), label, "azure-client-secret", secretValue)
		case publishNames[key] != "" && cred != "secrets.GITHUB_TOKEN":
			c.add(CheckPublish, name, p, fmt.Sprintf("%s publishes to %s with a stored token in env %s (%s); %s", name, publishNames[key], key, label, fixPublish), label, "package-registry-token", secretValue)
		case cred != "" && patName.MatchString(strings.TrimPrefix(strings.TrimPrefix(cred, "secrets."), "vars.")):
			c.add(CheckPAT, name, p, fmt.Sprintf("%s uses personal access token %s in env %s; %s", name, cred, key, fixPAT), cred, "", "")
		case lit && (literal.IsSecretName(key) || literal.KnownTokenPrefix(v)):
			c.add(CheckLiteral, name, p, fmt.Sprintf("%s sets env %s to a literal secret; %s", name, literal.Label(key), fixLiteral), literal.Label(key), literal.Kind(key, v), v)
		case lit && literal.IsURLName(key):
			if pw, ok := literal.URLPassword(v); ok {
				c.add(CheckLiteral, name, p, fmt.Sprintf("%s sets env %s to a URL with a literal password; %s", name, literal.Label(key), fixLiteral), literal.Label(key), literal.Kind(key, v), pw)
			}
		}
	}
}

// inputs checks a step's with: mapping for PAT references and literals.
func (c *checker) inputs(uses string, m *yaml.Node, name string) {
	for _, p := range document.Pairs(m) {
		v, ok := document.Str(p.Value)
		if !ok {
			continue
		}
		cred, lit := ref(v)
		switch {
		case cred != "" && patName.MatchString(strings.TrimPrefix(strings.TrimPrefix(cred, "secrets."), "vars.")):
			c.add(CheckPAT, name, p, fmt.Sprintf("%s passes personal access token %s to %s; %s", name, cred, actionLabel(uses, p.Key.Value), fixPAT), cred, "", "")
		case lit && (literal.IsSecretName(p.Key.Value) || literal.KnownTokenPrefix(v)):
			c.add(CheckLiteral, name, p, fmt.Sprintf("%s passes a literal secret to %s; %s", name, actionLabel(uses, p.Key.Value), fixLiteral), literal.Label(p.Key.Value), literal.Kind(p.Key.Value, v), v)
		}
	}
}

func actionLabel(uses, input string) string {
	if uses == "" {
		return "input " + literal.Label(input)
	}
	return literal.Label(uses) + " input " + literal.Label(input)
}

// credentials checks container/services credentials for a literal password.
func (c *checker) credentials(m *yaml.Node, name string) {
	p, ok := document.GetPair(document.Get(m, "credentials"), "password")
	if !ok {
		return
	}
	v, _ := document.Str(p.Value)
	if _, lit := ref(v); lit {
		c.add(CheckLiteral, name, p, fmt.Sprintf("%s logs in to a container registry with a literal password; %s", name, fixLiteral), "credentials.password", literal.Kind("password", v), v)
	}
}

// step checks the inputs of well-known credential actions.
func (c *checker) step(uses string, with *yaml.Node, name string) {
	action := strings.ToLower(uses)
	if i := strings.Index(action, "@"); i >= 0 {
		action = action[:i]
	}
	switch action {
	case "aws-actions/configure-aws-credentials":
		p, ok := document.GetPair(with, "aws-secret-access-key")
		if !ok {
			p, ok = document.GetPair(with, "aws-access-key-id")
		}
		if ok {
			if cred, lit, v := inputRef(p); cred != "" || lit {
				chain := ""
				if document.Get(with, "role-to-assume") != nil {
					chain = " to chain into role-to-assume"
				}
				c.add(CheckAWSKeys, name, p, fmt.Sprintf("%s hands stored AWS access keys (%s) to aws-actions/configure-aws-credentials%s; %s", name, orInput(cred, p), chain, fixAWS), orInput(cred, p), "aws-access-key", v)
			}
		}
	case "google-github-actions/auth", "google-github-actions/setup-gcloud":
		p, ok := document.GetPair(with, "credentials_json")
		if !ok {
			p, ok = document.GetPair(with, "service_account_key")
		}
		if ok {
			if cred, lit, v := inputRef(p); cred != "" || lit {
				c.add(CheckGCPKey, name, p, fmt.Sprintf("%s authenticates to Google Cloud with a service account key (%s); %s", name, orInput(cred, p), fixGCP), orInput(cred, p), "gcp-service-account-key", v)
			}
		}
	case "azure/login":
		p, ok := document.GetPair(with, "creds")
		if !ok {
			p, ok = document.GetPair(with, "client-secret")
		}
		if ok {
			if cred, lit, v := inputRef(p); cred != "" || lit {
				c.add(CheckAzure, name, p, fmt.Sprintf("%s signs in to Azure with a client secret (%s); %s", name, orInput(cred, p), fixAzure), orInput(cred, p), "azure-client-secret", v)
			}
		}
	case "pypa/gh-action-pypi-publish":
		if p, ok := document.GetPair(with, "password"); ok {
			if cred, lit, v := inputRef(p); cred != "" || lit {
				c.add(CheckPublish, name, p, fmt.Sprintf("%s publishes to PyPI with a stored API token (%s); %s", name, orInput(cred, p), fixPublish), orInput(cred, p), "package-registry-token", v)
			}
		}
	case "js-devtools/npm-publish", "rubygems/release-gem":
		if p, ok := document.GetPair(with, "token"); ok {
			if cred, lit, v := inputRef(p); (cred != "" && cred != "secrets.GITHUB_TOKEN") || lit {
				c.add(CheckPublish, name, p, fmt.Sprintf("%s publishes with a stored registry token (%s); %s", name, orInput(cred, p), fixPublish), orInput(cred, p), "package-registry-token", v)
			}
		}
	}
	c.inputs(uses, with, name)
}

func inputRef(p document.Pair) (cred string, lit bool, value string) {
	v, ok := document.Str(p.Value)
	if !ok {
		return "", false, ""
	}
	cred, lit = ref(v)
	if lit {
		value = v
	}
	return cred, lit, value
}

func orInput(cred string, p document.Pair) string {
	if cred != "" {
		return cred
	}
	return "literal " + literal.Label(p.Key.Value)
}
