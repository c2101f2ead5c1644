package fakests

import (
	"context"
	"errors"
	"fmt"
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

func TestAssumeRoleWithWebIdentityRefusesWhatRealSTSRefuses(t *testing.T) {
	w := newWorld(t)
	roleARN := w.webRole(t, "app", "system:serviceaccount:default:app")
	now := w.clock.Now()
	good := w.token(t, fakeoidc.TokenOptions{})
	otherIssuer := fakeoidc.Start(t, fakeoidc.Options{Now: w.clock.Now, Path: "/id/OTHER"})

	tests := []struct {
		name        string
		params      url.Values
		status      int
		code, msg   string
		msgContains bool
	}{
		{"missing role ARN, session name and token are three validation errors",
			url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}},
			400, "ValidationError", "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null; Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null", false},
		{"a session name with a space breaks the pattern",
			webIdentityParams(roleARN, "my session", good),
			400, "ValidationError", `1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`, false},
		{"a one-character session name is too short",
			webIdentityParams(roleARN, "x", good),
			400, "ValidationError", "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2", false},
		{"a 65-character session name is too long",
			webIdentityParams(roleARN, strings.Repeat("s", 65), good),
			400, "ValidationError", "Member must have length less than or equal to 64", true},
		{"a duration under 900 seconds is refused",
			with(webIdentityParams(roleARN, "s1", good), "DurationSeconds", "899"),
			400, "ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", false},
		{"a duration over 43200 seconds is refused",
			with(webIdentityParams(roleARN, "s1", good), "DurationSeconds", "43201"),
			400, "ValidationError", "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", false},
		{"a duration that is not a number is refused",
			with(webIdentityParams(roleARN, "s1", good), "DurationSeconds", "1h"),
			400, "ValidationError", "Value '1h' at 'durationSeconds' failed to satisfy constraint: Member must be a number", true},
		{"a duration over the role's maximum is refused",
			with(webIdentityParams(roleARN, "s1", good), "DurationSeconds", "3601"),
			400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", false},
		{"a three-character token is too short and is not echoed",
			webIdentityParams(roleARN, "s1", "abc"),
			400, "ValidationError", "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4", false},
		{"a token over 20000 characters is too long",
			webIdentityParams(roleARN, "s1", strings.Repeat("a", 20001)),
			400, "ValidationError", "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000", true},
		{"a role ARN that is not an ARN is invalid",
			webIdentityParams("not-an-arn-but-long-enough", "s1", good),
			400, "ValidationError", "not-an-arn-but-long-enough is invalid", false},
		{"a role that does not exist is access denied",
			webIdentityParams("arn:aws:iam::"+acctA+":role/missing", "s1", good),
			403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", false},
		{"a token for another service account is access denied",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{ServiceAccount: "intruder"})),
			403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", false},
		{"a token from an unregistered issuer has no OIDC provider",
			webIdentityParams(roleARN, "s1", mustSign(t, otherIssuer, fakeoidc.TokenOptions{})),
			400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + otherIssuer.URL(), false},
		{"a token naming a foreign issuer has no OIDC provider",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Issuer: "https://evil.example/id/X"})),
			400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://evil.example/id/X", false},
		{"a token for another audience is refused",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Audience: []string{"vault"}})),
			400, "InvalidIdentityToken", "Incorrect token audience", false},
		{"a token without aud is missing a claim",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Claims: map[string]any{"aud": nil}})),
			400, "InvalidIdentityToken", "Missing a required claim: aud", false},
		{"a token without iss is missing a claim",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Claims: map[string]any{"iss": nil}})),
			400, "InvalidIdentityToken", "Missing a required claim: iss", false},
		{"a token without sub is missing a claim",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Claims: map[string]any{"sub": nil}})),
			400, "InvalidIdentityToken", "Missing a required claim: sub", false},
		{"a token without exp is missing a claim",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Claims: map[string]any{"exp": nil}})),
			400, "InvalidIdentityToken", "Missing a required claim: exp", false},
		{"a token without iat is missing a claim",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Claims: map[string]any{"iat": nil}})),
			400, "InvalidIdentityToken", "Missing a required claim: iat", false},
		{"a token signed with another key does not verify",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Key: fakeoidc.OtherKey()})),
			400, "InvalidIdentityToken", "The token's signature could not be verified with the identity provider's keys", false},
		{"an unsigned token (alg none) is refused",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Header: map[string]any{"alg": "none"}})),
			400, "InvalidIdentityToken", `Unsupported token signing algorithm "none"; the token must be signed with RS256`, false},
		{"a token whose kid the issuer does not publish has no verification key",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Header: map[string]any{"kid": "rotated-away"}})),
			400, "InvalidIdentityToken", MessageVerificationKey, false},
		{"an expired token is an ExpiredTokenException with both times",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{IssuedAt: now.Add(-2 * time.Hour), Lifetime: time.Hour})),
			400, "ExpiredTokenException", fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), now.Add(-time.Hour).Unix()), false},
		{"a token expiring this very second is expired",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{Expires: now})),
			400, "ExpiredTokenException", "Token expired:", true},
		{"a token not valid before a future time is rejected as a claim",
			webIdentityParams(roleARN, "s1", w.token(t, fakeoidc.TokenOptions{NotBefore: now.Add(time.Minute)})),
			403, "IDPRejectedClaim", fmt.Sprintf("Token is not yet valid: current date/time %d must be on or after the not-before date/time %d", now.Unix(), now.Add(time.Minute).Unix()), false},
		{"a session policy that is not JSON is malformed",
			with(webIdentityParams(roleARN, "s1", good), "Policy", "{not json"),
			400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.", false},
		{"a session policy over 2048 characters is refused",
			with(webIdentityParams(roleARN, "s1", good), "Policy", `{"Statement":[]`+strings.Repeat(" ", 2040)+`}`),
			400, "ValidationError", "at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048", true},
		{"session tags need sts:TagSession in the trust policy",
			with(webIdentityParams(roleARN, "s1", good), "Tags.member.1.Key", "team"),
			403, "AccessDenied", "Not authorized to perform sts:TagSession", false},
	}
	for _, m := range fakeoidc.MalformedTokens() {
		if len(m.Token) < 4 {
			continue
		}
		tests = append(tests, struct {
			name        string
			params      url.Values
			status      int
			code, msg   string
			msgContains bool
		}{"malformed token: " + m.Name, webIdentityParams(roleARN, "s1", m.Token), 400, "InvalidIdentityToken", notJWT, false})
		if _, err := parseJWT(m.Token); err == nil {
			// Well-formed outside, broken inside: refused later, still as InvalidIdentityToken.
			tests[len(tests)-1].msg, tests[len(tests)-1].msgContains = "", true
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, w.srv, tt.params)
			e := stsErr(t, status, body)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, "Sender", e.Type)
			if tt.msgContains {
				assert.Contains(t, e.Message, tt.msg)
			} else {
				assert.Equal(t, tt.msg, e.Message)
			}
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, e.RequestID)
			if tok := tt.params.Get("WebIdentityToken"); len(tok) > 8 {
				assert.NotContains(t, string(body), tok, "the token is never echoed")
			}
			calls := w.srv.Calls()
			last := calls[len(calls)-1]
			assert.Equal(t, tt.code, last.Code)
			assert.Equal(t, tt.status, last.Status)
			assert.Empty(t, last.IssuedAccessKeyID)
		})
	}
	assert.Equal(t, 0, w.srv.IssuedCount(), "no refused call issued credentials")
}

