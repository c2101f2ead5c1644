package credentials

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// ErrInvalidCredentials is wrapped by the error a Cache reports when its provider returns
// credentials it will not cache: an empty access key ID or secret, or an expiry already past.
var ErrInvalidCredentials = errors.New("credentials: provider returned invalid credentials")

// ErrCacheClosed is returned by Retrieve on a closed Cache when it has no valid credentials left
// to serve.
var ErrCacheClosed = errors.New("credentials: cache is closed")

// Cache wraps a Provider and serves its credentials until shortly before they expire, refreshing
// them ahead of time so that callers do not wait. It implements AWS's 2026 cross-SDK refresh
// behaviour:
//
//   - fresh: Retrieve is one atomic load, without lock, allocation or clock read. A timer
//     withdraws the credentials from this path at their refresh point, and reads the wall clock
//     at least once a second meanwhile. With a clock given as CacheOptions.Now, which has no
//     timers, Retrieve compares times;
//   - refreshing (the advisory window, sized from the credentials' lifetime): callers get the
//     cached credentials at once and one background refresh runs, where AWS's SDKs make them
//     wait for it;
//   - stale (the mandatory window, the last minute) and expired: callers wait for one shared
//     refresh, each bounded by its own context;
//   - after a failed refresh the source is left alone for a random 300–600 s backoff and the
//     cached credentials are served, even expired ones: the service, not the cache, decides
//     whether they are still good ("static stability"). A backoff that begins before the
//     mandatory window ends by its start, so that the source is tried again while the
//     credentials are still good;
//   - a non-recoverable error (IsNonRecoverable) is not backed off but remembered for up to 5 s,
//     so that a fixed trust policy is picked up at once.
//
// It departs from AWS's behaviour on purpose in two places, each with an option that restores
// AWS's:
//
//   - The refresh point is placed at random in the first half of the advisory window (less the
//     mandatory window), not at its start, so that a fleet started together does not refresh
//     together, and a failed first try leaves half the window for the next. A 6-hour credential
//     is thus refreshed between 60 and 30½ minutes before expiry, 45 on average.
//     CacheOptions.NoRefreshJitter refreshes at the window's start.
//   - A non-recoverable error is returned only when no valid credentials are cached, and only
//     reported (Status, OnRefresh) otherwise: revoking trust does not revoke sessions already
//     issued, so the cached credentials may well still work. CacheOptions.ReturnNonRecoverable
//     returns it at once.
//
// A provider that panics fails its refresh like one that returns an error; the error repeats the
// panic value with the cached secrets and anything shaped like a web identity token redacted.
//
// A Cache is safe for concurrent use. Close stops its background work.
type Cache struct {
	provider hidden[Provider] // so that fmt never prints it (see hidden)
	opts     CacheOptions
	clock    clock

	cur        atomic.Pointer[entry]
	fresh      atomic.Pointer[entry] // cur while the timer says it is fresh, else nil
	refreshing atomic.Bool

	mu       sync.Mutex // guards inflight, closed, timer, and every store to cur and fresh
	inflight *flight
	closed   bool
	timer    timer // moves fresh to nil at the refresh point
	wg       sync.WaitGroup

	base      context.Context // parent of every refresh; cancelled by Close
	cancel    context.CancelFunc
	closeWait time.Duration // how long Close waits for a cancelled refresh; tests shorten it
}

// flight is one call to the provider that any number of callers may wait for.
type flight struct {
	done       chan struct{}
	creds      Credentials
	err        error
	background bool
}

// NewCache returns a Cache over opts.Provider, which it calls only when first asked for
// credentials. A nil Provider is an error; out-of-range durations get their defaults.
func NewCache(opts CacheOptions) (*Cache, error) {
	o, err := opts.normalized()
	if err != nil {
		return nil, err
	}
	base, cancel := context.WithCancel(context.Background())
	c := &Cache{provider: hide(o.Provider), clock: o.clock, base: base, cancel: cancel, closeWait: 5 * time.Second}
	o.Provider, o.clock = nil, nil // kept in c.provider and c.clock only
	c.opts = o
	return c, nil
}

