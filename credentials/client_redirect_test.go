package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// redirectAdvice ends the text of every redirect error.
const redirectAdvice = " not followed: the request carries a token meant for the configured endpoint; " +
	"configure the endpoint the redirect points to, if it is trusted"

// TestClientRedirectIsNeverRetriedAndShowsOnlyItsHost sends each hostile Location once and
// checks that exactly one request reached the server (the token is sent once), that the error is
// non-recoverable, and that nothing of the Location but its scheme and host appears in any form
// of the error. Before, a Location that net/http could not parse was retried three times and
// repeated whole, query and token included.
func TestClientRedirectIsNeverRetriedAndShowsOnlyItsHost(t *testing.T) {
	leakcheck.Check(t)
	query := "?token=" + wireToken
	cases := []struct {
		name, location string
		status         int
		want           string // the cause's text, after "(1 attempt): "
	}{
		{"a valid Location shows its scheme and host only", "https://elsewhere.example/steal" + query, 302,
			"STS HTTP 302 redirect to https://elsewhere.example" + redirectAdvice},
		{"a Location with an unclosed IPv6 bracket shows no part of it", "http://[::1/steal" + query, 307,
			"STS HTTP 307 redirect (its Location header is not a valid URL)" + redirectAdvice},
		{"a Location with a bad escape in its path shows its host only", "https://elsewhere.example/%zz" + query, 302,
			"STS HTTP 302 redirect to https://elsewhere.example (its Location header is not a valid URL)" + redirectAdvice},
		{"a Location with a bad escape in its host shows no part of it", "https://else%zzwhere.example/" + query, 301,
			"STS HTTP 301 redirect (its Location header is not a valid URL)" + redirectAdvice},
		{"a Location with a bad port shows no part of it", "https://elsewhere.example:x/" + query, 308,
			"STS HTTP 308 redirect (its Location header is not a valid URL)" + redirectAdvice},
		{"a Location with a query and no path shows its host only", "https://elsewhere.example" + query, 303,
			"STS HTTP 303 redirect to https://elsewhere.example" + redirectAdvice},
		{"a Location whose host is the token shows no host", "https://" + wireToken + "/", 302,
			"STS HTTP 302 redirect" + redirectAdvice},
		{"a Location whose user information is the token shows the host only", "https://x:" + wireToken + "@elsewhere.example/", 302,
			"STS HTTP 302 redirect to https://elsewhere.example" + redirectAdvice},
		{"a relative Location shows no host", "/steal" + query, 302,
			"STS HTTP 302 redirect" + redirectAdvice},
		{"a Location with a Unicode host shows it in Unicode", "https://ünïcode.example/steal" + query, 302,
			"STS HTTP 302 redirect to https://ünïcode.example" + redirectAdvice},
		{"a Location whose host holds a bidi override shows no host", "https://\u202eelpmaxe.evil/steal" + query, 302,
			"STS HTTP 302 redirect" + redirectAdvice},
		{"a Location with a control character is refused by net/http and not repeated", "https://elsewhere.example/\x7f" + query, 302,
			"STS response not valid HTTP: net/http refused a malformed header line, not shown here because a server can put anything in it"},
		{"a Location with a NUL byte is refused by net/http and not repeated", "https://elsewhere.example/\x00" + query, 302,
			"STS response not valid HTTP: net/http refused a malformed header line, not shown here because a server can put anything in it"},
		{"a 300 is not followed either", "https://elsewhere.example/" + query, 300,
			"STS HTTP 300 redirect to https://elsewhere.example" + redirectAdvice},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				rw.Header()["Location"] = []string{tc.location} // set raw: Header.Set would not refuse it either, but be explicit
				rw.WriteHeader(tc.status)
			}))
			defer srv.Close()
			clk := &wireClock{r: 0.5}
			c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: srv.URL}, Sleep: clk.Sleep, Rand: clk.Rand})
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			_, err = c.AssumeRoleWithWebIdentity(context.Background(), webInput())
			if err == nil {
				t.Fatal("a redirect was treated as success")
			}
			if n := requests.Load(); n != 1 {
				t.Errorf("%d requests reached the server, want exactly 1: the token was sent %d times", n, n)
			}
			want := "credentials: STS AssumeRoleWithWebIdentity at " + srv.URL + " (1 attempt): " + tc.want
			if err.Error() != want {
				t.Errorf("error %q\nwant  %q", err, want)
			}
			if !IsNonRecoverable(err) {
				t.Error("a redirect should be non-recoverable")
			}
			var oe *OperationError
			if !errors.As(err, &oe) || oe.Attempts != 1 {
				t.Errorf("want an *OperationError with 1 attempt: %v", err)
			}
			assertNoneOf(t, err, "token=", "steal", "\x7f", "\x00", "\u202e", wireToken,
				wireToken[:12], wireToken[len(wireToken)-12:], wireToken[strings.LastIndexByte(wireToken, '.')+1:])
		})
	}
}

