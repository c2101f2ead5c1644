//go:build !unix

package main

import "io/fs"

// fileOwner is empty where files have no uid and gid.
func fileOwner(fs.FileInfo) string { return "" }
