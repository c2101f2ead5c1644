// Package wait holds the one way this module sleeps: for a while, unless a context ends first.
// internal/readfile's retry, examples/s3ls, the credentials Client's retries and the Cache tail
// benchmark (BenchmarkCacheRefreshTail) use it.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done, whichever comes first; it returns ctx.Err() in the
// second case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