const notJWT = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"

func with(v url.Values, k, val string) url.Values {
	v.Set(k, val)
	return v
}

func mustSign(t *testing.T, iss *fakeoidc.Issuer, opts fakeoidc.TokenOptions) string {
	t.Helper()
	tok, err := iss.Sign(opts)
	require.NoError(t, err)
	return tok
}

func TestWebIdentityTrustConditions(t *testing.T) {
	w := newWorld(t)
	hp := w.iss.HostPath()
	require.NoError(t, w.srv.AddOIDCProvider(w.iss.URL(), "sts.amazonaws.com", "other-client"))
	policy := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + w.iss.ProviderARN(acctA) + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + cond + `}]}`
	}
	tests := []struct {
		name    string
		cond    string
		token   fakeoidc.TokenOptions
		allowed bool
	}{
		{"StringLike with * admits any service account of the namespace", `{"StringLike":{"` + hp + `:sub":"system:serviceaccount:payments:*"}}`, fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api"}, true},
		{"StringLike with * refuses another namespace", `{"StringLike":{"` + hp + `:sub":"system:serviceaccount:payments:*"}}`, fakeoidc.TokenOptions{Namespace: "default", ServiceAccount: "api"}, false},
		{"StringLike with ? matches exactly one character", `{"StringLike":{"` + hp + `:sub":"system:serviceaccount:default:app?"}}`, fakeoidc.TokenOptions{ServiceAccount: "app1"}, true},
		{"StringLike with ? does not match two characters", `{"StringLike":{"` + hp + `:sub":"system:serviceaccount:default:app?"}}`, fakeoidc.TokenOptions{ServiceAccount: "app12"}, false},
		{"StringEquals takes * literally", `{"StringEquals":{"` + hp + `:sub":"system:serviceaccount:default:*"}}`, fakeoidc.TokenOptions{}, false},
		{"a list of values admits any of them", `{"StringEquals":{"` + hp + `:sub":["system:serviceaccount:x:y","system:serviceaccount:default:app"]}}`, fakeoidc.TokenOptions{}, true},
		{"the aud condition checks the token's audience", `{"StringEquals":{"` + hp + `:aud":"sts.amazonaws.com"}}`, fakeoidc.TokenOptions{Audience: []string{"other-client"}}, false},
		{"sub and aud conditions must both hold", `{"StringEquals":{"` + hp + `:aud":"other-client","` + hp + `:sub":"system:serviceaccount:default:app"}}`, fakeoidc.TokenOptions{Audience: []string{"other-client"}}, true},
		{"condition keys are case-insensitive", `{"StringEquals":{"` + strings.ToUpper(hp) + `:SUB":"system:serviceaccount:default:app"}}`, fakeoidc.TokenOptions{}, true},
		{"condition values are case-sensitive", `{"StringEquals":{"` + hp + `:sub":"system:serviceaccount:default:APP"}}`, fakeoidc.TokenOptions{}, false},
		{"a key written with https:// never matches, as in IAM", `{"StringEquals":{"http://` + hp + `:sub":"system:serviceaccount:default:app"}}`, fakeoidc.TokenOptions{}, false},
		{"no condition admits every token of the provider", `{}`, fakeoidc.TokenOptions{ServiceAccount: "anyone"}, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arn := fmt.Sprintf("arn:aws:iam::%s:role/cond-%d", acctA, i)
			require.NoError(t, w.srv.AddRole(Role{ARN: arn, TrustPolicy: policy(tt.cond)}))
			status, body := post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, tt.token)))
			if tt.allowed {
				assert.Equal(t, 200, status, "%s", body)
			} else {
				assert.Equal(t, 403, status, "%s", body)
				assert.Equal(t, "AccessDenied", stsErr(t, status, body).Code)
			}
		})
	}

	t.Run("a multi-audience token answers with the audience that matched", func(t *testing.T) {
		arn := w.webRole(t, "multi", "system:serviceaccount:default:app")
		status, body := post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{Audience: []string{"unrelated", "sts.amazonaws.com"}})))
		require.Equal(t, 200, status, "%s", body)
		out, err := decodeWebIdentity(body)
		require.NoError(t, err)
		assert.Equal(t, "sts.amazonaws.com", *out.Audience)
	})
	t.Run("an explicit Deny wins over an Allow", func(t *testing.T) {
		arn := "arn:aws:iam::" + acctA + ":role/denied"
		doc := `{"Statement":[` +
			`{"Effect":"Allow","Principal":{"Federated":"` + w.iss.ProviderARN(acctA) + `"},"Action":"sts:AssumeRoleWithWebIdentity"},` +
			`{"Effect":"Deny","Principal":{"Federated":"` + w.iss.ProviderARN(acctA) + `"},"Action":"sts:*","Condition":{"StringLike":{"` + hp + `:sub":"*:default:*"}}}]}`
		require.NoError(t, w.srv.AddRole(Role{ARN: arn, TrustPolicy: doc}))
		status, _ := post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})))
		assert.Equal(t, 403, status)
		status, _ = post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{Namespace: "prod"})))
		assert.Equal(t, 200, status)
	})
	t.Run("a trust policy naming the provider in another account does not match", func(t *testing.T) {
		arn := "arn:aws:iam::" + acctA + ":role/wrong-account"
		require.NoError(t, w.srv.AddRole(Role{ARN: arn, TrustPolicy: WebIdentityTrustPolicy(acctB, w.iss.URL(), "system:serviceaccount:default:app", "")}))
		status, _ := post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})))
		assert.Equal(t, 403, status)
	})
}

