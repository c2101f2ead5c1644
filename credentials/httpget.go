package credentials

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/wait"
)

// httpGetter is the one home of the HTTP plumbing shared by the sources that answer JSON over
// HTTP (the container credentials endpoint, instance metadata, the IAM Identity Center portal):
// bounded attempts with full-jitter backoff, a timeout per attempt, a cap on the body read, no
// redirects followed, and errors that never quote a secret. The STS Client shares its retry rules
// (retryable) and its backoff (fullJitter).
type httpGetter struct {
	// what names the service in errors, such as "the container credentials endpoint".
	what   string
	client *http.Client // stops at redirects (noRedirects)
	// maxAttempts bounds the requests of one fetch, the first included.
	maxAttempts    int
	attemptTimeout time.Duration
	backoffBase    time.Duration
	backoffMax     time.Duration
	limit          int64 // the largest body read; a longer one is an error
	rand           func() float64
	sleep          func(ctx context.Context, d time.Duration) error
}

// newHTTPGetter returns an httpGetter for what over hc (nil: a client with its own copy of
// http.DefaultTransport), with the given defaults for attempts and the attempt timeout when the
// options leave them zero, a 1 s backoff base, a 64 KiB body cap.
func newHTTPGetter(what string, hc *http.Client, maxAttempts int, attemptTimeout time.Duration) *httpGetter {
	return &httpGetter{
		what:           what,
		client:         noRedirects(hc),
		maxAttempts:    max(maxAttempts, 1),
		attemptTimeout: attemptTimeout,
		backoffBase:    time.Second,
		backoffMax:     20 * time.Second,
		limit:          64 << 10,
		rand:           rand.Float64,
		sleep:          wait.Sleep,
	}
}

// fetch sends the request build makes, once per attempt (build gets the attempt's context), and
// returns the body of a 2xx answer. A failed attempt is retried when retryable says another may
// succeed: network errors, timeouts, HTTP 5xx and 429. secrets are hidden from every error text.
func (g *httpGetter) fetch(ctx context.Context, build func(context.Context) (*http.Request, error), secrets ...string) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		body, err := g.attempt(ctx, build)
		switch {
		case err == nil:
			return body, nil
		case ctx.Err() != nil:
			return nil, g.fail(attempt, contextError(ctx, nil, err, secrets), secrets)
		case attempt >= g.maxAttempts || !retryable(err):
			return nil, g.fail(attempt, err, secrets)
		}
		if serr := g.sleep(ctx, fullJitter(attempt, g.backoffBase, g.backoffMax, g.rand())); serr != nil {
			return nil, g.fail(attempt, contextError(ctx, serr, err, secrets), secrets)
		}
	}
}

// fail wraps the last attempt's error in a *fetchError with secrets scrubbed from its cause.
func (g *httpGetter) fail(attempts int, err error, secrets []string) error {
	scrubCause(err, secrets)
	return &fetchError{what: g.what, attempts: attempts, err: err}
}

