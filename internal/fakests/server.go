package fakests

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/stsencode"
	"github.com/irsa-go/irsa/stsxml"
)

// Operation names, as the Action parameter carries them.
const (
	OpAssumeRoleWithWebIdentity = "AssumeRoleWithWebIdentity"
	OpAssumeRole                = "AssumeRole"
	OpGetCallerIdentity         = "GetCallerIdentity"
)

// APIVersion is the only STS API version there is.
const APIVersion = "2011-06-15"

// maxBodySize caps request bodies, as AWS's front end does (a bigger body is refused, not read).
const maxBodySize = 1 << 20

// Options configures a Server. The zero value is ready to use.
type Options struct {
	// Now is the server's clock: token exp/nbf checks, SigV4 request-date checks, credential
	// expiry and the JWKS cache age. Optional; default time.Now.
	Now func() time.Time
	// HTTPClient fetches issuers' discovery and JWKS documents. Optional; default a client
	// with a 5 s timeout that dials loopback addresses only.
	HTTPClient *http.Client
	// JWKSCacheTTL is how long fetched signing keys are reused before they are fetched again.
	// A token whose kid is not among the cached keys always causes one fresh fetch.
	// Optional; default 1 hour.
	JWKSCacheTTL time.Duration
	// Rand is the source of access key IDs, secrets, session tokens and request IDs.
	// Optional; default crypto/rand.Reader.
	Rand io.Reader
}

// Server is a running fake STS on 127.0.0.1. Configure it with AddOIDCProvider, AddRole and
// AddUser; point clients at URL(). Its methods are safe for concurrent use.
type Server struct {
	srv        *httptest.Server
	now        func() time.Time
	httpClient *http.Client
	ownClient  bool
	jwksTTL    time.Duration
	closing    chan struct{}
	closeOnce  sync.Once

	randMu sync.Mutex
	rand   io.Reader

	jwks jwksCache

	mu        sync.Mutex
	providers map[string]*oidcProvider // by issuer host/path
	roles     map[string]*role         // by role ARN
	users     map[string]*user         // by access key ID
	sessions  map[string]*session      // by access key ID
	issued    int
	faults    faultState
	calls     []Call
	byOp      map[string]int
	byRole    map[string]int
}

// TB is the part of testing.TB that Start and StartEnv use.
type TB = fakeoidc.TB

// New starts a server on 127.0.0.1. Call Close when done.
func New(opts Options) *Server {
	s := &Server{
		now:        opts.Now,
		httpClient: opts.HTTPClient,
		jwksTTL:    opts.JWKSCacheTTL,
		rand:       opts.Rand,
		closing:    make(chan struct{}),
		providers:  map[string]*oidcProvider{},
		roles:      map[string]*role{},
		users:      map[string]*user{},
		sessions:   map[string]*session{},
		byOp:       map[string]int{},
		byRole:     map[string]int{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.httpClient == nil {
		s.httpClient, s.ownClient = loopbackClient(), true
	}
	if s.jwksTTL <= 0 {
		s.jwksTTL = time.Hour
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	s.jwks.entries = map[string]*jwksEntry{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Start is New for tests: the server is closed when t ends.
func Start(t TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

// URL returns the server's base URL (http://127.0.0.1:PORT), for use as a custom STS endpoint
// (AWS_ENDPOINT_URL_STS, sts.Options.BaseEndpoint).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server; calls waiting in an injected latency end at once. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.srv.Close()
		if s.ownClient {
			s.httpClient.CloseIdleConnections()
		}
	})
}

// loopbackClient refuses to dial anything but loopback addresses, so a test can never reach
// a real issuer by accident.
func loopbackClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				host, _, err := net.SplitHostPort(addr)
				if err != nil {
					return nil, err
				}
				if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
					return nil, fmt.Errorf("fakests: refusing to dial %s: only loopback addresses are allowed", addr)
				}
				return dialer.DialContext(ctx, network, addr)
			},
			MaxIdleConnsPerHost: 4,
		},
	}
}

func (s *Server) randomBytes(n int) []byte {
	b := make([]byte, n)
	s.randMu.Lock()
	defer s.randMu.Unlock()
	if _, err := io.ReadFull(s.rand, b); err != nil {
		panic("fakests: reading randomness: " + err.Error())
	}
	return b
}