func TestWebIdentityDurations(t *testing.T) {
	w := newWorld(t)
	arn := "arn:aws:iam::" + acctA + ":role/long"
	require.NoError(t, w.srv.AddRole(Role{ARN: arn, MaxSessionDuration: 12 * time.Hour,
		TrustPolicy: WebIdentityTrustPolicy(acctA, w.iss.URL(), "system:serviceaccount:default:app", "sts.amazonaws.com")}))
	for _, tt := range []struct {
		name     string
		duration string
		want     time.Duration
	}{
		{"no DurationSeconds gives one hour", "", time.Hour},
		{"900 seconds is the minimum", "900", 15 * time.Minute},
		{"43200 seconds is allowed by a 12-hour role", "43200", 12 * time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{}))
			if tt.duration != "" {
				p.Set("DurationSeconds", tt.duration)
			}
			status, body := post(t, w.srv, p)
			require.Equal(t, 200, status, "%s", body)
			out, err := decodeWebIdentity(body)
			require.NoError(t, err)
			assert.Equal(t, w.clock.Now().Add(tt.want), *out.Credentials.Expiration)
		})
	}
}

func TestJWKSIsFetchedOverHTTPAndCached(t *testing.T) {
	w := newWorld(t)
	arn := w.webRole(t, "app", "system:serviceaccount:default:app")
	call := func() (int, *stsxml.Error) {
		status, body := post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})))
		if status == 200 {
			return status, nil
		}
		return status, stsErr(t, status, body)
	}
	status, _ := call()
	require.Equal(t, 200, status)
	status, _ = call()
	require.Equal(t, 200, status)
	assert.Equal(t, 1, w.iss.DiscoveryRequests(), "the discovery document is fetched once")
	assert.Equal(t, 1, w.iss.JWKSRequests(), "keys are reused while cached")

	w.iss.SetUnavailable(true)
	status, _ = call()
	assert.Equal(t, 200, status, "cached keys keep working while the issuer is down")

	w.clock.Advance(61 * time.Minute) // past the cache TTL; re-mint so the token is fresh
	status, e := call()
	require.Equal(t, 400, status)
	assert.Equal(t, "InvalidIdentityToken", e.Code)
	assert.Equal(t, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements", e.Message)

	w.iss.SetUnavailable(false)
	status, _ = call()
	assert.Equal(t, 200, status, "a failed fetch is not cached")

	// A kid the cache does not know triggers one fresh fetch.
	before := w.iss.JWKSRequests()
	status, _ = post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{Header: map[string]any{"kid": "new-key"}})))
	assert.Equal(t, 400, status)
	assert.Equal(t, before+1, w.iss.JWKSRequests())

	w.srv.ForgetKeys()
	status, _ = call()
	assert.Equal(t, 200, status)
	assert.Equal(t, before+2, w.iss.JWKSRequests())
}

