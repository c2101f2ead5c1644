package fakests

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Records, their String form and every answer the server sends hold identifiers only: never a
// secret access key, a session token or a web identity token.
func TestNoSecretInRecordsOrAnswers(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.srv.AddUser(alice.AccessKeyID, alice.SecretAccessKey, aliceARN))
	webRole := w.webRole(t, "web", "system:serviceaccount:default:app")
	target := "arn:aws:iam::" + acctB + ":role/target"
	require.NoError(t, w.srv.AddRole(Role{ARN: target, TrustPolicy: AssumeRoleTrustPolicy(webRole, "ext-secret-ish")}))

	secrets := []string{alice.SecretAccessKey}
	var bodies []string
	record := func(status int, body []byte) { bodies = append(bodies, string(body)) }

	good := w.token(t, fakeoidc.TokenOptions{})
	expired := w.token(t, fakeoidc.TokenOptions{Lifetime: -1})
	badSig := w.token(t, fakeoidc.TokenOptions{Key: fakeoidc.OtherKey()})
	wrongAud := w.token(t, fakeoidc.TokenOptions{Audience: []string{"x"}})
	secrets = append(secrets, good, expired, badSig, wrongAud)
	for _, tok := range []string{good, expired, badSig, wrongAud} {
		record(post(t, w.srv, webIdentityParams(webRole, "s1", tok)))
	}
	session := w.webIdentity(t, webRole)
	secrets = append(secrets, session.SecretAccessKey, session.SessionToken)

	gci := map[string][]string{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	record(signedPost(t, w.srv, gci, session, "us-east-1", w.clock.Now(), nil))
	record(signedPost(t, w.srv, gci, aws.Credentials{AccessKeyID: session.AccessKeyID, SecretAccessKey: "wrong-secret-value", SessionToken: session.SessionToken}, "us-east-1", w.clock.Now(), nil))
	record(signedPost(t, w.srv, gci, aws.Credentials{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey, SessionToken: "forged-session-token"}, "us-east-1", w.clock.Now(), nil))
	secrets = append(secrets, "wrong-secret-value", "forged-session-token")
	out, e, _ := w.assume(t, session, assumeRoleParams(target, "s2", "ExternalId", "ext-secret-ish"))
	require.Nil(t, e)
	secrets = append(secrets, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	_, e, _ = w.assume(t, session, assumeRoleParams(target, "s3", "ExternalId", "wrong-external-id"))
	require.NotNil(t, e)
	secrets = append(secrets, "ext-secret-ish", "wrong-external-id") // external IDs are not kept either

	w.srv.FailNext(1, Fault{Kind: FaultTruncatedBody})
	resp, err := http.PostForm(w.srv.URL(), webIdentityParams(webRole, "s4", good))
	require.NoError(t, err)
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()

	calls := w.srv.Calls()
	require.NotEmpty(t, calls)
	var dump strings.Builder
	fmt.Fprintf(&dump, "%v\n%+v\n%#v\n", calls, calls, calls)
	for _, c := range calls {
		dump.WriteString(c.String())
	}
	for _, s := range secrets {
		assert.NotContains(t, dump.String(), s)
	}
	for _, b := range bodies {
		for _, s := range secrets {
			if strings.Contains(b, "<Credentials>") {
				continue // a successful answer carries its own new credentials, by design
			}
			assert.NotContains(t, b, s)
		}
	}

	err = w.srv.AddUser("AKIASHORT", "super-secret-value", aliceARN)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "super-secret-value")
}

func TestLookupIssuedReturnsCredentialsAndPrintsNoSecret(t *testing.T) {
	w := newWorld(t)
	role := w.webRole(t, "web", "system:serviceaccount:default:app")
	creds := w.webIdentity(t, role)

	got, ok := w.srv.LookupIssued(creds.AccessKeyID)
	require.True(t, ok)
	assert.Equal(t, creds.SecretAccessKey, got.SecretAccessKey)
	assert.Equal(t, creds.SessionToken, got.SessionToken)
	assert.Equal(t, w.clock.Now().Add(time.Hour), got.Expires)
	assert.Equal(t, "arn:aws:sts::"+acctA+":assumed-role/web/web-session", got.ARN)
	assert.Equal(t, role, got.RoleARN)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, got)
		assert.NotContains(t, out, creds.SecretAccessKey, verb)
		assert.NotContains(t, out, creds.SessionToken, verb)
	}
	assert.Contains(t, got.String(), creds.AccessKeyID)

	_, ok = w.srv.LookupIssued("ASIANOTISSUED0000000")
	assert.False(t, ok)
	w.srv.Revoke(creds.AccessKeyID)
	_, ok = w.srv.LookupIssued(creds.AccessKeyID)
	assert.False(t, ok)
}
