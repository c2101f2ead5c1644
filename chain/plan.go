package chain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/irsa-go/irsa/credentials"
)

// Environment variables chain reads, besides those of credentials.Env and the STS endpoint
// variables of the credentials package.
const (
	EnvProfile               = "AWS_PROFILE"
	EnvDefaultProfile        = "AWS_DEFAULT_PROFILE"
	EnvConfigFile            = "AWS_CONFIG_FILE"
	EnvSharedCredentialsFile = "AWS_SHARED_CREDENTIALS_FILE"
	EnvRoleARN               = "AWS_ROLE_ARN"
	EnvWebIdentityTokenFile  = "AWS_WEB_IDENTITY_TOKEN_FILE"
	EnvRoleSessionName       = "AWS_ROLE_SESSION_NAME"
)

// hop is what is needed to build the provider of one Step. Its credentials print redacted.
type hop struct {
	kind        StepKind
	keys        credentials.Credentials // StepStatic
	roleARN     string
	sessionName string
	externalID  string
	tokenFile   string
	duration    time.Duration
}

// resolution is the outcome of planning: the explanation and the hops to build.
type resolution struct {
	exp  *Explanation
	hops []hop
	opts Options
}

// resolver plans the resolution as botocore 1.43's create_credential_resolver would run it.
type resolver struct {
	opts   Options
	getenv func(string) string
	files  *sharedFiles
	exp    *Explanation
	hops   []hop
	name   string // the profile
	named  bool   // the profile was named (option or variable), so it must exist
	noEnv  bool   // Options.Profile is set: credentials in environment variables are ignored
}

// plan resolves everything except the providers themselves. It reads the environment and the
// files but makes no network call. The explanation is always returned; its Err is set on failure.
func plan(opts Options) *resolution {
	exp := &Explanation{}
	o, err := opts.normalized()
	if err != nil {
		exp.Err = err
		return &resolution{exp: exp, opts: o}
	}
	r := &resolver{opts: o, getenv: o.Getenv, exp: exp}
	exp.Err = r.run()
	return &resolution{exp: exp, hops: r.hops, opts: o}
}

func (r *resolver) env(name string) string { return r.getenv(name) }

func (r *resolver) run() error {
	r.pickProfile()
	if err := r.loadFiles(); err != nil {
		return err
	}
	if r.named && r.files.profiles[r.name] == nil {
		return r.profileNotFound()
	}
	regionErr := r.region()
	r.endpoint()
	found, err := r.sources()
	if err != nil {
		return err
	}
	if regionErr != nil {
		return regionErr
	}
	if !found {
		r.hops = nil
		return &NoCredentialsError{Explanation: r.exp}
	}
	for _, h := range r.hops {
		if h.kind == StepWebIdentity || h.kind == StepAssumeRole {
			r.exp.STS.Used = true
		}
	}
	if r.exp.STS.Used && r.exp.STS.Err != nil {
		if r.opts.STS == nil {
			return r.exp.STS.Err
		}
		r.note("the STS endpoint settings are invalid, but Options.STS is set and resolves its own endpoint")
	}
	return nil
}

// pickProfile chooses the profile as botocore does: the explicit name (like --profile), then
// AWS_DEFAULT_PROFILE, then AWS_PROFILE, then "default".
func (r *resolver) pickProfile() {
	switch {
	case r.opts.Profile != "":
		r.name, r.named, r.noEnv = r.opts.Profile, true, true
		r.exp.ProfileFrom = "Options.Profile"
	case r.env(EnvDefaultProfile) != "":
		r.name, r.named = r.env(EnvDefaultProfile), true
		r.exp.ProfileFrom = EnvDefaultProfile
		if p := r.env(EnvProfile); p != "" && p != r.name {
			r.note("AWS_PROFILE=%s is ignored because AWS_DEFAULT_PROFILE=%s is set and the AWS CLI (botocore) reads AWS_DEFAULT_PROFILE first", p, r.name)
		}
	case r.env(EnvProfile) != "":
		r.name, r.named = r.env(EnvProfile), true
		r.exp.ProfileFrom = EnvProfile
	default:
		r.name = "default"
		r.exp.ProfileFrom = "default"
	}
	r.exp.Profile = r.name
}

