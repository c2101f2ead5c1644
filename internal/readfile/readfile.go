// Package readfile reads the small files the library reads on its own — the web identity token,
// the shared config and credentials files — so that no file can hang its caller: it refuses what
// is not a regular file before opening it, opens without blocking, checks the opened file again,
// caps the bytes read, and gives up when the caller's context ends.
package readfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/irsa-go/irsa/internal/wait"
)

// File is what Reader.Open returns.
type File interface {
	io.ReadCloser
	Stat() (fs.FileInfo, error)
}

// Reader reads whole files. Its zero value reads without a size cap or retry.
type Reader struct {
	// Limit caps the read: Read returns at most Limit+1 bytes, so that the caller can tell a file
	// over the limit without reading it all (an endless device costs nothing). 0: no cap.
	Limit int64
	// RetryAfter is the pause before trying once more when the file does not exist: kubelet
	// replaces a projected volume's files by renaming a symlink (..data), and a read that races
	// the swap can find nothing. 0: no retry.
	RetryAfter time.Duration
	// Open opens a file; tests replace it. Default: Open.
	Open func(name string) (File, error)
}

// Read returns the content of the file at path. A path that is not a regular file (after
// symlinks) is a *NotRegularError; a missing file is an error for which errors.Is(err,
// fs.ErrNotExist) holds, after one retry when RetryAfter is set. When ctx ends first, Read returns
// an error wrapping ctx.Err() at once; the open or read goes on in a goroutine that ends when it
// returns. A read stuck in the kernel (a network mount that does not answer) cannot be interrupted
// in Go, so each such read holds one goroutine until the kernel gives up.
func (r Reader) Read(ctx context.Context, path string) ([]byte, error) {
	var b []byte
	var err error
	done := make(chan struct{}) // closed, so the goroutine never waits for a caller who left
	go func() {
		defer close(done)
		b, err = r.readRetrying(ctx, path)
	}()
	select {
	case <-done:
		return b, err
	case <-ctx.Done():
		return nil, gaveUp(ctx)
	}
}

func gaveUp(ctx context.Context) error {
	return fmt.Errorf("gave up waiting for the file to open or be read: %w", ctx.Err())
}

// readRetrying reads path, once more after RetryAfter when it does not exist.
func (r Reader) readRetrying(ctx context.Context, path string) ([]byte, error) {
	b, err := r.readNow(path)
	if r.RetryAfter > 0 && errors.Is(err, fs.ErrNotExist) {
		if wait.Sleep(ctx, r.RetryAfter) != nil {
			return nil, gaveUp(ctx)
		}
		return r.readNow(path)
	}
	return b, err
}

func (r Reader) readNow(path string) ([]byte, error) {
	open := r.Open
	if open == nil {
		open = Open
	}
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path may have been swapped for something else since it was checked.
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if err != nil {
		return nil, err
	}
	if r.Limit > 0 {
		return io.ReadAll(io.LimitReader(f, r.Limit+1))
	}
	return io.ReadAll(f)
}

// Open opens the regular file at path for reading: what is not a regular file after symlinks is
// refused before it is opened (a *NotRegularError), and the file is opened non-blocking, so that a
// named pipe swapped in after the check opens at once (Reader.Read then refuses it).
func Open(path string) (File, error) {
	fi, err := os.Stat(path)
	if err == nil && !fi.Mode().IsRegular() {
		err = &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if err != nil {
		return nil, err
	}
	return OpenNonBlocking(path)
}

// OpenNonBlocking opens path for reading without checking what it is first, non-blocking where
// the system has that (on Unix; a regular file reads as usual).
func OpenNonBlocking(path string) (File, error) {
	return os.OpenFile(path, os.O_RDONLY|oNonblock, 0)
}

// NotRegularError reports a path that is not a regular file after symlinks are followed.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

// Error says what the path is: `"/p" is a named pipe (FIFO), not a regular file`.
func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%q is %s, not a regular file", e.Path, Kind(e.Mode))
}

// Kind names the type of a file that is not regular, such as "a named pipe (FIFO)".
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// WithoutPath returns the reason an *fs.PathError gives, without its path, for a message that
// names the file already; any other error as it is.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
