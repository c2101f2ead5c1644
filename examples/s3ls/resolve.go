package main

import (
	"context"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/flagnames"
)

// resolveWithChain resolves credentials, region and STS endpoint as the AWS CLI would, with
// chain.Resolve: the environment, then the profile's settings in ~/.aws/config and
// ~/.aws/credentials (web identity, role_arn with source_profile or credential_source, static
// keys). The credentials come behind a credentials.Cache whose refresh hook is opts.OnRefresh.
// Errors and the explanation name --profile and --region where chain names its options.
func resolveWithChain(ctx context.Context, opts sessionOptions) (*session, error) {
	res, err := chain.Resolve(ctx, chain.Options{
		Profile:    opts.Profile,
		Region:     opts.Region,
		Getenv:     opts.Getenv,
		HTTPClient: opts.HTTPClient,
		Now:        opts.Now,
		Cache:      credentials.CacheOptions{OnRefresh: opts.OnRefresh},
	})
	if err != nil {
		return nil, flagnames.Error(err)
	}
	s3URL, s3From, err := res.ServiceEndpointURL("s3")
	if err != nil {
		_ = res.Close()
		return nil, err
	}
	s := &session{
		S3EndpointURL:       s3URL,
		S3EndpointSource:    s3From,
		S3EndpointFromChain: true,
		Credentials:         res.Provider,
		Invalidate:          res.Provider.Invalidate,
		Region:              res.Region,
		RootCAs:             res.RootCAs,
		Explanation:         flagnames.Explanation(res.Explanation).String(),
		Close:               res.Close,
	}
	if res.Explanation.STS.Used {
		s.STSEndpoint = res.STSEndpoint.URL
	}
	return s, nil
}
