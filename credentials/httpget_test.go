package credentials

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// getterSecret stands for a secret sent with a fetch (an authorization token); servers below echo
// it wherever a server can.
const getterSecret = "Bearer-s3cr3t-t0ken-0123456789abcdefXYZ"

// scriptedServer answers the i-th request (from 0) with reply(i, w, r) and counts requests.
type scriptedServer struct {
	*httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	agents   []string
}

func newScriptedServer(t *testing.T, reply func(i int, w http.ResponseWriter, r *http.Request)) *scriptedServer {
	t.Helper()
	s := &scriptedServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(s.requests.Add(1)) - 1
		s.mu.Lock()
		s.agents = append(s.agents, r.Header.Get("User-Agent"))
		s.mu.Unlock()
		reply(i, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// testGetter is a getter with 3 attempts whose sleeps are recorded, not slept.
func testGetter(t *testing.T) (*httpGetter, *[]time.Duration) {
	t.Helper()
	g := newHTTPGetter("the test service", nil, 3, 10*time.Second)
	t.Cleanup(g.client.CloseIdleConnections)
	var slept []time.Duration
	g.rand = func() float64 { return 0.5 }
	g.sleep = func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return ctx.Err()
	}
	return g, &slept
}

func get(url string) func(context.Context) (*http.Request, error) {
	return func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err == nil {
			req.Header.Set("Authorization", getterSecret)
		}
		return req, err
	}
}

// checkSecretFree fails t when any rendering of err holds the secret, or part of it.
func checkSecretFree(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err)} {
		for _, s := range secrets {
			if strings.Contains(text, s) || len(s) > 24 && (strings.Contains(text, s[:12]) || strings.Contains(text, s[len(s)-12:])) {
				t.Errorf("error text holds a secret: %s", text)
			}
		}
	}
}

func TestHTTPGetterRetries(t *testing.T) {
	leakcheck.Check(t)
	status := func(codes ...int) func(int, http.ResponseWriter, *http.Request) {
		return func(i int, w http.ResponseWriter, _ *http.Request) {
			if i < len(codes) && codes[i] != 200 {
				w.WriteHeader(codes[i])
				fmt.Fprintf(w, `{"code": "Busy", "message": "try again (%d)"}`, i)
				return
			}
			fmt.Fprint(w, `{"ok": true}`)
		}
	}
	for _, tc := range []struct {
		name     string
		reply    func(int, http.ResponseWriter, *http.Request)
		requests int32
		err      string // "" for success
		retry    bool   // whether the final error is one a later fetch may not repeat
	}{
		{name: "two 500s then 200 succeeds on the third attempt", reply: status(500, 500, 200), requests: 3},
		{name: "a 429 is retried", reply: status(429, 200), requests: 2},
		{name: "503 every time stops after maxAttempts",
			reply: status(503, 503, 503, 503, 503), requests: 3,
			err: "credentials: the test service (3 attempts): HTTP 503 Service Unavailable: Busy: try again (2)", retry: true},
		{name: "a 403 is not retried", reply: status(403, 200), requests: 1,
			err: "credentials: the test service: HTTP 403 Forbidden: Busy: try again (0)"},
		{name: "a 404 is not retried", reply: status(404, 200), requests: 1,
			err: "credentials: the test service: HTTP 404 Not Found: Busy: try again (0)"},
		{name: "a 400 is not retried", reply: status(400, 200), requests: 1,
			err: "credentials: the test service: HTTP 400 Bad Request: Busy: try again (0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScriptedServer(t, tc.reply)
			g, slept := testGetter(t)
			body, err := g.fetch(context.Background(), get(srv.URL), getterSecret)
			if got := srv.requests.Load(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			if len(*slept) != int(tc.requests)-1 {
				t.Errorf("slept %d times, want %d", len(*slept), tc.requests-1)
			}
			if tc.err == "" {
				if err != nil || string(body) != `{"ok": true}` {
					t.Fatalf("fetch = %q, %v", body, err)
				}
				return
			}
			if err == nil || err.Error() != tc.err {
				t.Fatalf("error:\n%v\nwant\n%s", err, tc.err)
			}
			if retryable(err) != tc.retry {
				t.Errorf("retryable = %v, want %v", retryable(err), tc.retry)
			}
			var se *httpStatusError
			if !errors.As(err, &se) || se.status == 0 {
				t.Errorf("errors.As finds no *httpStatusError in %v", err)
			}
		})
	}
}

