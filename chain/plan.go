package chain

import (
	"cmp"
	"context"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// Environment variables chain reads itself (endpoint.go reads the STS endpoint ones).
const (
	envAccessKeyID           = "AWS_ACCESS_KEY_ID"
	envSecretAccessKey       = "AWS_SECRET_ACCESS_KEY"
	envSessionToken          = "AWS_SESSION_TOKEN"
	envSecurityToken         = "AWS_SECURITY_TOKEN" // botocore's older name for the session token
	envRegion                = "AWS_REGION"
	envDefaultRegion         = "AWS_DEFAULT_REGION"
	envProfile               = "AWS_PROFILE"
	envDefaultProfile        = "AWS_DEFAULT_PROFILE"
	envConfigFile            = "AWS_CONFIG_FILE"
	envSharedCredentialsFile = "AWS_SHARED_CREDENTIALS_FILE"
	envRoleARN               = "AWS_ROLE_ARN"
	envWebIdentityTokenFile  = "AWS_WEB_IDENTITY_TOKEN_FILE"
	envRoleSessionName       = "AWS_ROLE_SESSION_NAME"
)

// resolver plans the resolution as botocore 1.43's create_credential_resolver would run it.
type resolver struct {
	ctx   context.Context // bounds the reading of the files
	opts  Options
	files *sharedFiles
	exp   *Explanation            // exp.Steps are the steps to build
	keys  credentials.Credentials // the keys of a StepStatic step, kept out of the Explanation
	name  string                  // the profile
	noEnv bool                    // Options.Profile is set: credentials in environment variables are ignored
	roots *x509.CertPool          // the CA bundle's certificates (cabundle.go); nil when none
}

// plan resolves everything except the providers themselves. It reads the environment and the
// files but makes no network call. The explanation is always there; its Err is set on failure.
func plan(ctx context.Context, opts Options) *resolver {
	o, err := opts.normalized()
	r := &resolver{ctx: ctx, opts: o, exp: &Explanation{}}
	if err == nil {
		err = r.run()
	}
	r.exp.Err = leave(err)
	return r
}

// env returns the variable's value, or "" when it is unset, empty or only white space: a blank
// value counts as not set. (botocore takes a blank value as set and then fails on it, or sends
// it: a blank access key ID makes every request fail.)
func (r *resolver) env(name string) string {
	if v := r.opts.Getenv(name); strings.TrimSpace(v) != "" {
		return v
	}
	return ""
}

// notSet says that a variable env reads as "" is not set, in words that tell a blank value apart.
func (r *resolver) notSet(name string) string {
	if r.opts.Getenv(name) != "" {
		return name + " is blank (only white space), which counts as not set"
	}
	return name + " is not set"
}

func (r *resolver) run() error {
	r.pickProfile()
	if err := r.loadFiles(); err != nil {
		return err
	}
	if r.exp.ProfileFrom != "default" && r.files.profiles[r.name] == nil { // named, so it must exist
		return r.profileNotFound()
	}
	regionErr := r.region()
	r.endpoint()
	bundleErr := r.caBundle()
	found, err := r.sources()
	if err := cmp.Or(err, regionErr, bundleErr); err != nil {
		return err
	}
	if !found {
		return &NoCredentialsError{Explanation: r.exp}
	}
	last := r.exp.Steps[len(r.exp.Steps)-1].Kind
	r.exp.STS.Used = last == StepWebIdentity || last == StepAssumeRole
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
	e := r.exp
	switch {
	case r.opts.Profile != "":
		e.Profile, e.ProfileFrom, r.noEnv = r.opts.Profile, "Options.Profile", true
	case r.env(envDefaultProfile) != "":
		e.Profile, e.ProfileFrom = r.env(envDefaultProfile), envDefaultProfile
		if p := r.env(envProfile); p != "" && p != e.Profile {
			r.note("AWS_PROFILE=%s is ignored because AWS_DEFAULT_PROFILE=%s is set and the AWS CLI (botocore) reads AWS_DEFAULT_PROFILE first", p, e.Profile)
		}
	case r.env(envProfile) != "":
		e.Profile, e.ProfileFrom = r.env(envProfile), envProfile
	default:
		e.Profile, e.ProfileFrom = "default", "default"
	}
	r.name = e.Profile
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
		p := expandPath(raw, r.env, r.opts.HomeDir)
		return fileState{path: p, FileReport: FileReport{Kind: kind, Path: displayPath(p, r.opts.HomeDir), From: from}}
	}
	cfg := pick("config", r.opts.ConfigFile, "Options.ConfigFile", envConfigFile, "~/.aws/config")
	creds := pick("credentials", r.opts.CredentialsFile, "Options.CredentialsFile", envSharedCredentialsFile, "~/.aws/credentials")
	files, err := loadSharedFiles(r.ctx, cfg, creds)
	if files != nil {
		cfg, creds = files.config, files.credentials
	}
	r.exp.Files = []FileReport{cfg.FileReport, creds.FileReport}
	if err != nil {
		return err
	}
	r.files = files
	if name := "profile " + r.name; files.credSections[name] != nil {
		r.note("%s has a section [%s]: in the credentials file sections are named without the \"profile \" prefix, so the AWS CLI reads it as a profile called %q, not %q", files.credentials.Path, name, name, r.name)
	}
	return nil
}

