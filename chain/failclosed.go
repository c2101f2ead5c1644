package chain

import "fmt"

// failClosedName names the check in an Explanation's sources.
const failClosedName = "container credentials and EC2 instance metadata"

// failClosed stops resolution before the container and instance metadata sources when this
// process was meant to use web identity (IRSA) and it could not be used. Deliberate difference
// from botocore, which goes on to them: a pod would then silently run with the node's role (or
// the task's), and write data under the wrong identity. It is reached only when no source before
// had credentials, and signals intent by any of:
//   - AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE set, even blank, even when ignored because the
//     profile is named explicitly (Options.Profile, as aws --profile);
//   - web_identity_token_file in the profile in use, even empty.
func (r *resolver) failClosed() error {
	role, tok := r.opts.Getenv(envRoleARN) != "", r.opts.Getenv(envWebIdentityTokenFile) != ""
	const tail = " chain does not go on to container credentials or EC2 instance metadata, on purpose: " +
		"they would give this process the container's or the node's role instead of its own."
	// A web_identity_token_file that is not empty was used before, or was an error.
	if s := r.files.profiles[r.name].get("web_identity_token_file"); s != nil {
		return s.invalid(r.name, fmt.Sprintf("web_identity_token_file is set but empty, so this profile is meant to use web identity (IRSA) and cannot.%s "+
			"Set it to the token file's path, or remove it to use other credentials.", tail))
	}
	var key, why, fix string
	switch {
	case !role && !tok:
		return nil
	case r.noEnv:
		key = envWebIdentityTokenFile
		if !tok {
			key = envRoleARN
		}
		why = fmt.Sprintf("it is ignored because the profile is named explicitly (Options.Profile, as with aws --profile), and profile %s has no credentials", r.name)
		fix = "Name a profile that has credentials, or name none so that the web identity variables are used."
	default:
		key = envRoleARN
		if !role {
			key = envWebIdentityTokenFile
		}
		why = r.noWebIdentityReason(r.name, true)
		if r.env(envWebIdentityTokenFile) == "" && tok {
			why = r.notSet(envWebIdentityTokenFile) + fmt.Sprintf(", and profile %s has no web_identity_token_file", r.name)
		}
		fix = "Set AWS_WEB_IDENTITY_TOKEN_FILE to the service account token's path (on EKS the pod identity webhook sets it with AWS_ROLE_ARN: " +
			"check the service account's eks.amazonaws.com/role-arn annotation and recreate the pod), or unset AWS_ROLE_ARN to use other credentials."
	}
	return &ConfigError{Key: key, Reason: fmt.Sprintf("%s is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: %s.%s %s", key, why, tail, fix)}
}