// Retrieve returns credentials, from the cache when they are fresh. See Cache for when it waits.
func (c *Cache) Retrieve(ctx context.Context) (Credentials, error) {
	if e := c.fresh.Load(); e != nil {
		return e.creds, nil
	}
	return c.retrieveSlow(ctx)
}

// freshRecheck bounds how long the fast path goes without a wall clock read: timers follow the
// monotonic clock, which does not see the wall clock step (NTP) or a suspended machine.
const freshRecheck = time.Second

// store makes e the cached entry and, while it is fresh, publishes it on the fast path and arms
// the timer that withdraws it. The caller holds c.mu.
func (c *Cache) store(e *entry) {
	c.cur.Store(e)
	now := c.clock.Now().UnixNano()
	if c.closed || e.state(now) != stateFresh {
		c.fresh.Store(nil)
		return
	}
	if e.refreshAt != never && !c.arm(min(time.Duration(e.refreshAt-now), freshRecheck)) {
		c.fresh.Store(nil) // a clock without timers: Retrieve compares times (see nowFunc)
		return
	}
	c.fresh.Store(e)
}

// arm sets the timer to call tick after d, or reports false when the clock has no timers.
func (c *Cache) arm(d time.Duration) bool {
	if c.timer != nil {
		c.timer.Reset(d)
		return true
	}
	c.timer = c.clock.AfterFunc(d, c.tick)
	return c.timer != nil
}

// tick withdraws the entry from the fast path once its refresh point has passed, or rearms.
func (c *Cache) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fresh.Load() != nil {
		c.store(c.cur.Load())
	}
}

func (c *Cache) retrieveSlow(ctx context.Context) (Credentials, error) {
	for {
		e := c.cur.Load()
		now := c.clock.Now().UnixNano()
		st := e.state(now)
		switch {
		case st == stateFresh:
			return e.creds, nil // another caller refreshed in the meantime
		case e.inBackoff(now):
			if st == stateExpired && !e.expiryReported {
				c.reportServingExpired(e, now)
			}
			return e.creds, nil // a backoff is only ever set with credentials cached
		case e.holdingError(now):
			if c.servesDespite(st) {
				return e.creds, nil
			}
			return Credentials{}, e.lastErr
		case st == stateRefreshing:
			if !c.refreshing.Load() {
				c.startFlight(e, true)
			}
			return e.creds, nil
		}

		f, err := c.startFlight(e, false)
		switch {
		case errors.Is(err, errEntryChanged):
			continue // a refresh finished since e was read: judge the new entry
		case err != nil: // closed
			if st == stateStale {
				return e.creds, nil
			}
			return Credentials{}, err
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return Credentials{}, ctx.Err()
		}
		if f.err == nil {
			return f.creds, nil
		}
		// The refresh failed; what is cached now says what may still be served.
		e, now = c.cur.Load(), c.clock.Now().UnixNano()
		if e.inBackoff(now) || e.holdingError(now) && c.servesDespite(e.state(now)) {
			return e.creds, nil
		}
		return Credentials{}, f.err
	}
}

// servesDespite reports whether credentials in state st are served while a non-recoverable error
// is held: when they are still valid, unless CacheOptions.ReturnNonRecoverable.
func (c *Cache) servesDespite(st cacheState) bool {
	return (st == stateRefreshing || st == stateStale) && !c.opts.ReturnNonRecoverable
}

var errEntryChanged = errors.New("entry changed")

