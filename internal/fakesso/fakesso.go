// Package fakesso is a fake IAM Identity Center portal for tests, on 127.0.0.1: it answers
// GetRoleCredentials (GET /federation/credentials?account_id=…&role_name=… with the access token
// in the x-amz-sso_bearer_token header) as the real portal does, and checks what the real one
// checks: a known, unexpired access token (else 401 UnauthorizedException), both parameters
// (else 400 InvalidRequestException), and that the token's user may use the role (else 403
// ForbiddenException). FailNext injects the failures real portals and proxies produce: 500s,
// 429s, an HTML page, an answer without fields. Calls are recorded without the token.
//
// The same server is IAM Identity Center's OIDC service for the refresh of an access token:
// CreateToken (POST /token, a JSON body with grantType "refresh_token", clientId, clientSecret
// and refreshToken) checks the client registration (else 401 invalid_client) and the refresh
// token (else 400 invalid_grant, as for a revoked one), and issues a new access token, valid for
// Options.TokenLifetime with the grants of the session, and a new refresh token. FailNext's
// faults apply to whichever request comes next. TokenCalls records these calls, without secrets.
package fakesso

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is ready to use.
type Options struct {
	// Now is the server's clock, for token expiry and the credentials' expiration. Optional;
	// default time.Now.
	Now func() time.Time
	// TokenLifetime is the expiresIn of the access tokens CreateToken issues. Optional; default
	// one hour.
	TokenLifetime time.Duration
}

// RoleCredentials are the credentials GetRoleCredentials returns for one role.
type RoleCredentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// Expiration is when they expire; zero: one hour after the call.
	Expiration time.Time
}

// Fault is a failure the next call answers with instead of checking anything.
type Fault int

// The faults FailNext injects.
const (
	// ServerError is HTTP 500 with a JSON error document.
	ServerError Fault = iota + 1
	// Throttled is HTTP 429 TooManyRequestsException.
	Throttled
	// HTML is HTTP 502 with an HTML page, as a proxy answers.
	HTML
	// MissingFields is HTTP 200 with roleCredentials that lack secretAccessKey and expiration.
	MissingFields
	// NotJSON is HTTP 200 with an HTML page.
	NotJSON
)

// Call is one request the server received. It never holds the token.
type Call struct {
	AccountID, RoleName string
	// TokenOK reports whether the request carried a known, unexpired access token.
	TokenOK bool
	// Status is the HTTP status answered.
	Status int
}

// TokenCall is one CreateToken request the server received. It never holds a secret.
type TokenCall struct {
	// Host is the request's Host header: the OIDC host the client chose.
	Host      string
	GrantType string
	// ClientOK and RefreshTokenOK report whether the client registration and the refresh token
	// were known (and not revoked).
	ClientOK, RefreshTokenOK bool
	// Status is the HTTP status answered.
	Status int
}

// Issued is an access token and the refresh token CreateToken issued with it.
type Issued struct{ AccessToken, RefreshToken string }

type grant struct{ account, role string }

type token struct {
	expires time.Time
	grants  map[grant]*RoleCredentials // nil value: fresh random credentials on each call
}

// refresh is what a refresh token refreshes: the session (its grants) of a client.
type refresh struct {
	clientID string
	grants   map[grant]*RoleCredentials
}

// Server is a running fake portal. Its methods are safe for concurrent use.
type Server struct {
	srv      *httptest.Server
	now      func() time.Time
	lifetime time.Duration

	mu         sync.Mutex
	tokens     map[string]*token
	clients    map[string]string // client ID → secret
	refreshes  map[string]*refresh
	faults     []Fault
	calls      []Call
	tokenCalls []TokenCall
	issued     []Issued
}

