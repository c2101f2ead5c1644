package fakests

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/stsxml"
	"github.com/stretchr/testify/require"
)

const (
	acctA = "111122223333"
	acctB = "444455556666"
	acctC = "777788889999"
)

// world is an issuer and a server with a settable clock that starts at the real time (SDK
// clients sign with the real time).
type world struct {
	clock *fakeoidc.Clock
	iss   *fakeoidc.Issuer
	srv   *Server
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clock := fakeoidc.NewClock(time.Now().UTC().Truncate(time.Second))
	w := &world{clock: clock, iss: fakeoidc.Start(t, fakeoidc.Options{Now: clock.Now}), srv: Start(t, Options{Now: clock.Now})}
	require.NoError(t, w.srv.AddOIDCProvider(w.iss.URL(), fakeoidc.DefaultAudience))
	return w
}

// webRole adds a web identity role in acctA trusting sub.
func (w *world) webRole(t *testing.T, name, sub string) string {
	t.Helper()
	arn := "arn:aws:iam::" + acctA + ":role/" + name
	require.NoError(t, w.srv.AddRole(Role{ARN: arn, TrustPolicy: WebIdentityTrustPolicy(acctA, w.iss.URL(), sub, fakeoidc.DefaultAudience)}))
	return arn
}

func (w *world) token(t *testing.T, opts fakeoidc.TokenOptions) string {
	t.Helper()
	tok, err := w.iss.Sign(opts)
	require.NoError(t, err)
	return tok
}

// webIdentity assumes roleARN with a default token and returns the credentials.
func (w *world) webIdentity(t *testing.T, roleARN string) aws.Credentials {
	t.Helper()
	status, body := post(t, w.srv, webIdentityParams(roleARN, "web-session", w.token(t, fakeoidc.TokenOptions{})))
	require.Equal(t, 200, status, "%s", body)
	out, err := decodeWebIdentity(body)
	require.NoError(t, err)
	return aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
}

// sdk returns a real *sts.Client pointed at the server, signing with creds, without retries.
func (w *world) sdk(t *testing.T, creds aws.Credentials) *sts.Client {
	t.Helper()
	hc := &http.Client{}
	t.Cleanup(hc.CloseIdleConnections)
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(w.srv.URL()),
		Credentials:  aws.NewCredentialsCache(credentials(creds)),
		HTTPClient:   hc,
		Retryer:      aws.NopRetryer{},
	})
}

type credentials aws.Credentials

func (c credentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}

// signedPost builds a POST of params signed with creds at signingTime (the SDK's signer, as
// the SDK's STS client signs), with an optional change after signing.
func signedPost(t *testing.T, srv *Server, params url.Values, creds aws.Credentials, region string, signingTime time.Time, tamper func(*http.Request)) (int, []byte) {
	t.Helper()
	body := params.Encode()
	req, err := http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", region, signingTime))
	if tamper != nil {
		tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b.Bytes()
}

func decodeWebIdentity(body []byte) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return stsxmlDecodeWebIdentity(body)
}

func stsxmlDecodeWebIdentity(body []byte) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return stsxml.DecodeAssumeRoleWithWebIdentity(200, bytes.NewReader(body))
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func signer() *v4.Signer { return v4.NewSigner() }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
