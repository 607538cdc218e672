// Package config finds control misfits in configuration: credentials whose
// control does not fit the workload that uses them, in GitHub Actions and
// GitLab CI pipelines, Terraform, Vault, Kubernetes manifests,
// docker-compose and .env files, Dockerfiles, and AI agent (MCP) configs. Every finding
// is a config/<check-id> result at the offending line that says the fix and
// carries detectors.WorkloadFacts for the correlator.
//
// Files are parsed structurally (YAML with yaml.v3, JSON/JSONC, HCL with
// hclsyntax); nothing in them is executed. Malformed or oversized files give
// no findings and a note (see Check).
package config

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config/compose"
	"github.com/sprawl-dev/sprawl/detectors/config/dockerfile"
	"github.com/sprawl-dev/sprawl/detectors/config/document"
	"github.com/sprawl-dev/sprawl/detectors/config/dotenv"
	"github.com/sprawl-dev/sprawl/detectors/config/ghactions"
	"github.com/sprawl-dev/sprawl/detectors/config/gitlabci"
	"github.com/sprawl-dev/sprawl/detectors/config/kubernetes"
	"github.com/sprawl-dev/sprawl/detectors/config/mcp"
	"github.com/sprawl-dev/sprawl/detectors/config/terraform"
	"github.com/sprawl-dev/sprawl/detectors/config/workload"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Options configure the detector.
type Options struct {
	// Workloads overrides the embedded classification table
	// (workload/workloads.toml); nil uses the default.
	Workloads *workload.Table
	// Terraform sets the TTL thresholds of the Vault checks.
	Terraform terraform.Options
}

// Detector runs the config checks. It is safe for concurrent use.
type Detector struct {
	table *workload.Table
	tf    terraform.Options
	// classes remembers PathClass by path (up to maxMemoPaths): a
	// history holds each path in many blobs, and matching the table's
	// globs costs microseconds.
	classes    sync.Map
	classCount atomic.Int64
}

// maxMemoPaths bounds the PathClass memo.
const maxMemoPaths = 1 << 18

// New returns the config detector with the default classification.
func New() detectors.Detector { return NewWithOptions(Options{}) }

// NewWithOptions returns a config detector configured by o.
func NewWithOptions(o Options) *Detector {
	t := o.Workloads
	if t == nil {
		t = workload.Default()
	}
	return &Detector{table: t, tf: o.Terraform}
}

// Name implements detectors.Detector.
func (d *Detector) Name() string { return "config" }

// CurrentOnly implements detectors.CurrentOnly: config controls are judged
// as they are at HEAD.
func (d *Detector) CurrentOnly() bool { return true }

// PathClass implements detectors.Detector: the parser the path selects
// (gha, gitlab, terraform, hcl, compose, yaml, mcp, dotenv, dockerfile) joined with the
// path itself, because findings name the file in their workload label.
func (d *Detector) PathClass(path string) string {
	if c, ok := d.classes.Load(path); ok {
		return c.(string)
	}
	class := ""
	if pl, ok := d.table.Match(path); ok {
		class = pl.Parser + ":" + path
	}
	if d.classCount.Add(1) < maxMemoPaths {
		d.classes.Store(path, class)
	}
	return class
}

// Detect implements detectors.Detector.
func (d *Detector) Detect(ctx context.Context, in detectors.Input) []detectors.Finding {
	f, _ := d.Check(ctx, in)
	return f
}

// Check is Detect plus notes about files it could not parse. Notes name the
// file and the parser's reason, never content.
func (d *Detector) Check(ctx context.Context, in detectors.Input) (findings []detectors.Finding, notes []scanners.Note) {
	pl, ok := d.table.Match(in.Path)
	if !ok || ctx.Err() != nil {
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			findings = nil
			notes = []scanners.Note{note(in.Path, pl.Parser, fmt.Errorf("parser failed"))}
		}
	}()
	if len(in.Content) > document.MaxBytes {
		return nil, []scanners.Note{note(in.Path, pl.Parser, document.ErrTooLarge)}
	}
	src := document.NewSource(in.Path, in.Content)
	var err error
	switch pl.Parser {
	case "gha":
		findings, err = d.yamlDocs(src, pl.Parser, func(root *yaml.Node) []detectors.Finding {
			return ghactions.Check(src, root, in.Hasher, d.table)
		})
	case "gitlab":
		findings, err = d.yamlDocs(src, pl.Parser, func(root *yaml.Node) []detectors.Finding {
			return gitlabci.Check(src, root, in.Hasher, d.table)
		})
	case "compose":
		findings, err = d.yamlDocs(src, pl.Parser, func(root *yaml.Node) []detectors.Finding {
			return compose.Check(src, root, in.Hasher, d.table)
		})
	case "yaml":
		if !bytes.Contains(in.Content, []byte("apiVersion")) && !bytes.Contains(in.Content, []byte("services")) {
			return nil, nil
		}
		var docs []*yaml.Node
		docs, err = document.ParseYAML(in.Content)
		if err != nil && bytes.Contains(in.Content, []byte("{{")) {
			err = nil // a Helm or other template, not YAML yet
		}
		var manifests []*yaml.Node
		for _, doc := range docs {
			switch {
			case kubernetes.IsManifest(doc):
				manifests = append(manifests, doc)
			case compose.IsCompose(doc):
				findings = append(findings, compose.Check(src, doc, in.Hasher, d.table)...)
			}
		}
		findings = append(findings, kubernetes.Check(src, manifests, in.Hasher, d.table)...)
	case "terraform":
		findings, err = terraform.Check(src, in.Hasher, d.table, d.tf)
	case "hcl":
		findings, err = terraform.CheckVaultConfig(src, in.Hasher, d.table, d.tf)
	case "mcp":
		var root *yaml.Node
		root, err = document.ParseJSON(in.Content)
		if err == nil {
			findings = mcp.Check(src, root, in.Hasher, d.table)
		}
	case "dotenv":
		findings = dotenv.Check(src, in.Hasher, d.table)
	case "dockerfile":
		findings = dockerfile.Check(src, in.Hasher, d.table)
	}
	if err != nil {
		notes = append(notes, note(in.Path, pl.Parser, err))
	}
	return findings, notes
}

func (d *Detector) yamlDocs(src *document.Source, parser string, each func(*yaml.Node) []detectors.Finding) ([]detectors.Finding, error) {
	docs, err := document.ParseYAML(src.Data)
	var out []detectors.Finding
	for _, doc := range docs {
		out = append(out, each(doc)...)
	}
	return out, err
}

func note(path, parser string, err error) scanners.Note {
	what := map[string]string{"gha": "GitHub Actions workflow", "gitlab": "GitLab CI file", "compose": "compose file",
		"yaml": "YAML file", "terraform": "Terraform file", "hcl": "HCL file", "mcp": "MCP config", "dotenv": ".env file"}[parser]
	return scanners.Note{Path: path, Kind: scanners.NoteError,
		Detail: strings.TrimSpace(fmt.Sprintf("config: %s not checked: %v", what, err))}
}
