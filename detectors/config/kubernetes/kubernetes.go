// Package kubernetes checks Kubernetes manifests: long-lived
// service-account-token Secrets where projected tokens with
// expirationSeconds serve, secret literals in Secret manifests and
// container env. Workloads are classified from their resource kind
// (CronJob/Job ephemeral, Deployment/StatefulSet persistent, by the
// workload table).
package kubernetes

import (
	"encoding/base64"
	"fmt"
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
	CheckSATokenSecret = "k8s-sa-token-secret"
	CheckSecretLiteral = "k8s-secret-literal"
	CheckEnvLiteral    = "k8s-env-literal-secret"
	platformID         = "kubernetes"
	fixSecret          = "keep the value out of the manifest: sync it from a secret store (External Secrets Operator, Secrets Store CSI driver, Sealed Secrets) or, for cloud access, use workload identity (IRSA/EKS Pod Identity, GKE Workload Identity, Azure Workload Identity)"
)

// IsManifest reports whether a YAML document is a Kubernetes object.
func IsManifest(root *yaml.Node) bool {
	api, ok1 := document.Str(document.Get(root, "apiVersion"))
	kind, ok2 := document.Str(document.Get(root, "kind"))
	return ok1 && ok2 && api != "" && kind != ""
}

type object struct {
	kind, name, namespace string
	root                  *yaml.Node
}

func objectOf(root *yaml.Node) object {
	o := object{root: root}
	o.kind, _ = document.Str(document.Get(root, "kind"))
	o.name, _ = document.Str(document.Path(root, "metadata", "name"))
	o.namespace, _ = document.Str(document.Path(root, "metadata", "namespace"))
	return o
}

// podSpec returns the pod spec of a workload object, or nil.
func podSpec(o object) *yaml.Node {
	switch o.kind {
	case "Pod":
		return document.Get(o.root, "spec")
	case "CronJob":
		return document.Path(o.root, "spec", "jobTemplate", "spec", "template", "spec")
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job":
		return document.Path(o.root, "spec", "template", "spec")
	}
	return nil
}

