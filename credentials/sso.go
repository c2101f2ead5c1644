package credentials

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/redact"
)

// maxSSOTokenFile caps the token cache file read (the AWS CLI writes about 2 KiB).
const maxSSOTokenFile = 64 << 10

// ssoTokenFiles reads the AWS CLI's token cache: a regular file only, bounded, no retry (the CLI
// replaces it with a rename).
var ssoTokenFiles = readfile.Reader{Limit: maxSSOTokenFile}

// SSOOptions configures NewSSO. The fields mirror the shared config settings of a profile that
// uses IAM Identity Center (sso_start_url, sso_region, sso_account_id, sso_role_name,
// sso_session).
type SSOOptions struct {
	// StartURL is the AWS access portal URL (sso_start_url), such as
	// https://my-sso-portal.awsapps.com/start. Required unless SessionName is set; its SHA-1 names
	// the token cache file of the legacy form (a profile without sso_session).
	StartURL string
	// Region is the region of IAM Identity Center (sso_region), such as "us-east-1". Required.
	Region string
	// AccountID is the account whose role is used (sso_account_id). Required.
	AccountID string
	// RoleName is the permission set's role name (sso_role_name). Required.
	RoleName string
	// SessionName is the [sso-session NAME] the profile names with sso_session. Optional; when
	// set, its SHA-1 (not the start URL's) names the token cache file, as the AWS CLI writes it.
	SessionName string
	// Profile names the profile these settings come from, for the "aws sso login --profile"
	// command errors suggest. Optional.
	Profile string
	// CacheDir is where the AWS CLI caches access tokens. Optional; default ~/.aws/sso/cache
	// (os.UserHomeDir).
	CacheDir string
	// Endpoint is the portal's URL. Optional; default https://portal.sso.REGION.DNS-SUFFIX, the
	// DNS suffix of the region's partition (as STS's endpoint rules give it), or the FIPS or
	// dual-stack host when UseFIPS or UseDualStack is set. It must be https unless its host is
	// loopback, and carry no user information, query or fragment.
	Endpoint string
	// OIDCEndpoint is the URL of IAM Identity Center's OIDC service, whose CreateToken refreshes
	// the access token of an sso-session (AWS_ENDPOINT_URL_SSO_OIDC). Optional; default
	// https://oidc.REGION.DNS-SUFFIX, or its FIPS or dual-stack host; the same checks as Endpoint.
	OIDCEndpoint string
	// UseFIPS and UseDualStack select the FIPS and dual-stack hosts of the portal and the OIDC
	// service (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT). Optional; ignored for an
	// endpoint that is set.
	UseFIPS, UseDualStack bool
	// HTTPClient sends the request; redirects are never followed. Optional; default a client of
	// its own with http.DefaultTransport's settings.
	HTTPClient *http.Client
	// MaxAttempts bounds the requests of one call to the portal or the OIDC service (5xx, 429 and
	// network errors are retried with backoff). Optional; default 3.
	MaxAttempts int
	// AttemptTimeout bounds each request. Optional; default 10 s.
	AttemptTimeout time.Duration
	// Now returns the current time, to tell an access token that has expired or is due for a
	// refresh. Optional; default time.Now.
	Now func() time.Time
}

// ssoProvider is the Provider NewSSO returns. It holds no secret: the access token is read from
// the cache file on every Retrieve. Its state is kept where fmt never prints it (see hidden): the
// start URL may hold user information.
type ssoProvider struct{ s hidden[*ssoState] }

func (p *ssoProvider) state() *ssoState { return p.s.get() }

// Retrieve reads the access token and calls GetRoleCredentials with it.
func (p *ssoProvider) Retrieve(ctx context.Context) (Credentials, error) {
	return p.state().Retrieve(ctx)
}

// String describes the provider (see ssoState.String).
func (p *ssoProvider) String() string { return p.state().String() }

// Format prints String for every verb.
func (p *ssoProvider) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }

// ssoState is what an ssoProvider knows.
type ssoState struct {
	opts      SSOOptions
	cacheFile string
	endpoint  string // the portal's URL, without the path
	get       *httpGetter
	refresher ssoRefresher
}