// startFlight returns the refresh in progress, or starts one if seen is still the current entry;
// errEntryChanged means another refresh has replaced seen (look again rather than refresh twice).
func (c *Cache) startFlight(seen *entry, background bool) (*flight, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, ErrCacheClosed
	case c.inflight != nil:
		return c.inflight, nil
	case c.cur.Load() != seen:
		return nil, errEntryChanged
	}
	f := &flight{done: make(chan struct{}), background: background}
	c.inflight = f
	c.refreshing.Store(true)
	c.wg.Add(1)
	go c.run(f)
	return f, nil
}

// run calls the provider once, stores the outcome and wakes the flight's waiters.
func (c *Cache) run(f *flight) {
	defer c.wg.Done()
	start := c.clock.Now()
	out := sharedOutcome{err: errProviderExited}
	// Deferred, so that the waiters are woken even if the provider calls runtime.Goexit (as
	// t.FailNow in a test does).
	defer func() { c.finish(f, start, out) }()
	ctx, cancel := context.WithTimeout(c.base, c.opts.RefreshTimeout)
	defer cancel()
	if c.opts.SharedDir != "" && sharedSupported {
		out = c.callShared(ctx, c.cur.Load())
		return
	}
	out.creds, out.err = c.call(ctx)
}

var errProviderExited = errors.New("credentials: provider ended its goroutine (runtime.Goexit) without returning")

func (c *Cache) finish(f *flight, start time.Time, out sharedOutcome) {
	end := c.clock.Now()
	creds, err := out.creds, out.err
	if err == nil {
		err = validate(creds, end)
	}

	c.mu.Lock()
	prev := c.cur.Load()
	next := out.e // from callShared: its times are the shared file's
	if err != nil || next == nil {
		next = c.outcome(prev, creds, err, end)
	}
	c.store(next)
	c.inflight = nil
	c.refreshing.Store(false)
	c.mu.Unlock()

	f.creds, f.err = creds, err
	// Report before waking the waiters, so that a log about the refresh precedes their use of it.
	c.report(f, start, end, next, out.note)
	close(f.done)
}

// call runs the provider, turning a panic into an error (see Cache) so that it neither takes the
// process down nor leaves waiters stuck.
func (c *Cache) call(ctx context.Context) (creds Credentials, err error) {
	defer func() {
		if r := recover(); r != nil {
			var secrets []string
			if e := c.cur.Load(); e != nil && e.has {
				secrets = []string{e.creds.SecretAccessKey, e.creds.SessionToken}
			}
			text := redact.Clip(redact.Tokens(redact.Secrets(fmt.Sprint(r), secrets...)), 512)
			creds, err = Credentials{}, fmt.Errorf("credentials: provider %T panicked: %s", c.provider.get(), text)
		}
	}()
	return c.provider.get().Retrieve(ctx)
}

// outcome is the entry that follows prev after a refresh that ended at end with creds or err.
// The caller holds c.mu.
func (c *Cache) outcome(prev *entry, creds Credentials, err error, end time.Time) *entry {
	if err == nil {
		return newEntry(creds, end, &c.opts)
	}
	next := &entry{}
	if prev != nil {
		*next = *prev
	}
	now := end.UnixNano()
	next.lastErr, next.lastErrAt = err, now
	next.backoffUntil, next.holdErrUntil = 0, 0
	switch {
	case IsNonRecoverable(err):
		next.holdErrUntil = now + int64(c.opts.NonRecoverableHold)
	case next.has && !c.closed: // a refresh Close cancelled is no failure to back off from
		next.backoffUntil = c.backoffEnd(next, now)
		next.expiryReported = now >= next.expiresAt // this refresh's own event says so
	}
	return next
}

// backoffEnd is when the backoff of a refresh that failed at now ends, e being the entry after
// it (see Cache; AWS requires the backoff once credentials have expired, not that it outlive
// them). The first cut backoff of a credential ends at random in the second half of what was
// left, so that a fleet that failed together does not retry together.
func (c *Cache) backoffEnd(e *entry, now int64) int64 {
	end := now + int64(c.opts.backoff())
	if now >= e.staleAt || end <= e.staleAt {
		return end
	}
	if e.backoffCut {
		return e.staleAt
	}
	e.backoffCut = true
	left := e.staleAt - now
	return e.staleAt - int64(c.opts.Rand()*float64(left/2))
}

