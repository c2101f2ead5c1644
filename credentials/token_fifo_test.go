//go:build linux || darwin

package credentials

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// A named pipe with no writer at the token path used to hang Retrieve, the Cache's refresh,
// Close and s3ls: opening it blocks until a writer comes.
func TestWebIdentityNamedPipeAtTheTokenPathIsRefusedPromptly(t *testing.T) {
	leakcheck.Check(t)
	f := newWebFixture(t)
	fifo := filepath.Join(t.TempDir(), "token")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	w := f.provider(t, func(o *WebIdentityOptions) { o.TokenFile = fifo })
	cache, err := NewCache(CacheOptions{Provider: w})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for name, p := range map[string]Provider{"WebIdentity": w, "Cache": cache} {
		err := within(t, name+".Retrieve", func() error { _, err := p.Retrieve(ctx); return err })
		want := `web identity token file "` + fifo + `" is a named pipe (FIFO), not a regular file: point the token file setting`
		if err == nil || !strings.Contains(err.Error(), want) || !IsNonRecoverable(err) || ctx.Err() != nil {
			t.Fatalf("%s: error %v; want a non-recoverable one containing %q, before the context ended", name, err, want)
		}
	}
	if cache.Status().Refreshing {
		t.Error("Status().Refreshing is true after the refresh failed")
	}
	within(t, "Cache.Close", cache.Close)
	if f.sts.webCount() != 0 {
		t.Error("a request was made without a token")
	}
}

// within fails the test unless f returns within a generous bound: the bound catches a hang; it
// does not measure speed.
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s has not returned after 10 s", what)
		return nil
	}
}