// New starts a server on 127.0.0.1. Call Close when done.
func New(opts Options) *Server {
	s := &Server{now: opts.Now, lifetime: opts.TokenLifetime, tokens: map[string]*token{}, clients: map[string]string{}, refreshes: map[string]*refresh{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.lifetime <= 0 {
		s.lifetime = time.Hour
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the portal's base URL, such as http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// AddToken makes accessToken valid until expires.
func (s *Server) AddToken(accessToken string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tokens[accessToken]; t != nil {
		t.expires = expires
		return
	}
	s.tokens[accessToken] = &token{expires: expires, grants: map[grant]*RoleCredentials{}}
}

// Grant lets the user of accessToken (added with AddToken) use role roleName in accountID. The
// role's calls return creds, or fresh random credentials when creds is nil.
func (s *Server) Grant(accessToken, accountID, roleName string, creds *RoleCredentials) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[accessToken]
	if t == nil {
		return fmt.Errorf("fakesso: Grant for a token that was not added")
	}
	t.grants[grant{accountID, roleName}] = creds
	return nil
}

// AddRefreshToken registers the client clientID (with clientSecret, as "aws sso login" does) and
// makes refreshToken refresh the session of accessToken (added with AddToken): the access tokens
// it issues may use the same roles.
func (s *Server) AddRefreshToken(refreshToken, clientID, clientSecret, accessToken string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[accessToken]
	if t == nil {
		return fmt.Errorf("fakesso: AddRefreshToken for a token that was not added")
	}
	s.clients[clientID] = clientSecret
	s.refreshes[refreshToken] = &refresh{clientID: clientID, grants: t.grants}
	return nil
}

// RevokeRefreshToken makes CreateToken refuse refreshToken with invalid_grant. A refresh token
// CreateToken replaced with a new one stays valid until revoked.
func (s *Server) RevokeRefreshToken(refreshToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refreshes, refreshToken)
}

// TokenCalls returns the CreateToken calls received so far.
func (s *Server) TokenCalls() []TokenCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TokenCall(nil), s.tokenCalls...)
}

// Issued returns the tokens CreateToken issued so far, in order.
func (s *Server) Issued() []Issued {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Issued(nil), s.issued...)
}

// FailNext makes the next len(faults) calls answer with these faults, in order.
func (s *Server) FailNext(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// Calls returns the calls received so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// ResetCalls forgets the calls received so far.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" {
		s.serveCreateToken(w, r)
		return
	}
	q := r.URL.Query()
	call := Call{AccountID: q.Get("account_id"), RoleName: q.Get("role_name")}
	status, body := s.answer(w.Header(), r, &call)
	call.Status = status
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// answer decides the answer and sets its headers in h.
func (s *Server) answer(h http.Header, r *http.Request, call *Call) (int, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := s.tokens[r.Header.Get("x-amz-sso_bearer_token")]
	call.TokenOK = tok != nil && s.now().Before(tok.expires)
	if len(s.faults) > 0 {
		return s.fault(h, false)
	}
	switch {
	case r.Method != http.MethodGet || r.URL.Path != "/federation/credentials":
		return apiError(h, http.StatusNotFound, "ResourceNotFoundException", "no such operation")
	case !call.TokenOK:
		return apiError(h, http.StatusUnauthorized, "UnauthorizedException", "Session token not found or invalid")
	case call.AccountID == "" || call.RoleName == "":
		return apiError(h, http.StatusBadRequest, "InvalidRequestException", "account_id and role_name are required")
	}
	creds, ok := tok.grants[grant{call.AccountID, call.RoleName}]
	if !ok {
		return apiError(h, http.StatusForbidden, "ForbiddenException", "No access")
	}
	c := RoleCredentials{AccessKeyID: "ASIA" + strings.ToUpper(randomHex(8)), SecretAccessKey: randomHex(20), SessionToken: randomHex(64)}
	if creds != nil {
		c = *creds
	}
	if c.Expiration.IsZero() {
		c.Expiration = s.now().Add(time.Hour)
	}
	return ok200(h, map[string]any{"roleCredentials": map[string]any{
		"accessKeyId": c.AccessKeyID, "secretAccessKey": c.SecretAccessKey, "sessionToken": c.SessionToken,
		"expiration": c.Expiration.UnixMilli()}})
}

func ok200(h http.Header, doc any) (int, []byte) {
	b, _ := json.Marshal(doc)
	h.Set("Content-Type", "application/json")
	return http.StatusOK, b
}

// apiError is the portal's error form: the code in x-amzn-ErrorType, the message in the body.
func apiError(h http.Header, status int, code, message string) (int, []byte) {
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-ErrorType", code+":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/")
	b, _ := json.Marshal(map[string]string{"message": message})
	return status, b
}

