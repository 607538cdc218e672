// Package stscreds is a stub of aws-sdk-go-v2/credentials/stscreds.
package stscreds

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

type AssumeRoleOptions struct {
	RoleARN         string
	RoleSessionName string
	Duration        time.Duration
}

type AssumeRoleProvider struct{}

func NewAssumeRoleProvider(client *sts.Client, roleARN string, optFns ...func(*AssumeRoleOptions)) *AssumeRoleProvider {
	return nil
}
func (p *AssumeRoleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, nil
}
