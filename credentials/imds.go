package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// The instance metadata service's default endpoints, and the request paths and headers of its
// IMDSv2 protocol (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html).
const (
	imdsEndpointIPv4 = "http://169.254.169.254"
	imdsEndpointIPv6 = "http://[fd00:ec2::254]"
	imdsTokenPath    = "/latest/api/token"
	imdsRolePath     = "/latest/meta-data/iam/security-credentials/"
	imdsTTLHeader    = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"
	imdsTokenHeader  = "X-Aws-Ec2-Metadata-Token"
	// imdsTokenTTL is the lifetime asked for a token, botocore's and the SDKs': six hours.
	imdsTokenTTL = 6 * time.Hour
	// imdsTokenMargin is how long before its end a token is replaced.
	imdsTokenMargin = time.Minute
)

// imdsExtension is botocore's window for credentials that arrive expired or about to expire: its
// advisory refresh time (15 minutes) plus a random 2 to 10 minutes. See NewIMDS.
const (
	imdsExtensionBase   = 15 * time.Minute
	imdsExtensionJitter = 8 * time.Minute
	imdsExtensionMin    = 2 * time.Minute
)

// IMDSOptions configures NewIMDS. chain.Resolve fills it from AWS_EC2_METADATA_SERVICE_ENDPOINT,
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE, AWS_EC2_METADATA_V1_DISABLED,
// AWS_METADATA_SERVICE_TIMEOUT, AWS_METADATA_SERVICE_NUM_ATTEMPTS and their profile keys.
type IMDSOptions struct {
	// Endpoint is the instance metadata service's base URL: http or https, a host and an optional
	// port and path prefix, without user info, query or fragment. Optional; default by
	// EndpointMode.
	Endpoint string
	// EndpointMode picks the default endpoint: "IPv4" (http://169.254.169.254) or "IPv6"
	// (http://[fd00:ec2::254]), in any case. Optional; default IPv4. Ignored when Endpoint is set.
	EndpointMode string
	// DisableV1 turns off the IMDSv1 fallback: when no IMDSv2 token can be had, Retrieve fails
	// instead of asking without one. Optional; default false (the fallback is on, as in botocore).
	DisableV1 bool
	// Timeout bounds each request. Optional; default 1 s (botocore's).
	Timeout time.Duration
	// Attempts is how many times each request is tried when it fails with a network error, a
	// timeout, HTTP 5xx or 429. Optional; default 1 (botocore's).
	Attempts int
	// HTTPClient sends the requests; its redirects are not followed. Optional; default a client
	// of its own, which uses the proxy settings of the environment (HTTP_PROXY, NO_PROXY).
	HTTPClient *http.Client
	// Now returns the current time, for the token's lifetime and the extension of expired
	// credentials. Optional; default time.Now.
	Now func() time.Time
}

// imds is the Provider NewIMDS returns. Its state, the endpoint and the IMDSv2 token among it,
// is kept where fmt never prints it (see hidden).
type imds struct{ s hidden[*imdsState] }

func (p *imds) state() *imdsState { return p.s.get() }

// Retrieve gets the role's credentials.
func (p *imds) Retrieve(ctx context.Context) (Credentials, error) {
	return p.state().Retrieve(ctx)
}

// String describes the provider (see imdsState.String).
func (p *imds) String() string { return p.state().String() }

// Format prints String for every verb.
func (p *imds) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }

// imdsState is what an imds provider knows.
type imdsState struct {
	base       string // the endpoint, without a trailing slash
	v1Disabled bool
	getter     *httpGetter
	now        func() time.Time
	jitter     func() float64
	tok        *imdsToken // a pointer, so that fmt shows an address, never the token
}

// imdsToken is the IMDSv2 token kept for its lifetime.
type imdsToken struct {
	mu    sync.Mutex
	value string
	until time.Time
}

