package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
)

// The endpoint's secrets in these tests: its token, a token sent by a client that holds another
// endpoint's, and the served credentials' secrets.
const (
	testToken     = "tok_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5"
	otherToken    = "tok_b3RoZXJlbmRwb2ludHNzZWNyZXR0b2tlbnZhbHVl"
	servedSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSERVEDSECRET"
	servedSession = "FwoGZXIvYXdzEJr//////////wEaDSERVEDSESSIONTOKEN"
	servedKeyID   = "ASIASERVEDEXAMPLE123"
	servedRoleARN = "arn:aws:sts::111122223333:assumed-role/irsa-app/s"
)

var endpointSecrets = []string{testToken, otherToken, servedSecret, servedSession}

// fakeSource serves fixed credentials or a fixed error.
type fakeSource struct {
	creds  credentials.Credentials
	err    error
	status credentials.CacheStatus
}

func (f *fakeSource) Retrieve(context.Context) (credentials.Credentials, error) {
	return f.creds, f.err
}
func (f *fakeSource) Status() credentials.CacheStatus { return f.status }

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func servedCreds(expires time.Time) credentials.Credentials {
	return credentials.Credentials{AccessKeyID: servedKeyID, SecretAccessKey: servedSecret, SessionToken: servedSession,
		Expires: expires, Source: "web-identity", RoleARN: servedRoleARN}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEndpoint returns an endpoint over source with testToken, its clock at now, logging into
// the returned buffer.
func testEndpoint(source credentialSource, now time.Time) (*endpoint, *syncBuffer) {
	logs := &syncBuffer{}
	e := newEndpoint(source, testToken, slog.New(slog.NewTextHandler(logs, nil)))
	e.now = func() time.Time { return now }
	return e, logs
}

// do sends one request to e in-process and returns the status and body.
func do(e http.Handler, method, path string, header http.Header) (int, http.Header, string) {
	r := httptest.NewRequest(method, "http://127.0.0.1:8901"+path, nil)
	for k, vs := range header {
		r.Header[k] = vs
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w.Code, w.Header(), w.Body.String()
}

func auth(values ...string) http.Header { return http.Header{"Authorization": values} }

func TestEndpointAnswersErrorsAsJSONWithoutCredentials(t *testing.T) {
	source := &fakeSource{creds: servedCreds(t0.Add(time.Hour))}
	for _, tc := range []struct {
		name   string
		method string
		path   string
		header http.Header
		status int
		body   string
	}{
		{"no Authorization header is 401", "GET", credentialsPath, nil, 401,
			`{"code":"Unauthorized","message":"no Authorization header: send the authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"}`},
		{"an empty Authorization header is 401", "GET", credentialsPath, auth(""), 401,
			`{"code":"Unauthorized","message":"no Authorization header: send the authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"}`},
		{"another endpoint's token is 403", "GET", credentialsPath, auth(otherToken), 403,
			`{"code":"AccessDenied","message":"the Authorization header does not hold this endpoint's authorization token"}`},
		{"the token as a Bearer token is 403: the protocol sends it bare", "GET", credentialsPath, auth("Bearer " + testToken), 403,
			`{"code":"AccessDenied","message":"the Authorization header does not hold this endpoint's authorization token"}`},
		{"the token's prefix is 403", "GET", credentialsPath, auth(testToken[:len(testToken)-1]), 403,
			`{"code":"AccessDenied","message":"the Authorization header does not hold this endpoint's authorization token"}`},
		{"the token with more after it is 403", "GET", credentialsPath, auth(testToken + "x"), 403,
			`{"code":"AccessDenied","message":"the Authorization header does not hold this endpoint's authorization token"}`},
		{"the token in another case is 403", "GET", credentialsPath, auth(strings.ToUpper(testToken)), 403,
			`{"code":"AccessDenied","message":"the Authorization header does not hold this endpoint's authorization token"}`},
		{"two Authorization headers are 403 even when one is right", "GET", credentialsPath, auth(otherToken, testToken), 403,
			`{"code":"AccessDenied","message":"2 Authorization headers: send one, holding the authorization token"}`},
		{"POST is 405, before the token is looked at", "POST", credentialsPath, nil, 405,
			`{"code":"MethodNotAllowed","message":"method \"POST\" is not allowed: use GET"}`},
		{"PUT with the right token is 405", "PUT", credentialsPath, auth(testToken), 405,
			`{"code":"MethodNotAllowed","message":"method \"PUT\" is not allowed: use GET"}`},
		{"DELETE is 405", "DELETE", credentialsPath, auth(testToken), 405,
			`{"code":"MethodNotAllowed","message":"method \"DELETE\" is not allowed: use GET"}`},
		{"HEAD is 405", "HEAD", credentialsPath, auth(testToken), 405,
			`{"code":"MethodNotAllowed","message":"method \"HEAD\" is not allowed: use GET"}`},
		{"POST to the health endpoint is 405", "POST", healthPath, nil, 405,
			`{"code":"MethodNotAllowed","message":"method \"POST\" is not allowed: use GET"}`},
		{"another path is 404, with the token too", "GET", "/latest/meta-data/iam/security-credentials/", auth(testToken), 404,
			`{"code":"NotFound","message":"nothing at \"/latest/meta-data/iam/security-credentials/\": credentials are at /v1/credentials, health at /healthz"}`},
		{"the root is 404", "GET", "/", nil, 404,
			`{"code":"NotFound","message":"nothing at \"/\": credentials are at /v1/credentials, health at /healthz"}`},
		{"a huge path is clipped in the 404", "GET", "/" + strings.Repeat("a", 5000), nil, 404,
			`{"code":"NotFound","message":"nothing at \"/` + strings.Repeat("a", 99) + `…\": credentials are at /v1/credentials, health at /healthz"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, logs := testEndpoint(source, t0)
			code, h, body := do(e, tc.method, tc.path, tc.header)
			if code != tc.status || strings.TrimSpace(body) != tc.body {
				t.Errorf("got %d %s\nwant %d %s", code, body, tc.status, tc.body)
			}
			if ct := h.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q: aws-sdk-go-v2 decodes the error only with exactly application/json", ct)
			}
			if tc.status == 405 && h.Get("Allow") != "GET" {
				t.Errorf("405 without Allow: GET: %v", h)
			}
			noSecrets(t, body+logs.String(), endpointSecrets...)
			if strings.Contains(body+logs.String(), servedKeyID) {
				t.Errorf("a refused request saw the access key ID:\n%s\n%s", body, logs)
			}
			if tc.status == 401 || tc.status == 403 {
				if !strings.Contains(logs.String(), "refused a credentials request") || !strings.Contains(logs.String(), fmt.Sprintf("status=%d", tc.status)) {
					t.Errorf("refusal not logged:\n%s", logs)
				}
			}
		})
	}
}

func TestEndpointServesCredentialsInTheContainerProtocol(t *testing.T) {
	for _, tc := range []struct {
		name  string
		creds credentials.Credentials
		want  string
	}{
		{"temporary credentials with their expiry and account", servedCreds(t0.Add(time.Hour + 500*time.Millisecond)),
			`{"AccessKeyId":"` + servedKeyID + `","SecretAccessKey":"` + strings.ReplaceAll(servedSecret, "/", `/`) + `","Token":"` + servedSession + `","Expiration":"2026-03-01T13:00:00Z","AccountId":"111122223333"}`},
		{"static keys get an expiry an hour away, an empty Token and no account", credentials.Credentials{AccessKeyID: staticKeyID, SecretAccessKey: staticSecret, Source: "static"},
			`{"AccessKeyId":"` + staticKeyID + `","SecretAccessKey":` + jsonString(staticSecret) + `,"Token":"","Expiration":"2026-03-01T13:00:00Z"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, logs := testEndpoint(&fakeSource{creds: tc.creds}, t0)
			code, h, body := do(e, "GET", credentialsPath, auth(testToken))
			if code != 200 || strings.TrimSpace(body) != tc.want {
				t.Errorf("got %d %s\nwant %s", code, body, tc.want)
			}
			if h.Get("Content-Type") != "application/json" || h.Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v", h)
			}
			if logs.String() != "" {
				t.Errorf("a served request is logged: %s", logs)
			}
		})
	}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestEndpointWithoutCredentialsAnswers503WithTheError(t *testing.T) {
	why := errors.New("credentials: STS AssumeRoleWithWebIdentity: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity")
	for _, tc := range []struct {
		name   string
		source *fakeSource
		want   string
	}{
		{"a refresh failed with nothing cached", &fakeSource{err: why},
			`{"code":"CredentialsUnavailable","message":"credentials: STS AssumeRoleWithWebIdentity: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"}`},
		{"a huge error is clipped", &fakeSource{err: errors.New(strings.Repeat("e", 10000))},
			`{"code":"CredentialsUnavailable","message":"` + strings.Repeat("e", maxErrorText) + `…"}`},
		{"expired credentials served during a backoff are not handed out", &fakeSource{creds: servedCreds(t0.Add(-time.Second)), status: credentials.CacheStatus{LastError: why}},
			`{"code":"CredentialsExpired","message":"the credentials expired at 2026-03-01T11:59:59Z and could not be refreshed: credentials: STS AssumeRoleWithWebIdentity: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, logs := testEndpoint(tc.source, t0)
			code, _, body := do(e, "GET", credentialsPath, auth(testToken))
			if code != 503 || strings.TrimSpace(body) != tc.want {
				t.Errorf("got %d %s\nwant 503 %s", code, body, tc.want)
			}
			noSecrets(t, body+logs.String(), endpointSecrets...)
		})
	}
}

func TestHealth(t *testing.T) {
	exp := t0.Add(30 * time.Minute)
	for _, tc := range []struct {
		name   string
		status credentials.CacheStatus
		code   int
		body   string
	}{
		{"fresh credentials are ok", credentials.CacheStatus{State: "fresh", AccessKeyID: servedKeyID, Expires: exp, NextRefresh: t0.Add(20 * time.Minute)}, 200,
			`{"status":"ok","state":"fresh","expiration":"2026-03-01T12:30:00Z","nextRefresh":"2026-03-01T12:20:00Z"}`},
		{"credentials being refreshed are ok", credentials.CacheStatus{State: "refreshing", Expires: exp, Refreshing: true}, 200,
			`{"status":"ok","state":"refreshing","expiration":"2026-03-01T12:30:00Z","refreshing":true}`},
		{"valid credentials after a failed refresh are ok, with the error", credentials.CacheStatus{State: "stale", Expires: exp, LastError: errors.New("STS said no")}, 200,
			`{"status":"ok","state":"stale","expiration":"2026-03-01T12:30:00Z","lastError":"STS said no"}`},
		{"static keys are ok", credentials.CacheStatus{State: "fresh"}, 200, `{"status":"ok","state":"fresh"}`},
		{"nothing fetched yet is unavailable", credentials.CacheStatus{State: "empty"}, 503, `{"status":"unavailable","state":"empty"}`},
		{"a failure with nothing cached is unavailable", credentials.CacheStatus{State: "empty", LastError: errors.New("no token file")}, 503,
			`{"status":"unavailable","state":"empty","lastError":"no token file"}`},
		{"expired credentials are unavailable", credentials.CacheStatus{State: "expired", Expires: t0.Add(-time.Minute)}, 503,
			`{"status":"unavailable","state":"expired","expiration":"2026-03-01T11:59:00Z"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := testEndpoint(&fakeSource{status: tc.status, creds: servedCreds(exp)}, t0)
			code, h, body := do(e, "GET", healthPath, nil)
			if code != tc.code || strings.TrimSpace(body) != tc.body || h.Get("Content-Type") != "application/json" {
				t.Errorf("got %d %s\nwant %d %s", code, body, tc.code, tc.body)
			}
			noSecrets(t, body, endpointSecrets...)
		})
	}
}

// flakyProvider is the provider of a real Cache on a clock the test moves, over a provider that fails on demand.
type flakyProvider struct {
	mu    sync.Mutex
	n     int
	fail  error
	clock func() time.Time
}

func (p *flakyProvider) Retrieve(context.Context) (credentials.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return credentials.Credentials{}, p.fail
	}
	p.n++
	c := servedCreds(p.clock().Add(time.Hour))
	c.AccessKeyID = servedKeyID[:len(servedKeyID)-1] + string(rune('0'+p.n))
	return c, nil
}

func TestEndpointOverACacheServesValidCredentialsThroughAFailedRefresh(t *testing.T) {
	now := t0
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	p := &flakyProvider{clock: clock}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	refreshed := make(chan credentials.RefreshEvent, 4)
	hook := logRefreshes(log)
	cache, err := credentials.NewCache(credentials.CacheOptions{Provider: p, Now: clock, NoRefreshJitter: true,
		OnRefresh: func(ev credentials.RefreshEvent) { hook(ev); refreshed <- ev }})
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	e := newEndpoint(cache, testToken, log)
	e.now = clock

	if code, _, body := do(e, "GET", healthPath, nil); code != 503 || !strings.Contains(body, `"state":"empty"`) {
		t.Errorf("health before any fetch: %d %s", code, body)
	}
	code, _, body := do(e, "GET", credentialsPath, auth(testToken))
	<-refreshed
	if code != 200 || !strings.Contains(body, `"AccessKeyId":"ASIASERVEDEXAMPLE121"`) {
		t.Fatalf("first fetch: %d %s", code, body)
	}
	if code, _, body := do(e, "GET", healthPath, nil); code != 200 || !strings.Contains(body, `"state":"fresh"`) {
		t.Errorf("health: %d %s", code, body)
	}

	// 50 minutes on, in the advisory window (15 minutes for one-hour credentials): STS fails.
	p.mu.Lock()
	p.fail = errors.New("credentials: STS AssumeRoleWithWebIdentity: Throttling: Rate exceeded")
	p.mu.Unlock()
	advance(50 * time.Minute)
	code, _, body = do(e, "GET", credentialsPath, auth(testToken))
	if code != 200 || !strings.Contains(body, `"AccessKeyId":"ASIASERVEDEXAMPLE121"`) {
		t.Fatalf("during the background refresh: %d %s", code, body)
	}
	if ev := <-refreshed; ev.Err == nil {
		t.Fatalf("the refresh did not fail: %+v", ev)
	}
	code, _, body = do(e, "GET", credentialsPath, auth(testToken))
	if code != 200 || !strings.Contains(body, `"AccessKeyId":"ASIASERVEDEXAMPLE121"`) {
		t.Errorf("after the failed refresh, the valid credentials are not served: %d %s", code, body)
	}
	if code, _, body := do(e, "GET", healthPath, nil); code != 200 || !strings.Contains(body, "Rate exceeded") {
		t.Errorf("health after a failed refresh: %d %s", code, body)
	}

	// Past expiry, still in the backoff: the Cache serves the expired credentials; the endpoint
	// says why it cannot.
	advance(11 * time.Minute)
	code, _, body = do(e, "GET", credentialsPath, auth(testToken))
	if code != 503 || !strings.Contains(body, `"code":"CredentialsExpired"`) || !strings.Contains(body, "Rate exceeded") {
		t.Errorf("expired: %d %s", code, body)
	}
	if code, _, _ := do(e, "GET", healthPath, nil); code != 503 {
		t.Errorf("health with expired credentials: %d", code)
	}
	select {
	case <-refreshed: // the ServingExpired report
	default:
	}

	out := logs.String()
	t.Logf("logs:\n%s", out)
	for _, want := range []string{
		`level=INFO msg="credentials refreshed"`, "access_key_id=ASIASERVEDEXAMPLE121", "expires=2026-03-01T13:00:00Z",
		`level=WARN msg="credentials refresh failed"`, `error="credentials: STS AssumeRoleWithWebIdentity: Throttling: Rate exceeded"`, "backoff_until=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q", want)
		}
	}
	noSecrets(t, out, endpointSecrets...)
}

