package credentials

import (
	"bytes"
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
	"github.com/irsa-go/irsa/stsxml"
)

// version is this library's version, sent in the User-Agent header.
const version = "0.1.0"

// userAgent is the User-Agent header the Client sends.
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
	// redirects are not followed: the Client uses a shallow copy whose CheckRedirect stops at
	// the first redirect, because requests carry a token or signature meant for the endpoint.
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
// validation errors, redirects). Errors are *OperationError.
//
// A Client is safe for concurrent use.
type Client struct {
	cfg            EndpointConfig // what the endpoint was resolved from, for per-call changes
	endpoint       Endpoint
	url            string
	http           *http.Client
	maxAttempts    int
	attemptTimeout time.Duration
	backoffBase    time.Duration
	backoffMax     time.Duration
	now            func() time.Time
	rand           func() float64
	sleep          func(context.Context, time.Duration) error
	signer         *v4.Signer
}

var _ STS = (*Client)(nil)

// NewClient returns a Client configured by opts. It fails when no endpoint can be resolved or
// an option is out of range.
func NewClient(opts ClientOptions) (*Client, error) {
	if err := opts.validate(); err != nil {
		return nil, MarkNonRecoverable(err)
	}
	c := &Client{
		maxAttempts:    orDefault(opts.MaxAttempts, retryMaxAttempts),
		attemptTimeout: orDefault(opts.AttemptTimeout, retryAttemptTimeout),
		backoffBase:    orDefault(opts.BackoffBase, retryBackoffBase),
		backoffMax:     orDefault(opts.BackoffMax, retryBackoffMax),
		now:            opts.Now,
		rand:           opts.Rand,
		sleep:          opts.Sleep,
		signer:         v4.NewSigner(),
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Float64
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if opts.Endpoint == (Endpoint{}) {
		getenv := opts.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		cfg, err := endpointConfigFromEnv(getenv)
		if err != nil {
			return nil, err
		}
		ep, err := ResolveEndpoint(cfg)
		if err != nil {
			return nil, err
		}
		c.cfg, c.endpoint = cfg, ep
	} else {
		ep, err := checkEndpoint(opts.Endpoint)
		if err != nil {
			return nil, err
		}
		c.endpoint = ep
		c.cfg = EndpointConfig{Region: ep.SigningRegion}
		if ep.Custom {
			c.cfg.URL = ep.URL
		}
	}
	c.url = requestURL(c.endpoint.URL)
	c.http = noRedirects(opts.HTTPClient)
	return c, nil
}

func (o *ClientOptions) validate() error {
	if o.MaxAttempts < 0 || o.AttemptTimeout < 0 || o.BackoffBase < 0 || o.BackoffMax < 0 {
		return errors.New("credentials: ClientOptions: MaxAttempts, AttemptTimeout, BackoffBase and BackoffMax must not be negative")
	}
	return nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// checkEndpoint validates an Endpoint given to NewClient.
func checkEndpoint(ep Endpoint) (Endpoint, error) {
	region := ep.SigningRegion
	if region != "" {
		if err := validRegion(region); err != nil {
			return Endpoint{}, err
		}
	}
	checked, err := customEndpoint(ep.URL, region)
	if err != nil {
		return Endpoint{}, err
	}
	ep.URL = checked.URL
	ep.SigningRegion = checked.SigningRegion
	return ep, nil
}

// requestURL is the URL requests are posted to: the endpoint with path "/", or its path with a
// trailing "/" (where aws-sdk-go-v2 posts too).
func requestURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u.String()
}

func noRedirects(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			t = t.Clone()
			t.Proxy = http.ProxyFromEnvironment
			c.Transport = t
		}
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// CloseIdleConnections closes the idle connections of the Client's HTTP transport.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// AssumeRoleWithWebIdentity calls STS AssumeRoleWithWebIdentity, unsigned. RoleArn,
// RoleSessionName and WebIdentityToken are required.
func (c *Client) AssumeRoleWithWebIdentity(ctx context.Context, params *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	const op = "AssumeRoleWithWebIdentity"
	if params == nil {
		params = &sts.AssumeRoleWithWebIdentityInput{}
	}
	call, err := c.newCall(op, optFns)
	if err != nil {
		return nil, err
	}
	if err := validateWebIdentityInput(params); err != nil {
		return nil, call.fail(0, MarkNonRecoverable(err))
	}
	if params.WebIdentityToken != nil {
		call.secrets = []string{*params.WebIdentityToken}
	}
	return send(ctx, c, &call, webIdentityForm(params), decodeWebIdentity)
}

// AssumeRole calls STS AssumeRole, signed with sts.Options.Credentials, which an option function
// must set (credentials.ForSDK turns a Provider into one). RoleArn and RoleSessionName are
// required.
func (c *Client) AssumeRole(ctx context.Context, params *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	const op = "AssumeRole"
	if params == nil {
		params = &sts.AssumeRoleInput{}
	}
	call, err := c.newCall(op, optFns)
	if err != nil {
		return nil, err
	}
	if err := validateAssumeRoleInput(params); err != nil {
		return nil, call.fail(0, MarkNonRecoverable(err))
	}
	if err := call.retrieveCredentials(ctx); err != nil {
		return nil, call.fail(0, err)
	}
	return send(ctx, c, &call, assumeRoleForm(params), decodeAssumeRole)
}

// GetCallerIdentity calls STS GetCallerIdentity, signed with sts.Options.Credentials, which an
// option function must set.
func (c *Client) GetCallerIdentity(ctx context.Context, params *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	const op = "GetCallerIdentity"
	call, err := c.newCall(op, optFns)
	if err != nil {
		return nil, err
	}
	if err := call.retrieveCredentials(ctx); err != nil {
		return nil, call.fail(0, err)
	}
	return send(ctx, c, &call, getCallerIdentityForm(), decodeGetCallerIdentity)
}

// call is one operation call: where it goes, how it is signed, how often it may be tried.
type call struct {
	op          string
	endpoint    Endpoint
	url         string
	maxAttempts int
	provider    aws.CredentialsProvider
	creds       aws.Credentials
	signed      bool
	secrets     []string // values that must never appear in an error
}

func (c *Client) newCall(op string, optFns []func(*sts.Options)) (call, error) {
	cl := call{op: op, endpoint: c.endpoint, url: c.url, maxAttempts: c.maxAttempts}
	if len(optFns) == 0 {
		return cl, nil
	}
	o := sts.Options{Region: c.cfg.Region, RetryMaxAttempts: c.maxAttempts}
	for _, fn := range optFns {
		fn(&o)
	}
	cl.provider = o.Credentials
	if o.RetryMaxAttempts > 0 {
		cl.maxAttempts = o.RetryMaxAttempts
	}
	cfg := c.cfg
	cfg.Region = o.Region
	if o.BaseEndpoint != nil {
		cfg.URL = *o.BaseEndpoint
	}
	switch o.EndpointOptions.UseFIPSEndpoint {
	case aws.FIPSEndpointStateEnabled:
		cfg.UseFIPS = true
	case aws.FIPSEndpointStateDisabled:
		cfg.UseFIPS = false
	}
	switch o.EndpointOptions.UseDualStackEndpoint {
	case aws.DualStackEndpointStateEnabled:
		cfg.UseDualStack = true
	case aws.DualStackEndpointStateDisabled:
		cfg.UseDualStack = false
	}
	if cfg != c.cfg {
		ep, err := ResolveEndpoint(cfg)
		if err != nil {
			return cl, cl.fail(0, err)
		}
		cl.endpoint, cl.url = ep, requestURL(ep.URL)
	}
	return cl, nil
}

// retrieveCredentials gets the credentials that sign the call; anonymous credentials leave it
// unsigned, as in aws-sdk-go-v2.
func (cl *call) retrieveCredentials(ctx context.Context) error {
	switch cl.provider.(type) {
	case nil:
		return errNoSigningCredentials
	case aws.AnonymousCredentials, *aws.AnonymousCredentials:
		return nil
	}
	creds, err := cl.provider.Retrieve(ctx)
	if err != nil {
		return &credentialsError{err: err}
	}
	cl.creds, cl.signed = creds, true
	cl.secrets = append(cl.secrets, creds.SecretAccessKey, creds.SessionToken)
	return nil
}

func (cl *call) fail(attempts int, err error) error {
	scrubCause(err, cl.secrets)
	return &OperationError{Operation: cl.op, Endpoint: cl.endpoint.URL, Attempts: attempts, Err: err}
}

// send runs the attempts of a call.
func send[T any](ctx context.Context, c *Client, cl *call, body []byte, decode func(int, io.Reader, http.Header) (T, error)) (T, error) {
	var zero T
	var payloadHash string
	if cl.signed {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	for attempt := 1; ; attempt++ {
		out, err := attemptOnce(ctx, c, cl, body, payloadHash, decode)
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil {
			return zero, cl.fail(attempt, contextError(ctx, err))
		}
		if attempt >= cl.maxAttempts || !retryable(err) {
			return zero, cl.fail(attempt, err)
		}
		if serr := c.sleep(ctx, c.backoff(attempt)); serr != nil {
			return zero, cl.fail(attempt, contextError(ctx, err))
		}
	}
}

// contextError reports that the caller's context ended the call, with the last attempt's error.
func contextError(ctx context.Context, last error) error {
	cause := context.Cause(ctx)
	if cause == nil {
		cause = ctx.Err()
	}
	if errors.Is(last, cause) {
		return last
	}
	return fmt.Errorf("%w (last attempt: %w)", cause, last)
}

// attemptOnce sends one request and decodes its response.
func attemptOnce[T any](ctx context.Context, c *Client, cl *call, body []byte, payloadHash string, decode func(int, io.Reader, http.Header) (T, error)) (T, error) {
	var zero T
	actx, cancel := context.WithTimeout(ctx, c.attemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, cl.url, bytes.NewReader(body))
	if err != nil {
		return zero, MarkNonRecoverable(err)
	}
	req.Header = http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"},
		"User-Agent":   {userAgent},
	}
	if cl.signed {
		if err := c.signer.SignHTTP(actx, cl.creds, req, payloadHash, "sts", cl.endpoint.SigningRegion, c.now()); err != nil {
			return zero, MarkNonRecoverable(fmt.Errorf("signing the request: %w", err))
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && ue.Err != nil {
			return zero, &networkError{ue}
		}
		return zero, err
	}
	defer func() {
		// Read a little of what is left so that the connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		resp.Body.Close()
	}()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return zero, &redirectError{status: resp.StatusCode, location: locationHost(resp.Header.Get("Location"))}
	}
	rb := readRecorder{r: resp.Body}
	out, err := decode(resp.StatusCode, &rb, resp.Header)
	if err != nil && rb.err != nil && rb.err != io.EOF {
		// The connection failed or timed out mid-body: that, not the cut-off document, is the
		// error to report and retry.
		return zero, fmt.Errorf("reading the STS response: %w", rb.err)
	}
	return out, err
}

// The decode functions decode a response with stsxml and take the request ID from the headers
// when the body has none.

func decodeWebIdentity(status int, body io.Reader, h http.Header) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	out, err := stsxml.DecodeAssumeRoleWithWebIdentity(status, body)
	if err != nil {
		return nil, withHeaderRequestID(err, h)
	}
	setRequestIDFromHeader(&out.ResultMetadata, h)
	return out, nil
}

