package credentials

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeimds"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// testClock is a clock the test moves; safe for concurrent use.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestIMDS is NewIMDS with its sleeps skipped and its jitter fixed at one half.
func newTestIMDS(t *testing.T, o IMDSOptions) *imdsState {
	t.Helper()
	p, err := NewIMDS(o)
	if err != nil {
		t.Fatalf("NewIMDS: %v", err)
	}
	m := p.(*imds).state()
	m.getter.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	m.jitter = func() float64 { return 0.5 }
	return m
}

func startIMDS(t *testing.T, o fakeimds.Options) *fakeimds.Server {
	t.Helper()
	s := fakeimds.New(o)
	t.Cleanup(s.Close)
	return s
}

func TestIMDSv2(t *testing.T) {
	leakcheck.Check(t)
	clock := newTestClock()
	srv := startIMDS(t, fakeimds.Options{V1Disabled: true, Now: clock.Now})
	p := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL() + "/", DisableV1: true, Now: clock.Now})
	c, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Credentials{AccessKeyID: "ASIAFAKEIMDS00000001", SecretAccessKey: "fake-imds-secret", SessionToken: "fake-imds-session-token",
		Expires: clock.Now().Add(6 * time.Hour), Source: sourceIMDS}
	if c != want {
		t.Fatalf("got %v, want %v", c, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Method != "PUT" || reqs[0].Path != "/latest/api/token" || reqs[0].TTL != "21600" ||
		reqs[1].Path != "/latest/meta-data/iam/security-credentials/" || !reqs[1].Token ||
		reqs[2].Path != "/latest/meta-data/iam/security-credentials/node-role" || !reqs[2].Token {
		t.Errorf("requests: %+v", reqs)
	}
}

func TestIMDSTokenIsKeptForItsLifetime(t *testing.T) {
	leakcheck.Check(t)
	clock := newTestClock()
	srv := startIMDS(t, fakeimds.Options{V1Disabled: true, Now: clock.Now})
	p := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), Now: clock.Now})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := p.Retrieve(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	if n := srv.Count("PUT"); n != 1 {
		t.Fatalf("%d token requests for three retrievals within the token's six hours, want 1", n)
	}
	clock.Advance(3*time.Hour - 30*time.Second) // past six hours less the margin
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("PUT"); n != 2 {
		t.Fatalf("%d token requests, want a second one near the end of the first token's life", n)
	}
}

func TestIMDSTokenRefusedWith401IsFetchedAgain(t *testing.T) {
	leakcheck.Check(t)
	srv := startIMDS(t, fakeimds.Options{V1Disabled: true})
	p := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL()})
	ctx := context.Background()
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	srv.ExpireTokens() // the instance was stopped and started, say
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatalf("after the token was refused: %v", err)
	}
	if n := srv.Count("PUT"); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

// botocore's _fetch_metadata_token returns None (IMDSv1) for 403, 404 and 405, for other
// statuses after its attempts, and for a timeout; it raises for 400.
func TestIMDSv1FallbackAsBotocore(t *testing.T) {
	for _, status := range []int{403, 404, 405, 500, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			leakcheck.Check(t)
			srv := startIMDS(t, fakeimds.Options{TokenStatus: status})
			c, err := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL()}).Retrieve(context.Background())
			if err != nil || c.AccessKeyID != "ASIAFAKEIMDS00000001" {
				t.Fatalf("token answered %d: %v, %v; want IMDSv1 credentials", status, c, err)
			}
			if reqs := srv.Requests(); len(reqs) != 3 || reqs[1].Token || reqs[2].Token {
				t.Errorf("requests %+v, want the GETs without a token", reqs)
			}
		})
	}
}

func TestIMDSTokenFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		v1     bool // v1 disabled
		want   string
	}{
		{"403 with IMDSv1 disabled", 403, true, "credentials: EC2 instance metadata at {URL}, the IMDSv2 token: HTTP 403 Forbidden; IMDSv1 (requests without a token) is disabled by AWS_EC2_METADATA_V1_DISABLED or ec2_metadata_v1_disabled, so there is no fallback"},
		{"404 with IMDSv1 disabled", 404, true, "the IMDSv2 token: HTTP 404 Not Found; IMDSv1 (requests without a token) is disabled"},
		{"405 with IMDSv1 disabled", 405, true, "the IMDSv2 token: HTTP 405 Method Not Allowed; IMDSv1"},
		{"500 with IMDSv1 disabled", 500, true, "the IMDSv2 token: HTTP 500 Internal Server Error; IMDSv1"},
		{"400", 400, false, "credentials: EC2 instance metadata at {URL}, the IMDSv2 token: HTTP 400 Bad Request (the service refused the token request as malformed; a proxy in between may have added an X-Forwarded-For header, which IMDS refuses)"},
		{"400 with IMDSv1 disabled", 400, true, "the IMDSv2 token: HTTP 400 Bad Request (the service refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			srv := startIMDS(t, fakeimds.Options{TokenStatus: tc.status})
			_, err := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), DisableV1: tc.v1}).Retrieve(context.Background())
			want := strings.ReplaceAll(tc.want, "{URL}", srv.URL())
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v\nwant it to contain %q", err, want)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want the token request only", n)
			}
		})
	}
}