func validate(c Credentials, now time.Time) error {
	switch {
	case c.AccessKeyID == "":
		return fmt.Errorf("%w: the access key ID is empty (source %q)", ErrInvalidCredentials, c.Source)
	case c.SecretAccessKey == "":
		return fmt.Errorf("%w: the secret access key is empty (access key ID %s, source %q)", ErrInvalidCredentials, keyID(c.AccessKeyID), c.Source)
	case c.CanExpire() && !c.Expires.After(now):
		return fmt.Errorf("%w: they expired at %s, before they arrived at %s (access key ID %s, source %q)",
			ErrInvalidCredentials, c.Expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), keyID(c.AccessKeyID), c.Source)
	}
	return nil
}

// RefreshEvent describes one refresh attempt, for CacheOptions.OnRefresh. It holds no secret.
type RefreshEvent struct {
	// Start and Duration time the call to the provider.
	Start    time.Time
	Duration time.Duration
	// Background is true when the refresh ran ahead of time with no caller waiting for it.
	Background bool
	// Err is the refresh's error, or nil.
	Err error
	// NonRecoverable is true when Err is non-recoverable (no backoff; held for a few seconds).
	NonRecoverable bool
	// AccessKeyID, Source, RoleARN and Expires describe the credentials now cached.
	AccessKeyID, Source, RoleARN string
	Expires                      time.Time
	// NextRefresh is when the Cache will next refresh on its own.
	NextRefresh time.Time
	// BackoffUntil is the end of the backoff a failure started, or zero.
	BackoffUntil time.Time
	// ServingExpired is true when expired credentials are being served during a backoff: after
	// a refresh that failed past their expiry, or (once) when they expire during the backoff.
	ServingExpired bool
	// SharedDirErr is a problem with CacheOptions.SharedDir that the refresh worked around by
	// calling the provider: a directory refused, a file ignored (and replaced), a file not
	// written. Nil otherwise. It never holds a secret.
	SharedDirErr error
}

func (c *Cache) report(f *flight, start, end time.Time, e *entry, sharedErr error) {
	ev := e.event()
	ev.Start, ev.Duration, ev.Background, ev.Err, ev.SharedDirErr = start, end.Sub(start), f.background, f.err, sharedErr
	ev.NonRecoverable = f.err != nil && IsNonRecoverable(f.err)
	ev.ServingExpired = f.err != nil && e.backoffUntil != 0 && e.state(end.UnixNano()) == stateExpired
	c.hook(ev)
}

func (e *entry) event() RefreshEvent {
	ev := RefreshEvent{BackoffUntil: unixTime(e.backoffUntil), NextRefresh: unixTime(e.nextRefresh())}
	if e.has {
		ev.AccessKeyID, ev.Source, ev.RoleARN, ev.Expires = e.creds.AccessKeyID, e.creds.Source, e.creds.RoleARN, e.creds.Expires
	}
	return ev
}

func (c *Cache) hook(ev RefreshEvent) {
	if c.opts.OnRefresh == nil {
		return
	}
	defer func() { _ = recover() }() // a panicking hook must not break the cache
	c.opts.OnRefresh(ev)
}

// reportServingExpired tells the hook, once per entry, that credentials which expired during a
// backoff are being served: the failed refresh's own event may not have said so.
func (c *Cache) reportServingExpired(e *entry, now int64) {
	c.mu.Lock()
	if c.cur.Load() != e || e.expiryReported {
		c.mu.Unlock()
		return
	}
	next := *e
	next.expiryReported = true
	c.store(&next)
	c.mu.Unlock()
	ev := next.event()
	ev.Start, ev.Err, ev.ServingExpired = unixTime(now), e.lastErr, true
	c.hook(ev)
}

