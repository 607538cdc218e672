package cachettl

import (
	"fmt"
	"go/ast"
	"go/types"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/cred"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/flow"
)

// Analyzer reports caches that hold tokens longer than the tokens live.
var Analyzer = &analysis.Analyzer{
	Name:     "cachettl",
	Doc:      "report caches (map, sync.Map, go-cache, ristretto, ttlcache, bigcache) holding tokens with no expiry or a TTL longer than the token's",
	URL:      "https://github.com/sprawl-dev/sprawl/tree/main/detectors/tokencache/cachettl",
	Requires: []*analysis.Analyzer{inspect.Analyzer, flow.Analyzer},
	Run:      run,
}

const fixTTL = "Fix: set each entry's TTL from the token (time.Until(expiry) minus a minute) or check the expiry on every read"

type checker struct {
	pass *analysis.Pass
	in   *flow.Info
	// touchReported remembers ttlcache constructors already reported.
	touchReported map[ast.Node]bool
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{pass: pass, in: pass.ResultOf[flow.Analyzer].(*flow.Info), touchReported: map[ast.Node]bool{}}
	for _, v := range c.in.Order {
		c.checkMap(v)
	}
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node) { c.checkCall(n.(*ast.CallExpr)) })
	return nil, nil
}

func (c *checker) report(n ast.Node, format string, args ...any) {
	c.pass.Report(analysis.Diagnostic{Pos: n.Pos(), End: n.End(), Category: "code/token-cache-outlives-ttl", Message: fmt.Sprintf(format, args...)})
}

// readersCheckExpiry reports whether any function reading v checks expiry.
func (c *checker) readersCheckExpiry(v *types.Var) bool {
	for _, r := range c.in.Reads[v] {
		scope := ast.Node(r.Decl)
		if scope == nil {
			scope = r.Func
		}
		if scope != nil && c.in.ChecksExpiry(scope) {
			return true
		}
	}
	return false
}

func (c *checker) isLongLived(v *types.Var) bool { return v.IsField() || c.in.IsPackageLevel(v) }

func (c *checker) checkMap(v *types.Var) {
	if _, ok := v.Type().Underlying().(*types.Map); !ok || !c.isLongLived(v) {
		return
	}
	for _, st := range c.in.Stores[v] {
		if !st.IntoMap {
			continue
		}
		o := c.in.Trace(st.RHS)
		if !o.Fetched() || c.readersCheckExpiry(v) {
			continue
		}
		c.report(st.Node, "%s from %s is cached in map %s with no expiry, and no reader checks it; expired tokens are served until restart. %s", o.Kind.Name, o.Fetch, v.Name(), fixTTL)
	}
}

// holder returns the long-lived variable or field e reads, if any.
func (c *checker) holder(e ast.Expr) *types.Var {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	var id *ast.Ident
	switch x := e.(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	}
	if id == nil {
		return nil
	}
	v, _ := c.pass.TypesInfo.Uses[id].(*types.Var)
	if v == nil || !c.isLongLived(v) {
		return nil
	}
	return v
}

// constructor returns the call that created the cache held in v.
func (c *checker) constructor(v *types.Var) *ast.CallExpr {
	if v == nil {
		return nil
	}
	for _, st := range c.in.Stores[v] {
		if call, ok := ast.Unparen(st.RHS).(*ast.CallExpr); ok {
			return call
		}
	}
	return nil
}

