package credentials

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/irsa-go/irsa/internal/atomicfile"
	"github.com/irsa-go/irsa/internal/readfile"
)

// botocore 1.43's timings (botocore/tokens.py).
const (
	// ssoRefreshWindow is SSOTokenProvider._REFRESH_WINDOW: an access token with less left is
	// refreshed.
	ssoRefreshWindow = 15 * time.Minute
	// ssoRefreshInterval is DeferredRefreshableToken._attempt_timeout: at most one refresh attempt
	// a minute, whatever its outcome.
	ssoRefreshInterval = time.Minute
	// ssoMaxExpiresIn bounds the lifetime CreateToken may give (a year; real tokens last hours).
	ssoMaxExpiresIn = 366 * 24 * 3600
)

// ssoRefresher refreshes an sso-session's access token as botocore's SSOTokenProvider does.
// When the cached token is within ssoRefreshWindow of its expiry (or past it) and the cache file
// holds refreshToken, clientId, clientSecret and a registrationExpiresAt still ahead, it calls the
// OIDC service's CreateToken (grant type refresh_token) and rewrites the cache file with botocore's
// keys, atomically and with mode 0600, so that the AWS CLI and other processes use the new token.
//
// When a refresh cannot be made or fails, a token that has not expired yet is used as it is (the
// next attempt comes at least ssoRefreshInterval later); an expired one is an error that says why
// the refresh failed and how to sign in again. Deliberate differences from botocore, which falls
// back to the token only for a service's error answer (a ClientError): we fall back for any
// failure (a network error, an answer that is not a token, a cache file that cannot be written),
// since the token is still good; and the one-minute pause between attempts holds across
// Retrieves, where botocore's holds within one fetch of role credentials.
type ssoRefresher struct {
	endpoint string // the OIDC service's URL, without the path
	get      *httpGetter
	sem      chan struct{}                       // held by the refresh in progress
	rename   func(oldpath, newpath string) error // os.Rename; tests replace it
	// Guarded by sem:
	next    time.Time // no attempt before
	lastErr error     // the last attempt's failure, for an expired token until next
}

func (r *ssoRefresher) init(p *ssoState) error {
	o := &p.opts
	var err error
	if r.endpoint, err = ssoEndpoint(o.OIDCEndpoint, ssoOIDC, o); err != nil {
		return err
	}
	r.get = newHTTPGetter("the IAM Identity Center OIDC service at "+r.endpoint, o.HTTPClient, cmp.Or(o.MaxAttempts, 3), cmp.Or(o.AttemptTimeout, 10*time.Second))
	r.sem = make(chan struct{}, 1)
	r.rename = os.Rename
	return nil
}

// token returns the access token to use when t, read at now, is due for a refresh. One refresh
// runs at a time: a caller whose token is still good does not wait for another's, as in
// botocore's advisory window; a caller whose token has expired waits, bounded by ctx.
func (r *ssoRefresher) token(ctx context.Context, p *ssoState, t ssoToken, now time.Time) (string, error) {
	if now.Before(t.expiresAt) {
		select {
		case r.sem <- struct{}{}:
		default:
			return t.accessToken, nil
		}
	} else {
		select {
		case r.sem <- struct{}{}:
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for the refresh of the access token in %s: %w", p.cacheFile, ctx.Err())
		}
	}
	defer func() { <-r.sem }()
	// Another Retrieve, or the AWS CLI, may have refreshed the token meanwhile.
	t, err := p.readToken(ctx)
	if err != nil {
		return "", err
	}
	now = p.opts.Now()
	valid := now.Before(t.expiresAt)
	switch {
	case t.expiresAt.Sub(now) >= ssoRefreshWindow:
		return t.accessToken, nil
	case now.Before(r.next) && valid:
		return t.accessToken, nil
	case now.Before(r.next):
		return "", cmp.Or(r.lastErr, p.expired(t))
	}
	if why := t.refreshable(now); why != nil {
		switch {
		case valid:
			return t.accessToken, nil
		case why == errNoRefreshToken:
			return "", p.expired(t)
		}
		return "", &ssoRefreshError{what: p.expiredText(t) + ", and it cannot be refreshed", err: why, hint: p.login()}
	}
	r.next, r.lastErr = now.Add(ssoRefreshInterval), nil
	nt, err := r.createToken(ctx, p, t, now)
	if err == nil {
		err = p.save(nt)
	}
	if err == nil {
		return nt.accessToken, nil
	}
	failure := &ssoRefreshError{what: p.expiredText(t) + ", and refreshing it failed", err: err, hint: p.login()}
	if ctx.Err() != nil {
		r.next = time.Time{} // the caller gave up: not an attempt that counts
	} else {
		r.lastErr = failure
	}
	if valid {
		return t.accessToken, nil
	}
	return "", failure
}