// nextRefresh is when the cache will next call its provider unprompted (0: not scheduled).
func (e *entry) nextRefresh() int64 {
	switch {
	case !e.has || e.refreshAt == never:
		return 0
	case e.backoffUntil > e.refreshAt:
		return e.backoffUntil
	case e.holdErrUntil > e.refreshAt:
		return e.holdErrUntil
	}
	return e.refreshAt
}

// Invalidate tells the Cache that a service refused the credentials with this access key ID
// (ExpiredToken, a 403). If they are still cached, the next Retrieve waits for a refresh, as in
// the mandatory window, unless a backoff is running (the source is still left alone then).
func (c *Cache) Invalidate(accessKeyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.cur.Load()
	if e == nil || !e.has || e.creds.AccessKeyID != accessKeyID || e.invalidated {
		return
	}
	next := *e
	next.invalidated = true
	next.refreshAt = c.clock.Now().UnixNano() // due now; Status reports it as the next refresh
	c.store(&next)
}

// CacheStatus is a snapshot of a Cache for health endpoints and logs. It holds no secret.
type CacheStatus struct {
	// State is where the cached credentials stand now (see Cache): "empty", "fresh",
	// "refreshing", "stale" (also when invalidated) or "expired".
	State string
	// AccessKeyID, Source, RoleARN and Expires describe the cached credentials, if any.
	AccessKeyID, Source, RoleARN string
	Expires                      time.Time
	// RefreshedAt is when the cached credentials arrived.
	RefreshedAt time.Time
	// NextRefresh is when the Cache will next refresh on its own (zero: never or not scheduled).
	NextRefresh time.Time
	// Refreshing is true while a refresh is running.
	Refreshing bool
	// Invalidated is true when Invalidate marked the cached credentials as refused.
	Invalidated bool
	// BackoffUntil is the end of the current backoff, or zero.
	BackoffUntil time.Time
	// LastError is the last refresh's error (nil after a success) and LastErrorAt when it came.
	LastError   error
	LastErrorAt time.Time
}

// Status reports the Cache's state.
func (c *Cache) Status() CacheStatus {
	e := c.cur.Load()
	now := c.clock.Now().UnixNano()
	s := CacheStatus{State: e.state(now).String(), Refreshing: c.refreshing.Load()}
	if e == nil {
		return s
	}
	if e.has {
		s.AccessKeyID, s.Source, s.RoleARN, s.Expires = e.creds.AccessKeyID, e.creds.Source, e.creds.RoleARN, e.creds.Expires
		s.RefreshedAt = unixTime(e.refreshedAt)
		s.NextRefresh = unixTime(e.nextRefresh())
		s.Invalidated = e.invalidated
	}
	if e.inBackoff(now) {
		s.BackoffUntil = unixTime(e.backoffUntil)
	}
	s.LastError, s.LastErrorAt = e.lastErr, unixTime(e.lastErrAt)
	return s
}

// Close cancels a refresh in progress and waits for it to return, but at most 5 s: a provider
// that ignores its context is then abandoned (its refresh ends whenever it returns) and Close
// returns an error saying so. Afterwards Retrieve serves the cached credentials while they are
// valid and returns ErrCacheClosed when a refresh would be needed. Close is idempotent and
// returns nil unless it abandoned a refresh.
func (c *Cache) Close() error {
	c.mu.Lock()
	c.closed = true
	f := c.inflight
	c.fresh.Store(nil) // from now on every call compares times: the timer is stopped
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	c.cancel()
	if f != nil {
		select {
		case <-f.done:
		case <-time.After(c.closeWait):
			return fmt.Errorf("credentials: Close: provider %T did not return within %v of its context being cancelled; its refresh is abandoned", c.provider.get(), c.closeWait)
		}
	}
	c.wg.Wait() // the refresh's goroutine ends right after f.done is closed
	return nil
}
