package fakests

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	acctA    = "111122223333"
	acctB    = "444455556666"
	userARN  = "arn:aws:iam::" + acctA + ":user/alice"
	userKey  = "AKIAALICE0000000001"
	userSecr = "alice-secret-key-0123456789"
)

// world is an issuer and a server with a settable clock that starts at the real time (SDK
// clients sign with the real time), and a web identity role trusting default/app.
type world struct {
	clock   *fakeoidc.Clock
	iss     *fakeoidc.Issuer
	srv     *Server
	webRole string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clock := fakeoidc.NewClock(time.Now().UTC().Truncate(time.Second))
	w := &world{clock: clock, iss: fakeoidc.Start(t, fakeoidc.Options{Now: clock.Now}), srv: New(Options{Now: clock.Now})}
	t.Cleanup(w.srv.Close)
	w.srv.AddOIDCProvider(w.iss.URL(), fakeoidc.DefaultAudience)
	w.webRole = "arn:aws:iam::" + acctA + ":role/web"
	require.NoError(t, w.srv.AddRole(Role{ARN: w.webRole, TrustPolicy: WebIdentityTrustPolicy(acctA, w.iss.URL(), "system:serviceaccount:default:app", fakeoidc.DefaultAudience)}))
	require.NoError(t, w.srv.AddUser(userKey, userSecr, userARN))
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	return w
}

func (w *world) token(t *testing.T, opts fakeoidc.TokenOptions) string {
	t.Helper()
	tok, err := w.iss.Sign(opts)
	require.NoError(t, err)
	return tok
}

func webIdentityParams(roleARN, session, token string) url.Values {
	return url.Values{"Action": {OpAssumeRoleWithWebIdentity}, "Version": {"2011-06-15"}, "RoleArn": {roleARN}, "RoleSessionName": {session}, "WebIdentityToken": {token}}
}

// post sends params unsigned and returns the status and the decoded error (nil for 200).
func post(t *testing.T, s *Server, params url.Values) (int, []byte, *stsxml.Error) {
	t.Helper()
	resp, err := http.PostForm(s.URL(), params)
	require.NoError(t, err)
	defer resp.Body.Close()
	return answer(t, resp)
}

func answer(t *testing.T, resp *http.Response) (int, []byte, *stsxml.Error) {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, body, nil
	}
	_, err = stsxml.DecodeAssumeRole(resp.StatusCode, bytes.NewReader(body))
	var e *stsxml.Error
	require.True(t, errors.As(err, &e), "not an STS error document: %v\n%s", err, body)
	return resp.StatusCode, body, e
}

// webIdentity assumes the world's web role with a fresh default token.
func (w *world) webIdentity(t *testing.T) (*sts.AssumeRoleWithWebIdentityOutput, aws.Credentials) {
	t.Helper()
	status, body, e := post(t, w.srv, webIdentityParams(w.webRole, "web-session", w.token(t, fakeoidc.TokenOptions{})))
	require.Equal(t, 200, status, "%v", e)
	out, err := stsxml.DecodeAssumeRoleWithWebIdentity(200, bytes.NewReader(body))
	require.NoError(t, err)
	c := out.Credentials
	return out, aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}
}

// sdk returns aws-sdk-go-v2's STS client pointed at the server, signing with creds, without
// retries.
func (w *world) sdk(t *testing.T, creds aws.Credentials) *sts.Client {
	t.Helper()
	hc := &http.Client{}
	t.Cleanup(hc.CloseIdleConnections)
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.srv.URL()), HTTPClient: hc, Retryer: aws.NopRetryer{},
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })})
}

// signedPost sends params signed with creds for service "sts" at signedAt, with an optional
// change after signing.
func signedPost(t *testing.T, s *Server, params url.Values, creds aws.Credentials, signedAt time.Time, tamper func(*http.Request)) (int, *stsxml.Error) {
	t.Helper()
	body := params.Encode()
	req, err := http.NewRequest(http.MethodPost, s.URL(), strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", signedAt))
	if tamper != nil {
		tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	status, _, e := answer(t, resp)
	return status, e
}
