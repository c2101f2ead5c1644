package credentials

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakesso"
)

const (
	ssoRefreshTok    = "aorAAAAAGhSSOREFRESHTOKENSECRETxyz0123456789abcdefghij"
	ssoClientID      = "client-1-AAAAAAAAAAAAAAAAAA"
	ssoClientSecret  = "eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0CLIENTSECRET"
	ssoRegistration  = "2026-06-01T00:00:00Z"
	loginDevRefresh  = `; sign in again: run "aws sso login --profile dev" (AWS CLI v2; the AWS CLI v1 has no sso login command), then retry`
	ssoRefreshPrefix = "credentials: IAM Identity Center (SSO) role Admin in account 111111111111 (sso-session corp): "
)

// refreshWorld is an ssoWorld whose cached token can be refreshed: the fake serves the OIDC
// service too, and the clock is the test's.
type refreshWorld struct {
	*ssoWorld
	now time.Time
	t   *testing.T
}

// newRefreshWorld caches the token of newSSOWorld, expiring at expiresAt, with a refresh token
// and a registration valid until ssoRegistration, and an extra key botocore does not keep.
func newRefreshWorld(t *testing.T, expiresAt time.Time) *refreshWorld {
	t.Helper()
	w := &refreshWorld{ssoWorld: newSSOWorld(t), now: ssoNow}
	w.opts.OIDCEndpoint = w.portal.URL()
	w.opts.Now = func() time.Time { return w.now }
	if err := w.portal.AddRefreshToken(ssoRefreshTok, ssoClientID, ssoClientSecret, ssoTok); err != nil {
		t.Fatal(err)
	}
	w.writeToken(t, refreshableToken(expiresAt, ssoRegistration))
	return w
}

func refreshableToken(expiresAt time.Time, registration string) string {
	return fmt.Sprintf(`{"startUrl": %q, "region": "us-east-1", "accessToken": %q, "expiresAt": %q, "clientId": %q, "clientSecret": %q, "registrationExpiresAt": %q, "refreshToken": %q, "extra": 1}`,
		ssoStart, ssoTok, expiresAt.UTC().Format(time.RFC3339), ssoClientID, ssoClientSecret, registration, ssoRefreshTok)
}

func (w *refreshWorld) file(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(w.cacheFile())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSSORefreshesInsideBotocoresWindowOnly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		left    time.Duration // before the cached token expires
		refresh bool
	}{
		{"eight hours left: no refresh", 8 * time.Hour, false},
		{"exactly 15 minutes left: no refresh (botocore refreshes below its window)", 15 * time.Minute, false},
		{"a second under 15 minutes left: refreshed", 15*time.Minute - time.Second, true},
		{"one minute left: refreshed", time.Minute, true},
		{"expired an hour ago: refreshed", -time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newRefreshWorld(t, ssoNow.Add(tc.left))
			before := w.file(t)
			c, err := w.provider(t).Retrieve(context.Background())
			if err != nil || c.AccessKeyID != "ASIASSOROLE000000001" {
				t.Fatalf("got %v, %v", c, err)
			}
			calls, issued := w.portal.TokenCalls(), w.portal.Issued()
			if !tc.refresh {
				if len(calls) != 0 || w.file(t) != before {
					t.Errorf("refreshed: %+v", calls)
				}
				return
			}
			if len(calls) != 1 || calls[0] != (fakesso.TokenCall{Host: strings.TrimPrefix(w.portal.URL(), "http://"), GrantType: "refresh_token", ClientOK: true, RefreshTokenOK: true, Status: 200}) {
				t.Fatalf("token calls %+v", calls)
			}
			if p := w.portal.Calls(); len(p) != 1 || !p[0].TokenOK {
				t.Errorf("portal calls %+v", p)
			}
			if !strings.Contains(w.file(t), `"accessToken": "`+issued[0].AccessToken+`"`) {
				t.Errorf("the cache file does not hold the new token:\n%s", w.file(t))
			}
		})
	}
}

