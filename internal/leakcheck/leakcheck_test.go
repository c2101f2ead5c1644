package leakcheck

import (
	"strings"
	"testing"
	"time"
)

// fakeTB records Errorf so the test can see what Check would report.
type fakeTB struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, format)
}

func TestCheckReportsAGoroutineLeftRunning(t *testing.T) {
	f := &fakeTB{}
	Check(f)
	stop := make(chan struct{})
	go func() { <-stop }()
	f.cleanups[0]()
	close(stop)
	if len(f.errors) != 1 || !strings.Contains(f.errors[0], "still running") {
		t.Fatalf("want one leak report, got %q", f.errors)
	}
}

func TestCheckAcceptsAGoroutineThatEndsSoon(t *testing.T) {
	f := &fakeTB{}
	Check(f)
	go func() { time.Sleep(50 * time.Millisecond) }()
	f.cleanups[0]()
	if len(f.errors) != 0 {
		t.Fatalf("want no leak report, got %q", f.errors)
	}
}
