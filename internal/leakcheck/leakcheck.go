// Package leakcheck fails a test that leaves goroutines running after it ends.
package leakcheck

import (
	"runtime/pprof"
	"sort"
	"strings"
	"testing"
	"time"
)

// Check records the goroutines running now and registers a cleanup that fails t if, after the
// test and its other cleanups, goroutines started since are still running. It waits up to
// two seconds for them to end, since a goroutine told to stop needs a moment to return.
// Call it first in a test, before anything starts goroutines; tests that call it must not run
// in parallel with others (t.Parallel), which would start goroutines of their own.
func Check(t testing.TB) {
	t.Helper()
	before := snapshot()
	t.Cleanup(func() {
		deadline := time.Now().Add(2 * time.Second)
		var leaked []string
		for {
			leaked = leaked[:0]
			for id, stack := range snapshot() {
				if _, ok := before[id]; !ok && !ignorable(stack) {
					leaked = append(leaked, stack)
				}
			}
			if len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(leaked) > 0 {
			sort.Strings(leaked)
			t.Errorf("leakcheck: %d goroutine(s) still running after the test:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
	})
}

func ignorable(stack string) bool {
	lines := strings.SplitN(stack, "\n", 3)
	if len(lines) < 2 {
		return true
	}
	top := lines[1]
	for _, s := range []string{"testing.(*T).Run", "testing.runTests", "testing.(*M).", "os/signal.signal_recv", "runtime.ensureSigM"} {
		if strings.Contains(top, s) {
			return true
		}
	}
	// Idle HTTP keep-alive connections (net/http persistConn loops) belong to a transport, not
	// to the code under test; tests that own a transport close its idle connections themselves.
	return strings.Contains(stack, "net/http.(*persistConn).readLoop") || strings.Contains(stack, "net/http.(*persistConn).writeLoop")
}

// snapshot maps goroutine IDs to their stacks.
func snapshot() map[string]string {
	var b strings.Builder
	_ = pprof.Lookup("goroutine").WriteTo(&b, 2) // the format of runtime.Stack(all)
	out := map[string]string{}
	for _, g := range strings.Split(b.String(), "\n\n") {
		if rest, ok := strings.CutPrefix(g, "goroutine "); ok { // "goroutine 7 [running]:"
			id, _, _ := strings.Cut(rest, " ")
			out[id] = g
		}
	}
	return out
}
