//go:build !unix

package credentials

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"
)

// sharedSupported is false here: without flock the files would not keep processes from calling
// STS together, so CacheOptions.SharedDir is ignored (see its doc).
const sharedSupported = false

var errNoSharedFiles = errors.New("shared credentials files are supported on Unix systems only")

func openNoFollow(string) (*os.File, error) { return nil, errNoSharedFiles }
func isSymlinkErr(error) bool               { return false }
func ownerOf(fs.FileInfo) (int, bool)       { return 0, false }
func lockFile(context.Context, string, time.Duration, time.Duration) (func(), error) {
	return nil, errNoSharedFiles
}
