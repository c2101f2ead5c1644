package fakes3

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

var (
	t0        = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	permanent = Credential{AccessKeyID: "AKIAFAKES3EXAMPLE", SecretAccessKey: "permanent-secret-do-not-print", Identity: "arn:aws:iam::111122223333:user/alice"}
	session   = Credential{AccessKeyID: "ASIAFAKES3EXAMPLE", SecretAccessKey: "session-secret-do-not-print",
		SessionToken: "session-token-do-not-print", Expires: t0.Add(time.Hour), Identity: "arn:aws:sts::111122223333:assumed-role/reader/pod"}
	expired = Credential{AccessKeyID: "ASIAFAKES3EXPIRED", SecretAccessKey: "expired-secret-do-not-print",
		SessionToken: "expired-token-do-not-print", Expires: t0.Add(-time.Second), Identity: "arn:aws:sts::111122223333:assumed-role/reader/old"}
)

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Credentials == nil {
		opts.Credentials = StaticCredentials(permanent, session, expired)
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0 }
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// call describes one signed GET.
type call struct {
	cred      Credential
	host      string // Host header; default the server's 127.0.0.1:PORT
	path      string
	query     url.Values
	region    string
	at        time.Time
	noToken   bool
	token     string // overrides the credential's session token
	secret    string // overrides the secret used to sign
	payload   string // X-Amz-Content-Sha256; default the empty-body hash; "-" omits it
	tamper    func(*http.Request)
	unsigned  bool
	extraHead http.Header // added before signing
}

