package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// headerRecorder records the headers of each request before passing it on.
type headerRecorder struct {
	mu      sync.Mutex
	headers []http.Header
	next    http.RoundTripper
}

func (r *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.headers = append(r.headers, req.Header.Clone())
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func TestDebugLogsRequestsButNoSecrets(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	objs := []fakes3.Object{{Key: "a/1", LastModified: modified}, {Key: "a/2", LastModified: modified}, {Key: "b", LastModified: modified}}
	h.bucket("dbg", objs...)
	rec := &headerRecorder{next: http.DefaultTransport}
	h.app.s3HTTP.Transport = rec
	code, out, errOut := h.run("--debug", "--page-size", "1", "s3://dbg")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if out != "                           PRE a/\n2026-02-03 04:05:06          0 b\n" {
		t.Errorf("stdout %q", out)
	}
	line := regexp.MustCompile(`s3ls: \d\d:\d\d:\d\d GET ` + regexp.QuoteMeta(h.s3.URL()) +
		`/dbg\?delimiter=%2F&encoding-type=url&list-type=2&max-keys=1 -> 200 \(request ID FAKES3\w+, (\d+ms|0s), signed as access key ASIATESTSESSION00001 \(arn:aws:sts::111122223333:assumed-role/s3-reader/pod-7\) from web-identity\)`)
	if !line.MatchString(errOut) {
		t.Errorf("the debug log lacks the first request line:\n%s", errOut)
	}
	if n := strings.Count(errOut, " GET "); n != 2 {
		t.Errorf("%d request lines, want 2 (two pages):\n%s", n, errOut)
	}
	if !strings.Contains(errOut, "credentials fetched") {
		t.Errorf("the debug log does not say credentials were fetched:\n%s", errOut)
	}
	// The token did travel, in a signed header, as S3 requires.
	for i, hdr := range rec.headers {
		if hdr.Get("X-Amz-Security-Token") != testSession.SessionToken || !strings.Contains(hdr.Get("Authorization"), "x-amz-security-token") ||
			hdr.Get("X-Amz-Content-Sha256") != emptyPayloadHash {
			t.Errorf("request %d headers: %v", i, hdr)
		}
	}
	// h.run already failed the test if any secret reached stdout or stderr.
}

func TestSecretsNeverAppearInErrorsOrDebugOutput(t *testing.T) {
	leakcheck.Check(t)
	echo := "echo " + testSession.SessionToken + " " + testSession.SecretAccessKey
	faults := map[string]*fakes3.Fault{}
	for _, code := range []string{"AccessDenied", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "InternalError"} {
		faults["an S3 "+code+" error echoing the secrets"] = &fakes3.Fault{Status: 403, Code: code, Message: echo}
	}
	faults["a proxy's HTML page echoing the secrets"] = &fakes3.Fault{Status: 502, Body: "<html>" + echo + "</html>"}
	faults["a 200 response that is not XML, echoing the secrets"] = &fakes3.Fault{Status: 200, Body: echo}
	faults["a 200 listing with a bad field echoing the secrets"] = &fakes3.Fault{Status: 200,
		Body: "<ListBucketResult><Contents><Key>k</Key><LastModified>" + testSession.SessionToken + "</LastModified><Size>1</Size></Contents></ListBucketResult>"}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, fakes3.Options{})
			h.app.s3Sleep = func(context.Context, time.Duration) error { return nil }
			h.s3.SetFault(func(fakes3.Request) *fakes3.Fault { return fault })
			exit, _, errOut := h.run("--debug", "--explain", "s3://b")
			if exit != exitError {
				t.Fatalf("exit %d, want %d", exit, exitError)
			}
			if !strings.Contains(errOut, "[redacted]") {
				t.Errorf("the error does not show where the secret was removed:\n%s", errOut)
			}
			// h.run fails the test if a secret reached stdout or stderr.
		})
	}
}

