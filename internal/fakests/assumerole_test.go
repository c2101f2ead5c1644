package fakests

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/stsxml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func assumeRoleParams(roleARN, session string, extra ...string) url.Values {
	p := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {roleARN}, "RoleSessionName": {session}}
	for i := 0; i+1 < len(extra); i += 2 {
		p.Set(extra[i], extra[i+1])
	}
	return p
}

// assume calls AssumeRole signed by creds and returns the output or the error document.
func (w *world) assume(t *testing.T, creds aws.Credentials, p url.Values) (*sts.AssumeRoleOutput, *stsxml.Error, int) {
	t.Helper()
	status, body := signedPost(t, w.srv, p, creds, "us-east-1", w.clock.Now(), nil)
	if status != 200 {
		return nil, stsErr(t, status, body), status
	}
	out, err := stsxml.DecodeAssumeRole(status, bytes.NewReader(body))
	require.NoError(t, err)
	return out, nil, status
}

func credsOf(out *sts.AssumeRoleOutput) aws.Credentials {
	c := out.Credentials
	return aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}
}

func TestRoleChainAcrossThreeAccounts(t *testing.T) {
	w := newWorld(t)
	roleA := w.webRole(t, "a", "system:serviceaccount:default:app")
	roleB := "arn:aws:iam::" + acctB + ":role/b"
	roleC := "arn:aws:iam::" + acctC + ":role/team/c" // a role with a path
	require.NoError(t, w.srv.AddRole(Role{ARN: roleB, TrustPolicy: AssumeRoleTrustPolicy(roleA, ""), MaxSessionDuration: 12 * time.Hour}))
	require.NoError(t, w.srv.AddRole(Role{ARN: roleC, TrustPolicy: AssumeRoleTrustPolicy(roleB, "")}))

	a := w.webIdentity(t, roleA)
	outB, e, _ := w.assume(t, a, assumeRoleParams(roleB, "hop-b"))
	require.Nil(t, e)
	assert.Equal(t, "arn:aws:sts::"+acctB+":assumed-role/b/hop-b", *outB.AssumedRoleUser.Arn)
	outC, e, _ := w.assume(t, credsOf(outB), assumeRoleParams(roleC, "hop-c"))
	require.Nil(t, e)
	assert.Equal(t, "arn:aws:sts::"+acctC+":assumed-role/c/hop-c", *outC.AssumedRoleUser.Arn, "the role's path is not part of the session ARN")

	_, e, status := w.assume(t, a, assumeRoleParams(roleC, "skip-b"))
	require.NotNil(t, e)
	assert.Equal(t, 403, status)
	assert.Equal(t, "AccessDenied", e.Code)
	assert.Equal(t, "User: arn:aws:sts::"+acctA+":assumed-role/a/web-session is not authorized to perform: sts:AssumeRole on resource: "+roleC, e.Message)

	t.Run("a chained session longer than one hour is refused even when the role allows 12 hours", func(t *testing.T) {
		_, e, status := w.assume(t, a, assumeRoleParams(roleB, "long", "DurationSeconds", "3601"))
		require.NotNil(t, e)
		assert.Equal(t, 400, status)
		assert.Equal(t, "ValidationError", e.Code)
		assert.Equal(t, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", e.Message)
	})
	t.Run("a chained session of exactly one hour is granted", func(t *testing.T) {
		out, e, _ := w.assume(t, a, assumeRoleParams(roleB, "hour", "DurationSeconds", "3600"))
		require.Nil(t, e)
		assert.Equal(t, w.clock.Now().Add(time.Hour), *out.Credentials.Expiration)
	})
	calls := w.srv.Calls()
	assert.Equal(t, "arn:aws:sts::"+acctB+":assumed-role/b/hop-b", calls[2].Caller)
	assert.Equal(t, 3, w.srv.CountRole(roleB), "hop-b, long, hour")
}

func TestAssumeRoleTrustOfTheCaller(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.srv.AddUser(alice.AccessKeyID, alice.SecretAccessKey, aliceARN))
	require.NoError(t, w.srv.AddUser(rootCreds.AccessKeyID, rootCreds.SecretAccessKey, "arn:aws:iam::"+acctA+":root"))
	bob := aws.Credentials{AccessKeyID: "AKIABOBEXAMPLE000001", SecretAccessKey: "bob-secret-EXAMPLE-xxxxxxxxxxxxxxxxxxxxx"}
	require.NoError(t, w.srv.AddUser(bob.AccessKeyID, bob.SecretAccessKey, "arn:aws:iam::"+acctC+":user/bob"))

	role := func(name, trust string) string {
		arn := "arn:aws:iam::" + acctB + ":role/" + name
		require.NoError(t, w.srv.AddRole(Role{ARN: arn, TrustPolicy: trust, MaxSessionDuration: 4 * time.Hour}))
		return arn
	}
	byAccount := role("by-account", AssumeRoleTrustPolicy(acctA, ""))
	byRoot := role("by-root", AssumeRoleTrustPolicy("arn:aws:iam::"+acctA+":root", ""))
	byUser := role("by-user", AssumeRoleTrustPolicy(aliceARN, ""))
	byAnyone := role("by-anyone", AssumeRoleTrustPolicy("*", ""))
	withExtID := role("with-external-id", AssumeRoleTrustPolicy(acctA, "tenant-42"))
	bare := role("bare", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+acctA+`"},"Action":"sts:AssumeRole"}}`)

	tests := []struct {
		name      string
		creds     aws.Credentials
		params    url.Values
		status    int
		code, msg string
	}{
		{"an account ID principal admits a user of that account", alice, assumeRoleParams(byAccount, "s1"), 200, "", ""},
		{"an account ID principal refuses a user of another account", bob, assumeRoleParams(byAccount, "s1"), 403, "AccessDenied",
			"User: arn:aws:iam::" + acctC + ":user/bob is not authorized to perform: sts:AssumeRole on resource: " + byAccount},
		{"an account root principal admits a user of that account", alice, assumeRoleParams(byRoot, "s1"), 200, "", ""},
		{"a user principal admits that user", alice, assumeRoleParams(byUser, "s1"), 200, "", ""},
		{"a user principal refuses another user", bob, assumeRoleParams(byUser, "s1"), 403, "AccessDenied",
			"User: arn:aws:iam::" + acctC + ":user/bob is not authorized to perform: sts:AssumeRole on resource: " + byUser},
		{"a * principal admits anyone", bob, assumeRoleParams(byAnyone, "s1"), 200, "", ""},
		{"the account root itself may not assume roles", rootCreds, assumeRoleParams(byAccount, "s1"), 403, "AccessDenied", "Roles may not be assumed by root accounts."},
		{"a missing role is access denied", alice, assumeRoleParams("arn:aws:iam::"+acctB+":role/none", "s1"), 403, "AccessDenied",
			"User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::" + acctB + ":role/none"},
		{"the right external ID is admitted", alice, assumeRoleParams(withExtID, "s1", "ExternalId", "tenant-42"), 200, "", ""},
		{"a missing external ID is access denied", alice, assumeRoleParams(withExtID, "s1"), 403, "AccessDenied",
			"User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: " + withExtID},
		{"a wrong external ID is access denied", alice, assumeRoleParams(withExtID, "s1", "ExternalId", "tenant-43"), 403, "AccessDenied",
			"User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: " + withExtID},
		{"an external ID with a space breaks the pattern", alice, assumeRoleParams(withExtID, "s1", "ExternalId", "tenant 42"), 400, "ValidationError",
			`1 validation error detected: Value 'tenant 42' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`},
		{"a source identity needs sts:SetSourceIdentity in the trust policy", alice, assumeRoleParams(bare, "s1", "SourceIdentity", "alice"), 403, "AccessDenied",
			"User: " + aliceARN + " is not authorized to perform: sts:SetSourceIdentity on resource: " + bare},
		{"session tags need sts:TagSession in the trust policy", alice, assumeRoleParams(bare, "s1", "Tags.member.1.Key", "team", "Tags.member.1.Value", "x"), 403, "AccessDenied",
			"User: " + aliceARN + " is not authorized to perform: sts:TagSession on resource: " + bare},
		{"a source identity with a space breaks the pattern", alice, assumeRoleParams(byAccount, "s1", "SourceIdentity", "a b"), 400, "ValidationError",
			`1 validation error detected: Value 'a b' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"a user may ask for the role's maximum", alice, assumeRoleParams(byAccount, "s1", "DurationSeconds", "14400"), 200, "", ""},
		{"a user may not ask for more than the role's maximum", alice, assumeRoleParams(byAccount, "s1", "DurationSeconds", "14401"), 400, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"a bad session name and a bad duration are reported together", alice, assumeRoleParams(byAccount, "a/b", "DurationSeconds", "60"), 400, "ValidationError",
			`2 validation errors detected: Value 'a/b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*; Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`},
		{"an unsigned AssumeRole is missing authentication", aws.Credentials{}, assumeRoleParams(byAccount, "s1"), 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.creds.AccessKeyID == "" {
				status, body := post(t, w.srv, tt.params)
				e := stsErr(t, status, body)
				assert.Equal(t, 403, status)
				assert.Equal(t, "MissingAuthenticationToken", e.Code)
				return
			}
			out, e, status := w.assume(t, tt.creds, tt.params)
			assert.Equal(t, tt.status, status)
			if tt.code == "" {
				require.Nil(t, e)
				assert.True(t, strings.HasPrefix(*out.AssumedRoleUser.Arn, "arn:aws:sts::"+acctB+":assumed-role/"))
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.msg, e.Message)
		})
	}
	withID, withoutID := 0, 0
	for _, c := range w.srv.Calls() {
		if c.RoleARN == withExtID {
			if c.ExternalID {
				withID++
			} else {
				withoutID++
			}
		}
	}
	assert.Equal(t, 3, withID, "calls that sent an ExternalId are recorded as such")
	assert.Equal(t, 1, withoutID)
}

