package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakes3"
)

// Test credentials. The secret parts are distinctive so tests can prove they are never printed.
var (
	testSession = credentials.Credentials{
		AccessKeyID:     "ASIATESTSESSION00001",
		SecretAccessKey: "SECRET-session-key-never-printed",
		SessionToken:    "TOKEN-session-token-never-printed",
		Expires:         time.Now().Add(time.Hour),
		Source:          "web-identity",
		RoleARN:         "arn:aws:sts::111122223333:assumed-role/s3-reader/pod-7",
	}
	secrets = []string{testSession.SecretAccessKey, testSession.SessionToken}
)

func fakeCredential(c credentials.Credentials) fakes3.Credential {
	return fakes3.Credential{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken, Expires: c.Expires, Identity: c.RoleARN}
}

// harness runs s3ls in-process against a fakes3 server.
type harness struct {
	t   *testing.T
	s3  *fakes3.Server
	env map[string]string
	// provider is what the resolver hands out, wrapped in a Cache.
	provider credentials.Provider
	// region is the session's region ("" keeps the environment's).
	invalidated []string
	mu          sync.Mutex
	app         *app
	// sess is the last session the resolver made.
	sess *session
	// cache is sess's Cache.
	cache *credentials.Cache
	// reported counts the refresh events the app's hook has handled.
	reported atomic.Int64
}

func newHarness(t *testing.T, opts fakes3.Options) *harness {
	t.Helper()
	if opts.Credentials == nil {
		opts.Credentials = fakes3.StaticCredentials(fakeCredential(testSession))
	}
	srv, err := fakes3.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	h := &harness{
		t:        t,
		s3:       srv,
		env:      map[string]string{"AWS_ENDPOINT_URL_S3": srv.URL(), "AWS_REGION": srv.Region()},
		provider: credentials.Static{Value: testSession},
	}
	h.app = &app{
		getenv:  func(k string) string { return h.env[k] },
		loc:     time.UTC,
		s3HTTP:  &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		resolve: h.resolve,
	}
	t.Cleanup(h.app.s3HTTP.CloseIdleConnections)
	return h
}

func (h *harness) resolve(ctx context.Context, o sessionOptions) (*session, error) {
	if hook := o.OnRefresh; hook != nil {
		o.OnRefresh = func(ev credentials.RefreshEvent) { hook(ev); h.reported.Add(1) }
	}
	s, err := cachedSession(h.provider, o)
	if err != nil {
		return nil, err
	}
	h.sess, h.cache = s, s.Credentials.(*credentials.Cache)
	inner := s.Invalidate
	s.Invalidate = func(id string) {
		h.mu.Lock()
		h.invalidated = append(h.invalidated, id)
		h.mu.Unlock()
		inner(id)
	}
	s.Region = o.Region
	if s.Region == "" {
		s.Region = o.Getenv("AWS_REGION")
	}
	s.Explanation = "credentials: test provider"
	s.STSEndpoint = "https://sts.test.example"
	return s, nil
}

func (h *harness) bucket(name string, objs ...fakes3.Object) {
	h.t.Helper()
	if err := h.s3.AddBucket(fakes3.Bucket{Name: name}); err != nil {
		h.t.Fatal(err)
	}
	if err := h.s3.PutObjects(name, objs...); err != nil {
		h.t.Fatal(err)
	}
}

// run runs s3ls with args and returns its exit status, stdout and stderr. It fails the test if
// either output contains a secret.
func (h *harness) run(args ...string) (code int, stdout, stderr string) {
	h.t.Helper()
	return h.runContext(context.Background(), args...)
}

func (h *harness) runContext(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	h.t.Helper()
	var out, errOut bytes.Buffer
	h.app.stdout, h.app.stderr = &out, &errOut
	code = h.app.run(ctx, args)
	for _, s := range secrets {
		if strings.Contains(out.String(), s) || strings.Contains(errOut.String(), s) {
			h.t.Errorf("s3ls %v printed the secret %q:\nstdout:\n%s\nstderr:\n%s", args, s, out.String(), errOut.String())
		}
	}
	return code, out.String(), errOut.String()
}

// cachedSession wraps p in a credentials.Cache with the options' hook and clock.
func cachedSession(p credentials.Provider, opts sessionOptions) (*session, error) {
	cache, err := credentials.NewCache(credentials.CacheOptions{Provider: p, OnRefresh: opts.OnRefresh, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	return &session{Credentials: cache, Invalidate: cache.Invalidate, Close: cache.Close}, nil
}