func TestHTTPGetterBackoffIsFullJitterFromOneSecond(t *testing.T) {
	leakcheck.Check(t)
	srv := newScriptedServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	g, slept := testGetter(t)
	g.maxAttempts = 4
	if _, err := g.fetch(context.Background(), get(srv.URL)); err == nil {
		t.Fatal("no error")
	}
	// rand is 0.5: half of 1 s, 2 s, 4 s.
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}
	if fmt.Sprint(*slept) != fmt.Sprint(want) {
		t.Errorf("slept %v, want %v", *slept, want)
	}
}

func TestHTTPGetterConnectionRefusedIsRetriedAndBounded(t *testing.T) {
	leakcheck.Check(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	g, slept := testGetter(t)
	_, err = g.fetch(context.Background(), get("http://"+addr+"/creds"))
	if err == nil {
		t.Fatal("no error")
	}
	want := "credentials: the test service (3 attempts): dial tcp " + addr + ": connect: connection refused"
	if err.Error() != want {
		t.Errorf("error:\n%v\nwant\n%s", err, want)
	}
	if len(*slept) != 2 {
		t.Errorf("slept %d times, want 2", len(*slept))
	}
	if IsNonRecoverable(err) {
		t.Error("a refused connection is marked non-recoverable; the endpoint may come up")
	}
}

func TestHTTPGetterAttemptTimeoutSaysSo(t *testing.T) {
	leakcheck.Check(t)
	srv := newScriptedServer(t, func(_ int, _ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	g, _ := testGetter(t)
	g.attemptTimeout = time.Millisecond
	g.maxAttempts = 2
	_, err := g.fetch(context.Background(), get(srv.URL))
	want := "credentials: the test service (2 attempts): no answer within 1ms, the timeout of one attempt: context deadline exceeded"
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant\n%s", err, want)
	}
}

func TestHTTPGetterBodyCap(t *testing.T) {
	leakcheck.Check(t)
	for _, tc := range []struct {
		name string
		size int
		err  string
	}{
		{name: "a body of exactly the cap is read", size: 64 << 10},
		{name: "a body one byte over the cap is refused", size: 64<<10 + 1, err: "credentials: the test service: the answer is larger than 65536 bytes"},
		{name: "an endless body is refused after the cap", size: -1, err: "credentials: the test service: the answer is larger than 65536 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				chunk := []byte(strings.Repeat("x", 4096))
				for n := 0; tc.size < 0 || n < tc.size; n += len(chunk) {
					if tc.size >= 0 && tc.size-n < len(chunk) {
						chunk = chunk[:tc.size-n]
					}
					if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil || n > 10<<20 {
						return
					}
				}
			})
			g, _ := testGetter(t)
			body, err := g.fetch(context.Background(), get(srv.URL))
			if tc.err == "" {
				if err != nil || len(body) != tc.size {
					t.Fatalf("fetch = %d bytes, %v", len(body), err)
				}
				return
			}
			if err == nil || err.Error() != tc.err {
				t.Fatalf("error:\n%v\nwant\n%s", err, tc.err)
			}
			if !IsNonRecoverable(err) || srv.requests.Load() != 1 {
				t.Errorf("an oversized answer was retried (%d requests) or is recoverable", srv.requests.Load())
			}
		})
	}
}