// NewIMDS returns a Provider of the credentials of the IAM role attached to the EC2 instance, from
// its instance metadata service, as botocore 1.43's InstanceMetadataProvider gets them: an IMDSv2
// token (PUT /latest/api/token, asked for six hours and kept that long, fetched anew when the
// service answers 401), the role's name (GET /latest/meta-data/iam/security-credentials/) and
// its credentials (GET …/security-credentials/ROLE, a JSON document whose Code, when present,
// must be "Success").
//
// Where botocore falls back to IMDSv1 (requests without a token) so does Retrieve: when the token
// request is refused with HTTP 403, 404 or 405, fails with another status, times out or gets no
// answer; unless DisableV1 is set, which makes each of these an error. A token request refused
// with HTTP 400 is an error either way.
//
// Static stability: like botocore, credentials that arrive expired, or expiring within 15
// minutes plus a random 2 to 10 minutes, are given that much more time from now, so that a
// service that keeps answering with old credentials during an outage does not stop the program;
// a Cache in front keeps serving credentials when a refresh fails and retries later.
//
// NewIMDS makes no request. An invalid Endpoint or EndpointMode, or a negative Timeout or
// Attempts, is an error.
func NewIMDS(opts IMDSOptions) (Provider, error) {
	base, err := imdsBase(opts.Endpoint, opts.EndpointMode)
	if err != nil {
		return nil, MarkNonRecoverable(err)
	}
	if opts.Timeout < 0 {
		return nil, MarkNonRecoverable(errorf("the EC2 instance metadata timeout is negative (%v)", opts.Timeout))
	}
	if opts.Attempts < 0 {
		return nil, MarkNonRecoverable(errorf("the number of EC2 instance metadata attempts is negative (%d)", opts.Attempts))
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = time.Second
	}
	p := &imdsState{
		base:       base,
		v1Disabled: opts.DisableV1,
		getter:     newHTTPGetter("EC2 instance metadata at "+base, opts.HTTPClient, opts.Attempts, timeout),
		now:        opts.Now,
		jitter:     rand.Float64,
		tok:        &imdsToken{},
	}
	if p.now == nil {
		p.now = time.Now
	}
	return &imds{hide(p)}, nil
}

// imdsBase is the endpoint to use, checked, without a trailing slash.
func imdsBase(endpoint, mode string) (string, error) {
	switch strings.ToLower(mode) {
	case "", "ipv4":
		if endpoint == "" {
			return imdsEndpointIPv4, nil
		}
	case "ipv6":
		if endpoint == "" {
			return imdsEndpointIPv6, nil
		}
	default:
		return "", errorf("the EC2 instance metadata endpoint mode %q is neither IPv4 nor IPv6", printable(mode, 40))
	}
	if reason := checkIMDSEndpoint(endpoint); reason != "" {
		return "", errorf("the EC2 instance metadata endpoint %q is not usable: %s", printable(redact.URLUserinfo(endpoint), 200), reason)
	}
	return strings.TrimRight(endpoint, "/"), nil
}

// checkIMDSEndpoint says what is wrong with endpoint as the base URL of the instance metadata
// service, or returns "" when it is usable.
func checkIMDSEndpoint(endpoint string) string {
	if len(endpoint) > 2048 {
		return "the URL is longer than 2048 bytes"
	}
	u, err := url.Parse(endpoint)
	switch {
	case err != nil:
		return "not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "the URL must start with http:// or https://"
	case u.Host == "" || u.Hostname() == "":
		return "the URL has no host"
	case u.User != nil:
		return "the URL must not hold a user name or password"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(endpoint, "#"):
		return "the URL must not have a query or a fragment"
	case net.ParseIP(strings.Trim(u.Hostname(), "[]")) == nil && !dnsName.MatchString(u.Hostname()):
		return "the host is neither an IP address nor a DNS name"
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "the port is not a number from 1 to 65535"
		}
	}
	return ""
}

// Retrieve asks the instance metadata service for the role's credentials.
func (p *imdsState) Retrieve(ctx context.Context) (Credentials, error) {
	token, err := p.token(ctx, false)
	if err != nil {
		return Credentials{}, err
	}
	body, fresh, err := p.get(ctx, "the IAM role name", imdsRolePath, token)
	if err != nil {
		return Credentials{}, p.roleError(err)
	}
	token = fresh
	role, err := p.roleName(body)
	if err != nil {
		return Credentials{}, err
	}
	body, _, err = p.get(ctx, "the credentials of role "+role, imdsRolePath+role, token)
	if err != nil {
		return Credentials{}, err
	}
	what := fmt.Sprintf("EC2 instance metadata at %s (role %s)", p.base, role)
	c, err := decodeJSONCredentials(what, body, sourceIMDS, true)
	if err != nil {
		return Credentials{}, fmt.Errorf("%s%w", errPrefix, err) // its text quotes no secret
	}
	if code := imdsCode(body); code != "" && !strings.EqualFold(code, "Success") {
		return Credentials{}, errorf("%s answered with Code %q, not \"Success\": the role's credentials are not available", what, printable(code, 100))
	}
	p.extend(&c)
	return c, nil
}

// imdsCode is the Code of a credentials document already decoded once.
func imdsCode(body []byte) string {
	var doc struct{ Code string }
	_ = json.Unmarshal(body, &doc)
	return doc.Code
}

// extend applies botocore's static stability rule (see NewIMDS) to c.
func (p *imdsState) extend(c *Credentials) {
	now := p.now()
	window := imdsExtensionBase + imdsExtensionMin + time.Duration(p.jitter()*float64(imdsExtensionJitter))
	if c.CanExpire() && !now.Before(c.Expires.Add(-window)) {
		c.Expires = now.Add(window).UTC()
	}
}

