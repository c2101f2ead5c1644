package fakests

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestAssumeRoleChainsFromAWebIdentitySessionWithTheSDK(t *testing.T) {
	w := newWorld(t)
	target := "arn:aws:iam::" + acctB + ":role/target"
	require.NoError(t, w.srv.AddRole(Role{ARN: target, TrustPolicy: AssumeRoleTrustPolicy(w.webRole, "ext-7"), MaxSessionDuration: 12 * time.Hour}))
	web, creds := w.webIdentity(t)
	client := w.sdk(t, creds)
	ctx := context.Background()

	who, err := client.GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(web.AssumedRoleUser.Arn), aws.ToString(who.Arn))
	assert.Equal(t, acctA, aws.ToString(who.Account))
	assert.Equal(t, aws.ToString(web.AssumedRoleUser.AssumedRoleId), aws.ToString(who.UserId))

	in := &sts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("hop"), ExternalId: aws.String("ext-7"), SourceIdentity: aws.String("alice")}
	out, err := client.AssumeRole(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+acctB+":assumed-role/target/hop", aws.ToString(out.AssumedRoleUser.Arn))
	assert.Equal(t, "alice", aws.ToString(out.SourceIdentity))

	in.ExternalId = aws.String("wrong")
	_, err = client.AssumeRole(ctx, in)
	assert.Equal(t, "AccessDenied", apiCode(err), "the sts:ExternalId condition: %v", err)
	assert.ErrorContains(t, err, "User: "+aws.ToString(web.AssumedRoleUser.Arn)+" is not authorized to perform: sts:AssumeRole on resource: "+target)
	in.ExternalId = nil
	_, err = client.AssumeRole(ctx, in)
	assert.Equal(t, "AccessDenied", apiCode(err), "no external ID: %v", err)

	in.ExternalId, in.DurationSeconds = aws.String("ext-7"), aws.Int32(7200)
	_, err = client.AssumeRole(ctx, in)
	assert.Equal(t, "ValidationError", apiCode(err))
	assert.ErrorContains(t, err, "1 hour session limit for roles assumed by role chaining")

	in.RoleArn = aws.String("arn:aws:iam::" + acctB + ":role/missing")
	in.DurationSeconds = nil
	_, err = client.AssumeRole(ctx, in)
	assert.Equal(t, "AccessDenied", apiCode(err), "a role that does not exist")

	calls := w.srv.Calls()
	last := calls[len(calls)-1]
	assert.Equal(t, Call{Operation: OpAssumeRole, RoleARN: *in.RoleArn, SessionName: "hop", Caller: aws.ToString(web.AssumedRoleUser.Arn), SigningRegion: "us-east-1",
		SourceIdentity: "alice", ExternalID: true, Status: 403, Code: "AccessDenied"}, last)
	assert.Equal(t, 5, w.srv.Count(OpAssumeRole))
	assert.Equal(t, 4, w.srv.CountRole(target))
	w.srv.ResetCalls()
	assert.Empty(t, w.srv.Calls())
}

func TestAssumeRoleWithAUsersLongTermKeys(t *testing.T) {
	w := newWorld(t)
	for i, p := range []string{userARN, acctA, "arn:aws:iam::" + acctA + ":root", "*"} {
		role := "arn:aws:iam::" + acctB + ":role/r" + string(rune('0'+i))
		require.NoError(t, w.srv.AddRole(Role{ARN: role, TrustPolicy: AssumeRoleTrustPolicy(p, ""), MaxSessionDuration: 12 * time.Hour}))
		out, err := w.sdk(t, aws.Credentials{AccessKeyID: userKey, SecretAccessKey: userSecr}).AssumeRole(context.Background(),
			&sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("ci"), DurationSeconds: aws.Int32(7200)})
		require.NoError(t, err, "a role trusting %s", p)
		assert.Equal(t, w.clock.Now().Add(2*time.Hour), aws.ToTime(out.Credentials.Expiration), "long-term keys are not a role session: no one-hour limit")
	}
	require.NoError(t, w.srv.AddRole(Role{ARN: "arn:aws:iam::" + acctB + ":role/other", TrustPolicy: AssumeRoleTrustPolicy(acctB, "")}))
	_, err := w.sdk(t, aws.Credentials{AccessKeyID: userKey, SecretAccessKey: userSecr}).AssumeRole(context.Background(),
		&sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acctB + ":role/other"), RoleSessionName: aws.String("ci")})
	assert.Equal(t, "AccessDenied", apiCode(err), "a role trusting another account")
}

