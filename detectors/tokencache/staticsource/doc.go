// Package staticsource defines an Analyzer that reports never-refreshing
// credential sources fed credentials that expire.
//
// # Analyzer staticsource
//
// staticsource: report static token sources fed expiring tokens
//
// oauth2.StaticTokenSource "is only useful for tokens that never expire";
// aws-sdk-go-v2's credentials.NewStaticCredentialsProvider "will never
// expire" its credentials. Feeding either a token that does expire - the
// result of Config.Exchange, clientcredentials Config.Token, a TokenSource's
// Token(), an oauth2.Token literal with an Expiry, or STS AssumeRole /
// GetSessionToken output - gives a client that works for an hour and then
// fails with 401 or ExpiredToken until restart.
//
//	tok, _ := conf.Exchange(ctx, code)
//	client := oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)) // reported
//
//	out, _ := stsClient.AssumeRole(ctx, in)
//	cfg.Credentials = credentials.NewStaticCredentialsProvider(
//		*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey,
//		*out.Credentials.SessionToken) // reported
//
// Fix: conf.TokenSource(ctx, tok) or oauth2.ReuseTokenSource(tok, src) for
// OAuth2; aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(...)) for
// AWS. Static sources fed long-lived values (an API key from the
// environment, a literal token without expiry, "" session token) are fine.
package staticsource