func TestRefreshLogShowsAnAccessKeyIDOnlyAsRedactDoes(t *testing.T) {
	logs := &syncBuffer{}
	logRefreshes(slog.New(slog.NewTextHandler(logs, nil)))(credentials.RefreshEvent{AccessKeyID: servedSecret, Expires: t0})
	if strings.Contains(logs.String(), servedSecret) || !strings.Contains(logs.String(), "does not look like an access key ID") {
		t.Errorf("a secret where the key ID belongs is logged: %s", logs)
	}
}

func TestNextWake(t *testing.T) {
	fail := errors.New("x")
	for _, tc := range []struct {
		name string
		st   credentials.CacheStatus
		want time.Duration
	}{
		{"fresh credentials: at their refresh point", credentials.CacheStatus{State: "fresh", NextRefresh: t0.Add(40 * time.Minute)}, 40 * time.Minute},
		{"a refresh point just past: soon, not in a loop", credentials.CacheStatus{State: "refreshing", NextRefresh: t0.Add(-time.Second)}, keeperPoll},
		{"a refresh running: poll until it ends", credentials.CacheStatus{State: "refreshing", Refreshing: true, NextRefresh: t0.Add(-time.Second)}, keeperPoll},
		{"a backoff: at its end", credentials.CacheStatus{State: "refreshing", NextRefresh: t0.Add(7 * time.Minute), LastError: fail}, 7 * time.Minute},
		{"a held non-recoverable error: not every 5 s", credentials.CacheStatus{State: "refreshing", NextRefresh: t0.Add(5 * time.Second), LastError: fail}, keeperAfterError},
		{"nothing cached after a failure", credentials.CacheStatus{State: "empty", LastError: fail}, keeperRetryEmpty},
		{"nothing fetched yet", credentials.CacheStatus{State: "empty"}, keeperRetryEmpty},
		{"static keys", credentials.CacheStatus{State: "fresh"}, keeperStatic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextWake(tc.st, t0); got != tc.want {
				t.Errorf("nextWake = %v, want %v", got, tc.want)
			}
		})
	}
}

