package a

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var conf = &oauth2.Config{ClientID: "id"}

// Exchanged once in init(), handed out for the life of the process.
var initTok *oauth2.Token

func init() {
	initTok, _ = conf.Exchange(context.Background(), "code") // want `\*oauth2\.Token from Exchange is kept in package-level variable initTok, fetched once in init\(\)`
}

func InitClient() *http.Client {
	return oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(initTok))
}

// Fetched once under sync.Once.
var (
	ccConf  = &clientcredentials.Config{ClientID: "id", TokenURL: "https://idp.example.com/token"}
	onceTok *oauth2.Token
	tokOnce sync.Once
	tokErr  error
)

func OnceToken(ctx context.Context) (*oauth2.Token, error) {
	tokOnce.Do(func() {
		onceTok, tokErr = ccConf.Token(ctx) // want `from Token is kept in package-level variable onceTok, fetched once under sync.Once`
	})
	return onceTok, tokErr
}

// A struct that memoises its token with a nil guard and never looks at Expiry.
type APIClient struct {
	tok *oauth2.Token
}

func (c *APIClient) token(ctx context.Context) (*oauth2.Token, error) {
	if c.tok != nil {
		return c.tok, nil
	}
	t, err := ccConf.Token(ctx)
	if err != nil {
		return nil, err
	}
	c.tok = t // want `\*oauth2\.Token from Token is kept in field APIClient\.tok and served again`
	return c.tok, nil
}

// STS AssumeRole output resolved in a constructor and reused by every call.
type Uploader struct {
	creds *sts.AssumeRoleOutput
}

func NewUploader(ctx context.Context, client *sts.Client) (*Uploader, error) {
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/up")})
	if err != nil {
		return nil, err
	}
	return &Uploader{creds: out}, nil // want `sts\.AssumeRoleOutput credentials from AssumeRole is kept in field Uploader\.creds`
}

func (u *Uploader) SessionToken() string {
	return aws.ToString(u.creds.Credentials.SessionToken)
}

// Azure access token kept in a field.
type Graph struct {
	cred  *azidentity.DefaultAzureCredential
	token azcore.AccessToken
}

func (g *Graph) Connect(ctx context.Context) error {
	t, err := g.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	if err != nil {
		return err
	}
	g.token = t // want `azcore\.AccessToken from GetToken is kept in field Graph\.token`
	return nil
}

func (g *Graph) Header() string { return "Bearer " + g.token.Token }

// Projected service-account token read once.
var saToken string

func init() {
	b, _ := os.ReadFile("/var/run/secrets/kubernetes.io/serviceaccount/token")
	saToken = strings.TrimSpace(string(b)) // want `service-account token read from /var/run/secrets/kubernetes.io/serviceaccount/token from os.ReadFile is kept in package-level variable saToken`
}

func Authorize(r *http.Request) { r.Header.Set("Authorization", "Bearer "+saToken) }

// A JWT string from a token endpoint memoised in a package variable.
var bearer string

func fetchAccessToken(ctx context.Context) (string, error) { return "", nil }

func Bearer(ctx context.Context) string {
	if bearer == "" {
		bearer, _ = fetchAccessToken(ctx) // want `token returned by fetchAccessToken from fetchAccessToken is kept in package-level variable bearer`
	}
	return bearer
}

// sync.OnceValue memoises the token forever.
var cachedToken = sync.OnceValue(func() *oauth2.Token { // want `sync\.OnceValue memoises a \*oauth2\.Token`
	t, _ := ccConf.Token(context.Background())
	return t
})

// Retrieved at package initialisation.
var provider aws.CredentialsProvider
var startupCreds, _ = provider.Retrieve(context.Background()) // want `aws\.Credentials from Retrieve is kept in package-level variable startupCreds, fetched once at package initialisation`

func AccessKey() string { return startupCreds.AccessKeyID }
