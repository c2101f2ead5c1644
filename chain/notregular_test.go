//go:build linux || darwin

package chain

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe, a directory or a device at a shared file's path is neither opened (a named pipe
// with no writer used to hang Resolve) nor reported as missing: errors and Explain say what it is.
// Like the AWS CLI, chain takes it as an empty file.
func TestSharedFileThatIsNotARegularFileIsReportedAsWhatItIs(t *testing.T) {
	for _, tc := range []struct {
		name, kind string
		make       func(t *testing.T, h *home) (path, display string)
	}{
		{"a named pipe with no writer", "a named pipe (FIFO)", func(t *testing.T, h *home) (string, string) {
			p := filepath.Join(h.dir, "fifo")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			return p, "~/fifo"
		}},
		{"a directory", "a directory", func(t *testing.T, h *home) (string, string) {
			p := filepath.Join(h.dir, "dir")
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return p, "~/dir"
		}},
		{"/dev/null", "a character device", func(*testing.T, *home) (string, string) { return "/dev/null", "/dev/null" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, file := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
				h := newHome(t, "", "")
				path, display := tc.make(t, h)
				h.env[file] = path
				ctx := context.Background()

				_, err := within(t, func() (*Result, error) { return Resolve(ctx, h.opts()) })
				var nc *NoCredentialsError
				if file == "AWS_SHARED_CREDENTIALS_FILE" {
					want := "shared credentials file: skipped: " + display + " is " + tc.kind + ", not a regular file"
					if !errors.As(err, &nc) || !strings.Contains(err.Error(), want) {
						t.Errorf("%s: Resolve error %v; want a NoCredentialsError containing %q", file, err, want)
					}
				}
				h.env["AWS_PROFILE"] = "prod"
				_, err = within(t, func() (*Result, error) { return Resolve(ctx, h.opts()) })
				want := display + " (" + tc.kind + ", not a regular file)"
				if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), display+" (missing)") {
					t.Errorf("%s: Resolve error %v; want it to contain %q", file, err, want)
				}

				exp, _ := within(t, func() (*Explanation, error) { return Explain(ctx, h.opts()) })
				want = display + " (" + tc.kind + ", not a regular file: ignored, as by the AWS CLI; path from " + file + ")"
				i := map[string]int{"AWS_CONFIG_FILE": 0, "AWS_SHARED_CREDENTIALS_FILE": 1}[file]
				if f := exp.Files[i]; f.Found || f.NotRegular != tc.kind || !strings.Contains(exp.String(), want) {
					t.Errorf("%s: Explain reports %+v and\n%s\nwant NotRegular %q and a line containing %q", file, f, exp, tc.kind, want)
				}
			}
		})
	}
}

// within fails the test unless f returns within a generous bound: the bound catches a hang; it
// does not measure speed.
func within[T any](t *testing.T, f func() (T, error)) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() { v, err := f(); done <- result{v, err} }()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("has not returned after 10 s")
		panic("unreachable")
	}
}
