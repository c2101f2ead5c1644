package stsxml

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/irsa-go/irsa/internal/peers"
)

// TestDecodeLiveMotoResponses decodes what the installed moto server answers today, so that the
// moto documents kept in testdata do not drift from the real thing.
func TestDecodeLiveMotoResponses(t *testing.T) {
	moto := peers.StartMoto(t)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	post := func(t *testing.T, form url.Values, signed bool) *http.Response {
		t.Helper()
		form.Set("Version", "2011-06-15")
		req, err := http.NewRequest(http.MethodPost, moto.URL+"/", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if signed {
			// moto reads the access key from the Authorization header and does not check the signature.
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00")
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	t.Run("AssumeRoleWithWebIdentity", func(t *testing.T) {
		resp := post(t, url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "RoleArn": {"arn:aws:iam::123456789012:role/web"},
			"RoleSessionName": {"live"}, "WebIdentityToken": {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}}, false)
		out, err := DecodeAssumeRoleWithWebIdentity(resp.StatusCode, resp.Body)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(*out.Credentials.AccessKeyId, "ASIA"))
		assert.True(t, out.Credentials.Expiration.After(time.Now()))
		assert.Equal(t, "arn:aws:sts::123456789012:assumed-role/web/live", *out.AssumedRoleUser.Arn)
		rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		assert.Equal(t, resp.Header.Get("X-Amzn-Requestid"), rid, "the body's request ID is the header's")
	})
	t.Run("AssumeRole", func(t *testing.T) {
		resp := post(t, url.Values{"Action": {"AssumeRole"}, "RoleArn": {"arn:aws:iam::123456789012:role/x"},
			"RoleSessionName": {"live"}, "DurationSeconds": {"900"}}, true)
		out, err := DecodeAssumeRole(resp.StatusCode, resp.Body)
		require.NoError(t, err)
		assert.NotEmpty(t, *out.Credentials.SessionToken)
		assert.WithinDuration(t, time.Now().Add(15*time.Minute), *out.Credentials.Expiration, 5*time.Minute)
	})
	t.Run("GetCallerIdentity", func(t *testing.T) {
		resp := post(t, url.Values{"Action": {"GetCallerIdentity"}}, true)
		out, err := DecodeGetCallerIdentity(resp.StatusCode, resp.Body)
		require.NoError(t, err)
		assert.Equal(t, "123456789012", *out.Account)
	})
	t.Run("a ValidationError", func(t *testing.T) {
		resp := post(t, url.Values{"Action": {"AssumeRole"}, "RoleArn": {"arn:aws:iam::123456789012:role/x"},
			"RoleSessionName": {strings.Repeat("s", 80)}}, true)
		_, err := DecodeAssumeRole(resp.StatusCode, resp.Body)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 400, e.StatusCode)
		assert.Equal(t, "ValidationError", e.Code)
		assert.Equal(t, resp.Header.Get("X-Amzn-Requestid"), e.RequestID)
		assert.True(t, e.NonRecoverable())
	})
	t.Run("an unknown action, answered with an HTML page", func(t *testing.T) {
		resp := post(t, url.Values{"Action": {"NoSuchAction"}}, true)
		err := DecodeError(resp.StatusCode, resp.Body)
		var fe *FormatError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "the body is an HTML page, not XML", fe.Reason)
	})
}

// TestDecodeLiveMotoIAMAuthError decodes what moto answers when it checks IAM credentials: an
// ErrorResponse with an <Errors> wrapper, which must be a typed *Error, not a format error.
func TestDecodeLiveMotoIAMAuthError(t *testing.T) {
	t.Setenv("INITIAL_NO_AUTH_ACTION_COUNT", "0") // moto checks every request's credentials
	moto := peers.StartMoto(t)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	form := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	req, err := http.NewRequest(http.MethodPost, moto.URL+"/", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = DecodeGetCallerIdentity(resp.StatusCode, resp.Body)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, &Error{StatusCode: 403, Type: "Sender", Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}, e)
	assert.True(t, e.NonRecoverable())
}
