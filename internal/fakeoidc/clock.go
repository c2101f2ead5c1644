package fakeoidc

import (
	"sync"
	"time"
)

// Clock is a settable clock for tests: its Now method is what Options.Now (here and in
// fakests) expects. The zero Clock starts at 2026-11-24T06:00:00Z. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// DefaultStart is the time a zero Clock starts at.
var DefaultStart = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

// NewClock returns a Clock that starts at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = DefaultStart
	}
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = DefaultStart
	}
	c.now = c.now.Add(d)
	return c.now
}
