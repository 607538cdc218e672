// Package types is a stub of aws-sdk-go-v2/service/sts/types.
package types

import "time"

type Credentials struct {
	AccessKeyId     *string
	Expiration      *time.Time
	SecretAccessKey *string
	SessionToken    *string
}
