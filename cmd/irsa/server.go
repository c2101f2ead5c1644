package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/wait"
)

// The container credentials endpoint of `irsa serve` and `irsa exec --server`: the protocol of
// ECS and EKS Pod Identity, which every AWS SDK and the AWS CLI speak when
// AWS_CONTAINER_CREDENTIALS_FULL_URI is set. The client sends GET with the token of
// AWS_CONTAINER_AUTHORIZATION_TOKEN (or the content of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
// as the whole Authorization header, and reads a JSON object with AccessKeyId, SecretAccessKey,
// Token, Expiration (RFC 3339) and AccountId; an error is a JSON {"code", "message"} that
// aws-sdk-go-v2 decodes when Content-Type is exactly application/json.
const (
	credentialsPath = "/v1/credentials" // EKS Pod Identity's path
	healthPath      = "/healthz"

	// retrieveTimeout bounds how long a request waits for a refresh (only when the cached
	// credentials are in their last minute or gone: otherwise it never waits).
	retrieveTimeout = 20 * time.Second
	// staticLifetime is the Expiration given with credentials that never expire (static keys):
	// botocore requires an Expiration, and clients then come back within the hour.
	staticLifetime = time.Hour
	// maxErrorText bounds the message of an error answer.
	maxErrorText = 4000
)

// credentialSource is what the endpoint serves from: a *credentials.Cache.
type credentialSource interface {
	Retrieve(ctx context.Context) (credentials.Credentials, error)
	Status() credentials.CacheStatus
}

// endpoint answers the container credentials protocol from a Cache, to clients that hold its
// authorization token. It logs refused requests, never the token or anything sent as one.
type endpoint struct {
	source    credentialSource
	tokenHash [sha256.Size]byte // compared in constant time, whatever the length sent
	log       *slog.Logger
	now       func() time.Time
}

func newEndpoint(source credentialSource, token string, log *slog.Logger) *endpoint {
	return &endpoint{source: source, tokenHash: sha256.Sum256([]byte(token)), log: log, now: time.Now}
}

// containerCredentials is the document the SDKs read (aws-sdk-go-v2 endpointcreds'
// GetCredentialsOutput, botocore's ContainerProvider). Token is always present: botocore reads
// it without a default.
type containerCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
	AccountID       string `json:"AccountId,omitempty"`
}

// errorDocument is the protocol's error answer.
type errorDocument struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// healthDocument is the health endpoint's answer. It holds no secret and no access key ID.
type healthDocument struct {
	Status      string `json:"status"` // "ok" or "unavailable"
	State       string `json:"state"`  // the Cache's state
	Expiration  string `json:"expiration,omitempty"`
	NextRefresh string `json:"nextRefresh,omitempty"`
	Refreshing  bool   `json:"refreshing,omitempty"`
	LastError   string `json:"lastError,omitempty"`
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case credentialsPath:
		e.serveCredentials(w, r)
	case healthPath:
		e.serveHealth(w, r)
	default:
		answer(w, http.StatusNotFound, errorDocument{"NotFound",
			fmt.Sprintf("nothing at %q: credentials are at %s, health at %s", redact.Clip(r.URL.Path, 100), credentialsPath, healthPath)})
	}
}

func (e *endpoint) serveCredentials(w http.ResponseWriter, r *http.Request) {
	if !allowGet(w, r) {
		return
	}
	if code, doc := e.authorize(r); code != http.StatusOK {
		e.log.Warn("refused a credentials request", "remote", r.RemoteAddr, "status", code, "reason", doc.Message)
		answer(w, code, doc)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), retrieveTimeout)
	defer cancel()
	creds, err := e.source.Retrieve(ctx)
	if err != nil {
		answer(w, http.StatusServiceUnavailable, errorDocument{"CredentialsUnavailable", redact.Clip(err.Error(), maxErrorText)})
		return
	}
	now := e.now()
	if creds.Expired(now) { // served by the Cache during a backoff; a client can only fail with them
		msg := fmt.Sprintf("the credentials expired at %s and could not be refreshed", creds.Expires.UTC().Format(time.RFC3339))
		if st := e.source.Status(); st.LastError != nil {
			msg += ": " + st.LastError.Error()
		}
		answer(w, http.StatusServiceUnavailable, errorDocument{"CredentialsExpired", redact.Clip(msg, maxErrorText)})
		return
	}
	exp := creds.Expires
	if !creds.CanExpire() {
		exp = now.Add(staticLifetime)
	}
	answer(w, http.StatusOK, containerCredentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
		Token: creds.SessionToken, Expiration: exp.UTC().Format(time.RFC3339), AccountID: cmp.Or(creds.AccountID, accountOf(creds.RoleARN))})
}

