// Package fakes3 is a small S3 listing fake for tests and the s3ls demo, on 127.0.0.1. It serves
// ListBuckets and ListObjectsV2 (prefix, delimiter, paging, encoding-type=url), path-style or
// virtual-hosted, checks every request's SigV4 signature and session token as strictly as S3
// does, and answers failures with S3's XML error documents. No object bodies, no writes over
// HTTP, no policies beyond a per-bucket Allow function.
package fakes3

import (
	"cmp"
	"crypto/hmac"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/sigv4check"
)

// Credential is one access key the fake accepts.
type Credential struct {
	// SessionToken, when set, must accompany requests signed with the key.
	AccessKeyID, SecretAccessKey, SessionToken string
	// Expires is when requests with this key start failing with ExpiredToken; zero: never.
	Expires time.Time
	// Identity is the principal's ARN, shown in AccessDenied messages and in Request records.
	Identity string
}

// Format prints the access key ID and the identity only, whatever the verb: never a secret.
func (c Credential) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "fakes3.Credential{AccessKeyID: %q, Identity: %q}", c.AccessKeyID, c.Identity)
}

// Caller is the authenticated principal of a request, as Bucket.Allow sees it.
type Caller struct{ AccessKeyID, Identity string }

// Options configures a Server.
type Options struct {
	// Credentials looks up the credential for an access key ID, on every request (so keys a
	// fake STS issues later work). Required.
	Credentials func(accessKeyID string) (c Credential, ok bool)
	// Region is the region requests must be signed for; buckets elsewhere answer with
	// PermanentRedirect. Optional; default "us-east-1".
	Region string
	// Hosts are host names ("s3.amazonaws.com") the server answers for besides its own
	// 127.0.0.1:PORT; a Host header "BUCKET.<host>" is a virtual-hosted request. Optional.
	Hosts []string
	// Now is the server's clock. Optional; default time.Now.
	Now func() time.Time
}

// Bucket is a bucket to serve: Name is required; Region defaults to the server's, Created to
// its Now at AddBucket; Allow, when set, decides whether a caller may list it.
type Bucket struct {
	Name, Region string
	Created      time.Time
	Allow        func(Caller) bool
}

// Object is one key in a bucket (no content): Key is required, LastModified defaults to the
// server's Now.
type Object struct {
	Key          string
	Size         int64
	LastModified time.Time
}

// Request records one request the server answered. It holds no secret.
type Request struct {
	// Operation is "ListBuckets", "ListObjectsV2", or "" when the request was not understood;
	// VirtualHosted is true when the bucket came from the Host header; Query is raw.
	Operation, Bucket string
	VirtualHosted     bool
	Query             string
	// AccessKeyID is the key the request was signed with, once known; Identity its principal;
	// SessionToken whether a session token was presented; Code the S3 error code, if any.
	AccessKeyID, Identity string
	SessionToken          bool
	Status                int
	Code                  string
}

// Fault, when a Server's fault function returns one, is answered instead of the real result:
// an S3 XML error document with Code and Message, or Body as is when Code is empty.
type Fault struct {
	Status              int
	Code, Message, Body string
}

// Server is a running fake S3 endpoint on 127.0.0.1.
type Server struct {
	opts  Options
	ts    *httptest.Server
	hosts []string

	mu       sync.Mutex
	buckets  map[string]*bucket
	requests []Request
	fault    func(Request) *Fault
	lastID   int // of the last request ID handed out
}

// New starts a Server on 127.0.0.1. Close it when done.
func New(opts Options) (*Server, error) {
	if opts.Credentials == nil {
		return nil, errors.New("fakes3: Options.Credentials is required")
	}
	opts.Region = cmp.Or(opts.Region, "us-east-1")
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, buckets: map[string]*bucket{}}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.hosts = append([]string{s.ts.Listener.Addr().String()}, opts.Hosts...)
	return s, nil
}

