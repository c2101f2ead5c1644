package fakesso

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

const tok = "aoaAAAAAGexampleAccessToken0123456789"

func start(t *testing.T, now time.Time) *Server {
	t.Helper()
	s := New(Options{Now: func() time.Time { return now }})
	t.Cleanup(s.Close)
	s.AddToken(tok, now.Add(time.Hour))
	if err := s.Grant(tok, "111111111111", "Admin", &RoleCredentials{AccessKeyID: "ASIAFIXED00000000001", SecretAccessKey: "fixed-secret", SessionToken: "fixed-token", Expiration: now.Add(30 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t *testing.T, s *Server, token, query string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/federation/credentials?"+query, nil)
	if token != "" {
		req.Header.Set("x-amz-sso_bearer_token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestGetRoleCredentialsChecksTokenParametersAndAccess(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := start(t, now)
	s.AddToken("expired-token", now.Add(-time.Second))
	for _, tc := range []struct {
		name, token, query string
		status             int
		errType, body      string
	}{
		{"a granted role answers its credentials", tok, "account_id=111111111111&role_name=Admin", 200, "",
			`{"roleCredentials":{"accessKeyId":"ASIAFIXED00000000001","expiration":` + itoa(now.Add(30*time.Minute).UnixMilli()) + `,"secretAccessKey":"fixed-secret","sessionToken":"fixed-token"}}`},
		{"no token is unauthorized", "", "account_id=111111111111&role_name=Admin", 401, "UnauthorizedException", `{"message":"Session token not found or invalid"}`},
		{"an unknown token is unauthorized", "other", "account_id=111111111111&role_name=Admin", 401, "UnauthorizedException", `{"message":"Session token not found or invalid"}`},
		{"an expired token is unauthorized", "expired-token", "account_id=111111111111&role_name=Admin", 401, "UnauthorizedException", `{"message":"Session token not found or invalid"}`},
		{"a role not granted is forbidden", tok, "account_id=111111111111&role_name=ReadOnly", 403, "ForbiddenException", `{"message":"No access"}`},
		{"another account is forbidden", tok, "account_id=222222222222&role_name=Admin", 403, "ForbiddenException", `{"message":"No access"}`},
		{"a missing parameter is an invalid request", tok, "account_id=111111111111", 400, "InvalidRequestException", `{"message":"account_id and role_name are required"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := get(t, s, tc.token, tc.query)
			if status != tc.status || body != tc.body || !strings.HasPrefix(h.Get("x-amzn-ErrorType"), tc.errType) {
				t.Errorf("got %d %q %s, want %d %q %s", status, h.Get("x-amzn-ErrorType"), body, tc.status, tc.errType, tc.body)
			}
		})
	}
	calls := s.Calls()
	if len(calls) != 7 || calls[0] != (Call{AccountID: "111111111111", RoleName: "Admin", TokenOK: true, Status: 200}) || calls[1].TokenOK {
		t.Errorf("calls %+v", calls)
	}
	s.ResetCalls()
	if len(s.Calls()) != 0 {
		t.Error("ResetCalls kept calls")
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestFaultsComeFirstAndInOrder(t *testing.T) {
	now := time.Now()
	s := start(t, now)
	s.FailNext(ServerError, Throttled, HTML, MissingFields, NotJSON)
	q := "account_id=111111111111&role_name=Admin"
	for _, want := range []struct {
		status int
		body   string
	}{
		{500, `{"message":"Internal error"}`},
		{429, `{"message":"Rate exceeded"}`},
		{502, "<html><body><h1>502 Bad Gateway</h1></body></html>"},
		{200, `{"roleCredentials":{"accessKeyId":"ASIAMISSINGFIELDS001","sessionToken":"x"}}`},
		{200, "<html>sign in</html>"},
	} {
		if status, _, body := get(t, s, tok, q); status != want.status || body != want.body {
			t.Errorf("got %d %s, want %d %s", status, body, want.status, want.body)
		}
	}
	if status, _, _ := get(t, s, tok, q); status != 200 {
		t.Errorf("after the faults: %d", status)
	}
}

func TestGrantNeedsAToken(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	if err := s.Grant("nope", "1", "r", nil); err == nil || err.Error() != "fakesso: Grant for a token that was not added" {
		t.Errorf("error %v", err)
	}
}

func TestRandomCredentialsDifferPerCall(t *testing.T) {
	s := start(t, time.Now())
	if err := s.Grant(tok, "111111111111", "Dev", nil); err != nil {
		t.Fatal(err)
	}
	_, _, a := get(t, s, tok, "account_id=111111111111&role_name=Dev")
	_, _, b := get(t, s, tok, "account_id=111111111111&role_name=Dev")
	if a == b || !strings.Contains(a, `"accessKeyId":"ASIA`) {
		t.Errorf("answers %s and %s", a, b)
	}
}

// TestTheSDKAcceptsTheFake checks the fake against aws-sdk-go-v2's own SSO client (through
// config.LoadDefaultConfig, which honours AWS_ENDPOINT_URL_SSO): what it sends is what the fake
// checks, and what the fake answers is what the SDK parses, errors included.
func TestTheSDKAcceptsTheFake(t *testing.T) {
	now := time.Now()
	s := start(t, now)
	home := t.TempDir()
	cfgFile := filepath.Join(home, "config")
	must(t, os.WriteFile(cfgFile, []byte("[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n"+
		"[profile ro]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n"+
		"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"), 0o600))
	sum := sha1.Sum([]byte("corp"))
	cache := filepath.Join(home, ".aws", "sso", "cache")
	must(t, os.MkdirAll(cache, 0o700))
	must(t, os.WriteFile(filepath.Join(cache, hex.EncodeToString(sum[:])+".json"),
		[]byte(`{"accessToken":"`+tok+`","expiresAt":"`+now.Add(time.Hour).UTC().Format(time.RFC3339)+`","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}`), 0o600))
	t.Setenv("HOME", home)
	t.Setenv("AWS_ENDPOINT_URL_SSO", s.URL())
	load := func(profile string) (string, error) {
		cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigFiles([]string{cfgFile}),
			config.WithSharedCredentialsFiles([]string{filepath.Join(home, "none")}), config.WithSharedConfigProfile(profile), config.WithRegion("us-east-1"))
		if err != nil {
			return "", err
		}
		c, err := cfg.Credentials.Retrieve(context.Background())
		return c.AccessKeyID, err
	}
	if id, err := load("dev"); err != nil || id != "ASIAFIXED00000000001" {
		t.Fatalf("the SDK got %q, %v", id, err)
	}
	if _, err := load("ro"); err == nil || !strings.Contains(err.Error(), "ForbiddenException") {
		t.Errorf("a role not granted: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func createToken(t *testing.T, s *Server, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &doc)
	return resp.StatusCode, resp.Header, doc
}

func TestCreateTokenRefreshesTheSessionAndRefusesWhatRealOIDCRefuses(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := start(t, now)
	if err := s.AddRefreshToken("aorRefresh", "client-1", "client-secret", tok); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRefreshToken("aorOther", "client-1", "client-secret", "unknown"); err == nil {
		t.Error("a refresh token for an unknown access token was added")
	}
	body := func(grant, id, secret, refresh string) string {
		b, _ := json.Marshal(map[string]string{"grantType": grant, "clientId": id, "clientSecret": secret, "refreshToken": refresh})
		return string(b)
	}
	for _, tc := range []struct {
		name, body       string
		status           int
		errType, errCode string
	}{
		{"a wrong client secret is invalid_client", body("refresh_token", "client-1", "wrong", "aorRefresh"), 401, "InvalidClientException", "invalid_client"},
		{"an unknown refresh token is invalid_grant", body("refresh_token", "client-1", "client-secret", "aorNope"), 400, "InvalidGrantException", "invalid_grant"},
		{"another grant type is refused", body("authorization_code", "client-1", "client-secret", "aorRefresh"), 400, "UnsupportedGrantTypeException", "unsupported_grant_type"},
		{"a body that is not JSON is refused", "grantType=refresh_token", 400, "InvalidRequestException", "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, doc := createToken(t, s, tc.body)
			if status != tc.status || h.Get("x-amzn-ErrorType") != tc.errType || doc["error"] != tc.errCode {
				t.Errorf("%d %s %v", status, h.Get("x-amzn-ErrorType"), doc)
			}
		})
	}
	status, _, doc := createToken(t, s, body("refresh_token", "client-1", "client-secret", "aorRefresh"))
	issued := s.Issued()
	if status != 200 || len(issued) != 1 || doc["accessToken"] != issued[0].AccessToken || doc["refreshToken"] != issued[0].RefreshToken || doc["expiresIn"] != 3600.0 {
		t.Fatalf("%d %v %v", status, doc, issued)
	}
	if code, _, _ := get(t, s, issued[0].AccessToken, "account_id=111111111111&role_name=Admin"); code != 200 {
		t.Errorf("the refreshed token may not use the session's role: %d", code)
	}
	s.RevokeRefreshToken(issued[0].RefreshToken)
	if status, _, doc := createToken(t, s, body("refresh_token", "client-1", "client-secret", issued[0].RefreshToken)); status != 400 || doc["error"] != "invalid_grant" {
		t.Errorf("a revoked refresh token: %d %v", status, doc)
	}
	s.FailNext(ServerError, MissingFields)
	if status, _, doc := createToken(t, s, body("refresh_token", "client-1", "client-secret", "aorRefresh")); status != 500 || doc["error"] != "server_error" {
		t.Errorf("ServerError: %d %v", status, doc)
	}
	if status, _, doc := createToken(t, s, body("refresh_token", "client-1", "client-secret", "aorRefresh")); status != 200 || doc["accessToken"] != nil || doc["expiresIn"] != nil {
		t.Errorf("MissingFields: %d %v", status, doc)
	}
	calls := s.TokenCalls()
	if len(calls) != 8 || calls[0].ClientOK || !calls[0].RefreshTokenOK || !calls[4].ClientOK || !calls[4].RefreshTokenOK || calls[4].Status != 200 || calls[4].GrantType != "refresh_token" || !strings.HasPrefix(calls[4].Host, "127.0.0.1:") {
		t.Errorf("calls %+v", calls)
	}
	if len(s.Calls()) != 1 {
		t.Errorf("portal calls %+v", s.Calls())
	}
}