func (r *resolver) profileNotFound() error {
	var files []string
	for _, f := range r.exp.Files {
		if f.NotRegular != "" {
			f.Path += " (" + f.NotRegular + ", not a regular file)"
		} else if !f.Found {
			f.Path += " (missing)"
		}
		files = append(files, f.Path)
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
		return "", s.invalid(profile, "expected a single value, found an indented block of settings under it")
	}
	if strings.Contains(s.value, "\n") {
		return "", s.invalid(profile, "the value continues on the next, indented line; write it on one line (an indented line continues the previous setting)")
	}
	return s.value, nil
}

// value is a setting's value and where it came from; s is nil when the value came from an
// environment variable or is not set.
type value struct {
	v   string
	set Setting
	s   *setting
}

// lookup returns the value of the environment variable envName (unless envName is "" or the
// variable is not set), else the plain value of key in profile name.
func (r *resolver) lookup(envName, name, key string) (value, error) {
	if v := r.env(envName); envName != "" && v != "" {
		return value{v: v, set: Setting{Name: envName, Value: v, From: "env"}}, nil
	}
	s := r.files.profiles[name].get(key)
	if s == nil {
		return value{}, nil
	}
	v, err := plainValue(name, s)
	return value{v: v, set: Setting{Name: key, Value: v, From: s.where()}, s: s}, err
}

// invalid is a ConfigError about v, located at its setting in profile, or at its variable.
func (v value) invalid(profile, reason string) *ConfigError {
	if v.s != nil {
		return v.s.invalid(profile, reason)
	}
	return &ConfigError{Key: v.set.Name, Reason: reason}
}

// from says where v came from: its variable, or "profile NAME, FILE line N".
func (v value) from(profile string) string {
	if v.s != nil {
		return fmt.Sprintf("profile %s, %s", profile, v.s.where())
	}
	return v.set.Name
}

// record returns the plain value of key in profile name ("" when it is not set), adding where it
// came from to step's Settings.
func (r *resolver) record(step *Step, name, key string) (string, error) {
	v, err := r.lookup("", name, key)
	if v.s != nil && err == nil {
		step.Settings = append(step.Settings, v.set)
	}
	return v.v, err
}

// region resolves the region in the order Options.Region documents.
func (r *resolver) region() error {
	e := r.exp
	if r.opts.Region != "" {
		e.Region, e.RegionFrom = r.opts.Region, "Options.Region" // validated by normalized
		return nil
	}
	v := value{v: r.env(envRegion), set: Setting{Name: envRegion}}
	if v.v == "" {
		var err error
		if v, err = r.lookup(envDefaultRegion, r.name, "region"); err != nil || v.v == "" {
			return err
		}
	} else if d := r.env(envDefaultRegion); d != "" && d != v.v {
		r.note("AWS_REGION=%s is used and AWS_DEFAULT_REGION=%s is not; the AWS CLI v1 (botocore) reads only AWS_DEFAULT_REGION and would use %s", v.v, d, d)
	}
	e.Region, e.RegionFrom = v.v, v.from(r.name)
	if !validRegion(v.v) {
		return v.invalid(r.name, fmt.Sprintf("%q is not a valid region name, such as us-east-1", redact.Clip(v.v, 64)))
	}
	return nil
}
