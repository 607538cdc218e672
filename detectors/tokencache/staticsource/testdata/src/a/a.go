package a

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var conf = &oauth2.Config{ClientID: "id"}

func ExchangedStatic(ctx context.Context, code string) (*http.Client, error) {
	tok, err := conf.Exchange(ctx, code)
	if err != nil {
		return nil, err
	}
	return oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)), nil // want `oauth2\.StaticTokenSource is fed the \*oauth2\.Token from Exchange`
}

func ClientCredentialsStatic(ctx context.Context, cc *clientcredentials.Config) oauth2.TokenSource {
	t, _ := cc.Token(ctx)
	return oauth2.StaticTokenSource(t) // want `from Token, which expires`
}

func LiteralWithExpiry(access string) oauth2.TokenSource {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: access, Expiry: time.Now().Add(time.Hour)}) // want `fed an oauth2\.Token with an Expiry`
}

func AssumedStatic(ctx context.Context, client *sts.Client) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return cfg, err
	}
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/job"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		return cfg, err
	}
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken) // want `fed temporary sts\.AssumeRoleOutput credentials from AssumeRole \(they last 15m\)`
	return cfg, nil
}

func SessionStatic(ctx context.Context, client *sts.Client) aws.CredentialsProvider {
	out, _ := client.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	return credentials.NewStaticCredentialsProvider( // want `GetSessionToken \(they last 12h\)`
		aws.ToString(out.Credentials.AccessKeyId),
		aws.ToString(out.Credentials.SecretAccessKey),
		aws.ToString(out.Credentials.SessionToken))
}

func RetrievedStatic(ctx context.Context, p aws.CredentialsProvider) aws.CredentialsProvider {
	v, _ := p.Retrieve(ctx)
	return credentials.StaticCredentialsProvider{Value: v} // want `fed temporary aws\.Credentials from Retrieve`
}

// Negative cases.

func RefreshingOAuth(ctx context.Context, code string) oauth2.TokenSource {
	tok, _ := conf.Exchange(ctx, code)
	return oauth2.ReuseTokenSource(tok, conf.TokenSource(ctx, tok))
}

func StaticPAT() oauth2.TokenSource {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: os.Getenv("GITHUB_TOKEN")})
}

func LongTermKeys() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), "")
}

func AssumeRoleProvider(client *sts.Client) aws.CredentialsProvider {
	return aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, "arn:aws:iam::123456789012:role/job"))
}

func ParamToken(t *oauth2.Token) oauth2.TokenSource {
	return oauth2.StaticTokenSource(t)
}
