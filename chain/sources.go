package chain

import (
	"fmt"
	"os"
	"strings"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/redact"
)

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
	return r.lastSources(report)
}

// envSource is botocore's EnvProvider: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
func (r *resolver) envSource(report func(SourceReport)) (bool, error) {
	const name = "environment variables"
	id, secret := r.env(envAccessKeyID), r.env(envSecretAccessKey)
	if r.noEnv {
		reason := "the profile is named explicitly, which turns off credentials in environment variables, as aws --profile does"
		if id != "" {
			reason += "; AWS_ACCESS_KEY_ID is set and ignored"
		}
		report(SourceReport{Name: name, Status: Skipped, Reason: reason})
		return false, nil
	}
	if id == "" {
		reason := r.notSet(envAccessKeyID)
		switch {
		case r.opts.Getenv(envAccessKeyID) != "" && secret != "":
			reason += "; AWS_SECRET_ACCESS_KEY is ignored without it"
		case secret != "":
			reason = "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not, so the AWS CLI ignores it"
		}
		report(SourceReport{Name: name, Status: Skipped, Reason: reason})
		return false, nil
	}
	if err := r.envKeys(""); err != nil {
		return failed(report, name, err)
	}
	if r.exp.ProfileFrom == envProfile || r.exp.ProfileFrom == envDefaultProfile {
		r.note("%s=%s is set, but credentials in environment variables come first, as in the AWS CLI; unset AWS_ACCESS_KEY_ID to use the profile's credentials", r.exp.ProfileFrom, r.name)
	}
	report(SourceReport{Name: name, Status: Chosen, Reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set"})
	return true, nil
}

// failed reports source as failed (or unsupported) for err, and returns err.
func failed(report func(SourceReport), source string, err error) (bool, error) {
	status := Failed
	if ce, ok := err.(*ConfigError); ok && ce.Unsupported {
		status = Unsupported
	}
	report(SourceReport{Name: source, Status: status, Reason: err.Error()})
	return false, err
}

// envKeys adds the step that reads credentials from the environment, for the environment source
// or for credential_source = Environment in profile.
func (r *resolver) envKeys(profile string) error {
	id, secret := r.env(envAccessKeyID), r.env(envSecretAccessKey)
	if secret == "" {
		return &ConfigError{Profile: profile, Key: envSecretAccessKey, Reason: r.notSet(envSecretAccessKey) + ", but AWS_ACCESS_KEY_ID is: set both, or neither"}
	}
	shown := redact.AccessKeyID(id, envAccessKeyID, envSecretAccessKey)
	step := Step{Kind: StepEnvironment, AccessKeyID: shown, Settings: []Setting{{Name: envAccessKeyID, Value: shown, From: "env"}}}
	if r.env(envSecurityToken) != "" || r.env(envSessionToken) != "" {
		step.Settings = append(step.Settings, Setting{Name: "session token", Value: "[set]", From: "env"})
	}
	r.add(step)
	return nil
}

func (r *resolver) add(s Step) { r.exp.Steps = append(r.exp.Steps, s) }

// profileSources runs botocore's ProfileProviderBuilder providers for profile name: web identity,
// SSO, shared credentials file, login, credential_process, config file. useEnv says whether the
// web identity variables are read (only for the profile in use, without Options.Profile).
func (r *resolver) profileSources(name string, useEnv bool, report func(SourceReport)) (bool, error) {
	if found, err := r.webIdentity(name, useEnv, report); found || err != nil {
		return found, err
	}
	if found, err := r.ssoSource(name, report); found || err != nil {
		return found, err
	}
	p := r.files.profiles[name]
	if found, err := r.staticKeys(name, "shared credentials file", r.files.credentials, r.files.credSections[name], report); found || err != nil {
		return found, err
	}
	if err := r.unsupported(name, p, "console login session", report,
		"console login sessions (aws login) are not supported by this library (the AWS CLI would use it here)",
		"login_session"); err != nil {
		return false, err
	}
	if found, err := r.processSource(name, report); found || err != nil {
		return found, err
	}
	return r.staticKeys(name, "config file", r.files.config, r.files.cfg.profiles[name], report)
}

// unsupported reports a source chain does not implement; it is an error when the profile
// configures it (keys), since falling through to other credentials would be a silent surprise.
func (r *resolver) unsupported(name string, p *profile, source string, report func(SourceReport), why string, keys ...string) error {
	for _, k := range keys {
		if s := p.get(k); s != nil {
			_, err := failed(report, source, &ConfigError{Profile: name, Key: k, File: s.file, Line: s.line, Unsupported: true, Reason: why})
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
	get := func(key, envName string) (value, error) {
		if !useEnv {
			envName = ""
		}
		return r.lookup(envName, name, key)
	}
	tok, err := get("web_identity_token_file", envWebIdentityTokenFile)
	if err != nil {
		return failed(report, source, err)
	}
	if tok.v == "" {
		report(SourceReport{Name: source, Status: Skipped, Reason: r.noWebIdentityReason(name, useEnv)})
		return false, nil
	}
	if redact.ContainsJWT(tok.v) {
		// A token pasted where its file's path belongs (perhaps quoted, or inside a path) is
		// refused before it is recorded in the explanation, and none of it is repeated.
		ce := tok.invalid(name, "holds what looks like a web identity token (a JWT) instead of the path of the file that contains it (the value is not shown because it is a secret): set it to the token file's path, such as /var/run/secrets/eks.amazonaws.com/serviceaccount/token")
		return failed(report, source, ce)
	}
	role, err := get("role_arn", envRoleARN)
	if err == nil && role.v == "" {
		if tok.s != nil {
			err = &ConfigError{Profile: name, Key: "role_arn", File: tok.s.file, Line: tok.s.line, Reason: fmt.Sprintf("profile %s has web_identity_token_file but no role_arn", name)}
		} else {
			err = &ConfigError{Profile: name, Key: envRoleARN, Reason: fmt.Sprintf("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not, and profile %s has no role_arn", name)}
		}
	}
	if err != nil {
		return failed(report, source, err)
	}
	sess, err := get("role_session_name", envRoleSessionName)
	if err != nil {
		return failed(report, source, err)
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
		r.note("the web identity token file %q starts with \"~\", which neither the AWS CLI nor chain expands; write the full path", redact.Clip(tok.v, 200))
	} else if _, err := os.Stat(tok.v); err != nil {
		// Not an error here: the file is read on every refresh, and kubelet may not have
		// written it yet. It will be one if it is still missing then.
		r.note("the web identity token file %s cannot be read now (%v); in a pod, check that the projected service account token volume is mounted", redact.Clip(tok.v, 200), readfile.WithoutPath(err))
	}
	r.add(step)
	reason := fmt.Sprintf("profile %s has web_identity_token_file (%s), role from %s", name, tok.set.From, nameOrEnv(role.set))
	if tok.s == nil {
		reason = fmt.Sprintf("token file from %s, role from %s", envWebIdentityTokenFile, nameOrEnv(role.set))
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
	envTok, envRole := r.env(envWebIdentityTokenFile), r.env(envRoleARN)
	switch {
	case !useEnv && envTok != "" && r.noEnv:
		return fmt.Sprintf("AWS_WEB_IDENTITY_TOKEN_FILE is set but ignored because the profile is named explicitly (as with aws --profile), and profile %s has no web_identity_token_file", name)
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
	skip := ""
	switch {
	case file.NotRegular != "":
		skip = fmt.Sprintf("%s is %s, not a regular file", file.Path, file.NotRegular)
	case !file.Found:
		skip = file.Path + " does not exist"
	case sec == nil:
		skip = fmt.Sprintf("%s has no profile %s", file.Path, name)
		if hint := r.missingProfileHint(name); hint != "" {
			skip += " (" + hint + ")"
		}
	case sec.get("aws_access_key_id") == nil:
		skip = fmt.Sprintf("profile %s in %s has no aws_access_key_id", name, file.Path)
		if s := sec.get("aws_secret_access_key"); s != nil {
			skip += fmt.Sprintf(" (it has aws_secret_access_key, %s line %d, which the AWS CLI ignores without an access key ID)", s.file, s.line)
		}
	}
	if skip != "" {
		report(SourceReport{Name: source, Status: Skipped, Reason: skip})
		return false, nil
	}
	idSet, secretSet, tokenSet := sec.get("aws_access_key_id"), sec.get("aws_secret_access_key"), sec.get("aws_security_token")
	if tokenSet == nil {
		tokenSet = sec.get("aws_session_token")
	}
	// Secrets are checked here rather than by plainValue, whose message does not include the
	// value either, to keep them out of that path entirely.
	multiLine := func(s *setting) bool { return s.nested != nil || strings.Contains(s.value, "\n") }
	id, err := plainValue(name, idSet)
	switch {
	case err != nil:
	case secretSet == nil:
		err = &ConfigError{Profile: name, Key: "aws_secret_access_key", File: idSet.file, Line: idSet.line,
			Reason: fmt.Sprintf("aws_access_key_id is set (line %d) but aws_secret_access_key is not: set both", idSet.line)}
	case multiLine(secretSet):
		err = secretSet.invalid(name, "the value must be on one line")
	case id == "":
		err = idSet.invalid(name, "the value is empty")
	case secretSet.value == "":
		err = secretSet.invalid(name, "the value is empty")
	case tokenSet != nil && multiLine(tokenSet):
		err = tokenSet.invalid(name, "the value must be on one line")
	}
	if err != nil {
		return failed(report, source, err)
	}
	r.keys = credentials.Credentials{AccessKeyID: id, SecretAccessKey: secretSet.value, Source: "static"}
	shown := redact.AccessKeyID(id, "aws_access_key_id", "aws_secret_access_key")
	step := Step{Kind: StepStatic, Profile: name, AccessKeyID: shown, Settings: []Setting{{Name: "aws_access_key_id", Value: shown, From: idSet.where()}}}
	if tokenSet != nil && tokenSet.value != "" {
		r.keys.SessionToken = tokenSet.value
		step.Settings = append(step.Settings, Setting{Name: "session token", Value: "[set]", From: file.Path})
	}
	r.add(step)
	report(SourceReport{Name: source, Status: Chosen, Reason: fmt.Sprintf("profile %s in %s has aws_access_key_id (line %d) and aws_secret_access_key", name, file.Path, idSet.line)})
	return true, nil
}

// lastSources runs the sources the AWS CLI tries after the profile's, reached only when nothing
// else was found: the old EC2 CLI and boto2 files (not implemented), then, unless failClosed stops
// there, container credentials and EC2 instance metadata.
func (r *resolver) lastSources(report func(SourceReport)) (bool, error) {
	// reason is why, when the variable is set (else), and the source is not used either way.
	reason := func(variable, why, otherwise string) string {
		if r.env(variable) != "" {
			return variable + why
		}
		return otherwise
	}
	for _, s := range []SourceReport{
		{Name: "EC2 CLI credential file (AWS_CREDENTIAL_FILE)", Reason: reason("AWS_CREDENTIAL_FILE", " is set, but the old EC2 CLI credential file is not supported by this library", "")},
		{Name: "boto2 config file", Reason: reason("BOTO_CONFIG", " is set, but boto2 config files are not supported by this library", "BOTO_CONFIG, /etc/boto.cfg and ~/.boto are not read")},
	} {
		s.Status = Unsupported
		report(s)
	}
	if err := r.failClosed(); err != nil {
		return failed(report, failClosedName, err)
	}
	if found, err := r.containerSource(report); found || err != nil {
		return found, err
	}
	return r.imdsSource(report)
}
