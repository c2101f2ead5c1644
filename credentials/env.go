package credentials

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// Environment variables read by Env.
const (
	EnvAccessKeyID          = "AWS_ACCESS_KEY_ID"
	EnvSecretAccessKey      = "AWS_SECRET_ACCESS_KEY"
	EnvSessionToken         = "AWS_SESSION_TOKEN"
	EnvSecurityToken        = "AWS_SECURITY_TOKEN"        // botocore's older name for the session token
	EnvCredentialExpiration = "AWS_CREDENTIAL_EXPIRATION" // RFC 3339; botocore refreshes at this time
	EnvLegacyAccessKey      = "AWS_ACCESS_KEY"            // aws-sdk-go's older name, read when AWS_ACCESS_KEY_ID is unset
	EnvLegacySecretKey      = "AWS_SECRET_KEY"            // aws-sdk-go's older name, read when AWS_SECRET_ACCESS_KEY is unset
)

// ErrEnvNotSet is returned (wrapped) by Env.Retrieve when no access key ID is set, so that a
// chain can move on to the next source. errors.Is(err, ErrEnvNotSet) matches it.
var ErrEnvNotSet = fmt.Errorf("credentials: %s is not set", EnvAccessKeyID)

// Env is a Provider that reads credentials from environment variables.
//
// It reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the session token from AWS_SECURITY_TOKEN
// or AWS_SESSION_TOKEN (the first non-empty one, in botocore's order) and, if set, the expiry from
// AWS_CREDENTIAL_EXPIRATION. Like aws-sdk-go-v2 it falls back to AWS_ACCESS_KEY and
// AWS_SECRET_KEY when the standard names are unset or empty; botocore does not read those, so
// chain turns the fallback off with IgnoreLegacyNames to match the AWS CLI. An empty variable
// counts as unset, as in botocore.
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

func (e Env) get(name string) string {
	if e.Getenv != nil {
		return e.Getenv(name)
	}
	return os.Getenv(name)
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
	idNames := []string{EnvAccessKeyID, EnvLegacyAccessKey}
	secretNames := []string{EnvSecretAccessKey, EnvLegacySecretKey}
	if e.IgnoreLegacyNames {
		idNames, secretNames = idNames[:1], secretNames[:1]
	}
	id, idName := e.firstSet(idNames...)
	secret, secretName := e.firstSet(secretNames...)
	switch {
	case id == "" && secret == "":
		return Credentials{}, ErrEnvNotSet
	case id == "":
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("credentials: %s is set but %s is not: set both, or neither", secretName, idName))
	case secret == "":
		return Credentials{}, MarkNonRecoverable(fmt.Errorf("credentials: %s is set but %s is not: set both, or neither", idName, secretName))
	}
	token, _ := e.firstSet(EnvSecurityToken, EnvSessionToken)
	c := Credentials{
		AccessKeyID:     strings.TrimSpace(id),
		SecretAccessKey: strings.TrimSpace(secret),
		SessionToken:    strings.TrimSpace(token),
		Source:          SourceEnv,
	}
	if exp := strings.TrimSpace(e.get(EnvCredentialExpiration)); exp != "" {
		t, err := time.Parse(time.RFC3339, exp)
		if err != nil {
			return Credentials{}, MarkNonRecoverable(fmt.Errorf("credentials: %s=%q is not an RFC 3339 time such as 2026-11-24T15:04:05Z", EnvCredentialExpiration, redact.Clip(exp, 40)))
		}
		c.Expires = t
	}
	return c, nil
}