func TestHTTPGetterErrorBodies(t *testing.T) {
	leakcheck.Check(t)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl"
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{name: "an HTML page is excerpted with tokens and echoed secrets hidden", status: 502,
			body: "<html><body><h1>502 Bad Gateway</h1>\n<p>auth " + getterSecret + " and " + jwt + " and AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</p></body></html>",
			want: "HTTP 502 Bad Gateway: <html><body><h1>502 Bad Gateway</h1> <p>auth [redacted] and [redacted] and AKIAIOSFODNN7EXAMPLE [redacted]</p></body></html>"},
		{name: "a long page is clipped", status: 500, body: strings.Repeat("é", 300),
			want: "HTTP 500 Internal Server Error: " + strings.Repeat("é", 100) + "…"},
		{name: "the JSON error form gives code and message", status: 401,
			body: `{"code": "InvalidToken", "message": "the token ` + getterSecret + ` is not valid"}`,
			want: "HTTP 401 Unauthorized: InvalidToken: the token [redacted] is not valid"},
		{name: "the JSON error form in upper case", status: 400, body: `{"Code": "BadRequest", "Message": "no"}`,
			want: "HTTP 400 Bad Request: BadRequest: no"},
		{name: "a JSON error with a message only", status: 400, body: `{"message": "no role"}`,
			want: "HTTP 400 Bad Request: no role"},
		{name: "control characters and bidi overrides are blanked", status: 400, body: "bad\x1b[31m\u202ered\r\nX-Injected: 1",
			want: "HTTP 400 Bad Request: bad [31m red  X-Injected: 1"},
		{name: "an empty body gives the status only", status: 500, want: "HTTP 500 Internal Server Error"},
		{name: "an unknown status", status: 599, body: "?", want: "HTTP 599: ?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			g, _ := testGetter(t)
			g.maxAttempts = 1
			_, err := g.fetch(context.Background(), get(srv.URL), getterSecret)
			if err == nil {
				t.Fatal("no error")
			}
			want := "credentials: the test service: " + tc.want
			if err.Error() != want {
				t.Errorf("error:\n%s\nwant\n%s", err, want)
			}
			checkSecretFree(t, err, getterSecret, jwt)
		})
	}
}

func TestHTTPGetterDoesNotFollowRedirects(t *testing.T) {
	leakcheck.Check(t)
	elsewhere := newScriptedServer(t, func(int, http.ResponseWriter, *http.Request) {})
	for _, tc := range []struct{ name, location, want string }{
		{name: "to another server", location: elsewhere.URL + "/steal?x=1",
			want: "credentials: the test service: HTTP 307 redirect to " + elsewhere.URL + " not followed: the credentials service answers directly, and the request may carry a token meant for it alone"},
		{name: "to a host that echoes the token", location: "http://" + getterSecret + ".example/",
			want: "credentials: the test service: HTTP 307 redirect to http://[redacted].example not followed: the credentials service answers directly, and the request may carry a token meant for it alone"},
		{name: "to a malformed location", location: "http://%zz/",
			want: "credentials: the test service: HTTP 307 redirect (its Location header is not a valid URL) not followed: the credentials service answers directly, and the request may carry a token meant for it alone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header()["Location"] = []string{tc.location}
				w.WriteHeader(http.StatusTemporaryRedirect)
			})
			g, _ := testGetter(t)
			_, err := g.fetch(context.Background(), get(srv.URL), getterSecret)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n%v\nwant\n%s", err, tc.want)
			}
			if elsewhere.requests.Load() != 0 || srv.requests.Load() != 1 {
				t.Errorf("requests: %d to the redirect's target, %d to the server; want 0 and 1", elsewhere.requests.Load(), srv.requests.Load())
			}
			if strings.Contains(err.Error(), "STS") {
				t.Errorf("the error names STS: %v", err)
			}
			checkSecretFree(t, err, getterSecret)
		})
	}
}

func TestHTTPGetterMalformedHeaderIsNotQuoted(t *testing.T) {
	leakcheck.Check(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = bufio.NewReader(c).ReadString('\n')
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nX-Echo %s\r\nContent-Length: 2\r\n\r\n{}", getterSecret)
	}()
	g, _ := testGetter(t)
	_, err = g.fetch(context.Background(), get("http://"+l.Addr().String()+"/"), getterSecret)
	<-done
	want := "credentials: the test service: the answer is not valid HTTP: net/http refused a malformed header line, not shown here because a server can put anything in it"
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant\n%s", err, want)
	}
	checkSecretFree(t, err, getterSecret)
}

