// Package fakests is a fake AWS STS for tests, benchmarks and the offline demo, on 127.0.0.1.
// It answers the three operations this module calls with STS's XML and error codes, checking
// what real STS checks that matters to our users:
//
//   - AssumeRoleWithWebIdentity: an RS256 JWT whose signature verifies against the JWKS of a
//     registered OIDC provider (AddOIDCProvider), fetched through its discovery document; aud,
//     exp and nbf; the role's trust policy with its conditions on "<issuer host/path>:sub" and
//     ":aud" (internal/trustpolicy, the evaluator irsa doctor uses).
//   - AssumeRole and GetCallerIdentity: SigV4 (internal/sigv4check) with a key this server
//     issued or a user's (AddUser), and the session token; AssumeRole then checks the role's
//     trust of the caller (ARNs, account, sts:ExternalId) and the role-chaining limit.
//
// Issued credentials are remembered to verify later calls; LookupIssued hands them to a fake
// S3. Faults (SetFaultFunc) inject throttling, 5xx, IDP errors, a reset connection, a
// truncated body and an HTML page. Every call is recorded (Calls) without secrets.
// Not modelled: presigned requests, identity and session policies, tags, partitions other than
// aws.
package fakests

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/irsa-go/irsa/internal/stsencode"
	"github.com/irsa-go/irsa/stsxml"
)

// Operation names, as the Action parameter carries them.
const (
	OpAssumeRoleWithWebIdentity = "AssumeRoleWithWebIdentity"
	OpAssumeRole                = "AssumeRole"
	OpGetCallerIdentity         = "GetCallerIdentity"
)

// Options configures a Server. The zero value is ready to use.
type Options struct {
	// Now is the server's clock. Optional; default time.Now.
	Now func() time.Time
}

// Server is a running fake STS on 127.0.0.1. Configure it with AddOIDCProvider, AddRole and
// AddUser; point clients at URL(). Its methods are safe for concurrent use.
type Server struct {
	srv    *httptest.Server
	now    func() time.Time
	client *http.Client // fetches issuers' documents; dials loopback addresses only

	keysMu sync.Mutex                           // held while fetching, so cold calls fetch once
	keys   map[string]map[string]*rsa.PublicKey // by issuer URL, then kid

	mu         sync.Mutex
	providers  map[string][]string  // client IDs by issuer URL
	roles      map[string]*role     // by ARN
	identities map[string]*identity // users and issued sessions, by access key ID
	calls      []Call
	faultFunc  func(Call) *Fault
}

// New starts a server on 127.0.0.1. Call Close when done.
func New(opts Options) *Server {
	s := &Server{now: opts.Now, keys: map[string]map[string]*rsa.PublicKey{},
		providers: map[string][]string{}, roles: map[string]*role{}, identities: map[string]*identity{}}
	if s.now == nil {
		s.now = time.Now
	}
	s.client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: dialLoopback}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// dialLoopback refuses anything but loopback addresses, so a test never reaches a real issuer.
func dialLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("fakests: refusing to dial %s: only loopback addresses are allowed", addr)
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

// URL returns the server's base URL (http://127.0.0.1:PORT), for use as a custom STS endpoint
// (AWS_ENDPOINT_URL_STS, sts.Options.BaseEndpoint).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server. It is idempotent.
func (s *Server) Close() {
	s.srv.Close()
	s.client.CloseIdleConnections()
}

// Call is the record of one request. It holds identifiers only: no secret access key, session
// token or web identity token.
type Call struct {
	// Operation, RoleARN, SessionName, DurationSeconds (0 when absent or not a number) and
	// SourceIdentity are the request's parameters.
	Operation, RoleARN, SessionName string
	DurationSeconds                 int32
	SourceIdentity                  string
	// ExternalID reports whether an ExternalId parameter was sent (its value is not kept).
	ExternalID bool
	// Caller is the signer's ARN, or the token's sub for AssumeRoleWithWebIdentity, once known;
	// SigningRegion the region of a signed operation's credential scope.
	Caller, SigningRegion string
	// Status is the HTTP status sent (0 when a fault sent none); Code the error code, "" for
	// success.
	Status int
	Code   string
}

