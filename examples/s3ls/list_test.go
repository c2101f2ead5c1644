package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

var modified = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

func TestListingAgainstFakeS3(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	h.bucket("photos",
		fakes3.Object{Key: "2024/a.jpg", Size: 2048, LastModified: modified},
		fakes3.Object{Key: "2024/b.jpg", Size: 10, LastModified: modified},
		fakes3.Object{Key: "index.html", Size: 1, LastModified: modified},
		fakes3.Object{Key: "raw/x y+z.bin", Size: 1048576, LastModified: modified},
	)
	if err := h.s3.AddBucket(fakes3.Bucket{Name: "another", Created: modified.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "no argument lists buckets", args: nil, want: "" +
			"2026-02-03 03:05:06 another\n" +
			"YYYY photos\n"},
		{name: "a bucket lists its top-level prefixes and objects", args: []string{"s3://photos"}, want: "" +
			"                           PRE 2024/\n" +
			"                           PRE raw/\n" +
			"2026-02-03 04:05:06          1 index.html\n"},
		{name: "a prefix ending in / lists what is under it", args: []string{"s3://photos/2024/"}, want: "" +
			"2026-02-03 04:05:06       2048 a.jpg\n" +
			"2026-02-03 04:05:06         10 b.jpg\n"},
		{name: "a prefix without / matches names that start with it", args: []string{"s3://photos/ra"}, want: "" +
			"                           PRE raw/\n"},
		{name: "recursive lists every key with its full name, decoding URL-encoded keys", args: []string{"s3://photos", "--recursive"}, want: "" +
			"2026-02-03 04:05:06       2048 2024/a.jpg\n" +
			"2026-02-03 04:05:06         10 2024/b.jpg\n" +
			"2026-02-03 04:05:06          1 index.html\n" +
			"2026-02-03 04:05:06    1048576 raw/x y+z.bin\n"},
		{name: "flags may follow the path, and summarize with human-readable totals", args: []string{"s3://photos/", "--recursive", "--human-readable", "--summarize"}, want: "" +
			"2026-02-03 04:05:06    2.0 KiB 2024/a.jpg\n" +
			"2026-02-03 04:05:06   10 Bytes 2024/b.jpg\n" +
			"2026-02-03 04:05:06     1 Byte index.html\n" +
			"2026-02-03 04:05:06    1.0 MiB raw/x y+z.bin\n" +
			"\nTotal Objects: 4\n   Total Size: 1.0 MiB\n"},
		{name: "a bucket name without s3:// works as in aws s3 ls", args: []string{"photos/2024/b"}, want: "" +
			"2026-02-03 04:05:06         10 b.jpg\n"},
		{name: "a prefix that matches nothing prints nothing and exits 1, as aws s3 ls", args: []string{"s3://photos/nothing-here"}, code: exitEmpty, want: ""},
		{name: "an empty bucket without a prefix exits 0", args: []string{"s3://another"}, want: ""},
		{name: "summarize on an empty listing prints zero totals", args: []string{"s3://another", "--summarize"}, want: "\nTotal Objects: 0\n   Total Size: 0\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := h.run(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut)
			}
			want := tc.want
			if strings.Contains(want, "YYYY") {
				// The photos bucket was created at the fake's clock (now).
				lines := strings.Split(out, "\n")
				if len(lines) > 1 && strings.HasSuffix(lines[1], " photos") {
					want = strings.Replace(want, "YYYY", strings.TrimSuffix(lines[1], " photos"), 1)
				}
			}
			if out != want {
				t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", out, want, errOut)
			}
			if errOut != "" {
				t.Errorf("unexpected stderr:\n%s", errOut)
			}
		})
	}
	for _, r := range h.s3.Requests() {
		if r.Status != 200 || !r.SessionToken || r.AccessKeyID != testSession.AccessKeyID || r.VirtualHosted {
			t.Errorf("request %+v: want a path-style, 200, session-token-signed request", r)
		}
	}
}