// URL is the server's base URL, http://127.0.0.1:PORT, for use as a custom S3 endpoint.
func (s *Server) URL() string { return s.ts.URL }

// Region is the region the server serves.
func (s *Server) Region() string { return s.opts.Region }

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// SetFault installs f, called for every request after it is routed (before authentication);
// a non-nil Fault is answered instead. Pass nil to remove it.
func (s *Server) SetFault(f func(Request) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Requests returns the requests answered so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// StaticCredentials returns an Options.Credentials function for a fixed set of keys.
func StaticCredentials(creds ...Credential) func(string) (Credential, bool) {
	return func(id string) (Credential, bool) {
		for _, c := range creds {
			if c.AccessKeyID == id {
				return c, true
			}
		}
		return Credential{}, false
	}
}

// s3Error is an S3 error response. extra are further elements of the document as name/value
// pairs; bucketRegion is sent as x-amz-bucket-region; a fault without a code sends verbatim.
type s3Error struct {
	status        int
	code, message string
	extra         []string
	bucketRegion  string
	verbatim      string
}

// body sets e's headers and returns its body: S3's XML error document, or the verbatim body.
func (e *s3Error) body(h http.Header, rid string) []byte {
	if e.code == "" {
		return []byte(e.verbatim)
	}
	h.Set("Content-Type", "application/xml")
	if e.bucketRegion != "" {
		h.Set("X-Amz-Bucket-Region", e.bucketRegion)
	}
	doc := append(append([]string{"Code", e.code, "Message", e.message}, e.extra...), "RequestId", rid)
	var b strings.Builder
	b.WriteString(xml.Header + "<Error>")
	for i := 0; i+1 < len(doc); i += 2 {
		b.WriteString("<" + doc[i] + ">")
		_ = xml.EscapeText(&b, []byte(doc[i+1]))
		b.WriteString("</" + doc[i] + ">")
	}
	b.WriteString("</Error>")
	return []byte(b.String())
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.lastID++
	rid := fmt.Sprintf("FAKES3%010X", s.lastID)
	fault := s.fault
	s.mu.Unlock()
	w.Header().Set("X-Amz-Request-Id", rid)
	w.Header().Set("Server", "AmazonS3")
	rec := Request{Query: r.URL.RawQuery, Status: http.StatusOK}
	body, e := s.answer(r, &rec, fault)
	if e != nil {
		rec.Status, rec.Code, body = e.status, e.code, e.body(w.Header(), rid)
	} else {
		w.Header().Set("Content-Type", "application/xml")
	}
	// The request is recorded before the answer leaves, so a client that has the answer also
	// finds the record.
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	w.WriteHeader(rec.Status)
	_, _ = w.Write(body)
}

// answer routes r, applies an injected fault, authenticates and lists.
func (s *Server) answer(r *http.Request, rec *Request, fault func(Request) *Fault) ([]byte, *s3Error) {
	rec.Bucket, rec.VirtualHosted = s.route(r)
	rest := strings.TrimPrefix(r.URL.Path, "/")
	if !rec.VirtualHosted {
		_, rest, _ = strings.Cut(rest, "/")
	}
	switch {
	case rec.Bucket == "":
		rec.Operation = "ListBuckets"
	case rest == "" && r.URL.Query().Get("list-type") == "2":
		rec.Operation = "ListObjectsV2"
	}
	if fault != nil {
		if f := fault(*rec); f != nil {
			return nil, &s3Error{status: f.Status, code: f.Code, message: f.Message, verbatim: f.Body}
		}
	}
	cred, e := s.authenticate(r)
	if cred != nil {
		rec.AccessKeyID, rec.Identity = cred.AccessKeyID, cred.Identity
		rec.SessionToken = r.Header.Get("X-Amz-Security-Token") != ""
	}
	switch {
	case e != nil:
		return nil, e
	case rec.Operation == "ListBuckets":
		return s.listBuckets(r.URL.Query())
	case rec.Operation == "ListObjectsV2":
		return s.listObjectsV2(rec, r.URL.Query(), Caller{AccessKeyID: cred.AccessKeyID, Identity: cred.Identity})
	}
	return nil, &s3Error{status: http.StatusNotImplemented, code: "NotImplemented", message: "fakes3 implements ListBuckets and ListObjectsV2 (list-type=2) only."}
}

// route finds the bucket a request addresses: from the Host header (virtual-hosted) or from the
// first path segment (path-style).
func (s *Server) route(r *http.Request) (bucket string, virtual bool) {
	host := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(r.Host), ":443"), ":80")
	for _, h := range s.hosts {
		if b, ok := strings.CutSuffix(host, "."+strings.ToLower(h)); ok && b != "" {
			return b, true
		}
	}
	bucket, _, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return bucket, false
}

