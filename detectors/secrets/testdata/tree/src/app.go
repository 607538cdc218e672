package main

import "os"

// Hard-coded credentials of popular kinds (generated at test time).
const (
	awsAccessKeyID     = "{{gen:aws-key-id}}" // want: secret/aws-access-token
	awsSecretAccessKey = "{{gen:aws-secret}}" // want: secret/aws-access-key-pair
)

var (
	githubToken   = "{{gen:github-pat}}"                                                                // want: secret/github-pat
	slackBotToken = "{{gen:slack-bot}}"                                                                 // want: secret/slack-bot-token
	stripeKey     = "{{gen:stripe-live}}"                                                               // want: secret/stripe-access-token
	stripeTestKey = "{{gen:stripe-test}}"                                                               // want: secret/stripe-access-token
	serviceJWT    = "{{gen:jwt-noexp}}"                                                                 // want: secret/jwt
	dbURL         = "postgres://ledger:{{gen:password}}@ledger-db.internal:5432/ledger?sslmode=require" // want: secret/connection-url-password

	// Not secrets: read at run time.
	dbPassword = os.Getenv("DB_PASSWORD")
	apiKey     = os.Getenv("API_KEY")
)

const signingKey = `{{gen:private-key-pem}}` // want: secret/private-key
