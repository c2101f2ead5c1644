package stsencode

import (
	"bytes"
	"os"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/irsa-go/irsa/stsxml"
)

func ptr[T any](v T) *T { return &v }

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("../../stsxml/testdata/" + name)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// everyWebIdentityField is an AssumeRoleWithWebIdentity output with every field filled in.
func everyWebIdentityField() *sts.AssumeRoleWithWebIdentityOutput {
	out := &sts.AssumeRoleWithWebIdentityOutput{
		SubjectFromWebIdentityToken: ptr("system:serviceaccount:default:app"),
		Audience:                    ptr("sts.amazonaws.com"),
		AssumedRoleUser: &types.AssumedRoleUser{
			Arn:           ptr("arn:aws:sts::111122223333:assumed-role/app/session"),
			AssumedRoleId: ptr("AROAEXAMPLEROLEID1234:session"),
		},
		Credentials: &types.Credentials{
			AccessKeyId:     ptr("ASIAEXAMPLEKEYID1234"),
			SecretAccessKey: ptr("Zq3/8vWc+1tXk9YbR2mLpQ7sHdE4uNfA6gJiKoTx"),
			SessionToken:    ptr("IQoJb3JpZ2luX2VjEXAMPLEs3ss10nT0k3n/AQ+w=="),
			Expiration:      ptr(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)),
		},
		Provider:         ptr("arn:aws:iam::111122223333:oidc-provider/oidc.example.com"),
		PackedPolicySize: ptr(int32(7)),
		SourceIdentity:   ptr("alice"),
	}
	awsmiddleware.SetRequestIDMetadata(&out.ResultMetadata, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
	return out
}

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
		in := everyWebIdentityField()
		in.Credentials.Expiration = ptr(exp)
		in.SourceIdentity = ptr(`a&b<c>"d'` + "\ne\tf ü 😀")
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, in))
		out, err := stsxml.DecodeAssumeRoleWithWebIdentity(200, &buf)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("AssumeRoleWithWebIdentity with only credentials", func(t *testing.T) {
		in := &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds()}
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, in))
		out, err := stsxml.DecodeAssumeRoleWithWebIdentity(200, &buf)
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
		require.NoError(t, Encode(&buf, in))
		out, err := stsxml.DecodeAssumeRole(200, &buf)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("GetCallerIdentity with every field", func(t *testing.T) {
		in := &sts.GetCallerIdentityOutput{Arn: ptr("arn:aws:iam::1:user/u"), UserId: ptr("AIDA1"), Account: ptr("000000000001"),
			ResultMetadata: withRequestID("req-3").ResultMetadata}
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, in))
		out, err := stsxml.DecodeGetCallerIdentity(200, &buf)
		require.NoError(t, err)
		assert.Equal(t, in, out)
	})
	t.Run("an error with every field", func(t *testing.T) {
		in := &stsxml.Error{StatusCode: 503, Type: "Receiver", Code: "ServiceUnavailable", Message: "try <later> & again", RequestID: "req-4"}
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, in))
		assert.Equal(t, in, stsxml.DecodeError(503, &buf))
	})
	t.Run("an error without a Type is written as Sender", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, &stsxml.Error{Code: "AccessDenied"}))
		assert.Equal(t, &stsxml.Error{StatusCode: 403, Type: "Sender", Code: "AccessDenied"}, stsxml.DecodeError(403, &buf))
	})
	t.Run("Encode refuses nil and what is not an STS document", func(t *testing.T) {
		var buf bytes.Buffer
		assert.Error(t, Encode(&buf, (*sts.AssumeRoleWithWebIdentityOutput)(nil)))
		assert.Error(t, Encode(&buf, (*sts.AssumeRoleOutput)(nil)))
		assert.Error(t, Encode(&buf, (*sts.GetCallerIdentityOutput)(nil)))
		assert.Error(t, Encode(&buf, (*stsxml.Error)(nil)))
		assert.Error(t, Encode[any](&buf, nil))
		assert.Error(t, Encode(&buf, sts.AssumeRoleOutput{}))
		assert.Zero(t, buf.Len())
	})
}

func TestDecodeEncodeDecodeOfRealDocumentsIsStable(t *testing.T) {
	for _, name := range []string{"aws-doc-assumerolewithwebidentity.xml", "moto-assumerolewithwebidentity.xml"} {
		t.Run(name, func(t *testing.T) {
			first, err := stsxml.DecodeAssumeRoleWithWebIdentity(200, openTestdata(t, name))
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, first))
			second, err := stsxml.DecodeAssumeRoleWithWebIdentity(200, &buf)
			require.NoError(t, err)
			assert.Equal(t, first, second)
		})
	}
	for _, name := range []string{"aws-doc-assumerole.xml", "moto-assumerole.xml"} {
		t.Run(name, func(t *testing.T) {
			first, err := stsxml.DecodeAssumeRole(200, openTestdata(t, name))
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, first))
			second, err := stsxml.DecodeAssumeRole(200, &buf)
			require.NoError(t, err)
			assert.Equal(t, first, second)
		})
	}
	for _, name := range []string{"aws-doc-getcalleridentity.xml", "moto-getcalleridentity.xml"} {
		t.Run(name, func(t *testing.T) {
			first, err := stsxml.DecodeGetCallerIdentity(200, openTestdata(t, name))
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, first))
			second, err := stsxml.DecodeGetCallerIdentity(200, &buf)
			require.NoError(t, err)
			assert.Equal(t, first, second)
		})
	}
}