func TestHTTPGetterContextCanceledDuringBackoff(t *testing.T) {
	leakcheck.Check(t)
	srv := newScriptedServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(500)
		fmt.Fprint(w, "echo "+getterSecret)
	})
	g, _ := testGetter(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g.sleep = func(ctx context.Context, d time.Duration) error {
		cancel() // the caller gives up while the getter waits to retry
		<-ctx.Done()
		return ctx.Err()
	}
	_, err := g.fetch(ctx, get(srv.URL), getterSecret)
	want := "credentials: the test service: context canceled (last attempt: HTTP 500 Internal Server Error: echo [redacted])"
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, context.Canceled) {
		t.Error("errors.Is(err, context.Canceled) is false")
	}
	if srv.requests.Load() != 1 {
		t.Errorf("%d requests after the cancel, want 1", srv.requests.Load())
	}
	checkSecretFree(t, err, getterSecret)
}

func TestHTTPGetterContextCanceledDuringRequest(t *testing.T) {
	leakcheck.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newScriptedServer(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})
	g, slept := testGetter(t)
	_, err := g.fetch(ctx, get(srv.URL))
	if err == nil || !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "credentials: the test service: context canceled") {
		t.Fatalf("error: %v", err)
	}
	if len(*slept) != 0 || srv.requests.Load() != 1 {
		t.Errorf("retried after the caller's context ended (%d requests)", srv.requests.Load())
	}
}

func TestHTTPGetterSendsUserAgent(t *testing.T) {
	leakcheck.Check(t)
	srv := newScriptedServer(t, func(int, http.ResponseWriter, *http.Request) {})
	g, _ := testGetter(t)
	if _, err := g.fetch(context.Background(), get(srv.URL)); err != nil {
		t.Fatal(err)
	}
	if srv.agents[0] != userAgent {
		t.Errorf("User-Agent %q, want %q", srv.agents[0], userAgent)
	}
}

func TestHTTPGetterBuildErrorIsNotRetried(t *testing.T) {
	g, slept := testGetter(t)
	_, err := g.fetch(context.Background(), get("http://127.0.0.1:1/\x7f"))
	if err == nil || !IsNonRecoverable(err) || len(*slept) != 0 {
		t.Fatalf("error %v, slept %d times", err, len(*slept))
	}
}

func TestFullJitterBounds(t *testing.T) {
	for _, tc := range []struct {
		attempt int
		f       float64
		want    time.Duration
	}{
		{1, 0.999, 999 * time.Millisecond},
		{2, 0.5, time.Second},
		{6, 0.5, 10 * time.Second}, // capped at 20 s
		{200, 0.5, 10 * time.Second},
		{1, 1.5, 0}, // rand out of range counts as 0
		{1, -1, 0},
	} {
		if got := fullJitter(tc.attempt, time.Second, 20*time.Second, tc.f); got != tc.want {
			t.Errorf("fullJitter(%d, %v) = %v, want %v", tc.attempt, tc.f, got, tc.want)
		}
	}
}

const (
	docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
	docToken  = "IQoJb3JpZ2luX2VjEXAMPLEtokenTOKENtoken0123456789"
)