// clip shortens s to at most n bytes (on a character boundary) for a message: values from the
// environment or a file may be arbitrarily long.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func (r *resolver) note(format string, args ...any) {
	r.exp.Notes = append(r.exp.Notes, fmt.Sprintf(format, args...))
}

func (r *resolver) loadFiles() error {
	pick := func(kind, option, optionName, envName, def string) fileState {
		raw, from := option, optionName
		if raw == "" {
			raw, from = r.env(envName), envName
		}
		if raw == "" {
			raw, from = def, "default"
		}
		p := expandPath(raw, r.getenv, r.opts.HomeDir)
		return fileState{path: p, display: displayPath(p, r.opts.HomeDir), from: from}
	}
	cfg := pick("config", r.opts.ConfigFile, "Options.ConfigFile", EnvConfigFile, "~/.aws/config")
	creds := pick("credentials", r.opts.CredentialsFile, "Options.CredentialsFile", EnvSharedCredentialsFile, "~/.aws/credentials")
	files, err := loadSharedFiles(cfg, creds)
	report := func(found *sharedFiles) {
		c, k := cfg, creds
		if found != nil {
			c, k = found.config, found.credentials
		}
		r.exp.Files = []FileReport{
			{Kind: "config", Path: c.display, From: c.from, Found: c.found},
			{Kind: "credentials", Path: k.display, From: k.from, Found: k.found},
		}
	}
	report(files)
	if err != nil {
		return err
	}
	r.files = files
	for _, name := range files.credIgnored {
		if name == "profile "+r.name {
			r.note("%s has a section [%s]: in the credentials file sections are named without the \"profile \" prefix, so the AWS CLI reads it as a profile called %q, not %q", files.credentials.display, name, name, r.name)
		}
	}
	return nil
}

func (r *resolver) profileNotFound() error {
	var files []string
	for _, f := range []fileState{r.files.config, r.files.credentials} {
		if f.found {
			files = append(files, f.display)
		} else {
			files = append(files, f.display+" (missing)")
		}
	}
	return &ProfileNotFoundError{Profile: r.name, From: r.exp.ProfileFrom, Files: files, Hint: r.missingProfileHint(r.name)}
}

// missingProfileHint suggests a fix when a profile is written the way the other file wants it.
func (r *resolver) missingProfileHint(name string) string {
	if s := r.files.cfg.ignored[name]; s != nil && name != "default" {
		return fmt.Sprintf("%s line %d has [%s]: in the config file a profile section must be written [profile %s]", s.file, s.line, name, name)
	}
	if s := r.files.credSections["profile "+name]; s != nil {
		return fmt.Sprintf("%s line %d has [profile %s]: in the credentials file a profile section is written [%s]", s.file, s.line, name, name)
	}
	return ""
}

// plainValue returns a setting's value, refusing a nested block or a value that continues on
// indented lines, neither of which makes sense for the keys chain reads.
func plainValue(profile string, s *setting) (string, error) {
	if s.nested != nil {
		return "", &ConfigError{Profile: profile, Key: s.key, File: s.file, Line: s.line, Reason: "expected a single value, found an indented block of settings under it"}
	}
	if strings.Contains(s.value, "\n") {
		return "", &ConfigError{Profile: profile, Key: s.key, File: s.file, Line: s.line, Reason: "the value continues on the next, indented line; write it on one line (an indented line continues the previous setting)"}
	}
	return s.value, nil
}

