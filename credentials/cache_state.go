package credentials

import (
	"math"
	"time"
)

// State is where cached credentials stand in their life, as the Cache sees them.
type State int

// The states, in the order credentials pass through them.
const (
	// StateEmpty: nothing cached yet (or the last refresh failed with nothing to fall back on).
	StateEmpty State = iota
	// StateFresh: served by an atomic load and a time comparison.
	StateFresh
	// StateRefreshing: inside the advisory window. Callers get the cached credentials at once;
	// one background refresh runs.
	StateRefreshing
	// StateStale: inside the mandatory window (or invalidated). Callers wait for one shared
	// refresh, each bounded by its own context.
	StateStale
	// StateExpired: past expiry. Callers wait for a refresh like in StateStale; if it fails with a
	// recoverable error the expired credentials are still served (static stability).
	StateExpired
)

var stateNames = [...]string{"empty", "fresh", "refreshing", "stale", "expired"}

// String returns the state's name as Status reports it: "fresh", "refreshing", ...
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "unknown"
	}
	return stateNames[s]
}

const never = math.MaxInt64

// entry is one immutable snapshot of the cache: the credentials, the times that move them from
// state to state, and what the last failed refresh left behind. The Cache swaps whole entries
// atomically, so a reader always sees one consistent snapshot. Times are Unix nanoseconds so
// that the fresh path compares two integers.
type entry struct {
	creds Credentials
	has   bool // creds holds credentials

	refreshAt int64 // start of the refreshing state (jittered inside the advisory window)
	staleAt   int64 // start of the stale state (mandatory window), or 0 after Invalidate
	expiresAt int64 // expiry, or never

	invalidated bool // a service refused these credentials (Invalidate)

	expiryReported bool // the hook was told these expired credentials are served during a backoff

	backoffUntil int64 // after a failed refresh: the source is left alone until then
	lastErr      error // the last refresh's error, nil after a success
	lastErrAt    int64
	holdErrUntil int64 // a non-recoverable lastErr is answered from memory until then
	refreshedAt  int64 // when creds arrived
}

// state tells where e stands at now (Unix nanoseconds).
func (e *entry) state(now int64) State {
	switch {
	case e == nil || !e.has:
		return StateEmpty
	case now >= e.expiresAt:
		return StateExpired
	case e.invalidated || now >= e.staleAt:
		return StateStale
	case now >= e.refreshAt:
		return StateRefreshing
	default:
		return StateFresh
	}
}

func (e *entry) inBackoff(now int64) bool { return e != nil && now < e.backoffUntil }

// holdingError reports whether a non-recoverable error is still to be answered from memory.
func (e *entry) holdingError(now int64) bool { return e != nil && now < e.holdErrUntil }

// newEntry makes the entry for credentials c that arrived at now.
func newEntry(c Credentials, now time.Time, o *CacheOptions) *entry {
	e := &entry{creds: c, has: true, refreshedAt: now.UnixNano()}
	if !c.CanExpire() {
		e.refreshAt, e.staleAt, e.expiresAt = never, never, never
		return e
	}
	advisory, mandatory := o.windows(now, c.Expires)
	e.expiresAt = c.Expires.UnixNano()
	e.staleAt = e.expiresAt - int64(mandatory)
	spread := float64(advisory-mandatory) * o.RefreshJitter * o.Rand()
	e.refreshAt = e.expiresAt - int64(advisory) + int64(spread)
	return e
}

func unixTime(n int64) time.Time {
	if n == 0 || n == never {
		return time.Time{}
	}
	return time.Unix(0, n)
}
