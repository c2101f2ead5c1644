package chain

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// topAssumeRole is botocore's AssumeRoleProvider for the profile in use.
func (r *resolver) topAssumeRole(report func(SourceReport)) (bool, error) {
	name := fmt.Sprintf("assume role (profile %s)", r.name)
	p := r.files.profiles[r.name]
	skip := ""
	switch {
	case p == nil:
		skip = fmt.Sprintf("there is no profile %s", r.name)
	case !p.has("role_arn"):
		skip = fmt.Sprintf("profile %s has no role_arn", r.name)
	case p.has("web_identity_token_file"):
		skip = fmt.Sprintf("profile %s has web_identity_token_file, so its role_arn is assumed with web identity (next source)", r.name)
	}
	if skip != "" {
		report(SourceReport{Name: name, Status: Skipped, Reason: skip})
		return false, nil
	}
	visited := []string{r.name}
	if err := r.assumeRole(r.name, &visited); err != nil {
		return failed(report, name, err)
	}
	reason := fmt.Sprintf("profile %s has role_arn (%s)", r.name, p.get("role_arn").where())
	if sp := p.get("source_profile"); sp != nil {
		reason += fmt.Sprintf(" and source_profile %s", sp.value)
	} else if cs := p.get("credential_source"); cs != nil {
		reason += fmt.Sprintf(" and credential_source %s", cs.value)
	}
	report(SourceReport{Name: name, Status: Chosen, Reason: reason})
	return true, nil
}

// assumeRole is botocore's _load_creds_via_assume_role for profile name: validate the role
// configuration, resolve the source credentials (recursively), then add the AssumeRole step.
func (r *resolver) assumeRole(name string, visited *[]string) error {
	p := r.files.profiles[name]
	step := Step{Kind: StepAssumeRole, Profile: name}
	roleARN, err := r.record(&step, name, "role_arn")
	if err != nil {
		return err
	}
	roleSet := p.get("role_arn")
	if roleARN == "" {
		return roleSet.invalid(name, "role_arn is empty")
	}
	step.RoleARN = roleARN
	sp, cs := p.get("source_profile"), p.get("credential_source")
	switch {
	case sp != nil && cs != nil:
		return cs.invalid(name, fmt.Sprintf("the profile sets both source_profile (%s) and credential_source; the AWS CLI refuses this: keep one", sp.where()))
	case sp == nil && cs == nil:
		return roleSet.invalid(name, "role_arn is set but neither source_profile nor credential_source says which credentials assume the role: add one")
	case cs != nil:
		src, err := r.record(&step, name, "credential_source")
		if err != nil {
			return err
		}
		if err := r.credentialSource(name, cs, src); err != nil {
			return err
		}
	default:
		src, err := r.record(&step, name, "source_profile")
		if err != nil {
			return err
		}
		if err := r.validateSourceProfile(name, sp, src, *visited); err != nil {
			return err
		}
		*visited = append(*visited, src)
		if err := r.fromProfile(src, visited); err != nil {
			return err
		}
	}
	if step.SessionName, err = r.record(&step, name, "role_session_name"); err != nil {
		return err
	}
	if step.ExternalID, err = r.record(&step, name, "external_id"); err != nil {
		return err
	}
	if s := p.get("mfa_serial"); s != nil {
		ce := s.invalid(name, "roles that require an MFA code are not supported (the AWS CLI would prompt for the code); use a role without mfa_serial")
		ce.Unsupported = true
		return ce
	}
	if err := r.durationSeconds(&step, name); err != nil {
		return err
	}
	r.add(step)
	return nil
}

