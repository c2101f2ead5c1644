package credentials

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
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
	opts.Now = h.clock.Now
	if opts.Rand == nil {
		opts.Rand = func() float64 { return h.rand.Load().(float64) }
	}
	opts.OnRefresh = func(ev RefreshEvent) { h.events <- ev }
	h.cache = NewCache(h.p, opts)
	t.Cleanup(func() { h.cache.Close() })
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

// get calls Retrieve with a background context and fails the test on error.
func (h *harness) get() Credentials {
	h.t.Helper()
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
