// Package fakes3 is a small S3 listing fake for tests and the s3ls demo. It serves ListBuckets
// and ListObjectsV2 (prefix, delimiter, continuation tokens, start-after, max-keys, URL encoding)
// on 127.0.0.1, verifies every request's SigV4 signature and session token against credentials
// it is told about through a callback, and answers failures with S3's XML error documents
// (AccessDenied, NoSuchBucket, ExpiredToken, SignatureDoesNotMatch, InvalidAccessKeyId,
// InvalidToken, PermanentRedirect, AuthorizationHeaderMalformed, RequestTimeTooSkewed, ...).
//
// It is not S3: there are no object bodies, no writes over HTTP and no policies beyond a
// per-bucket Allow function. It exists so that a client's signing, paging and error handling
// can be tested offline against something that checks them as strictly as S3 does.
//
//	srv, _ := fakes3.New(fakes3.Options{Credentials: fakes3.StaticCredentials(cred)})
//	defer srv.Close()
//	srv.AddBucket(fakes3.Bucket{Name: "demo"})
//	srv.PutObjects("demo", fakes3.Object{Key: "a/b.txt", Size: 3})
package fakes3

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Credential is one access key the fake accepts.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken must accompany requests signed with this key when set (temporary
	// credentials); requests without it, or with another, are refused.
	SessionToken string
	// Expires is when requests with this key start failing with ExpiredToken; zero: never.
	Expires time.Time
	// Identity is the principal's ARN, shown in AccessDenied messages and in Request records.
	Identity string
}

// Caller is the authenticated principal of a request, as Bucket.Allow sees it.
type Caller struct {
	AccessKeyID string
	Identity    string
}

// Options configures a Server.
type Options struct {
	// Credentials looks up the credential for an access key ID; ok false means the key does not
	// exist. Called on every request, so it may answer with keys issued after the server
	// started (by a fake STS, say). Required.
	Credentials func(accessKeyID string) (c Credential, ok bool)
	// Region is the region this endpoint serves: requests must be signed for it, and buckets
	// in other regions answer with PermanentRedirect. Optional; default "us-east-1".
	Region string
	// Hosts are extra host names ("s3.amazonaws.com") the server answers for besides its own
	// 127.0.0.1:PORT and localhost:PORT; a Host header "BUCKET.<host>" is a virtual-hosted
	// request. Tests use them with a transport that sends requests for AWS host names here.
	// Optional.
	Hosts []string
	// Now is the server's clock for expiry and clock-skew checks. Optional; default time.Now.
	Now func() time.Time
	// MaxClockSkew is how far a request's X-Amz-Date may be from Now. Optional; default 15
	// minutes, as S3.
	MaxClockSkew time.Duration
	// OnRequest is called after each request is answered. Optional.
	OnRequest func(Request)
}

// Bucket is a bucket to serve.
type Bucket struct {
	// Name is the bucket's name. Required.
	Name string
	// Region is where the bucket lives. Optional; default the server's region.
	Region string
	// Created is the bucket's creation date. Optional; default the server's Now at AddBucket.
	Created time.Time
	// Allow decides whether the caller may list the bucket. Optional; default: any caller with
	// valid credentials.
	Allow func(Caller) bool
}

// Object is one key in a bucket. The fake keeps no content.
type Object struct {
	// Key is the object's key, at most 1024 bytes of UTF-8. Required.
	Key string
	// Size is the object's size in bytes.
	Size int64
	// LastModified is the object's modification time. Optional; default the server's Now.
	LastModified time.Time
	// ETag is the object's entity tag, without quotes. Optional; default derived from the key.
	ETag string
	// StorageClass is the object's storage class. Optional; default "STANDARD".
	StorageClass string
}

