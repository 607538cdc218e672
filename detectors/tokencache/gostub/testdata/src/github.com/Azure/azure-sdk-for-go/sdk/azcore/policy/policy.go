// Package policy is a stub of azcore/policy.
package policy

type TokenRequestOptions struct {
	Scopes   []string
	TenantID string
}
