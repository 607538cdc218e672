// Package compose checks docker-compose files for literal passwords and
// other secrets in service environments, where compose secrets: mounted
// at /run/secrets and *_FILE variables serve. Services are classified by
// restart policy (restart: always is a persistent workload).
package compose

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config/document"
	"github.com/sprawl-dev/sprawl/detectors/config/literal"
	"github.com/sprawl-dev/sprawl/detectors/config/workload"
)

// CheckLiteral is the check id reported by this package.
const CheckLiteral = "compose-literal-secret"

const platformID = "compose"

// IsCompose reports whether a YAML document is a compose file: a
// services: mapping of services that have an image, build or environment.
func IsCompose(root *yaml.Node) bool {
	for _, p := range document.Pairs(document.Get(root, "services")) {
		for _, k := range []string{"image", "build", "environment"} {
			if document.Get(p.Value, k) != nil {
				return true
			}
		}
	}
	return false
}

// Check returns the findings in one compose document.
func Check(src *document.Source, root *yaml.Node, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	pl := t.Platform(platformID)
	var out []detectors.Finding
	for _, sp := range document.Pairs(document.Get(root, "services")) {
		svc := sp.Value
		restart, _ := document.Str(document.Get(svc, "restart"))
		if restart == "" {
			restart, _ = document.Str(document.Path(svc, "deploy", "restart_policy", "condition"))
			if restart == "any" {
				restart = "always"
			}
		}
		name := fmt.Sprintf("service %s in %s", literal.Label(sp.Key.Value), src.Path)
		env := document.Resolve(document.Get(svc, "environment"))
		var entries []entry
		switch {
		case env == nil:
		case env.Kind == yaml.MappingNode:
			for _, p := range document.Pairs(env) {
				v, ok := document.Str(p.Value)
				if !ok {
					continue
				}
				start, end := src.PairSpan(p)
				entries = append(entries, entry{p.Key.Value, v, start, end})
			}
		case env.Kind == yaml.SequenceNode:
			for _, it := range document.Items(env) {
				s, ok := document.Str(it)
				k, v, found := strings.Cut(s, "=")
				if !ok || !found {
					continue
				}
				start, end := src.NodeSpan(it)
				entries = append(entries, entry{strings.TrimSpace(k), v, start, end})
			}
		}
		for _, e := range entries {
			secret := ""
			switch {
			case !literal.IsLiteral(e.value):
			case literal.IsSecretName(e.key) || literal.KnownTokenPrefix(e.value):
				secret = e.value
			case literal.IsURLName(e.key):
				secret, _ = literal.URLPassword(e.value)
			}
			if secret == "" {
				continue
			}
			kind := literal.Kind(e.key, e.value)
			if kind == "static-password" && isDatabaseImage(svc) {
				kind = "database-password"
			}
			w := detectors.WorkloadFacts{Kind: t.ComposeKind(restart), Platform: platformID, Name: name,
				CurrentControl: document.ControlStatic, Federation: pl.Federation, Credential: literal.Label(e.key), CredentialKind: kind}
			f := src.Finding(CheckLiteral, e.start, e.end, fmt.Sprintf(
				"%s sets %s to a literal; declare it under top-level secrets: (file or external), grant it to the service and pass %s_FILE=/run/secrets/<name>, or inject it at run time",
				name, literal.Label(e.key), literal.Label(e.key)), w)
			document.WithSecret(&f, h, secret, kind)
			out = append(out, f)
		}
	}
	return out
}

type entry struct {
	key, value string
	start, end int
}

func isDatabaseImage(svc *yaml.Node) bool {
	img, _ := document.Str(document.Get(svc, "image"))
	img = strings.ToLower(img)
	for _, db := range []string{"postgres", "mysql", "mariadb", "mongo", "redis", "mssql", "oracle", "cassandra", "couchdb", "elasticsearch", "rabbitmq", "timescale", "clickhouse", "neo4j", "influxdb"} {
		if strings.Contains(img, db) {
			return true
		}
	}
	return false
}
