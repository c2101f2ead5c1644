// Package redact hides secrets in text that the library shows in errors and reports.
package redact

import "strings"

// URLUserinfo returns raw with anything between "://" and the last "@" before the path, query or
// fragment replaced by "[redacted]", so that a password in an endpoint URL is never shown. It
// works on text that does not parse as a URL too, which is when it matters most: the URL is shown
// in the error that says it is invalid.
func URLUserinfo(raw string) string {
	rest, prefix := raw, ""
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+3], raw[i+3:]
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		return prefix + "[redacted]@" + rest[i+1:]
	}
	return raw
}
