package stsxml

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/irsa-go/irsa/internal/redact"
)

// FormatError reports a response body that is not the document expected (the package doc says
// when). None of its fields ever holds a secret from the body, so it is safe to log in full,
// including with %+v and %#v.
type FormatError struct {
	// StatusCode is the HTTP status the body came with.
	StatusCode int
	// Document is the root element expected: "AssumeRoleWithWebIdentityResponse",
	// "AssumeRoleResponse", "GetCallerIdentityResponse", or "ErrorResponse" for a non-2xx status.
	Document string
	// Reason says what is wrong, in fixed text, element names and, for Expiration and
	// PackedPolicySize, short values made only of date and number characters.
	Reason string
	// Excerpt shows how the body begins, at most about 100 bytes and "…" when it leaves the rest
	// out: markup without attributes, nothing from the first element whose name suggests a
	// secret on (SecretAccessKey, SessionToken, anything with "secret", "token", "key",
	// "password", "credential" or "signature" in it), no run of characters shaped like a token
	// or key, and '?' for anything unprintable.
	Excerpt string

	truncated bool // the body ended inside the document
}

// Error names the status, the document, the reason and the excerpt.
func (e *FormatError) Error() string {
	s := "STS HTTP " + strconv.Itoa(e.StatusCode) + " response is not a valid " + e.Document + ": " + e.Reason
	if e.Excerpt != "" {
		s += "; body begins " + strconv.Quote(e.Excerpt)
	}
	return s
}

// Retryable reports whether the same request may succeed if sent again: a body that came with
// HTTP 429 or 5xx (typically a proxy's or load balancer's page), or a truncated body (a
// connection cut short).
func (e *FormatError) Retryable() bool {
	return e.StatusCode == 429 || e.StatusCode >= 500 && e.StatusCode < 600 || e.truncated
}

func newFormatError(status int, doc, reason string, body []byte) *FormatError {
	return &FormatError{StatusCode: status, Document: doc, Reason: reason, Excerpt: excerpt(body)}
}

// excerptWindow is how much of the body an excerpt is made from: enough that a token running
// past the excerpt's 100 bytes is still seen whole, and hidden.
const excerptWindow = 4 << 10

var (
	// tag matches a tag, a comment or a declaration; its name is kept and the rest dropped.
	tag = regexp.MustCompile(`<([/?!]?[^\s<>/?]*)[^<>]*?(/?)>`)
	// secretTag matches the start of a tag whose name suggests that the text after it is a
	// secret: SecretAccessKey, SessionToken, anything with secret, token, key, password,
	// credential or signature in its name.
	secretTag = regexp.MustCompile(`(?i)</?[^\s<>/]*(secret|token|key|password|credential|signature)[^\s<>/]*`)
)

// excerpt makes FormatError.Excerpt from any bytes, XML or not.
func excerpt(body []byte) string {
	s := strings.TrimPrefix(string(body[:min(len(body), excerptWindow)]), "\ufeff")
	cut := len(body) > excerptWindow // the body goes on past what the excerpt is made from
	if loc := secretTag.FindStringIndex(s); loc != nil {
		s, cut = s[:loc[1]]+">", true
	}
	s = tag.ReplaceAllString(s, "<$1$2>")
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) && !unicode.IsSpace(r) {
			return '?'
		}
		return r
	}, redact.Tokens(s))), " ")
	s = redact.Clip(s, 100)
	if cut && !strings.HasSuffix(s, "…") {
		s += "…"
	}
	return s
}
