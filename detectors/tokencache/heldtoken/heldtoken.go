package heldtoken

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

// Analyzer reports expiring credentials held in package-level variables or
// struct fields and served again without an expiry check.
var Analyzer = &analysis.Analyzer{
	Name:     "heldtoken",
	Doc:      "report tokens kept in package-level variables or struct fields and reused without an expiry check",
	URL:      "https://github.com/sprawl-dev/sprawl/tree/main/detectors/tokencache/heldtoken",
	Requires: []*analysis.Analyzer{inspect.Analyzer, flow.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	in := pass.ResultOf[flow.Analyzer].(*flow.Info)
	for _, v := range in.Order {
		checkHolder(pass, in, v)
	}
	checkOnceValue(pass)
	return nil, nil
}

func isCacheType(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Map:
		return true
	}
	return cred.IsNamed(t, "sync", "Map")
}

func checkHolder(pass *analysis.Pass, in *flow.Info, v *types.Var) {
	if !(v.IsField() || in.IsPackageLevel(v)) || isCacheType(v.Type()) {
		return
	}
	var fetched []*flow.Store
	var origins []flow.Origin
	for _, st := range in.Stores[v] {
		if st.IntoMap {
			continue
		}
		o := in.Trace(st.RHS)
		if st.RHS != nil && st.Index > 0 {
			continue // err of tok, err := ...
		}
		if o.Fetched() {
			fetched = append(fetched, st)
			origins = append(origins, o)
		}
	}
	if len(fetched) == 0 {
		return
	}
	served := false
	for _, r := range in.Reads[v] {
		if call, ok := r.Parent.(*ast.CallExpr); ok && cred.IsRefreshingWrapper(pass.TypesInfo, call) {
			return
		}
		scope := ast.Node(r.Decl)
		if scope == nil {
			scope = r.Func
		}
		if scope != nil && in.ChecksExpiry(scope) {
			return
		}
		for _, st := range fetched {
			if r.Func != st.Func || r.Guard {
				served = true
			}
		}
	}
	if !served {
		return
	}
	where := "package-level variable " + v.Name()
	if v.IsField() {
		where = "field " + v.Name()
		if owner := fieldOwner(in, v); owner != "" {
			where = "field " + owner + "." + v.Name()
		}
	}
	for i, st := range fetched {
		o := origins[i]
		how := ""
		switch {
		case st.Once:
			how = ", fetched once under sync.Once,"
		case st.Init:
			how = ", fetched once in init(),"
		case st.Func == nil:
			how = ", fetched once at package initialisation,"
		}
		pass.Report(analysis.Diagnostic{
			Pos: st.Node.Pos(), End: st.Node.End(),
			Category: "code/token-cache-outlives-ttl",
			Message: fmt.Sprintf("%s from %s is kept in %s%s and served again without an expiry check; when it expires every call fails until restart. Fix: %s",
				o.Kind.Name, o.Fetch, where, how, o.Kind.Fix()),
		})
	}
}

// fieldOwner names the struct type declaring field v, if the package
// declares it.
func fieldOwner(in *flow.Info, v *types.Var) string {
	if v.Pkg() == nil {
		return ""
	}
	scope := v.Pkg().Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		st, ok := tn.Type().Underlying().(*types.Struct)
		if !ok {
			continue
		}
		for i := 0; i < st.NumFields(); i++ {
			if st.Field(i) == v {
				return name
			}
		}
	}
	return ""
}

// checkOnceValue reports sync.OnceValue(s) memoising a credential.
func checkOnceValue(pass *analysis.Pass) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node) {
		call := n.(*ast.CallExpr)
		fn := cred.Callee(pass.TypesInfo, call)
		if fn == nil || !(cred.IsFunc(fn.Origin(), "sync", "OnceValue") || cred.IsFunc(fn.Origin(), "sync", "OnceValues")) {
			return
		}
		sig, ok := pass.TypesInfo.TypeOf(call).(*types.Signature)
		if !ok || sig.Results().Len() == 0 {
			return
		}
		k, ok := cred.Of(sig.Results().At(0).Type())
		if !ok {
			return
		}
		pass.Report(analysis.Diagnostic{
			Pos: call.Pos(), End: call.End(),
			Category: "code/token-cache-outlives-ttl",
			Message: fmt.Sprintf("sync.%s memoises a %s for the life of the process; it is never refreshed once it expires. Fix: %s",
				fn.Name(), k.Name, k.Fix()),
		})
	})
}
