// Package fakecontainer is a fake container credentials endpoint, the one the ECS agent and the
// EKS Pod Identity agent serve, on 127.0.0.1 for tests and the offline demo. It answers GET
// requests on one path with the agents' JSON (AccessKeyId, SecretAccessKey, Token, Expiration,
// AccountId), checks the Authorization header against a fixed token or a token file it rotates
// (as kubelet rotates the Pod Identity token), and injects the failures real endpoints have:
// 5xx, an HTML page, missing fields, expired credentials, no answer at all. Requests are
// recorded without their tokens.
package fakecontainer

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/irsa-go/irsa/credentials"
)

// Fault is a failure the next request gets (see SetFaults).
type Fault int

// The failures.
const (
	// ServerError answers 500 with a JSON error document.
	ServerError Fault = iota + 1
	// HTML answers 502 with an HTML page, as a proxy in the way does.
	HTML
	// MissingFields answers 200 with the keys but no Token or Expiration.
	MissingFields
	// Expired answers 200 with credentials that expired an hour ago.
	Expired
	// Slow sends no answer until the request's context ends or the server closes.
	Slow
)

// Options configures a Server.
type Options struct {
	// Credentials returns what the endpoint serves; an error is answered with 500. Required.
	Credentials func(ctx context.Context) (credentials.Credentials, error)
	// Path is the path served; other paths are answered 404. Optional; default
	// "/v1/credentials", the EKS Pod Identity agent's.
	Path string
	// Token is the Authorization header every request must carry. Optional; "" requires none
	// unless TokenFile is set.
	Token string
	// TokenFile, when set, is where the server writes a random token at start and on each
	// Rotate; requests must carry the current one. Not together with Token.
	TokenFile string
	// Now is the clock for Expired. Optional; default time.Now.
	Now func() time.Time
}

// Request is the record of one request, without its token.
type Request struct {
	Path string
	// Authorization says what the header held: "none", "valid" or "wrong".
	Authorization string
	// Status is the HTTP status sent (0 for Slow).
	Status int
}

// Server is a running fake endpoint. Its methods are safe for concurrent use.
type Server struct {
	opts    Options
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once
	held    chan struct{}

	mu       sync.Mutex
	token    string
	faults   []Fault
	requests []Request
}

// New starts a server on 127.0.0.1. Call Close when done.
func New(opts Options) (*Server, error) {
	if opts.Credentials == nil {
		return nil, errors.New("fakecontainer: Options.Credentials is required")
	}
	if opts.Token != "" && opts.TokenFile != "" {
		return nil, errors.New("fakecontainer: set Options.Token or Options.TokenFile, not both")
	}
	if opts.Path == "" {
		opts.Path = "/v1/credentials"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, token: opts.Token, closing: make(chan struct{}), held: make(chan struct{}, 64)}
	if opts.TokenFile != "" {
		if _, err := s.Rotate(); err != nil {
			return nil, err
		}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s, nil
}

// URL is the endpoint's URL, for AWS_CONTAINER_CREDENTIALS_FULL_URI.
func (s *Server) URL() string { return s.srv.URL + s.opts.Path }

// Host is the server's host and port, for a relative URI's host (its path is Options.Path).
func (s *Server) Host() string { return strings.TrimPrefix(s.srv.URL, "http://") }

// Close stops the server, ending requests held by Slow. It is idempotent.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.Close()
}

// Rotate writes a new random token to Options.TokenFile, replacing the file in one rename as
// kubelet does, and from then on accepts only it. It returns the token.
func (s *Server) Rotate() (string, error) {
	if s.opts.TokenFile == "" {
		return "", errors.New("fakecontainer: Rotate needs Options.TokenFile")
	}
	tok := "fake-pod-identity-token-" + rand.Text()
	tmp := filepath.Join(filepath.Dir(s.opts.TokenFile), ".tmp-"+rand.Text())
	if err := os.WriteFile(tmp, []byte(tok), 0o600); err != nil {
		return "", fmt.Errorf("fakecontainer: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Rename(tmp, s.opts.TokenFile); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("fakecontainer: %w", err)
	}
	s.token = tok
	return tok, nil
}

// SetFaults makes the next requests fail, one fault each, in order; later ones succeed.
func (s *Server) SetFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append([]Fault(nil), faults...)
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Held receives once for each request that a Slow fault holds, when it starts holding it.
func (s *Server) Held() <-chan struct{} { return s.held }

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	req := Request{Path: r.URL.Path, Authorization: "none"}
	if got := r.Header.Get("Authorization"); got != "" {
		req.Authorization = "wrong"
		if s.token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1 {
			req.Authorization = "valid"
		}
	}
	var fault Fault
	if len(s.faults) > 0 && r.URL.Path == s.opts.Path {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	needToken := s.token != ""
	s.mu.Unlock()
	req.Status = s.answer(w, r, req, needToken, fault)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
}

// answer writes the response and returns its status.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, req Request, needToken bool, fault Fault) int {
	switch {
	case r.Method != http.MethodGet:
		return sendError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET is served")
	case r.URL.Path != s.opts.Path:
		return sendError(w, http.StatusNotFound, "NotFound", "no credentials at this path")
	case needToken && req.Authorization == "none":
		return sendError(w, http.StatusUnauthorized, "AccessDeniedException", "the Authorization header is missing")
	case needToken && req.Authorization != "valid":
		return sendError(w, http.StatusForbidden, "AccessDeniedException", "the authorization token is not valid")
	}
	switch fault {
	case ServerError:
		return sendError(w, http.StatusInternalServerError, "InternalError", "the agent failed to get credentials")
	case HTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>")
		return http.StatusBadGateway
	case Slow:
		select {
		case s.held <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return 0
	}
	c, err := s.opts.Credentials(r.Context())
	if err != nil {
		return sendError(w, http.StatusInternalServerError, "CredentialsUnavailable", "the agent has no credentials to serve")
	}
	doc := map[string]string{"AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey, "Token": c.SessionToken,
		"Expiration": c.Expires.UTC().Format(time.RFC3339)}
	if c.AccountID != "" {
		doc["AccountId"] = c.AccountID
	}
	switch fault {
	case MissingFields:
		delete(doc, "Token")
		delete(doc, "Expiration")
	case Expired:
		doc["Expiration"] = s.opts.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	}
	return send(w, http.StatusOK, doc)
}

func sendError(w http.ResponseWriter, status int, code, message string) int {
	return send(w, status, map[string]string{"code": code, "message": message})
}

func send(w http.ResponseWriter, status int, doc map[string]string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
	return status
}
