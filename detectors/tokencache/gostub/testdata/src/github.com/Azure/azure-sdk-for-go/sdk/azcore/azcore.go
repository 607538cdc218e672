// Package azcore is a stub of the Azure SDK core package.
package azcore

import (
	"context"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

type AccessToken struct {
	Token     string
	ExpiresOn time.Time
	RefreshOn time.Time
}

type TokenCredential interface {
	GetToken(ctx context.Context, options policy.TokenRequestOptions) (AccessToken, error)
}