// authorize checks the Authorization header: exactly one, equal to the token.
func (e *endpoint) authorize(r *http.Request) (int, errorDocument) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 || len(values) == 1 && values[0] == "" {
		return http.StatusUnauthorized, errorDocument{"Unauthorized",
			"no Authorization header: send the authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"}
	}
	if len(values) > 1 {
		return http.StatusForbidden, errorDocument{"AccessDenied", fmt.Sprintf("%d Authorization headers: send one, holding the authorization token", len(values))}
	}
	got := sha256.Sum256([]byte(values[0]))
	if subtle.ConstantTimeCompare(got[:], e.tokenHash[:]) != 1 {
		return http.StatusForbidden, errorDocument{"AccessDenied", "the Authorization header does not hold this endpoint's authorization token"}
	}
	return http.StatusOK, errorDocument{}
}

func (e *endpoint) serveHealth(w http.ResponseWriter, r *http.Request) {
	if !allowGet(w, r) {
		return
	}
	st := e.source.Status()
	now := e.now()
	valid := (st.State == "fresh" || st.State == "refreshing" || st.State == "stale") && (st.Expires.IsZero() || now.Before(st.Expires))
	doc := healthDocument{Status: "ok", State: st.State, Refreshing: st.Refreshing, Expiration: rfc3339(st.Expires), NextRefresh: rfc3339(st.NextRefresh)}
	if st.LastError != nil {
		doc.LastError = redact.Clip(st.LastError.Error(), maxErrorText)
	}
	code := http.StatusOK
	if !valid {
		doc.Status, code = "unavailable", http.StatusServiceUnavailable
	}
	answer(w, code, doc)
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// allowGet answers 405 to anything but GET and reports whether the request may go on.
func allowGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet {
		return true
	}
	w.Header().Set("Allow", http.MethodGet)
	answer(w, http.StatusMethodNotAllowed, errorDocument{"MethodNotAllowed", fmt.Sprintf("method %q is not allowed: use GET", redact.Clip(r.Method, 20))})
	return false
}