func (c call) do(t *testing.T, s *Server) (*http.Response, []byte) {
	t.Helper()
	u, _ := url.Parse(s.URL())
	u.Path = c.path
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery = c.query.Encode()
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.host != "" {
		req.Host = c.host
	}
	for k, v := range c.extraHead {
		req.Header[k] = v
	}
	payload := c.payload
	if payload == "" {
		payload = emptyHash
	}
	if payload != "-" {
		req.Header.Set("X-Amz-Content-Sha256", payload)
	}
	if !c.unsigned {
		creds := aws.Credentials{AccessKeyID: c.cred.AccessKeyID, SecretAccessKey: c.cred.SecretAccessKey, SessionToken: c.cred.SessionToken}
		if c.secret != "" {
			creds.SecretAccessKey = c.secret
		}
		if c.token != "" {
			creds.SessionToken = c.token
		}
		if c.noToken {
			creds.SessionToken = ""
		}
		region, at := c.region, c.at
		if region == "" {
			region = s.Region()
		}
		if at.IsZero() {
			at = t0
		}
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		if err := signer.SignHTTP(context.Background(), creds, req, payload, "s3", region, at); err != nil {
			t.Fatal(err)
		}
	}
	if c.tamper != nil {
		c.tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

type errorDoc struct {
	Code, Message, RequestId, Region, Endpoint, AWSAccessKeyId, BucketName string
}

func decodeError(t *testing.T, body []byte) errorDoc {
	t.Helper()
	var e errorDoc
	if err := xml.Unmarshal(body, &e); err != nil {
		t.Fatalf("not an S3 error document: %v\n%s", err, body)
	}
	return e
}

func listQuery(kv ...string) url.Values {
	q := url.Values{"list-type": {"2"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

func TestAuthentication(t *testing.T) {
	leakcheck.Check(t)
	s := newServer(t, Options{})
	if err := s.AddBucket(Bucket{Name: "demo"}); err != nil {
		t.Fatal(err)
	}
	list := func(c call) call { c.path, c.query = "/demo", listQuery(); return c }
	cases := []struct {
		name   string
		call   call
		status int
		code   string
		check  func(t *testing.T, e errorDoc)
	}{
		{name: "a request signed with a known permanent key is accepted", call: list(call{cred: permanent}), status: 200},
		{name: "a request signed with session credentials and their token is accepted", call: list(call{cred: session}), status: 200},
		{name: "an unsigned request is denied", call: list(call{unsigned: true}), status: 403, code: "AccessDenied"},
		{name: "an unknown access key is InvalidAccessKeyId naming the key", call: list(call{cred: Credential{AccessKeyID: "AKIAUNKNOWN", SecretAccessKey: "x"}}),
			status: 403, code: "InvalidAccessKeyId", check: func(t *testing.T, e errorDoc) {
				if e.AWSAccessKeyId != "AKIAUNKNOWN" {
					t.Errorf("AWSAccessKeyId = %q", e.AWSAccessKeyId)
				}
			}},
		{name: "a temporary key without its session token is unknown, as in S3", call: list(call{cred: session, noToken: true}), status: 403, code: "InvalidAccessKeyId"},
		{name: "a wrong session token is InvalidToken", call: list(call{cred: session, token: "another-token"}), status: 400, code: "InvalidToken"},
		{name: "a session token on a permanent key is InvalidToken", call: list(call{cred: permanent, token: "stray-token"}), status: 400, code: "InvalidToken"},
		{name: "the wrong secret is SignatureDoesNotMatch", call: list(call{cred: permanent, secret: "wrong-secret"}), status: 403, code: "SignatureDoesNotMatch",
			check: func(t *testing.T, e errorDoc) {
				if e.AWSAccessKeyId != permanent.AccessKeyID {
					t.Errorf("AWSAccessKeyId = %q", e.AWSAccessKeyId)
				}
			}},
		{name: "a query changed after signing is SignatureDoesNotMatch", call: list(call{cred: permanent, tamper: func(r *http.Request) {
			r.URL.RawQuery += "&prefix=x"
		}}), status: 403, code: "SignatureDoesNotMatch"},
		{name: "a signed header changed after signing is SignatureDoesNotMatch", call: list(call{cred: permanent, extraHead: http.Header{"X-Amz-Meta-A": {"1"}}, tamper: func(r *http.Request) {
			r.Header.Set("X-Amz-Meta-A", "2")
		}}), status: 403, code: "SignatureDoesNotMatch"},
		{name: "a request signed for another region is AuthorizationHeaderMalformed naming the right one", call: list(call{cred: permanent, region: "eu-west-1"}),
			status: 400, code: "AuthorizationHeaderMalformed", check: func(t *testing.T, e errorDoc) {
				if e.Region != "us-east-1" || !strings.Contains(e.Message, "'eu-west-1' is wrong; expecting 'us-east-1'") {
					t.Errorf("Region %q, Message %q", e.Region, e.Message)
				}
			}},
		{name: "a request signed 16 minutes ago is RequestTimeTooSkewed", call: list(call{cred: permanent, at: t0.Add(-16 * time.Minute)}), status: 403, code: "RequestTimeTooSkewed"},
		{name: "a request signed 14 minutes ahead is accepted", call: list(call{cred: permanent, at: t0.Add(14 * time.Minute)}), status: 200},
		{name: "expired session credentials are ExpiredToken", call: list(call{cred: expired}), status: 400, code: "ExpiredToken"},
		{name: "a missing x-amz-content-sha256 is InvalidRequest", call: list(call{cred: permanent, payload: "-"}), status: 400, code: "InvalidRequest"},
		{name: "UNSIGNED-PAYLOAD is accepted", call: list(call{cred: permanent, payload: "UNSIGNED-PAYLOAD"}), status: 200},
		{name: "another signing algorithm is refused", call: list(call{unsigned: true, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", "AWS AKIAFAKES3EXAMPLE:c2lnbmF0dXJl")
		}}), status: 400, code: "AuthorizationHeaderMalformed"},
		{name: "an Authorization header without a Signature is malformed", call: list(call{unsigned: true, tamper: func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAFAKES3EXAMPLE/20260304/us-east-1/s3/aws4_request, SignedHeaders=host")
		}}), status: 400, code: "AuthorizationHeaderMalformed"},
		{name: "a credential scope for another service is malformed", call: list(call{unsigned: true, tamper: func(r *http.Request) {
			r.Header.Set("X-Amz-Date", "20260304T050607Z")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAFAKES3EXAMPLE/20260304/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
		}}), status: 400, code: "AuthorizationHeaderMalformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.call.do(t, s)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tc.status, body)
			}
			for _, secret := range []string{permanent.SecretAccessKey, session.SecretAccessKey, session.SessionToken, expired.SessionToken, expired.SecretAccessKey, "another-token", "stray-token"} {
				if strings.Contains(string(body), secret) {
					t.Errorf("response body contains the secret %q:\n%s", secret, body)
				}
			}
			if tc.code == "" {
				return
			}
			e := decodeError(t, body)
			if e.Code != tc.code {
				t.Fatalf("code %q, want %q (%s)", e.Code, tc.code, e.Message)
			}
			if e.RequestId == "" || e.RequestId != resp.Header.Get("X-Amz-Request-Id") {
				t.Errorf("request IDs: body %q, header %q", e.RequestId, resp.Header.Get("X-Amz-Request-Id"))
			}
			if tc.check != nil {
				tc.check(t, e)
			}
		})
	}
}

func TestCredentialsCallbackSeesKeysIssuedAfterStart(t *testing.T) {
	leakcheck.Check(t)
	issued := map[string]Credential{}
	s := newServer(t, Options{Credentials: func(id string) (Credential, bool) { c, ok := issued[id]; return c, ok }})
	c := call{cred: session, path: "/"}
	if resp, _ := c.do(t, s); resp.StatusCode != 403 {
		t.Fatalf("before issue: status %d, want 403", resp.StatusCode)
	}
	issued[session.AccessKeyID] = session
	if resp, body := c.do(t, s); resp.StatusCode != 200 {
		t.Fatalf("after issue: status %d\n%s", resp.StatusCode, body)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[1].AccessKeyID != session.AccessKeyID || !reqs[1].SessionToken || reqs[1].Identity != session.Identity || reqs[1].Operation != "ListBuckets" {
		t.Errorf("records: %+v", reqs)
	}
}

type listResult struct {
	Name, Prefix, Delimiter, EncodingType, ContinuationToken, NextContinuationToken string
	MaxKeys, KeyCount                                                               int
	IsTruncated                                                                     bool
	Contents                                                                        []struct {
		Key, LastModified, ETag, StorageClass string
		Size                                  int64
	}
	CommonPrefixes []struct{ Prefix string }
}

func listPage(t *testing.T, s *Server, bucket string, q url.Values) listResult {
	t.Helper()
	resp, body := call{cred: session, path: "/" + bucket, query: q}.do(t, s)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d\n%s", resp.StatusCode, body)
	}
	var r listResult
	if err := xml.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// listAll pages through a listing and returns each entry ("P:" for prefixes) in order.
func listAll(t *testing.T, s *Server, bucket, prefix, delimiter string, maxKeys int) (entries []string, pages int) {
	t.Helper()
	token := ""
	for pages = 1; pages < 10000; pages++ {
		q := listQuery("prefix", prefix, "delimiter", delimiter, "max-keys", fmt.Sprint(maxKeys), "encoding-type", "url")
		if token != "" {
			q.Set("continuation-token", token)
		}
		r := listPage(t, s, bucket, q)
		if r.KeyCount != len(r.Contents)+len(r.CommonPrefixes) || r.KeyCount > maxKeys {
			t.Fatalf("KeyCount %d with %d contents and %d prefixes, max-keys %d", r.KeyCount, len(r.Contents), len(r.CommonPrefixes), maxKeys)
		}
		var page []string
		for _, p := range r.CommonPrefixes {
			v, _ := url.QueryUnescape(p.Prefix)
			page = append(page, "P:"+v)
		}
		for _, c := range r.Contents {
			v, _ := url.QueryUnescape(c.Key)
			page = append(page, v)
		}
		sort.Slice(page, func(i, j int) bool { return strings.TrimPrefix(page[i], "P:") < strings.TrimPrefix(page[j], "P:") })
		entries = append(entries, page...)
		if !r.IsTruncated {
			if r.NextContinuationToken != "" {
				t.Fatal("NextContinuationToken on the last page")
			}
			return entries, pages
		}
		if r.NextContinuationToken == "" {
			t.Fatal("IsTruncated without NextContinuationToken")
		}
		token = r.NextContinuationToken
	}
	t.Fatal("listing did not end")
	return nil, 0
}

// model lists keys the way S3 documents ListObjectsV2: keys under prefix in byte order, with
// everything up to the first delimiter after the prefix rolled into one common prefix.
func model(keys []string, prefix, delimiter string) []string {
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	var out []string
	seen := map[string]bool{}
	for _, k := range sorted {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if delimiter != "" {
			if j := strings.Index(k[len(prefix):], delimiter); j >= 0 {
				cp := k[:len(prefix)+j+len(delimiter)]
				if !seen[cp] {
					seen[cp] = true
					out = append(out, "P:"+cp)
				}
				continue
			}
		}
		out = append(out, k)
	}
	return out
}

func TestListObjectsV2PagesMatchTheModel(t *testing.T) {
	leakcheck.Check(t)
	s := newServer(t, Options{})
	if err := s.AddBucket(Bucket{Name: "model"}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "/", "a/", "+", " ", "%", "ü", "\x01", "z"}
	var keys []string
	seen := map[string]bool{}
	for len(keys) < 400 {
		var b strings.Builder
		for n := 1 + rng.IntN(6); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		if k := b.String(); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
			if err := s.PutObjects("model", Object{Key: k, Size: int64(len(k))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, prefix := range []string{"", "a", "a/", "b/a", "zz"} {
		for _, delimiter := range []string{"", "/", "a/"} {
			for _, maxKeys := range []int{1, 2, 7, 1000} {
				name := fmt.Sprintf("prefix %q delimiter %q max-keys %d", prefix, delimiter, maxKeys)
				t.Run(name, func(t *testing.T) {
					got, pages := listAll(t, s, "model", prefix, delimiter, maxKeys)
					want := model(keys, prefix, delimiter)
					if strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Fatalf("got %d entries, want %d\ngot  %q\nwant %q", len(got), len(want), got, want)
					}
					if wantPages := max(1, (len(want)+maxKeys-1)/maxKeys); pages != wantPages {
						t.Errorf("%d pages, want %d", pages, wantPages)
					}
				})
			}
		}
	}
}

func TestListObjectsV2Details(t *testing.T) {
	leakcheck.Check(t)
	s := newServer(t, Options{})
	modified := time.Date(2025, 12, 31, 23, 59, 58, 0, time.UTC)
	if err := s.AddBucket(Bucket{Name: "detail"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutObjects("detail", Object{Key: "dir/a b+c.txt", Size: 42, LastModified: modified}, Object{Key: "top"}); err != nil {
		t.Fatal(err)
	}

	t.Run("url encoding encodes keys, prefixes and the delimiter", func(t *testing.T) {
		r := listPage(t, s, "detail", listQuery("prefix", "dir/", "encoding-type", "url", "delimiter", "/"))
		if r.EncodingType != "url" || r.Prefix != "dir%2F" || r.Delimiter != "%2F" || len(r.Contents) != 1 || r.Contents[0].Key != "dir%2Fa+b%2Bc.txt" {
			t.Fatalf("%+v", r)
		}
		c := r.Contents[0]
		if c.Size != 42 || c.LastModified != "2025-12-31T23:59:58.000Z" || c.ETag != `"c31778247e846cdba09e8def83ee0845"` || c.StorageClass != "STANDARD" {
			t.Errorf("%+v", c)
		}
	})
	t.Run("without encoding keys are sent as they are", func(t *testing.T) {
		r := listPage(t, s, "detail", listQuery("prefix", "dir/"))
		if r.EncodingType != "" || len(r.Contents) != 1 || r.Contents[0].Key != "dir/a b+c.txt" {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("max-keys above 1000 is lowered to 1000", func(t *testing.T) {
		if r := listPage(t, s, "detail", listQuery("max-keys", "5000")); r.MaxKeys != 1000 {
			t.Fatalf("MaxKeys %d", r.MaxKeys)
		}
	})
	t.Run("max-keys 0 returns no keys and is not truncated", func(t *testing.T) {
		if r := listPage(t, s, "detail", listQuery("max-keys", "0")); r.KeyCount != 0 || r.IsTruncated {
			t.Fatalf("%+v", r)
		}
	})
	for _, tc := range []struct{ name, key, value string }{
		{"a negative max-keys is InvalidArgument", "max-keys", "-1"},
		{"a max-keys that is not a number is InvalidArgument", "max-keys", "ten"},
		{"an unknown encoding type is InvalidArgument", "encoding-type", "base64"},
		{"a continuation token the server did not issue is InvalidArgument", "continuation-token", "not a token!"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call{cred: permanent, path: "/detail", query: listQuery(tc.key, tc.value)}.do(t, s)
			if e := decodeError(t, body); resp.StatusCode != 400 || e.Code != "InvalidArgument" {
				t.Fatalf("status %d code %q", resp.StatusCode, e.Code)
			}
		})
	}
}

func TestBucketErrors(t *testing.T) {
	leakcheck.Check(t)
	s := newServer(t, Options{Hosts: []string{"s3.amazonaws.com"}})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.AddBucket(Bucket{Name: "elsewhere", Region: "eu-west-1"}))
	must(s.AddBucket(Bucket{Name: "private", Allow: func(c Caller) bool { return c.AccessKeyID == permanent.AccessKeyID }}))

	t.Run("a missing bucket is NoSuchBucket naming it", func(t *testing.T) {
		resp, body := call{cred: session, path: "/nope", query: listQuery()}.do(t, s)
		if e := decodeError(t, body); resp.StatusCode != 404 || e.Code != "NoSuchBucket" || e.BucketName != "nope" {
			t.Fatalf("%d %+v", resp.StatusCode, e)
		}
	})
	t.Run("a bucket in another region is PermanentRedirect with its region", func(t *testing.T) {
		resp, body := call{cred: session, path: "/elsewhere", query: listQuery()}.do(t, s)
		e := decodeError(t, body)
		if resp.StatusCode != 301 || e.Code != "PermanentRedirect" || resp.Header.Get("X-Amz-Bucket-Region") != "eu-west-1" || e.Endpoint != "s3.eu-west-1.amazonaws.com" {
			t.Fatalf("%d %+v %v", resp.StatusCode, e, resp.Header)
		}
	})
	t.Run("a caller the bucket does not allow is AccessDenied naming the caller", func(t *testing.T) {
		resp, body := call{cred: session, path: "/private", query: listQuery()}.do(t, s)
		e := decodeError(t, body)
		if resp.StatusCode != 403 || e.Code != "AccessDenied" || !strings.Contains(e.Message, session.Identity) || !strings.Contains(e.Message, "s3:ListBucket") {
			t.Fatalf("%d %+v", resp.StatusCode, e)
		}
		if resp, _ := (call{cred: permanent, path: "/private", query: listQuery()}).do(t, s); resp.StatusCode != 200 {
			t.Fatalf("allowed caller: %d", resp.StatusCode)
		}
	})
	t.Run("a virtual-hosted request finds the bucket in the Host header", func(t *testing.T) {
		resp, body := call{cred: permanent, host: "private.s3.amazonaws.com", path: "/", query: listQuery()}.do(t, s)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "<Name>private</Name>") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if r := s.Requests(); !r[len(r)-1].VirtualHosted || r[len(r)-1].Bucket != "private" {
			t.Errorf("record %+v", r[len(r)-1])
		}
	})
	t.Run("ListObjects version 1 is not implemented", func(t *testing.T) {
		resp, body := call{cred: permanent, path: "/private"}.do(t, s)
		if e := decodeError(t, body); resp.StatusCode != 501 || e.Code != "NotImplemented" {
			t.Fatalf("%d %+v", resp.StatusCode, e)
		}
	})
}

func TestListBuckets(t *testing.T) {
	leakcheck.Check(t)
	s := newServer(t, Options{})
	for i, name := range []string{"charlie", "alpha", "bravo", "delta"} {
		region := "us-east-1"
		if name == "delta" {
			region = "eu-west-1"
		}
		if err := s.AddBucket(Bucket{Name: name, Region: region, Created: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddBucket(Bucket{Name: "alpha"}); err == nil {
		t.Error("adding a bucket twice succeeded")
	}
	type result struct {
		Buckets []struct {
			Name, CreationDate, BucketRegion string
		} `xml:"Buckets>Bucket"`
		ContinuationToken string
	}
	get := func(q url.Values) result {
		resp, body := call{cred: permanent, path: "/", query: q}.do(t, s)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var r result
		if err := xml.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := get(nil)
	var names []string
	for _, b := range r.Buckets {
		names = append(names, b.Name)
	}
	if strings.Join(names, ",") != "alpha,bravo,charlie,delta" || r.ContinuationToken != "" || r.Buckets[0].CreationDate != "2026-03-04T06:06:07.000Z" {
		t.Fatalf("%+v", r)
	}
	r = get(url.Values{"max-buckets": {"3"}})
	if len(r.Buckets) != 3 || r.ContinuationToken == "" {
		t.Fatalf("first page %+v", r)
	}
	r = get(url.Values{"max-buckets": {"3"}, "continuation-token": {r.ContinuationToken}})
	if len(r.Buckets) != 1 || r.Buckets[0].Name != "delta" || r.ContinuationToken != "" {
		t.Fatalf("second page %+v", r)
	}
}

func TestFaultsAreAnsweredInsteadAndRecorded(t *testing.T) {
	leakcheck.Check(t)
	s := newServer(t, Options{})
	s.SetFault(func(r Request) *Fault {
		if r.Operation == "ListBuckets" {
			return &Fault{Status: 502, Body: "<html>Bad Gateway</html>"}
		}
		return &Fault{Status: 503, Code: "SlowDown", Message: "Please reduce your request rate."}
	})
	resp, body := call{cred: permanent, path: "/"}.do(t, s)
	if resp.StatusCode != 502 || string(body) != "<html>Bad Gateway</html>" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	resp, body = call{cred: permanent, path: "/any", query: listQuery()}.do(t, s)
	if e := decodeError(t, body); resp.StatusCode != 503 || e.Code != "SlowDown" {
		t.Fatalf("%d %+v", resp.StatusCode, e)
	}
	s.SetFault(nil)
	if resp, _ := (call{cred: permanent, path: "/"}).do(t, s); resp.StatusCode != 200 {
		t.Fatalf("after removing the fault: %d", resp.StatusCode)
	}
	if r := s.Requests(); len(r) != 3 || r[0].Status != 502 || r[1].Code != "SlowDown" || r[2].Status != 200 {
		t.Fatalf("requests %+v", r)
	}
}

func TestOptionsAndInputsAreValidated(t *testing.T) {
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "Credentials is required") {
		t.Fatalf("New without Credentials: %v", err)
	}
	s := newServer(t, Options{})
	if err := s.AddBucket(Bucket{}); err == nil {
		t.Error("a bucket without a name was accepted")
	}
	if err := s.PutObjects("missing", Object{Key: "k"}); err == nil {
		t.Error("objects were put in a missing bucket")
	}
}
