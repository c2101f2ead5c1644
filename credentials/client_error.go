package credentials

import (
	"errors"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/irsa-go/irsa/internal/redact"
)

// OperationError is the error every Client call returns. It names the operation, the endpoint
// and how many attempts were made, and wraps the cause: an *stsxml.Error for an STS error
// document (which errors.As also matches as the SDK's types.*Exception, such as
// *types.InvalidIdentityTokenException), an *stsxml.FormatError for a body that is not an STS
// document, a network error, a context error, or smithy.InvalidParamsError for missing input.
// IsNonRecoverable sees through it. errors.As also matches it as a *smithy.OperationError, the
// type an *sts.Client returns.
//
// Its text never contains the web identity token, a secret access key or a session token, even
// when a server echoes them.
type OperationError struct {
	// Operation is the STS action, such as "AssumeRoleWithWebIdentity".
	Operation string
	// Endpoint is the URL the requests went to, as Endpoint.URL holds it: a host given in
	// Unicode is shown in Unicode, not percent-encoded.
	Endpoint string
	// Attempts is the number of requests sent (0 when the input was refused before sending).
	Attempts int
	// Err is the cause: the last attempt's error.
	Err error
}

// Error returns "credentials: STS <operation> at <endpoint> (<n> attempts): <cause>".
func (e *OperationError) Error() string { return errPrefix + e.text() }

// text is Error without errPrefix (see causeText).
func (e *OperationError) text() string {
	s := "STS " + e.Operation + " at " + e.Endpoint
	switch {
	case e.Attempts == 1:
		s += " (1 attempt)"
	case e.Attempts > 1:
		s += " (" + strconv.Itoa(e.Attempts) + " attempts)"
	}
	if e.Err != nil {
		s += ": " + causeText(e.Err)
	}
	return s
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// errPrefix begins the text of every error this package makes.
const errPrefix = "credentials: "

// causeText is err's text as an error of this package repeats it after its own: without
// errPrefix when err is one of this package's error types (their text method).
func causeText(err error) string {
	if e, ok := err.(interface{ text() string }); ok {
		return e.text()
	}
	return err.Error()
}

// withCause ends a provider error's text s: ": " and detail (built with the error: the cause's
// text with hints added and secrets removed) or else the cause's own text.
func withCause(s, detail string, err error) string {
	if detail == "" && err != nil {
		detail = causeText(err)
	}
	return s + ": " + detail
}

// networkError is a request that got no response. Its text is the reason only: net/http's
// *url.Error, which it wraps, also repeats the method and URL, which OperationError names.
type networkError struct{ err *url.Error }

func (e *networkError) Error() string { return e.err.Err.Error() }
func (e *networkError) Unwrap() error { return e.err }

// redirectError is a 3xx response, not followed: the request carries a token or signature meant
// for the configured endpoint. Its text names only the scheme and host of the Location.
type redirectError struct {
	status    int
	to        string // "scheme://host" of the Location (see redirectTarget), or ""
	malformed bool   // the Location header does not parse as a URL
}

func (e *redirectError) Error() string {
	s := "STS HTTP " + strconv.Itoa(e.status) + " redirect"
	if e.to != "" {
		s += " to " + e.to
	}
	if e.malformed {
		s += " (its Location header is not a valid URL)"
	}
	return s + " not followed: the request carries a token meant for the configured endpoint; " +
		"configure the endpoint the redirect points to, if it is trusted"
}

// NonRecoverable reports true: the server will redirect the next request too.
func (e *redirectError) NonRecoverable() bool { return true }

// scrubSecrets removes secrets from the host: a hostile endpoint can echo the token it was sent
// as the host of a Location.
func (e *redirectError) scrubSecrets(secrets []string) { e.to = redact.Secrets(e.to, secrets...) }

// redirectTarget returns "scheme://host" of a Location header for an error's text ("" when it
// has no http or https host to show) and whether loc is a valid URL. Only the part before the
// path, query or fragment is parsed for the host, so that whatever follows is never shown. The
// host is shown in Unicode (as Endpoint.URL shows one) only if it is a plausible host name:
// printable, at most 253 bytes in labels of at most 63 (as DNS allows), and not a JWT.
func redirectTarget(loc string) (to string, valid bool) {
	_, err := url.Parse(loc)
	valid = err == nil
	scheme, rest, ok := strings.Cut(loc, "://")
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	u, err := url.Parse(scheme + "://" + rest)
	if !ok || err != nil || u.Scheme != "https" && u.Scheme != "http" {
		return "", valid
	}
	host := u.Hostname()
	if !printableHost(host) || len(host) > 253 || redact.ContainsJWT(host) ||
		slices.ContainsFunc(strings.Split(host, "."), func(l string) bool { return len(l) > 63 }) {
		return "", valid
	}
	return u.Scheme + "://" + u.Host, valid
}

// errMalformedHeader replaces net/http's textproto.ProtocolError, whose text quotes the whole
// header line (a server can put a token in it); not retried: the server would send it again.
var errMalformedHeader = MarkNonRecoverable(errors.New(
	"STS response not valid HTTP: net/http refused a malformed header line, not shown here because a server can put anything in it"))

// As lets errors.As fill a *smithy.OperationError, the wrapper *sts.Client uses, with service
// "STS", the operation name and the same cause.
func (e *OperationError) As(target any) bool {
	if t, ok := target.(**smithy.OperationError); ok {
		*t = &smithy.OperationError{ServiceID: "STS", OperationName: e.Operation, Err: e.Err}
		return true
	}
	return false
}

var errNoSigningCredentials = MarkNonRecoverable(errors.New(
	"no credentials to sign the request: pass an option that sets sts.Options.Credentials, such as " +
		"func(o *sts.Options) { o.Credentials = credentials.ForSDK(source) }"))

// scrubCause removes secrets, in place, from the text a server put into the errors of err's
// chain, whichever STS client made them (a server may echo a request's values, as AWS's
// validation errors do), so that nothing errors.As reaches holds a secret. Fields are found by
// name (see scrubFields) because the SDK has one exception type per error code.
func scrubCause(err error, secrets []string) {
	scrubFields(err, secrets)
	if s, ok := err.(interface{ scrubSecrets([]string) }); ok {
		s.scrubSecrets(secrets)
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		scrubCause(u.Unwrap(), secrets)
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			scrubCause(inner, secrets)
		}
	}
}

// scrubFields cleans the string or *string fields of *e that hold a server's text.
func scrubFields(e error, secrets []string) {
	v := reflect.ValueOf(e)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	for _, name := range []string{"Message", "Code", "Type", "RequestID", "Excerpt", "Reason"} {
		f := v.Elem().FieldByName(name)
		switch {
		case !f.IsValid() || !f.CanSet():
		case f.Kind() == reflect.String:
			f.SetString(redact.Secrets(f.String(), secrets...))
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String && !f.IsNil():
			p := reflect.New(f.Type().Elem())
			p.Elem().SetString(redact.Secrets(f.Elem().String(), secrets...))
			f.Set(p)
		}
	}
}
