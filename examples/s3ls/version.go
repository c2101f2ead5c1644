package main

import (
	"runtime"
	"runtime/debug"
)

// version is the module version s3ls was built from, "devel" for a checkout.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// versionString is what --version prints.
func versionString() string {
	s := "s3ls " + version() + " (github.com/irsa-go/irsa/examples/s3ls) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, set := range bi.Settings {
			if set.Key == "vcs.revision" && len(set.Value) >= 12 {
				s += " commit " + set.Value[:12]
			}
		}
	}
	return s
}
