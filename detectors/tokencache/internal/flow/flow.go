// Package flow is a helper analyzer for the token-cache analyzers: it
// records, for every variable and struct field of a package, where it is
// written (and with what) and where it is read, and traces a value back to
// the call that fetched it.
package flow

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/internal/cred"
)

// Analyzer computes an *Info for the package.
var Analyzer = &analysis.Analyzer{
	Name:       "tokenflow",
	Doc:        "records stores and reads of variables and fields for the token-cache analyzers",
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	Run:        run,
	ResultType: reflect.TypeOf((*Info)(nil)),
}

// Store is one write of a value into a variable, field or map.
type Store struct {
	Holder *types.Var
	// LHS is the expression written (ident, selector or index expression).
	LHS ast.Expr
	// Node is the statement or spec to report: AssignStmt, ValueSpec or
	// KeyValueExpr.
	Node ast.Node
	// RHS is the value stored; Index is its position when RHS is a call
	// returning several values.
	RHS   ast.Expr
	Index int
	// IntoMap is true for m[k] = v.
	IntoMap bool
	// Func is the innermost enclosing function (FuncDecl or FuncLit), nil at
	// package level; Decl is the enclosing declaration.
	Func ast.Node
	Decl *ast.FuncDecl
	// Once is true inside a function run once (sync.Once.Do, sync.OnceFunc,
	// sync.OnceValue(s)); Init inside func init().
	Once, Init bool
}

// Read is one read of a variable or field.
type Read struct {
	Holder *types.Var
	// Expr is the ident or selector read; Parent is its parent node.
	Expr   ast.Expr
	Parent ast.Node
	// Guard is true when the read sits in an if condition (memo guard:
	// if tok != nil { return tok }).
	Guard bool
	Func  ast.Node
	Decl  *ast.FuncDecl
	// File is the file holding the read.
	File *ast.File
}

// Info is the analyzer's result.
type Info struct {
	Stores map[*types.Var][]*Store
	Reads  map[*types.Var][]*Read
	// Order lists holders in source order of their first store.
	Order []*types.Var
	info  *types.Info
	pkg   *types.Package
	// expiry memoises ChecksExpiry per function.
	expiry map[ast.Node]bool
	// varOrigin memoises traceVar, and tracing marks variables being
	// traced: a variable stored to from many places would otherwise make
	// tracing exponential (seen on generated code).
	varOrigin map[*types.Var]Origin
	tracing   map[*types.Var]bool
	// mu guards the memo maps: analyzers that share this result run
	// concurrently under go vet (unitchecker).
	mu sync.Mutex
}

