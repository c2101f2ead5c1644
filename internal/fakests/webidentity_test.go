package fakests

import (
	"crypto/rsa"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebIdentityIssuesCredentialsForTheTrustedServiceAccount(t *testing.T) {
	w := newWorld(t)
	out, creds := w.webIdentity(t)
	hp := w.iss.HostPath()
	assert.Equal(t, "system:serviceaccount:default:app", aws.ToString(out.SubjectFromWebIdentityToken))
	assert.Equal(t, "sts.amazonaws.com", aws.ToString(out.Audience))
	assert.Equal(t, "arn:aws:iam::"+acctA+":oidc-provider/"+hp, aws.ToString(out.Provider))
	assert.Equal(t, "arn:aws:sts::"+acctA+":assumed-role/web/web-session", aws.ToString(out.AssumedRoleUser.Arn))
	assert.Regexp(t, `^AROA[A-Z2-7]{17}:web-session$`, aws.ToString(out.AssumedRoleUser.AssumedRoleId))
	assert.Regexp(t, `^ASIA[A-Z2-7]{16}$`, creds.AccessKeyID)
	assert.Len(t, creds.SecretAccessKey, 40)
	assert.Greater(t, len(creds.SessionToken), 300)
	assert.Equal(t, w.clock.Now().Add(time.Hour), aws.ToTime(out.Credentials.Expiration), "one hour by default")
	assert.NotEmpty(t, out.ResultMetadata)

	issued, ok := w.srv.LookupIssued(creds.AccessKeyID)
	require.True(t, ok)
	assert.Equal(t, fakes3.Credential{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken,
		Expires: w.clock.Now().Add(time.Hour), Identity: aws.ToString(out.AssumedRoleUser.Arn)}, issued)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		s := fmt.Sprintf(verb, issued)
		assert.Contains(t, s, creds.AccessKeyID)
		assert.NotContains(t, s, creds.SecretAccessKey)
		assert.NotContains(t, s, creds.SessionToken)
	}
	_, ok = w.srv.LookupIssued(userKey)
	assert.False(t, ok, "long-term keys are not issued credentials")

	calls := w.srv.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, Call{Operation: OpAssumeRoleWithWebIdentity, RoleARN: w.webRole, SessionName: "web-session",
		Caller: "system:serviceaccount:default:app", Status: 200}, calls[0])
	assert.Equal(t, `AssumeRoleWithWebIdentity role="`+w.webRole+`" session="web-session" caller="system:serviceaccount:default:app" duration=0 -> 200 OK`, calls[0].String())
}

