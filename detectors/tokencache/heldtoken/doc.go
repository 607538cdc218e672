// Package heldtoken defines an Analyzer that reports expiring credentials
// kept in a package-level variable or a struct field and served again
// without an expiry check.
//
// # Analyzer heldtoken
//
// heldtoken: report tokens held past their lifetime
//
// An access token (*oauth2.Token, aws.Credentials, STS AssumeRole output,
// azcore.AccessToken, a JWT string from a token endpoint, or the projected
// Kubernetes service-account token file) is fetched, stored in a
// package-level variable or a struct field, and handed out again later
// without anything looking at its expiry (Valid(), Expiry, Expires,
// Expired(), CanExpire, ExpiresOn, or a companion expiry variable). Fetching
// once under sync.Once, sync.OnceValue or in init() is the commonest shape.
// When the token expires, usually after an hour, every request fails with
// 401/ExpiredToken until the process restarts.
//
// No report when a read of the holder is wrapped in a refreshing source
// (oauth2.ReuseTokenSource, Config.TokenSource, Config.Client,
// aws.NewCredentialsCache), or when a function reading it checks expiry.
//
//	var tok *oauth2.Token
//
//	func init() { tok, _ = conf.Exchange(ctx, code) } // reported
//
//	func client() *http.Client { return oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)) }
//
// Fix: keep a TokenSource or credentials provider that refreshes
// (oauth2.ReuseTokenSource, aws.NewCredentialsCache, azidentity credentials),
// or check the expiry before each reuse.
package heldtoken