func credentialsDoc(fields map[string]string) string {
	var parts []string
	for _, k := range []string{"Code", "AccessKeyId", "SecretAccessKey", "Token", "Expiration", "AccountId", "Message"} {
		if v, ok := fields[k]; ok {
			parts = append(parts, fmt.Sprintf("%q: %q", k, v))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func fullDoc(drop string, set ...string) string {
	f := map[string]string{"Code": "Success", "AccessKeyId": "ASIAEXAMPLE000000001", "SecretAccessKey": docSecret,
		"Token": docToken, "Expiration": "2031-05-06T07:08:09Z", "AccountId": "123456789012"}
	delete(f, drop)
	for i := 0; i+1 < len(set); i += 2 {
		f[set[i]] = set[i+1]
	}
	return credentialsDoc(f)
}

func TestDecodeJSONCredentials(t *testing.T) {
	c, err := decodeJSONCredentials("the endpoint", []byte(fullDoc("")), sourceStatic, true)
	if err != nil {
		t.Fatal(err)
	}
	want := Credentials{AccessKeyID: "ASIAEXAMPLE000000001", SecretAccessKey: docSecret, SessionToken: docToken,
		Expires: time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC), Source: sourceStatic, AccountID: "123456789012"}
	if c != want {
		t.Errorf("got %v, want %v", c, want)
	}
	c, err = decodeJSONCredentials("the endpoint", []byte(`{"accesskeyid": "AKIAEXAMPLE000000001", "secretaccesskey": "s", "expiration": "2031-05-06T09:08:09+02:00"}`), sourceStatic, false)
	if err != nil || c.AccessKeyID != "AKIAEXAMPLE000000001" || c.SessionToken != "" || !c.Expires.Equal(want.Expires) || c.Expires.Location() != time.UTC {
		t.Errorf("keys in lower case, no token, an offset: %v, %v", c, err)
	}
	c, err = decodeJSONCredentials("the endpoint", []byte(fullDoc("", "Token", "")), sourceStatic, true)
	if err != nil || c.SessionToken != "" || !c.Expires.Equal(want.Expires) {
		t.Errorf("an empty Token (long-term keys, as irsa serve answers for them; botocore and aws-sdk-go-v2 take it): %v, %v", c, err)
	}
	c, err = decodeJSONCredentials("the endpoint", []byte(`{"AccessKeyId": "AKIAEXAMPLE000000001", "SecretAccessKey": "s"}`), sourceStatic, false)
	if err != nil || c.CanExpire() {
		t.Errorf("long-term keys when not temporary: %v, %v", c, err)
	}
}

func TestDecodeJSONCredentialsRefusesBadDocuments(t *testing.T) {
	huge := strings.Repeat("A1", 1<<20)
	for _, tc := range []struct {
		name, body  string
		temporary   bool
		want        string
		recoverable bool
	}{
		{name: "no AccessKeyId", body: fullDoc("AccessKeyId"), temporary: true, want: "the endpoint answered without AccessKeyId"},
		{name: "no SecretAccessKey", body: fullDoc("SecretAccessKey"), temporary: true, want: "the endpoint answered without SecretAccessKey"},
		{name: "no Token", body: fullDoc("Token"), temporary: true, want: "the endpoint answered without Token"},
		{name: "a null Token", body: strings.Replace(fullDoc("Token"), "}", `, "Token": null}`, 1), temporary: true, want: "the endpoint answered without Token"},
		{name: "no Expiration", body: fullDoc("Expiration"), temporary: true, want: "the endpoint answered without Expiration"},
		{name: "an empty AccessKeyId counts as missing", body: fullDoc("", "AccessKeyId", ""), temporary: true, want: "the endpoint answered without AccessKeyId"},
		{name: "an empty object lacks everything", body: "{}", temporary: true, want: "the endpoint answered without AccessKeyId, SecretAccessKey, Token, Expiration"},
		{name: "null lacks everything", body: "null", temporary: true, want: "the endpoint answered without AccessKeyId, SecretAccessKey, Token, Expiration"},
		{name: "long-term keys need both keys", body: `{"AccessKeyId": "AKIAEXAMPLE000000001"}`, want: "the endpoint answered without SecretAccessKey"},
		{name: "an Expiration that is not RFC 3339", body: fullDoc("", "Expiration", "tomorrow"), temporary: true,
			want: `the endpoint answered with an Expiration that is not an RFC 3339 time: "tomorrow"`},
		{name: "an Expiration in Unix seconds", body: strings.Replace(fullDoc("Expiration"), "}", `, "Expiration": 1900000000}`, 1), temporary: true,
			want: "the endpoint answered with something that is not a JSON credentials document (the field Expiration holds a JSON number where a string belongs)"},
		{name: "an Expiration that is the secret is not shown", body: fullDoc("", "Expiration", docSecret[:30]), temporary: true,
			want: `the endpoint answered with an Expiration that is not an RFC 3339 time: "[redacted]"`},
		{name: "a huge Expiration is clipped and hidden", body: fullDoc("", "Expiration", huge), temporary: true,
			want: `the endpoint answered with an Expiration that is not an RFC 3339 time: "[redacted]"`},
		{name: "two documents", body: fullDoc("") + fullDoc(""), temporary: true,
			want: "the endpoint answered with more than one JSON value (something follows the document, after byte 250)"},
		{name: "a stray closing brace", body: fullDoc("") + "}", temporary: true,
			want: "the endpoint answered with more than one JSON value (something follows the document, after byte 250)"},
		{name: "an HTML page", body: "<html>" + docSecret + "</html>", temporary: true,
			want: "the endpoint answered with something that is not a JSON credentials document (invalid JSON at byte 1)"},
		{name: "an empty body", body: "", temporary: true,
			want: "the endpoint answered with something that is not a JSON credentials document (it is empty)"},
		{name: "a cut-off document", body: fullDoc("")[:100], temporary: true,
			want: "the endpoint answered with something that is not a JSON credentials document (it ends early)"},
		{name: "an array", body: "[" + fullDoc("") + "]", temporary: true,
			want: "the endpoint answered with something that is not a JSON credentials document (it is a JSON array, not an object)"},
		{name: "a string", body: `"` + docSecret + `"`, temporary: true,
			want: "the endpoint answered with something that is not a JSON credentials document (it is a JSON string, not an object)"},
		{name: "a key that is an object", body: `{"AccessKeyId": {"x": 1}}`, temporary: true,
			want: "the endpoint answered with something that is not a JSON credentials document (the field AccessKeyId holds a JSON object where a string belongs)"},
		{name: "a huge document with a huge secret and no key", body: `{"SecretAccessKey": "` + huge + `", "Token": "` + huge + `"}`, temporary: true,
			want: "the endpoint answered without AccessKeyId, Expiration"},
		{name: "the error form gives its code and message", body: `{"code": "ErrorCodeRoleNotFound", "message": "no role for the pod"}`, temporary: true,
			want: "the endpoint answered with an error: ErrorCodeRoleNotFound: no role for the pod", recoverable: true},
		{name: "the error form hides echoed secrets", body: credentialsDoc(map[string]string{"Code": "Denied", "Message": "token " + getterSecret + " secret " + docSecret, "SecretAccessKey": docSecret}),
			temporary: true, want: "the endpoint answered with an error: Denied: token [redacted] secret [redacted]", recoverable: true},
		{name: "the error form clips a huge message", body: `{"Code": "X", "Message": "` + strings.Repeat("no ", 1<<16) + `"}`, temporary: true,
			want: "the endpoint answered with an error: X: " + strings.Repeat("no ", 100) + "…", recoverable: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := decodeJSONCredentials("the endpoint", []byte(tc.body), sourceStatic, tc.temporary, getterSecret)
			if err == nil {
				t.Fatalf("no error; got %v", c)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n%.500s\nwant\n%s", err, tc.want)
			}
			if IsNonRecoverable(err) == tc.recoverable {
				t.Errorf("IsNonRecoverable = %v", IsNonRecoverable(err))
			}
			checkSecretFree(t, err, getterSecret, docSecret, docToken, huge[:40])
		})
	}
}

// FuzzDecodeJSONCredentials checks that no document makes decodeJSONCredentials panic, return
// incomplete credentials, or show the document's secret access key or session token (or the
// secret it was given) in its error.
func FuzzDecodeJSONCredentials(f *testing.F) {
	for _, seed := range []string{fullDoc(""), fullDoc("Token"), fullDoc("", "Expiration", "x"), "{}", "null", "[]", "", "{", fullDoc("") + "}",
		`{"code": "E", "message": "` + getterSecret + `"}`, `{"Code": "Success"}`, `{"AccessKeyId": 1}`} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, temporary bool) {
		c, err := decodeJSONCredentials("the endpoint", body, sourceStatic, temporary, getterSecret)
		if err == nil {
			if !c.HasKeys() || temporary && !c.CanExpire() || c.Source != sourceStatic {
				t.Fatalf("incomplete credentials without an error: %v", c)
			}
			return
		}
		if c != (Credentials{}) {
			t.Fatalf("credentials with an error: %v", c)
		}
		var doc struct{ SecretAccessKey, Token string }
		_ = json.Unmarshal(body, &doc)
		for _, s := range []string{doc.SecretAccessKey, doc.Token, getterSecret} {
			if randomLooking(s) && strings.Contains(err.Error(), s) {
				t.Fatalf("the error shows the secret %q: %v", s, err)
			}
		}
	})
}

// randomLooking reports whether s could only be in an error by being copied there: at least 8
// letters and digits, with both.
func randomLooking(s string) bool {
	return len(s) >= 8 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" &&
		strings.ContainsAny(s, "0123456789") && strings.Trim(s, "0123456789") != ""
}
