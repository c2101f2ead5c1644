// Package atomicfile replaces a file so that a reader sees its old content or its new content,
// whole, never a part: the one home of that for the files irsa writes (the shared credentials
// cache, a refreshed SSO token, irsa serve's authorization token).
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to a new file, mode 0600, in path's directory (its name made from pattern as
// os.CreateTemp makes it), syncs it and renames it over path with rename (os.Rename when nil).
// A symlink at path is replaced, not followed. On failure the new file is removed and path is
// left as it was.
func Write(path, pattern string, data []byte, rename func(oldpath, newpath string) error) (err error) {
	if rename == nil {
		rename = os.Rename
	}
	f, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600) // CreateTemp's mode already; said again so that it never changes
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = rename(f.Name(), path)
	}
	return err
}
