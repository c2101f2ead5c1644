package redact

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// pastedToken is shaped like a service account token; its signature ends in a marker.
const pastedToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzphcHAifQ.c2lnbmF0dXJlLXNlY3JldC1NQVJLRVI"

func TestContainsJWT(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want bool
	}{
		{"a JWT is a token", pastedToken, true},
		{"a JWT with surrounding whitespace is a token", "\n" + pastedToken + "\n", true},
		{"a JWT in double quotes is a token", `"` + pastedToken + `"`, true},
		{"a JWT in single quotes is a token", "'" + pastedToken + "'", true},
		{"a JWT after Bearer is a token", "Bearer " + pastedToken, true},
		{"a JWT with a trailing semicolon is a token", pastedToken + ";", true},
		{"a JWT after token= is a token", "token=" + pastedToken, true},
		{"a JWT followed by a newline and more is a token", pastedToken + "\nnext line", true},
		{"a JWT inside a path is a token", "/tmp/" + pastedToken + "/x", true},
		{"a JWT glued to letters in front is a token", "abc" + pastedToken, true},
		{"a JWT with padded segments is a token", "eyJhbGciOiJub25lIn0=.eyJzdWIiOiJ4In0=.c2ln", true},
		{"a JWT with an empty signature is a token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", true},
		{"a JWT whose header has spaces is a token", base64.RawURLEncoding.EncodeToString([]byte(`{ "alg": "RS256" }`)) + ".eyJ4IjoxfQ.c2ln", true},
		{"a JWT with five segments (JWE) is a token", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aXY.Y2lwaGVy.dGFn", true},
		{"the EKS token path is not a token", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", false},
		{"the kubelet's ..data path is not a token", "/var/run/secrets/eks.amazonaws.com/serviceaccount/..data/token", false},
		{"a relative file name is not a token", "token", false},
		{"a path whose name starts like a JWT is not a token", "/tmp/eyJhbGci.eyJzdWIi.sig", false},
		{"an empty object is not a header", "/backups/e30.tar.gz", false},
		{"two segments are not a token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0", false},
		{"a dotted file name is not a token", "eyJ.token.file name", false},
		{"an empty value is not a token", "", false},
		{"dots alone are not a token", "...", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ContainsJWT(tc.in); got != tc.want {
				t.Fatalf("ContainsJWT(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestContainsJWTWithAHeaderLongerThanTheBound(t *testing.T) {
	// Headers of lengths around the bound, glued to letters, so that the header's start falls on
	// either side of where the decoded window begins.
	for n := maxJWTHeader*3/4 - 40; n < maxJWTHeader*3/4+8; n++ {
		header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","x5c":["` + strings.Repeat("A", n) + `"]}`))
		for _, glued := range []string{"", "a", "ab", "abc"} {
			if s := "/x/" + glued + header + ".eyJ4IjoxfQ.c2ln"; !ContainsJWT(s) {
				t.Fatalf("a JWT with a %d-character header after %q is not found", len(header), glued)
			}
		}
	}
	if ContainsJWT("/x/" + strings.Repeat("A", 2*maxJWTHeader) + ".b.c") {
		t.Fatal("a long run without a header is taken for a token")
	}
}

// A hostile value (many dots, many "eyJ", nested JSON) is checked in linear-ish time.
func TestContainsJWTIsBoundedOnHostileInput(t *testing.T) {
	nested := base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 1999)))
	for _, s := range []string{
		strings.Repeat("eyJ", 100000),
		strings.Repeat("eyJ.", 100000),
		strings.Repeat(nested+".", 30),
		strings.Repeat("e30..", 50000),
	} {
		ContainsJWT(s)
	}
}

// jwtFor builds a compact JWT, as an issuer would, whose header and claims hold the given
// strings and whose signature is sig.
func jwtFor(t *testing.T, kid, sub string, sig []byte) string {
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	header := enc(map[string]string{"alg": "RS256", "kid": kid})
	claims := enc(map[string]any{"sub": sub, "aud": []string{"sts.amazonaws.com"}, "exp": 1700000000})
	return header + "." + claims + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// FuzzContainsJWT checks the rule that keeps a pasted token out of every message: whatever
// surrounds a JWT, ContainsJWT finds it; it never panics; and it does not take ordinary token
// paths for tokens.
func FuzzContainsJWT(f *testing.F) {
	f.Add("", "", "1", "system:serviceaccount:demo:app", []byte("signature"))
	f.Add(`"`, `"`, "kid", "sub", []byte{0xff, 0xfe})
	f.Add("Bearer ", ";", "", "", []byte{})
	f.Add("token=", "\n", "k", "s", []byte("x"))
	f.Add("/tmp/", "/x", "abc", "def", []byte("sig"))
	f.Add("abc.", ".def", "\x00", "\u00e9", []byte("sig"))
	f.Add("/var/run/secrets/eks.amazonaws.com/serviceaccount/", "", "1", "2", []byte("3"))
	f.Fuzz(func(t *testing.T, prefix, suffix, kid, sub string, sig []byte) {
		for _, s := range []string{prefix, suffix, prefix + suffix} {
			if !strings.Contains(s, ".") && ContainsJWT(s) {
				t.Fatalf("ContainsJWT(%q) is true without a dot", s)
			}
		}
		j := jwtFor(t, kid, sub, sig)
		if s := prefix + j + suffix; !ContainsJWT(s) {
			t.Fatalf("ContainsJWT(%q) = false, want true (JWT %q)", s, j)
		}
		for _, path := range []string{"/var/run/secrets/eks.amazonaws.com/serviceaccount/token", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"} {
			if ContainsJWT(path) {
				t.Fatalf("ContainsJWT(%q) = true for an ordinary token path", path)
			}
		}
	})
}