func TestSignedCallsCheckSigV4AndTheCredentials(t *testing.T) {
	w := newWorld(t)
	_, creds := w.webIdentity(t)
	gci := url.Values{"Action": {OpGetCallerIdentity}, "Version": {"2011-06-15"}}
	now := w.clock.Now()
	with := func(f func(*aws.Credentials)) aws.Credentials { c := creds; f(&c); return c }
	cases := []struct {
		name    string
		creds   aws.Credentials
		at      time.Time
		tamper  func(*http.Request)
		status  int
		code    string
		message string
	}{
		{"a correct signature", creds, now, nil, 200, "", ""},
		{"a long-term key without a token", aws.Credentials{AccessKeyID: userKey, SecretAccessKey: userSecr}, now, nil, 200, "", ""},
		{"no Authorization header", creds, now, func(r *http.Request) { r.Header.Del("Authorization") }, 403, "MissingAuthenticationToken", ""},
		{"a malformed Authorization header", creds, now, func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Signature=00") }, 400, "IncompleteSignature", "Credential"},
		{"a wrong secret", with(func(c *aws.Credentials) { c.SecretAccessKey = "wrong" }), now, nil, 403, "SignatureDoesNotMatch", "does not match"},
		{"a signed header changed after signing", creds, now, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 403, "SignatureDoesNotMatch", ""},
		{"a forged session token", with(func(c *aws.Credentials) { c.SessionToken = "forged" }), now, nil, 403, "InvalidClientTokenId", "invalid"},
		{"an unknown access key", with(func(c *aws.Credentials) { c.AccessKeyID = "ASIAUNKNOWN000000000" }), now, nil, 403, "InvalidClientTokenId", ""},
		{"a request signed 16 minutes ago", creds, now.Add(-16 * time.Minute), nil, 403, "SignatureDoesNotMatch", "Signature expired"},
		{"a request signed 14 minutes ahead", creds, now.Add(14 * time.Minute), nil, 200, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, e := signedPost(t, w.srv, gci, tc.creds, tc.at, tc.tamper)
			assert.Equal(t, tc.status, status, "%v", e)
			if tc.code != "" {
				require.NotNil(t, e)
				assert.Equal(t, tc.code, e.Code)
				assert.Contains(t, e.Message, tc.message)
				for _, secret := range []string{creds.SecretAccessKey, creds.SessionToken, userSecr, "forged"} {
					assert.NotContains(t, e.Message, secret)
				}
			}
		})
	}
	t.Run("a signature scoped to another service", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, w.srv.URL()+"?Action=GetCallerIdentity", nil)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+userKey+"/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		_, _, e := answer(t, resp)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
	})
	t.Run("expired session credentials", func(t *testing.T) {
		w.clock.Advance(time.Hour)
		status, e := signedPost(t, w.srv, gci, creds, w.clock.Now(), nil)
		assert.Equal(t, 403, status)
		assert.Equal(t, "ExpiredToken", e.Code)
	})
}

func TestRolesAndUsersAreValidated(t *testing.T) {
	s := New(Options{})
	t.Cleanup(s.Close)
	for _, arn := range []string{"", "arn:aws:iam::1234:role/x", "arn:aws:iam::111122223333:user/x", "arn:aws:s3:::bucket"} {
		assert.Error(t, s.AddRole(Role{ARN: arn, TrustPolicy: AssumeRoleTrustPolicy("*", "")}), arn)
	}
	assert.ErrorContains(t, s.AddRole(Role{ARN: "arn:aws:iam::111122223333:role/x", TrustPolicy: "{}"}), "trust policy")
	assert.Error(t, s.AddUser(userKey, userSecr, "arn:aws:iam::111122223333:role/x"))
	assert.Error(t, s.AddUser(userKey, "", userARN))
}