// NewSSO returns a Provider of IAM Identity Center (SSO) role credentials, as the AWS CLI gets
// them for a profile with sso_account_id and sso_role_name: every Retrieve reads the access token
// that "aws sso login" cached in ~/.aws/sso/cache, and calls the portal's GetRoleCredentials
// with it. It does no caching of the role credentials: wrap it in a Cache.
//
// For an sso-session (SessionName set), an access token within 15 minutes of its expiry is
// refreshed as botocore refreshes it: with the refresh token and client registration "aws sso
// login" cached beside it, by the OIDC service's CreateToken, and the cache file is rewritten
// for the AWS CLI to share (see ssoRefresher). The legacy form is never refreshed.
//
// When the access token is missing or has expired and cannot be refreshed, or the portal
// refuses it, the error says which "aws sso login" command signs in again. Errors never contain
// the access token, the refresh token, the client secret or the credentials. NewSSO checks opts
// and reads nothing.
func NewSSO(opts SSOOptions) (Provider, error) {
	p := &ssoState{opts: opts}
	if err := p.init(); err != nil {
		return nil, MarkNonRecoverable(&ssoError{desc: p.describe(), err: err})
	}
	return &ssoProvider{hide(p)}, nil
}

func (p *ssoState) init() error {
	o := &p.opts
	if o.Now == nil {
		o.Now = time.Now
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"AccountID", o.AccountID}, {"RoleName", o.RoleName}, {"Region", o.Region}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if o.StartURL == "" && o.SessionName == "" {
		missing = append(missing, "StartURL (or SessionName)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s required", strings.Join(missing, ", "))
	}
	for _, f := range []struct{ name, v string }{{"AccountID", o.AccountID}, {"RoleName", o.RoleName}, {"SessionName", o.SessionName}, {"Profile", o.Profile}} {
		if strings.ContainsFunc(f.v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return fmt.Errorf("%s holds a control character", f.name)
		}
	}
	if err := validRegion(o.Region); err != nil {
		return fmt.Errorf("Region %q is not a region name, such as \"us-east-1\"", redact.Clip(o.Region, 64))
	}
	if o.CacheDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("CacheDir is not set and there is no home directory to find ~/.aws/sso/cache in: %w", err)
		}
		o.CacheDir = filepath.Join(home, ".aws", "sso", "cache")
	}
	p.cacheFile = filepath.Join(o.CacheDir, ssoCacheKey(o.StartURL, o.SessionName)+".json")
	var err error
	if p.endpoint, err = ssoEndpoint(o.Endpoint, ssoPortal, o); err != nil {
		return err
	}
	p.get = newHTTPGetter("the IAM Identity Center portal at "+p.endpoint, o.HTTPClient, cmp.Or(o.MaxAttempts, 3), cmp.Or(o.AttemptTimeout, 10*time.Second))
	if o.SessionName != "" {
		return p.refresher.init(p)
	}
	return nil
}

// ssoService is an IAM Identity Center service the provider calls: its host's first labels,
// plain and FIPS, and what its requests carry (for the error that refuses plain http).
type ssoService struct{ name, host, fipsHost, carries string }

var (
	ssoPortal = ssoService{"portal", "portal.sso", "portal.sso-fips", "the access token"}
	ssoOIDC   = ssoService{"OIDC", "oidc", "oidc-fips", "the refresh token and the client secret"}
)

// ssoEndpoint is the URL of svc: custom, checked, when set, else the region's host.
func ssoEndpoint(custom string, svc ssoService, o *SSOOptions) (string, error) {
	if custom != "" {
		return ssoCustomEndpoint(custom, svc)
	}
	return ssoServiceURL(o.Region, o.UseFIPS, o.UseDualStack, svc)
}

// ssoCacheKey is the name (without .json) of the token cache file the AWS CLI writes: the SHA-1
// of the session name, or of the start URL for the legacy form, in lower-case hex.
func ssoCacheKey(startURL, sessionName string) string {
	sum := sha1.Sum([]byte(cmp.Or(sessionName, startURL)))
	return hex.EncodeToString(sum[:])
}

