package a

import (
	"context"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/oauth2"
)

// Checks Valid() before reuse.
type Checked struct {
	mu  sync.Mutex
	tok *oauth2.Token
}

func (c *Checked) Token(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.Valid() {
		return c.tok, nil
	}
	t, err := ccConf.Token(ctx)
	if err != nil {
		return nil, err
	}
	c.tok = t
	return t, nil
}

// Held only to seed a ReuseTokenSource, which refreshes it.
type Reusing struct {
	tok *oauth2.Token
}

func (r *Reusing) Login(ctx context.Context, code string) error {
	t, err := conf.Exchange(ctx, code)
	r.tok = t
	return err
}

func (r *Reusing) Source(ctx context.Context) oauth2.TokenSource {
	return oauth2.ReuseTokenSource(r.tok, conf.TokenSource(ctx, r.tok))
}

// Config.Client refreshes with the refresh token.
type Web struct {
	tok *oauth2.Token
}

func (w *Web) Callback(ctx context.Context, code string) {
	w.tok, _ = conf.Exchange(ctx, code)
}

func (w *Web) Client(ctx context.Context) *http.Client { return conf.Client(ctx, w.tok) }

// A companion expiry field with refresh-ahead.
type Ahead struct {
	token     string
	expiresAt time.Time
}

func (a *Ahead) Get(ctx context.Context) string {
	if a.token != "" && time.Now().Add(5*time.Minute).Before(a.expiresAt) {
		return a.token
	}
	t, _ := ccConf.Token(ctx)
	a.token = t.AccessToken
	a.expiresAt = t.Expiry
	return a.token
}

// AWS credentials checked against Expires with a window.
type Creds struct {
	creds aws.Credentials
}

func (c *Creds) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if c.creds.HasKeys() && time.Until(c.creds.Expires) > 5*time.Minute {
		return c.creds, nil
	}
	v, err := provider.Retrieve(ctx)
	c.creds = v
	return v, err
}

// A refreshing cache is the right thing to keep.
var credsCache = aws.NewCredentialsCache(provider)

// A static personal token from the environment does not expire by itself.
var staticTok = &oauth2.Token{AccessToken: os.Getenv("API_TOKEN")}

func StaticClient() *http.Client {
	return oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(staticTok))
}

// Fetched and used in one request; never kept.
func PerRequest(ctx context.Context) (string, error) {
	t, err := ccConf.Token(ctx)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

// Written and never read again.
var lastSeen *oauth2.Token

func Remember(ctx context.Context) {
	lastSeen, _ = ccConf.Token(ctx)
}
