package stsxml

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}


func TestDecodeAWSDocumentedAssumeRoleWithWebIdentityExample(t *testing.T) {
	out, err := DecodeAssumeRoleWithWebIdentity(200, openTestdata(t, "aws-doc-assumerolewithwebidentity.xml"))
	require.NoError(t, err)
	assert.Equal(t, "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A", *out.SubjectFromWebIdentityToken)
	assert.Equal(t, "client.5498841531868486423.1548@apps.example.com", *out.Audience)
	assert.Equal(t, "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1", *out.AssumedRoleUser.Arn)
	assert.Equal(t, "AROACLKWSDQRAOEXAMPLE:app1", *out.AssumedRoleUser.AssumedRoleId)
	assert.Equal(t, "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE", *out.Credentials.SessionToken)
	assert.Equal(t, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", *out.Credentials.SecretAccessKey)
	assert.Equal(t, "ASgeIAIOSFODNN7EXAMPLE", *out.Credentials.AccessKeyId)
	assert.Equal(t, time.Date(2014, 10, 24, 23, 0, 23, 0, time.UTC), *out.Credentials.Expiration)
	assert.Equal(t, "SourceIdentityValue", *out.SourceIdentity)
	assert.Equal(t, "www.amazon.com", *out.Provider)
	assert.Nil(t, out.PackedPolicySize)
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	assert.Equal(t, "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE", rid)
}

func TestDecodeAWSDocumentedAssumeRoleExampleJoinsTheWrappedSessionToken(t *testing.T) {
	out, err := DecodeAssumeRole(200, openTestdata(t, "aws-doc-assumerole.xml"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(*out.Credentials.SessionToken, "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAe"))
	assert.True(t, strings.HasSuffix(*out.Credentials.SessionToken, "ICCR/oLxBA=="))
	assert.NotContains(t, *out.Credentials.SessionToken, " ")
	assert.NotContains(t, *out.Credentials.SessionToken, "\n")
	assert.Equal(t, "Alice", *out.SourceIdentity)
	assert.Equal(t, int32(6), *out.PackedPolicySize)
	assert.Equal(t, "ASIAIOSFODNN7EXAMPLE", *out.Credentials.AccessKeyId)
	assert.Equal(t, time.Date(2019, 11, 9, 13, 34, 41, 0, time.UTC), *out.Credentials.Expiration)
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	assert.Equal(t, "c6104cbe-af31-11e0-8154-cbc7ccf896c7", rid)
}

func TestDecodeAWSDocumentedErrorExample(t *testing.T) {
	_, err := DecodeAssumeRoleWithWebIdentity(400, openTestdata(t, "aws-doc-error-validation.xml"))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, &Error{StatusCode: 400, Type: "Sender", Code: "ValidationError", Message: "Request ARN is invalid", RequestID: "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE"}, e)
	assert.EqualError(t, err, "STS HTTP 400 ValidationError: Request ARN is invalid (request ID ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE)")
	assert.True(t, e.NonRecoverable())
	assert.False(t, e.Retryable())
	var ite *types.InvalidIdentityTokenException
	assert.False(t, errors.As(err, &ite))
}
