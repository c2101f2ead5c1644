package credentials

import (
	"math"
	"time"
)

// cacheState is where cached credentials stand in their life, as the Cache sees them.
// CacheStatus reports it by name.
type cacheState int

// The states, in the order credentials pass through them (see Cache).
const (
	stateEmpty      cacheState = iota // nothing cached (or the last refresh failed with nothing to fall back on)
	stateFresh                        // served from the fast path
	stateRefreshing                   // in the advisory window: served while one background refresh runs
	stateStale                        // in the mandatory window (or invalidated): callers wait for a refresh
	stateExpired                      // past expiry: like stale, and served during a backoff (static stability)
)

var stateNames = [...]string{"empty", "fresh", "refreshing", "stale", "expired"}

// String returns the state's name as CacheStatus reports it: "fresh", "refreshing", ...
func (s cacheState) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "unknown"
	}
	return stateNames[s]
}

const never = math.MaxInt64

// entry is one immutable snapshot of the cache, swapped whole atomically. Times are Unix
// nanoseconds so that comparing them is cheap.
type entry struct {
	creds Credentials
	has   bool // creds holds credentials

	refreshAt int64 // start of the refreshing state (jittered inside the advisory window)
	staleAt   int64 // start of the stale state (mandatory window)
	expiresAt int64 // expiry, or never

	invalidated bool // a service refused these credentials (Invalidate)

	expiryReported bool // the hook was told these expired credentials are served during a backoff

	backoffUntil int64 // after a failed refresh: the source is left alone until then
	backoffCut   bool  // a backoff was cut to end by staleAt (see Cache.backoffEnd)
	lastErr      error // the last refresh's error, nil after a success
	lastErrAt    int64
	holdErrUntil int64 // a non-recoverable lastErr is answered from memory until then
	refreshedAt  int64 // when creds arrived
}

// state tells where e stands at now (Unix nanoseconds).
func (e *entry) state(now int64) cacheState {
	switch {
	case e == nil || !e.has:
		return stateEmpty
	case now >= e.expiresAt:
		return stateExpired
	case e.invalidated || now >= e.staleAt:
		return stateStale
	case now >= e.refreshAt:
		return stateRefreshing
	default:
		return stateFresh
	}
}

func (e *entry) inBackoff(now int64) bool { return e != nil && now < e.backoffUntil }

// holdingError reports whether a non-recoverable error is still to be answered from memory.
func (e *entry) holdingError(now int64) bool { return e != nil && now < e.holdErrUntil }

// newEntry makes the entry for credentials c that arrived at now.
func newEntry(c Credentials, now time.Time, o *CacheOptions) *entry {
	return newEntryJitter(c, now, o, o.Rand())
}

// newEntryJitter is newEntry with r, in [0, 1], in place of a random number.
func newEntryJitter(c Credentials, now time.Time, o *CacheOptions, r float64) *entry {
	e := &entry{creds: c, has: true, refreshedAt: now.UnixNano()}
	if !c.CanExpire() {
		e.refreshAt, e.staleAt, e.expiresAt = never, never, never
		return e
	}
	advisory, mandatory := o.windows(now, c.Expires)
	// Clamped below never ("does not expire"): UnixNano overflows after 2262-04-11, and STS never
	// sends such dates, but a custom provider or a proxy can.
	e.expiresAt = never - 1
	if !c.Expires.After(time.Unix(0, never-1)) {
		e.expiresAt = c.Expires.UnixNano()
	}
	e.staleAt = e.expiresAt - int64(mandatory)
	e.refreshAt = e.expiresAt - int64(advisory)
	if !o.NoRefreshJitter {
		e.refreshAt += int64(float64(advisory-mandatory) * refreshJitter * r)
	}
	return e
}

func unixTime(n int64) time.Time {
	if n == 0 || n == never {
		return time.Time{}
	}
	return time.Unix(0, n)
}
