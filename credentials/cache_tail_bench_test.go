package credentials

import (
	"context"
	"flag"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/irsa-go/irsa/internal/wait"
)

// The README's figures use 20 s; the default keeps `go test -bench .` short.
var refreshTailDuration = flag.Duration("refreshtail.duration", 6*time.Second, "how long BenchmarkCacheRefreshTail calls Retrieve in each run")

const (
	tailProviderDelay = 200 * time.Millisecond // how long one refresh takes
	tailLifetime      = 6 * time.Second        // how long the provider's credentials live
	tailRefreshAhead  = 2 * time.Second        // both caches' refresh-ahead window
	tailGoroutines    = 8
	tailSlow          = 10 * time.Millisecond // a call slower than this counts as slow
)

// BenchmarkCacheRefreshTail measures how long callers wait while credentials refresh: irsa's
// Cache beside aws-sdk-go-v2's aws.CredentialsCache, both over a provider that takes 200 ms and
// returns credentials living 6 s, with a 2 s refresh-ahead window. Eight goroutines call Retrieve,
// yielding between calls (a tight loop on two cores would measure the scheduler, not the cache).
// "baseline" runs the same loop over credentials that never refresh: what is slow there is the
// machine. Each iteration runs the whole scenario; the README's figures come from
//
//	go test -run '^$' -bench BenchmarkCacheRefreshTail -benchtime 1x ./credentials/ -refreshtail.duration 20s
func BenchmarkCacheRefreshTail(b *testing.B) {
	// refresh is the work of both caches' provider: it counts its calls, takes tailProviderDelay
	// and returns the credentials' expiry.
	refresh := func(ctx context.Context, calls *atomic.Int64) (time.Time, error) {
		calls.Add(1)
		return time.Now().Add(tailProviderDelay + tailLifetime), wait.Sleep(ctx, tailProviderDelay)
	}
	b.Run("irsa", func(b *testing.B) {
		runRefreshTail(b, func(calls *atomic.Int64) (func(context.Context) error, func()) {
			c, err := NewCache(CacheOptions{
				Provider: ProviderFunc(func(ctx context.Context) (Credentials, error) {
					expires, err := refresh(ctx, calls)
					return Credentials{AccessKeyID: "ASIAIRSA", SecretAccessKey: "secret", Expires: expires}, err
				}),
				RefreshAhead: tailRefreshAhead,
				Mandatory:    tailRefreshAhead / 4, // leaves the background refresh time to finish first
			})
			if err != nil {
				b.Fatal(err)
			}
			return func(ctx context.Context) error { _, err := c.Retrieve(ctx); return err }, func() { c.Close() }
		})
	})
	b.Run("sdk", func(b *testing.B) {
		runRefreshTail(b, func(calls *atomic.Int64) (func(context.Context) error, func()) {
			c := aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
				expires, err := refresh(ctx, calls)
				return aws.Credentials{AccessKeyID: "ASIASDK", SecretAccessKey: "secret", CanExpire: true, Expires: expires}, err
			}), func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = tailRefreshAhead })
			return func(ctx context.Context) error { _, err := c.Retrieve(ctx); return err }, func() {}
		})
	})
	b.Run("baseline", func(b *testing.B) {
		runRefreshTail(b, func(*atomic.Int64) (func(context.Context) error, func()) {
			c, err := NewCache(CacheOptions{Provider: Static{Value: Credentials{AccessKeyID: "AKIABASELINE", SecretAccessKey: "secret"}}})
			if err != nil {
				b.Fatal(err)
			}
			return func(ctx context.Context) error { _, err := c.Retrieve(ctx); return err }, func() { c.Close() }
		})
	})
}

// runRefreshTail runs the scenario b.N times over a cache made by newCache, which counts its
// provider's calls in calls, and reports the slow calls and refreshes per run and the slowest call.
func runRefreshTail(b *testing.B, newCache func(calls *atomic.Int64) (retrieve func(context.Context) error, close func())) {
	ctx := context.Background()
	var refreshes, slow, slowest atomic.Int64
	for i := 0; i < b.N; i++ {
		retrieve, closeCache := newCache(&refreshes)
		if err := retrieve(ctx); err != nil { // the first call waits by nature, for every cache
			b.Fatal(err)
		}
		deadline := time.Now().Add(*refreshTailDuration)
		var wg sync.WaitGroup
		for g := 0; g < tailGoroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					start := time.Now()
					err := retrieve(ctx)
					took := time.Since(start)
					if err != nil {
						b.Error(err)
						return
					}
					if took > tailSlow {
						slow.Add(1)
					}
					for cur := slowest.Load(); int64(took) > cur && !slowest.CompareAndSwap(cur, int64(took)); cur = slowest.Load() {
					}
					runtime.Gosched()
				}
			}()
		}
		wg.Wait()
		closeCache()
	}
	b.ReportMetric(float64(slow.Load())/float64(b.N), "slow-calls")
	b.ReportMetric(float64(slowest.Load())/float64(time.Millisecond), "max-wait-ms")
	b.ReportMetric(float64(refreshes.Load())/float64(b.N), "refreshes")
}