func TestSourceIdentityStaysWithChainedSessions(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.srv.AddUser(alice.AccessKeyID, alice.SecretAccessKey, aliceARN))
	b := "arn:aws:iam::" + acctB + ":role/b"
	c := "arn:aws:iam::" + acctC + ":role/c"
	require.NoError(t, w.srv.AddRole(Role{ARN: b, TrustPolicy: AssumeRoleTrustPolicy(acctA, "")}))
	require.NoError(t, w.srv.AddRole(Role{ARN: c, TrustPolicy: AssumeRoleTrustPolicy(b, "")}))

	outB, e, _ := w.assume(t, alice, assumeRoleParams(b, "s1", "SourceIdentity", "alice@example.com"))
	require.Nil(t, e)
	assert.Equal(t, "alice@example.com", *outB.SourceIdentity)
	outC, e, _ := w.assume(t, credsOf(outB), assumeRoleParams(c, "s2"))
	require.Nil(t, e)
	require.NotNil(t, outC.SourceIdentity)
	assert.Equal(t, "alice@example.com", *outC.SourceIdentity)
	_, e, status := w.assume(t, credsOf(outB), assumeRoleParams(c, "s3", "SourceIdentity", "mallory"))
	require.NotNil(t, e)
	assert.Equal(t, 403, status)
	assert.Contains(t, e.Message, "sts:SetSourceIdentity")
	assert.Equal(t, "alice@example.com", w.srv.Calls()[0].SourceIdentity)
}

