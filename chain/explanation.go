package chain

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// Explanation reports how chain resolved (or failed to resolve) credentials, region and STS
// endpoint: the profile and files used, every credential source considered in the AWS CLI's order
// with the reason each was skipped, the steps that produce the credentials, and where every value
// came from. It never holds a secret. String renders it for a person.
type Explanation struct {
	// Profile is the profile in use and ProfileFrom what named it: "Options.Profile",
	// "AWS_DEFAULT_PROFILE" or "AWS_PROFILE"; both are "default" when none was named.
	Profile, ProfileFrom string
	// Files are the shared config and credentials files, in that order.
	Files []FileReport
	// Sources are the credential sources considered, in order; the last one is the chosen one
	// when there is one.
	Sources []SourceReport
	// Steps are how the chosen source's credentials are obtained, first to last: a base source
	// (environment, static keys, web identity or credential_process) followed by zero or more
	// AssumeRole steps. Empty when no source was chosen.
	Steps []Step
	// Region is the resolved region and RegionFrom where it came from ("Options.Region",
	// "AWS_REGION", "AWS_DEFAULT_REGION" or "profile NAME, FILE line N"); both "" when there is none.
	Region, RegionFrom string
	// STS describes the STS endpoint decision.
	STS STSReport
	// CABundle is the path of the CA bundle, as written, and CABundleFrom says where it came
	// from ("AWS_CA_BUNDLE" or "profile NAME, FILE line N"); both "" when there is none configured.
	CABundle, CABundleFrom string
	// Notes are observations that do not stop resolution but may surprise: settings the AWS CLI
	// ignores, environment variables overridden by others.
	Notes []string
	// Err is the error Resolve returns for these inputs, or nil.
	Err error
}

// FileReport describes one shared file.
type FileReport struct {
	// Kind is "config" or "credentials".
	Kind string
	// Path is the expanded path, with the home directory shown as "~".
	Path string
	// From says what chose the path: "Options.ConfigFile", "AWS_CONFIG_FILE", "default", ...
	From string
	// Found is true when the file exists and was read.
	Found bool
	// NotRegular says what is at Path if not a regular file ("a named pipe (FIFO)", "a directory",
	// "a character device" for /dev/null). Like the AWS CLI, chain then takes the file as empty.
	NotRegular string
}

// SourceStatus is the outcome of considering one credential source.
type SourceStatus int

// The outcomes of considering a credential source.
const (
	// Skipped: the source is not configured; the next one is considered.
	Skipped SourceStatus = iota
	// Chosen: the source is configured and provides the credentials.
	Chosen
	// Failed: the source is configured but wrongly; resolution stops with an error.
	Failed
	// Unsupported: the source is configured in a way chain does not implement; resolution stops
	// with an error (or, for the sources the AWS CLI tries last, is reported as unavailable).
	Unsupported
)

// String is the status as Explanation.String shows it: "skipped", "chosen", "failed" or "not
// supported".
func (s SourceStatus) String() string {
	if names := [...]string{"skipped", "chosen", "failed", "not supported"}; s >= 0 && int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("SourceStatus(%d)", int(s))
}

// SourceReport is one credential source and what became of it.
type SourceReport struct {
	// Name names the source, such as "environment variables" or "assume role (profile prod)".
	Name string
	// Status is what became of it.
	Status SourceStatus
	// Reason explains Status in words a person can act on.
	Reason string
}

// StepKind is the kind of a Step.
type StepKind int

// The kinds of Step.
const (
	// StepEnvironment reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
	StepEnvironment StepKind = iota + 1
	// StepStatic uses keys written in a profile.
	StepStatic
	// StepWebIdentity calls STS AssumeRoleWithWebIdentity with a token file.
	StepWebIdentity
	// StepAssumeRole calls STS AssumeRole with the previous step's credentials.
	StepAssumeRole
	// StepProcess runs the command of a profile's credential_process.
	StepProcess
	// StepSSO calls IAM Identity Center's GetRoleCredentials with the access token the AWS CLI
	// cached (Settings: sso_start_url, sso_region, sso_account_id, sso_role_name, sso_session,
	// the token cache file).
	StepSSO
	// StepContainer gets credentials from the container credentials endpoint (ECS, EKS Pod
	// Identity).
	StepContainer
	// StepIMDS gets the EC2 instance role's credentials from instance metadata (IMDSv2).
	StepIMDS
)

// String names the kind: "environment variables", "static keys", "web identity", "assume role",
// "credential process", "sso", "container credentials" or "EC2 instance metadata".
func (k StepKind) String() string {
	if names := [...]string{"", "environment variables", "static keys", "web identity", "assume role", "credential process", "sso", "container credentials", "EC2 instance metadata"}; k > 0 && int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("StepKind(%d)", int(k))
}

// Step is one link of the credential chain.
type Step struct {
	// Kind is the kind of step.
	Kind StepKind
	// Profile is the profile that configures the step; "" when it comes from environment
	// variables only.
	Profile string
	// AccessKeyID is the access key ID of static or environment credentials, as it is shown: the
	// ID when it looks like one (AKIA or ASIA and 16 upper-case letters or digits), else a
	// description in parentheses that repeats none of the value, which may be the secret put in
	// the ID's place. The secret itself is never here.
	AccessKeyID string
	// RoleARN is the role assumed (web identity and assume role steps).
	RoleARN string
	// SessionName is the role session name sent to STS.
	SessionName string
	// ExternalID is the external ID sent with AssumeRole, if any.
	ExternalID string
	// Duration is the requested session duration; 0 leaves it to STS (one hour).
	Duration time.Duration
	// TokenFile is the web identity token file read on every call. A value that holds a token
	// (see Resolve's refusal) is never recorded here.
	TokenFile string
	// Settings say where each of the values above came from.
	Settings []Setting
}

// Setting is one input value and where it was read.
type Setting struct {
	// Name is the setting or environment variable, such as "role_arn" or "AWS_ROLE_ARN".
	Name string
	// Value is its value; secrets are never recorded, and an access key ID that does not look
	// like one is described rather than shown (see Step.AccessKeyID).
	Value string
	// From is "env", "Options.X", "FILE line N", or "default".
	From string
}

// STSReport is the STS endpoint decision.
type STSReport struct {
	// Used is true when the chosen credentials come from STS.
	Used bool
	// Config is the input to credentials.ResolveEndpoint, built from the environment and the
	// profile with botocore's precedence.
	Config credentials.EndpointConfig
	// Endpoint is the result of credentials.ResolveEndpoint(Config); zero when it failed.
	Endpoint credentials.Endpoint
	// Settings say where each input came from.
	Settings []Setting
	// Err is the error from building or resolving the endpoint, if any. It stops Resolve only
	// when Used is true.
	Err error
}

// String renders the explanation for a person.
func (e *Explanation) String() string {
	if e == nil {
		return "<nil>"
	}
	if e.Err == nil {
		return e.report()
	}
	msg := e.Err.Error()
	if b, ok := e.Err.(*boundaryError); ok {
		msg = b.err.Error() // without the "chain: " prefix
	}
	if nc := (*NoCredentialsError)(nil); errors.As(e.Err, &nc) {
		msg = noCredentials // the rest of its message is this report
	}
	return strings.TrimRight(e.report()+"\nerror: "+msg, "\n")
}