// TestSSORefreshWritesTheCacheFileAsBotocore checks the rewritten file byte for byte against what
// botocore's SSOTokenProvider writes (its keys in its order, json.dumps's form, the registration
// kept, other keys dropped), atomically: a new file renamed over the old one, mode 0600, no
// temporary file left.
func TestSSORefreshWritesTheCacheFileAsBotocore(t *testing.T) {
	w := newRefreshWorld(t, ssoNow.Add(5*time.Minute))
	w.now = ssoNow.Add(123 * time.Millisecond) // botocore writes whole seconds
	old, err := os.Stat(w.cacheFile())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.provider(t).Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	issued := w.portal.Issued()
	if len(issued) != 1 {
		t.Fatalf("issued %+v", issued)
	}
	want := `{"startUrl": "` + ssoStart + `", "region": "us-east-1", "accessToken": "` + issued[0].AccessToken + `", "expiresAt": "2026-03-04T06:06:07Z", "clientId": "` + ssoClientID +
		`", "clientSecret": "` + ssoClientSecret + `", "registrationExpiresAt": "` + ssoRegistration + `", "refreshToken": "` + issued[0].RefreshToken + `"}`
	if got := w.file(t); got != want {
		t.Errorf("cache file:\n%s\nwant:\n%s", got, want)
	}
	st, err := os.Stat(w.cacheFile())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	if os.SameFile(old, st) {
		t.Error("the file was rewritten in place, not replaced")
	}
	entries, _ := os.ReadDir(w.dir)
	if len(entries) != 1 {
		t.Errorf("files left in the cache directory: %v", entries)
	}
}

func TestSSOTokenDocumentEscapesAsPythonsJSONDumps(t *testing.T) {
	// Values printed by python3 -c 'import json; print(json.dumps(S))'.
	for s, want := range map[string]string{
		"plain":                   `"plain"`,
		`quote " and \ backslash`: `"quote \" and \\ backslash"`,
		"\n\r\t\b\f\x01\x7f":      `"\n\r\t\b\f\u0001\u007f"`,
		"é€😀 </script>&":          `"\u00e9\u20ac\ud83d\ude00 </script>&"`,
	} {
		var b strings.Builder
		pyJSONString(&b, s)
		if b.String() != want {
			t.Errorf("%q: %s, want %s", s, b.String(), want)
		}
	}
	// CreateToken without a refresh token: botocore writes none.
	got := string(ssoTokenDocument(ssoToken{startURL: "u", accessToken: "a", expiresAt: ssoNow, clientID: "c", clientSecret: "s", registrationExpiresAt: "r"}, "eu-west-1"))
	if want := `{"startUrl": "u", "region": "eu-west-1", "accessToken": "a", "expiresAt": "2026-03-04T05:06:07Z", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "r"}`; got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
}

