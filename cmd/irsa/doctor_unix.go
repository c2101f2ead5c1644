//go:build unix

package main

import (
	"fmt"
	"io/fs"
	"syscall"
)

// fileOwner is ", owner uid U, group gid G" for fi, which explains a permission error.
func fileOwner(fi fs.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf(", owner uid %d, group gid %d", st.Uid, st.Gid)
	}
	return ""
}
