// Package peers starts the real third-party servers that integration tests talk to (moto's STS
// and S3), on 127.0.0.1 only, and stops them when the test ends.
//
// A missing peer skips the test, unless IRSA_REQUIRE_PEERS=1 (set by CI), when it fails it.
package peers

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Required reports whether IRSA_REQUIRE_PEERS=1, in which case a missing peer fails the test.
func Required() bool { return os.Getenv("IRSA_REQUIRE_PEERS") == "1" }

// Missing skips t (or fails it when peers are required) because a peer is not available.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("peer required (IRSA_REQUIRE_PEERS=1) but missing: %s", msg)
	}
	t.Skipf("peer missing, skipping: %s (set IRSA_REQUIRE_PEERS=1 to fail instead)", msg)
}

// Moto is a running moto server.
type Moto struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("peers: no free port on 127.0.0.1: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartMoto starts `python3 -m moto.server -H 127.0.0.1 -p PORT`, waits (at most 30 s) until it
// answers, and stops it when t ends. Its output is shown if the test fails.
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		Missing(t, "python3 not on PATH")
	}
	if out, err := exec.Command(py, "-c", "import moto.server").CombinedOutput(); err != nil {
		Missing(t, "python3 cannot import moto.server: %v: %s", err, bytes.TrimSpace(out))
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // the port may be taken between FreePort and bind
		m, err := startMoto(t, py, FreePort(t))
		if err == nil {
			return m
		}
		lastErr = err
	}
	t.Fatalf("peers: moto did not start: %v", lastErr)
	return nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startMoto(t testing.TB, py string, port int) (*Moto, error) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, py, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// moto needs no credentials of its own; keep anything from the developer's environment out.
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-exited:
			cancel()
			return nil, fmt.Errorf("moto exited (%v): %s", err, out.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			<-exited
			return nil, fmt.Errorf("moto did not answer on %s within 30s: %s", url, out.String())
		}
	}
	client.CloseIdleConnections()
	t.Cleanup(func() {
		cancel()
		<-exited
		if t.Failed() {
			t.Logf("moto output:\n%s", out.String())
		}
	})
	return &Moto{URL: url}, nil
}
