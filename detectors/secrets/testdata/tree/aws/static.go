package storage

import "github.com/aws/aws-sdk-go/aws/credentials"

// An argument list broken after the id (expectations in static.go.want).
var archive = credentials.NewStaticCredentials(
	"{{gen:aws-key-id}}",
	"{{gen:aws-secret}}",
	"",
)
