package chain

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// TestSSORefreshWritesTheFileBotocoreWrites refreshes an expired sso-session token through chain
// and through botocore 1.43 (testdata/botocore_scenarios.py), each in a home of its own, and
// checks that both asked the same OIDC host, and wrote the same token cache file, byte for byte
// once the values the fake issued (the access and refresh tokens) and the clock (expiresAt, one
// hour after each refresh) are set aside.
func TestSSORefreshWritesTheFileBotocoreWrites(t *testing.T) {
	leakcheck.Check(t)
	py := botocorePython(t)
	fx := startSTSFixture(t)
	config := "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp
	for _, tc := range []struct {
		name     string
		env      map[string]string
		config   string
		wantHost string // the Host CreateToken was sent to
	}{
		{name: "the region's OIDC host", config: config, wantHost: "oidc.us-east-1.amazonaws.com"},
		{name: "AWS_ENDPOINT_URL_SSO_OIDC", env: envOf("AWS_ENDPOINT_URL_SSO_OIDC", "https://oidc.example.test"), config: config, wantHost: "oidc.example.test"},
		{name: "the sso_oidc block of the services section", config: strings.Replace(config, "[profile dev]\n", "[profile dev]\nservices = local\n", 1) + "[services local]\nsso_oidc =\n  endpoint_url = https://oidc.local.test\n", wantHost: "oidc.local.test"},
		{name: "AWS_USE_FIPS_ENDPOINT", env: envOf("AWS_USE_FIPS_ENDPOINT", "true"), config: config, wantHost: "oidc-fips.us-east-1.amazonaws.com"},
		{name: "AWS_ENDPOINT_URL for every service", env: envOf("AWS_ENDPOINT_URL", "https://aws.example.test"), config: config, wantHost: "aws.example.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := scenario{env: map[string]string{"AWS_PROFILE": "dev"}, config: tc.config, files: ssoRefreshableCache(scenarioRefreshToken, ssoFuture)}
			for k, v := range tc.env {
				sc.env[k] = v
			}
			issuedBefore := len(fx.sso.Issued())
			callsBefore := len(fx.sso.TokenCalls())

			// chain
			home := t.TempDir()
			env := fx.writeHome(t, sc, home)
			target, _ := url.Parse(fx.env.STS.URL())
			ssoTarget, _ := url.Parse(fx.sso.URL())
			transport := &http.Transport{}
			defer transport.CloseIdleConnections()
			rd := &redirect{target: target, sso: ssoTarget, base: transport}
			c, res, err := resolveAndRetrieve(Options{Getenv: func(k string) string { return env[k] }, HTTPClient: &http.Client{Transport: rd, Timeout: 10 * time.Second}})
			if res != nil {
				defer res.Close()
			}
			if err != nil || c.AccessKeyID != keySSOAdmin {
				t.Fatalf("chain: %v, %v", c.AccessKeyID, err)
			}
			chainDone := time.Now()

			// botocore
			bhome := t.TempDir()
			benv := fx.writeHome(t, sc, bhome)
			benv["PATH"], benv["PYTHONUTF8"], benv["AWS_EC2_METADATA_DISABLED"] = os.Getenv("PATH"), "1", "true"
			in, _ := json.Marshal([]map[string]any{{"name": tc.name, "env": benv, "profile": "", "sts": fx.env.STS.URL(), "sso": fx.sso.URL()}})
			out, _ := runBotocoreScenarios(t, py, bhome, in)
			var run botocoreRun
			if err := json.Unmarshal(out, &run); err != nil || run.Error != nil || deref(run.AccessKey) != keySSOAdmin {
				t.Fatalf("botocore: %s (%v)", out, err)
			}
			botoDone := time.Now()

			issued, calls := fx.sso.Issued()[issuedBefore:], fx.sso.TokenCalls()[callsBefore:]
			if len(issued) != 2 || len(calls) != 2 {
				t.Fatalf("issued %d tokens in %d calls, want 2 (chain's, then botocore's)", len(issued), len(calls))
			}
			for i, who := range []string{"chain", "botocore"} {
				if calls[i].Host != tc.wantHost || !calls[i].ClientOK || !calls[i].RefreshTokenOK {
					t.Errorf("%s's CreateToken: %+v, want Host %s", who, calls[i], tc.wantHost)
				}
			}
			file := func(home string, i int, done time.Time) string {
				t.Helper()
				rel := ""
				for rel = range sc.files {
				}
				b, err := os.ReadFile(filepath.Join(home, rel))
				if err != nil {
					t.Fatal(err)
				}
				s := strings.NewReplacer(issued[i].AccessToken, "{ACCESS}", issued[i].RefreshToken, "{REFRESH}").Replace(string(b))
				m := regexp.MustCompile(`"expiresAt": "([^"]+)"`).FindStringSubmatch(s)
				if m == nil {
					t.Fatalf("no expiresAt in %s", s)
				}
				exp, err := time.Parse(time.RFC3339, m[1])
				if err != nil || exp.After(done.Add(time.Hour)) || exp.Before(done.Add(time.Hour-time.Minute)) {
					t.Errorf("expiresAt %s, want an hour after the refresh (%s)", m[1], done.UTC().Format(time.RFC3339))
				}
				return strings.Replace(s, m[1], "{EXPIRES}", 1)
			}
			got, want := file(home, 0, chainDone), file(bhome, 1, botoDone)
			if got != want {
				t.Errorf("chain wrote:\n%s\nbotocore wrote:\n%s", got, want)
			}
			if !strings.Contains(got, `"accessToken": "{ACCESS}"`) || !strings.Contains(got, `"refreshToken": "{REFRESH}"`) {
				t.Errorf("the new tokens are not in the file:\n%s", got)
			}
		})
	}
}