// countingSource counts Retrieve calls and reports a status that changes with them.
type countingSource struct {
	fakeSource
	calls int
}

func (c *countingSource) Retrieve(ctx context.Context) (credentials.Credentials, error) {
	c.calls++
	c.status = credentials.CacheStatus{State: "fresh", NextRefresh: t0.Add(time.Duration(c.calls) * 45 * time.Minute)}
	return c.fakeSource.Retrieve(ctx)
}

func TestKeepFreshAsksAtEachRefreshPointUntilCancelled(t *testing.T) {
	src := &countingSource{fakeSource: fakeSource{status: credentials.CacheStatus{State: "empty"}}}
	ctx, cancel := context.WithCancel(context.Background())
	var slept []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		if len(slept) == 4 {
			cancel()
		}
		return ctx.Err()
	}
	keepFresh(ctx, src, func() time.Time { return t0 }, sleep)
	want := []time.Duration{keeperRetryEmpty, 45 * time.Minute, 90 * time.Minute, 135 * time.Minute}
	if src.calls != 3 || len(slept) != 4 || slept[0] != want[0] || slept[1] != want[1] || slept[2] != want[2] || slept[3] != want[3] {
		t.Errorf("calls %d, slept %v; want 3 calls, %v", src.calls, slept, want)
	}
}

