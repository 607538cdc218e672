// Package cred knows which Go types are expiring credentials, which members
// tell their expiry, which calls fetch them and which calls wrap them in a
// refreshing source. It is shared by the token-cache analyzers.
package cred

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"
	"time"

	"golang.org/x/tools/go/types/typeutil"
)

// Paths of the packages the analyzers understand. Vendored copies are
// matched by suffix.
const (
	OAuth2      = "golang.org/x/oauth2"
	AWS         = "github.com/aws/aws-sdk-go-v2/aws"
	AWSCreds    = "github.com/aws/aws-sdk-go-v2/credentials"
	STS         = "github.com/aws/aws-sdk-go-v2/service/sts"
	STSTypes    = "github.com/aws/aws-sdk-go-v2/service/sts/types"
	AzCore      = "github.com/Azure/azure-sdk-for-go/sdk/azcore"
	AzExported  = "github.com/Azure/azure-sdk-for-go/sdk/azcore/internal/exported"
	GoCache     = "github.com/patrickmn/go-cache"
	Ristretto   = "github.com/dgraph-io/ristretto"
	RistrettoV2 = "github.com/dgraph-io/ristretto/v2"
	TTLCache    = "github.com/jellydator/ttlcache/v3"
	TTLCacheV2  = "github.com/jellydator/ttlcache/v2"
	BigCache    = "github.com/allegro/bigcache/v3"
	BigCacheV2  = "github.com/allegro/bigcache/v2"
	BigCacheV1  = "github.com/allegro/bigcache"
)

// ImportHints are byte strings at least one of which appears in any Go file
// the analyzers can report on; files with none are skipped unparsed. Besides
// the credential and cache packages, a call to a token-fetching function
// ("...Token(", "...token(", "...JWT(") can yield a reportable JWT string.
var ImportHints = []string{
	"golang.org/x/oauth2", "github.com/aws/aws-sdk-go-v2", "github.com/Azure/azure-sdk-for-go",
	"/var/run/secrets", "serviceaccount/token",
	"oken(", "OKEN(", "JWT(", "Jwt(", "redentials(", "reds(",
}

// PkgPath returns p without a vendor prefix.
func PkgPath(p *types.Package) string {
	if p == nil {
		return ""
	}
	s := p.Path()
	if i := strings.LastIndex(s, "/vendor/"); i >= 0 {
		s = s[i+len("/vendor/"):]
	}
	return s
}

// Kind describes an expiring credential type.
type Kind struct {
	// Name is how messages name the type, e.g. "*oauth2.Token".
	Name string
	// Family is oauth2, aws, sts or azure.
	Family string
	// Lifetime is the default lifetime when the type alone tells it
	// (STS outputs: one hour), else zero.
	Lifetime time.Duration
}

// Fix is the idiomatic fix for a family.
func (k Kind) Fix() string {
	switch k.Family {
	case "oauth2":
		return "keep an oauth2.TokenSource instead (oauth2.ReuseTokenSource, Config.TokenSource or clientcredentials.Config.TokenSource refresh before Expiry), or check Valid() before reuse"
	case "aws", "sts":
		return "keep a refreshing provider instead (aws.NewCredentialsCache around stscreds.NewAssumeRoleProvider or the default chain), or check Expired()/Expires before reuse"
	case "azure":
		return "call GetToken on the azidentity credential for each use (it caches and refreshes), or check ExpiresOn/RefreshOn before reuse"
	case "file":
		return "re-read the projected token file on each use or at least every few minutes (client-go rest.InClusterConfig does), or use a client that reloads it"
	}
	return "store the token's expiry next to it and fetch a new token before it passes"
}

