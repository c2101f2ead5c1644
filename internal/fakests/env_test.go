package fakests

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvIsAPodOnEKS(t *testing.T) {
	leakcheck.Check(t)
	clock := fakeoidc.NewClock(time.Now().UTC().Truncate(time.Second))
	env := StartEnv(t, EnvOptions{Now: clock.Now, Account: acctB, RoleName: "api", Namespace: "payments", ServiceAccount: "api",
		MaxSessionDuration: 2 * time.Hour, Region: "eu-west-1"})
	assert.Equal(t, "arn:aws:iam::"+acctB+":role/api", env.RoleARN)
	for k, want := range map[string]string{
		"AWS_ROLE_ARN": env.RoleARN, "AWS_WEB_IDENTITY_TOKEN_FILE": env.TokenFile, "AWS_ENDPOINT_URL_STS": env.STS.URL(),
		"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_STS_REGIONAL_ENDPOINTS": "regional", "HOME": "",
	} {
		assert.Equal(t, want, env.Getenv(k), k)
	}
	first, err := os.ReadFile(env.TokenFile)
	require.NoError(t, err)
	clock.Advance(time.Minute)
	rotated, err := env.RotateToken()
	require.NoError(t, err)
	now, err := os.ReadFile(env.TokenFile)
	require.NoError(t, err)
	assert.Equal(t, rotated, string(now))
	assert.NotEqual(t, string(first), rotated)
	assert.Equal(t, 1, env.Issuer.Rotations())

	hc := &http.Client{}
	defer hc.CloseIdleConnections()
	client := sts.New(sts.Options{Region: env.Region, BaseEndpoint: aws.String(env.STS.URL()), HTTPClient: hc, Retryer: aws.NopRetryer{}})
	out, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(env.RoleARN), RoleSessionName: aws.String("pod"), WebIdentityToken: aws.String(rotated), DurationSeconds: aws.Int32(7200),
	})
	require.NoError(t, err)
	assert.Equal(t, "system:serviceaccount:payments:api", aws.ToString(out.SubjectFromWebIdentityToken))
	assert.Equal(t, clock.Now().Add(2*time.Hour), aws.ToTime(out.Credentials.Expiration), "the role's MaxSessionDuration")
}