// TestClientRedirectHostThatEchoesASecretIsRedacted: the endpoint was sent the secrets, so it
// can echo one as the host of a Location; the host is shown with the secret hidden.
func TestClientRedirectHostThatEchoesASecretIsRedacted(t *testing.T) {
	// A session token that can be a DNS label (no '/', '+' or '='), as few real ones can.
	const echoedSessionToken = "fwogzxivyxdzptkqlhnbwcrsjeoamu4b7c9d2e6f8a1b3c5d7e9f0a2b4c6d"
	leakcheck.Check(t)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Redirect(rw, r, "https://"+r.Header.Get("X-Amz-Security-Token")+".evil.example/", http.StatusFound)
	}))
	defer srv.Close()
	c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	_, err = c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s")},
		func(o *sts.Options) {
			creds := signerCreds
			creds.SessionToken = echoedSessionToken
			o.Credentials = aws.NewCredentialsCache(credentialsValue(creds))
		})
	if err == nil {
		t.Fatal("a redirect was treated as success")
	}
	want := "credentials: STS AssumeRole at " + srv.URL + " (1 attempt): STS HTTP 302 redirect to https://[redacted].evil.example" + redirectAdvice
	if err.Error() != want {
		t.Errorf("error %q\nwant  %q", err, want)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests reached the server, want 1", n)
	}
	assertNoneOf(t, err, echoedSessionToken, echoedSessionToken[:12], echoedSessionToken[len(echoedSessionToken)-12:])
}

// failingTransport fails every request, recording the host it was asked to reach.
type failingTransport struct{ hosts []string }

func (f *failingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.hosts = append(f.hosts, req.URL.Host)
	return nil, errors.New("connection refused by the test transport")
}

// TestClientErrorShowsAUnicodeEndpointAsGiven: a custom endpoint with a Unicode host is named in
// errors as it was configured, not percent-encoded (before: "https://%C3%BCn%C3%AFcode.example/").
func TestClientErrorShowsAUnicodeEndpointAsGiven(t *testing.T) {
	for _, given := range []string{"https://ünïcode.example/", "https://%C3%BCn%C3%AFcode.example/"} {
		t.Run(given, func(t *testing.T) {
			tr := &failingTransport{}
			c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: given}, HTTPClient: &http.Client{Transport: tr}, MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.AssumeRoleWithWebIdentity(context.Background(), webInput())
			want := "credentials: STS AssumeRoleWithWebIdentity at https://ünïcode.example/ (1 attempt): connection refused by the test transport"
			if err == nil || err.Error() != want {
				t.Errorf("error %q\nwant  %q", err, want)
			}
			if len(tr.hosts) != 1 || tr.hosts[0] != "ünïcode.example" {
				t.Errorf("requests went to %q, want the one host ünïcode.example (which net/http dials as punycode)", tr.hosts)
			}
			var oe *OperationError
			if !errors.As(err, &oe) || oe.Endpoint != "https://ünïcode.example/" {
				t.Errorf("OperationError.Endpoint = %q", oe.Endpoint)
			}
		})
	}
}

// assertNoneOf fails if any of the forms of err a log may print holds one of the values.
func assertNoneOf(t *testing.T, err error, values ...string) {
	t.Helper()
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		text := fmt.Sprintf(format, err)
		for _, v := range values {
			if strings.Contains(text, v) {
				t.Errorf("%s of the error holds %q: %s", format, v, text)
			}
		}
	}
}