func TestWebIdentityRefusesWhatSTSRefuses(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	wildcardRole := "arn:aws:iam::" + acctA + ":role/payments"
	require.NoError(t, w.srv.AddRole(Role{ARN: wildcardRole, TrustPolicy: WebIdentityTrustPolicy(acctA, w.iss.URL(), "system:serviceaccount:payments:*", "sts.amazonaws.com")}))
	tok := func(o fakeoidc.TokenOptions) string { return w.token(t, o) }
	long := webIdentityParams(w.webRole, "s1", tok(fakeoidc.TokenOptions{}))
	long.Set("DurationSeconds", "7200")
	cases := []struct {
		name, role, token string
		params            map[string]string
		status            int
		code, message     string
	}{
		{"a token that is not a JWT", w.webRole, "not.a.jwt", nil, 400, "InvalidIdentityToken", "not a valid JWT"},
		{"a token of an unregistered issuer", w.webRole, tok(fakeoidc.TokenOptions{Claims: map[string]any{"iss": "https://evil.example/id/X"}}), nil, 400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://evil.example/id/X"},
		{"an audience that is not a client ID", w.webRole, tok(fakeoidc.TokenOptions{Audience: []string{"vault"}}), nil, 400, "InvalidIdentityToken", "Incorrect token audience"},
		{"a token without sub", w.webRole, tok(fakeoidc.TokenOptions{Claims: map[string]any{"sub": nil}}), nil, 400, "InvalidIdentityToken", "Missing a required claim"},
		{"a token without exp", w.webRole, tok(fakeoidc.TokenOptions{Claims: map[string]any{"exp": nil}}), nil, 400, "InvalidIdentityToken", "Missing a required claim"},
		{"a token signed by another key", w.webRole, tok(fakeoidc.TokenOptions{Key: fakeoidc.OtherKey()}), nil, 400, "InvalidIdentityToken", "signature could not be verified"},
		{"an unsigned token", w.webRole, tok(fakeoidc.TokenOptions{Header: map[string]any{"alg": "none"}}), nil, 400, "InvalidIdentityToken", "Unsupported token signing algorithm"},
		{"a kid the issuer does not publish", w.webRole, tok(fakeoidc.TokenOptions{Header: map[string]any{"kid": "rotated-away"}}), nil, 400, "InvalidIdentityToken", msgVerificationKey},
		{"an expired token", w.webRole, tok(fakeoidc.TokenOptions{Expires: now}), nil, 400, "ExpiredTokenException", "Token expired"},
		{"a token not yet valid", w.webRole, tok(fakeoidc.TokenOptions{Claims: map[string]any{"nbf": now.Add(time.Minute).Unix()}}), nil, 403, "IDPRejectedClaim", "not yet valid"},
		{"another service account than the trusted one", w.webRole, tok(fakeoidc.TokenOptions{ServiceAccount: "other"}), nil, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"a StringLike sub condition outside its pattern", wildcardRole, tok(fakeoidc.TokenOptions{Namespace: "billing"}), nil, 403, "AccessDenied", "Not authorized"},
		{"a role that does not exist", "arn:aws:iam::" + acctA + ":role/missing", tok(fakeoidc.TokenOptions{}), nil, 403, "AccessDenied", "Not authorized"},
		{"a duration over the role's maximum", w.webRole, tok(fakeoidc.TokenOptions{}), map[string]string{"DurationSeconds": "7200"}, 400, "ValidationError", "exceeds the MaxSessionDuration"},
		{"a session name STS does not accept, and a short duration", w.webRole, tok(fakeoidc.TokenOptions{}), map[string]string{"RoleSessionName": "a b", "DurationSeconds": "60"},
			400, "ValidationError", "2 validation errors detected: Value 'a b' at 'roleSessionName'"},
		{"no token at all", w.webRole, "", map[string]string{"WebIdentityToken": "-"}, 400, "ValidationError", "Value null at 'webIdentityToken'"},
		{"an operation STS does not have", w.webRole, "", map[string]string{"Action": "AssumeRoot"}, 400, "InvalidAction", "Could not find operation AssumeRoot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := webIdentityParams(tc.role, "s1", tc.token)
			for k, v := range tc.params {
				p.Set(k, v)
				if v == "-" {
					p.Del(k)
				}
			}
			status, body, e := post(t, w.srv, p)
			require.NotNil(t, e, "%s", body)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, e.Code)
			assert.Contains(t, e.Message, tc.message)
			assert.NotEmpty(t, e.RequestID)
			if tc.token != "" {
				assert.NotContains(t, string(body), tc.token, "the token is never echoed")
			}
			calls := w.srv.Calls()
			assert.Equal(t, tc.code, calls[len(calls)-1].Code)
		})
	}
	t.Run("a sub that matches the StringLike pattern is allowed", func(t *testing.T) {
		status, _, e := post(t, w.srv, webIdentityParams(wildcardRole, "s1", tok(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api"})))
		assert.Equal(t, 200, status, "%v", e)
	})
}

func TestWebIdentityFetchesKeysOnceAndAgainForAnUnknownKid(t *testing.T) {
	w := newWorld(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, e := post(t, w.srv, webIdentityParams(w.webRole, "s1", w.token(t, fakeoidc.TokenOptions{})))
			assert.Equal(t, 200, status, "%v", e)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, w.iss.JWKSFetches(), "concurrent cold calls fetch the keys once")
	status, _, _ := post(t, w.srv, webIdentityParams(w.webRole, "s1", w.token(t, fakeoidc.TokenOptions{Header: map[string]any{"kid": "new-key"}})))
	assert.Equal(t, 400, status)
	assert.Equal(t, 2, w.iss.JWKSFetches(), "an unknown kid fetches again")

	w.srv.keys = map[string]map[string]*rsa.PublicKey{} // forget the keys
	w.iss.SetUnavailable(true)
	_, _, e := post(t, w.srv, webIdentityParams(w.webRole, "s1", w.token(t, fakeoidc.TokenOptions{})))
	require.NotNil(t, e)
	assert.Equal(t, "InvalidIdentityToken", e.Code)
	assert.Equal(t, msgVerificationKey, e.Message, "an issuer that cannot be reached")
}

// FuzzParseJWT: any input is refused or parsed into a token whose signing input is its first
// two segments; nothing panics.
func FuzzParseJWT(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL3giLCJhdWQiOlsiYSJdLCJleHAiOjF9.c2ln")
	f.Add("a.b.c")
	f.Add("..")
	f.Add("e30.e30.")
	for _, m := range fakeoidc.MalformedTokens() {
		f.Add(m.Token)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		j, err := parseJWT(tok)
		if err == nil && !strings.HasPrefix(tok, j.signingInput+".") {
			t.Fatalf("signing input %q is not the token's prefix", j.signingInput)
		}
	})
}