func (c *checker) checkCall(call *ast.CallExpr) {
	fn := cred.Callee(c.pass.TypesInfo, call)
	if fn == nil {
		return
	}
	if fn.Origin() != nil {
		fn = fn.Origin()
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return
	}
	pkg := cred.PkgPath(fn.Pkg())
	recv := c.holder(sel.X)
	value := func(i int) (flow.Origin, bool) {
		if i >= len(call.Args) {
			return flow.Origin{}, false
		}
		o := c.in.Trace(call.Args[i])
		return o, o.Fetched()
	}
	info := c.pass.TypesInfo
	switch {
	case cred.IsMethod(fn, "sync", "Map", "Store") || cred.IsMethod(fn, "sync", "Map", "LoadOrStore") || cred.IsMethod(fn, "sync", "Map", "Swap"):
		if o, ok := value(1); ok && recv != nil && !c.readersCheckExpiry(recv) {
			c.report(call, "%s from %s is cached in sync.Map %s with no expiry, and no reader checks it; expired tokens are served until restart. %s", o.Kind.Name, o.Fetch, recv.Name(), fixTTL)
		}
	case pkg == cred.GoCache && (fn.Name() == "Set" || fn.Name() == "Add" || fn.Name() == "Replace" || fn.Name() == "SetDefault"):
		o, ok := value(1)
		if !ok {
			return
		}
		ttl, known := time.Duration(0), false
		if fn.Name() != "SetDefault" && len(call.Args) == 3 {
			ttl, known = cred.Duration(info, call.Args[2])
		} else {
			known = true
		}
		if known && ttl == 0 { // cache.DefaultExpiration
			ttl, known = 0, false
			if ctor := c.constructor(recv); ctor != nil && cred.IsFunc(cred.Callee(info, ctor), cred.GoCache, "New") && len(ctor.Args) == 2 {
				ttl, known = cred.Duration(info, ctor.Args[0])
				if known && ttl == 0 {
					ttl = -1
				}
			}
		}
		c.checkTTL(call, o, "go-cache", ttl, known)
	case (pkg == cred.Ristretto || pkg == cred.RistrettoV2) && fn.Name() == "Set":
		if o, ok := value(1); ok {
			c.report(call, "%s from %s is put in a ristretto cache with Set, which has no TTL: it stays until evicted and is served after it expires. Fix: SetWithTTL with a TTL taken from the token (time.Until(expiry) minus a minute)", o.Kind.Name, o.Fetch)
		}
	case (pkg == cred.Ristretto || pkg == cred.RistrettoV2) && fn.Name() == "SetWithTTL" && len(call.Args) == 4:
		if o, ok := value(1); ok {
			ttl, known := cred.Duration(info, call.Args[3])
			if known && ttl == 0 {
				ttl = -1
			}
			c.checkTTL(call, o, "ristretto", ttl, known)
		}
	case (pkg == cred.TTLCache || pkg == cred.TTLCacheV2) && fn.Name() == "Set" && len(call.Args) == 3:
		o, ok := value(1)
		if !ok {
			return
		}
		ctor := c.constructor(recv)
		ttl, known := cred.Duration(info, call.Args[2])
		if known && ttl == 0 { // ttlcache.DefaultTTL
			ttl, known = c.ttlcacheDefault(ctor)
		}
		if c.checkTTL(call, o, "ttlcache", ttl, known) {
			return
		}
		if ctor != nil && !c.touchReported[ctor] && !c.hasOption(ctor, "WithDisableTouchOnHit") {
			c.touchReported[ctor] = true
			c.report(call, "%s from %s is put in a ttlcache created without WithDisableTouchOnHit: every Get extends its stay, so a token in use never leaves the cache and is served after it expires. Fix: add ttlcache.WithDisableTouchOnHit() and a TTL shorter than the token's", o.Kind.Name, o.Fetch)
		}
	case (pkg == cred.BigCache || pkg == cred.BigCacheV2 || pkg == cred.BigCacheV1) && fn.Name() == "Set" && len(call.Args) == 2:
		o, ok := value(1)
		if !ok {
			return
		}
		if life, known := c.bigcacheLife(c.constructor(recv)); known {
			c.checkTTL(call, o, "bigcache (LifeWindow)", life, true)
		}
	}
}

// checkTTL reports a TTL that never expires (ttl < 0) or outlives the
// token's known lifetime; it returns whether it reported.
func (c *checker) checkTTL(call *ast.CallExpr, o flow.Origin, cache string, ttl time.Duration, known bool) bool {
	switch {
	case !known:
		return false
	case ttl < 0:
		c.report(call, "%s from %s is cached in %s with no expiration; it is served after it expires. %s", o.Kind.Name, o.Fetch, cache, fixTTL)
		return true
	case o.Lifetime > 0 && ttl > o.Lifetime:
		c.report(call, "%s from %s lives %s but is cached in %s for %s; for the difference the cache serves expired credentials. %s", o.Kind.Name, o.Fetch, cred.HumanDuration(o.Lifetime), cache, cred.HumanDuration(ttl), fixTTL)
		return true
	}
	return false
}

func (c *checker) hasOption(ctor *ast.CallExpr, name string) bool {
	for _, a := range ctor.Args {
		if call, ok := ast.Unparen(a).(*ast.CallExpr); ok {
			if fn := cred.Callee(c.pass.TypesInfo, call); fn != nil && fn.Name() == name {
				return true
			}
		}
	}
	return false
}

func (c *checker) ttlcacheDefault(ctor *ast.CallExpr) (time.Duration, bool) {
	if ctor == nil {
		return 0, false
	}
	fn := cred.Callee(c.pass.TypesInfo, ctor)
	if fn == nil || fn.Name() != "New" || cred.PkgPath(fn.Pkg()) != cred.TTLCache {
		return 0, false
	}
	for _, a := range ctor.Args {
		if call, ok := ast.Unparen(a).(*ast.CallExpr); ok {
			if fn := cred.Callee(c.pass.TypesInfo, call); fn != nil && fn.Name() == "WithTTL" && len(call.Args) == 1 {
				d, ok := cred.Duration(c.pass.TypesInfo, call.Args[0])
				if ok && d == 0 {
					d = -1
				}
				return d, ok
			}
		}
	}
	return -1, true // no WithTTL: items never expire
}

func (c *checker) bigcacheLife(ctor *ast.CallExpr) (time.Duration, bool) {
	if ctor == nil || len(ctor.Args) == 0 {
		return 0, false
	}
	cfg := ast.Unparen(ctor.Args[len(ctor.Args)-1])
	if id, ok := cfg.(*ast.Ident); ok {
		if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
			for _, st := range c.in.Stores[v] {
				cfg = ast.Unparen(st.RHS)
				break
			}
		}
	}
	switch x := cfg.(type) {
	case *ast.CallExpr:
		if fn := cred.Callee(c.pass.TypesInfo, x); fn != nil && fn.Name() == "DefaultConfig" && len(x.Args) == 1 {
			return cred.Duration(c.pass.TypesInfo, x.Args[0])
		}
	case *ast.CompositeLit:
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "LifeWindow" {
					return cred.Duration(c.pass.TypesInfo, kv.Value)
				}
			}
		}
	}
	return 0, false
}
