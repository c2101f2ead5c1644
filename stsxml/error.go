package stsxml

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/redact"
)

// Error is an STS error document (ErrorResponse, or a bare Error root), decoded.
//
// It implements smithy.APIError. With errors.As it also matches what the SDK's own deserializer
// returns for the same code: the exception type for a code STS documents (for example
// *types.InvalidIdentityTokenException for InvalidIdentityToken), else *smithy.GenericAPIError,
// so code written against the SDK's errors keeps working.
type Error struct {
	// StatusCode is the HTTP status the document came with (0 when unknown).
	StatusCode int
	// Type is "Sender" or "Receiver" as STS writes it.
	Type string
	// Code is STS's error code, such as "AccessDenied" or "InvalidIdentityToken".
	Code string
	// Message is STS's message. Servers echo request values in validation messages, so
	// anything shaped like a JWT or a long base64 token is replaced with "[redacted]".
	Message string
	// RequestID is the request ID STS gave the failed request.
	RequestID string
}

// Error returns "STS HTTP <status> <code>: <message> (request ID <id>)", on one line and with
// the message cut at 512 bytes so that a hostile or broken server cannot flood logs (the
// Message field itself is complete).
func (e *Error) Error() string {
	s := "STS"
	if e.StatusCode != 0 {
		s += " HTTP " + strconv.Itoa(e.StatusCode)
	}
	s += " " + printable(e.Code, 128)
	if e.Message != "" {
		s += ": " + printable(e.Message, 512)
	}
	if e.RequestID != "" {
		s += " (request ID " + printable(e.RequestID, 128) + ")"
	}
	return s
}

// printable keeps s on one line and at most max bytes long.
func printable(s string, max int) string {
	return redact.Clip(strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s), max)
}

// ErrorCode returns Code (smithy.APIError).
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage returns Message (smithy.APIError).
func (e *Error) ErrorMessage() string { return e.Message }

// ErrorFault reports who is at fault (smithy.APIError): the client for Type "Sender", the
// server for "Receiver"; without a Type, the client for a 4xx status and the server for 5xx.
func (e *Error) ErrorFault() smithy.ErrorFault {
	switch {
	case strings.EqualFold(e.Type, "Sender"), e.Type == "" && e.StatusCode >= 400 && e.StatusCode < 500:
		return smithy.FaultClient
	case strings.EqualFold(e.Type, "Receiver"), e.Type == "" && e.StatusCode >= 500 && e.StatusCode < 600:
		return smithy.FaultServer
	}
	return smithy.FaultUnknown
}

var (
	finalCodes = []string{"AccessDenied", "AccessDeniedException", "IDPRejectedClaim", "InvalidIdentityToken",
		"MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException", "ValidationError",
		"InvalidParameterValue", "InvalidClientTokenId", "SignatureDoesNotMatch"}
	retryCodes = []string{"Throttling", "ThrottlingException", "RequestLimitExceeded", "IDPCommunicationError"}
)

// is compares codes without regard to case, as the SDK does.
func (e *Error) is(code string) bool { return strings.EqualFold(e.Code, code) }

// verificationKeyUnavailable reports what STS says when it could not fetch the identity
// provider's keys, which happens for a while after an OIDC provider is created: worth retrying,
// unlike other InvalidIdentityToken errors.
func (e *Error) verificationKeyUnavailable() bool {
	return e.is("InvalidIdentityToken") && strings.Contains(strings.ToLower(e.Message), "retrieve verification key")
}

// NonRecoverable reports whether retrying cannot help soon: the request is refused as such
// (AccessDenied, AccessDeniedException, IDPRejectedClaim, InvalidIdentityToken other than an
// unreachable verification key, MalformedPolicyDocument, PackedPolicyTooLarge,
// RegionDisabledException, ValidationError, InvalidParameterValue, InvalidClientTokenId,
// SignatureDoesNotMatch). credentials.IsNonRecoverable reports true for an error holding one.
func (e *Error) NonRecoverable() bool {
	return !e.verificationKeyUnavailable() && slices.ContainsFunc(finalCodes, e.is)
}

// Retryable reports whether the same request may succeed if sent again after a pause:
// throttling (Throttling, ThrottlingException, RequestLimitExceeded, HTTP 429), a server error
// (HTTP 5xx), IDPCommunicationError, and InvalidIdentityToken when STS could not retrieve the
// identity provider's verification key. A NonRecoverable error is never Retryable, whatever its
// status.
func (e *Error) Retryable() bool {
	switch {
	case e.NonRecoverable():
		return false
	case slices.ContainsFunc(retryCodes, e.is), e.verificationKeyUnavailable():
		return true
	}
	return e.StatusCode == 429 || e.StatusCode >= 500 && e.StatusCode < 600
}

// As lets errors.As match what the aws-sdk-go-v2 deserializer returns for e's code, filled as
// the SDK fills it: for ExpiredTokenException, IDPCommunicationError, IDPRejectedClaim,
// InvalidIdentityToken, MalformedPolicyDocument, PackedPolicyTooLarge and
// RegionDisabledException (in any letter case), the exception type with Message set; for any
// other code, *smithy.GenericAPIError (whose Message is the code when the document has none).
func (e *Error) As(target any) bool {
	var match error = &smithy.GenericAPIError{Code: e.Code, Message: cmp.Or(e.Message, e.Code), Fault: e.ErrorFault()}
	if exception := exceptions[strings.ToLower(e.Code)]; exception != nil {
		var msg *string
		if e.Message != "" {
			msg = aws.String(e.Message) // a copy: the exception must not alias e
		}
		match = exception(msg)
	}
	return errors.As(match, target)
}

// exceptions make the SDK's exception for a code STS documents, by the lower-case code.
var exceptions = map[string]func(msg *string) error{
	"expiredtokenexception":   func(m *string) error { return &types.ExpiredTokenException{Message: m} },
	"idpcommunicationerror":   func(m *string) error { return &types.IDPCommunicationErrorException{Message: m} },
	"idprejectedclaim":        func(m *string) error { return &types.IDPRejectedClaimException{Message: m} },
	"invalididentitytoken":    func(m *string) error { return &types.InvalidIdentityTokenException{Message: m} },
	"malformedpolicydocument": func(m *string) error { return &types.MalformedPolicyDocumentException{Message: m} },
	"packedpolicytoolarge":    func(m *string) error { return &types.PackedPolicyTooLargeException{Message: m} },
	"regiondisabledexception": func(m *string) error { return &types.RegionDisabledException{Message: m} },
}
