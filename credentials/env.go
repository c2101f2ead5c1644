package credentials

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// errEnvNotSet is Env.Retrieve's error when neither key is set; it is recoverable, so that a
// chain can move on to the next source.
var errEnvNotSet = errorf("AWS_ACCESS_KEY_ID is not set")

// Env is a Provider that reads credentials from environment variables.
//
// It reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the session token from AWS_SECURITY_TOKEN
// or AWS_SESSION_TOKEN (the first one set, in botocore's order) and, if set, the expiry from
// AWS_CREDENTIAL_EXPIRATION. Like aws-sdk-go-v2 it falls back to AWS_ACCESS_KEY and
// AWS_SECRET_KEY when the standard names are not set; botocore does not read those, so chain
// turns the fallback off with IgnoreLegacyNames to match the AWS CLI. Values are trimmed of
// surrounding whitespace.
//
// A variable that is empty or holds only whitespace counts as not set. This departs on purpose
// from botocore 1.43, which takes AWS_ACCESS_KEY_ID=" " as set and signs with a blank key: here
// the environment is then not a source of credentials at all (Retrieve's error says
// "AWS_ACCESS_KEY_ID is not set"), so a chain moves on to the next source instead of choosing
// credentials that cannot work.
//
// An access key ID without a secret (or the reverse) is a non-recoverable error that names the
// missing variable: a half-configured environment is a mistake, not a reason to look elsewhere.
type Env struct {
	// Getenv looks up a variable. Optional; default os.Getenv.
	Getenv func(string) string
	// IgnoreLegacyNames turns off the AWS_ACCESS_KEY / AWS_SECRET_KEY fallback. Optional; default
	// false (the fallback is on, as in aws-sdk-go-v2).
	IgnoreLegacyNames bool
}

// get returns the variable's value trimmed of surrounding whitespace.
func (e Env) get(name string) string {
	getenv := e.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return strings.TrimSpace(getenv(name))
}

func (e Env) firstSet(names ...string) (value, name string) {
	for _, n := range names {
		if v := e.get(n); v != "" {
			return v, n
		}
	}
	return "", names[0]
}

// Retrieve returns the credentials in the environment.
func (e Env) Retrieve(context.Context) (Credentials, error) {
	idNames := []string{"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"} // then aws-sdk-go's older names
	secretNames := []string{"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"}
	if e.IgnoreLegacyNames {
		idNames, secretNames = idNames[:1], secretNames[:1]
	}
	id, idName := e.firstSet(idNames...)
	secret, secretName := e.firstSet(secretNames...)
	switch {
	case id == "" && secret == "":
		return Credentials{}, errEnvNotSet
	case id == "":
		return Credentials{}, MarkNonRecoverable(errorf("%s is set but %s is not: set both, or neither", secretName, idName))
	case secret == "":
		return Credentials{}, MarkNonRecoverable(errorf("%s is set but %s is not: set both, or neither", idName, secretName))
	}
	token, _ := e.firstSet("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN") // botocore's order
	c := Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token, Source: sourceEnv}
	if exp := e.get("AWS_CREDENTIAL_EXPIRATION"); exp != "" {
		t, err := time.Parse(time.RFC3339, exp)
		if err != nil {
			return Credentials{}, MarkNonRecoverable(errorf("AWS_CREDENTIAL_EXPIRATION=%q is not an RFC 3339 time such as 2026-11-24T15:04:05Z", redact.Clip(exp, 40)))
		}
		c.Expires = t
	}
	return c, nil
}
