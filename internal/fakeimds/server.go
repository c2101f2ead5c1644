// Package fakeimds is a fake EC2 instance metadata service (IMDS) on 127.0.0.1, for tests and
// benchmarks: the IMDSv2 token (PUT /latest/api/token with its TTL header), the role listing
// and the role's credentials, answered as the real service answers them, and the failures real
// ones have (Fault). Point a client at URL() (AWS_EC2_METADATA_SERVICE_ENDPOINT, or
// credentials.IMDSOptions.Endpoint); nothing ever goes to 169.254.169.254.
package fakeimds

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The paths the fake serves.
const (
	TokenPath = "/latest/api/token"
	RolePath  = "/latest/meta-data/iam/security-credentials/"
)

// Fault is a failure the fake answers with.
type Fault int

// The faults.
const (
	// NoFault answers normally.
	NoFault Fault = iota
	// ServerError answers every request with HTTP 500.
	ServerError
	// HTML answers the credentials request with an HTML page (a captive portal, a proxy).
	HTML
	// MissingFields answers with a credentials document without SecretAccessKey and Token.
	MissingFields
	// Expired answers with credentials that expired an hour ago, as IMDS may during an outage.
	Expired
	// ErrorCode answers with the document IMDS sends when the role cannot be assumed: a Code
	// other than "Success" and no keys.
	ErrorCode
	// Slow holds every request without answering until the client gives up (its context ends)
	// or the server is closed.
	Slow
	// NoRole answers the role listing with 404, as an instance without an instance profile does.
	NoRole
)

// Options configures a Server. The zero value serves role "node-role" with fixed keys, IMDSv1
// allowed.
type Options struct {
	// Role is the attached role's name. Optional; default "node-role".
	Role string
	// AccessKeyID, SecretAccessKey and SessionToken are the credentials served. Optional;
	// defaults ASIAFAKEIMDS00000001, "fake-imds-secret", "fake-imds-session-token".
	AccessKeyID, SecretAccessKey, SessionToken string
	// Lifetime is how long served credentials are valid. Optional; default 6 hours.
	Lifetime time.Duration
	// V1Disabled answers requests without a token with 401, as an instance that requires IMDSv2.
	V1Disabled bool
	// TokenStatus, when not 0, is the status the token request is answered with instead of a
	// token: 403 (IMDSv2 turned off), 404 or 405 (an old IMDS or a proxy), 400.
	TokenStatus int
	// Now is the clock for expiry times. Optional; default time.Now.
	Now func() time.Time
}

// Request is the record of one request.
type Request struct {
	Method, Path string
	// Token is true when the request carried an X-aws-ec2-metadata-token header.
	Token bool
	// TTL is the token request's X-aws-ec2-metadata-token-ttl-seconds header.
	TTL string
	// Status is the status answered (0 for a request that got no answer).
	Status int
}

// Server is a running fake IMDS. Its methods are safe for concurrent use.
type Server struct {
	srv  *httptest.Server
	opts Options
	done chan struct{} // closed by Close: releases Slow requests

	mu       sync.Mutex
	fault    Fault
	tokens   map[string]time.Time // token → end of its validity
	requests []Request
	closed   bool
}