func (s *Server) requestID() string {
	h := hex.EncodeToString(s.randomBytes(16))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// response is an answer before it is sent (faults may still mangle it).
type response struct {
	status int
	body   []byte
}

func (s *Server) errorResponse(e *stsxml.Error, rid string) response {
	e.RequestID = rid
	var b bytes.Buffer
	_ = stsencode.EncodeError(&b, e)
	return response{status: e.StatusCode, body: b.Bytes()}
}

func metadataWithRequestID(rid string) middleware.Metadata {
	var md middleware.Metadata
	awsmiddleware.SetRequestIDMetadata(&md, rid)
	return md
}

// request is one parsed call.
type request struct {
	http   *http.Request
	body   []byte
	params url.Values
	rid    string
	call   *Call
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rid := s.requestID()
	call := &Call{Time: s.now(), RequestID: rid}
	// The call is recorded before its answer leaves, so a client that has the answer also
	// finds the record.
	recorded := false
	commit := func() {
		if !recorded {
			recorded = true
			s.record(*call)
		}
	}
	defer commit()
	resp := s.handle(w, r, rid, call, commit)
	if resp == nil {
		return
	}
	call.Status = resp.status
	commit()
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", rid)
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// handle answers one request; nil means the answer was already sent (or the connection
// dropped) by a fault.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, rid string, call *Call, commit func()) *response {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodySize+1))
	if err != nil {
		call.Code = "ReadError"
		return nil
	}
	if len(body) > maxBodySize {
		e := senderError(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, "Request body must be no larger than %d bytes", maxBodySize)
		call.Code = e.Code
		resp := s.errorResponse(e, rid)
		return &resp
	}
	params, perr := parseParams(r, body)
	if perr == nil {
		fillCall(call, params)
	}

	fault := s.nextFault(*call)
	if fault != nil {
		call.Fault = fault.Kind
		if fault.Latency > 0 {
			t := time.NewTimer(fault.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				call.Code = "ClientGone"
				return nil
			case <-s.closing:
				t.Stop()
				call.Code = "ServerClosed"
				return nil
			}
		}
		if early, handled := s.earlyFault(w, fault, rid, call, commit); handled {
			return early
		}
	}

	var resp response
	if perr != nil {
		resp = s.errorResponse(perr, rid)
		call.Code = perr.Code
	} else {
		resp = s.dispatch(&request{http: r, body: body, params: params, rid: rid, call: call})
	}
	if fault != nil && fault.Kind == FaultTruncatedBody {
		s.sendTruncated(w, resp, rid, call, commit)
		return nil
	}
	return &resp
}

func parseParams(r *http.Request, body []byte) (url.Values, *stsxml.Error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, senderError(http.StatusBadRequest, CodeMalformedQueryString, "The query string is malformed")
	}
	ct := r.Header.Get("Content-Type")
	if r.Method == http.MethodPost && (ct == "" || strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded")) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, senderError(http.StatusBadRequest, CodeMalformedQueryString, "The request body is not a valid form")
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	return params, nil
}

func fillCall(c *Call, p url.Values) {
	c.Operation = p.Get("Action")
	c.RoleARN = p.Get("RoleArn")
	c.SessionName = p.Get("RoleSessionName")
	if n, err := strconv.ParseInt(p.Get("DurationSeconds"), 10, 32); err == nil {
		c.DurationSeconds = int32(n)
	}
	c.SourceIdentity = p.Get("SourceIdentity")
	_, c.ExternalID = p["ExternalId"]
	_, c.Policy = p["Policy"]
}

func (s *Server) dispatch(req *request) response {
	var (
		resp response
		e    *stsxml.Error
	)
	if v := req.params.Get("Version"); v != "" && v != APIVersion {
		e = senderError(http.StatusBadRequest, CodeInvalidAction, "Could not find operation %s for version %s", req.call.Operation, v)
	} else {
		switch op := req.params.Get("Action"); op {
		case OpAssumeRoleWithWebIdentity:
			resp, e = s.assumeRoleWithWebIdentity(req)
		case OpAssumeRole:
			resp, e = s.assumeRole(req)
		case OpGetCallerIdentity:
			resp, e = s.getCallerIdentity(req)
		case "":
			e = senderError(http.StatusBadRequest, CodeMissingAction, "Missing Action")
		default:
			e = senderError(http.StatusBadRequest, CodeInvalidAction, "Could not find operation %s for version %s", op, APIVersion)
		}
	}
	if e != nil {
		req.call.Code = e.Code
		return s.errorResponse(e, req.rid)
	}
	return resp
}

// encoded turns an encoder's output into a 200 response.
func encoded(err error, b *bytes.Buffer) (response, *stsxml.Error) {
	if err != nil {
		return response{}, &stsxml.Error{StatusCode: http.StatusInternalServerError, Type: "Receiver", Code: CodeInternalFailure, Message: "encoding the response: " + err.Error()}
	}
	return response{status: http.StatusOK, body: b.Bytes()}, nil
}

var errNoHijack = errors.New("fakests: the connection cannot be hijacked")
