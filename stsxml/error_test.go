package stsxml

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeErrorDocuments(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   func(t *testing.T) string
		want   *Error
	}{
		{
			name: "an ErrorResponse in STS's namespace", status: 400,
			body: func(t *testing.T) string { return readTestdata(t, "aws-doc-error-validation.xml") },
			want: &Error{StatusCode: 400, Type: "Sender", Code: "ValidationError", Message: "Request ARN is invalid", RequestID: "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE"},
		},
		{
			name: "a front-end fault in the AWSFault namespace", status: 400,
			body: func(t *testing.T) string { return readTestdata(t, "constructed-error-awsfault-throttling.xml") },
			want: &Error{StatusCode: 400, Type: "Sender", Code: "Throttling", Message: "Rate exceeded", RequestID: "6a1e0d2c-3f4b-4a5c-9d6e-7f8091a2b3c4"},
		},
		{
			name: "a bare Error root as S3-compatible servers send, request ID inside it", status: 403,
			body: func(t *testing.T) string { return readTestdata(t, "constructed-error-s3-style.xml") },
			want: &Error{StatusCode: 403, Code: "AccessDenied", Message: "Access Denied", RequestID: "4442587FB7D0A2F9"},
		},
		{
			name: "an ErrorResponse without namespace, Type or Message", status: 500,
			body: func(t *testing.T) string {
				return `<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>`
			},
			want: &Error{StatusCode: 500, Code: "InternalFailure"},
		},
		{
			name: "the request ID in ResponseMetadata, as some servers put it", status: 400,
			body: func(t *testing.T) string {
				return `<ErrorResponse><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata><Error><Code>X</Code></Error></ErrorResponse>`
			},
			want: &Error{StatusCode: 400, Code: "X", RequestID: "rid"},
		},
		{
			name: "elements in any order, unknown ones skipped, values trimmed", status: 400,
			body: func(t *testing.T) string {
				return `<sts:ErrorResponse xmlns:sts="urn:x"><sts:RequestId> r1 </sts:RequestId><Detail><Code>wrong</Code></Detail>
<sts:Error><sts:Message>
  m
</sts:Message><sts:Code> IDPRejectedClaim </sts:Code><sts:Type>Sender</sts:Type><Extra/></sts:Error></sts:ErrorResponse>`
			},
			want: &Error{StatusCode: 400, Type: "Sender", Code: "IDPRejectedClaim", Message: "m", RequestID: "r1"},
		},
		{
			name: "a message echoing a web identity token has the token redacted", status: 400,
			body: func(t *testing.T) string {
				return `<ErrorResponse><Error><Code>ValidationError</Code><Message>1 validation error detected: Value 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl' at 'webIdentityToken' failed to satisfy constraint</Message></Error></ErrorResponse>`
			},
			want: &Error{StatusCode: 400, Code: "ValidationError", Message: "1 validation error detected: Value '[redacted]' at 'webIdentityToken' failed to satisfy constraint"},
		},
		{
			name: "a message naming an issuer URL keeps it", status: 400,
			body: func(t *testing.T) string {
				return `<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>No OpenIDConnect provider found in your account for https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF</Message></Error></ErrorResponse>`
			},
			want: &Error{StatusCode: 400, Code: "InvalidIdentityToken", Message: "No OpenIDConnect provider found in your account for https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
		},
		{
			name: "moto's IAM-auth error, <ErrorResponse><Errors><Error>", status: 403,
			body: func(t *testing.T) string { return readTestdata(t, "moto-error-accessdenied-iamauth.xml") },
			want: &Error{StatusCode: 403, Type: "Sender", Code: "AccessDenied", Message: "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole"},
		},
		{
			name: "an <Errors> wrapper in STS's namespace, with the request ID beside it", status: 403,
			body: func(t *testing.T) string {
				return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Errors><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code></Error></Errors><RequestId>r2</RequestId></ErrorResponse>`
			},
			want: &Error{StatusCode: 403, Type: "Sender", Code: "InvalidClientTokenId", RequestID: "r2"},
		},
		{
			name: "an error document with a 200 status is still an error", status: 200,
			body: func(t *testing.T) string { return readTestdata(t, "aws-doc-error-validation.xml") },
			want: &Error{StatusCode: 200, Type: "Sender", Code: "ValidationError", Message: "Request ARN is invalid", RequestID: "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE"},
		},
	}
	decoders := map[string]func(status int, body string) error{
		"DecodeError": func(status int, body string) error { return DecodeError(status, strings.NewReader(body)) },
		"DecodeAssumeRoleWithWebIdentity": func(status int, body string) error {
			_, err := DecodeAssumeRoleWithWebIdentity(status, strings.NewReader(body))
			return err
		},
		"DecodeAssumeRole": func(status int, body string) error {
			_, err := DecodeAssumeRole(status, strings.NewReader(body))
			return err
		},
		"DecodeGetCallerIdentity": func(status int, body string) error {
			_, err := DecodeGetCallerIdentity(status, strings.NewReader(body))
			return err
		},
	}
	for _, tt := range tests {
		for name, decode := range decoders {
			if tt.status == 200 && name == "DecodeError" {
				continue
			}
			t.Run(tt.name+" ("+name+")", func(t *testing.T) {
				err := decode(tt.status, tt.body(t))
				var got *Error
				require.ErrorAs(t, err, &got)
				assert.Equal(t, tt.want, got)
			})
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{
			name: "status, code, message and request ID are all named",
			err:  &Error{StatusCode: 403, Type: "Sender", Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", RequestID: "r-1"},
			want: "STS HTTP 403 AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity (request ID r-1)",
		},
		{
			name: "an unknown status, empty message and request ID are left out",
			err:  &Error{Code: "Throttling"},
			want: "STS Throttling",
		},
		{
			name: "line breaks and control characters in the message are flattened",
			err:  &Error{StatusCode: 400, Code: "X", Message: "line one\nline two\x1b[31m"},
			want: "STS HTTP 400 X: line one line two [31m",
		},
		{
			name: "a very long message is cut",
			err:  &Error{StatusCode: 400, Code: "X", Message: strings.Repeat("m", 600)},
			want: "STS HTTP 400 X: " + strings.Repeat("m", 512) + "…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestErrorClassification(t *testing.T) {
	const keyMsg = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	tests := []struct {
		name           string
		status         int
		code, message  string
		typ            string
		nonRecoverable bool
		retryable      bool
		fault          smithy.ErrorFault
	}{
		{name: "AccessDenied is final", status: 403, code: "AccessDenied", typ: "Sender", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "AccessDeniedException is final", status: 400, code: "AccessDeniedException", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "IDPRejectedClaim is final", status: 403, code: "IDPRejectedClaim", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "InvalidIdentityToken about a bad token is final", status: 400, code: "InvalidIdentityToken", message: "Incorrect token audience", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "InvalidIdentityToken about an unreachable verification key is retried", status: 400, code: "InvalidIdentityToken", message: keyMsg, retryable: true, fault: smithy.FaultClient},
		{name: "the verification key message matches in any case", status: 400, code: "InvalidIdentityToken", message: "could not RETRIEVE VERIFICATION KEY", retryable: true, fault: smithy.FaultClient},
		{name: "MalformedPolicyDocument is final", status: 400, code: "MalformedPolicyDocument", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "PackedPolicyTooLarge is final", status: 400, code: "PackedPolicyTooLarge", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "RegionDisabledException is final", status: 403, code: "RegionDisabledException", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "ValidationError is final", status: 400, code: "ValidationError", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "InvalidParameterValue is final", status: 400, code: "InvalidParameterValue", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "InvalidClientTokenId is final", status: 403, code: "InvalidClientTokenId", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "SignatureDoesNotMatch is final", status: 403, code: "SignatureDoesNotMatch", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "codes compare without regard to case", status: 403, code: "accessdenied", nonRecoverable: true, fault: smithy.FaultClient},
		{name: "a final code stays final even with a 5xx status", status: 503, code: "AccessDenied", nonRecoverable: true, fault: smithy.FaultServer},
		{name: "Throttling is retried", status: 400, code: "Throttling", retryable: true, fault: smithy.FaultClient},
		{name: "ThrottlingException is retried", status: 400, code: "ThrottlingException", retryable: true, fault: smithy.FaultClient},
		{name: "RequestLimitExceeded is retried", status: 400, code: "RequestLimitExceeded", retryable: true, fault: smithy.FaultClient},
		{name: "IDPCommunicationError is retried", status: 400, code: "IDPCommunicationError", retryable: true, fault: smithy.FaultClient},
		{name: "any code with HTTP 429 is retried", status: 429, code: "TooManyRequests", retryable: true, fault: smithy.FaultClient},
		{name: "a server error is retried", status: 500, code: "InternalFailure", typ: "Receiver", retryable: true, fault: smithy.FaultServer},
		{name: "a 503 is retried", status: 503, code: "ServiceUnavailable", retryable: true, fault: smithy.FaultServer},
		{name: "ExpiredTokenException is neither final nor retried as is", status: 400, code: "ExpiredTokenException", typ: "Sender", fault: smithy.FaultClient},
		{name: "an unknown 4xx code is neither", status: 400, code: "SomethingNew", fault: smithy.FaultClient},
		{name: "Type Receiver makes the server at fault whatever the status", status: 400, code: "X", typ: "Receiver", fault: smithy.FaultServer},
		{name: "no Type and no status leaves the fault unknown", code: "X", fault: smithy.FaultUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Error{StatusCode: tt.status, Type: tt.typ, Code: tt.code, Message: tt.message}
			assert.Equal(t, tt.nonRecoverable, e.NonRecoverable(), "NonRecoverable")
			assert.Equal(t, tt.retryable, e.Retryable(), "Retryable")
			assert.Equal(t, tt.fault, e.ErrorFault(), "ErrorFault")
			var api smithy.APIError
			require.ErrorAs(t, fmt.Errorf("wrapped: %w", e), &api)
			assert.Equal(t, tt.code, api.ErrorCode())
			assert.Equal(t, tt.message, api.ErrorMessage())
		})
	}
}

func TestErrorMatchesSDKExceptions(t *testing.T) {
	tests := []struct {
		code  string
		match func(err error) (matched bool, message *string, sdkCode string)
	}{
		{"ExpiredTokenException", func(err error) (bool, *string, string) {
			var x *types.ExpiredTokenException
			if errors.As(err, &x) {
				return true, x.Message, x.ErrorCode()
			}
			return false, nil, ""
		}},
		{"IDPCommunicationError", func(err error) (bool, *string, string) {
			var x *types.IDPCommunicationErrorException
			if errors.As(err, &x) {
				return true, x.Message, x.ErrorCode()
			}
			return false, nil, ""
		}},
		{"IDPRejectedClaim", func(err error) (bool, *string, string) {
			var x *types.IDPRejectedClaimException
			if errors.As(err, &x) {
				return true, x.Message, x.ErrorCode()
			}
			return false, nil, ""
		}},
		{"InvalidIdentityToken", func(err error) (bool, *string, string) {
			var x *types.InvalidIdentityTokenException
			if errors.As(err, &x) {
				return true, x.Message, x.ErrorCode()
			}
			return false, nil, ""
		}},
		{"MalformedPolicyDocument", func(err error) (bool, *string, string) {
			var x *types.MalformedPolicyDocumentException
			if errors.As(err, &x) {
				return true, x.Message, x.ErrorCode()
			}
			return false, nil, ""
		}},
		{"PackedPolicyTooLarge", func(err error) (bool, *string, string) {
			var x *types.PackedPolicyTooLargeException
			if errors.As(err, &x) {
				return true, x.Message, x.ErrorCode()
			}
			return false, nil, ""
		}},
		{"RegionDisabledException", func(err error) (bool, *string, string) {
			var x *types.RegionDisabledException
			if errors.As(err, &x) {
				return true, x.Message, x.ErrorCode()
			}
			return false, nil, ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.code+" matches its SDK exception, and no other", func(t *testing.T) {
			body := `<ErrorResponse><Error><Type>Sender</Type><Code>` + tt.code + `</Code><Message>msg for ` + tt.code + `</Message></Error><RequestId>r</RequestId></ErrorResponse>`
			_, err := DecodeAssumeRoleWithWebIdentity(400, strings.NewReader(body))
			err = fmt.Errorf("operation failed: %w", err)
			for _, other := range tests {
				matched, msg, sdkCode := other.match(err)
				if other.code != tt.code {
					assert.False(t, matched, "matched %s", other.code)
					continue
				}
				require.True(t, matched)
				require.NotNil(t, msg)
				assert.Equal(t, "msg for "+tt.code, *msg)
				// The SDK's own deserializer leaves ErrorCodeOverride unset; so do we.
				assert.True(t, strings.HasPrefix(sdkCode, tt.code), sdkCode)
			}
			var e *Error
			require.ErrorAs(t, err, &e, "the *Error itself stays reachable")
		})
	}
	t.Run("codes match without regard to case, as in the SDK", func(t *testing.T) {
		var x *types.InvalidIdentityTokenException
		assert.True(t, errors.As(&Error{Code: "invalididentitytoken"}, &x))
		assert.Nil(t, x.Message, "an empty message stays nil, as in the SDK")
	})
	t.Run("AccessDenied matches no exception type", func(t *testing.T) {
		err := error(&Error{Code: "AccessDenied"})
		for _, tt := range tests {
			matched, _, _ := tt.match(err)
			assert.False(t, matched, tt.code)
		}
	})
}

func TestMotoIAMAuthErrorIsFinal(t *testing.T) {
	// irsa once read this shape as a malformed body, which a client retries and a cache backs off
	// from as if the error were transient.
	_, err := DecodeAssumeRole(403, strings.NewReader(readTestdata(t, "moto-error-accessdenied-iamauth.xml")))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.True(t, e.NonRecoverable())
	assert.False(t, e.Retryable())
	assert.Equal(t, smithy.FaultClient, e.ErrorFault())
}

func TestErrorMatchesSmithyGenericAPIError(t *testing.T) {
	t.Run("a code without an SDK exception type matches, filled as the SDK fills it", func(t *testing.T) {
		_, err := DecodeAssumeRoleWithWebIdentity(403, strings.NewReader(readTestdata(t, "moto-error-accessdenied-iamauth.xml")))
		var g *smithy.GenericAPIError
		require.ErrorAs(t, fmt.Errorf("wrapped: %w", err), &g)
		assert.Equal(t, &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole", Fault: smithy.FaultClient}, g)
	})
	t.Run("without a message, Message is the code, as in the SDK", func(t *testing.T) {
		var g *smithy.GenericAPIError
		require.ErrorAs(t, &Error{StatusCode: 503, Code: "ServiceUnavailable"}, &g)
		assert.Equal(t, &smithy.GenericAPIError{Code: "ServiceUnavailable", Message: "ServiceUnavailable", Fault: smithy.FaultServer}, g)
	})
	t.Run("a code with an SDK exception type matches that type instead, as in the SDK", func(t *testing.T) {
		var g *smithy.GenericAPIError
		assert.False(t, errors.As(&Error{Code: "InvalidIdentityToken"}, &g))
		assert.False(t, errors.As(&Error{Code: "expiredtokenexception"}, &g))
	})
}

func TestFormatErrorText(t *testing.T) {
	_, err := DecodeAssumeRoleWithWebIdentity(502, strings.NewReader(
		"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"))
	assert.EqualError(t, err, `STS HTTP 502 response is not a valid ErrorResponse: the body is an HTML page, not XML; `+
		`body begins "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> …"`)
	var fe *FormatError
	require.ErrorAs(t, err, &fe)
	assert.True(t, fe.Retryable(), "a 502 page is worth retrying")

	_, err = DecodeAssumeRoleWithWebIdentity(200, strings.NewReader(""))
	assert.EqualError(t, err, `STS HTTP 200 response is not a valid AssumeRoleWithWebIdentityResponse: the body is empty`)
	require.ErrorAs(t, err, &fe)
	assert.False(t, fe.Retryable(), "an empty 200 is not")

	_, err = DecodeAssumeRoleWithWebIdentity(200, strings.NewReader(webIdentityDoc[:200]))
	require.ErrorAs(t, err, &fe)
	assert.True(t, fe.Retryable(), "a truncated body may be a cut connection")
}
