package chain

import (
	"errors"
	"strings"
	"testing"
)

// Deliberate difference from botocore: in each case below botocore goes on to container
// credentials and instance metadata (the scenarios "… fails closed (botocore returns the node's
// credentials from instance metadata)" show it against botocore 1.43); chain stops with an error
// that says which setting shows the intent, why web identity could not be used, and that it does
// not fall back on purpose.
func TestFailClosedForIRSA(t *testing.T) {
	const noFallback = "chain does not go on to container credentials or EC2 instance metadata, on purpose: they would give this process the container's or the node's role instead of its own."
	for _, tc := range []struct {
		name, config, profile string
		env                   []string
		want                  string
	}{
		{"AWS_ROLE_ARN without AWS_WEB_IDENTITY_TOKEN_FILE", "", "", []string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/web"},
			"chain: AWS_ROLE_ARN is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not, and profile default has no web_identity_token_file. " + noFallback +
				" Set AWS_WEB_IDENTITY_TOKEN_FILE to the service account token's path (on EKS the pod identity webhook sets it with AWS_ROLE_ARN: check the service account's eks.amazonaws.com/role-arn annotation and recreate the pod), or unset AWS_ROLE_ARN to use other credentials."},
		{"AWS_ROLE_ARN with a blank AWS_WEB_IDENTITY_TOKEN_FILE", "", "", []string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/web", "AWS_WEB_IDENTITY_TOKEN_FILE", " "},
			"chain: AWS_ROLE_ARN is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: AWS_WEB_IDENTITY_TOKEN_FILE is blank (only white space), which counts as not set, and profile default has no web_identity_token_file."},
		{"a blank AWS_ROLE_ARN alone", "", "", []string{"AWS_ROLE_ARN", "\t"},
			"chain: AWS_ROLE_ARN is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: AWS_WEB_IDENTITY_TOKEN_FILE is not set and profile default has no web_identity_token_file."},
		{"the web identity variables ignored because the profile is named", "[profile other]\nregion = eu-west-1\n", "other",
			[]string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/web", "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/token"},
			"chain: AWS_WEB_IDENTITY_TOKEN_FILE is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: it is ignored because the profile is named explicitly (Options.Profile, as with aws --profile), and profile other has no credentials. " + noFallback +
				" Name a profile that has credentials, or name none so that the web identity variables are used."},
		{"AWS_ROLE_ARN alone ignored because the profile is named", "[profile other]\n", "other", []string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/web"},
			"chain: AWS_ROLE_ARN is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: it is ignored because the profile is named explicitly"},
		{"an empty web_identity_token_file in the profile", "[default]\nrole_arn = arn:aws:iam::111111111111:role/web\nweb_identity_token_file =\n", "", nil,
			"chain: profile default: ~/.aws/config line 3: web_identity_token_file is set but empty, so this profile is meant to use web identity (IRSA) and cannot. " + noFallback +
				" Set it to the token file's path, or remove it to use other credentials."},
		{"an empty web_identity_token_file in a named profile", "[profile p]\nweb_identity_token_file =\n", "p", nil,
			"chain: profile p: ~/.aws/config line 2: web_identity_token_file is set but empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, imds := range []bool{true, false} { // whether instance metadata is on does not matter
				h := newHome(t, tc.config, "", tc.env...)
				if imds {
					h.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = closedPort(t)
					delete(h.env, "AWS_EC2_METADATA_DISABLED")
				}
				o := h.opts()
				o.Profile = tc.profile
				exp, err := explain(t, o)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v\nwant it to contain %q", err, tc.want)
				}
				var ce *ConfigError
				if !errors.As(err, &ce) {
					t.Errorf("%T is not a *ConfigError", err)
				}
				last := exp.Sources[len(exp.Sources)-1]
				if last.Name != "container credentials and EC2 instance metadata" || last.Status != Failed || len(exp.Steps) != 0 {
					t.Errorf("last source %+v, steps %+v", last, exp.Steps)
				}
			}
		})
	}
}

// What does not fail closed: credentials found before, or no sign of web identity.
func TestFailClosedOnlyWhenNothingElseWasFound(t *testing.T) {
	h := newHome(t, "", "[default]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\naws_secret_access_key = s\n", "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/web")
	if _, err := explain(t, h.opts()); err != nil {
		t.Errorf("static keys with AWS_ROLE_ARN set: %v", err)
	}
	h = newHome(t, "", "")
	h.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = closedPort(t)
	delete(h.env, "AWS_EC2_METADATA_DISABLED")
	exp, err := explain(t, h.opts())
	if err != nil || exp.Steps[0].Kind != StepIMDS {
		t.Errorf("nothing configured: %v, %+v", err, exp.Steps)
	}
}