// ChecksExpiry is cred.ChecksExpiry, memoised per node.
func (in *Info) ChecksExpiry(n ast.Node) bool {
	in.mu.Lock()
	v, ok := in.expiry[n]
	in.mu.Unlock()
	if ok {
		return v
	}
	v = cred.ChecksExpiry(in.info, n)
	in.mu.Lock()
	in.expiry[n] = v
	in.mu.Unlock()
	return v
}

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	in := &Info{Stores: map[*types.Var][]*Store{}, Reads: map[*types.Var][]*Read{}, info: pass.TypesInfo, pkg: pass.Pkg, expiry: map[ast.Node]bool{}}
	ins.WithStack([]ast.Node{(*ast.Ident)(nil)}, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push {
			return true
		}
		id := n.(*ast.Ident)
		obj := pass.TypesInfo.ObjectOf(id)
		v, ok := obj.(*types.Var)
		if !ok || id.Name == "_" {
			return true
		}
		var fn ast.Node
		var decl *ast.FuncDecl
		var file *ast.File
		once := false
		for _, s := range stack {
			switch s := s.(type) {
			case *ast.CallExpr:
				if IsOnce(pass.TypesInfo, s) {
					once = true
				}
			case *ast.FuncDecl:
				fn, decl = s, s
			case *ast.FuncLit:
				fn = s
			case *ast.File:
				file = s
			}
		}
		// expr is the holder expression: x or a.b.x.
		var expr ast.Expr = id
		i := len(stack) - 2
		if i >= 0 {
			if sel, ok := stack[i].(*ast.SelectorExpr); ok && sel.Sel == id {
				expr = sel
				i--
			}
		}
		for i >= 0 {
			if p, ok := stack[i].(*ast.ParenExpr); ok {
				expr = p
				i--
				continue
			}
			break
		}
		if i < 0 {
			return true
		}
		parent := stack[i]
		add := func(st *Store) {
			st.Holder, st.Func, st.Decl, st.Once = v, fn, decl, once
			st.Init = decl != nil && decl.Recv == nil && decl.Name.Name == "init"
			if len(in.Stores[v]) == 0 {
				in.Order = append(in.Order, v)
			}
			in.Stores[v] = append(in.Stores[v], st)
		}
		switch p := parent.(type) {
		case *ast.ValueSpec:
			for j, name := range p.Names {
				if name != id {
					continue
				}
				st := &Store{LHS: id, Node: p}
				if len(p.Values) == len(p.Names) {
					st.RHS = p.Values[j]
				} else if len(p.Values) == 1 {
					st.RHS, st.Index = p.Values[0], j
				}
				add(st)
			}
			return true
		case *ast.KeyValueExpr:
			if p.Key == id {
				if _, isLit := stackAt(stack, i-1).(*ast.CompositeLit); isLit && v.IsField() {
					add(&Store{LHS: id, Node: p, RHS: p.Value})
				}
				return true
			}
		case *ast.AssignStmt:
			if st := assign(p, expr); st != nil {
				add(st)
				return true
			}
		case *ast.IndexExpr:
			if p.X == expr {
				if as, ok := stackAt(stack, i-1).(*ast.AssignStmt); ok {
					if st := assign(as, p); st != nil {
						st.LHS, st.IntoMap = p, true
						add(st)
						return true
					}
				}
			}
		}
		if _, isDef := pass.TypesInfo.Defs[id]; isDef {
			return true
		}
		r := &Read{Holder: v, Expr: expr, Parent: parent, Func: fn, Decl: decl, File: file}
		for j := i; j >= 0; j-- {
			if ifs, ok := stack[j].(*ast.IfStmt); ok {
				if j+1 < len(stack) && stack[j+1] == ifs.Cond {
					r.Guard = true
				}
				break
			}
			if _, ok := stack[j].(ast.Stmt); ok && j+1 < len(stack) {
				if _, isExpr := stack[j+1].(ast.Expr); !isExpr {
					break
				}
			}
		}
		in.Reads[v] = append(in.Reads[v], r)
		return true
	})
	return in, nil
}

func stackAt(stack []ast.Node, i int) ast.Node {
	if i < 0 || i >= len(stack) {
		return nil
	}
	return stack[i]
}

func assign(as *ast.AssignStmt, lhs ast.Expr) *Store {
	for j, l := range as.Lhs {
		if l != lhs {
			continue
		}
		if as.Tok != token.ASSIGN && as.Tok != token.DEFINE {
			return nil
		}
		st := &Store{LHS: l, Node: as}
		if len(as.Rhs) == len(as.Lhs) {
			st.RHS = as.Rhs[j]
		} else if len(as.Rhs) == 1 {
			st.RHS, st.Index = as.Rhs[0], j
		}
		return st
	}
	return nil
}

// Origin says where a value came from.
type Origin struct {
	// Kind is the credential kind; Known is false when the value is not a
	// credential (or nothing is known about it).
	Kind  cred.Kind
	Known bool
	// Fetch names the call that fetched the credential ("Exchange",
	// "AssumeRole"), empty when it was built from a literal or is unknown.
	Fetch string
	Call  *ast.CallExpr
	// Literal is the composite literal the credential was built from.
	Literal *ast.CompositeLit
	// Lifetime is the credential's lifetime when it is a known constant.
	Lifetime time.Duration
}

