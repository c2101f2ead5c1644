package fakests

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/irsa-go/irsa/stsxml"
)

// STS error codes the server answers with, named as STS names them.
const (
	CodeAccessDenied               = "AccessDenied"
	CodeExpiredToken               = "ExpiredToken" // signed calls with expired temporary credentials
	CodeExpiredTokenException      = "ExpiredTokenException"
	CodeIDPCommunicationError      = "IDPCommunicationError"
	CodeIDPRejectedClaim           = "IDPRejectedClaim"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeInternalFailure            = "InternalFailure"
	CodeInvalidAction              = "InvalidAction"
	CodeInvalidClientTokenID       = "InvalidClientTokenId"
	CodeInvalidIdentityToken       = "InvalidIdentityToken"
	CodeMalformedPolicyDocument    = "MalformedPolicyDocument"
	CodeMalformedQueryString       = "MalformedQueryString"
	CodeMissingAction              = "MissingAction"
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	CodeRequestEntityTooLarge      = "RequestEntityTooLarge"
	CodeServiceUnavailable         = "ServiceUnavailable"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeThrottling                 = "Throttling"
	CodeValidationError            = "ValidationError"
)

// MessageVerificationKey is STS's message when it cannot fetch the issuer's signing keys.
const MessageVerificationKey = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

func senderError(status int, code, format string, args ...any) *stsxml.Error {
	return &stsxml.Error{StatusCode: status, Type: "Sender", Code: code, Message: fmt.Sprintf(format, args...)}
}

func errInvalidIdentityToken(format string, args ...any) *stsxml.Error {
	return senderError(http.StatusBadRequest, CodeInvalidIdentityToken, format, args...)
}

func errVerificationKey() *stsxml.Error {
	return senderError(http.StatusBadRequest, CodeInvalidIdentityToken, "%s", MessageVerificationKey)
}

func errAccessDenied(format string, args ...any) *stsxml.Error {
	return senderError(http.StatusForbidden, CodeAccessDenied, format, args...)
}

func errValidation(format string, args ...any) *stsxml.Error {
	return senderError(http.StatusBadRequest, CodeValidationError, format, args...)
}

func errSignatureDoesNotMatch(format string, args ...any) *stsxml.Error {
	return senderError(http.StatusForbidden, CodeSignatureDoesNotMatch, format, args...)
}

const msgSignatureDoesNotMatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// validator collects constraint violations into one ValidationError worded as STS words it:
// "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: …; …".
type validator struct{ failures []string }

func (v *validator) fail(value *string, member, constraint string) {
	var shown string
	switch {
	case value == nil:
		shown = "Value null"
	case *value == secretValue:
		shown = "Value"
	default:
		shown = "Value '" + *value + "'"
	}
	v.failures = append(v.failures, fmt.Sprintf("%s at '%s' failed to satisfy constraint: Member %s", shown, member, constraint))
}

// secretValue marks a value that must not be echoed (the web identity token).
const secretValue = "\x00secret"

func (v *validator) err() *stsxml.Error {
	switch len(v.failures) {
	case 0:
		return nil
	case 1:
		return errValidation("1 validation error detected: %s", v.failures[0])
	default:
		return errValidation("%d validation errors detected: %s", len(v.failures), strings.Join(v.failures, "; "))
	}
}

// checkString validates an optional string parameter: length bounds and, when charset is
// non-nil, every character in it. present=false means the parameter was absent.
func (v *validator) checkString(member, value string, present, required bool, minLen, maxLen int, pattern string, allowed func(rune) bool, secret bool) {
	if !present {
		if required {
			v.fail(nil, member, "must not be null")
		}
		return
	}
	shown := value
	if secret {
		shown = secretValue
	}
	n := len([]rune(value))
	if n < minLen {
		v.fail(&shown, member, fmt.Sprintf("must have length greater than or equal to %d", minLen))
	}
	if n > maxLen {
		v.fail(&shown, member, fmt.Sprintf("must have length less than or equal to %d", maxLen))
	}
	if allowed != nil {
		for _, r := range value {
			if !allowed(r) {
				v.fail(&shown, member, "must satisfy regular expression pattern: "+pattern)
				break
			}
		}
	}
}

// sessionNameChar is [\w+=,.@-].
func sessionNameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r)
}

// externalIDChar is [\w+=,.@:\/-].
func externalIDChar(r rune) bool { return sessionNameChar(r) || r == ':' || r == '/' }

// arnChar is STS's arnType pattern [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+.
func arnChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7e || r == 0x85 || r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
}

const (
	patternSessionName = `[\w+=,.@-]*`
	patternExternalID  = `[\w+=,.@:\/-]*`
	patternARN         = `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`
)
