// Package google is a stub for sprawl's analyzers.
package google

import (
	"context"

	"golang.org/x/oauth2"
)

type Credentials struct {
	ProjectID   string
	TokenSource oauth2.TokenSource
	JSON        []byte
}

func DefaultTokenSource(ctx context.Context, scope ...string) (oauth2.TokenSource, error) {
	return nil, nil
}
func FindDefaultCredentials(ctx context.Context, scopes ...string) (*Credentials, error) {
	return nil, nil
}
func CredentialsFromJSON(ctx context.Context, jsonData []byte, scopes ...string) (*Credentials, error) {
	return nil, nil
}
