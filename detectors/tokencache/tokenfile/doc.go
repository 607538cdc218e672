// Package tokenfile defines an Analyzer that reports tokens written to disk
// for reuse without their expiry.
//
// # Analyzer tokenfile
//
// tokenfile: report tokens persisted without their expiry
//
// A CLI or daemon that saves the access token (tok.AccessToken, an
// azcore.AccessToken's Token, STS SessionToken) to a file and reads it back
// on the next start has no way to know the token expired unless the expiry
// was saved with it. Reported: os.WriteFile, ioutil.WriteFile,
// (*os.File).Write/WriteString, io.WriteString, fmt.Fprint* and
// (*json.Encoder).Encode writing a token string, or a struct holding one,
// with no absolute expiry (a time.Time field or an expiry/expires_at field).
// A relative expires_in alone does not count: it is stale once written.
//
//	os.WriteFile(cachePath, []byte(tok.AccessToken), 0o600) // reported
//
// Fix: persist the whole token (json.Marshal(tok) keeps oauth2.Token.Expiry)
// or an absolute expires_at next to it, and check it when loading.
package tokenfile