// ssoServiceURL is https://HOST.REGION.SUFFIX for svc (portal.sso[-fips], oidc[-fips]). The
// suffix is not kept here: STS's endpoint rules (the SDK's generated resolver) give
// sts[-fips].REGION.SUFFIX for the same region and flags, with the partition's DNS suffix (or
// dual-stack suffix), and the portal's and the OIDC service's endpoint rules use the same
// suffixes with the same FIPS naming, GovCloud included (no -fips without dual-stack there).
func ssoServiceURL(region string, fips, dualStack bool, svc ssoService) (string, error) {
	global := false
	ep, err := stsRules.ResolveEndpoint(context.Background(), sts.EndpointParameters{
		Region: &region, UseFIPS: &fips, UseDualStack: &dualStack, UseGlobalEndpoint: &global})
	if err != nil {
		return "", fmt.Errorf("no IAM Identity Center %s endpoint for region %q: %w", svc.name, region, err)
	}
	host := ep.URI.Hostname()
	if rest, ok := strings.CutPrefix(host, "sts."); ok && strings.HasPrefix(rest, region+".") {
		return "https://" + svc.host + "." + rest, nil
	}
	if rest, ok := strings.CutPrefix(host, "sts-fips."); ok && strings.HasPrefix(rest, region+".") {
		return "https://" + svc.fipsHost + "." + rest, nil
	}
	return "", fmt.Errorf("no IAM Identity Center %s endpoint for region %q (STS's rules give the host %s, which is not sts.%s.SUFFIX): set the %s's endpoint URL", svc.name, region, host, region, svc.name)
}

// ssoCustomEndpoint checks a configured URL of svc: https unless loopback, a host, no user
// information, query or fragment. It returns the URL without a trailing slash.
func ssoCustomEndpoint(raw string, svc ssoService) (string, error) {
	what := "endpoint URL"
	if svc != ssoPortal {
		what = svc.name + " " + what
	}
	bad := func(reason string) (string, error) {
		return "", fmt.Errorf("%s %q %s", what, redact.Clip(redact.URLUserinfo(raw), 200), reason)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return bad("is not a URL")
	case u.User != nil:
		return bad("must not contain user information (user:password@)")
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("must start with https:// (or http:// for a loopback host)")
	case u.Hostname() == "" || !printableHost(u.Hostname()):
		return bad("has no valid host")
	case u.RawQuery != "" || u.ForceQuery || strings.Contains(raw, "#"):
		return bad("must not contain a query or a fragment")
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		return bad("must use https unless its host is loopback (127.0.0.0/8, ::1, localhost): the request carries " + svc.carries)
	}
	return strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// describe names what the provider gets, for errors.
func (p *ssoState) describe() string {
	o := p.opts
	s := fmt.Sprintf("IAM Identity Center (SSO) role %s in account %s", cmp.Or(redact.Clip(o.RoleName, 100), "(none)"), cmp.Or(redact.Clip(o.AccountID, 40), "(none)"))
	switch {
	case o.SessionName != "":
		s += " (sso-session " + redact.Clip(o.SessionName, 100) + ")"
	case o.StartURL != "":
		s += " (start URL " + redact.Clip(redact.URLUserinfo(o.StartURL), 200) + ")"
	}
	return s
}

// String names the role, the account and the start URL (without user information) or the
// sso-session; the access token is never held, let alone shown.
func (p *ssoState) String() string {
	o := p.opts
	s := "credentials.SSO{"
	if o.StartURL != "" {
		s += "StartURL: " + redact.Clip(redact.URLUserinfo(o.StartURL), 200) + ", "
	}
	if o.SessionName != "" {
		s += "SessionName: " + redact.Clip(o.SessionName, 100) + ", "
	}
	return s + "AccountID: " + redact.Clip(o.AccountID, 40) + ", RoleName: " + redact.Clip(o.RoleName, 100) + "}"
}

// Format prints String for every verb, as the provider does.
func (p *ssoState) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }

// login is the advice that ends every error a new sign-in fixes.
func (p *ssoState) login() string {
	o := p.opts
	var cmd string
	switch {
	case o.Profile != "":
		cmd = `run "aws sso login --profile ` + shellQuote(o.Profile) + `"`
	case o.SessionName != "":
		cmd = `run "aws sso login --sso-session ` + shellQuote(o.SessionName) + `"`
	default:
		cmd = `run "aws sso login --profile NAME" for a profile whose sso_start_url is ` + redact.Clip(redact.URLUserinfo(o.StartURL), 200)
	}
	return "sign in again: " + cmd + " (AWS CLI v2; the AWS CLI v1 has no sso login command), then retry"
}

