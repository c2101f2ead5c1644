package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
)

// maxJWTHeader bounds, in characters, the header segment ContainsJWT decodes, so that the check
// stays linear on a hostile value; real headers are about 100 characters.
const maxJWTHeader = 8 << 10

var (
	headerRun  = regexp.MustCompile(`[A-Za-z0-9_-]*=*$`) // the base64url run that ends a segment
	segmentRun = regexp.MustCompile(`^[A-Za-z0-9_=-]*$`) // a whole segment
)

// ContainsJWT reports whether anything in s looks like a JWT in compact form: a run of base64url
// characters that decodes to a non-empty JSON object (a JOSE header), a '.', a base64url segment
// (the payload), and another '.'. It looks everywhere in s, whatever surrounds the token (quotes,
// "Bearer ", "token=", a path, base64url characters glued to its start); '=' may end a segment.
//
// A setting that should hold a token file's path but holds this holds the token: refuse the whole
// value and never print any of it. A header run longer than 8 KiB is not decoded; it counts as a
// token when it contains "eyJ", which no ordinary path component is long enough to hold by
// accident.
func ContainsJWT(s string) bool {
	parts := strings.Split(s, ".")
	for i := 0; i+2 < len(parts); i++ {
		if segmentRun.MatchString(parts[i+1]) && isJOSEHeader(strings.TrimRight(headerRun.FindString(parts[i]), "=")) {
			return true
		}
	}
	return false
}

const jsonSpace = " \t\r\n"

// isJOSEHeader reports whether run, base64url characters, ends with the encoding of a JSON
// object with at least one member ("{}", base64 "e30", is a file name's, not a header). The
// object may start anywhere in run (characters glued in front of a token join its run): one
// decoding per alignment of four characters, and in it every start of a three-byte group.
func isJOSEHeader(run string) bool {
	if len(run) > maxJWTHeader {
		if strings.Contains(run, "eyJ") {
			return true
		}
		run = run[len(run)-maxJWTHeader:]
	}
	for first := 0; first < 4 && first < len(run); first++ {
		b, err := base64.RawURLEncoding.DecodeString(run[first:])
		if err != nil || !bytes.HasSuffix(bytes.TrimRight(b, jsonSpace), []byte("}")) {
			continue // cheap test first: json.Valid per candidate start would be quadratic
		}
		for p := 0; p < len(b); p += 3 {
			obj := bytes.TrimLeft(b[p:], jsonSpace)
			if len(obj) > 0 && obj[0] == '{' && bytes.HasPrefix(bytes.TrimLeft(obj[1:], jsonSpace), []byte(`"`)) && json.Valid(obj) {
				return true
			}
		}
	}
	return false
}