func TestAssumedRoleARNKeepsThePartition(t *testing.T) {
	w := newWorld(t)
	cnUser := aws.Credentials{AccessKeyID: "AKIACNUSEREXAMPLE001", SecretAccessKey: "cn-secret-EXAMPLE-xxxxxxxxxxxxxxxxxxxxxx"}
	require.NoError(t, w.srv.AddUser(cnUser.AccessKeyID, cnUser.SecretAccessKey, "arn:aws-cn:iam::"+acctA+":user/li"))
	role := "arn:aws-cn:iam::" + acctB + ":role/cn-role"
	require.NoError(t, w.srv.AddRole(Role{ARN: role, TrustPolicy: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::` + acctA + `:root"},"Action":"sts:AssumeRole"}]}`}))
	out, e, _ := w.assume(t, cnUser, assumeRoleParams(role, "s1"))
	require.Nil(t, e)
	assert.Equal(t, "arn:aws-cn:sts::"+acctB+":assumed-role/cn-role/s1", *out.AssumedRoleUser.Arn)
}

func TestConfigurationIsValidated(t *testing.T) {
	srv := Start(t, Options{})
	for _, tt := range []struct {
		name string
		err  error
		msg  string
	}{
		{"a role ARN without role/ is refused", srv.AddRole(Role{ARN: "arn:aws:iam::111122223333:user/x", TrustPolicy: AssumeRoleTrustPolicy("*", "")}), "must look like arn:aws:iam::123456789012:role/NAME"},
		{"a role ARN with a short account is refused", srv.AddRole(Role{ARN: "arn:aws:iam::1111:role/x", TrustPolicy: AssumeRoleTrustPolicy("*", "")}), "must look like"},
		{"a max session duration over 12h is refused", srv.AddRole(Role{ARN: "arn:aws:iam::111122223333:role/x", TrustPolicy: AssumeRoleTrustPolicy("*", ""), MaxSessionDuration: 13 * time.Hour}), "must be between 1h and 12h"},
		{"a role without a trust policy is refused", srv.AddRole(Role{ARN: "arn:aws:iam::111122223333:role/x"}), "trust policy: the policy is empty"},
		{"a trust policy that is not JSON is refused", srv.AddRole(Role{ARN: "arn:aws:iam::111122223333:role/x", TrustPolicy: "{"}), "trust policy: the policy is not valid JSON"},
		{"an issuer URL without a scheme is refused", srv.AddOIDCProvider("oidc.example/id/1", "sts.amazonaws.com"), "must be an http(s) URL"},
		{"a provider without client IDs is refused", srv.AddOIDCProvider("https://oidc.example/id/1"), "needs at least one client ID"},
		{"a user ARN that is a role is refused", srv.AddUser("AKIAEXAMPLE000000001", "s", "arn:aws:iam::111122223333:role/x"), "must look like arn:aws:iam::123456789012:user/NAME"},
		{"an ASIA key ID cannot be registered as a user", srv.AddUser("ASIAEXAMPLE000000001", "s", "arn:aws:iam::111122223333:user/x"), "not start with ASIA"},
		{"a user without a secret is refused", srv.AddUser("AKIAEXAMPLE000000001", "", "arn:aws:iam::111122223333:user/x"), "needs a secret access key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.Error(t, tt.err)
			assert.Contains(t, tt.err.Error(), tt.msg)
			assert.True(t, strings.HasPrefix(tt.err.Error(), "fakests: "), tt.err.Error())
		})
	}
}