// fault answers with the first fault FailNext queued, in the form of GetRoleCredentials or of
// CreateToken (oidc).
func (s *Server) fault(h http.Header, oidc bool) (int, []byte) {
	f := s.faults[0]
	s.faults = s.faults[1:]
	switch {
	case oidc && f == ServerError:
		return oidcError(h, http.StatusInternalServerError, "InternalServerException", "server_error", "Internal error")
	case oidc && f == MissingFields:
		return ok200(h, map[string]any{"tokenType": "Bearer", "refreshToken": "aorMissingFields"})
	}
	switch f {
	case ServerError:
		return apiError(h, http.StatusInternalServerError, "InternalServerException", "Internal error")
	case Throttled:
		return apiError(h, http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded")
	case HTML:
		h.Set("Content-Type", "text/html")
		return http.StatusBadGateway, []byte("<html><body><h1>502 Bad Gateway</h1></body></html>")
	case MissingFields:
		return ok200(h, map[string]any{"roleCredentials": map[string]any{"accessKeyId": "ASIAMISSINGFIELDS001", "sessionToken": "x"}})
	case NotJSON:
		h.Set("Content-Type", "text/html")
		return http.StatusOK, []byte("<html>sign in</html>")
	}
	return apiError(h, http.StatusInternalServerError, "InternalServerException", fmt.Sprintf("unknown fault %d at %s", f, s.now().Format(time.RFC3339)))
}

// serveCreateToken is the OIDC service's CreateToken for the refresh_token grant.
func (s *Server) serveCreateToken(w http.ResponseWriter, r *http.Request) {
	var in struct{ GrantType, ClientID, ClientSecret, RefreshToken string }
	decodeErr := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in)
	call := TokenCall{Host: r.Host, GrantType: in.GrantType}
	status, body := s.createToken(w.Header(), r, in.ClientID, in.ClientSecret, in.RefreshToken, in.GrantType, decodeErr, &call)
	call.Status = status
	s.mu.Lock()
	s.tokenCalls = append(s.tokenCalls, call)
	s.mu.Unlock()
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) createToken(h http.Header, r *http.Request, clientID, clientSecret, refreshToken, grantType string, decodeErr error, call *TokenCall) (int, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, known := s.clients[clientID]
	call.ClientOK = known && secret == clientSecret
	ref := s.refreshes[refreshToken]
	call.RefreshTokenOK = ref != nil && ref.clientID == clientID
	if len(s.faults) > 0 {
		return s.fault(h, true)
	}
	switch {
	case r.Method != http.MethodPost:
		return oidcError(h, http.StatusNotFound, "ResourceNotFoundException", "invalid_request", "no such operation")
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || decodeErr != nil:
		return oidcError(h, http.StatusBadRequest, "InvalidRequestException", "invalid_request", "the body is not a JSON document")
	case grantType != "refresh_token":
		return oidcError(h, http.StatusBadRequest, "UnsupportedGrantTypeException", "unsupported_grant_type", "Unsupported grant type")
	case !call.ClientOK:
		return oidcError(h, http.StatusUnauthorized, "InvalidClientException", "invalid_client", "Invalid client")
	case !call.RefreshTokenOK:
		return oidcError(h, http.StatusBadRequest, "InvalidGrantException", "invalid_grant", "Invalid refresh token provided")
	}
	issued := Issued{AccessToken: "aoa" + randomHex(32), RefreshToken: "aor" + randomHex(32)}
	s.issued = append(s.issued, issued)
	s.tokens[issued.AccessToken] = &token{expires: s.now().Add(s.lifetime), grants: ref.grants}
	s.refreshes[issued.RefreshToken] = ref
	return ok200(h, map[string]any{"accessToken": issued.AccessToken, "tokenType": "Bearer",
		"expiresIn": int64(s.lifetime / time.Second), "refreshToken": issued.RefreshToken})
}

// oidcError is the OIDC service's error form: the exception in x-amzn-ErrorType, OAuth's error
// document in the body.
func oidcError(h http.Header, status int, exception, code, description string) (int, []byte) {
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-ErrorType", exception)
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": description})
	return status, b
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
