// Package sts is a stub of aws-sdk-go-v2/service/sts.
package sts

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

type Options struct{ Region string }

type Client struct{}

func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client { return nil }
func New(options Options, optFns ...func(*Options)) *Client          { return nil }

type AssumeRoleInput struct {
	RoleArn         *string
	RoleSessionName *string
	DurationSeconds *int32
}
type AssumeRoleOutput struct {
	Credentials *types.Credentials
}
type AssumeRoleWithWebIdentityInput struct {
	RoleArn          *string
	RoleSessionName  *string
	WebIdentityToken *string
	DurationSeconds  *int32
}
type AssumeRoleWithWebIdentityOutput struct {
	Credentials *types.Credentials
}
type GetSessionTokenInput struct {
	DurationSeconds *int32
}
type GetSessionTokenOutput struct {
	Credentials *types.Credentials
}
type GetFederationTokenInput struct {
	Name            *string
	DurationSeconds *int32
}
type GetFederationTokenOutput struct {
	Credentials *types.Credentials
}

func (c *Client) AssumeRole(ctx context.Context, params *AssumeRoleInput, optFns ...func(*Options)) (*AssumeRoleOutput, error) {
	return nil, nil
}
func (c *Client) AssumeRoleWithWebIdentity(ctx context.Context, params *AssumeRoleWithWebIdentityInput, optFns ...func(*Options)) (*AssumeRoleWithWebIdentityOutput, error) {
	return nil, nil
}
func (c *Client) GetSessionToken(ctx context.Context, params *GetSessionTokenInput, optFns ...func(*Options)) (*GetSessionTokenOutput, error) {
	return nil, nil
}
func (c *Client) GetFederationToken(ctx context.Context, params *GetFederationTokenInput, optFns ...func(*Options)) (*GetFederationTokenOutput, error) {
	return nil, nil
}