// awsHostsToFake sends requests for any host to the fake S3, keeping the Host header, so the
// default AWS endpoints can be tested without leaving the machine. It refuses to dial anything
// but the fake.
func awsHostsToFake(t *testing.T, fake string) (*http.Client, *[]string) {
	var mu sync.Mutex
	var seen []string
	addr := strings.TrimPrefix(fake, "http://")
	tr := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if a != addr {
			return nil, fmt.Errorf("test transport: refusing to dial %s", a)
		}
		return (&net.Dialer{}).DialContext(ctx, network, a)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.URL.String())
		mu.Unlock()
		r2 := r.Clone(r.Context())
		r2.Host = r.URL.Host
		r2.URL.Scheme, r2.URL.Host = "http", addr
		return tr.RoundTrip(r2)
	}), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, &seen
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDefaultEndpointUsesVirtualHostsWhereTheBucketNameAllows(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{Region: "eu-west-1", Hosts: []string{"s3.eu-west-1.amazonaws.com"}})
	delete(h.env, "AWS_ENDPOINT_URL_S3")
	h.env["AWS_REGION"] = "eu-west-1"
	client, seen := awsHostsToFake(t, h.s3.URL())
	h.app.s3HTTP = client
	h.bucket("my-bucket", fakes3.Object{Key: "k", LastModified: modified})
	h.bucket("my.dotted.bucket", fakes3.Object{Key: "k", LastModified: modified})

	for _, args := range [][]string{{"s3://my-bucket"}, {"s3://my.dotted.bucket"}, {"--path-style", "s3://my-bucket"}, nil} {
		if code, _, errOut := h.run(args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	want := []string{
		"https://my-bucket.s3.eu-west-1.amazonaws.com/?encoding-type=url&list-type=2&delimiter=%2F",
		"https://s3.eu-west-1.amazonaws.com/my.dotted.bucket?delimiter=%2F&encoding-type=url&list-type=2",
		"https://s3.eu-west-1.amazonaws.com/my-bucket?delimiter=%2F&encoding-type=url&list-type=2",
		"https://s3.eu-west-1.amazonaws.com/",
	}
	want[0] = "https://my-bucket.s3.eu-west-1.amazonaws.com/?delimiter=%2F&encoding-type=url&list-type=2"
	if strings.Join(*seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(*seen, "\n"), strings.Join(want, "\n"))
	}
	var virtual []bool
	for _, r := range h.s3.Requests() {
		virtual = append(virtual, r.VirtualHosted)
		if r.Status != 200 {
			t.Errorf("request %+v failed", r)
		}
	}
	if fmt.Sprint(virtual) != "[true false false false]" {
		t.Errorf("virtual-hosted: %v", virtual)
	}
}

func TestExplainPrintsTheChainAndEndpointsToStderr(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	h.bucket("b", fakes3.Object{Key: "k", LastModified: modified})
	code, out, errOut := h.run("--explain", "s3://b")
	if code != 0 || out != "2026-02-03 04:05:06          0 k\n" {
		t.Fatalf("exit %d, stdout %q\n%s", code, out, errOut)
	}
	want := "credentials: test provider\nSTS endpoint in use: https://sts.test.example\nS3 endpoint:  " + h.s3.URL() +
		" (from AWS_ENDPOINT_URL_S3), signing region us-east-1, path-style (HOST/BUCKET)\n"
	if errOut != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
	}
}

func TestABucketInAnotherRegionIsListedThereAsTheAWSCLIDoes(t *testing.T) {
	leakcheck.Check(t)
	// The fake serves eu-west-1; the command is configured for us-east-1, so its first request
	// goes to the global endpoint signed for us-east-1, and S3 answers with the bucket's region.
	h := newHarness(t, fakes3.Options{Region: "eu-west-1", Hosts: []string{"s3.amazonaws.com", "s3.eu-west-1.amazonaws.com"}})
	delete(h.env, "AWS_ENDPOINT_URL_S3")
	h.env["AWS_REGION"] = "us-east-1"
	client, seen := awsHostsToFake(t, h.s3.URL())
	h.app.s3HTTP = client
	var objs []fakes3.Object
	for i := 0; i < 3; i++ {
		objs = append(objs, fakes3.Object{Key: fmt.Sprintf("k%d", i), LastModified: modified})
	}
	h.bucket("eu-bucket", objs...)
	code, out, errOut := h.run("--debug", "--page-size", "2", "s3://eu-bucket")
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	want := []string{
		"https://eu-bucket.s3.amazonaws.com/?delimiter=%2F&encoding-type=url&list-type=2&max-keys=2",
		"https://eu-bucket.s3.eu-west-1.amazonaws.com/?delimiter=%2F&encoding-type=url&list-type=2&max-keys=2",
	}
	if len(*seen) != 3 || (*seen)[0] != want[0] || (*seen)[1] != want[1] || !strings.HasPrefix((*seen)[2], "https://eu-bucket.s3.eu-west-1.amazonaws.com/?continuation-token=") {
		t.Errorf("requests:\n%s", strings.Join(*seen, "\n"))
	}
	if !strings.Contains(errOut, "bucket eu-bucket is in region eu-west-1, not us-east-1; listing it there (https://s3.eu-west-1.amazonaws.com)") {
		t.Errorf("the debug log does not say the region changed:\n%s", errOut)
	}

	t.Run("a custom endpoint is not second-guessed", func(t *testing.T) {
		h := newHarness(t, fakes3.Options{Region: "eu-west-1"})
		h.env["AWS_REGION"] = "us-east-1"
		h.bucket("eu-bucket")
		code, _, errOut := h.run("s3://eu-bucket")
		if code != exitError || !strings.Contains(errOut, "Run again with --region eu-west-1.") || len(h.s3.Requests()) != 1 {
			t.Fatalf("exit %d, %d requests\n%s", code, len(h.s3.Requests()), errOut)
		}
	})
}
