package redact

import "testing"

func TestLooksLikeJWT(t *testing.T) {
	const pastedToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzphcHAifQ.c2lnbmF0dXJlLXNlY3JldC1NQVJLRVI"
	cases := []struct {
		name string
		in   string
		want bool
	}{
		{"a JWT is a token", pastedToken, true},
		{"a JWT with surrounding whitespace is a token", "\n" + pastedToken + "\n", true},
		{"the EKS token path is not a token", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", false},
		{"a relative file name is not a token", "token", false},
		{"a path whose name starts like a JWT is not a token", "/tmp/eyJhbGci.eyJzdWIi.sig", false},
		{"two segments are not a token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0", false},
		{"a dotted file name is not a token", "eyJ.token.file name", false},
		{"an empty value is not a token", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := LooksLikeJWT(tc.in); got != tc.want {
				t.Fatalf("LooksLikeJWT(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