// errNoRefreshToken is a cache file without what a refresh needs, as "aws sso login" writes it
// for the legacy form and older AWS CLI releases wrote it: the plain "expired" error applies.
var errNoRefreshToken = errors.New("no refresh token")

// refreshable returns why t cannot be refreshed at now, or nil: botocore's checks.
func (t ssoToken) refreshable(now time.Time) error {
	if t.refreshToken == "" || t.clientID == "" || t.clientSecret == "" || t.registrationExpiresAt == "" {
		return errNoRefreshToken
	}
	exp, ok := parseSSOTime(t.registrationExpiresAt)
	switch {
	case !ok:
		return MarkNonRecoverable(fmt.Errorf("the cache file's registrationExpiresAt is not a time with a zone, such as 2026-01-02T03:04:05Z: %q", printable(t.registrationExpiresAt, 40)))
	case !now.Before(exp):
		return MarkNonRecoverable(fmt.Errorf("the client registration \"aws sso login\" made expired at %s", exp.UTC().Format(time.RFC3339)))
	}
	return nil
}

// createToken calls CreateToken with t's refresh token and returns the new token, with the
// registration of t and the start URL of the session.
func (r *ssoRefresher) createToken(ctx context.Context, p *ssoState, t ssoToken, now time.Time) (ssoToken, error) {
	body, err := json.Marshal(map[string]string{"grantType": "refresh_token", "clientId": t.clientID, "clientSecret": t.clientSecret, "refreshToken": t.refreshToken})
	if err != nil {
		return ssoToken{}, err
	}
	u := r.endpoint + "/token"
	answer, err := r.get.fetch(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
		}
		return req, err
	}, t.refreshToken, t.clientSecret, t.accessToken, t.clientID)
	var fe *fetchError
	if errors.As(err, &fe) && fe.httpStatus() >= 400 && fe.httpStatus() < 500 && fe.httpStatus() != http.StatusTooManyRequests {
		return ssoToken{}, MarkNonRecoverable(&hintError{err, "the OIDC service refused the refresh token or the client registration (expired or revoked)"})
	}
	if err != nil {
		return ssoToken{}, err
	}
	nt, err := decodeCreateToken(answer, now)
	if err != nil {
		return ssoToken{}, err
	}
	nt.startURL = cmp.Or(p.opts.StartURL, t.startURL)
	nt.clientID, nt.clientSecret, nt.registrationExpiresAt = t.clientID, t.clientSecret, t.registrationExpiresAt
	return nt, nil
}