func TestPaginationStreamsPagesOfMoreThan1000Keys(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	const n = 2345
	var objs []fakes3.Object
	for i := 0; i < n; i++ {
		objs = append(objs, fakes3.Object{Key: fmt.Sprintf("logs/%05d.log", i), Size: int64(i), LastModified: modified})
	}
	h.bucket("big", objs...)

	// When the second page is requested, the first must already be on stdout.
	var out strings.Builder
	h.app.stdout = &out
	var linesAtSecondRequest int = -1
	h.s3.SetFault(func(r fakes3.Request) *fakes3.Fault {
		if q, _ := url.ParseQuery(r.Query); q.Has("continuation-token") && linesAtSecondRequest < 0 {
			linesAtSecondRequest = strings.Count(out.String(), "\n")
		}
		return nil
	})
	var errOut strings.Builder
	h.app.stderr = &errOut
	code := h.app.run(context.Background(), []string{"s3://big/logs/", "--summarize"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n+3 {
		t.Fatalf("%d lines, want %d objects + 3 summary lines", len(lines), n)
	}
	if lines[0] != "2026-02-03 04:05:06          0 00000.log" || lines[n-1] != "2026-02-03 04:05:06       2344 02344.log" {
		t.Errorf("first/last lines: %q / %q", lines[0], lines[n-1])
	}
	if lines[n+1] != "Total Objects: 2345" || lines[n+2] != fmt.Sprintf("   Total Size: %d", n*(n-1)/2) {
		t.Errorf("summary: %q", lines[n:])
	}
	if linesAtSecondRequest != 1000 {
		t.Errorf("when the second page was requested, %d lines were out; want the first page's 1000", linesAtSecondRequest)
	}
	var pages []string
	for _, r := range h.s3.Requests() {
		q, _ := url.ParseQuery(r.Query)
		pages = append(pages, fmt.Sprintf("max-keys=%q token=%v delimiter=%q prefix=%q", q.Get("max-keys"), q.Has("continuation-token"), q.Get("delimiter"), q.Get("prefix")))
	}
	want := []string{
		`max-keys="" token=false delimiter="/" prefix="logs/"`,
		`max-keys="" token=true delimiter="/" prefix="logs/"`,
		`max-keys="" token=true delimiter="/" prefix="logs/"`,
	}
	if strings.Join(pages, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(pages, "\n"), strings.Join(want, "\n"))
	}
}

func TestPageSizeSetsMaxKeys(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	h.bucket("b", fakes3.Object{Key: "1"}, fakes3.Object{Key: "2"}, fakes3.Object{Key: "3"})
	code, out, errOut := h.run("--page-size", "2", "s3://b")
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	reqs := h.s3.Requests()
	if len(reqs) != 2 || !strings.Contains(reqs[0].Query, "max-keys=2") {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestS3ErrorsBecomeClearMessages(t *testing.T) {
	leakcheck.Check(t)
	permanent := credentials.Credentials{AccessKeyID: "AKIAPERMANENT0000001", SecretAccessKey: "SECRET-permanent-never-printed", Source: "static"}
	cases := []struct {
		name     string
		setup    func(h *harness)
		args     []string
		want     []string // substrings of stderr
		notWant  []string
		requests int
	}{
		{
			name: "AccessDenied names the access key, the role and the permission needed",
			setup: func(h *harness) {
				_ = h.s3.AddBucket(fakes3.Bucket{Name: "locked", Allow: func(fakes3.Caller) bool { return false }})
			},
			args: []string{"s3://locked/"},
			want: []string{"s3ls: listing s3://locked failed: AccessDenied (HTTP 403): User: arn:aws:sts::111122223333:assumed-role/s3-reader/pod-7 is not authorized",
				"[request ID FAKES3", "signed as access key ASIATESTSESSION00001 (arn:aws:sts::111122223333:assumed-role/s3-reader/pod-7) from web-identity",
				"needs s3:ListBucket on arn:aws:s3:::locked"},
		},
		{
			name: "NoSuchBucket names the bucket",
			args: []string{"s3://no-such-bucket"},
			want: []string{"listing s3://no-such-bucket failed: NoSuchBucket (HTTP 404): The specified bucket does not exist", `Bucket "no-such-bucket" does not exist at this endpoint`},
		},
		{
			name: "PermanentRedirect says which region to use",
			setup: func(h *harness) {
				_ = h.s3.AddBucket(fakes3.Bucket{Name: "in-ireland", Region: "eu-west-1"})
			},
			args: []string{"s3://in-ireland"},
			want: []string{"PermanentRedirect (HTTP 301)", "The bucket is in region eu-west-1, but the request went to us-east-1. Run again with --region eu-west-1."},
		},
		{
			name: "a region the endpoint does not serve is AuthorizationHeaderMalformed with the region to use",
			setup: func(h *harness) {
				h.bucket("b")
				h.env["AWS_REGION"] = "ap-south-1"
			},
			args: []string{"s3://b"},
			want: []string{"AuthorizationHeaderMalformed (HTTP 400)", "Run again with --region us-east-1."},
		},
		{
			name: "SignatureDoesNotMatch explains the likely causes",
			setup: func(h *harness) {
				h.bucket("b")
				wrong := testSession
				wrong.SecretAccessKey = "SECRET-wrong-never-printed"
				h.provider = credentials.Static{Value: wrong}
			},
			args:    []string{"s3://b"},
			want:    []string{"SignatureDoesNotMatch (HTTP 403)", "signed as access key ASIATESTSESSION00001", "the secret key does not belong to that access key ID"},
			notWant: []string{"SECRET-wrong-never-printed"},
		},
		{
			name: "InvalidAccessKeyId for permanent keys names the key, with no retry",
			setup: func(h *harness) {
				h.bucket("b")
				h.provider = credentials.Static{Value: permanent}
			},
			args:    []string{"s3://b"},
			want:    []string{"InvalidAccessKeyId (HTTP 403)", "S3 does not know access key AKIAPERMANENT0000001 from static"},
			notWant: []string{"SECRET-permanent-never-printed"},
		},
		{
			name: "a 502 HTML page from a proxy is shown as such, after bounded retries",
			setup: func(h *harness) {
				h.s3.SetFault(func(fakes3.Request) *fakes3.Fault {
					return &fakes3.Fault{Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}
				})
			},
			args:     []string{},
			want:     []string{"listing buckets failed: HTTP 502 Bad Gateway, and the body is not an S3 error document (it begins \"<html><body><h1>502 Bad Gateway</h1></body></html>\")"},
			requests: maxAttempts,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fakes3.Options{})
			h.app.s3Sleep = func(context.Context, time.Duration) error { return nil }
			if tc.setup != nil {
				tc.setup(h)
			}
			code, out, errOut := h.run(tc.args...)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(errOut, w) {
					t.Errorf("stderr contains %q:\n%s", w, errOut)
				}
			}
			if tc.requests > 0 && len(h.s3.Requests()) != tc.requests {
				t.Errorf("%d requests, want %d", len(h.s3.Requests()), tc.requests)
			}
		})
	}
}