// attempt makes one request and reads its body.
func (g *httpGetter) attempt(ctx context.Context, build func(context.Context) (*http.Request, error)) ([]byte, error) {
	if g.attemptTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, g.attemptTimeout, errAttemptTimeout)
		defer cancel()
	}
	req, err := build(ctx)
	if err != nil {
		return nil, MarkNonRecoverable(err)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, g.requestError(ctx, err)
	}
	defer discardBody(resp)
	body, err := io.ReadAll(io.LimitReader(resp.Body, g.limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if int64(len(body)) > g.limit {
		return nil, MarkNonRecoverable(fmt.Errorf("the answer is larger than %d bytes", g.limit))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newHTTPStatusError(resp.StatusCode, body)
	}
	return body, nil
}

// requestError is requestError for a service other than STS: a redirect or a malformed header is
// described without naming STS, and the end of the attempt's own timeout says how long it was.
func (g *httpGetter) requestError(ctx context.Context, err error) error {
	err = requestError(err)
	var redirect *redirectError
	switch {
	case errors.As(err, &redirect):
		return &getRedirectError{redirect}
	case err == errMalformedHeader:
		return errMalformedAnswer
	case context.Cause(ctx) == errAttemptTimeout && (errors.Is(err, errAttemptTimeout) || errors.Is(err, context.DeadlineExceeded)):
		return fmt.Errorf("no answer within %s, the timeout of one attempt: %w", g.attemptTimeout, context.DeadlineExceeded)
	}
	return err
}

// errAttemptTimeout is the cause of an attempt's context that its own timeout ended.
var errAttemptTimeout = errors.New("the attempt timed out")

// getRedirectError is a *redirectError from a JSON credentials service. Its text is made when it
// is shown, so that scrubCause, which cleans the redirectError, also cleans this text.
type getRedirectError struct{ r *redirectError }

func (e *getRedirectError) Error() string {
	s := "HTTP " + strconv.Itoa(e.r.status) + " redirect"
	if e.r.to != "" {
		s += " to " + e.r.to
	}
	if e.r.malformed {
		s += " (its Location header is not a valid URL)"
	}
	return s + " not followed: the credentials service answers directly, and the request may carry a token meant for it alone"
}

func (e *getRedirectError) Unwrap() error { return e.r }

// errMalformedAnswer is errMalformedHeader for a JSON credentials service.
var errMalformedAnswer = MarkNonRecoverable(errors.New(
	"the answer is not valid HTTP: net/http refused a malformed header line, not shown here because a server can put anything in it"))

// requestError is the error of an *http.Client's Do, made fit to show: a redirect, a malformed
// header (whose net/http text quotes the header) or the reason a request got no response.
func requestError(err error) error {
	var redirect *redirectError
	switch {
	case errors.As(err, &redirect):
		return redirect
	case errors.As(err, new(textproto.ProtocolError)):
		return errMalformedHeader
	}
	if ue, ok := err.(*url.Error); ok && ue.Err != nil {
		return &networkError{ue}
	}
	return err
}

// fullJitter is the delay before attempt+1 after attempt failed (counting from 1): f (uniformly
// random in [0, 1)) times min(limit, base·2^(attempt-1)), "full jitter".
func fullJitter(attempt int, base, limit time.Duration, f float64) time.Duration {
	bound := limit
	if attempt-1 < 62 {
		if d := base << (attempt - 1); d > 0 && d < bound {
			bound = d
		}
	}
	if f < 0 || f >= 1 {
		f = 0
	}
	return time.Duration(f * float64(bound))
}

// fetchError is a fetch that failed: which service, after how many attempts, and why.
type fetchError struct {
	what     string
	attempts int
	err      error
}

func (e *fetchError) Error() string { return errPrefix + e.text() }

func (e *fetchError) text() string {
	s := e.what
	if e.attempts > 1 {
		s += fmt.Sprintf(" (%d attempts)", e.attempts)
	}
	return s + ": " + causeText(e.err)
}

func (e *fetchError) Unwrap() error { return e.err }

// httpStatus returns the HTTP status of the last answer, or 0 when there was none.
func (e *fetchError) httpStatus() int {
	var se *httpStatusError
	if errors.As(e.err, &se) {
		return se.status
	}
	return 0
}

// httpStatusError is an answer with a status other than 2xx. Its text has the status and the
// server's reason: the code and message of a JSON error document ({"code": …, "message": …}, in
// either case, or OAuth's {"error": …, "error_description": …}), else a clipped excerpt of the body with anything that looks like a key or token
// hidden.
type httpStatusError struct {
	status        int
	code, message string
	excerpt       string
}

// newHTTPStatusError describes an answer of status with body.
func newHTTPStatusError(status int, body []byte) *httpStatusError {
	e := &httpStatusError{status: status}
	var doc struct {
		Code, Message string
		// OAuth's error form (RFC 6749 section 5.2), which IAM Identity Center's OIDC service uses.
		OAuthError       string `json:"error"`
		OAuthDescription string `json:"error_description"`
	}
	if json.Unmarshal(body, &doc) == nil && (doc.Code != "" || doc.Message != "" || doc.OAuthError != "") {
		e.code, e.message = printable(cmp.Or(doc.Code, doc.OAuthError), 100), printable(cmp.Or(doc.Message, doc.OAuthDescription), 300)
		return e
	}
	e.excerpt = printable(string(bytes.TrimSpace(body)), 200)
	return e
}

// printable is s with secrets that look like keys or tokens hidden, control characters replaced
// and the result clipped to n bytes.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return redact.Clip(redact.Tokens(s), n)
}

