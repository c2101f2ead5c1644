package main

import (
	"context"

	"github.com/irsa-go/irsa/credentials"
)

// resolveWithChain resolves credentials as the AWS CLI would.
//
// TEMPORARY: environment credentials only, until package chain lands.
func resolveWithChain(ctx context.Context, opts sessionOptions) (*session, error) {
	s := cachedSession(credentials.Env{Getenv: opts.Getenv, IgnoreLegacyNames: true}, opts)
	s.Region = opts.Region
	if s.Region == "" {
		s.Region = opts.Getenv("AWS_REGION")
	}
	if s.Region == "" {
		s.Region = opts.Getenv("AWS_DEFAULT_REGION")
	}
	s.Explanation = "credentials: environment variables (temporary resolver)"
	return s, nil
}