func TestRefusedTemporaryCredentialsAreInvalidatedAndRetriedOnce(t *testing.T) {
	leakcheck.Check(t)
	fresh := testSession
	fresh.AccessKeyID = "ASIATESTSESSION00002"
	fresh.SessionToken = "TOKEN-fresh-never-printed"
	stale := testSession // S3 considers it expired; the provider still thinks it good
	var calls int
	h := newHarness(t, fakes3.Options{Credentials: func(id string) (fakes3.Credential, bool) {
		switch id {
		case stale.AccessKeyID:
			c := fakeCredential(stale)
			c.Expires = time.Now().Add(-time.Minute)
			return c, true
		case fresh.AccessKeyID:
			return fakeCredential(fresh), true
		}
		return fakes3.Credential{}, false
	}})
	h.provider = credentials.ProviderFunc(func(context.Context) (credentials.Credentials, error) {
		calls++
		if calls == 1 {
			return stale, nil
		}
		return fresh, nil
	})
	h.bucket("b", fakes3.Object{Key: "k", LastModified: modified})
	code, out, errOut := h.run("s3://b")
	if code != 0 || out != "2026-02-03 04:05:06          0 k\n" {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", code, out, errOut)
	}
	if len(h.invalidated) != 1 || h.invalidated[0] != stale.AccessKeyID {
		t.Errorf("invalidated %v, want [%s]", h.invalidated, stale.AccessKeyID)
	}
	reqs := h.s3.Requests()
	if len(reqs) != 2 || reqs[0].Code != "ExpiredToken" || reqs[1].AccessKeyID != fresh.AccessKeyID {
		t.Errorf("requests %+v", reqs)
	}

	t.Run("when the new credentials are refused too, the error says so", func(t *testing.T) {
		h := newHarness(t, fakes3.Options{Credentials: func(id string) (fakes3.Credential, bool) {
			c := fakeCredential(testSession)
			c.Expires = time.Now().Add(-time.Minute)
			return c, true
		}})
		h.bucket("b")
		code, _, errOut := h.run("s3://b")
		if code != exitError || !strings.Contains(errOut, "ExpiredToken (HTTP 400): The provided token has expired.") ||
			!strings.Contains(errOut, "The session token of access key ASIATESTSESSION00001") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
		if n := len(h.s3.Requests()); n != 2 {
			t.Errorf("%d requests, want 2 (one retry with fresh credentials)", n)
		}
	})
}