// dnsName is botocore's is_valid_endpoint_url host check: labels of letters, digits and '-'.
var dnsName = regexp.MustCompile(`^((?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$`)

// imdsRoleName is what IAM allows in a role name; the name becomes part of a URL path.
var imdsRoleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// roleName is the first line of the role listing.
func (p *imdsState) roleName(body []byte) (string, error) {
	first, _, _ := strings.Cut(string(body), "\n")
	role := strings.TrimSpace(first)
	switch {
	case role == "":
		return "", errorf("EC2 instance metadata at %s listed no IAM role: attach an instance profile with a role to the instance", p.base)
	case !imdsRoleName.MatchString(role) || role == "." || role == "..":
		return "", MarkNonRecoverable(errorf("EC2 instance metadata at %s answered with a role name that IAM would not allow: %q", p.base, printable(role, 80)))
	}
	return role, nil
}

// roleError explains a failed role listing: a 404 there means no role is attached.
func (p *imdsState) roleError(err error) error {
	var fe *fetchError
	if errors.As(err, &fe) && fe.httpStatus() == http.StatusNotFound {
		return fmt.Errorf("%w (no IAM role is attached to the instance: attach an instance profile with a role)", err)
	}
	return err
}

// get fetches path with token ("" for IMDSv1). A 401 to a token kept from an earlier call means
// it is no longer valid: get fetches a new one and asks once more. It returns the token it used
// last.
func (p *imdsState) get(ctx context.Context, what, path, token string) ([]byte, string, error) {
	body, err := p.fetch(ctx, what, http.MethodGet, path, token)
	var fe *fetchError
	if token == "" || !errors.As(err, &fe) || fe.httpStatus() != http.StatusUnauthorized {
		return body, token, err
	}
	if token, err = p.token(ctx, true); err != nil {
		return nil, "", err
	}
	body, err = p.fetch(ctx, what, http.MethodGet, path, token)
	return body, token, err
}

// fetch sends one request (with its attempts) for path.
func (p *imdsState) fetch(ctx context.Context, what, method, path, token string) ([]byte, error) {
	g := *p.getter
	g.what = fmt.Sprintf("EC2 instance metadata at %s, %s", p.base, what)
	return g.fetch(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, method, p.base+path, nil)
		if err != nil {
			return nil, err
		}
		if method == http.MethodPut {
			req.Header.Set(imdsTTLHeader, fmt.Sprint(int64(imdsTokenTTL/time.Second)))
		}
		if token != "" {
			req.Header.Set(imdsTokenHeader, token)
		}
		return req, nil
	}, token)
}

// token returns the IMDSv2 token, kept from an earlier call unless renew, or "" to fall back to
// IMDSv1 (see NewIMDS).
func (p *imdsState) token(ctx context.Context, renew bool) (string, error) {
	t := p.tok
	t.mu.Lock()
	defer t.mu.Unlock()
	now := p.now()
	if !renew && t.value != "" && now.Before(t.until) {
		return t.value, nil
	}
	t.value = ""
	body, err := p.fetch(ctx, "the IMDSv2 token", http.MethodPut, imdsTokenPath, "")
	if err == nil {
		value := strings.TrimSpace(string(body))
		if value == "" || strings.ContainsFunc(value, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			return "", MarkNonRecoverable(errorf("EC2 instance metadata at %s answered the token request with something that is not a token (empty, or with characters a header cannot carry; not shown)", p.base))
		}
		t.value, t.until = value, now.Add(imdsTokenTTL-imdsTokenMargin)
		return value, nil
	}
	var fe *fetchError
	status := 0
	if errors.As(err, &fe) {
		status = fe.httpStatus()
	}
	switch {
	case ctx.Err() != nil:
		return "", err
	case status == http.StatusBadRequest:
		return "", fmt.Errorf("%w (the service refused the token request as malformed; a proxy in between may have added an X-Forwarded-For header, which IMDS refuses)", err)
	case p.v1Disabled:
		return "", fmt.Errorf("%w; IMDSv1 (requests without a token) is disabled by AWS_EC2_METADATA_V1_DISABLED or ec2_metadata_v1_disabled, so there is no fallback", err)
	}
	return "", nil // IMDSv1, as botocore falls back
}

// String describes the provider without its token.
func (p *imdsState) String() string {
	v1 := "IMDSv1 fallback allowed"
	if p.v1Disabled {
		v1 = "IMDSv1 disabled"
	}
	return fmt.Sprintf("credentials.IMDS{Endpoint: %s, %s}", p.base, v1)
}

// Format prints String for every verb, as the provider does.
func (p *imdsState) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }
