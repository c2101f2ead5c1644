package chain

import (
	"fmt"
	"strings"

	"github.com/irsa-go/irsa/internal/redact"
)

// ConfigError reports a profile, setting or environment variable that chain cannot use: an
// unsupported setting (mfa_serial, sso_*, ...), an invalid value, a
// source_profile that does not exist or that loops, a role without a source. It names the
// profile, the key and the file and line it was read from, never a secret.
type ConfigError struct {
	// Profile is the profile concerned, or "" for an environment variable.
	Profile string
	// Key is the setting or environment variable concerned, such as "source_profile" or
	// "AWS_ROLE_ARN".
	Key string
	// File and Line locate Key when it was read from a file; Line is 0 otherwise.
	File string
	Line int
	// Reason says what is wrong and what to do.
	Reason string
	// Unsupported is true when the setting is valid for the AWS CLI but chain does not implement
	// it.
	Unsupported bool
	// Cycle lists the profiles of a source_profile loop, first and last equal, such as
	// [A B A]; nil for other errors.
	Cycle []string
}

// Error says where the problem is (profile, key, file and line) and what is wrong; it has no
// package prefix, which Resolve adds.
func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.Profile != "" {
		fmt.Fprintf(&b, "profile %s: ", redact.Clip(e.Profile, 200))
	}
	at := ""
	if e.File != "" && e.Line > 0 {
		at = fmt.Sprintf("%s line %d", e.File, e.Line)
	}
	// The key leads unless the reason starts with it already.
	switch {
	case e.Key == "":
	case !strings.HasPrefix(e.Reason, e.Key+" ") && at != "":
		fmt.Fprintf(&b, "%s (%s): ", e.Key, at)
	case !strings.HasPrefix(e.Reason, e.Key+" "):
		b.WriteString(e.Key + ": ")
	case at != "":
		b.WriteString(at + ": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// ProfileNotFoundError reports a profile that was asked for by name (Options.Profile,
// AWS_DEFAULT_PROFILE or AWS_PROFILE) but exists in neither file. Like the AWS CLI, chain fails
// then even when other credentials are available.
type ProfileNotFoundError struct {
	// Profile is the name asked for.
	Profile string
	// From says where the name came from: "Options.Profile", "AWS_DEFAULT_PROFILE" or
	// "AWS_PROFILE".
	From string
	// Files lists the files that were looked in, each with what was found ("missing" when the
	// file does not exist).
	Files []string
	// Hint suggests a fix, such as writing [profile prod] instead of [prod]; may be empty.
	Hint string
}

// Error names the profile, where its name came from and the files looked in.
func (e *ProfileNotFoundError) Error() string {
	msg := fmt.Sprintf("profile %q (from %s) not found in %s", redact.Clip(e.Profile, 200), e.From, strings.Join(e.Files, " or "))
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// NoCredentialsError is returned when no source in the AWS CLI's order has credentials. Its
// message is the whole Explanation: each source considered and why it was skipped.
type NoCredentialsError struct {
	// Explanation reports every source considered.
	Explanation *Explanation
}

// Error is the Explanation, after a line that says no source has credentials.
func (e *NoCredentialsError) Error() string {
	return noCredentials + "\n" + e.Explanation.report()
}

const noCredentials = "no credentials found in any source the AWS CLI would use"

// boundaryError adds "chain: " once to every error of Resolve and Explain (an Explanation shows
// them without it) and makes it non-recoverable: configuration does not fix itself.
type boundaryError struct{ err error }

func (e *boundaryError) Error() string        { return "chain: " + e.err.Error() }
func (e *boundaryError) Unwrap() error        { return e.err }
func (e *boundaryError) NonRecoverable() bool { return true }

// leave wraps err, if any, for returning from Resolve or Explain.
func leave(err error) error {
	if err == nil {
		return nil
	}
	return &boundaryError{err: err}
}
