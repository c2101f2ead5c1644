package chain

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/tlsroots"
)

// Result is what Resolve found: a provider of credentials, the region and the STS endpoint.
type Result struct {
	// Provider returns the credentials. It is a credentials.Cache around the last step of the
	// chain; each AssumeRole step's source is behind a Cache of its own, so a refresh repeats
	// only the STS calls whose credentials are due. Close the Result when done with it.
	Provider *credentials.Cache
	// Region is the resolved region ("" when none is configured).
	Region string
	// STSEndpoint is where STS calls go (zero when the endpoint settings are invalid and the
	// credentials do not need STS, or when Options.STS was given and decides for itself).
	STSEndpoint credentials.Endpoint
	// RootCAs holds the CA bundle's certificates, which the default STS client trusts instead of
	// the system's roots; nil when no bundle is configured. Set it as the tls.Config.RootCAs of
	// the transport that sends the program's other AWS requests, as the AWS CLI would.
	RootCAs *x509.CertPool
	// Explanation reports how all of the above was decided.
	Explanation *Explanation

	caches   []*credentials.Cache
	resolver *resolver // for ServiceEndpointURL
}

// ServiceEndpointURL returns the endpoint URL that the environment and the shared config set for
// an AWS service, named by its service ID as botocore knows it ("s3", "sts", "secrets manager"),
// with the AWS CLI's precedence: AWS_ENDPOINT_URL_<ID> (upper case, spaces as underscores),
// AWS_ENDPOINT_URL, endpoint_url in the service's block of the [services NAME] section that the
// profile names, the profile's endpoint_url; nothing when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or
// the profile's ignore_configured_endpoint_urls is true. from is the variable's name, or the
// setting with its file and line. An empty url means none is configured: use the service's
// default endpoint for the region. An error is a *ConfigError naming the file and line.
func (r *Result) ServiceEndpointURL(service string) (url, from string, err error) {
	if r.resolver == nil {
		return "", "", nil
	}
	if ignore, err := r.resolver.boolean(envIgnoreConfiguredEndpointURLs, "ignore_configured_endpoint_urls", new([]Setting)); ignore || err != nil {
		return "", "", err
	}
	u, set, err := r.resolver.configuredEndpointURL(service)
	if err != nil || u == "" {
		return "", "", err
	}
	return u, nameOrEnv(set), nil
}

// Close stops the background work of every Cache of the chain, waiting at most about 5 s for a
// provider that ignores its context (see credentials.Cache.Close). It is safe to call more than
// once.
func (r *Result) Close() error {
	var errs []error
	for i := len(r.caches) - 1; i >= 0; i-- {
		errs = append(errs, r.caches[i].Close())
	}
	return errors.Join(errs...)
}

// Resolve finds credentials, region and STS endpoint the way the AWS CLI v1 (botocore 1.43)
// does, from Options, the environment and the shared config and credentials files. It reads the
// files and the environment but makes no network call: the returned Provider calls STS when
// credentials are first retrieved, and again before they expire.
//
// When no source has credentials the error is a *NoCredentialsError whose message is the
// Explanation. A problem in the configuration is a *ParseError (a file that cannot be parsed), a
// *ProfileNotFoundError or a *ConfigError naming the profile, key, file and line; a setting a
// provider refuses (a role ARN that is not an ARN, say) is the provider's error, with the step
// and where its settings came from. Match them with errors.As. Every error but the context's is
// non-recoverable (credentials.IsNonRecoverable reports true) and starts with "chain: ".
func Resolve(ctx context.Context, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, exp := resolve(ctx, opts)
	if err := ctx.Err(); err != nil && exp.Err != nil {
		return nil, err // it ended while the files were read
	}
	return res, exp.Err
}

// Explain resolves like Resolve and calls no service: it builds the providers only to check their
// settings, and closes them. The Explanation is never nil; the error is the one Resolve would
// return for the same inputs (and also in Explanation.Err).
func Explain(ctx context.Context, opts Options) (*Explanation, error) {
	if err := ctx.Err(); err != nil {
		return &Explanation{Err: err}, err
	}
	res, exp := resolve(ctx, opts)
	if res != nil {
		_ = res.Close()
	}
	return exp, exp.Err
}

