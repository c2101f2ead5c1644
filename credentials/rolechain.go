package credentials

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RoleChainOptions configures NewRoleChain.
type RoleChainOptions struct {
	// Source provides the credentials that sign the first role's AssumeRole request. Required.
	// It is wrapped in a Cache made with Cache unless it is a *Cache already, which the caller
	// keeps owning (Close leaves it open).
	Source Provider
	// Roles configures the hops in order: Roles[0] is assumed with Source's credentials, each
	// next role with the previous one's. At least one is required. Each one's Source must be
	// empty: the chain sets it.
	Roles []AssumeRoleOptions
	// Cache configures every Cache the chain makes. Optional.
	Cache CacheOptions
}

// RoleChain is a chain of role sessions, Source → Roles[0] → Roles[1] → …, in which every hop
// is an AssumeRole behind its own Cache, signed with the cached credentials of the hop below.
// Refreshing one hop therefore costs one STS call, not one per hop as in SDKs that re-run the
// whole chain (aws-sdk-go-v2, the Rust SDK). It is a Provider: Retrieve returns the last hop's
// credentials.
//
// The chain decides the order in which hops refresh. No hop's credentials expire later than
// those of the hop below (see AssumeRole). So that this does not cut a session short, when they
// would expire before the session a hop asks for, the chain has the hop below refresh first
// (Invalidate, then Retrieve again) if that hop is due to refresh anyway or its credentials would
// leave less than half the session; never while it is backing off after a failure.
type RoleChain struct {
	hops  []*Cache
	owned []bool // hops[i] was made by NewRoleChain and is closed by Close
}

// NewRoleChain checks opts and builds the chain. It makes no request; configuration errors are
// non-recoverable, and on error nothing is left running.
func NewRoleChain(opts RoleChainOptions) (*RoleChain, error) {
	switch {
	case opts.Source == nil:
		return nil, MarkNonRecoverable(errors.New("credentials: NewRoleChain: Source is required"))
	case len(opts.Roles) == 0:
		return nil, MarkNonRecoverable(errors.New("credentials: NewRoleChain: at least one role is required"))
	}
	for i, r := range opts.Roles {
		if r.Source != nil {
			return nil, MarkNonRecoverable(fmt.Errorf("credentials: NewRoleChain: Roles[%d].Source must be empty: the chain signs each hop with the one before it", i))
		}
	}
	r := &RoleChain{}
	first, given := opts.Source.(*Cache)
	if !given {
		first = newOwnedCache(opts.Source, opts.Cache)
	}
	r.hops, r.owned = append(r.hops, first), append(r.owned, !given)
	for _, o := range opts.Roles {
		now := o.Now
		if now == nil {
			now = time.Now
		}
		o.Source = &hopSource{below: r.hops[len(r.hops)-1], duration: o.Duration, now: now}
		a, err := NewAssumeRole(o)
		if err != nil {
			r.Close()
			return nil, err
		}
		r.hops, r.owned = append(r.hops, newOwnedCache(a, opts.Cache)), append(r.owned, true)
	}
	return r, nil
}

// Retrieve returns the last hop's credentials, from its Cache.
func (r *RoleChain) Retrieve(ctx context.Context) (Credentials, error) {
	return r.hops[len(r.hops)-1].Retrieve(ctx)
}

// Hops returns the chain's Caches, the source's first and the last role's last, for Status and
// Invalidate.
func (r *RoleChain) Hops() []*Cache { return append([]*Cache(nil), r.hops...) }

// Close closes the Caches the chain made, from the last hop down. It is idempotent and returns
// their Close errors joined (see Cache.Close), or nil.
func (r *RoleChain) Close() error {
	var errs []error
	for i := len(r.hops) - 1; i >= 0; i-- {
		if r.owned[i] {
			errs = append(errs, r.hops[i].Close())
		}
	}
	return errors.Join(errs...)
}

// cachedHop is what the chain uses of the Cache below a hop.
type cachedHop interface {
	Provider
	Status() CacheStatus
	Invalidate(accessKeyID string)
}

// hopSource is the Source of a chain's AssumeRole: the Cache of the hop below (see RoleChain).
type hopSource struct {
	below    cachedHop
	duration time.Duration // the hop's AssumeRoleOptions.Duration
	now      func() time.Time
}

// String names the hop below without describing it again: RoleChain's String lists every hop.
func (h *hopSource) String() string { return "the previous hop" }

// Retrieve returns the credentials of the hop below, newer ones if those would cut the session
// short.
func (h *hopSource) Retrieve(ctx context.Context) (Credentials, error) {
	src, err := h.below.Retrieve(ctx)
	if err != nil || !src.HasKeys() {
		return src, err
	}
	want := sessionDuration(h.duration, src)
	if want == 0 {
		want = time.Hour // STS's default
	}
	now := h.now()
	if !src.CanExpire() || !src.Expires.Before(now.Add(want)) {
		return src, nil
	}
	st := h.below.Status()
	switch {
	case !st.BackoffUntil.IsZero():
		return src, nil
	case st.AccessKeyID != src.AccessKeyID:
		// The hop below refreshed between handing out src and now (a background refresh that
		// src's own Retrieve started can finish that fast): take what it holds now.
		return h.later(ctx, src), nil
	}
	due := st.Refreshing || (!st.NextRefresh.IsZero() && !now.Before(st.NextRefresh))
	if !due && src.Expires.Sub(now) >= want/2 {
		return src, nil
	}
	h.below.Invalidate(src.AccessKeyID)
	return h.later(ctx, src), nil
}

// later asks the hop below again and returns its answer if that expires later than src, and src
// otherwise (an error, or the hop below still holding the same credentials).
func (h *hopSource) later(ctx context.Context, src Credentials) Credentials {
	newer, err := h.below.Retrieve(ctx)
	if err != nil || !newer.HasKeys() || (newer.CanExpire() && !newer.Expires.After(src.Expires)) {
		return src
	}
	return newer
}

// newOwnedCache puts p, never nil here, behind a Cache: NewCache's only error is a nil Provider.
func newOwnedCache(p Provider, opts CacheOptions) *Cache {
	opts.Provider = p
	c, _ := NewCache(opts)
	return c
}

// cacheKey is the last hop's key (see cacheKeyer), which holds every hop's.
func (r *RoleChain) cacheKey(ctx context.Context) (string, error) {
	return sourceKey(ctx, r.hops[len(r.hops)-1])
}

// cacheKey is the key of the hop below (see cacheKeyer).
func (h *hopSource) cacheKey(ctx context.Context) (string, error) { return sourceKey(ctx, h.below) }
