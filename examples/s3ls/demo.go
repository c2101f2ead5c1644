package main

import "context"

// demo runs the whole flow offline. TEMPORARY: waits for the fakes and chain.
func (a *app) demo(ctx context.Context, opts *options) int {
	a.errorf(errNotYet)
	return exitError
}

var errNotYet = &usageError{msg: "-demo is not available yet"}
