// Package redact is the one home of what the library does to keep secrets out of the text it
// shows: in errors, reports and panics. Everything that hides a secret or cuts a value for a
// message calls one of these functions, so that there is one idea of what a token looks like and
// one way to cut text.
package redact

import (
	"strings"
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
		if len(secret) < probe {
			continue
		}
		s = hidePrefixRuns(s, secret)
		s = hideSuffixRuns(s, secret)
	}
	return s
}

// hidePrefixRuns hides each run of s that starts with secret's first probe bytes, as far as it
// goes on matching secret.
func hidePrefixRuns(s, secret string) string {
	head := secret[:probe]
	for from := 0; ; {
		i := strings.Index(s[from:], head)
		if i < 0 {
			return s
		}
		i += from
		n := commonPrefix(s[i:], secret)
		s = s[:i] + Placeholder + s[i+n:]
		from = i + len(Placeholder)
	}
}

// hideSuffixRuns hides each run of s that ends with secret's last probe bytes, as far back as it
// goes on matching secret.
func hideSuffixRuns(s, secret string) string {
	tail := secret[len(secret)-probe:]
	for from := 0; ; {
		i := strings.Index(s[from:], tail)
		if i < 0 {
			return s
		}
		end := from + i + probe
		n := commonSuffix(s[from:end], secret)
		s = s[:end-n] + Placeholder + s[end:]
		from = end - n + len(Placeholder)
	}
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// Tokens returns s with every run that looks like a secret hidden, for text whose secrets are
// not known in advance: what a server echoed, what a provider panicked with. A run is a maximal
// sequence of token bytes (see IsTokenByte); it looks like a secret when it starts with "eyJ"
// (base64 of a JSON object, as a JWT does) and is at least 20 bytes long, or when it is at least
// 40 bytes long (an AWS secret access key is 40) and mixes letters and digits. A run right after
// "scheme:" that starts with "//" is a URL and is kept: issuer URLs are what such messages are
// about.
func Tokens(s string) string {
	var b strings.Builder
	done := 0
	for i := 0; i < len(s); {
		if !IsTokenByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && IsTokenByte(s[j]) {
			j++
		}
		if run := s[i:j]; looksSecret(run) && !(i > 0 && s[i-1] == ':' && strings.HasPrefix(run, "//")) {
			b.WriteString(s[done:i])
			b.WriteString(Placeholder)
			done = j
		}
		i = j
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// minSecretRun is the length from which a run of token bytes that mixes letters and digits is
// taken for a secret: an AWS secret access key has 40 characters, session tokens and JWTs
// hundreds.
const minSecretRun = 40

func looksSecret(run string) bool {
	if len(run) >= 20 && strings.HasPrefix(run, "eyJ") {
		return true
	}
	if len(run) < minSecretRun {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(run); i++ {
		c := run[i]
		letter = letter || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		digit = digit || '0' <= c && c <= '9'
	}
	return letter && digit
}

// IsTokenByte reports whether c can be part of a secret as AWS and OIDC write them: the base64
// and base64url alphabets, '=' padding, the '.' between a JWT's parts, and '%' of a URL-encoded
// one.
func IsTokenByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '+' || c == '/' || c == '=' || c == '_' || c == '.' || c == '-' || c == '%'
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
