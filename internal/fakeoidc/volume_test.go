package fakeoidc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumeLayoutIsTheKubeletsProjectedVolume(t *testing.T) {
	clock := NewClock(time.Date(2026, 11, 24, 6, 0, 0, 123e6, time.UTC))
	dir := t.TempDir()
	v, err := NewVolume(VolumeOptions{Dir: dir, Now: clock.Now})
	require.NoError(t, err)
	require.NoError(t, v.Write([]byte("first")))

	link, err := os.Readlink(filepath.Join(dir, "token"))
	require.NoError(t, err)
	assert.Equal(t, "..data/token", link)
	data, err := os.Readlink(filepath.Join(dir, "..data"))
	require.NoError(t, err)
	assert.Regexp(t, `^\.\.2026_11_24_06_00_00\.\d+$`, data)
	fi, err := os.Stat(filepath.Join(dir, data, "token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	assert.Equal(t, 0, v.Rotations())

	clock.Advance(48 * time.Minute)
	require.NoError(t, v.Write([]byte("second")))
	data2, err := os.Readlink(filepath.Join(dir, "..data"))
	require.NoError(t, err)
	assert.Regexp(t, `^\.\.2026_11_24_06_48_00\.\d+$`, data2)
	_, err = os.Stat(filepath.Join(dir, data))
	assert.ErrorIs(t, err, os.ErrNotExist, "the old payload directory is removed")
	_, err = os.Lstat(filepath.Join(dir, "..data_tmp"))
	assert.ErrorIs(t, err, os.ErrNotExist, "..data_tmp was renamed over ..data")
	b, err := os.ReadFile(v.Path())
	require.NoError(t, err)
	assert.Equal(t, "second", string(b))
	assert.Equal(t, 1, v.Rotations())

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"token", "..data", data2}, names)
}

func TestVolumeReadersNeverSeeATornToken(t *testing.T) {
	v, err := NewVolume(VolumeOptions{Dir: t.TempDir()})
	require.NoError(t, err)
	contents := make([][]byte, 40)
	for i := range contents {
		contents[i] = bytes.Repeat([]byte{byte('a' + i%26)}, 4096+i)
	}
	require.NoError(t, v.Write(contents[0]))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad []string
	vanished := 0
	var mu sync.Mutex
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				b, err := os.ReadFile(v.Path())
				if errors.Is(err, os.ErrNotExist) {
					// The kubelet has the same window: a path walk that resolved ..data just
					// before the swap finds the old directory already removed.
					mu.Lock()
					vanished++
					mu.Unlock()
					continue
				}
				ok := err == nil
				if ok {
					ok = false
					for _, c := range contents {
						if bytes.Equal(b, c) {
							ok = true
							break
						}
					}
				}
				if !ok {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("err=%v len=%d", err, len(b)))
					mu.Unlock()
				}
			}
		}()
	}
	for _, c := range contents[1:] {
		require.NoError(t, v.Write(c))
	}
	close(stop)
	wg.Wait()
	assert.Empty(t, bad, "a reader sees a whole old or new token, never a mix")
	t.Logf("reads that found the old payload already removed: %d", vanished)
	assert.Equal(t, len(contents)-1, v.Rotations())
}

func TestVolumeOptions(t *testing.T) {
	_, err := NewVolume(VolumeOptions{})
	assert.EqualError(t, err, "fakeoidc: VolumeOptions.Dir is required")
	_, err = NewVolume(VolumeOptions{Dir: t.TempDir(), FileName: "../x"})
	assert.ErrorContains(t, err, "must be a plain file name")

	dir := filepath.Join(t.TempDir(), "nested", "mount")
	v, err := NewVolume(VolumeOptions{Dir: dir, FileName: "id-token", Mode: 0o600})
	require.NoError(t, err)
	require.NoError(t, v.Write([]byte("x")))
	assert.Equal(t, filepath.Join(dir, "id-token"), v.Path())
	fi, err := os.Stat(v.Path())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}