// Check returns the findings in the Kubernetes documents of one file.
// Secrets are attributed to the workloads in the same file that use them.
func Check(src *document.Source, docs []*yaml.Node, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	var objs []object
	for _, d := range docs {
		o := objectOf(d)
		if o.kind == "List" {
			for _, it := range document.Items(document.Get(d, "items")) {
				if IsManifest(it) {
					objs = append(objs, objectOf(it))
				}
			}
			continue
		}
		objs = append(objs, o)
	}
	// which workloads use which Secret
	users := map[string][]object{}
	for _, o := range objs {
		spec := podSpec(o)
		if spec == nil {
			continue
		}
		for _, s := range secretRefs(spec) {
			users[s] = append(users[s], o)
		}
	}
	var out []detectors.Finding
	for _, o := range objs {
		switch {
		case o.kind == "Secret":
			out = append(out, checkSecret(src, o, users[o.name], h, t)...)
		case podSpec(o) != nil:
			out = append(out, checkEnv(src, o, h, t)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Location, out[j].Location
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.StartColumn < b.StartColumn
	})
	return out
}

func label(o object, path string) string {
	return fmt.Sprintf("%s %s in %s", strings.ToLower(literal.Label(o.kind)), literal.Label(o.name), path)
}

// workloadOf describes who uses a Secret: its one user, or several
// (shared), or nobody in this file (the table's default).
func workloadOf(src *document.Source, secret object, us []object, t *workload.Table) detectors.WorkloadFacts {
	pl := t.Platform(platformID)
	w := detectors.WorkloadFacts{Platform: platformID, CurrentControl: document.ControlStatic, Federation: pl.Federation}
	kinds := map[string]bool{}
	var names []string
	for _, u := range us {
		kinds[t.KubernetesKind(u.kind)] = true
		names = append(names, label(u, src.Path))
	}
	switch {
	case len(us) == 0:
		w.Kind = t.KubernetesKind("")
		w.Name = label(secret, src.Path)
	case len(us) == 1:
		w.Kind = t.KubernetesKind(us[0].kind)
		w.Name = names[0]
	default:
		w.Kind = document.Shared
		w.Name = strings.Join(names, ", ")
	}
	return w
}

func checkSecret(src *document.Source, o object, us []object, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	var out []detectors.Finding
	typ, _ := document.GetPair(o.root, "type")
	if v, _ := document.Str(typ.Value); v == "kubernetes.io/service-account-token" {
		sa, _ := document.Str(document.Path(o.root, "metadata", "annotations", "kubernetes.io/service-account.name"))
		w := workloadOf(src, o, us, t)
		w.Credential = "serviceaccount/" + literal.Label(sa)
		if o.namespace != "" {
			w.Credential = "serviceaccount/" + literal.Label(o.namespace) + "/" + literal.Label(sa)
		}
		w.CredentialKind = "kubernetes-token"
		start, end := src.PairSpan(typ)
		out = append(out, src.Finding(CheckSATokenSecret, start, end, fmt.Sprintf(
			"secret %s holds a non-expiring token for service account %s; mount a projected serviceAccountToken volume with expirationSeconds (or use the TokenRequest API) instead", literal.Label(o.name), literal.Label(sa)), w))
		return out
	}
	for _, field := range []string{"stringData", "data"} {
		for _, p := range document.Pairs(document.Get(o.root, field)) {
			v, ok := document.Str(p.Value)
			if !ok || notSecretKey(p.Key.Value) {
				continue
			}
			if field == "data" {
				raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
				if err != nil {
					continue
				}
				v = string(raw)
			}
			if !literal.IsLiteral(v) {
				continue
			}
			w := workloadOf(src, o, us, t)
			w.Credential = "secret/" + literal.Label(o.name) + "/" + literal.Label(p.Key.Value)
			w.CredentialKind = literal.Kind(p.Key.Value, v)
			start, end := src.PairSpan(p)
			f := src.Finding(CheckSecretLiteral, start, end, fmt.Sprintf("secret %s carries a literal value for %s in the manifest; %s", literal.Label(o.name), literal.Label(p.Key.Value), fixSecret), w)
			document.WithSecret(&f, h, v, w.CredentialKind)
			out = append(out, f)
		}
	}
	return out
}

// notSecretKey reports Secret keys that hold identifiers or public material.
func notSecretKey(k string) bool {
	switch strings.ToLower(k) {
	case "username", "user", "host", "hostname", "port", "database", "db", "dbname", "namespace", "ca.crt", "tls.crt", "url", "endpoint", "region":
		return true
	}
	return false
}

func containers(spec *yaml.Node) []*yaml.Node {
	var cs []*yaml.Node
	for _, key := range []string{"initContainers", "containers", "ephemeralContainers"} {
		cs = append(cs, document.Items(document.Get(spec, key))...)
	}
	return cs
}

func checkEnv(src *document.Source, o object, h *detectors.Hasher, t *workload.Table) []detectors.Finding {
	pl := t.Platform(platformID)
	var out []detectors.Finding
	for _, c := range containers(podSpec(o)) {
		cname, _ := document.Str(document.Get(c, "name"))
		for _, e := range document.Items(document.Get(c, "env")) {
			name, _ := document.Str(document.Get(e, "name"))
			p, ok := document.GetPair(e, "value")
			if !ok {
				continue
			}
			v, _ := document.Str(p.Value)
			secretValue := ""
			switch {
			case !literal.IsLiteral(v):
			case literal.IsSecretName(name) || literal.KnownTokenPrefix(v):
				secretValue = v
			case literal.IsURLName(name):
				secretValue, _ = literal.URLPassword(v)
			}
			if secretValue == "" {
				continue
			}
			w := detectors.WorkloadFacts{Kind: t.KubernetesKind(o.kind), Platform: platformID, Name: label(o, src.Path),
				CurrentControl: document.ControlStatic, Federation: pl.Federation, Credential: literal.Label(name), CredentialKind: literal.Kind(name, v)}
			start, end := src.PairSpan(p)
			f := src.Finding(CheckEnvLiteral, start, end, fmt.Sprintf("%s container %s sets env %s to a literal secret; reference a Secret with valueFrom.secretKeyRef and %s", label(o, src.Path), literal.Label(cname), literal.Label(name), fixSecret), w)
			document.WithSecret(&f, h, secretValue, w.CredentialKind)
			out = append(out, f)
		}
	}
	return out
}

// secretRefs lists the Secrets a pod spec reads.
func secretRefs(spec *yaml.Node) []string {
	seen := map[string]bool{}
	var out []string
	addName := func(n *yaml.Node) {
		if s, ok := document.Str(n); ok && s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, c := range containers(spec) {
		for _, e := range document.Items(document.Get(c, "env")) {
			addName(document.Path(e, "valueFrom", "secretKeyRef", "name"))
		}
		for _, e := range document.Items(document.Get(c, "envFrom")) {
			addName(document.Path(e, "secretRef", "name"))
		}
	}
	for _, v := range document.Items(document.Get(spec, "volumes")) {
		addName(document.Path(v, "secret", "secretName"))
		for _, s := range document.Items(document.Path(v, "projected", "sources")) {
			addName(document.Path(s, "secret", "name"))
		}
	}
	for _, s := range document.Items(document.Get(spec, "imagePullSecrets")) {
		addName(document.Get(s, "name"))
	}
	return out
}