// Request records one request the server answered. It holds no secret.
type Request struct {
	Method    string
	Operation string // "ListBuckets", "ListObjectsV2", or "" when the request was not understood
	Bucket    string
	// VirtualHosted is true when the bucket came from the Host header.
	VirtualHosted bool
	// Query is the raw query string.
	Query string
	// AccessKeyID is the key the request was signed with ("" when unsigned), Identity its
	// principal, SessionToken whether a session token was presented.
	AccessKeyID  string
	Identity     string
	SessionToken bool
	Status       int
	// Code is the S3 error code of a failed request.
	Code      string
	RequestID string
}

// Fault, when a Server's fault function returns one, is answered instead of the real result.
// It lets tests see how a client handles errors the fake would not produce on its own.
type Fault struct {
	// Status is the HTTP status. Required.
	Status int
	// Code and Message fill an S3 XML error document; with an empty Code, Body is sent as is.
	Code, Message string
	// Body is sent verbatim when Code is empty (an HTML page from a proxy, say).
	Body string
	// Header is added to the response.
	Header http.Header
}

type bucket struct {
	Bucket
	objects map[string]Object
	sorted  []string // keys in byte order; nil when it must be rebuilt
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
	nextID   uint64
}

// maxRecords bounds the request log.
const maxRecords = 10000

// New starts a Server on 127.0.0.1. Close it when done.
func New(opts Options) (*Server, error) {
	if opts.Credentials == nil {
		return nil, errors.New("fakes3: Options.Credentials is required")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxClockSkew <= 0 {
		opts.MaxClockSkew = 15 * time.Minute
	}
	s := &Server{opts: opts, buckets: map[string]*bucket{}}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	_, port, _ := net.SplitHostPort(s.ts.Listener.Addr().String())
	s.hosts = append([]string{"127.0.0.1:" + port, "localhost:" + port}, opts.Hosts...)
	return s, nil
}

// URL is the server's base URL, http://127.0.0.1:PORT, for use as a custom S3 endpoint.
func (s *Server) URL() string { return s.ts.URL }

// Region is the region the server serves.
func (s *Server) Region() string { return s.opts.Region }

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// AddBucket creates a bucket. Creating a bucket that exists is an error.
func (s *Server) AddBucket(b Bucket) error {
	if b.Name == "" {
		return errors.New("fakes3: a bucket needs a name")
	}
	if b.Region == "" {
		b.Region = s.opts.Region
	}
	if b.Created.IsZero() {
		b.Created = s.opts.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[b.Name]; ok {
		return fmt.Errorf("fakes3: bucket %q already exists", b.Name)
	}
	s.buckets[b.Name] = &bucket{Bucket: b, objects: map[string]Object{}}
	return nil
}

// PutObjects adds or replaces objects in a bucket.
func (s *Server) PutObjects(bucketName string, objs ...Object) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucketName]
	if !ok {
		return fmt.Errorf("fakes3: no bucket %q", bucketName)
	}
	for _, o := range objs {
		if o.Key == "" || len(o.Key) > 1024 {
			return fmt.Errorf("fakes3: object key must be 1 to 1024 bytes, got %d", len(o.Key))
		}
		if o.Size < 0 {
			return fmt.Errorf("fakes3: object %q has a negative size", o.Key)
		}
		if o.LastModified.IsZero() {
			o.LastModified = s.opts.Now()
		}
		if o.StorageClass == "" {
			o.StorageClass = "STANDARD"
		}
		if o.ETag == "" {
			o.ETag = fmt.Sprintf("%032x", fnv64(o.Key))
		}
		b.objects[o.Key] = o
	}
	b.sorted = nil
	return nil
}

// SetFault installs f, called for every request after it is routed (before authentication);
// a non-nil Fault is answered instead. Pass nil to remove it.
func (s *Server) SetFault(f func(Request) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Requests returns the requests answered so far (the last 10,000), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// StaticCredentials returns an Options.Credentials function for a fixed set of keys.
func StaticCredentials(creds ...Credential) func(string) (Credential, bool) {
	m := make(map[string]Credential, len(creds))
	for _, c := range creds {
		m[c.AccessKeyID] = c
	}
	return func(id string) (Credential, bool) {
		c, ok := m[id]
		return c, ok
	}
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	if len(s.requests) >= maxRecords {
		s.requests = append(s.requests[:0], s.requests[1:]...)
	}
	s.requests = append(s.requests, r)
	hook := s.opts.OnRequest
	s.mu.Unlock()
	if hook != nil {
		hook(r)
	}
}

func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return fmt.Sprintf("FAKES3%010X", s.nextID)
}

