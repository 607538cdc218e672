package tokencache

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"

	"golang.org/x/tools/go/analysis"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/gostub"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/cred"
)

// Diagnostic is one report of an analyzer run by RunGoFile, with resolved
// positions (1-based lines and columns, End exclusive).
type Diagnostic struct {
	Analyzer string
	Message  string
	Start    token.Position
	End      token.Position
}

// MightMatch is the cheap pre-check RunGoFile applies before parsing: it
// reports whether src mentions anything the analyzers can report on.
func MightMatch(src []byte) bool {
	for _, h := range cred.ImportHints {
		if bytes.Contains(src, []byte(h)) {
			return true
		}
	}
	return false
}

// RunGoFile runs analyzers (and what they require) over one Go file without
// go/packages, the go command, the network or the file's dependencies: it
// parses src, type-checks it against the gostub stubs (any other import is
// an empty package, and type errors are ignored) and builds each
// analysis.Pass by hand. Analyzers that use facts are not supported. A
// panic in an analyzer (hostile input) is returned as an error.
func RunGoFile(ctx context.Context, filename string, src []byte, analyzers []*analysis.Analyzer) (diags []Diagnostic, err error) {
	if !MightMatch(src) {
		return nil, nil
	}
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if f == nil || f.Name == nil {
		return nil, nil
	}
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Instances:    map[*ast.Ident]types.Instance{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
	conf := types.Config{
		Importer:    gostub.NewImporter(),
		Error:       func(error) {},
		FakeImportC: true,
		Sizes:       types.SizesFor("gc", "amd64"),
	}
	pkg, _ := conf.Check("sprawl.scan/"+f.Name.Name, fset, []*ast.File{f}, info)
	if pkg == nil {
		return nil, nil
	}
	files := []*ast.File{f}
	results := map[*analysis.Analyzer]any{}
	var order []*analysis.Analyzer
	seen := map[*analysis.Analyzer]bool{}
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		for _, r := range a.Requires {
			visit(r)
		}
		order = append(order, a)
	}
	for _, a := range analyzers {
		visit(a)
	}
	wanted := map[*analysis.Analyzer]bool{}
	for _, a := range analyzers {
		wanted[a] = true
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tokencache: analyzer panic on %s: %v", filename, r)
		}
	}()
	for _, a := range order {
		if err := ctx.Err(); err != nil {
			return diags, err
		}
		if len(a.FactTypes) > 0 {
			return diags, fmt.Errorf("tokencache: analyzer %s uses facts, which the single-file driver does not support", a.Name)
		}
		resultOf := map[*analysis.Analyzer]any{}
		for _, r := range a.Requires {
			resultOf[r] = results[r]
		}
		name := a.Name
		report := wanted[a]
		pass := &analysis.Pass{
			Analyzer:   a,
			Fset:       fset,
			Files:      files,
			Pkg:        pkg,
			TypesInfo:  info,
			TypesSizes: conf.Sizes,
			ResultOf:   resultOf,
			Report: func(d analysis.Diagnostic) {
				if !report {
					return
				}
				start := fset.Position(d.Pos)
				end := start
				if d.End.IsValid() {
					end = fset.Position(d.End)
				} else {
					end.Column++
				}
				diags = append(diags, Diagnostic{Analyzer: name, Message: d.Message, Start: start, End: end})
			},
			ReadFile:          func(string) ([]byte, error) { return nil, fmt.Errorf("tokencache: no file access") },
			ImportObjectFact:  func(types.Object, analysis.Fact) bool { return false },
			ExportObjectFact:  func(types.Object, analysis.Fact) {},
			ImportPackageFact: func(*types.Package, analysis.Fact) bool { return false },
			ExportPackageFact: func(analysis.Fact) {},
			AllObjectFacts:    func() []analysis.ObjectFact { return nil },
			AllPackageFacts:   func() []analysis.PackageFact { return nil },
		}
		res, err := a.Run(pass)
		if err != nil {
			return diags, fmt.Errorf("tokencache: %s: %w", a.Name, err)
		}
		if a.ResultType != nil && res != nil && reflect.TypeOf(res) != a.ResultType {
			return diags, fmt.Errorf("tokencache: %s returned %T, want %v", a.Name, res, a.ResultType)
		}
		results[a] = res
	}
	sort.SliceStable(diags, func(i, j int) bool {
		if diags[i].Start.Offset != diags[j].Start.Offset {
			return diags[i].Start.Offset < diags[j].Start.Offset
		}
		return diags[i].Analyzer < diags[j].Analyzer
	})
	return diags, nil
}
