package fakeoidc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

const (
	dataDirName    = "..data"
	newDataDirName = "..data_tmp"
	// DefaultFileName is the name of the token file in a projected volume, as EKS's pod identity
	// webhook configures it (the file is DIR/token).
	DefaultFileName = "token"
)

// VolumeOptions configures a Volume.
type VolumeOptions struct {
	// Dir is the volume's directory (the pod's mount point). Required. It is created if missing.
	Dir string
	// FileName is the name of the file in the volume. Optional; default "token".
	FileName string
	// Mode is the permission of the written file. Optional; default 0644, the kubelet's default
	// mode for projected volumes.
	Mode os.FileMode
	// Now names the timestamped directories. Optional; default time.Now.
	Now func() time.Time
}

// Volume is a kubelet-style projected volume holding one file. Write replaces the file's
// content atomically by swapping the ..data symlink, as the kubelet's atomic writer does.
// It is safe for concurrent use.
type Volume struct {
	dir, name string
	mode      os.FileMode
	now       func() time.Time

	mu        sync.Mutex
	rotations int
}

// NewVolume creates the volume's directory if needed. The file does not exist until the first
// Write.
func NewVolume(opts VolumeOptions) (*Volume, error) {
	if opts.Dir == "" {
		return nil, errors.New("fakeoidc: VolumeOptions.Dir is required")
	}
	if opts.FileName == "" {
		opts.FileName = DefaultFileName
	}
	if strings.ContainsRune(opts.FileName, filepath.Separator) || strings.HasPrefix(opts.FileName, "..") {
		return nil, fmt.Errorf("fakeoidc: VolumeOptions.FileName %q must be a plain file name not starting with \"..\"", opts.FileName)
	}
	if opts.Mode == 0 {
		opts.Mode = 0o644
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("fakeoidc: creating volume directory: %w", err)
	}
	return &Volume{dir: opts.Dir, name: opts.FileName, mode: opts.Mode, now: opts.Now}, nil
}

// Dir returns the volume's directory.
func (v *Volume) Dir() string { return v.dir }

// Path returns the path pods read: DIR/token, a symlink to ..data/token.
func (v *Volume) Path() string { return filepath.Join(v.dir, v.name) }

// Rotations returns how many times Write has replaced the file's content (the first Write is
// not a rotation).
func (v *Volume) Rotations() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.rotations
}

// Write publishes data as the file's new content, the way the kubelet's atomic writer does:
//  1. write data into a new directory DIR/..YYYY_MM_DD_HH_MM_SS.NNNNNNNNN;
//  2. create DIR/token -> ..data/token if it does not exist yet;
//  3. create the symlink DIR/..data_tmp -> the new directory and rename it over DIR/..data;
//  4. remove the directory ..data pointed to before.
func (v *Volume) Write(data []byte) error {
	v.mu.Lock()
	defer v.mu.Unlock()

	oldTarget, err := os.Readlink(filepath.Join(v.dir, dataDirName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("fakeoidc: reading %s: %w", dataDirName, err)
	}

	tsDir, err := os.MkdirTemp(v.dir, v.now().UTC().Format("..2006_01_02_15_04_05."))
	if err != nil {
		return fmt.Errorf("fakeoidc: creating timestamped directory: %w", err)
	}
	if err := os.Chmod(tsDir, 0o755); err != nil {
		return fmt.Errorf("fakeoidc: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tsDir, v.name), data, v.mode); err != nil {
		return fmt.Errorf("fakeoidc: writing payload: %w", err)
	}
	// WriteFile honours the umask; the kubelet sets the mode explicitly.
	if err := os.Chmod(filepath.Join(tsDir, v.name), v.mode); err != nil {
		return fmt.Errorf("fakeoidc: %w", err)
	}

	userLink := filepath.Join(v.dir, v.name)
	if _, err := os.Lstat(userLink); errors.Is(err, os.ErrNotExist) {
		if err := os.Symlink(filepath.Join(dataDirName, v.name), userLink); err != nil {
			return fmt.Errorf("fakeoidc: creating %s symlink: %w", v.name, err)
		}
	}

	tmpLink := filepath.Join(v.dir, newDataDirName)
	_ = os.Remove(tmpLink) // left over from an interrupted write
	if err := os.Symlink(filepath.Base(tsDir), tmpLink); err != nil {
		return fmt.Errorf("fakeoidc: creating %s: %w", newDataDirName, err)
	}
	if err := os.Rename(tmpLink, filepath.Join(v.dir, dataDirName)); err != nil {
		return fmt.Errorf("fakeoidc: renaming %s over %s: %w", newDataDirName, dataDirName, err)
	}

	if oldTarget != "" {
		v.rotations++
		if err := os.RemoveAll(filepath.Join(v.dir, oldTarget)); err != nil {
			return fmt.Errorf("fakeoidc: removing old payload directory: %w", err)
		}
	}
	return nil
}