func TestSSOFailedRefreshOfATokenStillValidUsesIt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(w *refreshWorld)
		faults []fakesso.Fault
		calls  int
	}{
		{name: "a revoked refresh token (invalid_grant)", setup: func(w *refreshWorld) { w.portal.RevokeRefreshToken(ssoRefreshTok) }, calls: 1},
		{name: "500s", faults: []fakesso.Fault{fakesso.ServerError, fakesso.ServerError, fakesso.ServerError}, calls: 3},
		{name: "an HTML page from a proxy", faults: []fakesso.Fault{fakesso.HTML, fakesso.HTML, fakesso.HTML}, calls: 3},
		{name: "an answer without the token", faults: []fakesso.Fault{fakesso.MissingFields}, calls: 1},
		{name: "an HTML page with 200", faults: []fakesso.Fault{fakesso.NotJSON}, calls: 1},
		{name: "the registration has expired (no attempt)", setup: func(w *refreshWorld) {
			w.now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
			w.writeToken(w.t, refreshableToken(w.now.Add(time.Minute), ssoRegistration))
			w.portal.AddToken(ssoTok, w.now.Add(time.Minute))
		}},
		{name: "no refresh token in the cache file (no attempt)", setup: func(w *refreshWorld) {
			w.writeToken(w.t, `{"accessToken":"`+ssoTok+`","expiresAt":"2026-03-04T05:10:00Z"}`)
		}},
		// Deliberate difference from botocore: it falls back to the token only for an error
		// answer (ClientError); a network error, an answer it cannot parse or a cache file it
		// cannot write fails the call.
		{name: "the OIDC service does not answer (deliberate difference from botocore)", setup: func(w *refreshWorld) { w.opts.OIDCEndpoint = closedURL(w.t) }},
		{name: "the cache file cannot be replaced (deliberate difference from botocore)", calls: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newRefreshWorld(t, ssoNow.Add(4*time.Minute))
			w.t = t
			if tc.setup != nil {
				tc.setup(w)
			}
			w.portal.FailNext(tc.faults...)
			before := w.file(t)
			p := w.provider(t)
			p.refresher.get.sleep = p.get.sleep
			if strings.Contains(tc.name, "cannot be replaced") {
				p.refresher.rename = func(string, string) error { return &fs.PathError{Op: "rename", Path: "x", Err: fs.ErrPermission} }
			}
			c, err := p.Retrieve(context.Background())
			if err != nil || c.AccessKeyID != "ASIASSOROLE000000001" {
				t.Fatalf("got %v, %v", c, err)
			}
			if got := len(w.portal.TokenCalls()); got != tc.calls {
				t.Errorf("%d CreateToken calls, want %d", got, tc.calls)
			}
			if pc := w.portal.Calls(); len(pc) != 1 || !pc[0].TokenOK {
				t.Errorf("portal calls %+v", pc)
			}
			if w.file(t) != before {
				t.Errorf("the cache file changed:\n%s", w.file(t))
			}
			if entries, _ := os.ReadDir(w.dir); len(entries) != 1 {
				t.Errorf("files left in the cache directory: %v", entries)
			}
		})
	}
}

// closedURL is the URL of a loopback port nothing listens on any more.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	_ = l.Close()
	return u
}

