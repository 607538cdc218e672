// Package oauth2 is a stub of golang.org/x/oauth2 for sprawl's analyzers.
package oauth2

import (
	"context"
	"net/http"
	"time"
)

type Token struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitempty"`
	ExpiresIn    int64     `json:"expires_in,omitempty"`
}

func (t *Token) Valid() bool                        { return false }
func (t *Token) Type() string                       { return "" }
func (t *Token) Extra(key string) interface{}       { return nil }
func (t *Token) SetAuthHeader(r *http.Request)      {}
func (t *Token) WithExtra(extra interface{}) *Token { return t }

type TokenSource interface {
	Token() (*Token, error)
}

type AuthCodeOption interface{}

type Endpoint struct {
	AuthURL  string
	TokenURL string
}

type Config struct {
	ClientID     string
	ClientSecret string
	Endpoint     Endpoint
	RedirectURL  string
	Scopes       []string
}

func (c *Config) Exchange(ctx context.Context, code string, opts ...AuthCodeOption) (*Token, error) {
	return nil, nil
}
func (c *Config) PasswordCredentialsToken(ctx context.Context, username, password string) (*Token, error) {
	return nil, nil
}
func (c *Config) TokenSource(ctx context.Context, t *Token) TokenSource   { return nil }
func (c *Config) Client(ctx context.Context, t *Token) *http.Client       { return nil }
func (c *Config) AuthCodeURL(state string, opts ...AuthCodeOption) string { return "" }

func StaticTokenSource(t *Token) TokenSource                 { return nil }
func ReuseTokenSource(t *Token, src TokenSource) TokenSource { return nil }
func ReuseTokenSourceWithExpiry(t *Token, src TokenSource, earlyExpiry time.Duration) TokenSource {
	return nil
}
func NewClient(ctx context.Context, src TokenSource) *http.Client { return nil }

var NoContext = context.TODO()
