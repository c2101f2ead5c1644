package credentials

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/irsa-go/irsa/internal/benchenv"
)

// BenchmarkCacheRetrieve measures the fresh path, aws-sdk-go-v2's aws.CredentialsCache beside
// irsa's Cache, both over a provider whose credentials last an hour. For figures, run the two
// sides in alternating rounds (see the README):
//
//	go run ./internal/benchratio -cpu 1,2 ./credentials/ BenchmarkCacheRetrieve
func BenchmarkCacheRetrieve(b *testing.B) {
	benchenv.Neutral(b)
	ctx := context.Background()
	expires := time.Now().Add(time.Hour)

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
	})
}

// benchSink keeps the compiler from discarding what a benchmark retrieves.
var benchSink atomic.Int64