func TestQueryProtocolEdges(t *testing.T) {
	w := newWorld(t)
	arn := w.webRole(t, "app", "system:serviceaccount:default:app")

	t.Run("parameters in a GET query string work too", func(t *testing.T) {
		resp, err := http.Get(w.srv.URL() + "/?" + webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})).Encode())
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "text/xml", resp.Header.Get("Content-Type"))
		assert.Regexp(t, `^[0-9a-f-]{36}$`, resp.Header.Get("x-amzn-RequestId"))
	})
	for _, tt := range []struct {
		name, code, msg string
		params          url.Values
	}{
		{"a missing Action is MissingAction", "MissingAction", "Missing Action", url.Values{"Version": {"2011-06-15"}}},
		{"an unknown Action is InvalidAction", "InvalidAction", "Could not find operation GetSessionToken2 for version 2011-06-15", url.Values{"Action": {"GetSessionToken2"}}},
		{"another API version is InvalidAction", "InvalidAction", "Could not find operation AssumeRole for version 2099-01-01", url.Values{"Action": {"AssumeRole"}, "Version": {"2099-01-01"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, w.srv, tt.params)
			e := stsErr(t, status, body)
			assert.Equal(t, 400, status)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.msg, e.Message)
		})
	}
	t.Run("a body over 1 MiB is refused without being read", func(t *testing.T) {
		resp, err := http.Post(w.srv.URL(), "application/x-www-form-urlencoded", strings.NewReader("Action=AssumeRole&Pad="+strings.Repeat("a", 1<<20)))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 413, resp.StatusCode)
		assert.Equal(t, "RequestEntityTooLarge", stsErr(t, resp.StatusCode, b).Code)
	})
	t.Run("a malformed form body is MalformedQueryString", func(t *testing.T) {
		resp, err := http.Post(w.srv.URL(), "application/x-www-form-urlencoded", strings.NewReader("Action=%zz"))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 400, resp.StatusCode)
		assert.Equal(t, "MalformedQueryString", stsErr(t, resp.StatusCode, b).Code)
	})
}

func TestSessionPolicyIsAcceptedAndSized(t *testing.T) {
	w := newWorld(t)
	arn := w.webRole(t, "app", "system:serviceaccount:default:app")
	p := webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{}))
	p.Set("Policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)
	p.Set("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	status, body := post(t, w.srv, p)
	require.Equal(t, 200, status, "%s", body)
	out, err := decodeWebIdentity(body)
	require.NoError(t, err)
	require.NotNil(t, out.PackedPolicySize)
	assert.Greater(t, *out.PackedPolicySize, int32(0))
	assert.True(t, w.srv.Calls()[0].Policy)
}