// durationSeconds sets step's Duration from duration_seconds. Like botocore, a value Python's
// int() cannot read is ignored (STS's default of one hour applies), with a note; a number outside
// STS's 900–43200 is an error here rather than at STS.
func (r *resolver) durationSeconds(step *Step, profile string) error {
	v, err := r.lookup("", profile, "duration_seconds")
	if err != nil || v.s == nil {
		return err
	}
	n, ok := pyInt(v.v)
	if !ok {
		r.note("profile %s: duration_seconds %q (%s) is not a whole number; the AWS CLI ignores it, and so does chain: STS's default of one hour applies", profile, redact.Clip(v.v, 64), v.set.From)
		return nil
	}
	if n < 900 || n > 43200 {
		return v.s.invalid(profile, fmt.Sprintf("%d is outside STS's range of 900 to 43200 seconds (15 minutes to 12 hours)", n))
	}
	step.Duration, step.Settings = time.Duration(n)*time.Second, append(step.Settings, v.set)
	return nil
}

// pyInt parses like Python's int(str) for ASCII input: optional sign, decimal digits, single
// underscores between digits, surrounding white space.
func pyInt(s string) (int64, bool) {
	s = pyStrip(s)
	if !pyIntPattern.MatchString(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	return n, err == nil
}

var pyIntPattern = regexp.MustCompile(`^[+-]?[0-9](_?[0-9])*$`)

// credentialSource checks credential_source and adds the step of the source it names.
// botocore compares the value case-sensitively.
func (r *resolver) credentialSource(profile string, cs *setting, value string) error {
	switch value {
	case "Environment":
		if r.env(envAccessKeyID) == "" {
			return cs.invalid(profile, "credential_source = Environment but "+r.notSet(envAccessKeyID))
		}
		return r.envKeys(profile)
	case "EcsContainer":
		return r.containerCredentialSource(profile, cs)
	case "Ec2InstanceMetadata":
		return r.imdsCredentialSource(profile, cs)
	}
	return cs.invalid(profile, fmt.Sprintf("%q is not a valid credential_source: the AWS CLI accepts Environment, EcsContainer or Ec2InstanceMetadata, spelled exactly so", redact.Clip(value, 64)))
}

// validateSourceProfile is botocore's _validate_source_profile: the source must exist, and
// visiting it again is a loop, except for a profile that names itself and holds static keys.
func (r *resolver) validateSourceProfile(parent string, sp *setting, src string, visited []string) error {
	if r.files.profiles[src] == nil {
		reason := fmt.Sprintf("source_profile %s not found in %s or %s", src, r.files.config.Path, r.files.credentials.Path)
		if hint := r.missingProfileHint(src); hint != "" {
			reason += "; " + hint
		}
		return sp.invalid(parent, reason)
	}
	at := slices.Index(visited, src)
	if at < 0 || src == parent && hasStatic(r.files.profiles[src]) {
		return nil
	}
	cycle := append(append([]string{}, visited[at:]...), src)
	reason := "source_profile loop: " + strings.Join(cycle, " -> ")
	if src == parent {
		reason += " (a profile may name itself only when it holds aws_access_key_id and aws_secret_access_key)"
	}
	ce := sp.invalid(parent, reason)
	ce.Cycle = cycle
	return ce
}

func hasStatic(p *profile) bool { return p.has("aws_access_key_id") || p.has("aws_secret_access_key") }

// fromProfile is botocore's _resolve_credentials_from_profile: a source profile with static keys,
// or without role_arn, gets its credentials from its own sources (web identity, static keys);
// otherwise it assumes its own role.
func (r *resolver) fromProfile(name string, visited *[]string) error {
	p := r.files.profiles[name]
	if hasStatic(p) || !p.has("role_arn") || p.has("web_identity_token_file") {
		var reasons []string
		found, err := r.profileSources(name, false, func(s SourceReport) {
			if s.Status == Skipped {
				reasons = append(reasons, s.Reason)
			}
		})
		if err != nil {
			return err
		}
		if !found {
			return &ConfigError{Profile: name, Reason: "this profile is used as a source_profile but has no credentials: it needs aws_access_key_id and aws_secret_access_key, role_arn with source_profile or credential_source, or role_arn with web_identity_token_file (" + strings.Join(reasons, "; ") + ")"}
		}
		return nil
	}
	return r.assumeRole(name, visited)
}
