//go:build unix

package credentials

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/irsa-go/irsa/internal/wait"
)

// sharedSupported is true where the shared files work (see CacheOptions.SharedDir).
const sharedSupported = true

// openNoFollow opens name for reading without following a symbolic link in its last element,
// and without waiting for a writer if it is a named pipe.
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

// isSymlinkErr reports whether err is O_NOFOLLOW's refusal of a symbolic link.
func isSymlinkErr(err error) bool { return errors.Is(err, syscall.ELOOP) }

// ownerOf returns the uid that owns fi's file.
func ownerOf(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// lockFile takes an exclusive flock on name (created 0600 if missing), waiting while another
// process holds it, until ctx ends; polling, so that the wait is bounded by ctx. The returned
// function releases the lock.
func lockFile(ctx context.Context, name string, poll, pollMax time.Duration) (func(), error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		if isSymlinkErr(err) {
			return nil, fmt.Errorf("shared credentials lock file %s is a symbolic link: not used", name)
		}
		return nil, fmt.Errorf("shared credentials lock file: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("shared credentials lock file %s is not a regular file: not used", name)
	}
	fd := int(f.Fd())
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return func() {
				_ = syscall.Flock(fd, syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			_ = f.Close()
			return nil, fmt.Errorf("shared credentials lock file %s: %w", name, err)
		}
		if err := wait.Sleep(ctx, poll); err != nil {
			_ = f.Close()
			return nil, err
		}
		poll = min(2*poll, pollMax)
	}
}
