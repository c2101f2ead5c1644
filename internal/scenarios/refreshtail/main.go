// Command refreshtail measures how long callers wait while credentials refresh, for irsa's
// credentials.Cache and aws-sdk-go-v2's aws.CredentialsCache side by side.
//
// Both caches wrap a provider that takes 200 ms and returns credentials that live 6 s, with a
// 2 s refresh-ahead window, so they refresh every few seconds. Eight goroutines call Retrieve
// for 20 s, yielding (runtime.Gosched) between calls: a tight loop on two cores would measure
// the scheduler, not the cache. The command counts the calls slower than 10 ms and reports the
// slowest one. A third row runs the same loop over credentials that never refresh: whatever is
// slow there is the machine, not a cache.
//
//	go run ./internal/scenarios/refreshtail
//	go run ./internal/scenarios/refreshtail -duration 5s -goroutines 4
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/wait"
)

// Config is one run of the scenario.
type Config struct {
	Duration      time.Duration // how long the goroutines call Retrieve
	Goroutines    int
	ProviderDelay time.Duration // how long one refresh takes
	Lifetime      time.Duration // how long the provider's credentials live
	RefreshAhead  time.Duration // the window before expiry in which both caches refresh
	SlowThreshold time.Duration // a call slower than this counts as slow
}

// Result is what one cache did.
type Result struct {
	Name      string
	Calls     int64
	Errors    int64
	Slow      int64 // calls slower than SlowThreshold
	Slowest   time.Duration
	Refreshes int64 // provider calls
}

func main() {
	cfg := Config{}
	flag.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long each cache is measured")
	flag.IntVar(&cfg.Goroutines, "goroutines", 8, "goroutines calling Retrieve")
	flag.DurationVar(&cfg.ProviderDelay, "provider-delay", 200*time.Millisecond, "how long one refresh takes")
	flag.DurationVar(&cfg.Lifetime, "lifetime", 6*time.Second, "lifetime of the provider's credentials")
	flag.DurationVar(&cfg.RefreshAhead, "refresh-ahead", 2*time.Second, "refresh-ahead window of both caches")
	flag.DurationVar(&cfg.SlowThreshold, "slow", 10*time.Millisecond, "a call slower than this counts as slow")
	flag.Parse()
	if err := Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "refreshtail:", err)
		os.Exit(1)
	}
}

// Run measures both caches one after the other and prints a table to w.
func Run(w io.Writer, cfg Config) error {
	if cfg.Goroutines <= 0 || cfg.Duration <= 0 || cfg.Lifetime <= cfg.RefreshAhead {
		return fmt.Errorf("need goroutines > 0, duration > 0 and lifetime > refresh-ahead")
	}
	fmt.Fprintf(w, "%d goroutines for %v each; provider takes %v; credentials live %v, refresh-ahead %v; slow = over %v\n\n",
		cfg.Goroutines, cfg.Duration, cfg.ProviderDelay, cfg.Lifetime, cfg.RefreshAhead, cfg.SlowThreshold)

	// refresh is the provider both caches wrap: it counts its calls in calls, takes
	// ProviderDelay and returns the call's number and the credentials' expiry.
	refresh := func(ctx context.Context, calls *atomic.Int64) (int64, time.Time, error) {
		return calls.Add(1), time.Now().Add(cfg.ProviderDelay + cfg.Lifetime), wait.Sleep(ctx, cfg.ProviderDelay)
	}
	var irsaCalls, sdkCalls atomic.Int64
	cache, err := credentials.NewCache(credentials.CacheOptions{
		Provider: credentials.ProviderFunc(func(ctx context.Context) (credentials.Credentials, error) {
			n, expires, err := refresh(ctx, &irsaCalls)
			return credentials.Credentials{AccessKeyID: fmt.Sprintf("ASIAIRSA%06d", n), SecretAccessKey: "secret", Expires: expires}, err
		}),
		RefreshAhead: cfg.RefreshAhead,
		Mandatory:    cfg.RefreshAhead / 4, // leaves the background refresh time to finish first
	})
	if err != nil {
		return err
	}
	defer cache.Close()
	irsa := measure("irsa credentials.Cache", cfg, func(ctx context.Context) error { _, err := cache.Retrieve(ctx); return err })
	irsa.Refreshes = irsaCalls.Load()

	sdkCache := aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		n, expires, err := refresh(ctx, &sdkCalls)
		return aws.Credentials{AccessKeyID: fmt.Sprintf("ASIASDK%06d", n), SecretAccessKey: "secret", CanExpire: true, Expires: expires}, err
	}), func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = cfg.RefreshAhead })
	sdk := measure("aws-sdk-go-v2 aws.CredentialsCache", cfg, func(ctx context.Context) error { _, err := sdkCache.Retrieve(ctx); return err })
	sdk.Refreshes = sdkCalls.Load()

	// The same loop over credentials that never need refreshing: what remains slow here is the
	// machine (other processes, the Go scheduler), not a cache.
	still, err := credentials.NewCache(credentials.CacheOptions{Provider: credentials.Static{Value: credentials.Credentials{AccessKeyID: "AKIABASELINE", SecretAccessKey: "secret"}}})
	if err != nil {
		return err
	}
	defer still.Close()
	baseline := measure("baseline: no refresh (machine noise)", cfg, func(ctx context.Context) error { _, err := still.Retrieve(ctx); return err })

	fmt.Fprintf(w, "%-36s %10s %8s %8s %10s %10s\n", "cache", "calls", "errors", "slow", "slowest", "refreshes")
	for _, r := range []Result{irsa, sdk, baseline} {
		fmt.Fprintf(w, "%-36s %10d %8d %8d %10s %10d\n", r.Name, r.Calls, r.Errors, r.Slow, r.Slowest.Round(100*time.Microsecond), r.Refreshes)
	}
	return nil
}

func measure(name string, cfg Config, retrieve func(context.Context) error) Result {
	ctx := context.Background()
	if err := retrieve(ctx); err != nil { // prime: the first call waits by nature, for both
		return Result{Name: name, Errors: 1}
	}
	var calls, errs, slow, slowest atomic.Int64
	deadline := time.Now().Add(cfg.Duration)
	var wg sync.WaitGroup
	for g := 0; g < cfg.Goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				start := time.Now()
				err := retrieve(ctx)
				took := time.Since(start)
				calls.Add(1)
				if err != nil {
					errs.Add(1)
				}
				if took > cfg.SlowThreshold {
					slow.Add(1)
				}
				for {
					cur := slowest.Load()
					if int64(took) <= cur || slowest.CompareAndSwap(cur, int64(took)) {
						break
					}
				}
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	return Result{Name: name, Calls: calls.Load(), Errors: errs.Load(), Slow: slow.Load(), Slowest: time.Duration(slowest.Load())}
}