// report renders the explanation without its error.
func (e *Explanation) report() string {
	var b strings.Builder
	from := "no profile named; the AWS CLI uses \"default\""
	if e.ProfileFrom != "default" && e.ProfileFrom != "" {
		from = "named by " + e.ProfileFrom
	}
	fmt.Fprintf(&b, "profile: %s (%s)\n", redact.Clip(e.Profile, 200), from)
	for _, f := range e.Files {
		state := "missing"
		if f.Found {
			state = "read"
		} else if f.NotRegular != "" {
			state = f.NotRegular + ", not a regular file: ignored, as by the AWS CLI"
		}
		fmt.Fprintf(&b, "%s file: %s (%s; path from %s)\n", f.Kind, f.Path, state, f.From)
	}
	if len(e.Sources) > 0 {
		b.WriteString("credential sources, in the order the AWS CLI tries them:\n")
		for i, s := range e.Sources {
			fmt.Fprintf(&b, "  %2d. %s: %s", i+1, s.Name, s.Status)
			if s.Reason != "" {
				fmt.Fprintf(&b, ": %s", s.Reason)
			}
			b.WriteByte('\n')
		}
	}
	if len(e.Steps) > 0 {
		b.WriteString("credentials are obtained by:\n")
		for i, s := range e.Steps {
			fmt.Fprintf(&b, "  %2d. %s\n", i+1, s.describe())
			writeSettings(&b, "       ", s.Settings)
		}
	}
	if e.Region != "" {
		fmt.Fprintf(&b, "region: %s (from %s)\n", redact.Clip(e.Region, 64), e.RegionFrom)
	} else {
		b.WriteString("region: none configured (set AWS_REGION, AWS_DEFAULT_REGION or region in the profile)\n")
	}
	// Whether STS would be used is known only when resolution succeeded.
	sts, resolved := e.STS, e.Err == nil
	switch {
	case sts.Err != nil && (sts.Used || !resolved):
		fmt.Fprintf(&b, "STS endpoint: %s\n", sts.Err)
	case sts.Err != nil:
		fmt.Fprintf(&b, "STS endpoint: not needed by these credentials, and its settings are invalid: %s\n", sts.Err)
	case sts.Endpoint.URL != "":
		how := ""
		switch {
		case resolved && sts.Used:
			how = "; used"
		case resolved:
			how = "; not used by these credentials"
		}
		fmt.Fprintf(&b, "STS endpoint: %s (signing region %s%s)\n", sts.Endpoint.URL, sts.Endpoint.SigningRegion, how)
	}
	writeSettings(&b, "  ", sts.Settings)
	if e.CABundle != "" {
		fmt.Fprintf(&b, "CA bundle: %s (from %s)\n", redact.Clip(e.CABundle, 200), e.CABundleFrom)
	}
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return strings.TrimRight(b.String(), "\n")
}

func writeSettings(b *strings.Builder, indent string, settings []Setting) {
	for _, s := range settings {
		fmt.Fprintf(b, "%s%s = %s (from %s)\n", indent, s.Name, shownValue(s.Value), s.From)
	}
}

func (s Step) describe() string {
	var parts []string
	switch s.Kind {
	case StepEnvironment:
		parts = append(parts, "access key "+s.AccessKeyID+" from environment variables")
	case StepStatic:
		parts = append(parts, fmt.Sprintf("access key %s from profile %s", s.AccessKeyID, s.Profile))
	case StepWebIdentity:
		parts = append(parts, "AssumeRoleWithWebIdentity "+redact.Clip(s.RoleARN, 200), "token file "+shownValue(s.TokenFile))
	case StepAssumeRole:
		parts = append(parts, "AssumeRole "+redact.Clip(s.RoleARN, 200))
	case StepProcess:
		parts = append(parts, "the credential_process command of profile "+s.Profile)
	case StepSSO:
		return s.describeSSO()
	case StepContainer:
		parts = append(parts, "container credentials from "+shownValue(containerEndpoint(s)))
	case StepIMDS:
		parts = append(parts, "the instance role's credentials from EC2 instance metadata (IMDSv2)")
	}
	role := s.Kind == StepAssumeRole || s.Kind == StepWebIdentity
	switch {
	case s.SessionName != "":
		parts = append(parts, "session name "+redact.Clip(s.SessionName, 80))
	case role:
		parts = append(parts, "session name generated")
	}
	if s.ExternalID != "" {
		parts = append(parts, "external ID "+redact.Clip(s.ExternalID, 80))
	}
	if s.Duration > 0 {
		parts = append(parts, fmt.Sprintf("duration %ds", int64(s.Duration/time.Second)))
	}
	if role && s.Profile != "" {
		parts = append(parts, "profile "+s.Profile)
	}
	return strings.Join(parts, ", ")
}

// shownValue is a setting's value clipped, and hidden when it holds what looks like a web identity
// token: Resolve never records one, but an Explanation built or changed by hand may hold one.
func shownValue(v string) string {
	if redact.ContainsJWT(v) {
		return "(not shown: it holds what looks like a web identity token)"
	}
	return redact.Clip(v, 200)
}
