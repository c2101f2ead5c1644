package credentials

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// BenchmarkCacheRetrieve measures the fresh path, aws-sdk-go-v2's aws.CredentialsCache
// (first) beside irsa's Cache, both over a provider whose credentials last an hour. Run with
//
//	go test -run '^$' -bench CacheRetrieve -benchmem -cpu 1,2 ./credentials/
func BenchmarkCacheRetrieve(b *testing.B) {
	ctx := context.Background()
	expires := time.Now().Add(time.Hour)
	sdkNs := map[int]float64{} // by GOMAXPROCS; measured first, so that irsa's line can show the ratio

	b.Run("sdk", func(b *testing.B) {
		c := aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", SessionToken: "TOKEN", CanExpire: true, Expires: expires}, nil
		}))
		if _, err := c.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var n int
			for pb.Next() {
				got, err := c.Retrieve(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				n += len(got.SessionToken)
			}
			benchSink.Add(int64(n))
		})
		sdkNs[runtime.GOMAXPROCS(0)] = nsPerOp(b)
	})

	b.Run("irsa", func(b *testing.B) {
		c := newTestCache(b, CacheOptions{Provider: Static{Value: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", SessionToken: "TOKEN", Expires: expires}}})
		if _, err := c.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var n int
			for pb.Next() {
				got, err := c.Retrieve(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				n += len(got.SessionToken)
			}
			benchSink.Add(int64(n))
		})
		reportRatio(b, nsPerOp(b), sdkNs[runtime.GOMAXPROCS(0)], "ns-ratio-to-sdk")
	})
}

// benchSink keeps the compiler from discarding what a benchmark retrieves.
var benchSink atomic.Int64

func nsPerOp(b *testing.B) float64 { return float64(b.Elapsed().Nanoseconds()) / float64(b.N) }

// reportRatio adds irsa's figure as a fraction of the SDK's, measured in the same run, as a
// metric on irsa's line (only when the SDK's sub-benchmark ran first).
func reportRatio(b *testing.B, irsa, sdk float64, unit string) {
	if irsa > 0 && sdk > 0 {
		b.ReportMetric(irsa/sdk, unit)
	}
}