func TestSSOFailedRefreshOfAnExpiredTokenSaysHowToSignIn(t *testing.T) {
	expiredAt := ssoNow.Add(-time.Minute)
	what := "the access token in {FILE} expired at 2026-03-04T05:05:07Z"
	for _, tc := range []struct {
		name           string
		setup          func(w *refreshWorld)
		faults         []fakesso.Fault
		want           string // after what; {OIDC} is the fake's URL
		nonRecoverable bool
	}{
		{name: "a revoked refresh token (invalid_grant)", setup: func(w *refreshWorld) { w.portal.RevokeRefreshToken(ssoRefreshTok) },
			want: ", and refreshing it failed: the IAM Identity Center OIDC service at {OIDC}: HTTP 400 Bad Request: invalid_grant: Invalid refresh token provided: the OIDC service refused the refresh token or the client registration (expired or revoked)" + loginDevRefresh, nonRecoverable: true},
		{name: "an unknown client (invalid_client)", setup: func(w *refreshWorld) {
			w.writeToken(w.t, strings.Replace(refreshableToken(expiredAt, ssoRegistration), ssoClientSecret, "other-secret", 1))
		}, want: ", and refreshing it failed: the IAM Identity Center OIDC service at {OIDC}: HTTP 401 Unauthorized: invalid_client: Invalid client: the OIDC service refused the refresh token or the client registration (expired or revoked)" + loginDevRefresh, nonRecoverable: true},
		{name: "500s are retried, then reported, and may be retried later", faults: []fakesso.Fault{fakesso.ServerError, fakesso.ServerError, fakesso.ServerError},
			want: ", and refreshing it failed: the IAM Identity Center OIDC service at {OIDC} (3 attempts): HTTP 500 Internal Server Error: server_error: Internal error" + loginDevRefresh},
		{name: "an HTML page from a proxy", faults: []fakesso.Fault{fakesso.HTML, fakesso.HTML, fakesso.HTML},
			want: ", and refreshing it failed: the IAM Identity Center OIDC service at {OIDC} (3 attempts): HTTP 502 Bad Gateway: <html><body><h1>502 Bad Gateway</h1></body></html>" + loginDevRefresh},
		{name: "an answer without the token", faults: []fakesso.Fault{fakesso.MissingFields},
			want: ", and refreshing it failed: the IAM Identity Center OIDC service answered without accessToken, expiresIn" + loginDevRefresh, nonRecoverable: true},
		{name: "an HTML page with 200", faults: []fakesso.Fault{fakesso.NotJSON},
			want: ", and refreshing it failed: the IAM Identity Center OIDC service answered with something that is not a CreateToken document (invalid JSON at byte 1)" + loginDevRefresh, nonRecoverable: true},
		{name: "the registration has expired", setup: func(w *refreshWorld) {
			w.writeToken(w.t, refreshableToken(expiredAt, "2026-03-04T05:06:07Z"))
		}, want: `, and it cannot be refreshed: the client registration "aws sso login" made expired at 2026-03-04T05:06:07Z` + loginDevRefresh, nonRecoverable: true},
		{name: "a registrationExpiresAt that is not a time", setup: func(w *refreshWorld) {
			w.writeToken(w.t, refreshableToken(expiredAt, "in 90 days"))
		}, want: `, and it cannot be refreshed: the cache file's registrationExpiresAt is not a time with a zone, such as 2026-01-02T03:04:05Z: "in 90 days"` + loginDevRefresh, nonRecoverable: true},
		{name: "no refresh token in the cache file", setup: func(w *refreshWorld) {
			w.writeToken(w.t, `{"accessToken":"`+ssoTok+`","expiresAt":"2026-03-04T05:05:07Z","clientId":"c","clientSecret":"s","registrationExpiresAt":"2030-01-01T00:00:00Z"}`)
		}, want: loginDevRefresh, nonRecoverable: true},
		{name: "the cache file cannot be replaced", setup: func(w *refreshWorld) {}, want: ", and refreshing it failed: cannot write the refreshed access token to {FILE}: permission denied" + loginDevRefresh},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newRefreshWorld(t, expiredAt)
			w.t = t
			if tc.setup != nil {
				tc.setup(w)
			}
			w.portal.FailNext(tc.faults...)
			p := w.provider(t)
			p.refresher.get.sleep = p.get.sleep
			if strings.Contains(tc.name, "cannot be replaced") {
				p.refresher.rename = func(string, string) error { return &fs.PathError{Op: "rename", Path: "x", Err: fs.ErrPermission} }
			}
			_, err := p.Retrieve(context.Background())
			want := ssoRefreshPrefix + strings.NewReplacer("{FILE}", w.cacheFile(), "{OIDC}", w.portal.URL()).Replace(what+tc.want)
			if err == nil || err.Error() != want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, want)
			}
			if IsNonRecoverable(err) != tc.nonRecoverable {
				t.Errorf("non-recoverable %v, want %v", IsNonRecoverable(err), tc.nonRecoverable)
			}
			if len(w.portal.Calls()) != 0 {
				t.Error("the portal was called")
			}
			noRefreshSecrets(t, err)
		})
	}
}

