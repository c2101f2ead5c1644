package fakests

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	alice     = aws.Credentials{AccessKeyID: "AKIAALICEEXAMPLE0001", SecretAccessKey: "alice/secret/key/EXAMPLEKEYxxxxxxxxxxxxx"}
	aliceARN  = "arn:aws:iam::" + acctA + ":user/alice"
	rootCreds = aws.Credentials{AccessKeyID: "AKIAROOTEXAMPLE00001", SecretAccessKey: "root/secret/key/EXAMPLEKEYxxxxxxxxxxxxxx"}
)

func apiCode(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	return ae.ErrorCode()
}

func TestRealSDKClientSucceedsForAllThreeOperations(t *testing.T) {
	leakcheck.Check(t)
	w := newWorld(t)
	require.NoError(t, w.srv.AddUser(alice.AccessKeyID, alice.SecretAccessKey, aliceARN))
	webRole := w.webRole(t, "web", "system:serviceaccount:default:app")
	target := "arn:aws:iam::" + acctB + ":role/target"
	require.NoError(t, w.srv.AddRole(Role{ARN: target, TrustPolicy: AssumeRoleTrustPolicy(acctA, "")}))
	ctx := context.Background()

	// GetCallerIdentity signed by a user.
	id, err := w.sdk(t, alice).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, acctA, *id.Account)
	assert.Equal(t, aliceARN, *id.Arn)
	assert.Regexp(t, `^AIDA[A-Z2-7]{17}$`, *id.UserId)

	// AssumeRoleWithWebIdentity (unsigned), then GetCallerIdentity with its credentials.
	web, err := w.sdk(t, aws.Credentials{}).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(webRole), RoleSessionName: aws.String("pod"), WebIdentityToken: aws.String(w.token(t, fakeoidc.TokenOptions{})),
	})
	require.NoError(t, err)
	webCreds := aws.Credentials{AccessKeyID: *web.Credentials.AccessKeyId, SecretAccessKey: *web.Credentials.SecretAccessKey, SessionToken: *web.Credentials.SessionToken}
	id, err = w.sdk(t, webCreds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+acctA+":assumed-role/web/pod", *id.Arn)
	assert.Equal(t, *web.AssumedRoleUser.AssumedRoleId, *id.UserId)

	// AssumeRole signed by the user, into account B.
	ar, err := w.sdk(t, alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("alice-session"), DurationSeconds: aws.Int32(900)})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+acctB+":assumed-role/target/alice-session", *ar.AssumedRoleUser.Arn)
	assert.Equal(t, w.clock.Now().Add(15*time.Minute), *ar.Credentials.Expiration)
	assert.NotEqual(t, *web.Credentials.AccessKeyId, *ar.Credentials.AccessKeyId)

	calls := w.srv.Calls()
	require.Len(t, calls, 4)
	assert.Equal(t, "AKIAALICEEXAMPLE0001", calls[3].AccessKeyID)
	assert.Equal(t, aliceARN, calls[3].Caller)
	assert.Equal(t, "us-east-1", calls[3].SigningRegion)
	assert.Equal(t, *ar.Credentials.AccessKeyId, calls[3].IssuedAccessKeyID)
	assert.Equal(t, 2, w.srv.Count(OpGetCallerIdentity))
	assert.Equal(t, 1, w.srv.CountRole(target))
}

