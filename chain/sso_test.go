package chain

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakesso"
	"github.com/irsa-go/irsa/internal/fakests"
)

// The IAM Identity Center side of the scenarios: the access token "aws sso login" cached, and
// the credentials the fake portal gives for each role.
const (
	scenarioSSOToken = "aoaAAAAAGScenarioAccessToken0123456789abcdefghijklmnop"
	keySSOAdmin      = "ASIASSOADMIN00000001" // role Admin in account A
	ssoStartURL      = "https://corp.awsapps.com/start"
)

// startSSOPortal starts the fake portal: the scenario token may use Admin in account A (fixed
// keys) and "cross" in account B, whose credentials are a real session of role/cross at the fake
// STS (user/base assumed it), so that a role profile can use them as its source.
func startSSOPortal(t *testing.T, env *fakests.Env) *fakesso.Server {
	t.Helper()
	p := fakesso.New(fakesso.Options{})
	t.Cleanup(p.Close)
	p.AddToken(scenarioSSOToken, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.Grant(scenarioSSOToken, acctA, "Admin", &fakesso.RoleCredentials{AccessKeyID: keySSOAdmin, SecretAccessKey: "sso-admin-secret", SessionToken: "sso-admin-token"}))
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: env.STS.URL(), SigningRegion: "us-east-1", Custom: true}})
	must(err)
	ar, err := credentials.NewAssumeRole(credentials.AssumeRoleOptions{Source: credentials.Static{Value: credentials.Credentials{AccessKeyID: keyBase, SecretAccessKey: "base-secret"}},
		RoleARN: roleCross, SessionName: "sso-user", Client: client})
	must(err)
	c, err := ar.Retrieve(context.Background())
	must(err)
	must(p.Grant(scenarioSSOToken, acctB, "cross", &fakesso.RoleCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expires}))
	return p
}

// ssoCache is the path, under the home directory, of the token cache file for key (the
// sso_session name, or the legacy form's start URL), holding token until expiresAt.
func ssoCache(key, token, expiresAt string) map[string]string {
	sum := sha1.Sum([]byte(key))
	return map[string]string{".aws/sso/cache/" + hex.EncodeToString(sum[:]) + ".json": `{"startUrl": "` + ssoStartURL + `", "region": "us-east-1", "accessToken": "` + token + `", "expiresAt": "` + expiresAt + `"}`}
}

const ssoFuture = "2099-01-01T00:00:00Z"

const ssoSessionCorp = "[sso-session corp]\nsso_start_url = " + ssoStartURL + "\nsso_region = us-east-1\n"
