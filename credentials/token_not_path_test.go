package credentials

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// pastedToken is shaped like a service account token; its signature part ends in a marker that
// must never appear in any output.
const pastedToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzphcHAifQ.c2lnbmF0dXJlLXNlY3JldC1NQVJLRVI"

// A token given where its file's path belongs, bare or in any of the forms a paste produces, is
// refused by NewWebIdentity, which names the option and repeats no part of the token.
func TestNewWebIdentityRefusesATokenGivenAsTheTokenFileWithoutRepeatingIt(t *testing.T) {
	const want = "credentials: web identity for role arn:aws:iam::111122223333:role/app: TokenFile (AWS_WEB_IDENTITY_TOKEN_FILE, web_identity_token_file) holds what looks like the token itself, not the path of the file that contains it: set it to the file's path, such as /var/run/secrets/eks.amazonaws.com/serviceaccount/token (the value is not repeated here because it is a secret)"
	for _, tc := range []struct{ name, tokenFile string }{
		{"a bare token", pastedToken},
		{"a token in double quotes", `"` + pastedToken + `"`},
		{"a token in single quotes", "'" + pastedToken + "'"},
		{"a token after Bearer", "Bearer " + pastedToken},
		{"a token with a trailing semicolon", pastedToken + ";"},
		{"a token after token=", "token=" + pastedToken},
		{"a token with a trailing newline", pastedToken + "\n"},
		{"a token inside a longer path", "/tmp/" + pastedToken + "/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string { return map[string]string{"AWS_REGION": "us-east-1"}[k] }
			_, err := NewWebIdentity(WebIdentityOptions{RoleARN: "arn:aws:iam::111122223333:role/app", TokenFile: tc.tokenFile, Getenv: getenv})
			if err == nil || err.Error() != want {
				t.Fatalf("got  %v\nwant %s", err, want)
			}
			if !errors.Is(err, errTokenNotPath) {
				t.Fatalf("errors.Is(err, errTokenNotPath) is false for %v", err)
			}
			if !IsNonRecoverable(err) {
				t.Fatal("a token given as a path is a configuration error: want non-recoverable")
			}
			var we *WebIdentityError
			if !errors.As(err, &we) || we.TokenFile != "" {
				t.Fatalf("WebIdentityError.TokenFile must not hold the token, got %+v", we)
			}
			for _, out := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", we)} {
				for _, piece := range []string{"MARKER", "c2lnbmF0dXJl", "eyJzdWIi", "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ"} {
					if strings.Contains(out, piece) {
						t.Fatalf("error output contains the token (%q): %s", piece, out)
					}
				}
			}
		})
	}
}

// A WebIdentityError made by hand with a token in TokenFile does not print it.
func TestWebIdentityErrorNeverPrintsATokenFileThatHoldsAToken(t *testing.T) {
	err := &WebIdentityError{RoleARN: "arn:aws:iam::111122223333:role/app", TokenFile: "Bearer " + pastedToken, Err: errors.New("boom")}
	const want = "credentials: web identity for role arn:aws:iam::111122223333:role/app (token file not shown: it holds what looks like a token): boom"
	if got := err.Error(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
