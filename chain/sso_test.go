package chain

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
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
	must(p.AddRefreshToken(scenarioRefreshToken, scenarioClientID, scenarioClientSecret, scenarioSSOToken))
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: env.STS.URL(), SigningRegion: "us-east-1", Custom: true}})
	must(err)
	ar, err := credentials.NewAssumeRole(credentials.AssumeRoleOptions{Source: credentials.Static{Value: credentials.Credentials{AccessKeyID: keyBase, SecretAccessKey: "base-secret"}},
		RoleARN: roleCross, SessionName: "sso-user", Client: client})
	must(err)
	c, err := ar.Retrieve(context.Background())
	must(err)
	must(p.Grant(scenarioSSOToken, acctB, "cross", &fakesso.RoleCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expires}))
	env.STS.ResetCalls() // the fixture's users of the fake STS count their own calls
	return p
}

// ssoCache is the path, under the home directory, of the token cache file for key (the
// sso_session name, or the legacy form's start URL), holding token until expiresAt.
func ssoCache(key, token, expiresAt string) map[string]string {
	sum := sha1.Sum([]byte(key))
	return map[string]string{".aws/sso/cache/" + hex.EncodeToString(sum[:]) + ".json": `{"startUrl": "` + ssoStartURL + `", "region": "us-east-1", "accessToken": "` + token + `", "expiresAt": "` + expiresAt + `"}`}
}

const ssoFuture = "2099-01-01T00:00:00Z"

// The registration and refresh token "aws sso login" cached beside scenarioSSOToken.
const (
	scenarioRefreshToken = "aorAAAAAGScenarioRefreshToken0123456789abcdefghijklm"
	scenarioClientID     = "scenario-client-id"
	scenarioClientSecret = "scenarioClientSecret0123456789abcdefghijklmnop"
)

// ssoRefreshableCache is the token cache file of the sso-session corp, holding
// scenarioSSOToken, expired, with refreshToken and a registration valid until registration.
func ssoRefreshableCache(refreshToken, registration string) map[string]string {
	sum := sha1.Sum([]byte("corp"))
	return map[string]string{".aws/sso/cache/" + hex.EncodeToString(sum[:]) + ".json": `{"startUrl": "` + ssoStartURL + `", "region": "us-east-1", "accessToken": "` + scenarioSSOToken +
		`", "expiresAt": "2020-01-01T00:00:00Z", "clientId": "` + scenarioClientID + `", "clientSecret": "` + scenarioClientSecret +
		`", "registrationExpiresAt": "` + registration + `", "refreshToken": "` + refreshToken + `"}`}
}

const ssoSessionCorp = "[sso-session corp]\nsso_start_url = " + ssoStartURL + "\nsso_region = us-east-1\n"

func TestExplainShowsTheSSOSettingsAndTheCacheFileButNeverTheToken(t *testing.T) {
	h := newHome(t, "[profile dev]\nsso_session = corp\nsso_account_id = "+acctA+"\nsso_role_name = Admin\n"+ssoSessionCorp, "", "AWS_PROFILE", "dev")
	for rel, content := range ssoCache("corp", scenarioSSOToken, ssoFuture) {
		h.write(t, rel, content)
	}
	exp, err := explain(t, h.opts())
	if err != nil {
		t.Fatal(err)
	}
	got := exp.String()
	for _, want := range []string{
		"IAM Identity Center (SSO): chosen: profile dev has sso_account_id (~/.aws/config line 3), sso-session corp",
		"1. IAM Identity Center (SSO) GetRoleCredentials for role Admin in account " + acctA + ", sso-session corp, start URL " + ssoStartURL +
			", token from ~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json, profile dev",
		"sso_session = corp (from ~/.aws/config line 2)",
		"sso_start_url = " + ssoStartURL + " (from ~/.aws/config line 6)",
		"sso_region = us-east-1 (from ~/.aws/config line 7)",
		"sso_account_id = " + acctA + " (from ~/.aws/config line 3)",
		"sso_role_name = Admin (from ~/.aws/config line 4)",
		"token cache file = ~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json (from SHA-1 of the sso_session name)",
		"STS endpoint: https://sts.amazonaws.com (signing region us-east-1; not used by these credentials)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Explain lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, scenarioSSOToken) || strings.Contains(fmt.Sprintf("%#v", exp), scenarioSSOToken) {
		t.Errorf("the token is shown:\n%s", got)
	}
	if exp.Steps[0].Kind.String() != "sso" || len(exp.Steps) != 1 {
		t.Errorf("steps %+v", exp.Steps)
	}
}