// resolve plans and builds; the Result is nil when the Explanation has an Err.
func resolve(ctx context.Context, opts Options) (*Result, *Explanation) {
	r := plan(ctx, opts)
	exp := r.exp
	if exp.Err != nil {
		return nil, exp
	}
	res := &Result{Region: exp.Region, STSEndpoint: exp.STS.Endpoint, RootCAs: r.roots, Explanation: exp, resolver: r}
	if err := res.build(r); err != nil {
		_ = res.Close()
		exp.Err = leave(err)
		return nil, exp
	}
	return res, exp
}

// build makes the provider of the first step and, when roles follow, a credentials.RoleChain
// that puts each step behind its own Cache and decides the order in which they refresh.
func (r *Result) build(res *resolver) error {
	o := res.opts
	client := o.STS
	if client == nil && res.exp.STS.Used {
		hc := o.HTTPClient
		if hc == nil && r.RootCAs != nil {
			hc = tlsroots.Client(r.RootCAs)
		}
		c, err := credentials.NewClient(credentials.ClientOptions{Endpoint: r.STSEndpoint, HTTPClient: hc, Now: o.Now})
		if err != nil {
			return fmt.Errorf("STS client: %w", err)
		}
		client = c
	}
	var (
		source credentials.Provider
		roles  []credentials.AssumeRoleOptions
	)
	for i, s := range res.exp.Steps {
		var err error
		switch s.Kind {
		case StepEnvironment:
			source = credentials.Env{Getenv: o.Getenv, IgnoreLegacyNames: true}
		case StepStatic:
			source = credentials.Static{Value: res.keys}
		case StepProcess:
			source, err = processProvider(s)
		case StepWebIdentity:
			source, err = credentials.NewWebIdentity(credentials.WebIdentityOptions{
				RoleARN: s.RoleARN, TokenFile: s.TokenFile, SessionName: s.SessionName,
				Client: client, Now: o.Now,
				Getenv: func(string) string { return "" }, // chain read AWS_ROLE_SESSION_NAME where botocore does
			})
		case StepSSO:
			source, err = r.ssoProvider(res, s)
		case StepContainer:
			source, err = credentials.NewContainer(res.containerOptions())
		case StepIMDS:
			source, err = res.imdsProvider(s)
		case StepAssumeRole:
			role := credentials.AssumeRoleOptions{
				RoleARN: s.RoleARN, SessionName: s.SessionName, ExternalID: s.ExternalID,
				Duration: s.Duration, Client: client, Now: o.Now,
			}
			// Checked here (no request is made) so that an error names its step.
			checked := role
			checked.Source = source
			_, err = credentials.NewAssumeRole(checked)
			roles = append(roles, role)
		}
		if err != nil {
			return &stepError{Step: s, Index: i, Err: err}
		}
	}
	if len(roles) == 0 {
		o.Cache.Provider = source
		c, err := credentials.NewCache(o.Cache)
		if err != nil {
			return err
		}
		r.caches = []*credentials.Cache{c}
	} else {
		rc, err := credentials.NewRoleChain(credentials.RoleChainOptions{Source: source, Roles: roles, Cache: o.Cache})
		if err != nil {
			return err
		}
		r.caches = rc.Hops() // all made by the chain: closing them closes it
	}
	r.Provider = r.caches[len(r.caches)-1]
	return nil
}

// stepError reports a step whose provider refused its configuration (an invalid role ARN or
// session name, say), naming where each of its settings came from. errors.As reaches the
// provider's error through it.
type stepError struct {
	Step  Step
	Index int // in Explanation.Steps, from 0
	Err   error
}

func (e *stepError) Error() string {
	msg := fmt.Sprintf("step %d (%s): %s", e.Index+1, e.Step.describe(), redact.Clip(e.Err.Error(), 1000))
	for _, s := range e.Step.Settings {
		msg += fmt.Sprintf("; %s from %s", s.Name, s.From)
	}
	return msg
}

func (e *stepError) Unwrap() error { return e.Err }
