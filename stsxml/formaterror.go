package stsxml

import (
	"strconv"
	"strings"
)

// FormatError reports a response body that is not the document expected: not XML (a proxy's
// HTML page, plain text), empty, truncated, over MaxBodySize, the wrong root element, a required
// element missing, or a value that does not parse. None of its fields ever holds a secret from
// the body, so it is safe to log in full, including with %+v and %#v.
type FormatError struct {
	// StatusCode is the HTTP status the body came with.
	StatusCode int
	// Document is the root element expected: "AssumeRoleWithWebIdentityResponse",
	// "AssumeRoleResponse", "GetCallerIdentityResponse", or "ErrorResponse" for a non-2xx status.
	Document string
	// Reason says what is wrong, in words.
	Reason string
	// Excerpt shows how the body begins, at most about 100 characters: markup with attributes
	// dropped, and text only where it cannot be a secret (see the package documentation).
	Excerpt string

	truncated bool // the body ended inside the document
}

// Error names the status, the document, the reason and the excerpt.
func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("STS HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	b.WriteString(" response is not a valid ")
	b.WriteString(e.Document)
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Excerpt != "" {
		b.WriteString("; body begins ")
		b.WriteString(strconv.Quote(e.Excerpt))
	}
	return b.String()
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