// shellQuote quotes s for a POSIX shell when it holds anything but letters, digits and ._-/@:+=,
func shellQuote(s string) string {
	s = redact.Clip(s, 100)
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/@:+=,", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Retrieve reads the cached access token and calls GetRoleCredentials.
func (p *ssoState) Retrieve(ctx context.Context) (Credentials, error) {
	if err := ctx.Err(); err != nil {
		return Credentials{}, err
	}
	tok, err := p.token(ctx)
	if err != nil {
		return Credentials{}, p.fail(err)
	}
	q := url.Values{"account_id": {p.opts.AccountID}, "role_name": {p.opts.RoleName}}
	u := p.endpoint + "/federation/credentials?" + q.Encode()
	body, err := p.get.fetch(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err == nil {
			req.Header.Set("x-amz-sso_bearer_token", tok)
			req.Header.Set("Accept", "application/json")
		}
		return req, err
	}, tok)
	if err != nil {
		return Credentials{}, p.fail(p.portalError(err))
	}
	c, err := decodeSSORoleCredentials(body)
	if err != nil {
		return Credentials{}, p.fail(err)
	}
	c.AccountID = p.opts.AccountID
	return c, nil
}

func (p *ssoState) fail(err error) error {
	return &ssoError{desc: p.describe(), err: err}
}

// portalError adds what to do to the portal's refusals, which retrying cannot fix.
func (p *ssoState) portalError(err error) error {
	var fe *fetchError
	if !errors.As(err, &fe) {
		return err
	}
	switch fe.httpStatus() {
	case http.StatusUnauthorized:
		return MarkNonRecoverable(&hintError{err, "the portal refused the access token (UnauthorizedException: it has expired or been revoked); " + p.login()})
	case http.StatusForbidden, http.StatusNotFound:
		return MarkNonRecoverable(&hintError{err, fmt.Sprintf("your IAM Identity Center user has no access to role %s in account %s: check sso_account_id and sso_role_name (\"aws sso list-account-roles\" lists the roles you may use)", redact.Clip(p.opts.RoleName, 100), redact.Clip(p.opts.AccountID, 40))})
	case http.StatusBadRequest:
		return MarkNonRecoverable(err)
	}
	return err
}

// token returns the access token to call the portal with: the cached one, refreshed first when
// it is an sso-session's and within the refresh window (see ssoRefresher).
func (p *ssoState) token(ctx context.Context) (string, error) {
	t, err := p.readToken(ctx)
	if err != nil {
		return "", err
	}
	now := p.opts.Now()
	if p.opts.SessionName != "" && t.expiresAt.Sub(now) < ssoRefreshWindow {
		return p.refresher.token(ctx, p, t, now)
	}
	if !now.Before(t.expiresAt) {
		return "", p.expired(t)
	}
	return t.accessToken, nil
}

// expired is the error of an access token t that has expired and was not refreshed.
func (p *ssoState) expired(t ssoToken) error {
	return MarkNonRecoverable(fmt.Errorf("%s; %s", p.expiredText(t), p.login()))
}

func (p *ssoState) expiredText(t ssoToken) string {
	return fmt.Sprintf("the access token in %s expired at %s", p.cacheFile, t.expiresAt.UTC().Format(time.RFC3339))
}

// readToken reads and decodes the token cache file.
func (p *ssoState) readToken(ctx context.Context) (ssoToken, error) {
	path := p.cacheFile
	b, err := ssoTokenFiles.Read(ctx, path)
	var notRegular *readfile.NotRegularError
	switch {
	case errors.As(err, &notRegular):
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("the access token cache %w; %s", err, p.login()))
	case errors.Is(err, fs.ErrNotExist):
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("no access token is cached (%s does not exist): you have not signed in, or signed in for another start URL or session; %s", path, p.login()))
	case err != nil:
		return ssoToken{}, fmt.Errorf("cannot read the access token cache %s: %w", path, readfile.WithoutPath(err))
	case len(b) > maxSSOTokenFile:
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("the access token cache %s is larger than %d KiB: it is not a file the AWS CLI wrote; %s", path, maxSSOTokenFile>>10, p.login()))
	}
	t, err := decodeSSOToken(b)
	if err != nil {
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("the access token cache %s %v; %s", path, err, p.login()))
	}
	return t, nil
}

// ssoToken is what the provider uses of a token cache file. The last five fields, optional, are
// what a refresh needs (see ssoRefresher). It holds secrets: it never goes in an error, and
// prints as a placeholder.
type ssoToken struct {
	accessToken string
	expiresAt   time.Time

	startURL, refreshToken, clientID, clientSecret, registrationExpiresAt string
}

func (ssoToken) String() string   { return "ssoToken{[redacted]}" }
func (ssoToken) GoString() string { return "ssoToken{[redacted]}" }

