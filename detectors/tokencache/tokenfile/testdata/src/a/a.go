package a

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var cc = &clientcredentials.Config{ClientID: "id"}

const cachePath = "/home/ci/.cache/tool/token"

func SaveRaw(ctx context.Context) error {
	tok, err := cc.Token(ctx)
	if err != nil {
		return err
	}
	return os.WriteFile(cachePath, []byte(tok.AccessToken), 0o600) // want `the token from Token \(\*oauth2\.Token\) is written to disk without its expiry`
}

type cacheFile struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

func SaveRelative(ctx context.Context) error {
	tok, _ := cc.Token(ctx)
	b, err := json.Marshal(cacheFile{AccessToken: tok.AccessToken, ExpiresIn: 3600})
	if err != nil {
		return err
	}
	return os.WriteFile(cachePath, b, 0o600) // want `written to disk without its expiry`
}

func SaveFprintf(ctx context.Context, f *os.File) {
	tok, _ := cc.Token(ctx)
	fmt.Fprintf(f, "%s\n", tok.AccessToken) // want `written to disk without its expiry`
}

// Negative cases.

func SaveWhole(ctx context.Context) error {
	tok, _ := cc.Token(ctx)
	b, _ := json.Marshal(tok)
	return os.WriteFile(cachePath, b, 0o600)
}

type stored struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func SaveWithExpiry(ctx context.Context, f *os.File) error {
	tok, _ := cc.Token(ctx)
	return json.NewEncoder(f).Encode(stored{Token: tok.AccessToken, ExpiresAt: tok.Expiry})
}

func SaveNotAToken(name string) error {
	return os.WriteFile("/tmp/name", []byte(name), 0o600)
}

func SaveStaticPAT(t *oauth2.Token) error {
	return os.WriteFile(cachePath, []byte(t.AccessToken), 0o600)
}
