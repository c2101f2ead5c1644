package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// issuer hands out 15-minute session credentials, a new access key each time, and tells the
// fake S3 about them.
type issuer struct {
	clock  *fakeClock
	mu     sync.Mutex
	issued map[string]fakes3.Credential
}

func (i *issuer) Retrieve(context.Context) (credentials.Credentials, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	n := len(i.issued) + 1
	c := credentials.Credentials{
		AccessKeyID:     fmt.Sprintf("ASIAWATCH%011d", n),
		SecretAccessKey: fmt.Sprintf("SECRET-watch-%d-never-printed", n),
		SessionToken:    fmt.Sprintf("TOKEN-watch-%d-never-printed", n),
		Expires:         i.clock.Now().Add(15 * time.Minute),
		Source:          "web-identity",
		RoleARN:         "arn:aws:sts::111122223333:assumed-role/watcher/pod",
	}
	i.issued[c.AccessKeyID] = fakeCredential(c)
	return c, nil
}

// count is how many credentials the issuer has issued.
func (i *issuer) count() int64 {
	i.mu.Lock()
	defer i.mu.Unlock()
	return int64(len(i.issued))
}

func (i *issuer) lookup(id string) (fakes3.Credential, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	c, ok := i.issued[id]
	return c, ok
}

// TestWatchRefreshesCredentialsAheadOfExpiry lists every 4 minutes of a fake clock with
// 15-minute credentials. The Cache refreshes them in the background in the last 5 minutes
// (between 10 and 12 minutes after issue, with jitter), so the listing at minute 12 still uses
// the first key while the refresh runs, and the one at minute 16 uses the second.
func TestWatchRefreshesCredentialsAheadOfExpiry(t *testing.T) {
	leakcheck.Check(t)
	clock := &fakeClock{now: time.Date(2026, 5, 6, 7, 0, 0, 0, time.UTC)}
	iss := &issuer{clock: clock, issued: map[string]fakes3.Credential{}}
	h := newHarness(t, fakes3.Options{Credentials: iss.lookup, Now: clock.Now})
	h.provider = iss
	h.app.now = clock.Now
	h.bucket("watched", fakes3.Object{Key: "k", LastModified: modified})
	for i := 1; i <= 10; i++ {
		secrets = append(secrets, fmt.Sprintf("SECRET-watch-%d-never-printed", i), fmt.Sprintf("TOKEN-watch-%d-never-printed", i))
	}
	h.app.after = func(d time.Duration) <-chan time.Time {
		// Let a background refresh finish, and its event be logged, before time moves on, so
		// the test does not depend on goroutine scheduling.
		for deadline := time.Now().Add(5 * time.Second); (h.cache.Status().Refreshing || h.reported.Load() < iss.count()) && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		clock.Advance(d)
		ch := make(chan time.Time, 1)
		ch <- clock.Now()
		return ch
	}

	code, out, errOut := h.run("--watch", "4m", "--watch-count", "5", "s3://watched")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if want := strings.Repeat("2026-02-03 04:05:06          0 k\n", 5); out != want {
		t.Errorf("stdout:\n%s\nwant five listings", out)
	}
	var keys []string
	for _, r := range h.s3.Requests() {
		if r.Status != 200 {
			t.Errorf("request failed: %+v", r)
		}
		keys = append(keys, r.AccessKeyID)
	}
	if want := "ASIAWATCH00000000001 ASIAWATCH00000000001 ASIAWATCH00000000001 ASIAWATCH00000000001 ASIAWATCH00000000002"; strings.Join(keys, " ") != want {
		t.Errorf("listings were signed with\n%s\nwant\n%s", strings.Join(keys, " "), want)
	}
	for _, want := range []string{
		"s3ls: 07:00:00 listing 1 of 5\n",
		"s3ls: 07:00:00 credentials fetched (0s): ASIAWATCH00000000001 arn:aws:sts::111122223333:assumed-role/watcher/pod from web-identity, expires in 15m0s, next refresh in 1",
		"s3ls: 07:12:00 listing 4 of 5\n",
		"s3ls: 07:12:00 credentials refreshed ahead of expiry, in the background (0s): ASIAWATCH00000000002 arn:aws:sts::111122223333:assumed-role/watcher/pod from web-identity, expires in 15m0s",
		"s3ls: 07:16:00 listing 5 of 5\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if n := strings.Count(errOut, "credentials "); n != 2 {
		t.Errorf("%d credential events, want 2:\n%s", n, errOut)
	}
}

func TestWatchStopsWhenInterruptedAndKeepsGoingAfterAFailure(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	h.bucket("w", fakes3.Object{Key: "k", LastModified: modified})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waits := 0
	h.app.after = func(time.Duration) <-chan time.Time {
		waits++
		if waits == 3 {
			cancel() // SIGINT arrives while waiting for the fourth listing
			return nil
		}
		ch := make(chan time.Time, 1)
		ch <- time.Now()
		return ch
	}
	h.s3.SetFault(func(r fakes3.Request) *fakes3.Fault {
		if len(h.s3.Requests()) == 1 { // the second listing fails
			return &fakes3.Fault{Status: 403, Code: "AccessDenied", Message: "Access Denied"}
		}
		return nil
	})
	code, out, errOut := h.runContext(ctx, "--watch", "1s", "s3://w")
	if code != 0 {
		t.Errorf("exit %d, want 0 (the last listing succeeded)", code)
	}
	if strings.Count(out, " k\n") != 2 || !strings.Contains(errOut, "AccessDenied") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "listing 3 (until interrupted)") || strings.Contains(errOut, "listing 4") || !strings.HasSuffix(errOut, "interrupted; stopping\n") {
		t.Errorf("stderr:\n%s", errOut)
	}
}
