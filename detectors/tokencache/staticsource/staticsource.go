package staticsource

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/cred"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/flow"
)

// Analyzer reports static, never-refreshing credential sources fed
// credentials that expire.
var Analyzer = &analysis.Analyzer{
	Name:     "staticsource",
	Doc:      "report oauth2.StaticTokenSource and credentials.NewStaticCredentialsProvider fed expiring credentials",
	URL:      "https://github.com/sprawl-dev/sprawl/tree/main/detectors/tokencache/staticsource",
	Requires: []*analysis.Analyzer{inspect.Analyzer, flow.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	in := pass.ResultOf[flow.Analyzer].(*flow.Info)
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil), (*ast.CompositeLit)(nil)}, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.CallExpr:
			fn := cred.Callee(pass.TypesInfo, n)
			switch {
			case cred.IsFunc(fn, cred.OAuth2, "StaticTokenSource") && len(n.Args) == 1:
				checkOAuth2(pass, in, n, n.Args[0])
			case cred.IsFunc(fn, cred.AWSCreds, "NewStaticCredentialsProvider") && len(n.Args) == 3:
				if isEmptyString(pass.TypesInfo, n.Args[2]) {
					return
				}
				for _, arg := range n.Args {
					if o := in.Trace(arg); o.Fetched() && (o.Kind.Family == "sts" || o.Kind.Family == "aws") {
						reportAWS(pass, n, o)
						return
					}
				}
			}
		case *ast.CompositeLit:
			// credentials.StaticCredentialsProvider{Value: creds}
			if !cred.IsNamed(pass.TypesInfo.TypeOf(n), cred.AWSCreds, "StaticCredentialsProvider") {
				return
			}
			for _, el := range n.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if id, isID := kv.Key.(*ast.Ident); !ok || !isID || id.Name != "Value" {
					continue
				}
				if o := in.Trace(kv.Value); o.Fetched() {
					reportAWS(pass, n, o)
				}
			}
		}
	})
	return nil, nil
}

func checkOAuth2(pass *analysis.Pass, in *flow.Info, call *ast.CallExpr, arg ast.Expr) {
	if isHolder(pass.TypesInfo, in, arg) {
		return // heldtoken reports where the held token was stored
	}
	o := in.Trace(arg)
	switch {
	case o.Fetched():
		pass.Report(analysis.Diagnostic{
			Pos: call.Pos(), End: call.End(), Category: "code/token-cache-outlives-ttl",
			Message: fmt.Sprintf("oauth2.StaticTokenSource is fed the %s from %s, which expires, but a static source never refreshes it; calls fail with 401 once it expires. Fix: use Config.TokenSource(ctx, tok) or oauth2.ReuseTokenSource(tok, src) so it is refreshed before Expiry",
				o.Kind.Name, o.Fetch),
		})
	case o.Literal != nil && literalExpires(o.Literal):
		pass.Report(analysis.Diagnostic{
			Pos: call.Pos(), End: call.End(), Category: "code/token-cache-outlives-ttl",
			Message: "oauth2.StaticTokenSource is fed an oauth2.Token with an Expiry (or refresh token), but a static source never refreshes it; calls fail with 401 once it expires. Fix: build the source with Config.TokenSource(ctx, tok) or oauth2.ReuseTokenSource(tok, src)",
		})
	}
}

func literalExpires(lit *ast.CompositeLit) bool {
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && (id.Name == "Expiry" || id.Name == "RefreshToken" || id.Name == "ExpiresIn") {
				return true
			}
		}
	}
	return false
}

func reportAWS(pass *analysis.Pass, n ast.Node, o flow.Origin) {
	life := ""
	if o.Lifetime > 0 {
		life = " (they last " + cred.HumanDuration(o.Lifetime) + ")"
	}
	pass.Report(analysis.Diagnostic{
		Pos: n.Pos(), End: n.End(), Category: "code/token-cache-outlives-ttl",
		Message: fmt.Sprintf("a static credentials provider is fed temporary %s from %s%s, but it never refreshes them; AWS calls fail with ExpiredToken once they expire. Fix: use aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, roleARN)) (or the default credential chain), which refreshes before expiry",
			o.Kind.Name, o.Fetch, life),
	})
}

func isEmptyString(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil && tv.Value.ExactString() == `""`
}

// isHolder reports whether e reads a package-level variable or a field.
func isHolder(info *types.Info, in *flow.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	var id *ast.Ident
	switch x := e.(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	}
	if id == nil {
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	return ok && (v.IsField() || in.IsPackageLevel(v))
}
