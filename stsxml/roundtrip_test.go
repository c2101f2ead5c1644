package stsxml

import (
	"bytes"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeThenDecodeGivesBackTheOutput(t *testing.T) {
	withRequestID := func(id string) (md sts.AssumeRoleOutput) {
		awsmiddleware.SetRequestIDMetadata(&md.ResultMetadata, id)
		return md
	}
	exp := time.Date(2031, 7, 8, 9, 10, 11, 120000000, time.UTC)
	creds := func() *types.Credentials {
		return &types.Credentials{AccessKeyId: ptr("ASIAEXAMPLE"), SecretAccessKey: ptr("s/e+c=r"), SessionToken: ptr("t/o+k=="), Expiration: ptr(exp)}
	}

	t.Run("AssumeRoleWithWebIdentity with every field", func(t *testing.T) {
		in := wantWebIdentity()
		in.Credentials.Expiration = ptr(exp)
		in.SourceIdentity = ptr(`a&b<c>"d'` + "\ne\tf ü 😀")
		var buf bytes.Buffer
		require.NoError(t, EncodeAssumeRoleWithWebIdentity(&buf, in))
		out, err := DecodeAssumeRoleWithWebIdentity(200, &buf)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("AssumeRoleWithWebIdentity with only credentials", func(t *testing.T) {
		in := &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds()}
		var buf bytes.Buffer
		require.NoError(t, EncodeAssumeRoleWithWebIdentity(&buf, in))
		out, err := DecodeAssumeRoleWithWebIdentity(200, &buf)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("AssumeRole with every field", func(t *testing.T) {
		in := &sts.AssumeRoleOutput{
			Credentials:      creds(),
			AssumedRoleUser:  &types.AssumedRoleUser{Arn: ptr("arn:aws:sts::1:assumed-role/r/s"), AssumedRoleId: ptr("AROA:s")},
			PackedPolicySize: ptr(int32(42)),
			SourceIdentity:   ptr("bob"),
			ResultMetadata:   withRequestID("req-2").ResultMetadata,
		}
		var buf bytes.Buffer
		require.NoError(t, EncodeAssumeRole(&buf, in))
		out, err := DecodeAssumeRole(200, &buf)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("GetCallerIdentity with every field", func(t *testing.T) {
		in := &sts.GetCallerIdentityOutput{Arn: ptr("arn:aws:iam::1:user/u"), UserId: ptr("AIDA1"), Account: ptr("000000000001"),
			ResultMetadata: withRequestID("req-3").ResultMetadata}
		var buf bytes.Buffer
		require.NoError(t, EncodeGetCallerIdentity(&buf, in))
		out, err := DecodeGetCallerIdentity(200, &buf)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("an error with every field", func(t *testing.T) {
		in := &Error{StatusCode: 503, Type: "Receiver", Code: "ServiceUnavailable", Message: "try <later> & again", RequestID: "req-4"}
		var buf bytes.Buffer
		require.NoError(t, EncodeError(&buf, in))
		assert.Equal(t, in, DecodeError(503, &buf))
	})
	t.Run("an error without a Type is written as Sender", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, EncodeError(&buf, &Error{Code: "AccessDenied"}))
		assert.Equal(t, &Error{StatusCode: 403, Type: "Sender", Code: "AccessDenied"}, DecodeError(403, &buf))
	})
	t.Run("encoders refuse nil", func(t *testing.T) {
		var buf bytes.Buffer
		assert.Error(t, EncodeAssumeRoleWithWebIdentity(&buf, nil))
		assert.Error(t, EncodeAssumeRole(&buf, nil))
		assert.Error(t, EncodeGetCallerIdentity(&buf, nil))
		assert.Error(t, EncodeError(&buf, nil))
		assert.Zero(t, buf.Len())
	})
}

func TestDecodeEncodeDecodeOfRealDocumentsIsStable(t *testing.T) {
	for _, name := range []string{"aws-doc-assumerolewithwebidentity.xml", "moto-assumerolewithwebidentity.xml"} {
		t.Run(name, func(t *testing.T) {
			first, err := DecodeAssumeRoleWithWebIdentity(200, openTestdata(t, name))
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, EncodeAssumeRoleWithWebIdentity(&buf, first))
			second, err := DecodeAssumeRoleWithWebIdentity(200, &buf)
			require.NoError(t, err)
			assert.Equal(t, first, second)
		})
	}
	for _, name := range []string{"aws-doc-assumerole.xml", "moto-assumerole.xml"} {
		t.Run(name, func(t *testing.T) {
			first, err := DecodeAssumeRole(200, openTestdata(t, name))
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, EncodeAssumeRole(&buf, first))
			second, err := DecodeAssumeRole(200, &buf)
			require.NoError(t, err)
			assert.Equal(t, first, second)
		})
	}
	for _, name := range []string{"aws-doc-getcalleridentity.xml", "moto-getcalleridentity.xml"} {
		t.Run(name, func(t *testing.T) {
			first, err := DecodeGetCallerIdentity(200, openTestdata(t, name))
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, EncodeGetCallerIdentity(&buf, first))
			second, err := DecodeGetCallerIdentity(200, &buf)
			require.NoError(t, err)
			assert.Equal(t, first, second)
		})
	}
}