func TestExplainNotesAMissingTokenCache(t *testing.T) {
	h := newHome(t, "[default]\nsso_start_url = "+ssoStartURL+"\nsso_region = us-east-1\nsso_account_id = "+acctA+"\nsso_role_name = Admin\n", "")
	exp, err := explain(t, h.opts())
	if err != nil {
		t.Fatal(err)
	}
	want := `note: no IAM Identity Center access token is cached for profile default (~/.aws/sso/cache/a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json: no such file or directory): sign in with "aws sso login --profile default" (AWS CLI v2) before the credentials are needed`
	if !strings.Contains(exp.String(), want) {
		t.Errorf("Explain:\n%s\nwant the note:\n%s", exp, want)
	}
}

func TestSSOConfigErrors(t *testing.T) {
	for _, tc := range []struct{ name, config, want string }{
		{"an empty sso_role_name", "[default]\nsso_start_url = u\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name =\n",
			"profile default: sso_role_name (~/.aws/config line 5): the value is empty"},
		{"an invalid sso_region", "[default]\nsso_start_url = u\nsso_region = US East\nsso_account_id = 1\nsso_role_name = r\n",
			`profile default: sso_region (~/.aws/config line 3): "US East" is not a valid region name, such as us-east-1`},
		{"a multi-line sso_account_id", "[default]\nsso_start_url = u\nsso_region = us-east-1\nsso_account_id = 1\n  2\nsso_role_name = r\n",
			"profile default: sso_account_id (~/.aws/config line 4): the value continues on the next, indented line"},
		{"a portal endpoint with a password", "[default]\nendpoint_url = https://u:p@sso.example\nsso_start_url = u\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n",
			`step 1 (IAM Identity Center (SSO) GetRoleCredentials for role r in account 1, start URL u, token from ~/.aws/sso/cache/51e69892ab49df85c6230ccc57f8e1d1606caccc.json, profile default): credentials: IAM Identity Center (SSO) role r in account 1 (start URL u): endpoint URL "https://[redacted]@sso.example" must not contain user information (user:password@)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t, tc.config, "")
			_, err := explain(t, h.opts())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
			if strings.Contains(err.Error(), "u:p@") {
				t.Errorf("password shown: %v", err)
			}
		})
	}
}

func TestExplainShowsTheOIDCEndpointOfAnSSOSessionOnly(t *testing.T) {
	session := "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp
	legacy := "[profile dev]\nsso_start_url = " + ssoStartURL + "\nsso_region = us-east-1\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n"
	const shown = "OIDC endpoint URL (access token refresh) = https://oidc.example.test (from AWS_ENDPOINT_URL_SSO_OIDC)"
	for _, tc := range []struct {
		name, config string
		want         bool
	}{{"an sso-session is refreshed", session, true}, {"the legacy form is not", legacy, false}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t, tc.config, "", "AWS_PROFILE", "dev", "AWS_ENDPOINT_URL_SSO_OIDC", "https://oidc.example.test")
			exp, err := explain(t, h.opts())
			if err != nil {
				t.Fatal(err)
			}
			if got := exp.String(); strings.Contains(got, shown) != tc.want {
				t.Errorf("Explain (want the OIDC endpoint shown: %v):\n%s", tc.want, got)
			}
		})
	}
	// A bad OIDC endpoint is NewSSO's error, found when the provider is built.
	for u, want := range map[string]string{
		"http://oidc.example.test":       `OIDC endpoint URL "http://oidc.example.test" must use https unless its host is loopback (127.0.0.0/8, ::1, localhost): the request carries the refresh token and the client secret`,
		"https://u:pw@oidc.example.test": `OIDC endpoint URL "https://[redacted]@oidc.example.test" must not contain user information (user:password@)`,
	} {
		h := newHome(t, session, "", "AWS_PROFILE", "dev", "AWS_ENDPOINT_URL_SSO_OIDC", u)
		_, err := explain(t, h.opts())
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "u:pw") {
			t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
		}
	}
}