func decodeAssumeRole(status int, body io.Reader, h http.Header) (*sts.AssumeRoleOutput, error) {
	out, err := stsxml.DecodeAssumeRole(status, body)
	if err != nil {
		return nil, withHeaderRequestID(err, h)
	}
	setRequestIDFromHeader(&out.ResultMetadata, h)
	return out, nil
}

func decodeGetCallerIdentity(status int, body io.Reader, h http.Header) (*sts.GetCallerIdentityOutput, error) {
	out, err := stsxml.DecodeGetCallerIdentity(status, body)
	if err != nil {
		return nil, withHeaderRequestID(err, h)
	}
	setRequestIDFromHeader(&out.ResultMetadata, h)
	return out, nil
}

func withHeaderRequestID(err error, h http.Header) error {
	var se *stsxml.Error
	if errors.As(err, &se) && se.RequestID == "" {
		se.RequestID = requestIDFromHeader(h)
	}
	return err
}

// requestIDFromHeader returns the request ID a response carries in its headers:
// x-amzn-RequestId as STS sends it, else x-amz-request-id as S3-compatible servers send it.
func requestIDFromHeader(h http.Header) string {
	if id := h.Get("X-Amzn-Requestid"); id != "" {
		return id
	}
	return h.Get("X-Amz-Request-Id")
}

// setRequestIDFromHeader records the request ID from the headers in md (a decoded output's
// ResultMetadata), where awsmiddleware.GetRequestIDMetadata finds it, unless the document
// gave one.
func setRequestIDFromHeader(md *middleware.Metadata, h http.Header) {
	if id, _ := awsmiddleware.GetRequestIDMetadata(*md); id != "" {
		return
	}
	if id := requestIDFromHeader(h); id != "" {
		awsmiddleware.SetRequestIDMetadata(md, id)
	}
}

// readRecorder remembers the error its reader returned.
type readRecorder struct {
	r   io.Reader
	err error
}

func (r *readRecorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil {
		r.err = err
	}
	return n, err
}

// locationHost returns the scheme and host of a Location header, without path or query, which
// could hold anything.
func locationHost(loc string) string {
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