// A token request that times out falls back to IMDSv1 (as in botocore): that is how a container
// behind a hop limit of 1 reaches IMDS, whose PUT answer never arrives.
func TestIMDSTokenTimeoutFallsBackToV1(t *testing.T) {
	leakcheck.Check(t)
	srv := startIMDS(t, fakeimds.Options{})
	hold := make(chan struct{})
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			select {
			case <-r.Context().Done():
			case <-hold:
			}
			return
		}
		resp, err := http.Get(srv.URL() + r.URL.Path)
		if err != nil {
			w.WriteHeader(502)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = fmt.Fprint(w, readAll(resp))
	}))
	defer proxy.Close()
	defer close(hold)
	c, err := newTestIMDS(t, IMDSOptions{Endpoint: proxy.URL, Timeout: 50 * time.Millisecond}).Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "ASIAFAKEIMDS00000001" {
		t.Fatalf("%v, %v", c, err)
	}
	_, err = newTestIMDS(t, IMDSOptions{Endpoint: proxy.URL, Timeout: 50 * time.Millisecond, DisableV1: true}).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the IMDSv2 token: ") || !strings.Contains(err.Error(), "so there is no fallback") {
		t.Fatalf("with IMDSv1 disabled: %v", err)
	}
}

func readAll(resp *http.Response) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

func TestIMDSAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault fakeimds.Fault
		want  string
	}{
		{"no role attached", fakeimds.NoRole, "credentials: EC2 instance metadata at {URL}, the IAM role name: HTTP 404 Not Found: <?xml version=\"1.0\" encoding=\"iso-8859-1\"?> <html>"},
		{"no role attached says so", fakeimds.NoRole, "(no IAM role is attached to the instance: attach an instance profile with a role)"},
		{"500s", fakeimds.ServerError, "credentials: EC2 instance metadata at {URL}, the IMDSv2 token (2 attempts): HTTP 500 Internal Server Error: <html><body><h1>500 Internal Server Error</h1></body></html>; IMDSv1"},
		{"an HTML page", fakeimds.HTML, "credentials: EC2 instance metadata at {URL} (role node-role) answered with something that is not a JSON credentials document (invalid JSON at byte 1)"},
		{"missing fields", fakeimds.MissingFields, "credentials: EC2 instance metadata at {URL} (role node-role) answered without SecretAccessKey, Token"},
		{"an error code", fakeimds.ErrorCode, "credentials: EC2 instance metadata at {URL} (role node-role) answered with an error: AssumeRoleUnauthorizedAccess: EC2 cannot assume the role node-role."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			srv := startIMDS(t, fakeimds.Options{})
			srv.SetFault(tc.fault)
			_, err := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), DisableV1: true, Attempts: 2}).Retrieve(context.Background())
			want := strings.ReplaceAll(tc.want, "{URL}", srv.URL())
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v\nwant it to contain %q", err, want)
			}
			if strings.Contains(err.Error(), "fake-imds-secret") || strings.Contains(err.Error(), "fake-imds-session-token") {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
}

// handler serves the token, the listing and body for the credentials.
func handler(role, body string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut:
			_, _ = w.Write([]byte("tok"))
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			_, _ = w.Write([]byte(role))
		default:
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
}

// The secrets have the form of real ones, which is what redaction recognises in a server's text.
const (
	hostileSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYHOSTILEKEY"
	hostileToken  = "IQoJb3JpZ2luX2VjEHOSTILE//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7"
	goodDoc       = `{"Code":"Success","AccessKeyId":"ASIAHOSTILE000000001","SecretAccessKey":"` + hostileSecret + `","Token":"` + hostileToken + `","Expiration":"2099-01-01T00:00:00Z"}`
)

