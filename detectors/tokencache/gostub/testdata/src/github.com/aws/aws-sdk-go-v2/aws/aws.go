// Package aws is a stub of aws-sdk-go-v2/aws for sprawl's analyzers.
package aws

import (
	"context"
	"time"
)

type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Source          string
	CanExpire       bool
	Expires         time.Time
	AccountID       string
}

func (v Credentials) Expired() bool { return false }
func (v Credentials) HasKeys() bool { return false }

type CredentialsProvider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

type CredentialsProviderFunc func(context.Context) (Credentials, error)

func (fn CredentialsProviderFunc) Retrieve(ctx context.Context) (Credentials, error) {
	return fn(ctx)
}

type CredentialsCacheOptions struct {
	ExpiryWindow           time.Duration
	ExpiryWindowJitterFrac float64
}

type CredentialsCache struct{}

func NewCredentialsCache(provider CredentialsProvider, optFns ...func(options *CredentialsCacheOptions)) *CredentialsCache {
	return nil
}
func (p *CredentialsCache) Retrieve(ctx context.Context) (Credentials, error) {
	return Credentials{}, nil
}
func (p *CredentialsCache) Invalidate() {}

type Config struct {
	Region      string
	Credentials CredentialsProvider
}

func String(v string) *string       { return &v }
func ToString(p *string) string     { return "" }
func Int32(v int32) *int32          { return &v }
func ToInt32(p *int32) int32        { return 0 }
func Time(t time.Time) *time.Time   { return &t }
func ToTime(p *time.Time) time.Time { return time.Time{} }
