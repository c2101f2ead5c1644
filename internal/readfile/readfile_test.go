package readfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// returns fails the test unless f returns within a generous bound: the bound catches a hang, it
// does not measure speed.
func returns[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s has not returned after 10 s", what)
		panic("unreachable")
	}
}

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	tests := []struct{ name, path, want string }{
		{"a directory is named as one", t.TempDir(), "is a directory, not a regular file"},
		{"/dev/null is a character device", "/dev/null", `"/dev/null" is a character device, not a regular file`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Reader{}.Read(context.Background(), tc.path)
			var nr *NotRegularError
			if !errors.As(err, &nr) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a *NotRegularError saying %q", err, tc.want)
			}
		})
	}
}

func TestReadCapsAtLimitPlusOne(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(strings.Repeat("x", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Reader{Limit: 10}.Read(context.Background(), p)
	if err != nil || len(b) != 11 {
		t.Fatalf("Read = %d bytes, %v; want 11 bytes", len(b), err)
	}
	if b, err := (Reader{}).Read(context.Background(), p); err != nil || len(b) != 100 {
		t.Fatalf("no limit: Read = %d bytes, %v; want 100", len(b), err)
	}
}

// blockingFile is a file whose Read blocks until release is closed, like a read on a network
// mount that does not answer.
type blockingFile struct {
	File
	release chan struct{}
}

func (f blockingFile) Read([]byte) (int, error) { <-f.release; return 0, syscall.EIO }

func TestReadGivesUpWhenTheContextEndsDuringASlowRead(t *testing.T) {
	leakcheck.Check(t)
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release) // the stuck read returns, and its goroutine ends
	r := Reader{Open: func(name string) (File, error) {
		f, err := Open(name)
		return blockingFile{f, release}, err
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := returns(t, "Read with a context that ends", func() error { _, err := r.Read(ctx, p); return err })
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "gave up waiting for the file to open or be read") {
		t.Fatalf("error %v, want one wrapping context.DeadlineExceeded", err)
	}
}

func TestReadRetriesOnceAFileThatVanished(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("tok"), 0o600); err != nil {
		t.Fatal(err)
	}
	enoent := &fs.PathError{Op: "open", Path: p, Err: syscall.ENOENT}
	for _, tc := range []struct {
		name    string
		fails   int // opens that fail with ENOENT before the real one
		retry   time.Duration
		want    string
		opens   int
		missing bool
	}{
		{"missing once then there is read on the second try", 1, time.Millisecond, "tok", 2, false},
		{"missing on both tries is missing", 2, time.Millisecond, "", 2, true},
		{"without RetryAfter a missing file is not tried again", 1, 0, "", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opens := 0
			r := Reader{RetryAfter: tc.retry, Open: func(name string) (File, error) {
				if opens++; opens <= tc.fails {
					return nil, enoent
				}
				return Open(name)
			}}
			b, err := r.Read(context.Background(), p)
			if string(b) != tc.want || errors.Is(err, fs.ErrNotExist) != tc.missing || opens != tc.opens {
				t.Fatalf("Read = %q, %v after %d opens; want %q, missing %v, %d opens", b, err, opens, tc.want, tc.missing, tc.opens)
			}
		})
	}
}

func TestReadDoesNotWaitOutTheRetryPauseWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := Reader{RetryAfter: time.Hour, Open: func(name string) (File, error) {
		cancel()
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}}
	err := returns(t, "Read during the retry pause", func() error { _, err := r.Read(ctx, "/nowhere"); return err })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// TestTheRetryPauseEndsWithTheContextsError: the goroutine's own error, when the context ends
// during the pause, wraps the context's error (it once was formatted before the pause, with nil).
func TestTheRetryPauseEndsWithTheContextsError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r := Reader{RetryAfter: time.Hour, Open: func(name string) (File, error) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}}
	err := returns(t, "readRetrying", func() error { _, err := r.readRetrying(ctx, "/nowhere"); return err })
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "%!") {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
}