// Fetched reports whether the value comes from a call that fetched an
// expiring credential.
func (o Origin) Fetched() bool { return o.Known && o.Fetch != "" }

var tokenFetchRE = regexp.MustCompile(`(?i)^(get|fetch|request|new|issue|mint|obtain|acquire|exchange|login|refresh|retrieve|load|read|create|generate)\w*(token|jwt|bearer|credential|creds)s?$`)

var saTokenRE = regexp.MustCompile(`/var/run/secrets/|serviceaccount/token|/token$`)

// Trace follows e back to where its value was made.
func (in *Info) Trace(e ast.Expr) Origin {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.trace(e, 0, 0)
}

func (in *Info) trace(e ast.Expr, index, depth int) Origin {
	if depth > 6 || e == nil {
		return Origin{}
	}
	switch x := e.(type) {
	case *ast.ParenExpr:
		return in.trace(x.X, index, depth+1)
	case *ast.StarExpr:
		return in.trace(x.X, index, depth+1)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return in.trace(x.X, index, depth+1)
		}
	case *ast.CompositeLit:
		if k, ok := cred.Of(in.info.TypeOf(x)); ok {
			return Origin{Kind: k, Known: true, Literal: x}
		}
	case *ast.CallExpr:
		return in.traceCall(x, index, depth)
	case *ast.SelectorExpr:
		if sel := in.info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
			if _, ok := cred.Of(in.info.TypeOf(x.X)); ok {
				return in.trace(x.X, 0, depth+1)
			}
			if v, ok := sel.Obj().(*types.Var); ok {
				return in.traceVar(v, depth)
			}
		}
		if v, ok := in.info.Uses[x.Sel].(*types.Var); ok {
			return in.traceVar(v, depth)
		}
	case *ast.Ident:
		if v, ok := in.info.Uses[x].(*types.Var); ok {
			return in.traceVar(v, depth)
		}
	case *ast.IndexExpr:
		return in.trace(x.X, 0, depth+1)
	}
	if k, ok := cred.Of(in.info.TypeOf(e)); ok {
		return Origin{Kind: k, Known: true}
	}
	return Origin{}
}

func (in *Info) traceVar(v *types.Var, depth int) Origin {
	if o, ok := in.varOrigin[v]; ok {
		return o
	}
	if in.tracing[v] {
		return Origin{}
	}
	if in.tracing == nil {
		in.tracing, in.varOrigin = map[*types.Var]bool{}, map[*types.Var]Origin{}
	}
	in.tracing[v] = true
	o := in.traceStores(v, depth)
	delete(in.tracing, v)
	in.varOrigin[v] = o
	return o
}

func (in *Info) traceStores(v *types.Var, depth int) Origin {
	var fallback Origin
	for _, st := range in.Stores[v] {
		if st.IntoMap {
			continue
		}
		o := in.trace(st.RHS, st.Index, depth+1)
		if o.Fetched() {
			return o
		}
		if o.Known && !fallback.Known {
			fallback = o
		}
	}
	if !fallback.Known {
		if k, ok := cred.Of(v.Type()); ok {
			return Origin{Kind: k, Known: true}
		}
	}
	return fallback
}