// scrubSecrets hides secrets the server echoed (see scrubCause).
func (e *httpStatusError) scrubSecrets(secrets []string) {
	e.code = redact.Secrets(e.code, secrets...)
	e.message = redact.Secrets(e.message, secrets...)
	e.excerpt = redact.Secrets(e.excerpt, secrets...)
}

func (e *httpStatusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.status, http.StatusText(e.status))
	s = strings.TrimSpace(s)
	switch {
	case e.code != "" || e.message != "":
		s += ": " + strings.TrimPrefix(cmp.Or(e.code, "")+": "+e.message, ": ")
	case e.excerpt != "":
		s += ": " + e.excerpt
	}
	return s
}

// HTTPStatusCode is the answer's status, as smithy-go's response errors offer it: callers
// outside the package (irsa doctor) match it with errors.As on an interface.
func (e *httpStatusError) HTTPStatusCode() int { return e.status }

// Retryable reports whether another attempt may get a different answer: 5xx and 429.
func (e *httpStatusError) Retryable() bool {
	return e.status >= 500 || e.status == http.StatusTooManyRequests
}

// jsonCredentials is the credentials document of the container endpoint and of instance
// metadata. encoding/json matches names without regard to case, so "Code" is also "code".
type jsonCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	Token           *string // nil when absent or null; "" is a document of long-term keys
	Expiration      string
	AccountID       string `json:"AccountId"`
	Code            string
	Message         string
}

// decodeJSONCredentials parses body, a JSON credentials document from what, into credentials of
// source. The keys are required, and so are the Token field and the expiration when temporary: an
// empty Token is long-term keys, no session token, as botocore (which requires the field) and
// aws-sdk-go-v2 take it, and as irsa serve answers for them. An
// incomplete or malformed document is a non-recoverable error that names the missing fields and
// never quotes the document. An error document ({"code": …, "message": …}) is a recoverable error
// that quotes them, clipped, with secrets (those given, and what looks like one) hidden.
func decodeJSONCredentials(what string, body []byte, source string, temporary bool, secrets ...string) (Credentials, error) {
	var doc jsonCredentials
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered with something that is not a JSON credentials document (%s)", what, jsonErrorKind(err)))
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered with more than one JSON value (something follows the document, after byte %d)", what, end))
	}
	token := ""
	if doc.Token != nil {
		token = *doc.Token
	}
	for _, own := range []string{doc.SecretAccessKey, token} {
		if len(own) >= 8 { // shorter: not a real secret, and hiding it would garble the text
			secrets = append(secrets, own)
		}
	}
	shown := func(s string, n int) string { return printable(redact.Secrets(s, secrets...), n) }
	if doc.Code != "" && !strings.EqualFold(doc.Code, "Success") && doc.AccessKeyID == "" {
		return Credentials{}, fmt.Errorf("%s answered with an error: %s: %s", what, shown(doc.Code, 100), shown(doc.Message, 300))
	}
	var missing []string
	for _, f := range []struct {
		name             string
		absent, required bool
	}{{"AccessKeyId", doc.AccessKeyID == "", true}, {"SecretAccessKey", doc.SecretAccessKey == "", true}, {"Token", doc.Token == nil, temporary}, {"Expiration", doc.Expiration == "", temporary}} {
		if f.absent && f.required {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered without %s", what, strings.Join(missing, ", ")))
	}
	c := Credentials{AccessKeyID: doc.AccessKeyID, SecretAccessKey: doc.SecretAccessKey, SessionToken: token, Source: source, AccountID: doc.AccountID}
	if doc.Expiration != "" {
		t, err := time.Parse(time.RFC3339, doc.Expiration)
		if err != nil {
			return Credentials{}, MarkNonRecoverable(fmt.Errorf("%s answered with an Expiration that is not an RFC 3339 time: %q", what, shown(doc.Expiration, 40)))
		}
		c.Expires = t.UTC()
	}
	return c, nil
}

// jsonErrorKind describes a JSON decoding error without quoting the input (a syntax error's
// text can hold a piece of it).
func jsonErrorKind(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "it is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends early"
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Sprintf("it is a JSON %s, not an object", typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("the field %s holds a JSON %s where a %s belongs", printable(typ.Field, 60), typ.Value, typ.Type)
	}
	return "invalid JSON"
}
