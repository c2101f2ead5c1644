package fakests

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/stsxml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post sends an STS Query request with params and decodes the answer.
func post(t *testing.T, srv *Server, params url.Values) (int, []byte) {
	t.Helper()
	resp, err := http.PostForm(srv.URL(), params)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

func webIdentityParams(roleARN, session, token string) url.Values {
	return url.Values{
		"Action":           {"AssumeRoleWithWebIdentity"},
		"Version":          {"2011-06-15"},
		"RoleArn":          {roleARN},
		"RoleSessionName":  {session},
		"WebIdentityToken": {token},
	}
}

// stsErr decodes an error document, asserting the HTTP status.
func stsErr(t *testing.T, status int, body []byte) *stsxml.Error {
	t.Helper()
	var e *stsxml.Error
	err := stsxml.DecodeError(status, strings.NewReader(string(body)))
	require.True(t, errors.As(err, &e), "not an STS error document: %s", body)
	return e
}

func TestEnvAssumeRoleWithWebIdentityWithTheSDK(t *testing.T) {
	leakcheck.Check(t)
	clock := &fakeoidc.Clock{}
	env := StartEnv(t, EnvOptions{Now: clock.Now})
	tok, err := os.ReadFile(env.TokenFile)
	require.NoError(t, err)

	httpClient := &http.Client{}
	defer httpClient.CloseIdleConnections()
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(env.STS.URL()), HTTPClient: httpClient})
	out, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(env.RoleARN),
		RoleSessionName:  aws.String("pod-session"),
		WebIdentityToken: aws.String(string(tok)),
		DurationSeconds:  aws.Int32(1800),
	})
	require.NoError(t, err)
	c := out.Credentials
	assert.Regexp(t, `^ASIA[A-Z2-7]{16}$`, *c.AccessKeyId)
	assert.Len(t, *c.SecretAccessKey, 40)
	assert.Greater(t, len(*c.SessionToken), 300)
	assert.Equal(t, clock.Now().Add(30*time.Minute), *c.Expiration)
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/irsa-app/pod-session", *out.AssumedRoleUser.Arn)
	assert.Regexp(t, `^AROA[A-Z2-7]{17}:pod-session$`, *out.AssumedRoleUser.AssumedRoleId)
	assert.Equal(t, "system:serviceaccount:default:app", *out.SubjectFromWebIdentityToken)
	assert.Equal(t, "sts.amazonaws.com", *out.Audience)
	assert.Equal(t, "arn:aws:iam::111122223333:oidc-provider/"+env.Issuer.HostPath(), *out.Provider)

	calls := env.STS.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, Call{
		Time: clock.Now(), RequestID: calls[0].RequestID, Operation: OpAssumeRoleWithWebIdentity,
		RoleARN: env.RoleARN, SessionName: "pod-session", Caller: "system:serviceaccount:default:app",
		DurationSeconds: 1800, IssuedAccessKeyID: *c.AccessKeyId, Status: 200,
	}, calls[0])
	assert.Equal(t, 1, env.STS.Count(OpAssumeRoleWithWebIdentity))
	assert.Equal(t, 1, env.STS.CountRole(env.RoleARN))
	assert.Equal(t, 1, env.Issuer.JWKSRequests())
}
