package credentials

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to. Its timers fire, in order, from Advance,
// in the goroutine that moves the clock, so that a test knows that when Advance returns the
// Cache has seen the new time on its fast path too.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	timers []*fakeTimer
	held   bool // timers do not fire (see hold)
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d and fires every timer that is due by then.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	c.fire()
}

// hold stops timers from firing until release: time moves, the Cache's timer does not.
func (c *fakeClock) hold() {
	c.mu.Lock()
	c.held = true
	c.mu.Unlock()
}

// release lets timers fire again and fires those that are due.
func (c *fakeClock) release() {
	c.mu.Lock()
	c.held = false
	c.mu.Unlock()
	c.fire()
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, at: c.t.Add(d), f: f, active: true}
	c.timers = append(c.timers, t)
	return t
}

// fire runs the due timers, earliest first, without holding c.mu (a timer's function reads the
// clock and may rearm its timer).
func (c *fakeClock) fire() {
	for {
		c.mu.Lock()
		var due *fakeTimer
		for _, t := range c.timers {
			if !c.held && t.active && !t.at.After(c.t) && (due == nil || t.at.Before(due.at)) {
				due = t
			}
		}
		if due == nil {
			c.mu.Unlock()
			return
		}
		due.active = false
		c.mu.Unlock()
		due.f()
	}
}

// fakeTimer is a timer of a fakeClock.
type fakeTimer struct {
	clock  *fakeClock
	at     time.Time
	f      func()
	active bool
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.at, t.active = t.clock.t.Add(d), true
	return was
}

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.active = false
	return was
}

// newTestCache returns a Cache with opts, closed when the test ends.
func newTestCache(t testing.TB, opts CacheOptions) *Cache {
	t.Helper()
	c, err := NewCache(opts)
	if err != nil {
		t.Fatalf("NewCache: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// reply is one scripted answer of a scriptedProvider.
type reply struct {
	creds Credentials
	err   error
	gate  chan struct{} // if set, Retrieve waits for it (or the context) before answering
	panic any
}

// scriptedProvider answers from a queue of replies and counts its calls. With the queue empty it
// fails the test.
type scriptedProvider struct {
	t       testing.TB
	mu      sync.Mutex
	replies []reply
	calls   atomic.Int64
}

func (p *scriptedProvider) push(r ...reply) {
	p.mu.Lock()
	p.replies = append(p.replies, r...)
	p.mu.Unlock()
}

func (p *scriptedProvider) Retrieve(ctx context.Context) (Credentials, error) {
	p.calls.Add(1)
	p.mu.Lock()
	if len(p.replies) == 0 {
		p.mu.Unlock()
		p.t.Errorf("provider called with no reply scripted (call %d)", p.calls.Load())
		return Credentials{}, context.Canceled
	}
	r := p.replies[0]
	p.replies = p.replies[1:]
	p.mu.Unlock()
	if r.gate != nil {
		select {
		case <-r.gate:
		case <-ctx.Done():
			return Credentials{}, ctx.Err()
		}
	}
	if r.panic != nil {
		panic(r.panic)
	}
	return r.creds, r.err
}

// harness is a Cache over a scriptedProvider with a fake clock, fixed randomness and a channel
// of refresh events.
type harness struct {
	t      *testing.T
	clock  *fakeClock
	p      *scriptedProvider
	cache  *Cache
	events chan RefreshEvent
	rand   atomic.Value // float64
	serial atomic.Int64
}

func newHarness(t *testing.T, opts CacheOptions) *harness {
	h := &harness{t: t, clock: newFakeClock(), events: make(chan RefreshEvent, 100)}
	h.p = &scriptedProvider{t: t}
	h.rand.Store(0.0)
	opts.Provider = h.p
	opts.clock = h.clock // with its timers: the tests run the fast path production runs
	if opts.Rand == nil {
		opts.Rand = func() float64 { return h.rand.Load().(float64) }
	}
	opts.OnRefresh = func(ev RefreshEvent) { h.events <- ev }
	h.cache = newTestCache(t, opts)
	return h
}

// creds returns new credentials that expire after lifetime (0: never).
func (h *harness) creds(lifetime time.Duration) Credentials {
	n := h.serial.Add(1)
	c := Credentials{
		AccessKeyID:     "ASIAEXAMPLE" + string(rune('A'+n%26)) + time.Duration(n).String(),
		SecretAccessKey: "secret-" + time.Duration(n).String() + "-wJalrXUtnFEMI",
		SessionToken:    "token-" + time.Duration(n).String() + "-IQoJb3JpZ2lu",
		Source:          "scripted",
	}
	if lifetime > 0 {
		c.Expires = h.clock.Now().Add(lifetime)
	}
	return c
}

// get calls Retrieve with a background context and fails the test on error. First it checks
// that credentials which are fresh by the clock are on the fast path, so that every test that
// calls get while they are fresh runs the path production runs.
func (h *harness) get() Credentials {
	h.t.Helper()
	h.checkFastPath()
	c, err := h.cache.Retrieve(context.Background())
	if err != nil {
		h.t.Fatalf("Retrieve: unexpected error: %v", err)
	}
	return c
}

// event waits (bounded) for the next refresh event.
func (h *harness) event() RefreshEvent {
	h.t.Helper()
	select {
	case ev := <-h.events:
		return ev
	case <-time.After(10 * time.Second):
		h.t.Fatal("no refresh event within 10s")
		return RefreshEvent{}
	}
}

// noEvent checks that no refresh happened.
func (h *harness) noEvent() {
	h.t.Helper()
	select {
	case ev := <-h.events:
		h.t.Fatalf("unexpected refresh: %+v", ev)
	default:
	}
}

// prime caches credentials of the given lifetime with one (waited-for) refresh.
func (h *harness) prime(lifetime time.Duration) Credentials {
	h.t.Helper()
	c := h.creds(lifetime)
	h.p.push(reply{creds: c})
	got := h.get()
	if got.AccessKeyID != c.AccessKeyID {
		h.t.Fatalf("prime: got %s, want %s", got.AccessKeyID, c.AccessKeyID)
	}
	h.event()
	return c
}

func (h *harness) calls() int64 { return h.p.calls.Load() }

// checkFastPath fails the test when the cached entry is fresh by the clock but not on the fast
// path, or on it though no longer fresh (unless the test holds the clock's timers).
func (h *harness) checkFastPath() {
	h.t.Helper()
	c := h.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	h.clock.mu.Lock()
	held := h.clock.held
	h.clock.mu.Unlock()
	if held || c.closed {
		return
	}
	e := c.cur.Load()
	fresh := e.state(h.clock.Now().UnixNano()) == stateFresh
	switch onFastPath := c.fresh.Load() != nil; {
	case fresh && !onFastPath:
		h.t.Errorf("fresh credentials are not on the fast path")
	case !fresh && onFastPath:
		h.t.Errorf("%v credentials are still on the fast path", e.state(h.clock.Now().UnixNano()))
	case onFastPath && c.fresh.Load() != e:
		h.t.Errorf("the fast path serves another entry than the cached one")
	}
}