// answer answers with doc. Content-Type is exactly application/json: aws-sdk-go-v2 decodes an
// error's code and message only then.
func answer(w http.ResponseWriter, code int, doc any) {
	b, err := json.Marshal(doc)
	if err != nil { // not with these documents
		code, b = http.StatusInternalServerError, []byte(`{"code":"InternalError","message":"cannot encode the answer"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// newToken returns a fresh authorization token: 32 random bytes in base64url, 43 characters that
// are valid in a header and a file without quoting.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("irsa: crypto/rand failed: " + err.Error()) // documented never to fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// logRefreshes returns a CacheOptions.OnRefresh hook that logs one line per refresh: the access
// key ID as redact shows it, the expiry, the next refresh, and the error if any. Successes are
// logged at Info, failures at Warn.
func logRefreshes(log *slog.Logger) func(credentials.RefreshEvent) {
	return func(ev credentials.RefreshEvent) {
		attrs := []any{"duration", ev.Duration.Round(time.Millisecond), "background", ev.Background}
		if ev.AccessKeyID != "" {
			attrs = append(attrs, "access_key_id", redact.AccessKeyID(ev.AccessKeyID, "AccessKeyId", "SecretAccessKey"), "source", ev.Source)
		}
		if ev.RoleARN != "" {
			attrs = append(attrs, "role_arn", ev.RoleARN)
		}
		if !ev.Expires.IsZero() {
			attrs = append(attrs, "expires", rfc3339(ev.Expires))
		}
		if !ev.NextRefresh.IsZero() {
			attrs = append(attrs, "next_refresh", rfc3339(ev.NextRefresh))
		}
		switch {
		case ev.ServingExpired:
			attrs = append(attrs, "backoff_until", rfc3339(ev.BackoffUntil), "error", errText(ev.Err))
			log.Warn("serving expired credentials: the refresh failed and the source is left alone until the backoff ends", attrs...)
		case ev.Err != nil:
			attrs = append(attrs, "non_recoverable", ev.NonRecoverable, "error", errText(ev.Err))
			if !ev.BackoffUntil.IsZero() {
				attrs = append(attrs, "backoff_until", rfc3339(ev.BackoffUntil))
			}
			log.Warn("credentials refresh failed", attrs...)
		default:
			log.Info("credentials refreshed", attrs...)
		}
	}
}

// Timing of keepFresh.
const (
	keeperPoll       = time.Second      // while a refresh runs
	keeperRetryEmpty = 30 * time.Second // nothing cached after a failure: try again this often
	keeperAfterError = 30 * time.Second // at least this long after a failed refresh
	keeperStatic     = time.Hour        // credentials that never expire: look again now and then
)

// nextWake is how long keepFresh sleeps before it asks the Cache again, given its status at now.
func nextWake(st credentials.CacheStatus, now time.Time) time.Duration {
	var d time.Duration
	switch {
	case st.Refreshing:
		return keeperPoll
	case !st.NextRefresh.IsZero():
		d = st.NextRefresh.Sub(now)
	case st.State == "empty":
		return keeperRetryEmpty
	default: // cached and never refreshed on its own: credentials that do not expire
		return keeperStatic
	}
	if st.LastError != nil {
		d = max(d, keeperAfterError)
	}
	return max(d, keeperPoll)
}

// keepFresh asks source for credentials at each refresh point until ctx ends, so that the
// background refresh starts on time even when no client asks during the advisory window, and
// clients never wait for STS. sleep is wait.Sleep; tests replace it.
func keepFresh(ctx context.Context, source credentialSource, now func() time.Time, sleep func(context.Context, time.Duration) error) {
	for {
		if sleep(ctx, nextWake(source.Status(), now())) != nil {
			return
		}
		rctx, cancel := context.WithTimeout(ctx, retrieveTimeout)
		_, _ = source.Retrieve(rctx) // the refresh hook logs the outcome
		cancel()
	}
}

// server is a running endpoint: an http.Server on a listener and the goroutine that keeps the
// credentials fresh.
type server struct {
	http *http.Server
	url  string // the credentials URL, for AWS_CONTAINER_CREDENTIALS_FULL_URI
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
	err  error // from Serve, once it has returned
}

// startServer serves e on ln until stop: the listener is ln's, already bound, so that its
// address (port 0) is known to the caller.
func startServer(ln net.Listener, e *endpoint) *server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{
		http: &http.Server{
			Handler:           e,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      retrieveTimeout + 10*time.Second,
			IdleTimeout:       time.Minute,
			MaxHeaderBytes:    16 << 10,
			ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
			BaseContext:       func(net.Listener) context.Context { return ctx },
		},
		url:  "http://" + ln.Addr().String() + credentialsPath,
		ctx:  ctx,
		stop: cancel,
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.err = err
			cancel()
		}
	}()
	go func() {
		defer s.wg.Done()
		keepFresh(ctx, e.source, e.now, wait.Sleep)
	}()
	return s
}

// done is closed when Serve has failed, or shutdown has begun.
func (s *server) done() <-chan struct{} { return s.ctx.Done() }

// shutdown stops accepting, lets requests in progress finish (at most 5 s), stops the keeper and
// waits for every goroutine it started. It returns Serve's error, if Serve failed.
func (s *server) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		_ = s.http.Close()
	}
	s.stop()
	s.wg.Wait()
	return s.err
}
