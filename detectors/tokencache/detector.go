// Package tokencache finds code that keeps a token or credential longer
// than it lives (rule code/token-cache-outlives-ttl). Go files go through
// the type-aware analyzers in the sub-packages, run in process on the single
// file (see RunGoFile); Python, JavaScript/TypeScript, Java, C#, Kotlin and
// Ruby files go through the careful line patterns of package
// tokencache/patterns.
package tokencache

import (
	"context"
	"path"
	"strings"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/patterns"
)

// MaxFileSize is the largest file the detector reads; bigger files are
// generated or data, not token-caching code.
const MaxFileSize = 1 << 20

type detector struct{}

// New returns the token-cache detector for .go, .py, .js/.mjs/.cjs/.jsx,
// .ts/.tsx/.mts/.cts, .java, .cs, .kt/.kts and .rb files.
func New() detectors.Detector { return detector{} }

func (detector) Name() string { return "tokencache" }

// CurrentOnly implements detectors.CurrentOnly: token caching matters in
// the code that runs today, not in versions history replaced.
func (detector) CurrentOnly() bool { return true }

// PathClass returns the language of path, or "" for other files.
func (detector) PathClass(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".go":
		return "go"
	case ".py":
		return "python"
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts":
		return "javascript"
	case ".java":
		return "java"
	case ".cs":
		return "csharp"
	case ".kt", ".kts":
		return "kotlin"
	case ".rb":
		return "ruby"
	}
	return ""
}

func (d detector) Detect(ctx context.Context, in detectors.Input) []detectors.Finding {
	if len(in.Content) > MaxFileSize {
		return nil
	}
	lang := d.PathClass(in.Path)
	var out []detectors.Finding
	switch lang {
	case "":
		return nil
	case "go":
		diags, _ := RunGoFile(ctx, in.Path, in.Content, Analyzers())
		for _, g := range diags {
			out = append(out, detectors.Finding{
				RuleID:  RuleID,
				Message: g.Message,
				Location: detectors.Location{
					Path:      in.Path,
					StartLine: g.Start.Line, StartColumn: g.Start.Column,
					EndLine: g.End.Line, EndColumn: g.End.Column,
				},
				Properties: map[string]any{"language": "go", "analyzer": g.Analyzer},
			})
		}
	default:
		for _, m := range patterns.Find(lang, in.Content) {
			out = append(out, detectors.Finding{
				RuleID:  RuleID,
				Message: m.Message,
				Location: detectors.Location{
					Path:      in.Path,
					StartLine: m.Line, StartColumn: m.StartColumn,
					EndLine: m.Line, EndColumn: m.EndColumn,
				},
				Properties: map[string]any{"language": lang, "pattern": m.Pattern},
			})
		}
	}
	return out
}
