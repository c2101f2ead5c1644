package stsxml

import "strings"

// redactTokens replaces anything in a server's error message that is shaped like a token or a
// key with "[redacted]". Servers echo request values in validation messages ("Value '…' at
// 'webIdentityToken' failed to satisfy constraint"), and a message ends up in logs. Shaped like a
// token means a run of letters, digits and + / = _ . - % that starts with "eyJ" (base64 of a
// JSON object, as JWTs do) and is 20 or more long, or is 64 or more long and mixes letters and
// digits. A URL after "scheme:" is kept: issuer URLs are what such messages are about.
func redactTokens(s string) string {
	var b strings.Builder
	done := 0
	for i := 0; i < len(s); {
		if !isTokenByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isTokenByte(s[j]) {
			j++
		}
		if run := s[i:j]; tokenShaped(run) && !(i > 0 && s[i-1] == ':' && strings.HasPrefix(run, "//")) {
			b.WriteString(s[done:i])
			b.WriteString("[redacted]")
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

func tokenShaped(run string) bool {
	if len(run) >= 20 && strings.HasPrefix(run, "eyJ") {
		return true
	}
	if len(run) < 64 {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(run); i++ {
		c := run[i]
		letter = letter || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		digit = digit || c >= '0' && c <= '9'
	}
	return letter && digit
}
