package main

import (
	"context"
	"crypto/x509"
	"net/http"
	"time"

	"github.com/irsa-go/irsa/credentials"
)

// session is what s3ls needs from the credential chain: credentials to sign with, the region,
// the S3 endpoint the shared config names (if any), and an explanation for --explain.
type session struct {
	// Credentials signs requests; a *credentials.Cache, so Retrieve is cheap.
	Credentials credentials.Provider
	// Invalidate drops credentials a service refused (credentials.Cache.Invalidate).
	Invalidate func(accessKeyID string)
	// Region is the region from the flag, environment or profile; "" when none is configured.
	Region string
	// S3EndpointURL is the S3 endpoint the shared config sets for the profile (services section
	// or endpoint_url), and S3EndpointSource where it was found; "" when none.
	S3EndpointURL, S3EndpointSource string
	// S3EndpointFromChain is true when S3EndpointURL is chain's whole answer, environment
	// variables included (see endpointInputs.ChainResolved).
	S3EndpointFromChain bool
	// Explanation is the chain's account of where the credentials come from, for --explain.
	Explanation string
	// STSEndpoint is the STS endpoint the credentials are fetched from, "" when none is used.
	STSEndpoint string
	// RootCAs are the certificates of the CA bundle (AWS_CA_BUNDLE or the profile's ca_bundle)
	// that S3 requests trust instead of the system's roots, as the AWS CLI does; nil for none.
	RootCAs *x509.CertPool
	// Close stops the cache's background refreshes.
	Close func() error
}

// sessionOptions are the inputs to credential resolution.
type sessionOptions struct {
	Profile string // --profile; "" means AWS_PROFILE or "default"
	Region  string // --region; "" means from the environment or profile
	// Getenv reads the environment, which also says where the shared files are (AWS_CONFIG_FILE,
	// AWS_SHARED_CREDENTIALS_FILE, HOME), as for the AWS CLI. The demo passes its own.
	Getenv func(string) string
	// HTTPClient is used for STS; nil means the library's default.
	HTTPClient *http.Client
	// OnRefresh is the Cache's refresh hook (--watch logs each refresh).
	OnRefresh func(credentials.RefreshEvent)
	// Now is the clock for the Cache.
	Now func() time.Time
}

// resolveFunc turns sessionOptions into a session. The command uses resolveWithChain; tests
// substitute their own.
type resolveFunc func(ctx context.Context, opts sessionOptions) (*session, error)

// close stops the session's background work.
func (s *session) close() {
	if s.Close != nil {
		_ = s.Close()
	}
}