// New starts a server on 127.0.0.1. Call Close when done.
func New(o Options) *Server {
	if o.Role == "" {
		o.Role = "node-role"
	}
	if o.AccessKeyID == "" {
		o.AccessKeyID, o.SecretAccessKey, o.SessionToken = "ASIAFAKEIMDS00000001", "fake-imds-secret", "fake-imds-session-token"
	}
	if o.Lifetime == 0 {
		o.Lifetime = 6 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{opts: o, done: make(chan struct{}), tokens: map[string]time.Time{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakeimds: listening on 127.0.0.1: %v", err))
	}
	s.srv.Listener = l
	s.srv.Start()
	return s
}

// URL is the base URL, http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// Close releases held requests and stops the server. It is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// SetFault makes the following requests fail with f (NoFault: answer normally).
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// ExpireTokens makes every token issued so far invalid: requests that carry one get 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests of method were received.
func (s *Server) Count(method string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Path: r.URL.Path, Token: r.Header.Get("X-Aws-Ec2-Metadata-Token") != "",
		TTL: r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds")}
	s.mu.Lock()
	fault := s.fault
	s.mu.Unlock()
	if fault == Slow {
		s.record(req)
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		panic(http.ErrAbortHandler) // drop the connection: the client gets no answer
	}
	status, body := s.answer(r, fault)
	req.Status = status
	s.record(req)
	w.Header().Set("Content-Type", "text/plain")
	if fault == HTML && status == http.StatusOK {
		w.Header().Set("Content-Type", "text/html")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

// answer is the status and body for r.
func (s *Server) answer(r *http.Request, fault Fault) (int, string) {
	if fault == ServerError {
		return http.StatusInternalServerError, "<html><body><h1>500 Internal Server Error</h1></body></html>"
	}
	if r.URL.Path == TokenPath {
		return s.token(r)
	}
	if r.Method != http.MethodGet {
		return http.StatusMethodNotAllowed, ""
	}
	if status := s.authorize(r); status != http.StatusOK {
		return status, ""
	}
	role, isRole := strings.CutPrefix(r.URL.Path, RolePath)
	switch {
	case !isRole:
		return http.StatusNotFound, notFound
	case fault == NoRole:
		return http.StatusNotFound, notFound
	case role == "":
		return http.StatusOK, s.opts.Role
	case role != s.opts.Role:
		return http.StatusNotFound, notFound
	}
	return s.credentials(fault)
}

const notFound = `<?xml version="1.0" encoding="iso-8859-1"?>
<html><head><title>404 - Not Found</title></head><body><h1>404 - Not Found</h1></body></html>`

// token answers a token request as IMDS does: PUT only, a TTL of 1 to 21600 seconds, no
// X-Forwarded-For (IMDS refuses requests that went through a proxy).
func (s *Server) token(r *http.Request) (int, string) {
	switch {
	case s.opts.TokenStatus != 0:
		return s.opts.TokenStatus, ""
	case r.Method != http.MethodPut:
		return http.StatusMethodNotAllowed, ""
	case r.Header.Get("X-Forwarded-For") != "":
		return http.StatusForbidden, ""
	}
	ttl, err := strconv.Atoi(r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"))
	if err != nil || ttl < 1 || ttl > 21600 {
		return http.StatusBadRequest, ""
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := "AQAEA" + hex.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = s.opts.Now().Add(time.Duration(ttl) * time.Second)
	s.mu.Unlock()
	return http.StatusOK, tok
}

// authorize checks a GET's token: 401 for an unknown or expired one, and for none when IMDSv1 is
// disabled.
func (s *Server) authorize(r *http.Request) int {
	tok := r.Header.Get("X-Aws-Ec2-Metadata-Token")
	if tok == "" {
		if s.opts.V1Disabled {
			return http.StatusUnauthorized
		}
		return http.StatusOK
	}
	s.mu.Lock()
	until, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok || !s.opts.Now().Before(until) {
		return http.StatusUnauthorized
	}
	return http.StatusOK
}

// credentials is the role's credentials document, or the fault's version of it.
func (s *Server) credentials(fault Fault) (int, string) {
	now := s.opts.Now().UTC()
	doc := map[string]string{
		"Code": "Success", "LastUpdated": now.Format(time.RFC3339), "Type": "AWS-HMAC",
		"AccessKeyId": s.opts.AccessKeyID, "SecretAccessKey": s.opts.SecretAccessKey, "Token": s.opts.SessionToken,
		"Expiration": now.Add(s.opts.Lifetime).Format(time.RFC3339),
	}
	switch fault {
	case HTML:
		return http.StatusOK, "<!DOCTYPE html><html><body>Please sign in to the network</body></html>"
	case MissingFields:
		delete(doc, "SecretAccessKey")
		delete(doc, "Token")
	case Expired:
		doc["Expiration"] = now.Add(-time.Hour).Format(time.RFC3339)
	case ErrorCode:
		doc = map[string]string{"Code": "AssumeRoleUnauthorizedAccess", "Message": "EC2 cannot assume the role " + s.opts.Role + ".",
			"LastUpdated": now.Format(time.RFC3339)}
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return http.StatusOK, string(b)
}
