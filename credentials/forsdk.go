package credentials

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ForSDK adapts a Provider to aws-sdk-go-v2's aws.CredentialsProvider, with CanExpire and
// Expires set from the credentials, so any SDK client can use it. Load the SDK's configuration
// as usual, so that its own settings (AWS_ENDPOINT_URL_<SERVICE>, retries, ...) still apply, and
// replace its Credentials:
//
//	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(res.Region))
//	cfg.Credentials = credentials.ForSDK(res.Provider)
//
// Pass a *Cache (or a provider that is already cached): ForSDK adds no caching of its own, and
// there is no need to wrap the result in aws.CredentialsCache, which would only add a lock and
// make callers wait during refreshes that the Cache does in the background. Set
// cfg.Credentials directly, as above: config.WithCredentialsProvider wraps the provider in an
// aws.CredentialsCache of its own.
func ForSDK(p Provider) aws.CredentialsProvider { return sdkProvider{hide(p)} }

type sdkProvider struct{ p hidden[Provider] } // so that fmt never prints p (see hidden)

func (s sdkProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := s.p.get().Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	return c.SDK(), nil
}

// SDK converts c to aws-sdk-go-v2's aws.Credentials, for a SigV4 signer such as
// aws-sdk-go-v2's v4.Signer.
func (c Credentials) SDK() aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Source:          c.Source,
		CanExpire:       c.CanExpire(),
		Expires:         c.Expires,
	}
}