func TestIMDSHostileAnswers(t *testing.T) {
	huge := strings.Repeat("x", 70<<10)
	for _, tc := range []struct {
		name, role, body string
		status           int
		want             string
	}{
		{"an empty listing", "", goodDoc, 200, "listed no IAM role: attach an instance profile with a role to the instance"},
		{"a listing of blank lines", "\n\n", goodDoc, 200, "listed no IAM role"},
		{"a role name with a path in it", "../../../latest/user-data", goodDoc, 200, `answered with a role name that IAM would not allow: "../../../latest/user-data"`},
		{"a role name with a query", "role?x=1", goodDoc, 200, `a role name that IAM would not allow: "role?x=1"`},
		{"a role name too long", strings.Repeat("r", 65), goodDoc, 200, "a role name that IAM would not allow"},
		{"a role name with control characters", "ro\x1ble", goodDoc, 200, `a role name that IAM would not allow: "ro le"`},
		{"a dot", "..", goodDoc, 200, `a role name that IAM would not allow: ".."`},
		{"a huge listing", huge, goodDoc, 200, "the answer is larger than 65536 bytes"},
		{"a huge document", "r", `{"Code":"` + huge + `"}`, 200, "the answer is larger than 65536 bytes"},
		{"an empty document", "r", "", 200, "not a JSON credentials document (it is empty)"},
		{"a truncated document", "r", goodDoc[:40], 200, "not a JSON credentials document (it ends early)"},
		{"two documents", "r", goodDoc + goodDoc, 200, "answered with more than one JSON value (something follows the document"},
		{"a number for a key", "r", `{"AccessKeyId":1}`, 200, "the field AccessKeyId holds a JSON number where a string belongs"},
		{"an expiration that is not a time", "r", strings.Replace(goodDoc, "2099-01-01T00:00:00Z", "tomorrow", 1), 200, `an Expiration that is not an RFC 3339 time: "tomorrow"`},
		{"keys with a failure code", "r", strings.Replace(goodDoc, "Success", "Failure", 1), 200, `(role r) answered with Code "Failure", not "Success": the role's credentials are not available`},
		{"a 500 that echoes the keys", "r", goodDoc, 500, "the credentials of role r: HTTP 500 Internal Server Error: Success"},
		{"a 500 with the keys in a page", "r", "<p>" + goodDoc + "</p>", 500, "the credentials of role r: HTTP 500 Internal Server Error: <p>{"},
		{"a 401 without a token kept", "r", "", 401, "the credentials of role r: HTTP 401 Unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			srv := httptest.NewServer(handler(tc.role, tc.body, tc.status))
			defer srv.Close()
			c, err := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL}).Retrieve(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, %v\nwant an error containing %q", c, err, tc.want)
			}
			if len(err.Error()) > 2000 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
			if out := err.Error() + fmt.Sprintf("%+v", err); strings.Contains(out, "HOSTILE//") || strings.Contains(out, "HOSTILEKEY") {
				t.Errorf("the error shows the session token: %v", err)
			}
		})
	}
}

// The error of a server that echoes the IMDSv2 token never shows it.
func TestIMDSTokenNeverInErrors(t *testing.T) {
	leakcheck.Check(t)
	const token = "AQAEAsecretIMDStoken0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			_, _ = w.Write([]byte(token))
			return
		}
		w.WriteHeader(503)
		_, _ = fmt.Fprintf(w, "token %s refused", r.Header.Get("X-Aws-Ec2-Metadata-Token"))
	}))
	defer srv.Close()
	p := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL, Attempts: 3})
	_, err := p.Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "(3 attempts): HTTP 503 Service Unavailable: token") {
		t.Fatalf("error %v", err)
	}
	for _, out := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%v", p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), fmt.Sprintf("%s", p), fmt.Sprintf("%q", p)} {
		if strings.Contains(out, "secretIMDStoken") {
			t.Errorf("shows the token: %s", out)
		}
	}
	if got := fmt.Sprint(p); got != "credentials.IMDS{Endpoint: "+srv.URL+", IMDSv1 fallback allowed}" {
		t.Errorf("String: %s", got)
	}
	// A token that could not be sent in a header is refused, unseen.
	for _, bad := range []string{"", "  ", "tok\r\nX-Injected: 1", "tok\x00en"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(bad)) }))
		_, err := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL}).Retrieve(context.Background())
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), "answered the token request with something that is not a token (empty, or with characters a header cannot carry; not shown)") || strings.Contains(err.Error(), "Injected") {
			t.Errorf("token %q: %v", bad, err)
		}
	}
}

