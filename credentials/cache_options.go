package credentials

import (
	"math/rand/v2"
	"time"
)

// Defaults of CacheOptions. Each follows AWS's 2026 cross-SDK credential refresh behaviour unless
// its comment says otherwise.
const (
	// DefaultMandatoryWindow is the last stretch before expiry in which callers wait for a refresh
	// instead of using the old credentials: one minute, enough for a request signed now to reach
	// the service before the credentials expire.
	DefaultMandatoryWindow = time.Minute
	// DefaultRefreshJitter places the refresh point uniformly in the first half of the advisory
	// window, so pods started together spread their STS calls and a failed first try leaves half
	// the window for the next.
	DefaultRefreshJitter = 0.5
	// DefaultBackoffMin and DefaultBackoffMax bound the random pause after a failed refresh during
	// which the source is not contacted (AWS: 300–600 s). A random pause keeps a fleet that failed
	// together from retrying together.
	DefaultBackoffMin = 300 * time.Second
	DefaultBackoffMax = 600 * time.Second
	// DefaultNonRecoverableHold is how long a non-recoverable error is remembered (at most 5 s):
	// long enough that a caller looping on it does not hammer STS, short enough that a fixed
	// trust policy is picked up at once.
	DefaultNonRecoverableHold = 5 * time.Second
	// DefaultRefreshTimeout bounds one refresh that callers do not wait for (background
	// refreshes, and shared refreshes after their callers gave up). It is not in AWS's text; the
	// light STS client's own attempts and retries fit well inside it.
	DefaultRefreshTimeout = time.Minute
)

// CacheOptions configures a Cache. The zero value gives the documented defaults.
type CacheOptions struct {
	// RefreshAhead is the advisory window: how long before expiry the Cache starts refreshing in
	// the background while it keeps serving the current credentials. Optional; default chosen from
	// each new credential's lifetime as AWS specifies: 5 min for lifetimes up to 20 min, 15 min
	// below 90 min, 60 min from 90 min on. A window as long as the lifetime or longer is cut to
	// half the lifetime, so very short-lived credentials (below STS's 15-minute minimum, say from
	// a custom provider) do not refresh in a loop.
	RefreshAhead time.Duration
	// Mandatory is the window before expiry in which callers wait for a shared refresh. Optional;
	// default DefaultMandatoryWindow, and never longer than the advisory window.
	Mandatory time.Duration
	// RefreshJitter is the fraction, in [0, 1], of the advisory window (less the mandatory window)
	// over which the refresh point is spread at random. Optional; default DefaultRefreshJitter.
	// Set NoJitter to refresh exactly at the start of the advisory window.
	RefreshJitter float64
	// NoJitter turns jitter off (RefreshJitter's zero value means "default"). Optional.
	NoJitter bool
	// BackoffMin and BackoffMax bound the random backoff after a failed refresh. Optional;
	// defaults DefaultBackoffMin and DefaultBackoffMax.
	BackoffMin, BackoffMax time.Duration
	// NonRecoverableHold is how long a non-recoverable error is remembered. Optional; default
	// DefaultNonRecoverableHold; values above 5 s are lowered to 5 s.
	NonRecoverableHold time.Duration
	// RefreshTimeout bounds a refresh that no caller waits for. Optional; default
	// DefaultRefreshTimeout.
	RefreshTimeout time.Duration
	// Now returns the current time. Optional; default time.Now. Tests inject a clock here.
	Now func() time.Time
	// Rand returns a random number in [0, 1) for jitter and backoff. It must be safe for
	// concurrent use. Optional; default math/rand/v2.Float64.
	Rand func() float64
	// OnRefresh is called after every refresh attempt, from the goroutine that ran it and before
	// the callers waiting for it get its result, with what happened (never a secret). It is also
	// called once, with ServingExpired set and no Duration, from the Retrieve that first serves
	// credentials which expired during a backoff. It must not block for long: callers wait for
	// it. Optional.
	OnRefresh func(RefreshEvent)
}

// normalized returns o with every unset or out-of-range field replaced by its default.
func (o CacheOptions) normalized() CacheOptions {
	if o.RefreshAhead < 0 {
		o.RefreshAhead = 0
	}
	if o.Mandatory <= 0 {
		o.Mandatory = DefaultMandatoryWindow
	}
	switch {
	case o.NoJitter:
		o.RefreshJitter = 0
	case o.RefreshJitter <= 0:
		o.RefreshJitter = DefaultRefreshJitter
	case o.RefreshJitter > 1:
		o.RefreshJitter = 1
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = DefaultBackoffMin
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.BackoffMax < o.BackoffMin {
		o.BackoffMax = o.BackoffMin
	}
	if o.NonRecoverableHold <= 0 || o.NonRecoverableHold > DefaultNonRecoverableHold {
		o.NonRecoverableHold = DefaultNonRecoverableHold
	}
	if o.RefreshTimeout <= 0 {
		o.RefreshTimeout = DefaultRefreshTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return o
}

// advisoryWindow is AWS's refresh-ahead window for credentials that live for lifetime.
func advisoryWindow(lifetime time.Duration) time.Duration {
	switch {
	case lifetime <= 20*time.Minute:
		return 5 * time.Minute
	case lifetime < 90*time.Minute:
		return 15 * time.Minute
	default:
		return 60 * time.Minute
	}
}

// windows returns the advisory and mandatory windows for credentials received at now that expire
// at expires.
func (o CacheOptions) windows(now, expires time.Time) (advisory, mandatory time.Duration) {
	lifetime := expires.Sub(now)
	advisory = o.RefreshAhead
	if advisory == 0 {
		advisory = advisoryWindow(lifetime)
	}
	if advisory >= lifetime {
		advisory = lifetime / 2
	}
	mandatory = min(o.Mandatory, advisory)
	return advisory, mandatory
}

// backoff returns a random duration in [BackoffMin, BackoffMax].
func (o CacheOptions) backoff() time.Duration {
	return o.BackoffMin + time.Duration(o.Rand()*float64(o.BackoffMax-o.BackoffMin))
}