func (in *Info) traceCall(call *ast.CallExpr, index, depth int) Origin {
	if tv, ok := in.info.Types[call.Fun]; ok && tv.IsType() && len(call.Args) == 1 {
		return in.trace(call.Args[0], 0, depth+1)
	}
	fn := cred.Callee(in.info, call)
	if fn != nil && len(call.Args) >= 1 {
		pkg := cred.PkgPath(fn.Pkg())
		switch {
		case (pkg == "strings" || pkg == "bytes") && strings.HasPrefix(fn.Name(), "Trim"),
			pkg == cred.AWS && (fn.Name() == "ToString" || fn.Name() == "ToTime"),
			pkg == "encoding/json" && (fn.Name() == "Marshal" || fn.Name() == "MarshalIndent"):
			return in.trace(call.Args[0], 0, depth+1)
		case (pkg == "os" || pkg == "io/ioutil") && fn.Name() == "ReadFile":
			if s, ok := in.constString(call.Args[0]); ok && saTokenRE.MatchString(s) {
				return Origin{Kind: cred.Kind{Name: "service-account token read from " + s, Family: "file"}, Known: true, Fetch: "os.ReadFile", Call: call}
			}
		}
	}
	t := in.info.TypeOf(call)
	if tup, ok := t.(*types.Tuple); ok {
		if index < tup.Len() {
			t = tup.At(index).Type()
		} else {
			t = nil
		}
	}
	name := ""
	if fn != nil {
		name = fn.Name()
	} else if id := calleeIdent(call.Fun); id != nil {
		name = id.Name
	}
	if k, ok := cred.Of(t); ok {
		o := Origin{Kind: k, Known: true, Fetch: name, Call: call, Lifetime: k.Lifetime}
		if k.Family == "sts" && len(call.Args) >= 2 {
			if d, ok := in.stsDuration(call.Args[1]); ok {
				o.Lifetime = d
			}
		}
		if name == "" {
			o.Fetch = "a call"
		}
		return o
	}
	if name != "" && tokenFetchRE.MatchString(name) && isStringish(t) {
		return Origin{Kind: cred.Kind{Name: "token returned by " + name, Family: "jwt"}, Known: true, Fetch: name, Call: call}
	}
	return Origin{}
}

func calleeIdent(fun ast.Expr) *ast.Ident {
	switch f := fun.(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	case *ast.IndexExpr:
		return calleeIdent(f.X)
	}
	return nil
}

func isStringish(t types.Type) bool {
	if t == nil {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice:
		b, ok := u.Elem().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Byte
	}
	return false
}

func (in *Info) constString(e ast.Expr) (string, bool) {
	tv, ok := in.info.Types[e]
	if ok && tv.Value != nil && tv.Value.Kind() == constant.String {
		return constant.StringVal(tv.Value), true
	}
	return "", false
}

// stsDuration reads DurationSeconds from an STS input literal.
func (in *Info) stsDuration(arg ast.Expr) (time.Duration, bool) {
	for {
		switch x := arg.(type) {
		case *ast.UnaryExpr:
			arg = x.X
			continue
		case *ast.ParenExpr:
			arg = x.X
			continue
		}
		break
	}
	lit, ok := arg.(*ast.CompositeLit)
	if !ok {
		return 0, false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if id, ok := kv.Key.(*ast.Ident); !ok || id.Name != "DurationSeconds" {
			continue
		}
		v := kv.Value
		if c, ok := v.(*ast.CallExpr); ok && len(c.Args) == 1 {
			v = c.Args[0]
		}
		if d, ok := cred.Duration(in.info, v); ok {
			return d * time.Second, true
		}
	}
	return 0, false
}

// IsPackageLevel reports whether v is a package-level variable of the
// analysed package.
func (in *Info) IsPackageLevel(v *types.Var) bool {
	return !v.IsField() && v.Pkg() == in.pkg && v.Parent() == in.pkg.Scope()
}

// TypesInfo returns the type information the Info was built from.
func (in *Info) TypesInfo() *types.Info { return in.info }

// IsOnce reports whether call runs its function argument once:
// (*sync.Once).Do, sync.OnceFunc, sync.OnceValue, sync.OnceValues.
func IsOnce(info *types.Info, call *ast.CallExpr) bool {
	fn := cred.Callee(info, call)
	if fn == nil {
		return false
	}
	if fn.Origin() != nil {
		fn = fn.Origin()
	}
	return cred.IsMethod(fn, "sync", "Once", "Do") || cred.IsFunc(fn, "sync", "OnceFunc") ||
		cred.IsFunc(fn, "sync", "OnceValue") || cred.IsFunc(fn, "sync", "OnceValues")
}