func TestThrottlingIsRetriedWithinBounds(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	h.bucket("b", fakes3.Object{Key: "k", LastModified: modified})
	var slept []time.Duration
	h.app.s3Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	failures := 2
	h.s3.SetFault(func(fakes3.Request) *fakes3.Fault {
		if failures > 0 {
			failures--
			return &fakes3.Fault{Status: 503, Code: "SlowDown", Message: "Please reduce your request rate."}
		}
		return nil
	})
	code, out, errOut := h.run("s3://b")
	if code != 0 || out != "2026-02-03 04:05:06          0 k\n" {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if len(slept) != 2 || slept[0] < retryBaseDelay/2 || slept[0] > retryBaseDelay || slept[1] < retryBaseDelay || slept[1] > 2*retryBaseDelay {
		t.Errorf("backoffs %v", slept)
	}
}

func TestNoCredentialsIsTheChainsErrorAndExit1(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	h.bucket("b")
	chainErr := fmt.Errorf("chain: no credentials: AWS_WEB_IDENTITY_TOKEN_FILE /var/run/secrets/token: permission denied")
	h.provider = credentials.ProviderFunc(func(context.Context) (credentials.Credentials, error) {
		return credentials.Credentials{}, credentials.MarkNonRecoverable(chainErr)
	})
	code, out, errOut := h.run("s3://b")
	if code != exitError || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, chainErr.Error()) {
		t.Errorf("stderr does not carry the chain's error:\n%s", errOut)
	}
	if n := len(h.s3.Requests()); n != 0 {
		t.Errorf("%d requests were sent without credentials", n)
	}

	t.Run("a resolver error is printed as it is", func(t *testing.T) {
		h := newHarness(t, fakes3.Options{})
		h.app.resolve = func(context.Context, sessionOptions) (*session, error) { return nil, chainErr }
		code, _, errOut := h.run()
		if code != exitError || errOut != "s3ls: "+chainErr.Error()+"\n" {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
	})
}

func TestHostileListingResponsesEndTheListing(t *testing.T) {
	leakcheck.Check(t)
	cases := []struct {
		name string
		body string
		want string
	}{
		{"the same continuation token twice stops the listing",
			`<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>again</NextContinuationToken><Contents><Key>k</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>1</Size></Contents></ListBucketResult>`,
			"S3 sent the same continuation token twice"},
		{"a truncated page without a token is an error",
			`<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>`,
			"IsTruncated is true but there is no NextContinuationToken"},
		{"a negative size is an error",
			`<ListBucketResult><Contents><Key>k</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>-5</Size></Contents></ListBucketResult>`,
			`Size "-5" is not a byte count`},
		{"an HTML page with status 200 is an error",
			`<html>captive portal</html>`,
			"is not a valid ListBucketResult document"},
		{"an empty 200 body is an error",
			``,
			"the body is empty"},
		{"a body over the cap is refused",
			`<ListBucketResult>` + strings.Repeat(" ", maxListBody) + `</ListBucketResult>`,
			"larger than 16777216 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fakes3.Options{})
			h.s3.SetFault(func(fakes3.Request) *fakes3.Fault { return &fakes3.Fault{Status: 200, Body: tc.body} })
			code, _, errOut := h.run("s3://b")
			if code != exitError || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant %q", code, errOut, tc.want)
			}
			if n := len(h.s3.Requests()); n > 2 {
				t.Errorf("%d requests for a hostile response", n)
			}
		})
	}
}
