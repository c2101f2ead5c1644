// Package peers starts the real third-party servers that integration tests talk to (moto's STS
// and S3), on 127.0.0.1 only, and stops them when the test ends.
//
// A missing peer skips the test, unless IRSA_REQUIRE_PEERS=1 (set by CI), when it fails it.
package peers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Missing skips t (or fails it when peers are required) because a peer is not available.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("IRSA_REQUIRE_PEERS") == "1" {
		t.Fatalf("peer required (IRSA_REQUIRE_PEERS=1) but missing: %s", msg)
	}
	t.Skipf("peer missing, skipping: %s (set IRSA_REQUIRE_PEERS=1 to fail instead)", msg)
}

// Moto is a running moto server.
type Moto struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
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
	for attempt := 0; attempt < 3; attempt++ { // the port may be taken between startMoto finding it free and moto binding it
		m, err := startMoto(t, py)
		if err == nil {
			return m
		}
		lastErr = err
	}
	t.Fatalf("peers: moto did not start: %v", lastErr)
	return nil
}

func startMoto(t testing.TB, py string) (*Moto, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // a port that was free a moment ago
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	log, err := os.Create(filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		return nil, err
	}
	defer log.Close() // the child has its own copy
	output := func() string { b, _ := os.ReadFile(log.Name()); return string(b) }
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, py, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// moto needs no credentials of its own; keep anything from the developer's environment out.
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() { cancel(); <-exited }
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := client.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-exited:
			cancel()
			return nil, fmt.Errorf("moto exited (%v): %s", err, output())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("moto did not answer on %s within 30s: %s", url, output())
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("moto output:\n%s", output())
		}
	})
	return &Moto{URL: url}, nil
}

// Result is what one run of a program did.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Run runs name with args and exactly env as its environment, for at most two minutes. A non-zero
// exit is a Result; a program that cannot be started fails t.
func Run(t testing.TB, env []string, name string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return Result{exit.ExitCode(), stdout.String(), stderr.String()}
	case err != nil:
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return Result{0, stdout.String(), stderr.String()}
}
