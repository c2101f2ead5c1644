package credentials

import (
	"errors"
	"math/rand/v2"
	"time"
)

// refreshJitter is the fraction of the advisory window (less the mandatory window) over which
// refresh points are spread (see Cache).
const refreshJitter = 0.5

// CacheOptions configures a Cache. Only Provider is required; every other field's zero value
// gives the documented default.
type CacheOptions struct {
	// Provider is where the Cache gets credentials. Required.
	Provider Provider
	// RefreshAhead is the advisory window: how long before expiry the Cache starts refreshing in
	// the background. Optional; default from each credential's lifetime, as AWS specifies: 5 min
	// up to 20 min, 15 min below 90 min, 60 min from 90 min on. A window as long as the lifetime
	// is cut to half of it, so that very short-lived credentials do not refresh in a loop.
	RefreshAhead time.Duration
	// Mandatory is the window before expiry in which callers wait for a shared refresh: time for
	// a request signed now to reach the service before the credentials expire. Optional; default
	// one minute, and never longer than the advisory window.
	Mandatory time.Duration
	// NoRefreshJitter puts the refresh point exactly at the start of the advisory window, as AWS
	// does. By default (false) it is placed at random in the first half of that window (see
	// Cache). One switch rather than a fraction, since only these two settings have a reason:
	// spread a fleet, or behave exactly like the SDKs. Optional.
	NoRefreshJitter bool
	// ReturnNonRecoverable makes Retrieve return a non-recoverable refresh error (see
	// IsNonRecoverable) while it is held, even when valid credentials are cached, as AWS does. By
	// default (false) such an error is returned only when nothing valid is cached (see Cache).
	// Optional.
	ReturnNonRecoverable bool
	// BackoffMin and BackoffMax bound the random pause after a failed refresh (random, so that a
	// fleet that failed together does not retry together). Optional; defaults 300 s and 600 s.
	BackoffMin, BackoffMax time.Duration
	// NonRecoverableHold is how long a non-recoverable error is answered from memory: long enough
	// that a caller looping on it does not hammer STS, short enough that a fixed trust policy is
	// picked up at once. Optional; default and maximum 5 s.
	NonRecoverableHold time.Duration
	// RefreshTimeout bounds a refresh that no caller waits for (or whose callers gave up); the
	// light STS client's attempts and retries fit well inside it. Optional; default one minute.
	RefreshTimeout time.Duration
	// Now returns the current time, for tests of code that uses a Cache. Optional; default the
	// system clock. A Cache cannot arm timers on a clock given as a function, so with Now set
	// Retrieve reads Now every time (still without lock or allocation).
	Now func() time.Time
	// Rand returns a random number in [0, 1) for jitter and backoff. It must be safe for
	// concurrent use. Optional; default math/rand/v2.Float64.
	Rand func() float64
	// OnRefresh is called after every refresh attempt, before the callers waiting for it get its
	// result, and once, with ServingExpired set, from the Retrieve that first serves credentials
	// which expired during a backoff. It must not block for long: callers wait for it. Optional.
	OnRefresh func(RefreshEvent)
	// SharedDir is a directory where the credentials are kept in files shared with other
	// processes of the same user, so that short-lived processes (a CronJob, the AWS CLI's
	// credential_process) reuse them instead of each calling STS; 20 processes started together
	// make one call. Optional; default "" (off). It is created 0700 if missing, and not used when
	// it is a symbolic link or belongs to another user or group or others can write it.
	//
	// Only the credentials of WebIdentity, AssumeRole and RoleChain are kept there (of an
	// AssumeRole only when its source is one of these or a Cache over one, and only with a
	// *Client or an *sts.Client), one file per identity, named by a SHA-256 of what decides the
	// credentials (role, session name, policies, duration, external ID, STS endpoint, each hop
	// of a chain, the web identity token's iss, sub and aud; never a secret). The token is read
	// for every refresh, so a file is used only while the token is readable and unexpired. A
	// file is used only until its refresh point, and a damaged, foreign or too-open one is
	// ignored and replaced (RefreshEvent.SharedDirErr says why): the files never keep a
	// refresh from reaching the provider. On systems other than Unix (no flock) it is ignored.
	SharedDir string

	// clock replaces Now and the system timers in this package's tests (see clock).
	clock clock
}

var errNoProvider = MarkNonRecoverable(errors.New("credentials: NewCache: CacheOptions.Provider is required"))

// normalized checks o and returns it with every unset or out-of-range field set to its default.
func (o CacheOptions) normalized() (CacheOptions, error) {
	if o.Provider == nil {
		return o, errNoProvider
	}
	// The defaults follow AWS's 2026 cross-SDK refresh behaviour, except RefreshTimeout's.
	o.RefreshAhead = max(o.RefreshAhead, 0)
	o.Mandatory = positiveOr(o.Mandatory, time.Minute)
	o.BackoffMin = positiveOr(o.BackoffMin, 300*time.Second)
	o.BackoffMax = max(positiveOr(o.BackoffMax, 600*time.Second), o.BackoffMin)
	o.NonRecoverableHold = min(positiveOr(o.NonRecoverableHold, 5*time.Second), 5*time.Second)
	o.RefreshTimeout = positiveOr(o.RefreshTimeout, time.Minute)
	switch {
	case o.clock != nil:
	case o.Now != nil:
		o.clock = nowFunc(o.Now)
	default:
		o.clock = systemClock{}
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return o, nil
}

// positiveOr is d, or def when d is not positive.
func positiveOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// windows returns the advisory and mandatory windows for credentials received at now that expire
// at expires: RefreshAhead, or AWS's window for their lifetime, and Mandatory, both cut to fit.
func (o *CacheOptions) windows(now, expires time.Time) (advisory, mandatory time.Duration) {
	lifetime := expires.Sub(now)
	switch advisory = o.RefreshAhead; {
	case advisory != 0:
	case lifetime <= 20*time.Minute:
		advisory = 5 * time.Minute
	case lifetime < 90*time.Minute:
		advisory = 15 * time.Minute
	default:
		advisory = 60 * time.Minute
	}
	if advisory >= lifetime {
		advisory = lifetime / 2
	}
	return advisory, min(o.Mandatory, advisory)
}

// backoff returns a random duration in [BackoffMin, BackoffMax].
func (o *CacheOptions) backoff() time.Duration {
	return o.BackoffMin + time.Duration(o.Rand()*float64(o.BackoffMax-o.BackoffMin))
}

// clock is where a Cache reads the time and arms its timer. Tests use a fake whose timers fire
// when the test moves its time, so that they run production's fast path.
type clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) timer // nil when the clock has no timers
}

// timer is the part of *time.Timer a Cache uses.
type timer interface {
	Reset(d time.Duration) bool
	Stop() bool
}

type systemClock struct{}

func (systemClock) Now() time.Time                            { return time.Now() }
func (systemClock) AfterFunc(d time.Duration, f func()) timer { return time.AfterFunc(d, f) }

// nowFunc is a clock given as CacheOptions.Now, without timers.
type nowFunc func() time.Time

func (f nowFunc) Now() time.Time                      { return f() }
func (nowFunc) AfterFunc(time.Duration, func()) timer { return nil }
