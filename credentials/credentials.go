package credentials

import (
	"fmt"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// The values of Credentials.Source (see its doc).
const (
	sourceStatic      = "static"
	sourceEnv         = "env"
	sourceWebIdentity = "web-identity"
	sourceAssumeRole  = "assume-role"
	sourceProcess     = "process"
	sourceSSO         = "sso"
	sourceContainer   = "container"
	sourceIMDS        = "imds"
)

// Credentials is one set of AWS credentials.
//
// Printing a Credentials value with any fmt verb (%v, %+v, %#v, %s, %q, ...) shows the access key
// ID, expiry, source and role ARN but never the secret access key or the session token, wherever
// fmt can call methods: on a value, a pointer, an exported field. fmt cannot call methods through
// an unexported field, so a struct that keeps Credentials in one should hold a *Credentials (fmt
// prints it as an address) or define its own String method.
type Credentials struct {
	// AccessKeyID identifies the key pair. It is not secret and appears in errors and logs.
	AccessKeyID string
	// SecretAccessKey signs requests. Never printed.
	SecretAccessKey string
	// SessionToken accompanies temporary credentials. Never printed.
	SessionToken string
	// Expires is when the credentials stop working; the zero time means they never expire.
	Expires time.Time
	// Source names the provider that made them: "static" (Static, and keys from the shared
	// files), "env" (Env), "web-identity" (WebIdentity), "assume-role" (AssumeRole),
	// "container" (NewContainer), "imds" (NewIMDS), "process" (NewProcess) or "sso" (NewSSO); a
	// Provider of your own may set its own.
	Source string
	// RoleARN is the assumed-role ARN when the credentials came from STS, else empty.
	RoleARN string
	// AccountID is the AWS account ID the credentials belong to, when the source says; else empty.
	AccountID string
}

// CanExpire reports whether the credentials have an expiry time.
func (c Credentials) CanExpire() bool { return !c.Expires.IsZero() }

// Expired reports whether the credentials have expired at now. Credentials without an expiry
// never expire.
func (c Credentials) Expired(now time.Time) bool {
	return c.CanExpire() && !now.Before(c.Expires)
}

// HasKeys reports whether both the access key ID and the secret access key are set.
func (c Credentials) HasKeys() bool { return c.AccessKeyID != "" && c.SecretAccessKey != "" }

func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	return redact.Placeholder
}

// String returns a one-line description without the secret access key or the session token.
func (c Credentials) String() string {
	expires := "never"
	if c.CanExpire() {
		expires = c.Expires.UTC().Format(time.RFC3339)
	}
	s := fmt.Sprintf("Credentials{AccessKeyID: %s, SecretAccessKey: %s, SessionToken: %s, Expires: %s, Source: %s",
		keyID(c.AccessKeyID), maskSecret(c.SecretAccessKey), maskSecret(c.SessionToken), expires, c.Source)
	if c.RoleARN != "" {
		s += ", RoleARN: " + c.RoleARN
	}
	return s + "}"
}

// goString is what %#v prints; like String it leaves out the secrets.
func (c Credentials) goString() string {
	return fmt.Sprintf("credentials.Credentials{AccessKeyID:%q, SecretAccessKey:%q, SessionToken:%q, Expires:%q, Source:%q, RoleARN:%q}",
		keyID(c.AccessKeyID), maskSecret(c.SecretAccessKey), maskSecret(c.SessionToken), c.Expires.UTC().Format(time.RFC3339Nano), c.Source, c.RoleARN)
}

// Format implements fmt.Formatter so that every verb, %#v, %x and %q included, prints the
// credentials without their secrets: String, or for %#v a Go-syntax form of it.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(c.goString()))
		return
	}
	formatString(f, verb, c.String())
}

// keyID is an access key ID as this package's texts show it: as it is when it has the form of one,
// otherwise described without being repeated, since it may be a secret put where the ID belongs
// (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY swapped).
func keyID(id string) string {
	return redact.AccessKeyID(id, "the access key ID", "the secret access key")
}
