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

func TestNewWebIdentityRefusesATokenGivenAsTheTokenFileWithoutRepeatingIt(t *testing.T) {
	_, err := NewWebIdentity(WebIdentityOptions{RoleARN: "arn:aws:iam::111122223333:role/app", TokenFile: pastedToken})
	if err == nil || !strings.Contains(err.Error(), "holds what looks like the token itself, not the path") {
		t.Fatalf("got %v, want the token-not-path error", err)
	}
	if !IsNonRecoverable(err) {
		t.Fatal("a token given as a path is a configuration error: want non-recoverable")
	}
	var we *WebIdentityError
	if !errors.As(err, &we) || we.TokenFile != "" {
		t.Fatalf("WebIdentityError.TokenFile must not hold the token, got %+v", we)
	}
	for _, out := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", we)} {
		if strings.Contains(out, "MARKER") || strings.Contains(out, "c2lnbmF0dXJl") || strings.Contains(out, "eyJzdWIi") {
			t.Fatalf("error output contains the token: %s", out)
		}
	}
}
