//go:build linux || darwin

package readfile

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"syscall"
	"testing"
)

func mkfifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadRefusesANamedPipeWithoutBlocking(t *testing.T) {
	p := mkfifo(t) // no writer: a blocking open would wait forever
	err := returns(t, "Read of a named pipe", func() error { _, err := Reader{}.Read(context.Background(), p); return err })
	var nr *NotRegularError
	if !errors.As(err, &nr) || err.Error() != `"`+p+`" is a named pipe (FIFO), not a regular file` {
		t.Fatalf("error %v, want a *NotRegularError for a named pipe", err)
	}
}

func TestANamedPipeSwappedInAfterTheCheckOpensWithoutBlockingAndIsRefused(t *testing.T) {
	p := mkfifo(t)
	// OpenNonBlocking skips the check before opening, as if the path had been swapped after it.
	r := Reader{Open: OpenNonBlocking}
	err := returns(t, "Read of a named pipe opened unchecked", func() error { _, err := r.Read(context.Background(), p); return err })
	var nr *NotRegularError
	if !errors.As(err, &nr) || Kind(nr.Mode) != "a named pipe (FIFO)" {
		t.Fatalf("error %v, want a *NotRegularError for a named pipe", err)
	}
}

func TestReadRefusesASocket(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sock")
	l, err := net.Listen("unix", p)
	if err != nil {
		t.Skip("no unix sockets here:", err)
	}
	defer l.Close()
	if _, err := (Reader{}).Read(context.Background(), p); err == nil || err.Error() != `"`+p+`" is a socket, not a regular file` {
		t.Fatalf("error %v, want the socket named as one", err)
	}
}