// keys returns b's keys in order. Call with s.mu held.
func (b *bucket) keys() []string {
	if b.sorted == nil {
		b.sorted = make([]string, 0, len(b.objects))
		for k := range b.objects {
			b.sorted = append(b.sorted, k)
		}
		sort.Strings(b.sorted)
	}
	return b.sorted
}

// route finds the bucket a request addresses: from the Host header (virtual-hosted) or from the
// first path segment (path-style). rest is the path after the bucket.
func (s *Server) route(r *http.Request) (bucketName string, virtual bool, rest string) {
	host := strings.ToLower(r.Host)
	for _, h := range s.hosts {
		h = strings.ToLower(h)
		if host == h || host == strings.TrimSuffix(h, ":443") || host == strings.TrimSuffix(h, ":80") {
			path := strings.TrimPrefix(r.URL.Path, "/")
			bucketName, rest, _ = strings.Cut(path, "/")
			return bucketName, false, rest
		}
		if b, ok := strings.CutSuffix(host, "."+h); ok && b != "" {
			return b, true, strings.TrimPrefix(r.URL.Path, "/")
		}
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucketName, rest, _ = strings.Cut(path, "/")
	return bucketName, false, rest
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Query: r.URL.RawQuery, RequestID: s.requestID()}
	status, code := s.serve(w, r, &rec)
	rec.Status, rec.Code = status, code
	s.record(rec)
}

// serve answers r and returns the status and error code it sent.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rec *Request) (int, string) {
	w.Header().Set("X-Amz-Request-Id", rec.RequestID)
	w.Header().Set("X-Amz-Id-2", hostID(rec.RequestID))
	w.Header().Set("Server", "AmazonS3")

	bucketName, virtual, rest := s.route(r)
	rec.Bucket, rec.VirtualHosted = bucketName, virtual
	q := r.URL.Query()
	switch {
	case bucketName == "":
		rec.Operation = "ListBuckets"
	case rest == "" && q.Get("list-type") == "2":
		rec.Operation = "ListObjectsV2"
	}

	s.mu.Lock()
	fault := s.fault
	s.mu.Unlock()
	if fault != nil {
		if f := fault(*rec); f != nil {
			return s.writeFault(w, f, rec)
		}
	}

	cred, e := s.authenticate(r)
	if cred != nil {
		rec.AccessKeyID, rec.Identity = cred.AccessKeyID, cred.Identity
		rec.SessionToken = r.Header.Get("X-Amz-Security-Token") != ""
	}
	if e != nil {
		return s.writeError(w, e, rec)
	}
	if r.Method != http.MethodGet {
		return s.writeError(w, &s3Error{Status: http.StatusMethodNotAllowed, Code: "MethodNotAllowed",
			Message: "The specified method is not allowed against this resource.", Extra: []xmlField{{"Method", r.Method}}}, rec)
	}
	caller := Caller{AccessKeyID: cred.AccessKeyID, Identity: cred.Identity}
	switch {
	case rec.Operation == "ListBuckets":
		return s.listBuckets(w, q, rec)
	case rec.Operation == "ListObjectsV2":
		return s.listObjectsV2(w, bucketName, q, caller, rec)
	case rest == "":
		return s.writeError(w, &s3Error{Status: http.StatusNotImplemented, Code: "NotImplemented",
			Message: "fakes3 implements ListObjectsV2 (list-type=2) and ListBuckets only."}, rec)
	default:
		return s.writeError(w, &s3Error{Status: http.StatusNotImplemented, Code: "NotImplemented",
			Message: "fakes3 keeps no object contents; only listing is implemented."}, rec)
	}
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
