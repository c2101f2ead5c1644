package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
)

// cacheChoice is what --no-cache and --cache-dir chose, for the commands that take them.
type cacheChoice struct {
	offered bool // the command takes the flags: the cache is on unless --no-cache
	off     bool
	dir     string
}

// cacheFlags adds --no-cache and --cache-dir to fs: the credentials are kept in files shared by
// every irsa process of this user (credentials.CacheOptions.SharedDir), so that short-lived runs
// (credential_process, a CronJob) make one STS call between them.
func cacheFlags(fs *flag.FlagSet, sel *selection) {
	sel.cache.offered = true
	fs.BoolVar(&sel.cache.off, "no-cache", false, "do not share credentials with other irsa processes through files; call STS every time")
	fs.StringVar(&sel.cache.dir, "cache-dir", "", "directory of the credentials shared by irsa processes (default: $XDG_CACHE_HOME/irsa, else ~/.cache/irsa)")
}

// sharedDir is the directory of the shared files for sel, "" when they are off: off without the
// flags, with --no-cache, or with neither XDG_CACHE_HOME nor HOME (os.UserCacheDir's rule on
// Unix, read from a.environ).
func (a *app) sharedDir(sel selection) string {
	c := sel.cache
	switch xdg := a.getenv("XDG_CACHE_HOME"); {
	case !c.offered || c.off:
		return ""
	case c.dir != "":
		return c.dir
	case filepath.IsAbs(xdg):
		return filepath.Join(xdg, "irsa")
	case a.getenv("HOME") != "":
		return filepath.Join(a.getenv("HOME"), ".cache", "irsa")
	}
	return ""
}

// withSharedCache turns the shared files on in o for sel, and has a problem with them (a
// directory refused, a file ignored) printed as a warning: it never stops the command.
func (a *app) withSharedCache(o chain.Options, sel selection) chain.Options {
	o.Cache.SharedDir = a.sharedDir(sel)
	if o.Cache.SharedDir == "" {
		return o
	}
	var mu sync.Mutex // refreshes of a chain's steps may report at once
	o.Cache.OnRefresh = func(ev credentials.RefreshEvent) {
		if ev.SharedDirErr != nil {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(a.stderr, "irsa: warning: %v\n", ev.SharedDirErr)
		}
	}
	return o
}
