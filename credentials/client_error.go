package credentials

import (
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/irsa-go/irsa/stsxml"
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
	// Endpoint is the URL the requests went to.
	Endpoint string
	// Attempts is the number of requests sent (0 when the input was refused before sending).
	Attempts int
	// Err is the cause: the last attempt's error.
	Err error
}

// Error returns "credentials: STS <operation> at <endpoint> (<n> attempts): <cause>".
func (e *OperationError) Error() string {
	var b strings.Builder
	b.WriteString("credentials: STS ")
	b.WriteString(e.Operation)
	b.WriteString(" at ")
	b.WriteString(e.Endpoint)
	switch e.Attempts {
	case 0:
	case 1:
		b.WriteString(" (1 attempt)")
	default:
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.Attempts))
		b.WriteString(" attempts)")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(networkText(e.Err))
	}
	return b.String()
}

// networkText is err's text without what net/http's *url.Error adds to a network error
// (`Post "https://sts.amazonaws.com/": `): OperationError has named the endpoint already.
func networkText(err error) string {
	text := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		text = strings.Replace(text, ue.Error(), ue.Err.Error(), 1)
	}
	return text
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// errPrefix begins the text of every error this package makes.
const errPrefix = "credentials: "

// causeText is the text of a cause as an error of this package repeats it after its own
// "credentials: ...: ": without a second "credentials: " prefix.
func causeText(s string) string { return strings.TrimPrefix(s, errPrefix) }

// writeCause ends a provider error's text: ": " and its cause, as detail (the cause's text with
// hints added and secrets removed) or else err's text.
func writeCause(b *strings.Builder, detail string, err error) {
	b.WriteString(": ")
	if detail == "" && err != nil {
		detail = err.Error()
	}
	b.WriteString(causeText(detail))
}

// As lets errors.As fill a *smithy.OperationError, the wrapper *sts.Client uses, with service
// "STS", the operation name and the same cause.
func (e *OperationError) As(target any) bool {
	if t, ok := target.(**smithy.OperationError); ok {
		*t = &smithy.OperationError{ServiceID: "STS", OperationName: e.Operation, Err: e.Err}
		return true
	}
	return false
}

// redirectError reports an HTTP redirect, which the Client never follows: the request carries a
// token or a signature meant for the endpoint that was configured.
type redirectError struct {
	status   int
	location string // host of the Location header only
}

func (e *redirectError) Error() string {
	s := "STS HTTP " + strconv.Itoa(e.status) + " redirect"
	if e.location != "" {
		s += " to " + e.location
	}
	return s + " not followed: the request carries a token meant for the configured endpoint; configure the endpoint the redirect points to, if it is trusted"
}

// NonRecoverable reports true: the endpoint is misconfigured, or something between is
// redirecting; either way waiting does not help.
func (e *redirectError) NonRecoverable() bool { return true }

// credentialsError wraps a failure to get the credentials that sign AssumeRole or
// GetCallerIdentity.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string {
	return "retrieving the credentials that sign the request: " + e.err.Error()
}
func (e *credentialsError) Unwrap() error { return e.err }

// errNoSigningCredentials is returned when a signed operation is called without
// sts.Options.Credentials.
var errNoSigningCredentials = MarkNonRecoverable(errors.New(
	"no credentials to sign the request: pass an option that sets sts.Options.Credentials, such as " +
		"func(o *sts.Options) { o.Credentials = credentials.ForSDK(source) }"))

// scrubSecrets removes secrets from the text fields of the STS errors in err's chain, which
// hold what the server sent: a server that echoes the token or a key must not get it into logs.
func scrubSecrets(err error, secrets ...string) {
	var se *stsxml.Error
	if errors.As(err, &se) {
		se.Message = scrubText(se.Message, secrets)
		se.Code = scrubText(se.Code, secrets)
		se.Type = scrubText(se.Type, secrets)
		se.RequestID = scrubText(se.RequestID, secrets)
	}
	var fe *stsxml.FormatError
	if errors.As(err, &fe) {
		fe.Excerpt = scrubText(fe.Excerpt, secrets)
		fe.Reason = scrubText(fe.Reason, secrets)
	}
}

// scrubProbe is how much of a secret's start or end must appear for the text around it to be
// removed: a cut-off excerpt may hold only part of a secret.
const scrubProbe = 12

// scrubText replaces in s every occurrence of a secret, and every run that starts with a secret's
// first scrubProbe bytes or ends with its last scrubProbe bytes, with "[redacted]".
func scrubText(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) < scrubProbe || s == "" {
			if secret != "" {
				s = strings.ReplaceAll(s, secret, redacted)
			}
			continue
		}
		s = strings.ReplaceAll(s, secret, redacted)
		head := secret[:scrubProbe]
		for from := 0; ; {
			i := strings.Index(s[from:], head)
			if i < 0 {
				break
			}
			i += from
			n := commonPrefix(s[i:], secret)
			s = s[:i] + redacted + s[i+n:]
			from = i + len(redacted)
		}
		tail := secret[len(secret)-scrubProbe:]
		for from := 0; ; {
			i := strings.Index(s[from:], tail)
			if i < 0 {
				break
			}
			end := from + i + scrubProbe
			n := commonSuffix(s[from:end], secret)
			s = s[:end-n] + redacted + s[end:]
			from = end - n + len(redacted)
		}
	}
	return s
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// scrubCause removes secrets, in place, from the messages of the errors in err's chain, whichever
// STS client made them: the stsxml errors of the light client (scrubSecrets), and any error that
// is a pointer to a struct with a Message field of type string or *string, as
// smithy.GenericAPIError and aws-sdk-go-v2's types.*Exception are. A server may echo a request's
// values in its message (AWS's validation errors do); the providers call this before they wrap
// an error, so that neither their text nor anything reachable with errors.As holds a secret.
func scrubCause(err error, secrets []string) {
	scrubSecrets(err, secrets...)
	budget := 64 // error chains are short; this bounds a pathological one
	var walk func(error)
	walk = func(e error) {
		for e != nil && budget > 0 {
			budget--
			scrubMessageField(e, secrets)
			switch u := e.(type) {
			case interface{ Unwrap() []error }:
				for _, inner := range u.Unwrap() {
					walk(inner)
				}
				return
			case interface{ Unwrap() error }:
				e = u.Unwrap()
			default:
				return
			}
		}
	}
	walk(err)
}

func scrubMessageField(e error, secrets []string) {
	v := reflect.ValueOf(e)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	f := v.Elem().FieldByName("Message")
	if !f.IsValid() || !f.CanSet() {
		return
	}
	switch {
	case f.Kind() == reflect.String:
		f.SetString(scrub(scrubText(f.String(), secrets), secrets))
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String && !f.IsNil():
		s := scrub(scrubText(f.Elem().String(), secrets), secrets)
		p := reflect.New(f.Type().Elem())
		p.Elem().SetString(s)
		f.Set(p)
	}
}
