package tokenfile

import (
	"fmt"
	"go/ast"
	"go/types"
	"regexp"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/cred"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/flow"
)

// Analyzer reports tokens written to disk without their expiry.
var Analyzer = &analysis.Analyzer{
	Name:     "tokenfile",
	Doc:      "report tokens written to files without their expiry",
	URL:      "https://github.com/sprawl-dev/sprawl/tree/main/detectors/tokencache/tokenfile",
	Requires: []*analysis.Analyzer{inspect.Analyzer, flow.Analyzer},
	Run:      run,
}

var (
	tokenFields  = map[string]bool{"AccessToken": true, "Token": true, "SessionToken": true, "IdToken": true}
	expiryFields = map[string]bool{"Expiry": true, "Expires": true, "ExpiresOn": true, "Expiration": true, "RefreshOn": true}
	absExpiryRE  = regexp.MustCompile(`(?i)^(expiry|expiration|expires|expires_?at|expire_?at|expires_?on|exp|not_?after|valid_?until|deadline)$`)
)

type payload struct {
	token, expiry bool
	kind          cred.Kind
	fetch         string
}

func run(pass *analysis.Pass) (any, error) {
	in := pass.ResultOf[flow.Analyzer].(*flow.Info)
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node) {
		call := n.(*ast.CallExpr)
		fn := cred.Callee(pass.TypesInfo, call)
		if fn == nil {
			return
		}
		var data []ast.Expr
		switch {
		case (cred.IsFunc(fn, "os", "WriteFile") || cred.IsFunc(fn, "io/ioutil", "WriteFile")) && len(call.Args) == 3:
			data = call.Args[1:2]
		case (cred.IsMethod(fn, "os", "File", "Write") || cred.IsMethod(fn, "os", "File", "WriteString") || cred.IsMethod(fn, "encoding/json", "Encoder", "Encode")) && len(call.Args) == 1:
			data = call.Args
		case cred.IsFunc(fn, "io", "WriteString") && len(call.Args) == 2:
			data = call.Args[1:]
		case cred.PkgPath(fn.Pkg()) == "fmt" && (fn.Name() == "Fprint" || fn.Name() == "Fprintf" || fn.Name() == "Fprintln") && len(call.Args) > 1:
			data = call.Args[1:]
		default:
			return
		}
		var p payload
		for _, d := range data {
			examine(pass.TypesInfo, in, d, &p, 0)
		}
		if p.token && !p.expiry {
			pass.Report(analysis.Diagnostic{
				Pos: call.Pos(), End: call.End(), Category: "code/token-cache-outlives-ttl",
				Message: fmt.Sprintf("the token from %s (%s) is written to disk without its expiry; whoever reads it back will use it after it expires. Fix: persist the whole token (json.Marshal keeps oauth2.Token.Expiry) or an absolute expires_at with it, and check it when loading",
					p.fetch, p.kind.Name),
			})
		}
	})
	return nil, nil
}

// examine walks the data written, following local variables, conversions,
// json.Marshal, fmt.Sprint* and composite literals.
func examine(info *types.Info, in *flow.Info, e ast.Expr, p *payload, depth int) {
	if e == nil || depth > 6 {
		return
	}
	e = ast.Unparen(e)
	if t := info.TypeOf(e); t != nil {
		if k, ok := cred.Of(t); ok {
			if o := in.Trace(e); o.Fetched() && !p.token {
				p.kind, p.fetch = k, o.Fetch
			}
			// A whole credential carries its expiry.
			p.expiry = true
			return
		}
		if named, ok := types.Unalias(t).(*types.Named); ok && cred.PkgPath(named.Obj().Pkg()) == "time" && named.Obj().Name() == "Time" {
			p.expiry = true
		}
		if st, ok := cred.Deref(t).Underlying().(*types.Struct); ok {
			for i := 0; i < st.NumFields(); i++ {
				f := st.Field(i)
				if absExpiryRE.MatchString(f.Name()) || cred.IsNamed(f.Type(), "time", "Time") {
					p.expiry = true
				}
			}
		}
	}
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if k, ok := cred.Of(info.TypeOf(x.X)); ok {
			switch {
			case tokenFields[x.Sel.Name]:
				o := in.Trace(x.X)
				if o.Fetched() {
					p.token, p.kind, p.fetch = true, k, o.Fetch
				}
			case expiryFields[x.Sel.Name]:
				p.expiry = true
			}
			return
		}
		if v, ok := info.Uses[x.Sel].(*types.Var); ok && !v.IsField() {
			examineVar(info, in, v, p, depth)
		}
	case *ast.StarExpr:
		examine(info, in, x.X, p, depth+1)
	case *ast.UnaryExpr:
		examine(info, in, x.X, p, depth+1)
	case *ast.BinaryExpr:
		examine(info, in, x.X, p, depth+1)
		examine(info, in, x.Y, p, depth+1)
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
			for _, a := range x.Args {
				examine(info, in, a, p, depth+1)
			}
			return
		}
		fn := cred.Callee(info, x)
		if fn == nil {
			return
		}
		switch pkg := cred.PkgPath(fn.Pkg()); {
		case pkg == "encoding/json" && (fn.Name() == "Marshal" || fn.Name() == "MarshalIndent"),
			pkg == "fmt" && (fn.Name() == "Sprintf" || fn.Name() == "Sprint"),
			pkg == "strings" || pkg == "bytes",
			pkg == cred.AWS && fn.Name() == "ToString":
			for _, a := range x.Args {
				examine(info, in, a, p, depth+1)
			}
		}
	case *ast.CompositeLit:
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok && absExpiryRE.MatchString(id.Name) {
					p.expiry = true
				}
				examine(info, in, kv.Value, p, depth+1)
			} else {
				examine(info, in, el, p, depth+1)
			}
		}
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok {
			examineVar(info, in, v, p, depth)
		}
	}
}

func examineVar(info *types.Info, in *flow.Info, v *types.Var, p *payload, depth int) {
	for _, st := range in.Stores[v] {
		if !st.IntoMap && st.Index == 0 {
			examine(info, in, st.RHS, p, depth+1)
		}
	}
}
