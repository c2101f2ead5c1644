//go:build !unix

package readfile

// oNonblock is 0 where the system has no O_NONBLOCK; the check before opening still applies.
const oNonblock = 0