// decodeCreateToken parses CreateToken's answer, received at now:
//
//	{"accessToken": …, "tokenType": "Bearer", "expiresIn": <seconds>, "refreshToken": …, "idToken": …}
//
// refreshToken is optional (botocore then writes none). Its errors never quote the answer.
func decodeCreateToken(body []byte, now time.Time) (ssoToken, error) {
	const what = "the IAM Identity Center OIDC service"
	var doc struct {
		AccessToken  string `json:"accessToken"`
		ExpiresIn    *int64 `json:"expiresIn"`
		RefreshToken string `json:"refreshToken"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("%s answered with something that is not a CreateToken document (%s)", what, jsonErrorKind(err)))
	}
	if dec.More() {
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("%s answered with more than one JSON document", what))
	}
	var missing []string
	if doc.AccessToken == "" {
		missing = append(missing, "accessToken")
	}
	if doc.ExpiresIn == nil {
		missing = append(missing, "expiresIn")
	}
	switch {
	case len(missing) > 0:
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("%s answered without %s", what, strings.Join(missing, ", ")))
	case *doc.ExpiresIn < 1 || *doc.ExpiresIn > ssoMaxExpiresIn:
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("%s answered with an expiresIn that is not a number of seconds from 1 to %d: %d", what, ssoMaxExpiresIn, *doc.ExpiresIn))
	case !headerSafe(doc.AccessToken) || len(doc.AccessToken) > maxSSOTokenFile/4:
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("%s answered with an accessToken that an HTTP header cannot carry (white space, a control character, non-ASCII, or over %d KiB)", what, maxSSOTokenFile>>12))
	case len(doc.RefreshToken) > maxSSOTokenFile/4:
		return ssoToken{}, MarkNonRecoverable(fmt.Errorf("%s answered with a refreshToken over %d KiB", what, maxSSOTokenFile>>12))
	}
	return ssoToken{accessToken: doc.AccessToken, refreshToken: doc.RefreshToken,
		expiresAt: now.Add(time.Duration(*doc.ExpiresIn) * time.Second)}, nil
}

// save replaces the cache file with t as botocore writes it (JSONFileCache: a temporary file in
// the same directory, mode 0600, synced, then renamed over the file).
func (p *ssoState) save(t ssoToken) error {
	if err := atomicfile.Write(p.cacheFile, "tmp*.tmp", ssoTokenDocument(t, p.opts.Region), p.refresher.rename); err != nil {
		return fmt.Errorf("cannot write the refreshed access token to %s: %w", p.cacheFile, readfile.WithoutPath(err))
	}
	return nil
}

// ssoTokenDocument is the cache file botocore's SSOTokenProvider writes after a refresh, byte for
// byte: its keys in its order, Python's json.dumps separators and escapes, expiresAt in whole
// seconds. refreshToken is left out when CreateToken gave none.
func ssoTokenDocument(t ssoToken, region string) []byte {
	fields := [][2]string{{"startUrl", t.startURL}, {"region", region}, {"accessToken", t.accessToken},
		{"expiresAt", t.expiresAt.UTC().Format("2006-01-02T15:04:05Z")}, {"clientId", t.clientID},
		{"clientSecret", t.clientSecret}, {"registrationExpiresAt", t.registrationExpiresAt}}
	if t.refreshToken != "" {
		fields = append(fields, [2]string{"refreshToken", t.refreshToken})
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		pyJSONString(&b, f[0])
		b.WriteString(": ")
		pyJSONString(&b, f[1])
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// pyJSONString writes s as Python's json.dumps does (ensure_ascii): printable ASCII as it is,
// short escapes for \" \\ \n \r \t \b \f, \uXXXX (UTF-16, lower-case hex) for everything else.
func pyJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r >= ' ' && r <= '~' {
				b.WriteRune(r)
				continue
			}
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(b, `\u%04x`, u)
			}
		}
	}
	b.WriteByte('"')
}

// ssoRefreshError is an expired access token that could not be refreshed: why, and what to do.
type ssoRefreshError struct {
	what string // "the access token in FILE expired at T, and refreshing it failed"
	err  error
	hint string
}

func (e *ssoRefreshError) Error() string { return errPrefix + e.text() }
func (e *ssoRefreshError) text() string  { return e.what + ": " + causeText(e.err) + "; " + e.hint }
func (e *ssoRefreshError) Unwrap() error { return e.err }
