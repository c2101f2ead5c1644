package redact

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// maxJWTHeader bounds, in characters, the header segment ContainsJWT decodes. Headers are about
// 100 characters (alg, kid, typ); a longer run is only looked at for "eyJ" (see ContainsJWT). The
// bound keeps the check linear on a hostile value.
const maxJWTHeader = 8 << 10

// ContainsJWT reports whether anything in s looks like a JWT in compact form: a run of base64url
// characters that decodes to a non-empty JSON object (a JOSE header, which base64 writes from
// "eyJ"), then a '.', a run of base64url characters (the payload), and another '.' (the signature
// follows it). It looks everywhere in s, whatever surrounds the token: quotes, "Bearer ",
// "token=", a ';', a newline, a path around it, other base64url characters glued to its start.
// The padding character '=' may end a segment.
//
// A setting that should hold a token file's path but holds this holds the token
// (AWS_WEB_IDENTITY_TOKEN_FILE="$(cat token)" is an easy mistake, and so is pasting it with its
// quotes or its "Bearer "): refuse the whole value and never print any of it. A header segment
// longer than 8 KiB is not decoded; such a run counts as a token when it contains "eyJ", which
// no path component of an ordinary file system is long enough to hold by accident.
func ContainsJWT(s string) bool {
	for dot := strings.IndexByte(s, '.'); dot >= 0; {
		end := dot
		for end > 0 && s[end-1] == '=' {
			end--
		}
		start := end
		for start > 0 && isBase64URL(s[start-1]) {
			start--
		}
		if start < end && followedBySegment(s[dot+1:]) && isJOSEHeader(s[start:end]) {
			return true
		}
		next := strings.IndexByte(s[dot+1:], '.')
		if next < 0 {
			return false
		}
		dot += 1 + next
	}
	return false
}

// followedBySegment reports whether rest starts with a (possibly empty) base64url segment, its
// padding, and a '.'.
func followedBySegment(rest string) bool {
	i := 0
	for i < len(rest) && (isBase64URL(rest[i]) || rest[i] == '=') {
		i++
	}
	return i < len(rest) && rest[i] == '.'
}

// isJOSEHeader reports whether run, a run of base64url characters, ends with the encoding of a
// non-empty JSON object. The object may start anywhere in run (characters glued in front of a
// token join its run), so every start is tried: one decoding per alignment of four characters,
// and in it every start of a three-byte group.
func isJOSEHeader(run string) bool {
	if len(run) > maxJWTHeader {
		if strings.Contains(run, "eyJ") {
			return true
		}
		run = run[len(run)-maxJWTHeader:]
	}
	for first := 0; first < 4 && first < len(run); first++ {
		b, err := base64.RawURLEncoding.DecodeString(run[first:])
		if err != nil || !endsWithBrace(b) {
			continue
		}
		for p := 0; p < len(b); p += 3 {
			if isObjectWithMembers(b[p:]) {
				return true
			}
		}
	}
	return false
}

// endsWithBrace reports whether b's last byte other than JSON white space is '}'.
func endsWithBrace(b []byte) bool {
	i := len(b) - 1
	for i >= 0 && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i--
	}
	return i >= 0 && b[i] == '}'
}

// isObjectWithMembers reports whether b is a JSON object with at least one member: "{}" (base64
// "e30", as in a file name like e30.tar.gz) is not a header.
func isObjectWithMembers(b []byte) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	if i = skipSpace(b, i+1); i >= len(b) || b[i] != '"' {
		return false
	}
	return json.Valid(b)
}

// skipSpace returns the index of the first byte of b at or after i that is not JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// isBase64URL reports whether c is in the base64url alphabet (RFC 4648 section 5), padding aside.
func isBase64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