// String describes the call in one line, for test failure messages.
func (c Call) String() string {
	return fmt.Sprintf("%s role=%q session=%q caller=%q duration=%d -> %d %s", c.Operation, c.RoleARN, c.SessionName, c.Caller, c.DurationSeconds, c.Status, cmp.Or(c.Code, "OK"))
}

// Calls returns a copy of the calls recorded so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Count returns how many calls of operation op were received, whatever their outcome.
func (s *Server) Count(op string) int { return s.count(func(c Call) bool { return c.Operation == op }) }

// CountRole returns how many calls named roleARN as their RoleArn, whatever their outcome.
func (s *Server) CountRole(roleARN string) int {
	return s.count(func(c Call) bool { return c.RoleARN == roleARN })
}

func (s *Server) count(match func(Call) bool) int {
	return len(slices.DeleteFunc(s.Calls(), func(c Call) bool { return !match(c) })) // Calls is a copy
}

// ResetCalls forgets the recorded calls.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	params, _ := url.ParseQuery(string(body)) // STS takes a form body or a query string
	for k, v := range r.URL.Query() {
		params[k] = append(params[k], v...)
	}
	call := Call{Operation: params.Get("Action"), RoleARN: params.Get("RoleArn"), SessionName: params.Get("RoleSessionName"),
		SourceIdentity: params.Get("SourceIdentity"), ExternalID: params.Has("ExternalId")}
	if n, err := strconv.ParseInt(params.Get("DurationSeconds"), 10, 32); err == nil {
		call.DurationSeconds = int32(n)
	}
	fault := s.nextFault(call)
	switch fault.Kind {
	case FaultResetConnection:
		call.Code = fault.Kind.String()
	case FaultHTMLBody:
		call.Status, call.Code = http.StatusBadGateway, fault.Kind.String()
	}
	if call.Code != "" {
		s.record(call)
		fault.send(w, 0, nil)
		return
	}
	rid := requestID()
	out, e := s.dispatch(r, body, params, &call, rid, fault)
	call.Status = http.StatusOK
	if e != nil {
		e.RequestID = rid
		out, _ = encode(e)
		call.Status, call.Code = e.StatusCode, e.Code
	}
	// The call is recorded before the answer leaves, so a client that has the answer also finds
	// the record.
	s.record(call)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", rid)
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat)) // from the server's clock, for clock-skew checks
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	if fault.Kind == FaultTruncatedBody {
		fault.send(w, call.Status, out[:len(out)/2])
		return
	}
	w.WriteHeader(call.Status)
	_, _ = w.Write(out)
}

// dispatch answers the call with its operation, or with the fault's STS error.
func (s *Server) dispatch(r *http.Request, body []byte, params url.Values, call *Call, rid string, fault Fault) ([]byte, *stsxml.Error) {
	if e := fault.error(); e != nil {
		return nil, e
	}
	switch call.Operation {
	case OpAssumeRoleWithWebIdentity:
		return s.assumeRoleWithWebIdentity(r.Context(), params, call, rid)
	case OpAssumeRole:
		return s.assumeRole(r, body, params, call, rid)
	case OpGetCallerIdentity:
		return s.getCallerIdentity(r, body, call, rid)
	}
	return nil, stsError(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2011-06-15", call.Operation)
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

func stsError(status int, code, format string, args ...any) *stsxml.Error {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	return &stsxml.Error{StatusCode: status, Type: typ, Code: code, Message: fmt.Sprintf(format, args...)}
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// encode writes an STS document into a response body.
func encode(out any) ([]byte, *stsxml.Error) {
	var b bytes.Buffer
	if err := stsencode.Encode(&b, out); err != nil {
		return nil, stsError(http.StatusInternalServerError, "InternalFailure", "encoding the response: %v", err)
	}
	return b.Bytes(), nil
}