// Deref strips one pointer.
func Deref(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// IsNamed reports whether t (or *t) is the named type pkg.name.
func IsNamed(t types.Type, pkg, name string) bool {
	n, ok := types.Unalias(Deref(types.Unalias(t))).(*types.Named)
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Name() == name && PkgPath(o.Pkg()) == pkg
}

var stsOutputs = map[string]time.Duration{
	"AssumeRoleOutput":                time.Hour,
	"AssumeRoleWithWebIdentityOutput": time.Hour,
	"AssumeRoleWithSAMLOutput":        time.Hour,
	"GetSessionTokenOutput":           12 * time.Hour,
	"GetFederationTokenOutput":        12 * time.Hour,
}

// Of reports whether t is an expiring credential type.
func Of(t types.Type) (Kind, bool) {
	if t == nil {
		return Kind{}, false
	}
	n, ok := types.Unalias(Deref(types.Unalias(t))).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return Kind{}, false
	}
	name, pkg := n.Obj().Name(), PkgPath(n.Obj().Pkg())
	switch {
	case pkg == OAuth2 && name == "Token":
		return Kind{Name: "*oauth2.Token", Family: "oauth2"}, true
	case pkg == AWS && name == "Credentials":
		return Kind{Name: "aws.Credentials", Family: "aws"}, true
	case pkg == STSTypes && name == "Credentials":
		return Kind{Name: "STS credentials", Family: "sts", Lifetime: time.Hour}, true
	case pkg == STS && stsOutputs[name] != 0:
		return Kind{Name: "sts." + name + " credentials", Family: "sts", Lifetime: stsOutputs[name]}, true
	case (pkg == AzCore || pkg == AzExported) && name == "AccessToken":
		return Kind{Name: "azcore.AccessToken", Family: "azure"}, true
	}
	return Kind{}, false
}

// IsExpiryName reports whether an identifier names an expiry member or an
// expiry companion variable.
func IsExpiryName(name string) bool {
	if len(name) < 3 {
		return false
	}
	l := strings.ToLower(name)
	switch l {
	case "valid", "exp", "ttl", "isvalid":
		return true
	}
	return strings.Contains(l, "expir") || strings.Contains(l, "refreshon") || strings.Contains(l, "refreshat") ||
		strings.Contains(l, "deadline") || strings.Contains(l, "fresh") || strings.Contains(l, "stale")
}

// ChecksExpiry reports whether n refers to an expiry member or variable, or
// compares times (time.Until, time.Since, Time.Before/After).
func ChecksExpiry(info *types.Info, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.Ident:
			if IsExpiryName(n.Name) {
				found = true
			}
		case *ast.CallExpr:
			if fn := Callee(info, n); fn != nil {
				if IsFunc(fn, "time", "Until") || IsFunc(fn, "time", "Since") ||
					IsMethod(fn, "time", "Time", "Before") || IsMethod(fn, "time", "Time", "After") {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// Callee returns the function or method a call statically calls.
func Callee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	return fn
}

// IsFunc reports whether fn is the package-level function pkg.name.
func IsFunc(fn *types.Func, pkg, name string) bool {
	if fn == nil || fn.Name() != name || PkgPath(fn.Pkg()) != pkg {
		return false
	}
	sig, _ := fn.Type().(*types.Signature)
	return sig != nil && sig.Recv() == nil
}

// IsMethod reports whether fn is the method pkg.(recv).name.
func IsMethod(fn *types.Func, pkg, recv, name string) bool {
	if fn == nil || fn.Name() != name || PkgPath(fn.Pkg()) != pkg {
		return false
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return false
	}
	rt := types.Unalias(Deref(sig.Recv().Type()))
	if n, ok := rt.(*types.Named); ok {
		return recv == "" || n.Origin().Obj().Name() == recv
	}
	return recv == ""
}

// IsRefreshingWrapper reports whether call wraps a token in something that
// refreshes it: oauth2.ReuseTokenSource(WithExpiry), Config.TokenSource,
// Config.Client, aws.NewCredentialsCache.
func IsRefreshingWrapper(info *types.Info, call *ast.CallExpr) bool {
	fn := Callee(info, call)
	return IsFunc(fn, OAuth2, "ReuseTokenSource") || IsFunc(fn, OAuth2, "ReuseTokenSourceWithExpiry") ||
		IsMethod(fn, OAuth2, "Config", "TokenSource") || IsMethod(fn, OAuth2, "Config", "Client") ||
		IsFunc(fn, AWS, "NewCredentialsCache")
}

// Duration returns the constant value of a time.Duration (or integer)
// expression, if it is a constant.
func Duration(info *types.Info, e ast.Expr) (time.Duration, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return 0, false
	}
	v, exact := constant.Int64Val(tv.Value)
	return time.Duration(v), exact
}

// HumanDuration prints d as 1h, 30m, 45s or 1h30m.
func HumanDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