func TestSignedCallsAreRefusedLikeSTSRefusesThem(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.srv.AddUser(alice.AccessKeyID, alice.SecretAccessKey, aliceARN))
	webRole := w.webRole(t, "web", "system:serviceaccount:default:app")
	session := w.webIdentity(t, webRole)
	gci := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	now := w.clock.Now()

	tests := []struct {
		name      string
		creds     aws.Credentials
		region    string
		at        time.Time
		tamper    func(*http.Request)
		status    int
		code, msg string
	}{
		{"a wrong secret does not match", aws.Credentials{AccessKeyID: alice.AccessKeyID, SecretAccessKey: "wrong"}, "us-east-1", now, nil,
			403, "SignatureDoesNotMatch", msgSignatureDoesNotMatch},
		{"an unknown access key ID is an invalid client token", aws.Credentials{AccessKeyID: "AKIANOBODY0000000000", SecretAccessKey: "x"}, "us-east-1", now, nil,
			403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"issued keys without their session token are invalid", aws.Credentials{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey}, "us-east-1", now, nil,
			403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"issued keys with another session token are invalid", aws.Credentials{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey, SessionToken: "forged"}, "us-east-1", now, nil,
			403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"a long-term key with a session token is invalid", aws.Credentials{AccessKeyID: alice.AccessKeyID, SecretAccessKey: alice.SecretAccessKey, SessionToken: "x"}, "us-east-1", now, nil,
			403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"a request signed 16 minutes ago has expired", alice, "us-east-1", now.Add(-16 * time.Minute), nil,
			403, "SignatureDoesNotMatch", "Signature expired: " + now.Add(-16*time.Minute).UTC().Format(amzDateFormat) + " is now earlier than " + now.Add(-15*time.Minute).UTC().Format(amzDateFormat) + " (" + now.UTC().Format(amzDateFormat) + " - 15 min.)"},
		{"a request signed 16 minutes ahead is not yet current", alice, "us-east-1", now.Add(16 * time.Minute), nil,
			403, "SignatureDoesNotMatch", "Signature not yet current: " + now.Add(16*time.Minute).UTC().Format(amzDateFormat) + " is still later than " + now.Add(15*time.Minute).UTC().Format(amzDateFormat) + " (" + now.UTC().Format(amzDateFormat) + " + 15 min.)"},
		{"a body changed after signing does not match", alice, "us-east-1", now, func(r *http.Request) {
			body := "Action=GetCallerIdentity&Version=2011-06-15&X=1"
			r.Body, r.ContentLength = ioNopCloser(body), int64(len(body))
		}, 403, "SignatureDoesNotMatch", msgSignatureDoesNotMatch},
		{"a signed header changed after signing does not match", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=latin1")
		}, 403, "SignatureDoesNotMatch", msgSignatureDoesNotMatch},
		{"no Authorization header is a missing authentication token", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Del("Authorization")
		}, 403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{"another algorithm is an incomplete signature", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Set("Authorization", "AWS3 Credential=x")
		}, 400, "IncompleteSignature", "Unsupported AWS 'algorithm': 'AWS3'. Only AWS4-HMAC-SHA256 is supported."},
		{"an Authorization header without a signature is incomplete", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+alice.AccessKeyID+"/20260101/us-east-1/sts/aws4_request, SignedHeaders=host")
		}, 400, "IncompleteSignature", "Authorization header requires 'Signature' parameter."},
		{"a credential scope with four parts is incomplete", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+alice.AccessKeyID+"/20260101/us-east-1/aws4_request, SignedHeaders=host, Signature=00")
		}, 400, "IncompleteSignature", "Credential should have exactly 5 slash-separated components: access key ID, date, region, service, aws4_request."},
		{"a scope for another service does not match", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/sts/", "/s3/", 1))
		}, 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'."},
		{"a scope date other than X-Amz-Date's does not match", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/"+now.UTC().Format("20060102")+"/", "/19990101/", 1))
		}, 403, "SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '19990101' != '" + now.UTC().Format("20060102") + "', from '" + now.UTC().Format(amzDateFormat) + "'."},
		{"a request without X-Amz-Date is incomplete", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Del("X-Amz-Date")
		}, 400, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
		{"host must be signed", alice, "us-east-1", now, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=content-length;content-type;host;x-amz-date", "SignedHeaders=content-length;content-type;x-amz-date", 1))
		}, 403, "SignatureDoesNotMatch", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"a signature computed for another region does not match the claimed scope", alice, "eu-west-1", now, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/eu-west-1/", "/us-east-1/", 1))
		}, 403, "SignatureDoesNotMatch", msgSignatureDoesNotMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := signedPost(t, w.srv, gci, tt.creds, tt.region, tt.at, tt.tamper)
			e := stsErr(t, status, body)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.msg, e.Message)
			if len(tt.creds.SecretAccessKey) > 4 {
				assert.NotContains(t, string(body), tt.creds.SecretAccessKey)
			}
			assert.NotContains(t, string(body), session.SessionToken)
		})
	}

	t.Run("a request signed for any region with a matching scope is accepted", func(t *testing.T) {
		status, body := signedPost(t, w.srv, gci, alice, "eu-west-1", now, nil)
		assert.Equal(t, 200, status, "%s", body)
		calls := w.srv.Calls()
		assert.Equal(t, "eu-west-1", calls[len(calls)-1].SigningRegion)
	})
	t.Run("a request signed 14 minutes ago is accepted", func(t *testing.T) {
		status, body := signedPost(t, w.srv, gci, alice, "us-east-1", now.Add(-14*time.Minute), nil)
		assert.Equal(t, 200, status, "%s", body)
	})
	t.Run("a signature without content-length, as botocore signs, is accepted", func(t *testing.T) {
		status, body := signedPost(t, w.srv, gci, alice, "us-east-1", now, nil) // baseline
		require.Equal(t, 200, status, "%s", body)
		req, err := http.NewRequest(http.MethodPost, w.srv.URL(), nil)
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		payload := gci.Encode()
		require.NoError(t, signer().SignHTTP(context.Background(), alice, req, sha256Hex(payload), "sts", "us-east-1", now))
		assert.NotContains(t, req.Header.Get("Authorization"), "content-length")
		req.Body, req.ContentLength = ioNopCloser(payload), int64(len(payload))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
	})
}

func TestIssuedCredentialsExpireAndCanBeRevoked(t *testing.T) {
	w := newWorld(t)
	webRole := w.webRole(t, "web", "system:serviceaccount:default:app")
	gci := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	session := w.webIdentity(t, webRole) // one hour
	status, _ := signedPost(t, w.srv, gci, session, "us-east-1", w.clock.Now(), nil)
	require.Equal(t, 200, status)

	w.clock.Advance(time.Hour)
	status, body := signedPost(t, w.srv, gci, session, "us-east-1", w.clock.Now(), nil)
	e := stsErr(t, status, body)
	assert.Equal(t, 403, status)
	assert.Equal(t, "ExpiredToken", e.Code)
	assert.Equal(t, "The security token included in the request is expired", e.Message)

	fresh := w.webIdentity(t, webRole)
	w.srv.Revoke(fresh.AccessKeyID)
	status, body = signedPost(t, w.srv, gci, fresh, "us-east-1", w.clock.Now(), nil)
	assert.Equal(t, 403, status)
	assert.Equal(t, "InvalidClientTokenId", stsErr(t, status, body).Code)
	assert.Equal(t, 2, w.srv.IssuedCount(), "revoking does not change how many were issued")
}

func TestRealSDKClientWithAWrongSecretGetsSignatureDoesNotMatch(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.srv.AddUser(alice.AccessKeyID, alice.SecretAccessKey, aliceARN))
	_, err := w.sdk(t, aws.Credentials{AccessKeyID: alice.AccessKeyID, SecretAccessKey: "not-alices-secret"}).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.Error(t, err)
	assert.Equal(t, "SignatureDoesNotMatch", apiCode(t, err))
	var re interface{ HTTPStatusCode() int }
	require.True(t, errors.As(err, &re))
	assert.Equal(t, 403, re.HTTPStatusCode())
	assert.NotContains(t, err.Error(), "not-alices-secret")
}