const (
	refused401 = `{"code":"Unauthorized","message":"no Authorization header: send the authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"}`
	refused403 = `{"code":"AccessDenied","message":"the Authorization header does not hold this endpoint's authorization token"}`
)

func FuzzEndpointAuthorization(f *testing.F) {
	for _, s := range []string{testToken, "", "Bearer " + testToken, testToken + "\x00", otherToken, strings.Repeat("a", 9000)} {
		f.Add(s)
	}
	source := &fakeSource{creds: servedCreds(t0.Add(time.Hour))}
	f.Fuzz(func(t *testing.T, header string) {
		e, logs := testEndpoint(source, t0)
		code, _, body := do(e, "GET", credentialsPath, auth(header))
		if (code == 200) != (header == testToken) {
			t.Fatalf("Authorization %q: %d", header, code)
		}
		if code != 200 && (strings.Contains(body, servedSecret) || strings.Contains(body, servedSession)) {
			t.Fatalf("refused, but the body holds credentials: %s", body)
		}
		// A refusal is one of two fixed answers and one fixed log line: nothing of what was sent.
		want, reason := refused401, "no Authorization header: send the authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
		if header != "" {
			want, reason = refused403, "the Authorization header does not hold this endpoint's authorization token"
		}
		_, line, _ := strings.Cut(logs.String(), " ") // after time=...
		if wantLine := fmt.Sprintf("level=WARN msg=\"refused a credentials request\" remote=192.0.2.1:1234 status=%d reason=%q\n", code, reason); code != 200 && (strings.TrimSpace(body) != want || line != wantLine) {
			t.Fatalf("Authorization %q: answer %s, log %q; want %s, %q", header, body, line, want, wantLine)
		}
	})
}