// region resolves the region: Options.Region, AWS_REGION, AWS_DEFAULT_REGION, then the profile's
// region (from either file). botocore reads only AWS_DEFAULT_REGION: AWS_REGION is this
// package's one deliberate difference.
func (r *resolver) region() error {
	e := r.exp
	switch {
	case r.opts.Region != "":
		e.Region, e.RegionFrom = r.opts.Region, "Options.Region"
		return nil
	case r.env(credentials.EnvRegion) != "":
		e.Region, e.RegionFrom = r.env(credentials.EnvRegion), credentials.EnvRegion
		if d := r.env(credentials.EnvDefaultRegion); d != "" && d != e.Region {
			r.note("AWS_REGION=%s is used and AWS_DEFAULT_REGION=%s is not; the AWS CLI v1 (botocore) reads only AWS_DEFAULT_REGION and would use %s", e.Region, d, d)
		}
	case r.env(credentials.EnvDefaultRegion) != "":
		e.Region, e.RegionFrom = r.env(credentials.EnvDefaultRegion), credentials.EnvDefaultRegion
	default:
		s := r.files.profiles[r.name].get("region")
		if s == nil {
			return nil
		}
		v, err := plainValue(r.name, s)
		if err != nil {
			return err
		}
		e.Region, e.RegionFrom = v, fmt.Sprintf("profile %s, %s", r.name, s.where())
		if !validRegion(v) {
			return &ConfigError{Profile: r.name, Key: "region", File: s.file, Line: s.line, Reason: fmt.Sprintf("%q is not a valid region name, such as us-east-1", clip(v, 64))}
		}
		return nil
	}
	if !validRegion(e.Region) {
		return &ConfigError{Key: e.RegionFrom, Reason: fmt.Sprintf("%q is not a valid region name, such as us-east-1", clip(e.Region, 64))}
	}
	return nil
}

// sources walks the credential sources in botocore's order.
func (r *resolver) sources() (bool, error) {
	report := func(s SourceReport) { r.exp.Sources = append(r.exp.Sources, s) }
	if found, err := r.envSource(report); found || err != nil {
		return found, err
	}
	if found, err := r.topAssumeRole(report); found || err != nil {
		return found, err
	}
	if found, err := r.profileSources(r.name, !r.noEnv, report); found || err != nil {
		return found, err
	}
	r.lastSources(report)
	return false, nil
}

// envSource is botocore's EnvProvider: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
func (r *resolver) envSource(report func(SourceReport)) (bool, error) {
	const name = "environment variables"
	id, secret := r.env(credentials.EnvAccessKeyID), r.env(credentials.EnvSecretAccessKey)
	if r.noEnv {
		reason := "Options.Profile names a profile, which turns off credentials in environment variables (as aws --profile does)"
		if id != "" {
			reason += "; AWS_ACCESS_KEY_ID is set and ignored"
		}
		report(SourceReport{Name: name, Status: Skipped, Reason: reason})
		return false, nil
	}
	if id == "" {
		reason := "AWS_ACCESS_KEY_ID is not set"
		if secret != "" {
			reason = "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not, so the AWS CLI ignores it"
		}
		report(SourceReport{Name: name, Status: Skipped, Reason: reason})
		return false, nil
	}
	h, step, err := r.envKeys("")
	if err != nil {
		report(SourceReport{Name: name, Status: Failed, Reason: err.Error()})
		return false, err
	}
	reason := "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set"
	if r.exp.ProfileFrom == EnvProfile || r.exp.ProfileFrom == EnvDefaultProfile {
		r.note("%s=%s is set, but credentials in environment variables come first, as in the AWS CLI; unset AWS_ACCESS_KEY_ID to use the profile's credentials", r.exp.ProfileFrom, r.name)
	}
	report(SourceReport{Name: name, Status: Chosen, Reason: reason})
	r.add(h, step)
	return true, nil
}

