package chain

import (
	"context"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/irsa-go/irsa/internal/benchenv"
)

// BenchmarkNoIMDS is what a program with no credentials configured pays when nothing answers at
// the instance metadata address (a laptop, a CI runner): chain.Resolve and the first Retrieve,
// which fails, beside aws-sdk-go-v2's config.LoadDefaultConfig and the first Retrieve, both
// pointed at the same loopback address with AWS_EC2_METADATA_SERVICE_ENDPOINT and otherwise the
// same cleared environment and missing files.
//
//   - refused: nothing listens on the port; each connection is refused at once.
//   - blackhole: a listener accepts connections and never answers, as a firewall that drops
//     packets or a hung service; chain waits out its timeout (1 s) for the token request and
//     again for the IMDSv1 request botocore falls back to, times the attempts (1).
//
// Run (a few iterations: blackhole costs seconds each):
//
//	go test -run '^$' -bench BenchmarkNoIMDS -benchtime 5x ./chain/
func BenchmarkNoIMDS(b *testing.B) {
	refused := closedPort(b)
	hole, stop := blackhole(b)
	defer stop()
	for _, tc := range []struct{ name, endpoint string }{{"refused", refused}, {"blackhole", hole}} {
		home := b.TempDir()
		benchenv.Neutral(b, "HOME", home, "AWS_CONFIG_FILE", filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "credentials"),
			"AWS_EC2_METADATA_DISABLED", "", "AWS_EC2_METADATA_SERVICE_ENDPOINT", tc.endpoint)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		b.Run(tc.name+"/irsa", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := Resolve(ctx, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := res.Provider.Retrieve(ctx); err == nil {
					b.Fatal("credentials from nowhere")
				}
				_ = res.Close()
			}
		})
		b.Run(tc.name+"/sdk", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				cfg, err := config.LoadDefaultConfig(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := cfg.Credentials.Retrieve(ctx); err == nil {
					b.Fatal("credentials from nowhere")
				}
			}
		})
		cancel()
	}
}

// closedPort is the URL of a loopback port where nothing listens.
func closedPort(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

// blackhole is the URL of a loopback listener that accepts connections and never answers; stop
// closes it and them.
func blackhole(tb testing.TB) (string, func()) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return "http://" + l.Addr().String(), func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}
}