func TestIMDSAttemptsAndTimeouts(t *testing.T) {
	leakcheck.Check(t)
	srv := startIMDS(t, fakeimds.Options{})
	srv.SetFault(fakeimds.ServerError)
	_, err := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), Attempts: 3}).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the IAM role name (3 attempts): HTTP 500") {
		t.Fatalf("error %v", err)
	}
	if n := len(srv.Requests()); n != 6 {
		t.Errorf("%d requests, want 3 token attempts and 3 listing attempts", n)
	}

	srv.SetFault(fakeimds.Slow)
	_, err = newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), Timeout: 20 * time.Millisecond, DisableV1: true}).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the IMDSv2 token: ") || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("a slow service: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), Timeout: time.Hour}).Retrieve(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context: %v", err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()
	_, err = newTestIMDS(t, IMDSOptions{Endpoint: refused}).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "credentials: EC2 instance metadata at "+refused+", the IAM role name: ") || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("nothing listening: %v", err)
	}
}

// As in botocore, credentials that arrive expired (or
// about to expire) are extended by 15 minutes plus 2 to 10 (here the jitter is fixed at half:
// 21 minutes), so that the Cache, which refuses expired credentials, keeps a source that serves
// stale credentials during an outage.
func TestIMDSExtendsExpiredCredentialsAsBotocore(t *testing.T) {
	leakcheck.Check(t)
	clock := newTestClock()
	for _, tc := range []struct {
		name     string
		lifetime time.Duration
		want     time.Duration // from now
	}{
		{"expired an hour ago", -time.Hour, 21 * time.Minute},
		{"expiring in ten minutes", 10 * time.Minute, 21 * time.Minute},
		{"expiring in twenty minutes", 20 * time.Minute, 21 * time.Minute},
		{"expiring in twenty-two minutes", 22 * time.Minute, 22 * time.Minute},
		{"expiring in six hours", 6 * time.Hour, 6 * time.Hour},
	} {
		srv := startIMDS(t, fakeimds.Options{Now: clock.Now, Lifetime: tc.lifetime})
		if tc.lifetime < 0 {
			srv.SetFault(fakeimds.Expired)
		}
		c, err := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), Now: clock.Now}).Retrieve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Expires.Sub(clock.Now()); got != tc.want {
			t.Errorf("%s: expires in %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Static stability: when a refresh fails, the Cache keeps serving the instance's credentials
// and asks IMDS again after its backoff.
func TestIMDSBehindACacheServesOldCredentialsWhileIMDSFails(t *testing.T) {
	leakcheck.Check(t)
	clock := newTestClock()
	srv := startIMDS(t, fakeimds.Options{Now: clock.Now, Lifetime: time.Hour})
	p := newTestIMDS(t, IMDSOptions{Endpoint: srv.URL(), Now: clock.Now})
	cache, err := NewCache(CacheOptions{Provider: p, Now: clock.Now, Rand: func() float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	ctx := context.Background()
	first, err := cache.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetFault(fakeimds.ServerError)
	clock.Advance(time.Hour - 30*time.Second) // inside the mandatory window: the caller waits for the refresh
	got, err := cache.Retrieve(ctx)
	if err != nil || got.AccessKeyID != first.AccessKeyID || !got.Expires.Equal(first.Expires) {
		t.Fatalf("while IMDS fails: %v, %v; want the cached credentials", got, err)
	}
	st := cache.Status()
	if st.BackoffUntil.IsZero() || st.LastError == nil || !strings.Contains(st.LastError.Error(), "HTTP 500") {
		t.Fatalf("status %+v, want a backoff after the HTTP 500", st)
	}
	calls := len(srv.Requests())
	clock.Advance(time.Minute) // expired now, still inside the backoff
	if got, err := cache.Retrieve(ctx); err != nil || got.AccessKeyID != first.AccessKeyID {
		t.Fatalf("during the backoff: %v, %v", got, err)
	}
	if n := len(srv.Requests()); n != calls {
		t.Errorf("IMDS was asked %d times during the backoff", n-calls)
	}
	srv.SetFault(fakeimds.NoFault)
	clock.Advance(st.BackoffUntil.Sub(clock.Now()) + time.Second)
	got, err = cache.Retrieve(ctx)
	if err != nil || !got.Expires.Equal(clock.Now().Add(time.Hour)) {
		t.Fatalf("after the backoff: %v, %v; want new credentials", got, err)
	}
}

func TestNewIMDSRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    IMDSOptions
		want string
	}{
		{"a scheme other than http", IMDSOptions{Endpoint: "ftp://169.254.169.254"}, `credentials: the EC2 instance metadata endpoint "ftp://169.254.169.254" is not usable: the URL must start with http:// or https://`},
		{"no scheme", IMDSOptions{Endpoint: "169.254.169.254"}, `is not usable: the URL must start with http:// or https://`},
		{"no host", IMDSOptions{Endpoint: "http://"}, `"http://" is not usable: the URL has no host`},
		{"only a port", IMDSOptions{Endpoint: "http://:80"}, `the URL has no host`},
		{"user info", IMDSOptions{Endpoint: "http://user:hunter2@127.0.0.1"}, `"http://[redacted]@127.0.0.1" is not usable: the URL must not hold a user name or password`},
		{"a query", IMDSOptions{Endpoint: "http://127.0.0.1/?a=b"}, `the URL must not have a query or a fragment`},
		{"a fragment", IMDSOptions{Endpoint: "http://127.0.0.1/#x"}, `the URL must not have a query or a fragment`},
		{"a port out of range", IMDSOptions{Endpoint: "http://127.0.0.1:70000"}, `the port is not a number from 1 to 65535`},
		{"a port that is not a number", IMDSOptions{Endpoint: "http://127.0.0.1:http"}, `"http://127.0.0.1:http" is not usable: not a URL`},
		{"a newline", IMDSOptions{Endpoint: "http://127.0.0.1\n/x"}, `"http://127.0.0.1 /x" is not usable: not a URL`},
		{"a huge endpoint", IMDSOptions{Endpoint: "http://" + strings.Repeat("a", 1<<20)}, `is not usable: the URL is longer than 2048 bytes`},
		{"a host name with an underscore", IMDSOptions{Endpoint: "http://metadata_server"}, `"http://metadata_server" is not usable: the host is neither an IP address nor a DNS name`},
		{"a host label too long", IMDSOptions{Endpoint: "http://" + strings.Repeat("a", 64) + ".example"}, `the host is neither an IP address nor a DNS name`},
		{"a mode that is neither", IMDSOptions{EndpointMode: "IPv5"}, `credentials: the EC2 instance metadata endpoint mode "IPv5" is neither IPv4 nor IPv6`},
		{"a negative timeout", IMDSOptions{Timeout: -time.Second}, `credentials: the EC2 instance metadata timeout is negative (-1s)`},
		{"negative attempts", IMDSOptions{Attempts: -1}, `credentials: the number of EC2 instance metadata attempts is negative (-1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewIMDS(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, %v\nwant an error containing %q", p, err, tc.want)
			}
			if !IsNonRecoverable(err) || len(err.Error()) > 400 || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q: want it non-recoverable, short, without the password", err)
			}
		})
	}
}

func TestNewIMDSDefaults(t *testing.T) {
	for _, tc := range []struct {
		o    IMDSOptions
		want string
	}{
		{IMDSOptions{}, "http://169.254.169.254"},
		{IMDSOptions{EndpointMode: "ipv4"}, "http://169.254.169.254"},
		{IMDSOptions{EndpointMode: "IPv6"}, "http://[fd00:ec2::254]"},
		{IMDSOptions{EndpointMode: "IPV6", Endpoint: "http://127.0.0.1:8080/prefix/"}, "http://127.0.0.1:8080/prefix"},
		{IMDSOptions{Endpoint: "https://[::1]:8443"}, "https://[::1]:8443"},
	} {
		p, err := NewIMDS(tc.o)
		if err != nil {
			t.Fatalf("%+v: %v", tc.o, err)
		}
		m := p.(*imds).state()
		if m.base != tc.want || m.getter.attemptTimeout != time.Second || m.getter.maxAttempts != 1 {
			t.Errorf("%+v: base %s, timeout %v, attempts %d", tc.o, m.base, m.getter.attemptTimeout, m.getter.maxAttempts)
		}
	}
}

// An endpoint with a path prefix keeps it, as botocore joins its paths to the base URL.
func TestIMDSEndpointWithAPathPrefix(t *testing.T) {
	leakcheck.Check(t)
	srv := startIMDS(t, fakeimds.Options{})
	mux := http.NewServeMux()
	mux.Handle("/imds/", http.StripPrefix("/imds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, srv.URL()+r.URL.Path, nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(502)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = fmt.Fprint(w, readAll(resp))
	})))
	front := httptest.NewServer(mux)
	defer front.Close()
	defer http.DefaultClient.CloseIdleConnections()
	c, err := newTestIMDS(t, IMDSOptions{Endpoint: front.URL + "/imds/"}).Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "ASIAFAKEIMDS00000001" {
		t.Fatalf("%v, %v", c, err)
	}
	if reqs := srv.Requests(); len(reqs) != 3 || !reqs[1].Token {
		t.Errorf("requests %+v", reqs)
	}
}