// envKeys reads credentials from the environment for the environment source or for
// credential_source = Environment in profile.
func (r *resolver) envKeys(profile string) (hop, Step, error) {
	id, secret := r.env(credentials.EnvAccessKeyID), r.env(credentials.EnvSecretAccessKey)
	if secret == "" {
		return hop{}, Step{}, &ConfigError{Profile: profile, Key: credentials.EnvSecretAccessKey, Reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither"}
	}
	step := Step{Kind: StepEnvironment, AccessKeyID: id, Settings: []Setting{{Name: credentials.EnvAccessKeyID, Value: id, From: "env"}}}
	if r.env(credentials.EnvSecurityToken) != "" || r.env(credentials.EnvSessionToken) != "" {
		step.Settings = append(step.Settings, Setting{Name: "session token", Value: "[set]", From: "env"})
	}
	return hop{kind: StepEnvironment}, step, nil
}

func (r *resolver) add(h hop, s Step) {
	r.hops = append(r.hops, h)
	r.exp.Steps = append(r.exp.Steps, s)
}

// topAssumeRole is botocore's AssumeRoleProvider for the profile in use.
func (r *resolver) topAssumeRole(report func(SourceReport)) (bool, error) {
	name := fmt.Sprintf("assume role (profile %s)", r.name)
	p := r.files.profiles[r.name]
	switch {
	case p == nil:
		report(SourceReport{Name: name, Status: Skipped, Reason: fmt.Sprintf("there is no profile %s", r.name)})
		return false, nil
	case !p.has("role_arn"):
		report(SourceReport{Name: name, Status: Skipped, Reason: fmt.Sprintf("profile %s has no role_arn", r.name)})
		return false, nil
	case p.has("web_identity_token_file"):
		report(SourceReport{Name: name, Status: Skipped, Reason: fmt.Sprintf("profile %s has web_identity_token_file, so its role_arn is assumed with web identity (next source)", r.name)})
		return false, nil
	}
	visited := []string{r.name}
	if err := r.assumeRole(r.name, &visited); err != nil {
		report(SourceReport{Name: name, Status: statusOf(err), Reason: strings.TrimPrefix(err.Error(), "chain: ")})
		return false, err
	}
	ra := p.get("role_arn")
	reason := fmt.Sprintf("profile %s has role_arn (%s)", r.name, ra.where())
	if sp := p.get("source_profile"); sp != nil {
		reason += fmt.Sprintf(" and source_profile %s", sp.value)
	} else if cs := p.get("credential_source"); cs != nil {
		reason += fmt.Sprintf(" and credential_source %s", cs.value)
	}
	report(SourceReport{Name: name, Status: Chosen, Reason: reason})
	return true, nil
}

func statusOf(err error) SourceStatus {
	if ce, ok := err.(*ConfigError); ok && ce.Unsupported {
		return Unsupported
	}
	return Failed
}

// assumeRole is botocore's _load_creds_via_assume_role for profile name: validate the role
// configuration, resolve the source credentials (recursively), then add the AssumeRole step.
func (r *resolver) assumeRole(name string, visited *[]string) error {
	p := r.files.profiles[name]
	roleSet := p.get("role_arn")
	roleARN, err := plainValue(name, roleSet)
	if err != nil {
		return err
	}
	if roleARN == "" {
		return &ConfigError{Profile: name, Key: "role_arn", File: roleSet.file, Line: roleSet.line, Reason: "role_arn is empty"}
	}
	sp, cs := p.get("source_profile"), p.get("credential_source")
	switch {
	case sp != nil && cs != nil:
		return &ConfigError{Profile: name, Key: "credential_source", File: cs.file, Line: cs.line,
			Reason: fmt.Sprintf("the profile sets both source_profile (%s) and credential_source; the AWS CLI refuses this: keep one", sp.where())}
	case sp == nil && cs == nil:
		return &ConfigError{Profile: name, Key: "role_arn", File: roleSet.file, Line: roleSet.line,
			Reason: "role_arn is set but neither source_profile nor credential_source says which credentials assume the role: add one"}
	}
	step := Step{Kind: StepAssumeRole, Profile: name, RoleARN: roleARN, Settings: []Setting{{Name: "role_arn", Value: roleARN, From: roleSet.where()}}}
	if cs != nil {
		src, err := plainValue(name, cs)
		if err != nil {
			return err
		}
		if err := r.credentialSource(name, cs, src); err != nil {
			return err
		}
		step.Settings = append(step.Settings, Setting{Name: "credential_source", Value: src, From: cs.where()})
	} else {
		src, err := plainValue(name, sp)
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
		step.Settings = append(step.Settings, Setting{Name: "source_profile", Value: src, From: sp.where()})
	}
	h := hop{kind: StepAssumeRole, roleARN: roleARN}
	if s := p.get("role_session_name"); s != nil {
		v, err := plainValue(name, s)
		if err != nil {
			return err
		}
		h.sessionName, step.SessionName = v, v
		step.Settings = append(step.Settings, Setting{Name: "role_session_name", Value: v, From: s.where()})
	}
	if s := p.get("external_id"); s != nil {
		v, err := plainValue(name, s)
		if err != nil {
			return err
		}
		h.externalID, step.ExternalID = v, v
		step.Settings = append(step.Settings, Setting{Name: "external_id", Value: v, From: s.where()})
	}
	if s := p.get("mfa_serial"); s != nil {
		return &ConfigError{Profile: name, Key: "mfa_serial", File: s.file, Line: s.line, Unsupported: true,
			Reason: "roles that require an MFA code are not supported (the AWS CLI would prompt for the code); use a role without mfa_serial"}
	}
	if s := p.get("duration_seconds"); s != nil {
		d, err := r.durationSeconds(name, s)
		if err != nil {
			return err
		}
		if d > 0 {
			h.duration, step.Duration = d, d
			step.Settings = append(step.Settings, Setting{Name: "duration_seconds", Value: s.value, From: s.where()})
		}
	}
	r.add(h, step)
	return nil
}

// durationSeconds reads duration_seconds. Like botocore, a value Python's int() cannot read is
// ignored (STS's default of one hour applies), with a note; a number outside STS's 900–43200 is
// an error here rather than at STS.
func (r *resolver) durationSeconds(profile string, s *setting) (time.Duration, error) {
	v, err := plainValue(profile, s)
	if err != nil {
		return 0, err
	}
	n, ok := pyInt(v)
	if !ok {
		r.note("profile %s: duration_seconds %q (%s) is not a whole number; the AWS CLI ignores it, and so does chain: STS's default of one hour applies", profile, clip(v, 64), s.where())
		return 0, nil
	}
	if n < 900 || n > 43200 {
		return 0, &ConfigError{Profile: profile, Key: "duration_seconds", File: s.file, Line: s.line,
			Reason: fmt.Sprintf("%d is outside STS's range of 900 to 43200 seconds (15 minutes to 12 hours)", n)}
	}
	return time.Duration(n) * time.Second, nil
}

// pyInt parses like Python's int(str) for ASCII input: optional sign, decimal digits, single
// underscores between digits, surrounding white space.
func pyInt(s string) (int64, bool) {
	s = pyStrip(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// credentialSource checks credential_source and, for Environment, adds the environment step.
// botocore compares the value case-sensitively.
func (r *resolver) credentialSource(profile string, cs *setting, value string) error {
	switch value {
	case "Environment":
		if r.env(credentials.EnvAccessKeyID) == "" {
			return &ConfigError{Profile: profile, Key: "credential_source", File: cs.file, Line: cs.line,
				Reason: "credential_source = Environment but AWS_ACCESS_KEY_ID is not set"}
		}
		h, step, err := r.envKeys(profile)
		if err != nil {
			return err
		}
		r.add(h, step)
		return nil
	case "EcsContainer", "Ec2InstanceMetadata":
		return &ConfigError{Profile: profile, Key: "credential_source", File: cs.file, Line: cs.line, Unsupported: true,
			Reason: fmt.Sprintf("credential_source = %s is not supported by this library (only Environment is); use source_profile, or credential_source = Environment", value)}
	}
	return &ConfigError{Profile: profile, Key: "credential_source", File: cs.file, Line: cs.line,
		Reason: fmt.Sprintf("%q is not a valid credential_source: the AWS CLI accepts Environment, EcsContainer or Ec2InstanceMetadata, spelled exactly so", clip(value, 64))}
}

// validateSourceProfile is botocore's _validate_source_profile: the source must exist, and
// visiting it again is a loop, except for a profile that names itself and holds static keys.
func (r *resolver) validateSourceProfile(parent string, sp *setting, src string, visited []string) error {
	if r.files.profiles[src] == nil {
		reason := fmt.Sprintf("source_profile %s not found in %s or %s", src, r.files.config.display, r.files.credentials.display)
		if hint := r.missingProfileHint(src); hint != "" {
			reason += "; " + hint
		}
		return &ConfigError{Profile: parent, Key: "source_profile", File: sp.file, Line: sp.line, Reason: reason}
	}
	at := -1
	for i, v := range visited {
		if v == src {
			at = i
			break
		}
	}
	if at < 0 {
		return nil
	}
	if src == parent && hasStatic(r.files.profiles[src]) {
		return nil
	}
	cycle := append(append([]string{}, visited[at:]...), src)
	reason := "source_profile loop: " + strings.Join(cycle, " -> ")
	if src == parent {
		reason += " (a profile may name itself only when it holds aws_access_key_id and aws_secret_access_key)"
	}
	return &ConfigError{Profile: parent, Key: "source_profile", File: sp.file, Line: sp.line, Reason: reason, Cycle: cycle}
}

func hasStatic(p *profile) bool { return p.has("aws_access_key_id") || p.has("aws_secret_access_key") }

func hasAssumeRoleVars(p *profile) bool {
	return p.has("role_arn") && !p.has("web_identity_token_file")
}

// fromProfile is botocore's _resolve_credentials_from_profile: a source profile with static keys,
// or without role_arn, gets its credentials from its own sources (web identity, static keys);
// otherwise it assumes its own role.
func (r *resolver) fromProfile(name string, visited *[]string) error {
	p := r.files.profiles[name]
	if hasStatic(p) || !hasAssumeRoleVars(p) {
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

// profileSources runs botocore's ProfileProviderBuilder providers for profile name: web identity,
// SSO, shared credentials file, login, credential_process, config file. useEnv says whether the
// web identity variables are read (only for the profile in use, without Options.Profile).
func (r *resolver) profileSources(name string, useEnv bool, report func(SourceReport)) (bool, error) {
	if found, err := r.webIdentity(name, useEnv, report); found || err != nil {
		return found, err
	}
	p := r.files.profiles[name]
	if err := r.unsupported(name, p, "IAM Identity Center (SSO)", report,
		"IAM Identity Center (SSO) credentials are not supported by this library (the AWS CLI would use them here)",
		"sso_account_id", "sso_role_name"); err != nil {
		return false, err
	}
	if found, err := r.staticKeys(name, "shared credentials file", r.files.credentials, r.files.credSections[name], report); found || err != nil {
		return found, err
	}
	if err := r.unsupported(name, p, "console login session", report,
		"console login sessions (aws login) are not supported by this library (the AWS CLI would use it here)",
		"login_session"); err != nil {
		return false, err
	}
	if err := r.unsupported(name, p, "credential_process", report,
		"credential_process is not supported by this library (the AWS CLI would run the command here)",
		"credential_process"); err != nil {
		return false, err
	}
	return r.staticKeys(name, "config file", r.files.config, r.files.cfg.profiles[name], report)
}

// unsupported reports a source chain does not implement; it is an error when the profile
// configures it (keys), since falling through to other credentials would be a silent surprise.
func (r *resolver) unsupported(name string, p *profile, source string, report func(SourceReport), why string, keys ...string) error {
	for _, k := range keys {
		if s := p.get(k); s != nil {
			err := &ConfigError{Profile: name, Key: k, File: s.file, Line: s.line, Unsupported: true, Reason: why}
			report(SourceReport{Name: source, Status: Unsupported, Reason: strings.TrimPrefix(err.Error(), "chain: ")})
			return err
		}
	}
	report(SourceReport{Name: source, Status: Skipped, Reason: fmt.Sprintf("profile %s has no %s", name, strings.Join(keys, " or "))})
	return nil
}

// webIdentity is botocore's AssumeRoleWithWebIdentityProvider: each of the token file, role ARN
// and session name comes from its environment variable (when read) or else from the profile.
func (r *resolver) webIdentity(name string, useEnv bool, report func(SourceReport)) (bool, error) {
	const source = "web identity"
	p := r.files.profiles[name]
	type value struct {
		v   string
		set Setting
		s   *setting
	}
	get := func(key, envName string) (value, error) {
		if useEnv {
			if v := r.env(envName); v != "" {
				return value{v: v, set: Setting{Name: envName, Value: v, From: "env"}}, nil
			}
		}
		s := p.get(key)
		if s == nil {
			return value{}, nil
		}
		v, err := plainValue(name, s)
		if err != nil {
			return value{}, err
		}
		return value{v: v, set: Setting{Name: key, Value: v, From: s.where()}, s: s}, nil
	}
	tok, err := get("web_identity_token_file", EnvWebIdentityTokenFile)
	if err != nil {
		report(SourceReport{Name: source, Status: Failed, Reason: strings.TrimPrefix(err.Error(), "chain: ")})
		return false, err
	}
	if tok.v == "" {
		report(SourceReport{Name: source, Status: Skipped, Reason: r.noWebIdentityReason(name, useEnv)})
		return false, nil
	}
	role, err := get("role_arn", EnvRoleARN)
	if err == nil && role.v == "" {
		key, file, line := "role_arn", "", 0
		if tok.s != nil {
			file, line = tok.s.file, tok.s.line
		}
		reason := fmt.Sprintf("profile %s has web_identity_token_file but no role_arn", name)
		if tok.s == nil {
			key = EnvRoleARN
			reason = fmt.Sprintf("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not, and profile %s has no role_arn", name)
		}
		err = &ConfigError{Profile: name, Key: key, File: file, Line: line, Reason: reason}
	}
	if err != nil {
		report(SourceReport{Name: source, Status: Failed, Reason: strings.TrimPrefix(err.Error(), "chain: ")})
		return false, err
	}
	sess, err := get("role_session_name", EnvRoleSessionName)
	if err != nil {
		report(SourceReport{Name: source, Status: Failed, Reason: strings.TrimPrefix(err.Error(), "chain: ")})
		return false, err
	}
	step := Step{Kind: StepWebIdentity, Profile: name, RoleARN: role.v, TokenFile: tok.v, SessionName: sess.v,
		Settings: []Setting{tok.set, role.set}}
	if role.s == nil && tok.s == nil {
		step.Profile = ""
	}
	if sess.v != "" {
		step.Settings = append(step.Settings, sess.set)
	}
	if strings.HasPrefix(tok.v, "~") {
		r.note("the web identity token file %q starts with \"~\", which neither the AWS CLI nor chain expands; write the full path", clip(tok.v, 200))
	}
	r.add(hop{kind: StepWebIdentity, roleARN: role.v, tokenFile: tok.v, sessionName: sess.v}, step)
	reason := fmt.Sprintf("token file from %s, role from %s", tok.set.From, role.set.From)
	if tok.set.From == "env" {
		reason = fmt.Sprintf("token file from %s, role from %s", EnvWebIdentityTokenFile, nameOrEnv(role.set))
	} else {
		reason = fmt.Sprintf("profile %s has web_identity_token_file (%s), role from %s", name, tok.set.From, nameOrEnv(role.set))
	}
	report(SourceReport{Name: source, Status: Chosen, Reason: reason})
	return true, nil
}

func nameOrEnv(s Setting) string {
	if s.From == "env" {
		return s.Name
	}
	return s.Name + " (" + s.From + ")"
}

func (r *resolver) noWebIdentityReason(name string, useEnv bool) string {
	envTok, envRole := r.env(EnvWebIdentityTokenFile), r.env(EnvRoleARN)
	switch {
	case !useEnv && envTok != "" && r.noEnv:
		return fmt.Sprintf("AWS_WEB_IDENTITY_TOKEN_FILE is set but ignored because Options.Profile names a profile (as with aws --profile), and profile %s has no web_identity_token_file", name)
	case useEnv && envRole != "":
		return fmt.Sprintf("AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not, and profile %s has no web_identity_token_file", name)
	case useEnv:
		return fmt.Sprintf("AWS_WEB_IDENTITY_TOKEN_FILE is not set and profile %s has no web_identity_token_file", name)
	}
	return fmt.Sprintf("profile %s has no web_identity_token_file", name)
}

// staticKeys is botocore's SharedCredentialProvider or ConfigProvider: keys in one file's
// section for the profile. The session token is aws_security_token, else aws_session_token.
func (r *resolver) staticKeys(name, source string, file fileState, sec *section, report func(SourceReport)) (bool, error) {
	skip := func(reason string) (bool, error) {
		report(SourceReport{Name: source, Status: Skipped, Reason: reason})
		return false, nil
	}
	switch {
	case !file.found:
		return skip(fmt.Sprintf("%s does not exist", file.display))
	case sec == nil:
		reason := fmt.Sprintf("%s has no profile %s", file.display, name)
		if hint := r.missingProfileHint(name); hint != "" {
			reason += " (" + hint + ")"
		}
		return skip(reason)
	case !sec.has("aws_access_key_id"):
		reason := fmt.Sprintf("profile %s in %s has no aws_access_key_id", name, file.display)
		if s := sec.get("aws_secret_access_key"); s != nil {
			reason += fmt.Sprintf(" (it has aws_secret_access_key, %s line %d, which the AWS CLI ignores without an access key ID)", s.file, s.line)
		}
		return skip(reason)
	}
	fail := func(err error) (bool, error) {
		report(SourceReport{Name: source, Status: Failed, Reason: strings.TrimPrefix(err.Error(), "chain: ")})
		return false, err
	}
	idSet := sec.get("aws_access_key_id")
	id, err := plainValue(name, idSet)
	if err != nil {
		return fail(err)
	}
	secretSet := sec.get("aws_secret_access_key")
	if secretSet == nil {
		return fail(&ConfigError{Profile: name, Key: "aws_secret_access_key", File: idSet.file, Line: idSet.line,
			Reason: fmt.Sprintf("aws_access_key_id is set (line %d) but aws_secret_access_key is not: set both", idSet.line)})
	}
	if secretSet.nested != nil || strings.Contains(secretSet.value, "\n") {
		// plainValue's message does not include the value, but keep secrets out of the path
		// entirely.
		return fail(&ConfigError{Profile: name, Key: "aws_secret_access_key", File: secretSet.file, Line: secretSet.line, Reason: "the value must be on one line"})
	}
	if id == "" || secretSet.value == "" {
		empty, s := "aws_access_key_id", idSet
		if id != "" {
			empty, s = "aws_secret_access_key", secretSet
		}
		return fail(&ConfigError{Profile: name, Key: empty, File: s.file, Line: s.line, Reason: "the value is empty"})
	}
	var token string
	for _, k := range []string{"aws_security_token", "aws_session_token"} {
		if s := sec.get(k); s != nil {
			if s.nested != nil || strings.Contains(s.value, "\n") {
				return fail(&ConfigError{Profile: name, Key: k, File: s.file, Line: s.line, Reason: "the value must be on one line"})
			}
			token = s.value
			break
		}
	}
	keys := credentials.NewStatic(id, secretSet.value, token).Value
	step := Step{Kind: StepStatic, Profile: name, AccessKeyID: id, Settings: []Setting{{Name: "aws_access_key_id", Value: id, From: idSet.where()}}}
	if token != "" {
		step.Settings = append(step.Settings, Setting{Name: "session token", Value: "[set]", From: file.display})
	}
	r.add(hop{kind: StepStatic, keys: keys}, step)
	report(SourceReport{Name: source, Status: Chosen, Reason: fmt.Sprintf("profile %s in %s has aws_access_key_id (line %d) and aws_secret_access_key", name, file.display, idSet.line)})
	return true, nil
}

// lastSources reports the sources the AWS CLI tries after the profile's, none of which chain
// implements. They are reached only when nothing else was found, so the result is the
// NoCredentialsError that carries this report.
func (r *resolver) lastSources(report func(SourceReport)) {
	set := func(names ...string) string {
		for _, n := range names {
			if r.env(n) != "" {
				return n
			}
		}
		return ""
	}
	ec2 := ""
	if n := set("AWS_CREDENTIAL_FILE"); n != "" {
		ec2 = "AWS_CREDENTIAL_FILE is set, but the old EC2 CLI credential file is not supported by this library"
	}
	report(SourceReport{Name: "EC2 CLI credential file (AWS_CREDENTIAL_FILE)", Status: Unsupported, Reason: ec2})
	boto := "BOTO_CONFIG, /etc/boto.cfg and ~/.boto are not read"
	if n := set("BOTO_CONFIG"); n != "" {
		boto = "BOTO_CONFIG is set, but boto2 config files are not supported by this library"
	}
	report(SourceReport{Name: "boto2 config file", Status: Unsupported, Reason: boto})
	container := ""
	if n := set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"); n != "" {
		container = n + " is set, but container credentials (ECS, EKS Pod Identity) are not supported by this library"
	}
	report(SourceReport{Name: "container credentials", Status: Unsupported, Reason: container})
	imds := "the AWS CLI would ask the instance metadata service (169.254.169.254) here"
	if strings.EqualFold(r.env("AWS_EC2_METADATA_DISABLED"), "true") {
		imds = "AWS_EC2_METADATA_DISABLED=true, and instance metadata is not supported by this library anyway"
	}
	report(SourceReport{Name: "EC2 instance metadata", Status: Unsupported, Reason: imds})
}
