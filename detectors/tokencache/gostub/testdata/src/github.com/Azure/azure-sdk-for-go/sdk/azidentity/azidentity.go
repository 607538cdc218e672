// Package azidentity is a stub of the Azure identity package.
package azidentity

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

type DefaultAzureCredentialOptions struct{}
type DefaultAzureCredential struct{}

func NewDefaultAzureCredential(options *DefaultAzureCredentialOptions) (*DefaultAzureCredential, error) {
	return nil, nil
}
func (c *DefaultAzureCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, nil
}

type ClientSecretCredential struct{}

func NewClientSecretCredential(tenantID, clientID, secret string, options interface{}) (*ClientSecretCredential, error) {
	return nil, nil
}
func (c *ClientSecretCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, nil
}
