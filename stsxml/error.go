package stsxml

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/redact"
)

// Error is an STS error document (ErrorResponse, or a bare Error root), decoded.
//
// It implements smithy.APIError. With errors.As it also matches the aws-sdk-go-v2 exception type
// that the SDK's own deserializer returns for the same code (for example
// *types.InvalidIdentityTokenException for InvalidIdentityToken), so code written against the
// SDK's errors keeps working.
type Error struct {
	// StatusCode is the HTTP status the document came with (0 when unknown).
	StatusCode int
	// Type is "Sender" or "Receiver" as STS writes it.
	Type string
	// Code is STS's error code, such as "AccessDenied" or "InvalidIdentityToken".
	Code string
	// Message is STS's message.
	Message string
	// RequestID is the request ID STS gave the failed request.
	RequestID string
}

var _ smithy.APIError = (*Error)(nil)

// maxMessageInText bounds how much of Message Error() prints, so that a hostile or broken server
// cannot flood logs; the Message field itself is complete.
const maxMessageInText = 512

// Error returns "STS HTTP <status> <code>: <message> (request ID <id>)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("STS")
	if e.StatusCode != 0 {
		b.WriteString(" HTTP ")
		b.WriteString(strconv.Itoa(e.StatusCode))
	}
	b.WriteByte(' ')
	b.WriteString(printable(e.Code, 128))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(printable(e.Message, maxMessageInText))
	}
	if e.RequestID != "" {
		b.WriteString(" (request ID ")
		b.WriteString(printable(e.RequestID, 128))
		b.WriteByte(')')
	}
	return b.String()
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

// redactMessage hides what looks like a token or key in a server's message: servers echo
// request values in validation messages ("Value '…' at 'webIdentityToken' failed to satisfy
// constraint"), and a message ends up in logs.
func redactMessage(s string) string { return redact.Tokens(s) }

// ErrorCode returns Code (smithy.APIError).
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage returns Message (smithy.APIError).
func (e *Error) ErrorMessage() string { return e.Message }

// ErrorFault reports who is at fault (smithy.APIError): the client for Type "Sender", the
// server for "Receiver"; without a Type, the client for a 4xx status and the server for 5xx.
func (e *Error) ErrorFault() smithy.ErrorFault {
	switch {
	case strings.EqualFold(e.Type, "Sender"):
		return smithy.FaultClient
	case strings.EqualFold(e.Type, "Receiver"):
		return smithy.FaultServer
	case e.Type == "" && e.StatusCode >= 400 && e.StatusCode < 500:
		return smithy.FaultClient
	case e.Type == "" && e.StatusCode >= 500 && e.StatusCode < 600:
		return smithy.FaultServer
	}
	return smithy.FaultUnknown
}

// verificationKeyMessage is what STS says when it could not fetch the identity provider's keys,
// which happens for a while after an OIDC provider is created: worth retrying, unlike other
// InvalidIdentityToken errors.
const verificationKeyMessage = "retrieve verification key"

func (e *Error) is(code string) bool { return strings.EqualFold(e.Code, code) }

func (e *Error) verificationKeyUnavailable() bool {
	return e.is("InvalidIdentityToken") && strings.Contains(strings.ToLower(e.Message), verificationKeyMessage)
}

// NonRecoverable reports whether retrying cannot help soon: the request is refused as such
// (AccessDenied, AccessDeniedException, IDPRejectedClaim, InvalidIdentityToken other than an
// unreachable verification key, MalformedPolicyDocument, PackedPolicyTooLarge,
// RegionDisabledException, ValidationError, InvalidParameterValue, InvalidClientTokenId,
// SignatureDoesNotMatch). It implements credentials.NonRecoverable.
func (e *Error) NonRecoverable() bool {
	switch {
	case e.verificationKeyUnavailable():
		return false
	case e.is("AccessDenied"), e.is("AccessDeniedException"), e.is("IDPRejectedClaim"),
		e.is("InvalidIdentityToken"), e.is("MalformedPolicyDocument"), e.is("PackedPolicyTooLarge"),
		e.is("RegionDisabledException"), e.is("ValidationError"), e.is("InvalidParameterValue"),
		e.is("InvalidClientTokenId"), e.is("SignatureDoesNotMatch"):
		return true
	}
	return false
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
	case e.is("Throttling"), e.is("ThrottlingException"), e.is("RequestLimitExceeded"),
		e.is("IDPCommunicationError"), e.verificationKeyUnavailable():
		return true
	}
	return e.StatusCode == 429 || e.StatusCode >= 500 && e.StatusCode < 600
}

// As lets errors.As match the aws-sdk-go-v2 exception type for e's code, filled as the SDK fills
// it (Message set, ErrorCodeOverride nil): *types.ExpiredTokenException,
// *types.IDPCommunicationErrorException, *types.IDPRejectedClaimException,
// *types.InvalidIdentityTokenException, *types.MalformedPolicyDocumentException,
// *types.PackedPolicyTooLargeException and *types.RegionDisabledException. Codes compare without
// regard to case, as in the SDK.
//
// For any other code it matches *smithy.GenericAPIError, as the SDK's error for a code it does
// not model does: Code and Message set (Message is the code when the document has none, as in
// the SDK), and Fault as ErrorFault says.
func (e *Error) As(target any) bool {
	var msg *string
	if e.Message != "" {
		m := e.Message
		msg = &m
	}
	switch t := target.(type) {
	case **types.ExpiredTokenException:
		if e.is("ExpiredTokenException") {
			*t = &types.ExpiredTokenException{Message: msg}
			return true
		}
	case **types.IDPCommunicationErrorException:
		if e.is("IDPCommunicationError") {
			*t = &types.IDPCommunicationErrorException{Message: msg}
			return true
		}
	case **types.IDPRejectedClaimException:
		if e.is("IDPRejectedClaim") {
			*t = &types.IDPRejectedClaimException{Message: msg}
			return true
		}
	case **types.InvalidIdentityTokenException:
		if e.is("InvalidIdentityToken") {
			*t = &types.InvalidIdentityTokenException{Message: msg}
			return true
		}
	case **types.MalformedPolicyDocumentException:
		if e.is("MalformedPolicyDocument") {
			*t = &types.MalformedPolicyDocumentException{Message: msg}
			return true
		}
	case **types.PackedPolicyTooLargeException:
		if e.is("PackedPolicyTooLarge") {
			*t = &types.PackedPolicyTooLargeException{Message: msg}
			return true
		}
	case **types.RegionDisabledException:
		if e.is("RegionDisabledException") {
			*t = &types.RegionDisabledException{Message: msg}
			return true
		}
	case **smithy.GenericAPIError:
		if !e.modeled() {
			m := e.Message
			if m == "" {
				m = e.Code
			}
			*t = &smithy.GenericAPIError{Code: e.Code, Message: m, Fault: e.ErrorFault()}
			return true
		}
	}
	return false
}

// modeled reports whether the SDK has an exception type for e's code.
func (e *Error) modeled() bool {
	for _, code := range []string{"ExpiredTokenException", "IDPCommunicationError", "IDPRejectedClaim",
		"InvalidIdentityToken", "MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException"} {
		if e.is(code) {
			return true
		}
	}
	return false
}
