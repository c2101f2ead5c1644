// Package wait holds the one way this module sleeps: for a while, unless a context ends first.
// The fake STS's injected latency and credentials' BenchmarkCacheRefreshTail use it.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done, whichever comes first; it returns ctx.Err() in the
// second case.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
