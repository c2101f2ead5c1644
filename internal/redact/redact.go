// Package redact is the one home of what the library does to keep secrets out of the text it
// shows: in errors, reports and panics. Everything that hides a secret or cuts a value for a
// message calls one of these functions, so that there is one idea of what a token looks like and
// one way to cut text.
package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholder replaces what is hidden.
const Placeholder = "[redacted]"

// probe is how much of a secret's start or end must appear for the text around it to be hidden:
// a cut-off excerpt may hold only part of a secret.
const probe = 12

// Secrets returns s with every known secret hidden: each occurrence of a secret, every run that
// starts with a secret's first 12 bytes or ends with its last 12 (a clipped message may hold only
// part of one), and the signature of a secret that is a JWT (the part that makes it usable on
// its own). Empty secrets are ignored.
func Secrets(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret == "" || s == "" {
			continue
		}
		s = strings.ReplaceAll(s, secret, Placeholder)
		if i := strings.LastIndexByte(secret, '.'); i >= 0 && len(secret)-i > 16 {
			s = strings.ReplaceAll(s, secret[i+1:], Placeholder)
		}
		if len(secret) >= probe {
			s = hideRuns(s, secret)
		}
	}
	return s
}

// hideRuns hides each run of s that starts with secret's first probe bytes, as far as it goes on
// matching secret, then each that ends with its last probe bytes, as far back as it matches.
func hideRuns(s, secret string) string {
	for _, fromEnd := range []bool{false, true} {
		probed := secret[:probe]
		if fromEnd {
			probed = secret[len(secret)-probe:]
		}
		for from := 0; ; {
			i := strings.Index(s[from:], probed)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+probe
			for fromEnd && start > from && end-start < len(secret) && s[start-1] == secret[len(secret)-1-(end-start)] {
				start--
			}
			for !fromEnd && end < len(s) && end-start < len(secret) && s[end] == secret[end-start] {
				end++
			}
			s = s[:start] + Placeholder + s[end:]
			from = start + len(Placeholder)
		}
	}
	return s
}

// tokenRun is a maximal run of the bytes a secret is written with, as AWS and OIDC write them:
// base64 and base64url, '=' padding, the '.' between a JWT's parts, '%' of a URL-encoded one.
var tokenRun = regexp.MustCompile(`[A-Za-z0-9+/=_.%-]+`)

// urlPort is the port (and the path after it) that follows a URL's host.
var urlPort = regexp.MustCompile(`^[0-9]{1,5}(/|$)`)

// Tokens returns s with every run that looks like a secret hidden, for text whose secrets are
// not known in advance: what a server echoed, what a provider panicked with. A run (see
// tokenRun) looks like a secret when it starts with "eyJ" (base64 of a JSON object, as a JWT
// does) and is at least 20 bytes long, or when it is at least 40 bytes long (an AWS secret access
// key is 40) and mixes letters and digits. A run right after "scheme:" that starts with "//" is a
// URL and is kept, and so is the port and path right after its host: issuer URLs are what such
// messages are about.
func Tokens(s string) string {
	var b strings.Builder
	done, urlEnd := 0, -1 // urlEnd: where the host of the last URL kept ends
	for _, m := range tokenRun.FindAllStringIndex(s, -1) {
		run := s[m[0]:m[1]]
		secret := len(run) >= 20 && strings.HasPrefix(run, "eyJ") ||
			len(run) >= 40 && strings.ContainsAny(run, "0123456789") && strings.IndexFunc(run, unicode.IsLetter) >= 0
		afterColon := m[0] > 0 && s[m[0]-1] == ':'
		switch {
		case afterColon && strings.HasPrefix(run, "//"):
			urlEnd = m[1] // a URL's host
		case afterColon && m[0]-1 == urlEnd && urlPort.MatchString(run):
			// The port and path of that URL, such as an issuer's "127.0.0.1:8443/id/EXAMPLE…".
		case secret:
			b.WriteString(s[done:m[0]] + Placeholder)
			done = m[1]
		}
	}
	return b.String() + s[done:]
}

// Clip returns s cut to at most n bytes on a character boundary, with "…" appended when it was
// cut: values from the environment, a file or a server may be arbitrarily long.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// URLUserinfo returns raw with anything between "://" and the last "@" before the path, query or
// fragment replaced by Placeholder, so that a password in an endpoint URL is never shown. It
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
		return prefix + Placeholder + "@" + rest[i+1:]
	}
	return raw
}