// decodeSSOToken parses a token cache file as the AWS CLI writes it:
//
//	{"startUrl": …, "region": …, "accessToken": …, "expiresAt": "2026-01-02T03:04:05Z",
//	 "clientId": …, "clientSecret": …, "registrationExpiresAt": …, "refreshToken": …}
//
// Its errors complete "the access token cache FILE …" and never quote the file.
func decodeSSOToken(b []byte) (ssoToken, error) {
	var doc struct {
		AccessToken           *string `json:"accessToken"`
		ExpiresAt             *string `json:"expiresAt"`
		StartURL              string  `json:"startUrl"`
		RefreshToken          string  `json:"refreshToken"`
		ClientID              string  `json:"clientId"`
		ClientSecret          string  `json:"clientSecret"`
		RegistrationExpiresAt string  `json:"registrationExpiresAt"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		return ssoToken{}, fmt.Errorf("is not a token cache document (%s)", jsonErrorKind(err))
	}
	if dec.More() {
		return ssoToken{}, errors.New("holds more than one JSON document")
	}
	var missing []string
	if doc.AccessToken == nil || *doc.AccessToken == "" {
		missing = append(missing, "accessToken")
	}
	if doc.ExpiresAt == nil || *doc.ExpiresAt == "" {
		missing = append(missing, "expiresAt")
	}
	if len(missing) > 0 {
		return ssoToken{}, fmt.Errorf("has no %s", strings.Join(missing, " or "))
	}
	tok := *doc.AccessToken
	if !headerSafe(tok) {
		return ssoToken{}, errors.New("holds an accessToken with a character an HTTP header cannot carry (white space, a control character or non-ASCII)")
	}
	exp, ok := parseSSOTime(*doc.ExpiresAt)
	if !ok {
		return ssoToken{}, fmt.Errorf("has an expiresAt that is not a time with a zone, such as 2026-01-02T03:04:05Z: %q", printable(*doc.ExpiresAt, 40))
	}
	return ssoToken{accessToken: tok, expiresAt: exp, startURL: doc.StartURL, refreshToken: doc.RefreshToken,
		clientID: doc.ClientID, clientSecret: doc.ClientSecret, registrationExpiresAt: doc.RegistrationExpiresAt}, nil
}

// headerSafe reports whether an HTTP header can carry tok as it is: printable ASCII, no space.
func headerSafe(tok string) bool {
	return !strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f || r > '~' })
}

// ssoTimeLayouts are the forms of expiresAt tools write: RFC 3339 (the AWS CLI v2 and botocore),
// and "UTC" for the zone (early AWS CLI v2 releases), with 'T' or a space before the time.
var ssoTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999UTC", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700"}

func parseSSOTime(s string) (time.Time, bool) {
	for _, layout := range ssoTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// decodeSSORoleCredentials parses GetRoleCredentials' answer:
//
//	{"roleCredentials": {"accessKeyId": …, "secretAccessKey": …, "sessionToken": …, "expiration": <epoch ms>}}
//
// Its errors never quote the answer.
func decodeSSORoleCredentials(body []byte) (Credentials, error) {
	const what = "the IAM Identity Center portal"
	var doc struct {
		RoleCredentials *struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SessionToken    string `json:"sessionToken"`
			Expiration      *int64 `json:"expiration"`
		} `json:"roleCredentials"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered with something that is not a GetRoleCredentials document (%s)", what, jsonErrorKind(err)))
	}
	if dec.More() {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered with more than one JSON document", what))
	}
	rc := doc.RoleCredentials
	if rc == nil {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered without roleCredentials", what))
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"accessKeyId", rc.AccessKeyID}, {"secretAccessKey", rc.SecretAccessKey}, {"sessionToken", rc.SessionToken}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if rc.Expiration == nil {
		missing = append(missing, "expiration")
	}
	if len(missing) > 0 {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered without %s", what, strings.Join(missing, ", ")))
	}
	if ms := *rc.Expiration; ms <= 0 || ms > 1e14 {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered with an expiration that is not a time in milliseconds since 1970: %d", what, ms))
	}
	return Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.SessionToken,
		Expires: time.UnixMilli(*rc.Expiration).UTC(), Source: sourceSSO}, nil
}

// ssoError is a failure of the SSO provider: what it was getting, and why.
type ssoError struct {
	desc string
	err  error
}

func (e *ssoError) Error() string { return errPrefix + e.text() }
func (e *ssoError) text() string  { return e.desc + ": " + causeText(e.err) }
func (e *ssoError) Unwrap() error { return e.err }

// hintError is err followed by what to do about it.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return errPrefix + e.text() }
func (e *hintError) text() string  { return causeText(e.err) + ": " + e.hint }
func (e *hintError) Unwrap() error { return e.err }
