package fakests

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/peers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvGetenvAndRotation(t *testing.T) {
	leakcheck.Check(t)
	clock := fakeoidc.NewClock(time.Now().UTC())
	env := StartEnv(t, EnvOptions{Now: clock.Now, Namespace: "payments", ServiceAccount: "api", Account: acctB, RoleName: "payments-api", Region: "eu-central-1"})
	defer http.DefaultClient.CloseIdleConnections()

	assert.Equal(t, "arn:aws:iam::"+acctB+":role/payments-api", env.Getenv("AWS_ROLE_ARN"))
	assert.Equal(t, env.TokenFile, env.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"))
	assert.Equal(t, env.STS.URL(), env.Getenv("AWS_ENDPOINT_URL_STS"))
	assert.Equal(t, "eu-central-1", env.Getenv("AWS_REGION"))
	assert.Equal(t, "", env.Getenv("AWS_ACCESS_KEY_ID"))
	assert.Equal(t, "eu-central-1", env.Getenv("AWS_DEFAULT_REGION"), "botocore 1.43 reads only AWS_DEFAULT_REGION")
	assert.Equal(t, "regional", env.Getenv("AWS_STS_REGIONAL_ENDPOINTS"))
	assert.Len(t, env.Environ(), 6)
	for _, kv := range env.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		assert.Equal(t, env.Getenv(k), v)
	}
	assert.Equal(t, filepath.Join(filepath.Dir(env.TokenFile), "token"), env.TokenFile)

	first, err := os.ReadFile(env.TokenFile)
	require.NoError(t, err)
	status, body := post(t, env.STS, webIdentityParams(env.RoleARN, "s1", string(first)))
	require.Equal(t, 200, status, "%s", body)
	out, err := decodeWebIdentity(body)
	require.NoError(t, err)
	assert.Equal(t, "system:serviceaccount:payments:api", *out.SubjectFromWebIdentityToken)

	clock.Advance(time.Hour)
	rotated, err := env.RotateToken()
	require.NoError(t, err)
	second, err := os.ReadFile(env.TokenFile)
	require.NoError(t, err)
	assert.Equal(t, rotated, string(second))
	assert.NotEqual(t, string(first), string(second))
	assert.Equal(t, 1, env.Issuer.Volume().Rotations())
	status, _ = post(t, env.STS, webIdentityParams(env.RoleARN, "s2", string(second)))
	assert.Equal(t, 200, status)

	t.Run("another service account is not trusted", func(t *testing.T) {
		tok, err := env.Issuer.Sign(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "other"})
		require.NoError(t, err)
		status, _ := post(t, env.STS, webIdentityParams(env.RoleARN, "s3", tok))
		assert.Equal(t, 403, status)
	})
}

func TestNewEnvWithoutTestingAndItsErrors(t *testing.T) {
	env, err := NewEnv(EnvOptions{})
	require.NoError(t, err)
	dir := filepath.Dir(env.TokenFile)
	assert.Equal(t, "arn:aws:iam::111122223333:role/irsa-app", env.RoleARN)
	env.Close()
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist, "Close removes the temporary token directory")

	_, err = NewEnv(EnvOptions{MaxSessionDuration: 13 * time.Hour, TokenDir: t.TempDir()})
	assert.ErrorContains(t, err, "MaxSessionDuration 13h0m0s must be between 1h and 12h")
	_, err = NewEnv(EnvOptions{Account: "12", TokenDir: t.TempDir()})
	assert.ErrorContains(t, err, "must look like arn:aws:iam::123456789012:role/NAME")
}

// Many pods refreshing at once: every call succeeds, records and counters add up, -race is quiet.
func TestConcurrentCallers(t *testing.T) {
	leakcheck.Check(t)
	w := newWorld(t)
	arn := w.webRole(t, "app", "system:serviceaccount:default:app")
	client := &http.Client{}
	defer client.CloseIdleConnections()
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.srv.URL()), HTTPClient: client, Retryer: aws.NopRetryer{}})
			for r := 0; r < rounds; r++ {
				tok, err := w.iss.Sign(fakeoidc.TokenOptions{})
				if err != nil {
					errs <- err
					return
				}
				out, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(arn), RoleSessionName: aws.String(fmt.Sprintf("w%d-r%d", i, r)), WebIdentityToken: aws.String(tok)})
				if err != nil {
					errs <- err
					continue
				}
				creds := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
				_, err = c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.Options) { o.Credentials = credentials(creds) })
				if err != nil {
					errs <- err
				}
				_ = w.srv.Calls()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, workers*rounds, w.srv.Count(OpAssumeRoleWithWebIdentity))
	assert.Equal(t, workers*rounds, w.srv.Count(OpGetCallerIdentity))
	assert.Equal(t, workers*rounds, w.srv.IssuedCount())
	keys := map[string]bool{}
	for _, c := range w.srv.Calls() {
		if c.IssuedAccessKeyID != "" {
			keys[c.IssuedAccessKeyID] = true
		}
	}
	assert.Len(t, keys, workers*rounds, "issued access key IDs are unique")
	assert.Equal(t, 1, w.iss.JWKSRequests(), "concurrent callers share the cached keys")
}

// Botocore (the AWS CLI's engine) talks to the fake STS the way it talks to AWS: web identity
// from the environment, then a SigV4-signed GetCallerIdentity with the issued credentials.
func TestBotocoreUsesTheFakeSTSThroughWebIdentityEnv(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		peers.Missing(t, "python3 not on PATH")
	}
	if out, err := exec.Command(py, "-c", "import boto3, botocore").CombinedOutput(); err != nil {
		peers.Missing(t, "python3 cannot import boto3/botocore: %v: %s", err, strings.TrimSpace(string(out)))
	}
	env := StartEnv(t, EnvOptions{}) // real clock: botocore signs with the real time
	home := t.TempDir()
	script := `
import boto3, json
session = boto3.Session()
ident = session.client("sts").get_caller_identity()
creds = session.get_credentials().get_frozen_credentials()
print(json.dumps({"Arn": ident["Arn"], "Account": ident["Account"], "UserId": ident["UserId"], "KeyPrefix": creds.access_key[:4]}))
`
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", script)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ROLE_SESSION_NAME=botocore-test",
	}, env.Environ()...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "botocore failed:\n%s\ncalls: %v", out, env.STS.Calls())
	assert.JSONEq(t, `{"Arn":"arn:aws:sts::111122223333:assumed-role/irsa-app/botocore-test","Account":"111122223333","UserId":"`+
		stableID("AROA", env.RoleARN)+`:botocore-test","KeyPrefix":"ASIA"}`, strings.TrimSpace(string(out)))

	calls := env.STS.Calls()
	require.Len(t, calls, 2, "%v", calls)
	assert.Equal(t, OpAssumeRoleWithWebIdentity, calls[0].Operation)
	assert.Equal(t, "botocore-test", calls[0].SessionName)
	assert.Equal(t, OpGetCallerIdentity, calls[1].Operation)
	assert.Equal(t, calls[0].IssuedAccessKeyID, calls[1].AccessKeyID)
	assert.Equal(t, "us-east-1", calls[1].SigningRegion)
}
