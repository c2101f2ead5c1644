package credentials

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

var errOutage = errors.New("sts: service unavailable")

var errDenied = MarkNonRecoverable(errors.New("sts: AccessDenied: not authorized to perform sts:AssumeRoleWithWebIdentity"))

// TestCacheRules walks every rule of the Cache with an injected clock, one case per sentence.
func TestCacheRules(t *testing.T) {
	cases := []struct {
		name string
		opts CacheOptions
		run  func(t *testing.T, h *harness)
	}{
		{"credentials lasting 20 minutes or less get a 5 minute advisory window", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			for _, life := range []time.Duration{15 * time.Minute, 20 * time.Minute} {
				c := h.creds(life)
				assertWindows(t, h, c, 5*time.Minute)
			}
		}},
		{"credentials lasting more than 20 and less than 90 minutes get a 15 minute advisory window", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			for _, life := range []time.Duration{20*time.Minute + time.Second, time.Hour, 89 * time.Minute} {
				assertWindows(t, h, h.creds(life), 15*time.Minute)
			}
		}},
		{"credentials lasting 90 minutes or more get a 60 minute advisory window", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			for _, life := range []time.Duration{90 * time.Minute, 12 * time.Hour} {
				assertWindows(t, h, h.creds(life), 60*time.Minute)
			}
		}},
		{"an advisory window as long as the lifetime is cut to half the lifetime", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			assertWindows(t, h, h.creds(4*time.Minute), 2*time.Minute)
		}},
		{"the advisory window is recomputed for every new credential", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			first := h.prime(2 * time.Hour)
			st := h.cache.Status()
			if want := first.Expires.Add(-60 * time.Minute); !st.NextRefresh.Equal(want) {
				t.Fatalf("2h credentials: next refresh %v, want %v", st.NextRefresh, want)
			}
			h.clock.Advance(61 * time.Minute) // inside the 60-minute window
			second := h.creds(15 * time.Minute)
			h.p.push(reply{creds: second})
			h.get()
			h.event()
			if st := h.cache.Status(); !st.NextRefresh.Equal(second.Expires.Add(-5 * time.Minute)) {
				t.Fatalf("15m credentials: next refresh %v, want 5 minutes before %v", st.NextRefresh, second.Expires)
			}
		}},
		{"an explicit RefreshAhead overrides the lifetime rule", CacheOptions{NoRefreshJitter: true, RefreshAhead: 7 * time.Minute}, func(t *testing.T, h *harness) {
			assertWindows(t, h, h.creds(time.Hour), 7*time.Minute)
		}},
		{"the refresh point is jittered over the first half of the advisory window", CacheOptions{}, func(t *testing.T, h *harness) {
			for _, r := range []struct{ rand, offset float64 }{{0, 0}, {0.5, 0.25}, {0.999999, 0.5}} {
				h.rand.Store(r.rand)
				c := h.creds(time.Hour) // 15-minute window, 1-minute mandatory: 14 minutes to spread over
				e := newEntry(c, h.clock.Now(), &h.cache.opts)
				want := c.Expires.Add(-15 * time.Minute).Add(time.Duration(r.offset * float64(14*time.Minute)))
				if got := unixTime(e.refreshAt); got.Sub(want).Abs() > time.Millisecond {
					t.Errorf("rand %.2f: refresh at %v, want %v", r.rand, got, want)
				}
			}
		}},
		{"by default the refresh point is jittered, so the fast path serves past the advisory window's start", CacheOptions{}, func(t *testing.T, h *harness) {
			h.rand.Store(0.9) // refresh point 45 + 0.9 × 0.5 × 14 = 51.3 minutes after arrival
			old := h.prime(time.Hour)
			if st := h.cache.Status(); !st.NextRefresh.Equal(old.Expires.Add(-15 * time.Minute).Add(378 * time.Second)) {
				t.Fatalf("next refresh %v before expiry, want 8m42s", old.Expires.Sub(st.NextRefresh))
			}
			h.clock.Advance(51 * time.Minute)
			if got := h.get(); got.AccessKeyID != old.AccessKeyID || h.calls() != 1 {
				t.Fatalf("got %s after %d calls, want the cached credentials without a call", got.AccessKeyID, h.calls())
			}
			h.clock.Advance(time.Minute)
			h.p.push(reply{creds: h.creds(time.Hour)})
			if got := h.get(); got.AccessKeyID != old.AccessKeyID {
				t.Fatalf("got %s, want the cached credentials while the refresh runs", got.AccessKeyID)
			}
			if ev := h.event(); !ev.Background || ev.Err != nil {
				t.Fatalf("event %+v, want a successful background refresh", ev)
			}
		}},
		{"with NoRefreshJitter the refresh starts exactly at the advisory window, as AWS's SDKs do", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			h.rand.Store(0.9) // ignored for the refresh point
			old := h.prime(time.Hour)
			if st := h.cache.Status(); !st.NextRefresh.Equal(old.Expires.Add(-15 * time.Minute)) {
				t.Fatalf("next refresh %v before expiry, want 15m", old.Expires.Sub(st.NextRefresh))
			}
			h.clock.Advance(45*time.Minute - time.Nanosecond)
			if got := h.get(); got.AccessKeyID != old.AccessKeyID || h.calls() != 1 {
				t.Fatalf("got %s after %d calls, want the cached credentials without a call", got.AccessKeyID, h.calls())
			}
			h.clock.Advance(time.Nanosecond)
			h.p.push(reply{creds: h.creds(time.Hour)})
			h.get()
			if ev := h.event(); !ev.Background || ev.Err != nil {
				t.Fatalf("event %+v, want a background refresh at the start of the advisory window", ev)
			}
		}},
		{"a 6-hour credential is refreshed between 60 and 30.5 minutes before expiry, or at 60 with NoRefreshJitter", CacheOptions{}, func(t *testing.T, h *harness) {
			for _, r := range []struct {
				noJitter bool
				rand     float64
				want     time.Duration
			}{{false, 0, 60 * time.Minute}, {false, 0.999999, 30*time.Minute + 30*time.Second}, {true, 0.999999, 60 * time.Minute}} {
				h.rand.Store(r.rand)
				o := h.cache.opts
				o.NoRefreshJitter = r.noJitter
				c := h.creds(6 * time.Hour)
				e := newEntry(c, h.clock.Now(), &o)
				if got := c.Expires.Sub(unixTime(e.refreshAt)); (got - r.want).Abs() > 10*time.Millisecond {
					t.Errorf("NoRefreshJitter %v, rand %v: refreshed %v before expiry, want %v", r.noJitter, r.rand, got, r.want)
				}
			}
		}},
		{"the mandatory window is the last minute", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			c := h.creds(time.Hour)
			e := newEntry(c, h.clock.Now(), &h.cache.opts)
			if got := unixTime(e.staleAt); !got.Equal(c.Expires.Add(-time.Minute)) {
				t.Fatalf("stale at %v, want one minute before %v", got, c.Expires)
			}
		}},
		{"the mandatory window shrinks to the advisory window when that is shorter", CacheOptions{NoRefreshJitter: true, RefreshAhead: 30 * time.Second}, func(t *testing.T, h *harness) {
			c := h.creds(time.Hour)
			e := newEntry(c, h.clock.Now(), &h.cache.opts)
			if got := unixTime(e.staleAt); !got.Equal(c.Expires.Add(-30 * time.Second)) {
				t.Fatalf("stale at %v, want 30s before %v", got, c.Expires)
			}
		}},
		{"fresh credentials are served without calling the provider", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			c := h.prime(time.Hour)
			h.clock.Advance(44 * time.Minute)
			for i := 0; i < 100; i++ {
				if got := h.get(); got.AccessKeyID != c.AccessKeyID {
					t.Fatalf("got %s", got.AccessKeyID)
				}
			}
			if h.calls() != 1 {
				t.Fatalf("provider called %d times, want 1", h.calls())
			}
		}},
		{"in the advisory window the caller gets the cached credentials at once and one background refresh starts", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(46 * time.Minute)
			gate := make(chan struct{})
			next := h.creds(time.Hour)
			h.p.push(reply{creds: next, gate: gate})
			for i := 0; i < 50; i++ { // the refresh is blocked: none of these may wait for it
				if got := h.get(); got.AccessKeyID != old.AccessKeyID {
					t.Fatalf("call %d: got %s, want the cached %s", i, got.AccessKeyID, old.AccessKeyID)
				}
			}
			if st := h.cache.Status(); st.State != "refreshing" || !st.Refreshing {
				t.Fatalf("status %v refreshing=%v, want refreshing", st.State, st.Refreshing)
			}
			close(gate)
			if ev := h.event(); !ev.Background || ev.Err != nil || ev.AccessKeyID != next.AccessKeyID {
				t.Fatalf("event %+v, want a successful background refresh", ev)
			}
			if got := h.get(); got.AccessKeyID != next.AccessKeyID {
				t.Fatalf("after the refresh got %s, want %s", got.AccessKeyID, next.AccessKeyID)
			}
			if h.calls() != 2 {
				t.Fatalf("provider called %d times, want 2", h.calls())
			}
		}},
		{"in the mandatory window callers wait for one shared refresh", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			h.prime(time.Hour)
			h.clock.Advance(59*time.Minute + 30*time.Second)
			next := h.creds(time.Hour)
			h.p.push(reply{creds: next})
			var wg sync.WaitGroup
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := h.cache.Retrieve(context.Background())
					if err != nil || c.AccessKeyID != next.AccessKeyID {
						t.Errorf("got %s, %v; want the new %s", c.AccessKeyID, err, next.AccessKeyID)
					}
				}()
			}
			wg.Wait()
			if h.calls() != 2 {
				t.Fatalf("provider called %d times, want 2", h.calls())
			}
		}},
		{"after expiry callers wait for the refresh", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			h.prime(time.Hour)
			h.clock.Advance(2 * time.Hour)
			next := h.creds(time.Hour)
			h.p.push(reply{creds: next})
			if got := h.get(); got.AccessKeyID != next.AccessKeyID {
				t.Fatalf("got %s, want %s", got.AccessKeyID, next.AccessKeyID)
			}
		}},
		{"a caller whose context ends gets its context error while the refresh goes on for the others", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			gate := make(chan struct{})
			c := h.creds(time.Hour)
			h.p.push(reply{creds: c, gate: gate})
			ctx, cancel := context.WithCancel(context.Background())
			impatient := make(chan error, 1)
			go func() { _, err := h.cache.Retrieve(ctx); impatient <- err }()
			patient := make(chan Credentials, 1)
			go func() { got, _ := h.cache.Retrieve(context.Background()); patient <- got }()
			cancel()
			if err := <-impatient; !errors.Is(err, context.Canceled) {
				t.Fatalf("impatient caller: %v, want context.Canceled", err)
			}
			close(gate)
			if got := <-patient; got.AccessKeyID != c.AccessKeyID {
				t.Fatalf("patient caller got %q, want %s", got.AccessKeyID, c.AccessKeyID)
			}
			if h.calls() != 1 {
				t.Fatalf("provider called %d times, want 1", h.calls())
			}
		}},
		{"a hanging provider is bounded by the caller's context", CacheOptions{}, func(t *testing.T, h *harness) {
			h.p.push(reply{gate: make(chan struct{})}) // never opened
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if _, err := h.cache.Retrieve(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want context.DeadlineExceeded", err)
			}
		}},
		{"a failed refresh starts a backoff of 300 to 600 seconds in which the provider is not called", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.rand.Store(0.5) // backoff 450 s
			h.clock.Advance(46 * time.Minute)
			h.p.push(reply{err: errOutage})
			h.get()
			ev := h.event()
			if !errors.Is(ev.Err, errOutage) || ev.NonRecoverable {
				t.Fatalf("event %+v, want the outage error", ev)
			}
			if want := h.clock.Now().Add(450 * time.Second); !ev.BackoffUntil.Equal(want) {
				t.Fatalf("backoff until %v, want %v", ev.BackoffUntil, want)
			}
			for i := 0; i < 44; i++ { // 440 s of calls, 10 s apart: none reaches the provider
				if got := h.get(); got.AccessKeyID != old.AccessKeyID {
					t.Fatalf("got %s, want cached %s", got.AccessKeyID, old.AccessKeyID)
				}
				h.clock.Advance(10 * time.Second)
			}
			if h.calls() != 2 {
				t.Fatalf("provider called %d times during the backoff, want 2 in all", h.calls())
			}
			h.clock.Advance(10 * time.Second) // backoff over, still in the advisory window
			h.p.push(reply{creds: h.creds(time.Hour)})
			h.get()
			if ev := h.event(); ev.Err != nil {
				t.Fatalf("refresh after the backoff failed: %v", ev.Err)
			}
		}},
		{"the backoff bounds are 300 and 600 seconds by default", CacheOptions{}, func(t *testing.T, h *harness) {
			for _, r := range []struct {
				rand float64
				want time.Duration
			}{{0, 300 * time.Second}, {0.999999999, 600 * time.Second}} {
				h.rand.Store(r.rand)
				if got := h.cache.opts.backoff(); got.Round(time.Second) != r.want {
					t.Errorf("rand %v: backoff %v, want %v", r.rand, got, r.want)
				}
			}
		}},
		{"during a backoff expired credentials are still served and the hook says so", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(time.Hour + time.Minute)
			h.p.push(reply{err: errOutage})
			if got := h.get(); got.AccessKeyID != old.AccessKeyID {
				t.Fatalf("got %s, want the expired %s", got.AccessKeyID, old.AccessKeyID)
			}
			if ev := h.event(); !ev.ServingExpired || ev.BackoffUntil.IsZero() {
				t.Fatalf("event %+v, want ServingExpired with a backoff", ev)
			}
			h.clock.Advance(time.Minute)
			if got := h.get(); got.AccessKeyID != old.AccessKeyID || h.calls() != 2 {
				t.Fatalf("got %s after %d calls, want the expired %s without a call", got.AccessKeyID, h.calls(), old.AccessKeyID)
			}
			if st := h.cache.Status(); st.State != "expired" || st.BackoffUntil.IsZero() || !errors.Is(st.LastError, errOutage) {
				t.Fatalf("status %+v, want expired in backoff with the outage error", st)
			}
		}},
		{"credentials that expire during a backoff are still served and the hook is told once", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.rand.Store(0.999)                              // a backoff of about 600 s
			h.clock.Advance(59*time.Minute + 30*time.Second) // a backoff that begins in the mandatory window is not cut
			h.p.push(reply{err: errOutage})
			h.get()
			if ev := h.event(); ev.ServingExpired || ev.BackoffUntil.IsZero() {
				t.Fatalf("event %+v, want a failure with a backoff, credentials still valid", ev)
			}
			h.clock.Advance(time.Minute) // expired, still in the backoff
			for i := 0; i < 3; i++ {
				if got := h.get(); got.AccessKeyID != old.AccessKeyID {
					t.Fatalf("got %s, want the expired %s", got.AccessKeyID, old.AccessKeyID)
				}
			}
			if ev := h.event(); !ev.ServingExpired || !errors.Is(ev.Err, errOutage) || ev.AccessKeyID != old.AccessKeyID {
				t.Fatalf("event %+v, want ServingExpired with the outage error", ev)
			}
			h.noEvent()
			if h.calls() != 2 {
				t.Fatalf("provider called %d times, want 2", h.calls())
			}
		}},
		{"Status reports a refresh as due at once after Invalidate", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(10 * time.Minute)
			h.cache.Invalidate(old.AccessKeyID)
			if st := h.cache.Status(); !st.NextRefresh.Equal(h.clock.Now()) {
				t.Fatalf("next refresh %v, want now (%v)", st.NextRefresh, h.clock.Now())
			}
		}},
		{"during a backoff Invalidate does not make the cache contact the provider", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(46 * time.Minute)
			h.p.push(reply{err: errOutage})
			h.get()
			h.event()
			h.cache.Invalidate(old.AccessKeyID)
			if got := h.get(); got.AccessKeyID != old.AccessKeyID {
				t.Fatalf("got %s, want %s", got.AccessKeyID, old.AccessKeyID)
			}
			if h.calls() != 2 {
				t.Fatalf("provider called %d times, want 2", h.calls())
			}
		}},
		{"with nothing cached a failed refresh returns the error and the next call tries again", CacheOptions{}, func(t *testing.T, h *harness) {
			h.p.push(reply{err: errOutage})
			if _, err := h.cache.Retrieve(context.Background()); !errors.Is(err, errOutage) {
				t.Fatalf("got %v, want the outage error", err)
			}
			c := h.creds(time.Hour)
			h.p.push(reply{creds: c})
			if got := h.get(); got.AccessKeyID != c.AccessKeyID {
				t.Fatalf("second call got %s", got.AccessKeyID)
			}
		}},
		{"credentials that are already expired are an error, not a cache entry", CacheOptions{}, func(t *testing.T, h *harness) {
			c := h.creds(time.Hour)
			c.Expires = h.clock.Now().Add(-time.Second)
			h.p.push(reply{creds: c})
			_, err := h.cache.Retrieve(context.Background())
			if !errors.Is(err, ErrInvalidCredentials) || !strings.Contains(err.Error(), "expired at 2026-11-24T11:59:59Z") {
				t.Fatalf("got %v, want ErrInvalidCredentials naming the expiry", err)
			}
			if st := h.cache.Status(); st.State != "empty" {
				t.Fatalf("state %v, want empty", st.State)
			}
		}},
		{"credentials with an empty access key ID or secret are an error, not a cache entry", CacheOptions{}, func(t *testing.T, h *harness) {
			for _, c := range []Credentials{{SecretAccessKey: "s"}, {AccessKeyID: "AKIDEXAMPLE"}} {
				h.p.push(reply{creds: c})
				if _, err := h.cache.Retrieve(context.Background()); !errors.Is(err, ErrInvalidCredentials) || !strings.Contains(err.Error(), "is empty") {
					t.Fatalf("got %v, want ErrInvalidCredentials", err)
				}
			}
		}},
		{"a non-recoverable error is reported, not returned, while the cached credentials are valid", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(59*time.Minute + 30*time.Second) // mandatory window: the caller waits
			h.p.push(reply{err: errDenied})
			if got := h.get(); got.AccessKeyID != old.AccessKeyID {
				t.Fatalf("got %s, want the still-valid %s", got.AccessKeyID, old.AccessKeyID)
			}
			ev := h.event()
			if !ev.NonRecoverable || !ev.BackoffUntil.IsZero() {
				t.Fatalf("event %+v, want non-recoverable without backoff", ev)
			}
			if st := h.cache.Status(); !errors.Is(st.LastError, errDenied) {
				t.Fatalf("status last error %v, want the denial", st.LastError)
			}
		}},
		{"with ReturnNonRecoverable a waiting caller gets a non-recoverable error though valid credentials are cached", CacheOptions{NoRefreshJitter: true, ReturnNonRecoverable: true}, func(t *testing.T, h *harness) {
			h.prime(time.Hour)
			h.clock.Advance(59*time.Minute + 30*time.Second) // mandatory window: the caller waits
			h.p.push(reply{err: errDenied})
			if _, err := h.cache.Retrieve(context.Background()); err != errDenied {
				t.Fatalf("got %v, want the denial itself", err)
			}
			h.event()
			h.clock.Advance(4 * time.Second) // still held: answered from memory
			if _, err := h.cache.Retrieve(context.Background()); err != errDenied || h.calls() != 2 {
				t.Fatalf("got %v after %d calls, want the held denial without a call", err, h.calls())
			}
		}},
		{"with ReturnNonRecoverable a background refresh's non-recoverable error reaches the next callers", CacheOptions{NoRefreshJitter: true, ReturnNonRecoverable: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(50 * time.Minute) // advisory window: the refresh runs in the background
			h.p.push(reply{err: errDenied})
			if got := h.get(); got.AccessKeyID != old.AccessKeyID {
				t.Fatalf("got %s, want the cached credentials: the advisory window never makes a caller wait", got.AccessKeyID)
			}
			if ev := h.event(); !ev.NonRecoverable {
				t.Fatalf("event %+v, want the denial", ev)
			}
			if _, err := h.cache.Retrieve(context.Background()); err != errDenied {
				t.Fatalf("got %v, want the denial at once", err)
			}
			h.clock.Advance(5 * time.Second) // the hold is over: the next caller refreshes again
			next := h.creds(time.Hour)
			h.p.push(reply{creds: next})
			h.get()
			if ev := h.event(); ev.Err != nil || ev.AccessKeyID != next.AccessKeyID {
				t.Fatalf("event %+v, want a successful refresh after the hold", ev)
			}
		}},
		{"by default a background refresh's non-recoverable error is reported, not returned", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(50 * time.Minute)
			h.p.push(reply{err: errDenied})
			h.get()
			if ev := h.event(); !ev.NonRecoverable {
				t.Fatalf("event %+v, want the denial", ev)
			}
			if got := h.get(); got.AccessKeyID != old.AccessKeyID || h.calls() != 2 {
				t.Fatalf("got %s after %d calls, want the cached credentials from memory", got.AccessKeyID, h.calls())
			}
			if st := h.cache.Status(); !errors.Is(st.LastError, errDenied) {
				t.Fatalf("status last error %v, want the denial", st.LastError)
			}
		}},
		{"a non-recoverable error is returned as is when nothing valid is cached", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			h.prime(time.Hour)
			h.clock.Advance(time.Hour)
			h.p.push(reply{err: errDenied})
			if _, err := h.cache.Retrieve(context.Background()); err != errDenied {
				t.Fatalf("got %v, want the denial itself", err)
			}
		}},
		{"a non-recoverable error is remembered for 5 seconds and then retried without backoff", CacheOptions{}, func(t *testing.T, h *harness) {
			h.p.push(reply{err: errDenied})
			for i := 0; i < 50; i++ { // 4.9 s of calls
				if _, err := h.cache.Retrieve(context.Background()); err != errDenied {
					t.Fatalf("call %d: got %v, want the remembered denial", i, err)
				}
				h.clock.Advance(100 * time.Millisecond)
			}
			if h.calls() != 1 {
				t.Fatalf("provider called %d times in 5 s, want 1", h.calls())
			}
			h.clock.Advance(100 * time.Millisecond)
			c := h.creds(time.Hour)
			h.p.push(reply{creds: c})
			if got := h.get(); got.AccessKeyID != c.AccessKeyID {
				t.Fatalf("after 5 s got %s", got.AccessKeyID)
			}
		}},
		{"Invalidate with the cached access key ID makes the next Retrieve wait for a refresh", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.cache.Invalidate(old.AccessKeyID)
			if st := h.cache.Status(); st.State != "stale" || !st.Invalidated {
				t.Fatalf("status %v invalidated=%v, want stale", st.State, st.Invalidated)
			}
			next := h.creds(time.Hour)
			h.p.push(reply{creds: next})
			if got := h.get(); got.AccessKeyID != next.AccessKeyID {
				t.Fatalf("got %s, want the new %s", got.AccessKeyID, next.AccessKeyID)
			}
		}},
		{"Invalidate with an access key ID that is no longer cached changes nothing", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.cache.Invalidate("ASIAOLDKEYNOTCACHED")
			if got := h.get(); got.AccessKeyID != old.AccessKeyID || h.calls() != 1 {
				t.Fatalf("got %s after %d calls, want the cached credentials without a call", got.AccessKeyID, h.calls())
			}
		}},
		{"credentials with no expiry are cached forever", CacheOptions{}, func(t *testing.T, h *harness) {
			c := h.prime(0)
			h.clock.Advance(10 * 365 * 24 * time.Hour)
			if got := h.get(); got.AccessKeyID != c.AccessKeyID || h.calls() != 1 {
				t.Fatalf("got %s after %d calls", got.AccessKeyID, h.calls())
			}
			if st := h.cache.Status(); st.State != "fresh" || !st.NextRefresh.IsZero() {
				t.Fatalf("status %+v, want fresh with no refresh scheduled", st)
			}
		}},
		{"a provider's panic reaches the error without the cached secrets or a token, and bounded", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			old := h.prime(time.Hour)
			h.clock.Advance(61 * time.Minute) // expired: callers wait for the refresh
			jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXRoYXQtbWFrZXMtaXQtdXNhYmxl"
			h.p.push(reply{panic: fmt.Sprintf("refresh broke with secret %s, session %s and token %s;%s", old.SecretAccessKey, old.SessionToken, jwt, strings.Repeat("x", 10<<10))})
			if got := h.get(); got.AccessKeyID != old.AccessKeyID {
				t.Fatalf("got %s, want the expired %s served during the backoff", got.AccessKeyID, old.AccessKeyID)
			}
			ev := h.event()
			msg := ev.Err.Error()
			if !strings.Contains(msg, "panicked: refresh broke with secret [redacted], session [redacted] and token [redacted];xxx") {
				t.Errorf("error %.200q does not keep the panic's words with the secrets redacted", msg)
			}
			for _, secret := range []string{old.SecretAccessKey, old.SessionToken, "c2lnbmF0dXJl", "eyJ"} {
				if strings.Contains(msg, secret) || strings.Contains(fmt.Sprintf("%+v %#v", h.cache.Status(), h.cache.Status()), secret) {
					t.Errorf("the panic's error shows %q", secret)
				}
			}
			if len(msg) > 700 {
				t.Errorf("error is %d bytes long; a huge panic value must be cut", len(msg))
			}
		}},
		{"a provider's panic with secrets the cache never saw reaches the error with each of them hidden", CacheOptions{}, func(t *testing.T, h *harness) {
			// Nothing is cached, so the Cache knows none of these: only their shape gives them away.
			const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
			const session = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+session+token+0123456789+abcdef=="
			const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzphcHAifQ.c2lnbmF0dXJlLXNlY3JldC1NQVJLRVI"
			h.p.push(reply{panic: fmt.Sprintf("provider lost secret %s with session %s and token %s", secret, session, jwt)})
			_, err := h.cache.Retrieve(context.Background())
			const want = "provider *credentials.scriptedProvider panicked: provider lost secret [redacted] with session [redacted] and token [redacted]"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got  %v\nwant an error containing %s", err, want)
			}
			st := h.cache.Status()
			for _, out := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%+v %#v", st, st)} {
				for _, piece := range []string{secret, secret[:12], secret[28:], session[:20], session[len(session)-20:], jwt, "eyJzdWIi", "c2lnbmF0dXJl", "MARKER"} {
					if strings.Contains(out, piece) {
						t.Errorf("the panic's error shows %q: %s", piece, out)
					}
				}
			}
		}},
		{"a panicking provider returns an error and leaves the cache usable", CacheOptions{}, func(t *testing.T, h *harness) {
			h.p.push(reply{panic: "boom"})
			_, err := h.cache.Retrieve(context.Background())
			if err == nil || !strings.Contains(err.Error(), "panicked: boom") {
				t.Fatalf("got %v, want the panic as an error", err)
			}
			c := h.creds(time.Hour)
			h.p.push(reply{creds: c})
			if got := h.get(); got.AccessKeyID != c.AccessKeyID {
				t.Fatalf("after the panic got %s", got.AccessKeyID)
			}
		}},
		{"Status reports source, expiry, next refresh, backoff and last error", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			if st := h.cache.Status(); st.State != "empty" {
				t.Fatalf("new cache state %v", st.State)
			}
			c := h.prime(time.Hour)
			st := h.cache.Status()
			if st.State != "fresh" || st.Source != "scripted" || !st.Expires.Equal(c.Expires) ||
				!st.NextRefresh.Equal(c.Expires.Add(-15*time.Minute)) || st.AccessKeyID != c.AccessKeyID || !st.RefreshedAt.Equal(h.clock.Now()) {
				t.Fatalf("status %+v", st)
			}
			h.clock.Advance(50 * time.Minute)
			h.p.push(reply{err: errOutage})
			h.get()
			h.event()
			st = h.cache.Status()
			if st.BackoffUntil.IsZero() || !st.NextRefresh.Equal(st.BackoffUntil) || !errors.Is(st.LastError, errOutage) || !st.LastErrorAt.Equal(h.clock.Now()) {
				t.Fatalf("status after failure %+v", st)
			}
		}},
		{"the refresh hook receives duration, error and new expiry and no secrets", CacheOptions{}, func(t *testing.T, h *harness) {
			c := h.creds(time.Hour)
			h.p.push(reply{creds: c})
			h.get()
			ev := h.event()
			if !ev.Expires.Equal(c.Expires) || ev.Err != nil || ev.Duration < 0 || ev.Source != "scripted" {
				t.Fatalf("event %+v", ev)
			}
			for _, s := range []string{fmt.Sprintf("%v", ev), fmt.Sprintf("%+v", ev), fmt.Sprintf("%#v", ev)} {
				if strings.Contains(s, c.SecretAccessKey) || strings.Contains(s, c.SessionToken) {
					t.Fatalf("event printed with a secret: %s", s)
				}
			}
		}},
		{"a panicking refresh hook does not break the cache", CacheOptions{OnRefresh: func(RefreshEvent) { panic("hook") }}, func(t *testing.T, h *harness) {
			// newHarness replaces OnRefresh; install the panicking one directly.
			h.cache.opts.OnRefresh = func(RefreshEvent) { panic("hook") }
			c := h.creds(time.Hour)
			h.p.push(reply{creds: c})
			if got := h.get(); got.AccessKeyID != c.AccessKeyID {
				t.Fatalf("got %s", got.AccessKeyID)
			}
			h.clock.Advance(2 * time.Hour)
			h.p.push(reply{creds: h.creds(time.Hour)})
			h.get()
		}},
		{"after Close valid credentials are still served and a needed refresh returns ErrCacheClosed", CacheOptions{NoRefreshJitter: true}, func(t *testing.T, h *harness) {
			c := h.prime(time.Hour)
			h.cache.Close()
			h.clock.Advance(50 * time.Minute)
			if got := h.get(); got.AccessKeyID != c.AccessKeyID || h.calls() != 1 {
				t.Fatalf("got %s after %d calls", got.AccessKeyID, h.calls())
			}
			h.clock.Advance(time.Hour)
			if _, err := h.cache.Retrieve(context.Background()); !errors.Is(err, ErrCacheClosed) {
				t.Fatalf("got %v, want ErrCacheClosed", err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts)
			tc.run(t, h)
		})
	}
}

