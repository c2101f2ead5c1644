package credentials

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"github.com/irsa-go/irsa/internal/wait"
	"github.com/irsa-go/irsa/stsxml"
)

// version is this library's version, sent in the User-Agent header.
const version = "0.1.0"

const userAgent = "irsa-go/" + version + " (+github.com/irsa-go/irsa)"

// ClientOptions configures NewClient. The zero value gives a client for the endpoint the
// environment names, with the defaults below.
type ClientOptions struct {
	// Endpoint is where requests go. Optional; default: ResolveEndpoint of the settings in
	// Getenv (AWS_REGION, else AWS_DEFAULT_REGION; AWS_STS_REGIONAL_ENDPOINTS;
	// AWS_USE_FIPS_ENDPOINT; AWS_USE_DUALSTACK_ENDPOINT; AWS_ENDPOINT_URL_STS, else
	// AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true). A given Endpoint is checked like a custom URL (https, or
	// http to a loopback host; no user information, query or fragment); an empty SigningRegion
	// means us-east-1.
	Endpoint Endpoint
	// Getenv looks up environment variables to resolve the default Endpoint. Optional; default
	// os.Getenv.
	Getenv func(string) string
	// HTTPClient sends the requests. Optional; default: a client with its own copy of
	// http.DefaultTransport (which uses http.ProxyFromEnvironment). Whatever the client, its
	// redirects are not followed: requests carry a token or signature meant for the endpoint.
	HTTPClient *http.Client
	// MaxAttempts bounds the requests of one call, the first included. Optional; default
	// 3, as in aws-sdk-go-v2. 1 turns retries off. A call can override it
	// with sts.Options.RetryMaxAttempts.
	MaxAttempts int
	// AttemptTimeout bounds each request, response body included. Optional; default
	// 10 s. The caller's context bounds the whole call.
	AttemptTimeout time.Duration
	// BackoffBase is the upper bound of the random delay before the second attempt; the bound
	// doubles for each further attempt ("full jitter"). Optional; default 1 s.
	BackoffBase time.Duration
	// BackoffMax caps the bound of a delay. Optional; default 20 s.
	BackoffMax time.Duration
	// Now gives the time requests are signed at. Optional; default time.Now.
	Now func() time.Time
	// Rand returns a uniformly random number in [0, 1) for the backoff jitter. It must be safe
	// for concurrent use. Optional; default math/rand/v2's Float64.
	Rand func() float64
	// Sleep waits between attempts; it must return early with ctx.Err() when ctx is done.
	// Optional; default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is a light STS client: the three STS operations this library needs, over net/http and
// stsxml, with the method set of aws-sdk-go-v2's *sts.Client (it implements STS), so either can
// be used where the other is.
//
// Requests are POSTs with the parameters in an application/x-www-form-urlencoded body (never in
// the URL, which proxies log), named and encoded as the SDK encodes them.
// AssumeRoleWithWebIdentity is sent unsigned; AssumeRole and GetCallerIdentity are signed with
// aws-sdk-go-v2's SigV4 signer using sts.Options.Credentials, session token included.
//
// Per-call option functions (optFns) are applied to an sts.Options, of which the Client honours
// Credentials, Region, BaseEndpoint, EndpointOptions.UseFIPSEndpoint,
// EndpointOptions.UseDualStackEndpoint and RetryMaxAttempts; the other fields are ignored.
// A Region, BaseEndpoint or FIPS/dual-stack setting that differs from the Client's resolves the
// endpoint again for that call.
//
// A failed attempt is retried, with exponential backoff and full jitter, on throttling, HTTP
// 5xx, IDPCommunicationError, InvalidIdentityToken when STS could not retrieve the identity
// provider's verification key, network errors and timeouts; never on errors retrying cannot
// fix (AccessDenied, IDPRejectedClaim, RegionDisabledException, MalformedPolicyDocument,
// validation errors, redirects, a response header net/http refuses as malformed). A redirect's
// error names only the scheme and host of its Location, whether or not the Location parses.
// Errors are *OperationError.
//
// A Client is safe for concurrent use.
type Client struct {
	opts     ClientOptions // with the defaults filled in
	endpoint Endpoint
	cfg      EndpointConfig // what endpoint was resolved from, for per-call changes
	signer   *v4.Signer
}

// NewClient returns a Client configured by opts. It fails when no endpoint can be resolved or
// an option is out of range.
func NewClient(opts ClientOptions) (*Client, error) {
	if opts.MaxAttempts < 0 || opts.AttemptTimeout < 0 || opts.BackoffBase < 0 || opts.BackoffMax < 0 {
		return nil, MarkNonRecoverable(errors.New("credentials: ClientOptions: MaxAttempts, AttemptTimeout, BackoffBase and BackoffMax must not be negative"))
	}
	// The retry defaults follow aws-sdk-go-v2's standard retryer, with a first delay of at most 1 s.
	opts.MaxAttempts = cmp.Or(opts.MaxAttempts, 3)
	opts.AttemptTimeout = cmp.Or(opts.AttemptTimeout, 10*time.Second)
	opts.BackoffBase = cmp.Or(opts.BackoffBase, time.Second)
	opts.BackoffMax = cmp.Or(opts.BackoffMax, 20*time.Second)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	if opts.Sleep == nil {
		opts.Sleep = wait.Sleep
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	c := &Client{signer: v4.NewSigner()}
	var err error
	if opts.Endpoint == (Endpoint{}) {
		if c.cfg, err = endpointConfigFromEnv(opts.Getenv); err == nil {
			c.endpoint, err = ResolveEndpoint(c.cfg)
		}
	} else {
		c.endpoint, err = customEndpoint(opts.Endpoint.URL, opts.Endpoint.SigningRegion)
		c.endpoint.Custom = opts.Endpoint.Custom
		c.cfg = EndpointConfig{Region: c.endpoint.SigningRegion}
		if opts.Endpoint.Custom {
			c.cfg.URL = c.endpoint.URL
		}
	}
	if err != nil {
		return nil, err
	}
	opts.HTTPClient = noRedirects(opts.HTTPClient)
	c.opts = opts
	return c, nil
}

// noRedirects returns a shallow copy of hc (or of the default client) that stops at redirects.
func noRedirects(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else if t, ok := http.DefaultTransport.(*http.Transport); ok {
		c.Transport = t.Clone()
		c.Transport.(*http.Transport).Proxy = http.ProxyFromEnvironment
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = stopAtRedirect{next}
	return &c
}

// stopAtRedirect ends a request at a 3xx response with a *redirectError, before net/http's Client
// sees the response. A CheckRedirect is not enough: the Client parses the Location header before
// it calls CheckRedirect, and reports one that does not parse as a *url.Error that holds all of
// it, query included, which the Client would also retry as a network error.
type stopAtRedirect struct{ next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t stopAtRedirect) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 300 || resp.StatusCode >= 400 {
		return resp, err
	}
	discardBody(resp)
	to, valid := redirectTarget(resp.Header.Get("Location"))
	return nil, &redirectError{status: resp.StatusCode, to: to, malformed: !valid}
}

// CloseIdleConnections closes the idle connections of the wrapped transport, if it has any.
func (t stopAtRedirect) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// discardBody reads a little of resp's body, so that the connection can be reused, and closes it.
func discardBody(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	resp.Body.Close()
}

// CloseIdleConnections closes the idle connections of the Client's HTTP transport.
func (c *Client) CloseIdleConnections() { c.opts.HTTPClient.CloseIdleConnections() }

// AssumeRoleWithWebIdentity calls STS AssumeRoleWithWebIdentity, unsigned. RoleArn,
// RoleSessionName and WebIdentityToken are required.
func (c *Client) AssumeRoleWithWebIdentity(ctx context.Context, params *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	if params == nil {
		params = &sts.AssumeRoleWithWebIdentityInput{}
	}
	r := request{op: "AssumeRoleWithWebIdentity", form: webIdentityForm(params), invalid: validateWebIdentityInput(params)}
	if params.WebIdentityToken != nil {
		r.secrets = []string{*params.WebIdentityToken}
	}
	return send(ctx, c, r, optFns, stsxml.DecodeAssumeRoleWithWebIdentity,
		func(o *sts.AssumeRoleWithWebIdentityOutput) *middleware.Metadata { return &o.ResultMetadata })
}

// AssumeRole calls STS AssumeRole, signed with sts.Options.Credentials, which an option function
// must set (credentials.ForSDK turns a Provider into one). RoleArn and RoleSessionName are
// required.
func (c *Client) AssumeRole(ctx context.Context, params *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if params == nil {
		params = &sts.AssumeRoleInput{}
	}
	r := request{op: "AssumeRole", form: assumeRoleForm(params), invalid: validateAssumeRoleInput(params), signed: true}
	return send(ctx, c, r, optFns, stsxml.DecodeAssumeRole,
		func(o *sts.AssumeRoleOutput) *middleware.Metadata { return &o.ResultMetadata })
}

// GetCallerIdentity calls STS GetCallerIdentity, signed with sts.Options.Credentials, which an
// option function must set.
func (c *Client) GetCallerIdentity(ctx context.Context, params *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	r := request{op: "GetCallerIdentity", form: queryForm("GetCallerIdentity"), signed: true}
	return send(ctx, c, r, optFns, stsxml.DecodeGetCallerIdentity,
		func(o *sts.GetCallerIdentityOutput) *middleware.Metadata { return &o.ResultMetadata })
}

// request is what an operation sends.
type request struct {
	op      string
	form    url.Values
	invalid error // from validating the input
	signed  bool
	secrets []string // values that must never appear in an error
}

// send makes the attempts of one call, until one succeeds or another cannot help.
func send[T any](ctx context.Context, c *Client, r request, optFns []func(*sts.Options),
	decode func(int, io.Reader) (*T, error), metadata func(*T) *middleware.Metadata) (*T, error) {
	o := sts.Options{Region: c.cfg.Region, RetryMaxAttempts: c.opts.MaxAttempts}
	for _, fn := range optFns {
		fn(&o)
	}
	ep, attempts := c.endpoint, 0
	fail := func(err error) (*T, error) {
		scrubCause(err, r.secrets)
		return nil, &OperationError{Operation: r.op, Endpoint: ep.URL, Attempts: attempts, Err: err}
	}
	if cfg := c.callConfig(o); cfg != c.cfg {
		resolved, err := ResolveEndpoint(cfg)
		if err != nil {
			return fail(err)
		}
		ep = resolved
	}
	if r.invalid != nil {
		return fail(MarkNonRecoverable(r.invalid))
	}
	body := []byte(r.form.Encode())
	var sign func(*http.Request) error
	if r.signed {
		creds, err := signingCredentials(ctx, o.Credentials)
		if err != nil {
			return fail(err)
		}
		if creds != nil {
			r.secrets = append(r.secrets, creds.SecretAccessKey, creds.SessionToken)
			sum := sha256.Sum256(body)
			hash := hex.EncodeToString(sum[:])
			sign = func(req *http.Request) error {
				return c.signer.SignHTTP(req.Context(), *creds, req, hash, "sts", ep.SigningRegion, c.opts.Now())
			}
		}
	}
	var out *T
	decodeResponse := func(resp *http.Response) (err error) {
		// STS sends the request ID in x-amzn-RequestId, S3-compatible servers in x-amz-request-id;
		// a request ID in the document wins.
		id := cmp.Or(resp.Header.Get("X-Amzn-Requestid"), resp.Header.Get("X-Amz-Request-Id"))
		if out, err = decode(resp.StatusCode, resp.Body); err != nil {
			var se *stsxml.Error
			if errors.As(err, &se) && se.RequestID == "" {
				se.RequestID = id
			}
			return err
		}
		if old, _ := awsmiddleware.GetRequestIDMetadata(*metadata(out)); old == "" && id != "" {
			awsmiddleware.SetRequestIDMetadata(metadata(out), id)
		}
		return nil
	}
	maxAttempts := o.RetryMaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = c.opts.MaxAttempts
	}
	for attempts = 1; ; attempts++ {
		err := c.attempt(ctx, strings.TrimSuffix(ep.URL, "/")+"/", body, sign, decodeResponse)
		switch {
		case err == nil:
			return out, nil
		case ctx.Err() != nil:
			return fail(contextError(ctx, nil, err, r.secrets))
		case attempts >= maxAttempts || !retryable(err):
			return fail(err)
		}
		if serr := c.opts.Sleep(ctx, c.backoff(attempts)); serr != nil {
			return fail(contextError(ctx, serr, err, r.secrets))
		}
	}
}

// callConfig is the endpoint configuration of a call with options o.
func (c *Client) callConfig(o sts.Options) EndpointConfig {
	cfg := c.cfg
	cfg.Region = o.Region
	if o.BaseEndpoint != nil {
		cfg.URL = *o.BaseEndpoint
	}
	if s := o.EndpointOptions.UseFIPSEndpoint; s != aws.FIPSEndpointStateUnset {
		cfg.UseFIPS = s == aws.FIPSEndpointStateEnabled
	}
	if s := o.EndpointOptions.UseDualStackEndpoint; s != aws.DualStackEndpointStateUnset {
		cfg.UseDualStack = s == aws.DualStackEndpointStateEnabled
	}
	return cfg
}

// signingCredentials gets the credentials that sign a call; nil (anonymous) leaves it unsigned.
func signingCredentials(ctx context.Context, p aws.CredentialsProvider) (*aws.Credentials, error) {
	switch p.(type) {
	case nil:
		return nil, errNoSigningCredentials
	case aws.AnonymousCredentials, *aws.AnonymousCredentials:
		return nil, nil
	}
	creds, err := p.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("retrieving the credentials that sign the request: %w", err)
	}
	return &creds, nil
}

// contextError reports that the caller's context (or else a Sleep that failed with sleepErr) ended
// the call, with the last attempt's error. It scrubs last first: the text is fixed here.
func contextError(ctx context.Context, sleepErr, last error, secrets []string) error {
	scrubCause(last, secrets)
	cause := context.Cause(ctx)
	if cause == nil {
		cause = sleepErr
	}
	if errors.Is(last, cause) {
		return last
	}
	return fmt.Errorf("%w (last attempt: %w)", cause, last)
}

// attempt posts body to endpoint once, signed with sign unless it is nil, and decodes the response.
func (c *Client) attempt(ctx context.Context, endpoint string, body []byte, sign func(*http.Request) error, decode func(*http.Response) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return MarkNonRecoverable(err)
	}
	req.Header = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "User-Agent": {userAgent}}
	if sign != nil {
		if err := sign(req); err != nil {
			return MarkNonRecoverable(fmt.Errorf("signing the request: %w", err))
		}
	}
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return requestError(err)
	}
	defer discardBody(resp)
	return decode(resp)
}
