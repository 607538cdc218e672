// Package clientcredentials is a stub for sprawl's analyzers.
package clientcredentials

import (
	"context"
	"net/http"

	"golang.org/x/oauth2"
)

type Config struct {
	ClientID     string
	ClientSecret string
	TokenURL     string
	Scopes       []string
}

func (c *Config) Token(ctx context.Context) (*oauth2.Token, error)   { return nil, nil }
func (c *Config) TokenSource(ctx context.Context) oauth2.TokenSource { return nil }
func (c *Config) Client(ctx context.Context) *http.Client            { return nil }