// Deliberate difference from botocore: its one-minute pause between attempts
// (DeferredRefreshableToken._attempt_timeout) lives in an object its SSO credential fetcher makes
// anew for each fetch, so in practice every fetch of role credentials may try a refresh; ours
// holds for the provider, across Retrieves.
func TestSSORefreshIsAttemptedAtMostOnceAMinute(t *testing.T) {
	w := newRefreshWorld(t, ssoNow.Add(90*time.Second))
	w.portal.RevokeRefreshToken(ssoRefreshTok)
	p := w.provider(t)
	retrieve := func(after time.Duration) error {
		w.now = ssoNow.Add(after)
		_, err := p.Retrieve(context.Background())
		return err
	}
	for _, step := range []struct {
		after    time.Duration
		attempts int
		fails    bool
	}{
		{0, 1, false},                // refused; the token is still good
		{59 * time.Second, 1, false}, // no attempt within the minute
		{60 * time.Second, 2, false}, // a minute later: another attempt
		{100 * time.Second, 2, true}, // expired, within the minute: the last failure, no attempt
		{120 * time.Second, 3, true}, // expired, a minute later: another attempt
	} {
		err := retrieve(step.after)
		if got := len(w.portal.TokenCalls()); got != step.attempts || (err != nil) != step.fails {
			t.Fatalf("at +%v: %d attempts (want %d), error %v", step.after, got, step.attempts, err)
		}
		if err != nil && !strings.Contains(err.Error(), "expired at 2026-03-04T05:07:37Z, and refreshing it failed: the IAM Identity Center OIDC service at "+w.portal.URL()+": HTTP 400 Bad Request: invalid_grant") {
			t.Errorf("at +%v: %v", step.after, err)
		}
	}
	// A successful refresh after a sign-in elsewhere: the new file is used as it is.
	w.writeToken(t, refreshableToken(w.now.Add(8*time.Hour), ssoRegistration))
	w.portal.AddToken(ssoTok, w.now.Add(8*time.Hour))
	if err := retrieve(121 * time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestSSORefreshCancelledByTheCallerIsNotThrottled(t *testing.T) {
	w := newRefreshWorld(t, ssoNow.Add(-time.Minute))
	p := w.provider(t)
	ctx, cancel := context.WithCancel(context.Background())
	p.refresher.get.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	w.portal.FailNext(fakesso.ServerError)
	if _, err := p.Retrieve(ctx); err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	if _, err := p.Retrieve(context.Background()); err != nil {
		t.Fatalf("after a cancelled refresh: %v", err)
	}
	if got := len(w.portal.TokenCalls()); got != 2 {
		t.Errorf("%d CreateToken calls", got)
	}
}

func TestSSOConcurrentRetrievesRefreshOnce(t *testing.T) {
	w := newRefreshWorld(t, ssoNow.Add(-time.Minute))
	p := w.provider(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.Retrieve(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(w.portal.TokenCalls()); got != 1 {
		t.Errorf("%d CreateToken calls", got)
	}
}

func TestSSOLegacyFormIsNeverRefreshed(t *testing.T) {
	for _, left := range []time.Duration{time.Minute, -time.Minute} {
		w := newRefreshWorld(t, ssoNow.Add(left))
		w.opts.SessionName = ""
		b := w.file(t)
		if err := os.WriteFile(w.cacheFile()[:len(w.cacheFile())-len("ee0bfd2552fbd840c02cc48b6e823320543c450f.json")]+ssoCacheKey(ssoStart, "")+".json", []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := w.provider(t).Retrieve(context.Background())
		if (err != nil) != (left < 0) || len(w.portal.TokenCalls()) != 0 {
			t.Errorf("%v left: %v, %d CreateToken calls", left, err, len(w.portal.TokenCalls()))
		}
		if err != nil && !strings.HasSuffix(err.Error(), "expired at 2026-03-04T05:05:07Z"+loginDevRefresh) {
			t.Errorf("error %v", err)
		}
	}
}

func TestSSOHostileOIDCServiceEchoingSecretsIsScrubbed(t *testing.T) {
	srv := newEchoServer(t, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"bad `+ssoRefreshTok+` for `+ssoClientSecret+` and `+ssoTok+`"}`)
	w := newRefreshWorld(t, ssoNow.Add(-time.Minute))
	w.opts.OIDCEndpoint = srv
	_, err := w.provider(t).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP 400 Bad Request: invalid_grant: bad [redacted] for [redacted] and [redacted]") {
		t.Fatalf("error %v", err)
	}
	noRefreshSecrets(t, err)
}

func TestSSORefreshSecretsNeverPrinted(t *testing.T) {
	w := newRefreshWorld(t, ssoNow.Add(-time.Minute))
	w.portal.RevokeRefreshToken(ssoRefreshTok)
	p := w.provider(t)
	_, err := p.Retrieve(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	tok, _ := decodeSSOToken([]byte(refreshableToken(ssoNow, ssoRegistration)))
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", p, p, p), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok), fmt.Sprintf("%v %+v %#v", err, err, err)} {
		for _, secret := range []string{ssoTok, ssoRefreshTok, ssoClientSecret} {
			if strings.Contains(s, secret) {
				t.Errorf("secret in %s", s)
			}
		}
	}
}

// Deliberate difference from botocore: a bad OIDC endpoint URL is an error when the provider is
// built; botocore makes its sso-oidc client, and fails, only when a refresh is due.
func TestSSOOIDCEndpointOption(t *testing.T) {
	o := SSOOptions{SessionName: "corp", Region: "us-east-1", AccountID: "111111111111", RoleName: "Admin", CacheDir: "/tmp", OIDCEndpoint: "http://oidc.example.com"}
	_, err := NewSSO(o)
	want := `OIDC endpoint URL "http://oidc.example.com" must use https unless its host is loopback (127.0.0.0/8, ::1, localhost): the request carries the refresh token and the client secret`
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %v", err)
	}
	o.StartURL, o.SessionName = ssoStart, "" // the legacy form never calls the OIDC service
	if _, err := NewSSO(o); err != nil {
		t.Errorf("legacy form: %v", err)
	}
}

// TestSSOOIDCHostsAreBotocores compares the OIDC service's host with the URL botocore 1.43's
// sso-oidc client sends CreateToken to (printed by botocore on this machine) for each partition
// and flag.
func TestSSOOIDCHostsAreBotocores(t *testing.T) {
	want := map[string][4]string{ // plain, FIPS, dual-stack, FIPS and dual-stack
		"us-east-1":      {"https://oidc.us-east-1.amazonaws.com", "https://oidc-fips.us-east-1.amazonaws.com", "https://oidc.us-east-1.api.aws", "https://oidc-fips.us-east-1.api.aws"},
		"cn-north-1":     {"https://oidc.cn-north-1.amazonaws.com.cn", "https://oidc-fips.cn-north-1.amazonaws.com.cn", "https://oidc.cn-north-1.api.amazonwebservices.com.cn", "https://oidc-fips.cn-north-1.api.amazonwebservices.com.cn"},
		"us-gov-west-1":  {"https://oidc.us-gov-west-1.amazonaws.com", "https://oidc.us-gov-west-1.amazonaws.com", "https://oidc.us-gov-west-1.api.aws", "https://oidc-fips.us-gov-west-1.api.aws"},
		"us-iso-east-1":  {"https://oidc.us-iso-east-1.c2s.ic.gov", "https://oidc-fips.us-iso-east-1.c2s.ic.gov", "https://oidc.us-iso-east-1.api.aws.ic.gov", "https://oidc-fips.us-iso-east-1.api.aws.ic.gov"},
		"us-isob-east-1": {"https://oidc.us-isob-east-1.sc2s.sgov.gov", "https://oidc-fips.us-isob-east-1.sc2s.sgov.gov", "https://oidc.us-isob-east-1.api.aws.scloud", "https://oidc-fips.us-isob-east-1.api.aws.scloud"},
		// Deliberate difference from botocore: as for the portal, its partition data has no
		// dual-stack suffix for aws-iso-e (EndpointVariantError); the SDK's newer data has one.
		"eu-isoe-west-1": {"https://oidc.eu-isoe-west-1.cloud.adc-e.uk", "https://oidc-fips.eu-isoe-west-1.cloud.adc-e.uk", "https://oidc.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "https://oidc-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk"},
		"eusc-de-east-1": {"https://oidc.eusc-de-east-1.amazonaws.eu", "https://oidc-fips.eusc-de-east-1.amazonaws.eu", "https://oidc.eusc-de-east-1.api.amazonwebservices.eu", "https://oidc-fips.eusc-de-east-1.api.amazonwebservices.eu"},
		"ap-southeast-7": {"https://oidc.ap-southeast-7.amazonaws.com", "https://oidc-fips.ap-southeast-7.amazonaws.com", "https://oidc.ap-southeast-7.api.aws", "https://oidc-fips.ap-southeast-7.api.aws"},
	}
	for region, hosts := range want {
		for i, flags := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			got, err := ssoServiceURL(region, flags[0], flags[1], ssoOIDC)
			if got != hosts[i] || err != nil {
				t.Errorf("%s FIPS %v dual-stack %v: %q, %v; botocore: %q", region, flags[0], flags[1], got, err, hosts[i])
			}
		}
	}
}

func TestDecodeCreateToken(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{``, "the IAM Identity Center OIDC service answered with something that is not a CreateToken document (it is empty)"},
		{`[]`, "the IAM Identity Center OIDC service answered with something that is not a CreateToken document (it is a JSON array, not an object)"},
		{`{}`, "the IAM Identity Center OIDC service answered without accessToken, expiresIn"},
		{`{"accessToken":"` + ssoTok + `","expiresIn":"3600"}`, "the IAM Identity Center OIDC service answered with something that is not a CreateToken document (the field expiresIn holds a JSON string where a int64 belongs)"},
		{`{"accessToken":"` + ssoTok + `","expiresIn":0}`, "the IAM Identity Center OIDC service answered with an expiresIn that is not a number of seconds from 1 to 31622400: 0"},
		{`{"accessToken":"` + ssoTok + `","expiresIn":99999999999}`, "the IAM Identity Center OIDC service answered with an expiresIn that is not a number of seconds from 1 to 31622400: 99999999999"},
		{`{"accessToken":"a b","expiresIn":60}`, "the IAM Identity Center OIDC service answered with an accessToken that an HTTP header cannot carry (white space, a control character, non-ASCII, or over 16 KiB)"},
		{`{"accessToken":"` + strings.Repeat("a", 17<<10) + `","expiresIn":60}`, "the IAM Identity Center OIDC service answered with an accessToken that an HTTP header cannot carry (white space, a control character, non-ASCII, or over 16 KiB)"},
		{`{"accessToken":"a","expiresIn":60,"refreshToken":"` + strings.Repeat("r", 17<<10) + `"}`, "the IAM Identity Center OIDC service answered with a refreshToken over 16 KiB"},
		{`{"accessToken":"` + ssoTok + `","expiresIn":60} {}`, "the IAM Identity Center OIDC service answered with more than one JSON document"},
	} {
		_, err := decodeCreateToken([]byte(tc.body), ssoNow)
		if err == nil || err.Error() != tc.want || !IsNonRecoverable(err) {
			t.Errorf("%.60s:\n got %v\nwant %s", tc.body, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), ssoTok) {
			t.Errorf("secret in %v", err)
		}
	}
	got, err := decodeCreateToken([]byte(`{"accessToken":"a","expiresIn":3600,"tokenType":"Bearer","idToken":"x"}`), ssoNow)
	if err != nil || got.accessToken != "a" || got.refreshToken != "" || !got.expiresAt.Equal(ssoNow.Add(time.Hour)) {
		t.Errorf("%#v %v", got.expiresAt, err)
	}
}

// noRefreshSecrets checks every rendering of err and of each error in its chain.
func noRefreshSecrets(t *testing.T, err error) {
	t.Helper()
	noSSOSecrets(t, err)
	for e := err; e != nil; e = errors.Unwrap(e) {
		s := fmt.Sprintf("%v|%+v|%#v|%s", e, e, e, e.Error())
		for _, secret := range []string{ssoRefreshTok, ssoClientSecret, ssoRefreshTok[:16], ssoClientSecret[:20]} {
			if strings.Contains(s, secret) {
				t.Fatalf("secret in %s", s)
			}
		}
	}
}

func FuzzDecodeCreateToken(f *testing.F) {
	for _, s := range []string{`{"accessToken":"a","expiresIn":3600,"refreshToken":"r"}`, `{"accessToken":"a b","expiresIn":1}`, ``, `[]`, `{"expiresIn":-1}`, `{"accessToken":"a","expiresIn":1.5} x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tok, err := decodeCreateToken(b, ssoNow)
		if err != nil {
			if len(b) >= 24 && strings.Contains(err.Error(), string(b)) {
				t.Fatalf("the answer is quoted in %v", err)
			}
			return
		}
		if tok.accessToken == "" || !headerSafe(tok.accessToken) || !tok.expiresAt.After(ssoNow) {
			t.Fatalf("accepted %q", b)
		}
		var doc strings.Builder
		pyJSONString(&doc, tok.refreshToken)
		if strings.ContainsFunc(doc.String(), func(r rune) bool { return r < ' ' || r > '~' }) {
			t.Fatalf("non-ASCII in the file: %q", doc.String())
		}
	})
}