// assertWindows checks the advisory and mandatory windows the cache gives c.
func assertWindows(t *testing.T, h *harness, c Credentials, advisory time.Duration) {
	t.Helper()
	e := newEntry(c, h.clock.Now(), &h.cache.opts)
	if got := unixTime(e.refreshAt); !got.Equal(c.Expires.Add(-advisory)) {
		t.Errorf("lifetime %v: refresh at %v, want %v before expiry", c.Expires.Sub(h.clock.Now()), c.Expires.Sub(got), advisory)
	}
	if got := unixTime(e.staleAt); !got.Equal(c.Expires.Add(-min(time.Minute, advisory))) {
		t.Errorf("lifetime %v: stale %v before expiry", c.Expires.Sub(h.clock.Now()), c.Expires.Sub(got))
	}
}

func TestCacheFreshPathDoesNotAllocate(t *testing.T) {
	h := newHarness(t, CacheOptions{})
	h.prime(time.Hour)
	ctx := context.Background()
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := h.cache.Retrieve(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("fresh Retrieve allocates %.1f times per call, want 0", allocs)
	}
}

func TestCacheStormOfTenThousandCallersOnAStaleCacheMakesOneProviderCall(t *testing.T) {
	h := newHarness(t, CacheOptions{NoRefreshJitter: true})
	h.prime(time.Hour)
	h.clock.Advance(59*time.Minute + 30*time.Second)
	gate := make(chan struct{})
	next := h.creds(time.Hour)
	h.p.push(reply{creds: next, gate: gate})
	const callers = 10000
	var started, done sync.WaitGroup
	started.Add(callers)
	done.Add(callers)
	errs := make(chan error, callers)
	for i := 0; i < callers; i++ {
		go func() {
			defer done.Done()
			started.Done()
			c, err := h.cache.Retrieve(context.Background())
			if err == nil && c.AccessKeyID != next.AccessKeyID {
				err = fmt.Errorf("got %s", c.AccessKeyID)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	started.Wait()
	close(gate)
	done.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := h.calls(); got != 2 { // the priming call and the one shared refresh
		t.Fatalf("provider called %d times, want 1 refresh after priming", got-1)
	}
}

// TestCacheOutageDuringTheRefreshAheadPeriod: the provider fails from the start of the advisory
// window until expiry. Callers see no error while the credentials are good, and the provider is
// called no more often than the backoff allows.
func TestCacheOutageDuringTheRefreshAheadPeriod(t *testing.T) {
	h := newHarness(t, CacheOptions{NoRefreshJitter: true})
	h.rand.Store(0.0) // the shortest backoff, 300 s: the most calls the rules allow
	c := h.prime(time.Hour)
	for i := 0; i < 20; i++ {
		h.p.push(reply{err: errOutage})
	}
	h.clock.Advance(45 * time.Minute) // start of the 15-minute advisory window
	var errs int
	end := c.Expires
	for h.clock.Now().Before(end) {
		got, err := h.cache.Retrieve(context.Background())
		if err != nil {
			errs++
		} else if got.AccessKeyID != c.AccessKeyID {
			t.Fatalf("got %s, want the cached credentials", got.AccessKeyID)
		}
		h.drainEvents()
		h.clock.Advance(time.Second)
	}
	if errs != 0 {
		t.Fatalf("%d Retrieve errors while the credentials were good, want 0", errs)
	}
	// 14 minutes before the mandatory window with a 300 s backoff after each failure: 3 refresh
	// attempts (45, 50, 55 minutes), the last backoff cut to end when the mandatory window
	// starts, and one more attempt then (59 minutes).
	if attempts := h.calls() - 1; attempts != 4 {
		t.Fatalf("%d refresh attempts in 15 minutes, want 4: 3 with a 300 s backoff and one at the mandatory window", attempts)
	}
}

// TestCacheLongOutageCallsTheSourceOncePerBackoff: the provider fails for three hours from the
// start of the advisory window. Cutting backoffs at the mandatory window adds at most two
// attempts before expiry; after it, the source sees one refresh per backoff.
func TestCacheLongOutageCallsTheSourceOncePerBackoff(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		t.Run(fmt.Sprintf("rand %v", r), func(t *testing.T) {
			h := newHarness(t, CacheOptions{NoRefreshJitter: true})
			h.rand.Store(r)
			backoff := 300*time.Second + time.Duration(r*300)*time.Second
			c := h.prime(time.Hour)
			for i := 0; i < 100; i++ {
				h.p.push(reply{err: errOutage})
			}
			h.clock.Advance(45 * time.Minute)
			var beforeExpiry int64
			for end := c.Expires.Add(2 * time.Hour); h.clock.Now().Before(end); h.clock.Advance(time.Second) {
				if _, err := h.cache.Retrieve(context.Background()); err != nil {
					t.Fatalf("at %v: %v", h.clock.Now(), err)
				}
				h.drainEvents()
				if h.clock.Now().Before(c.Expires) {
					beforeExpiry = h.calls() - 1
				}
			}
			// Before expiry: one attempt per backoff in the 14 minutes before the mandatory
			// window, plus at most two for the cut backoffs.
			if most := int64(14*time.Minute/backoff) + 1 + 2; beforeExpiry < 1 || beforeExpiry > most {
				t.Errorf("%d attempts before expiry, want 1 to %d", beforeExpiry, most)
			}
			after := h.calls() - 1 - beforeExpiry
			if most := int64(2*time.Hour/backoff) + 1; after < most-1 || after > most {
				t.Errorf("%d attempts in the 2 hours after expiry with a %v backoff, want %d or %d", after, backoff, most-1, most)
			}
		})
	}
}

// A backoff that begins while the credentials are good ends by the start of the mandatory
// window, jittered inside what is left, so that a source that recovers before expiry is used
// before the credentials expire (issue 14: a 300–600 s backoff used to outlive them).
func TestCacheABackoffThatBeginsWhileTheCredentialsAreGoodEndsByTheMandatoryWindow(t *testing.T) {
	cases := []struct {
		name       string
		lifetime   time.Duration
		failAt     time.Duration // after arrival, in the advisory window
		healthyAt  time.Duration // after arrival, before the mandatory window
		staleAfter time.Duration // the mandatory window's start, after arrival
	}{
		{"one-hour credentials failing late in the advisory window", time.Hour, 57 * time.Minute, 58*time.Minute + 20*time.Second, 59 * time.Minute},
		{"four-minute credentials from a custom provider", 4 * time.Minute, 2 * time.Minute, 2*time.Minute + 20*time.Second, 3 * time.Minute},
	}
	for _, tc := range cases {
		for _, r := range []float64{0, 0.5, 0.999} {
			t.Run(fmt.Sprintf("%s, rand %v", tc.name, r), func(t *testing.T) {
				h := newHarness(t, CacheOptions{NoRefreshJitter: true})
				h.rand.Store(r)
				old := h.prime(tc.lifetime)
				start := old.Expires.Add(-tc.lifetime)
				h.clock.Advance(tc.failAt)
				h.p.push(reply{err: errOutage})
				h.get()
				ev := h.event()
				left := tc.staleAfter - tc.failAt
				earliest, latest := start.Add(tc.failAt+left/2), start.Add(tc.staleAfter)
				if ev.BackoffUntil.Before(earliest) || ev.BackoffUntil.After(latest) {
					t.Fatalf("backoff until %v after arrival, want between %v and %v", ev.BackoffUntil.Sub(start), earliest.Sub(start), latest.Sub(start))
				}
				// The source fails until healthyAt and answers after it; callers come every second.
				var fresh Credentials
				for h.clock.Now().Before(old.Expires) {
					now := h.clock.Now()
					if h.cache.fresh.Load() == nil && !h.cache.Status().BackoffUntil.After(now) && h.cache.Status().NextRefresh.Before(now.Add(time.Nanosecond)) {
						if now.Before(start.Add(tc.healthyAt)) {
							h.p.push(reply{err: errOutage})
						} else {
							fresh = h.creds(tc.lifetime)
							h.p.push(reply{creds: fresh})
						}
					}
					got := h.get()
					if got.Expired(now) {
						t.Fatalf("at %v after arrival: expired credentials served", now.Sub(start))
					}
					h.drainEvents()
					if fresh.AccessKeyID != "" && h.cache.Status().AccessKeyID == fresh.AccessKeyID {
						break
					}
					h.clock.Advance(time.Second)
				}
				if fresh.AccessKeyID == "" || h.cache.Status().AccessKeyID != fresh.AccessKeyID {
					t.Fatalf("no new credentials before expiry (%d calls)", h.calls())
				}
			})
		}
	}
}

// drainEvents waits for any refresh in flight to finish and discards its events.
func (h *harness) drainEvents() {
	for h.cache.refreshing.Load() {
		select {
		case <-h.events:
		case <-time.After(10 * time.Millisecond):
		}
	}
	for {
		select {
		case <-h.events:
		default:
			return
		}
	}
}

func TestCacheCloseStopsABackgroundRefreshAndLeavesNoGoroutine(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, CacheOptions{NoRefreshJitter: true})
	h.prime(time.Hour)
	h.clock.Advance(50 * time.Minute)
	h.p.push(reply{creds: h.creds(time.Hour), gate: make(chan struct{})}) // hangs until cancelled
	h.get()
	if !h.cache.Status().Refreshing {
		t.Fatal("no background refresh running")
	}
	h.cache.Close()
	if ev := h.event(); !errors.Is(ev.Err, context.Canceled) {
		t.Fatalf("background refresh ended with %v, want context.Canceled", ev.Err)
	}
	if h.cache.Status().Refreshing {
		t.Fatal("refresh still running after Close")
	}
}

// A refresh that Close cancels is no failure to back off from: once the credentials expire,
// Retrieve returns ErrCacheClosed rather than serving them through a backoff.
func TestCacheCloseDuringAStaleRefreshStartsNoBackoff(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, CacheOptions{NoRefreshJitter: true})
	h.prime(time.Hour)
	h.clock.Advance(59*time.Minute + 30*time.Second)                      // in the mandatory (stale) window
	h.p.push(reply{creds: h.creds(time.Hour), gate: make(chan struct{})}) // hangs until cancelled
	got := make(chan error, 1)
	go func() { _, err := h.cache.Retrieve(context.Background()); got <- err }()
	for i := 0; h.p.calls.Load() < 2; i++ {
		if i == 1000 {
			t.Fatal("the stale refresh has not started after 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.cache.Close()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("the waiting Retrieve got %v, want context.Canceled", err)
	}
	h.clock.Advance(time.Minute)
	if c, err := h.cache.Retrieve(context.Background()); !errors.Is(err, ErrCacheClosed) {
		t.Fatalf("Retrieve after expiry: %s, %v; want ErrCacheClosed", c.AccessKeyID, err)
	}
}

// A provider that ignores its context (a token read stuck on a named pipe used to be one) must
// not hang Close: it is abandoned after closeWait. The wait is shortened here; the test asserts
// that Close returns, with a generous bound, and measures nothing.
func TestCacheCloseAbandonsAProviderThatIgnoresItsContext(t *testing.T) {
	leakcheck.Check(t)
	unblock, called := make(chan struct{}), make(chan struct{})
	p := ProviderFunc(func(context.Context) (Credentials, error) {
		close(called)
		<-unblock // ignores its context
		return Credentials{}, errors.New("unblocked")
	})
	c, err := NewCache(CacheOptions{Provider: p})
	if err != nil {
		t.Fatal(err)
	}
	defer close(unblock) // the provider's goroutine ends, and the Cache's with it
	c.closeWait = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-called; cancel() }()
	if _, err := c.Retrieve(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Retrieve: %v, want context.Canceled", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()
	select {
	case err = <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close has not returned after 10 s")
	}
	want := "credentials: Close: provider credentials.ProviderFunc did not return within 50ms of its context being cancelled; its refresh is abandoned"
	if err == nil || err.Error() != want {
		t.Fatalf("Close = %v, want %q", err, want)
	}
	if _, err := c.Retrieve(context.Background()); !errors.Is(err, ErrCacheClosed) {
		t.Fatalf("Retrieve after Close: %v, want ErrCacheClosed", err)
	}
}

// With the real clock the fresh path trusts a timer instead of reading the clock. This test runs
// on the real clock: it waits for events (bounded), it does not time anything.
func TestCacheRealClockWithdrawsCredentialsFromTheFreshPathAtTheRefreshPoint(t *testing.T) {
	leakcheck.Check(t)
	events := make(chan RefreshEvent, 10)
	var serial int
	p := ProviderFunc(func(context.Context) (Credentials, error) {
		serial++
		return Credentials{AccessKeyID: fmt.Sprintf("ASIA%d", serial), SecretAccessKey: "s", Expires: time.Now().Add(1500 * time.Millisecond)}, nil
	})
	// Lifetime 1.5 s, advisory window 1 s: the refresh point is 0.5 s after arrival.
	c := newTestCache(t, CacheOptions{Provider: p, RefreshAhead: time.Second, Mandatory: 100 * time.Millisecond, NoRefreshJitter: true,
		OnRefresh: func(ev RefreshEvent) { events <- ev }})
	first, err := c.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	<-events
	if c.fresh.Load() == nil {
		t.Fatal("new credentials are not on the fresh path")
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.fresh.Load() != nil {
		if time.Now().After(deadline) {
			t.Fatal("credentials still on the fresh path 10 s after their refresh point")
		}
		time.Sleep(10 * time.Millisecond)
	}
	got, err := c.Retrieve(context.Background()) // refreshing: the cached credentials, and a background refresh
	if err != nil || got.AccessKeyID != first.AccessKeyID {
		t.Fatalf("got %v, %v; want the cached %s", got.AccessKeyID, err, first.AccessKeyID)
	}
	select {
	case ev := <-events:
		if !ev.Background || ev.Err != nil || ev.AccessKeyID == first.AccessKeyID {
			t.Fatalf("event %+v, want a background refresh with new credentials", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no background refresh")
	}
	if c.fresh.Load() == nil {
		t.Fatal("refreshed credentials are not on the fresh path")
	}
	c.Close()
	if c.fresh.Load() != nil {
		t.Fatal("Close must take credentials off the timer-driven fresh path")
	}
}

func TestCacheReportsARefreshBeforeItsWaitersGetTheCredentials(t *testing.T) {
	var order []string
	var mu sync.Mutex
	c := newTestCache(t, CacheOptions{Provider: ProviderFunc(func(context.Context) (Credentials, error) {
		return Credentials{AccessKeyID: "ASIAORDER", SecretAccessKey: "s", Expires: time.Now().Add(time.Hour)}, nil
	}), OnRefresh: func(RefreshEvent) { mu.Lock(); order = append(order, "hook"); mu.Unlock() }})
	if _, err := c.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	order = append(order, "caller")
	mu.Unlock()
	if strings.Join(order, ",") != "hook,caller" {
		t.Fatalf("order %v, want the hook before the caller", order)
	}
}

func TestCacheAProviderThatCallsGoexitDoesNotLeaveCallersWaiting(t *testing.T) {
	leakcheck.Check(t)
	var calls atomic.Int64
	c := newTestCache(t, CacheOptions{Provider: ProviderFunc(func(context.Context) (Credentials, error) {
		if calls.Add(1) == 1 {
			runtime.Goexit()
		}
		return Credentials{AccessKeyID: "ASIAAFTERGOEXIT", SecretAccessKey: "s", Expires: time.Now().Add(time.Hour)}, nil
	})})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Retrieve(ctx); !errors.Is(err, errProviderExited) {
		t.Fatalf("got %v, want errProviderExited", err)
	}
	got, err := c.Retrieve(ctx)
	if err != nil || got.AccessKeyID != "ASIAAFTERGOEXIT" {
		t.Fatalf("the next call got %v, %v; want new credentials", got.AccessKeyID, err)
	}
}

// The harness's clock fires the Cache's timer from Advance. Holding the timer while time moves
// past the refresh point shows that the fast path trusts the timer and does not read the clock:
// if it compared times, the held timer would make no difference.
func TestCacheTheClocksTimerIsWhatTakesCredentialsOffTheFastPath(t *testing.T) {
	h := newHarness(t, CacheOptions{NoRefreshJitter: true})
	old := h.prime(time.Hour)
	if h.cache.fresh.Load() == nil {
		t.Fatal("fresh credentials are not on the fast path")
	}
	gate := make(chan struct{}) // a refresh that starts stays running until the gate opens
	h.p.push(reply{creds: h.creds(time.Hour), gate: gate})
	h.clock.hold()
	h.clock.Advance(50 * time.Minute) // past the refresh point; the timer has not fired
	if got := h.get(); got.AccessKeyID != old.AccessKeyID {
		t.Fatalf("got %s, want the cached credentials", got.AccessKeyID)
	}
	if h.cache.Status().Refreshing || h.cache.fresh.Load() == nil {
		t.Fatal("Retrieve saw the refresh point before the timer fired: the fast path read the clock")
	}
	h.clock.release() // the timer fires now
	if h.cache.fresh.Load() != nil {
		t.Fatal("the timer fired but the credentials are still on the fast path")
	}
	if got := h.get(); got.AccessKeyID != old.AccessKeyID || !h.cache.Status().Refreshing {
		t.Fatalf("got %s, want the cached credentials while a background refresh runs", got.AccessKeyID)
	}
	close(gate)
	if ev := h.event(); !ev.Background || ev.Err != nil {
		t.Fatalf("event %+v, want a background refresh", ev)
	}
	if h.cache.fresh.Load() == nil {
		t.Fatal("the refreshed credentials are not on the fast path")
	}
}

// A clock given as CacheOptions.Now (chain.Options.Now and s3ls pass one) has no timers: the
// Cache keeps credentials off the fast path and follows that clock on every Retrieve.
func TestCacheWithAClockFunctionComparesTimesOnEveryRetrieve(t *testing.T) {
	clock := newFakeClock()
	p := &scriptedProvider{t: t}
	events := make(chan RefreshEvent, 10)
	c := newTestCache(t, CacheOptions{Provider: p, Now: clock.Now, NoRefreshJitter: true, OnRefresh: func(ev RefreshEvent) { events <- ev }})
	old := Credentials{AccessKeyID: "ASIAFUNCCLOCK", SecretAccessKey: "s", Expires: clock.Now().Add(time.Hour)}
	p.push(reply{creds: old})
	if _, err := c.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-events
	if c.fresh.Load() != nil || c.timer != nil {
		t.Fatal("a Cache whose clock has no timers put credentials on the fast path")
	}
	if allocs := testing.AllocsPerRun(100, func() { _, _ = c.Retrieve(context.Background()) }); allocs != 0 {
		t.Fatalf("fresh Retrieve allocates %.0f times", allocs)
	}
	clock.Advance(50 * time.Minute) // no timer: the next Retrieve must see the new time itself
	p.push(reply{creds: Credentials{AccessKeyID: "ASIANEXT", SecretAccessKey: "s", Expires: clock.Now().Add(time.Hour)}})
	if got, err := c.Retrieve(context.Background()); err != nil || got.AccessKeyID != old.AccessKeyID {
		t.Fatalf("got %s, %v; want the cached credentials", got.AccessKeyID, err)
	}
	select {
	case ev := <-events:
		if !ev.Background || ev.AccessKeyID != "ASIANEXT" {
			t.Fatalf("event %+v, want a background refresh", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no background refresh after the clock passed the refresh point")
	}
}

func TestNewCacheWithoutAProviderIsANonRecoverableError(t *testing.T) {
	c, err := NewCache(CacheOptions{})
	if c != nil || err == nil || !IsNonRecoverable(err) || !strings.Contains(err.Error(), "CacheOptions.Provider is required") {
		t.Fatalf("got %v, %v; want a non-recoverable error naming CacheOptions.Provider", c, err)
	}
}

// time.Time.UnixNano overflows after 2262-04-11T23:47:16.854775807Z; an expiry beyond it used to
// look already past, so the Cache called its provider on every Retrieve (issue 12).
func TestCacheExpiriesAfter2262AreClampedNotOverflowed(t *testing.T) {
	last := time.Unix(0, math.MaxInt64)
	for _, expires := range []time.Time{
		last.Add(-time.Nanosecond), last, last.Add(time.Nanosecond),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		t.Run(expires.Format(time.RFC3339Nano), func(t *testing.T) {
			h := newHarness(t, CacheOptions{})
			c := h.creds(time.Hour)
			c.Expires = expires
			h.p.push(reply{creds: c})
			for i := 0; i < 100; i++ {
				h.clock.Advance(time.Hour)
				if got := h.get(); got.AccessKeyID != c.AccessKeyID {
					t.Fatalf("got %s, want %s", got.AccessKeyID, c.AccessKeyID)
				}
			}
			if h.calls() != 1 {
				t.Fatalf("provider called %d times for 100 Retrieves, want 1", h.calls())
			}
			st := h.cache.Status()
			if st.State != "fresh" || !st.Expires.Equal(expires) || st.NextRefresh.IsZero() || !st.NextRefresh.Before(expires) {
				t.Fatalf("status %+v, want fresh, expiring %v, with a refresh scheduled before it", st, expires)
			}
		})
	}
}