// authenticate verifies r's SigV4 signature, session token and clock. It returns the
// credential the request was signed with when the key is known (even if verification then
// fails), and the error to answer with, or nil.
func (s *Server) authenticate(r *http.Request) (*Credential, *s3Error) {
	malformed := func(format string, args ...any) *s3Error {
		return &s3Error{status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed", message: "The authorization header is malformed; " + fmt.Sprintf(format, args...)}
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, &s3Error{status: http.StatusForbidden, code: "AccessDenied", message: "Anonymous users cannot list buckets or objects here."}
	}
	a, err := sigv4check.ParseAuthorization(h)
	if err != nil {
		return nil, malformed("%v", err)
	}
	if a.Service != "s3" {
		return nil, malformed("incorrect service %q. This endpoint belongs to \"s3\".", redact.Clip(a.Service, 40))
	}
	if a.Region != s.opts.Region {
		e := malformed("the region '%s' is wrong; expecting '%s'", redact.Clip(a.Region, 40), s.opts.Region)
		e.extra = []string{"Region", s.opts.Region}
		return nil, e
	}
	now := s.opts.Now()
	signedAt, err := a.SignedAt(r, now)
	if errors.Is(err, sigv4check.ErrSkew) {
		return nil, &s3Error{status: http.StatusForbidden, code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large.",
			extra: []string{"RequestTime", r.Header.Get("X-Amz-Date"), "ServerTime", now.UTC().Format(time.RFC3339), "MaxAllowedSkewMilliseconds", strconv.FormatInt(sigv4check.MaxSkew.Milliseconds(), 10)}}
	} else if err != nil {
		return nil, &s3Error{status: http.StatusForbidden, code: "AccessDenied", message: "AWS authentication requires a valid Date or x-amz-date header: " + err.Error()}
	}
	cred, ok := s.opts.Credentials(a.AccessKeyID)
	token := r.Header.Get("X-Amz-Security-Token")
	if !ok || (cred.SessionToken != "" && token == "") {
		// S3 does not know a temporary key without its session token.
		return nil, &s3Error{status: http.StatusForbidden, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records.",
			extra: []string{"AWSAccessKeyId", a.AccessKeyID}}
	}
	switch {
	case token != "" && !hmac.Equal([]byte(token), []byte(cred.SessionToken)):
		return &cred, &s3Error{status: http.StatusBadRequest, code: "InvalidToken", message: "The provided token is malformed or otherwise invalid."}
	case !cred.Expires.IsZero() && !now.Before(cred.Expires):
		return &cred, &s3Error{status: http.StatusBadRequest, code: "ExpiredToken", message: "The provided token has expired."}
	case r.Header.Get("X-Amz-Content-Sha256") == "":
		return &cred, &s3Error{status: http.StatusBadRequest, code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256"}
	case !sigv4check.Verify(r, a, cred.SecretAccessKey, r.Header.Get("X-Amz-Content-Sha256"), signedAt):
		return &cred, &s3Error{status: http.StatusForbidden, code: "SignatureDoesNotMatch",
			message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			extra:   []string{"AWSAccessKeyId", a.AccessKeyID}}
	}
	return &cred, nil
}
