package redact

import "strings"

// LooksLikeJWT reports whether s, surrounding whitespace aside, is a JWT in compact form: three
// dot-separated base64url segments, the first starting with "eyJ" (the encoding of `{"`), and no
// slash. A setting that should hold a token file's path but holds this holds the token itself
// (AWS_WEB_IDENTITY_TOKEN_FILE=$(cat token) is an easy mistake): refuse it and never repeat it.
func LooksLikeJWT(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "eyJ") || strings.ContainsRune(s, '/') {
		return false
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for _, r := range p {
			if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '=') {
				return false
			}
		}
	}
	return true
}
