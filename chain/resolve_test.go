package chain

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// home is a temporary home directory with the given ~/.aws/config and ~/.aws/credentials ("" for
// none) and an environment that holds only HOME and kv.
type home struct {
	dir string
	env map[string]string
}

func newHome(t *testing.T, config, creds string, kv ...string) *home {
	t.Helper()
	h := &home{dir: t.TempDir(), env: map[string]string{}}
	h.env["HOME"] = h.dir
	h.env["AWS_EC2_METADATA_DISABLED"] = "true" // no test reaches 169.254.169.254; the IMDS tests set it back
	for i := 0; i+1 < len(kv); i += 2 {
		h.env[kv[i]] = kv[i+1]
	}
	if config != "" {
		h.write(t, ".aws/config", config)
	}
	if creds != "" {
		h.write(t, ".aws/credentials", creds)
	}
	return h
}

func (h *home) write(t *testing.T, rel, content string) string {
	t.Helper()
	p := filepath.Join(h.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (h *home) opts() Options {
	return Options{Getenv: func(k string) string { return h.env[k] }, STS: failingSTS{}}
}

// failingSTS fails any call: resolution and Explain must not call STS.
type failingSTS struct{}

func (failingSTS) AssumeRoleWithWebIdentity(context.Context, *sts.AssumeRoleWithWebIdentityInput, ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return nil, errors.New("failingSTS: no STS call expected")
}
func (failingSTS) AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return nil, errors.New("failingSTS: no STS call expected")
}
func (failingSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return nil, errors.New("failingSTS: no STS call expected")
}

func explain(t *testing.T, o Options) (*Explanation, error) {
	t.Helper()
	exp, err := Explain(context.Background(), o)
	if exp == nil {
		t.Fatal("Explain returned a nil Explanation")
	}
	if !errors.Is(exp.Err, err) && !(exp.Err == nil && err == nil) {
		t.Fatalf("Explanation.Err %v differs from the error %v", exp.Err, err)
	}
	return exp, err
}

func TestNoCredentialsErrorIsTheExplanation(t *testing.T) {
	h := newHome(t, "[profile other]\nregion = eu-west-1\n", "")
	exp, err := explain(t, h.opts())
	var nc *NoCredentialsError
	if !errors.As(err, &nc) || nc.Explanation != exp {
		t.Fatalf("got %v, want a *NoCredentialsError holding the Explanation", err)
	}
	if !credentials.IsNonRecoverable(err) {
		t.Error("NoCredentialsError should be non-recoverable")
	}
	wantSources := []string{"environment variables", "assume role (profile default)", "web identity", "IAM Identity Center (SSO)",
		"shared credentials file", "console login session", "credential_process", "config file",
		"EC2 CLI credential file (AWS_CREDENTIAL_FILE)", "boto2 config file", "container credentials", "EC2 instance metadata"}
	if len(exp.Sources) != len(wantSources) {
		t.Fatalf("%d sources, want %d: %+v", len(exp.Sources), len(wantSources), exp.Sources)
	}
	for i, s := range exp.Sources {
		if s.Name != wantSources[i] {
			t.Errorf("source %d is %q, want %q", i+1, s.Name, wantSources[i])
		}
		if s.Status == Chosen {
			t.Errorf("source %q chosen", s.Name)
		}
	}
	msg := err.Error()
	for _, want := range []string{
		"no credentials found in any source the AWS CLI would use",
		"12. EC2 instance metadata: skipped: AWS_EC2_METADATA_DISABLED=true turns instance metadata off",
		"~/.aws/credentials does not exist",
		"~/.aws/config has no profile default",
		"container credentials: skipped: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS) nor AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity) is set",
		" 3. web identity: skipped",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "no valid providers") {
		t.Error("the error is the SDK's opaque message")
	}
	if s := exp.String(); strings.Count(s, "credential sources, in the order") != 1 {
		t.Errorf("String repeats the report:\n%s", s)
	}
}

func TestExplainNamesTheChosenSourceAndTheChain(t *testing.T) {
	config := "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/web\nweb_identity_token_file = /var/run/token\n" +
		"[profile b]\nrole_arn = arn:aws:iam::222222222222:role/cross\nsource_profile = a\nrole_session_name = b-session\nexternal_id = ext-123\nduration_seconds = 1800\nregion = eu-west-2\n"
	h := newHome(t, config, "", "AWS_PROFILE", "b")
	exp, err := explain(t, h.opts())
	if err != nil {
		t.Fatal(err)
	}
	if exp.Profile != "b" || exp.ProfileFrom != "AWS_PROFILE" {
		t.Errorf("profile %q from %q", exp.Profile, exp.ProfileFrom)
	}
	last := exp.Sources[len(exp.Sources)-1]
	if last.Status != Chosen || last.Name != "assume role (profile b)" {
		t.Errorf("last source %+v, want assume role (profile b) chosen", last)
	}
	if len(exp.Steps) != 2 || exp.Steps[0].Kind != StepWebIdentity || exp.Steps[1].Kind != StepAssumeRole {
		t.Fatalf("steps %+v", exp.Steps)
	}
	s0, s1 := exp.Steps[0], exp.Steps[1]
	if s0.Profile != "a" || s0.RoleARN != "arn:aws:iam::111111111111:role/web" || s0.TokenFile != "/var/run/token" || s0.SessionName != "" {
		t.Errorf("step 1 %+v", s0)
	}
	if s1.Profile != "b" || s1.SessionName != "b-session" || s1.ExternalID != "ext-123" || s1.Duration != 30*time.Minute {
		t.Errorf("step 2 %+v", s1)
	}
	if exp.Region != "eu-west-2" || exp.RegionFrom != "profile b, ~/.aws/config line 10" {
		t.Errorf("region %q from %q", exp.Region, exp.RegionFrom)
	}
	if !exp.STS.Used || exp.STS.Endpoint.URL != "https://sts.eu-west-2.amazonaws.com" {
		t.Errorf("STS %+v", exp.STS)
	}
	out := exp.String()
	for _, want := range []string{
		"profile: b (named by AWS_PROFILE)",
		"2. assume role (profile b): chosen: profile b has role_arn (~/.aws/config line 5) and source_profile a",
		"1. AssumeRoleWithWebIdentity arn:aws:iam::111111111111:role/web, token file /var/run/token, session name generated, profile a",
		"2. AssumeRole arn:aws:iam::222222222222:role/cross, session name b-session, external ID ext-123, duration 1800s, profile b",
		"role_session_name = b-session (from ~/.aws/config line 7)",
		"region: eu-west-2 (from profile b, ~/.aws/config line 10)",
		"STS endpoint: https://sts.eu-west-2.amazonaws.com (signing region eu-west-2; used)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
}

func TestExplainNotes(t *testing.T) {
	tests := []struct {
		name, config, creds string
		env                 []string
		note                string
	}{
		{"AWS_REGION and AWS_DEFAULT_REGION that differ are pointed out", "", "[default]\n" + baseKeysIni,
			[]string{"AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-east-1"},
			"AWS_REGION=eu-west-1 is used and AWS_DEFAULT_REGION=us-east-1 is not; the AWS CLI v1 (botocore) reads only AWS_DEFAULT_REGION"},
		{"environment keys that shadow AWS_PROFILE are pointed out", "[profile p]\n" + baseKeysIni, "",
			[]string{"AWS_PROFILE", "p", "AWS_ACCESS_KEY_ID", keyEnv, "AWS_SECRET_ACCESS_KEY", "x"},
			"AWS_PROFILE=p is set, but credentials in environment variables come first"},
		{"AWS_PROFILE shadowed by AWS_DEFAULT_PROFILE is pointed out", "[profile p]\n" + baseKeysIni, "",
			[]string{"AWS_PROFILE", "q", "AWS_DEFAULT_PROFILE", "p"},
			"AWS_PROFILE=q is ignored because AWS_DEFAULT_PROFILE=p is set"},
		{"a duration_seconds that is not a number is pointed out", "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = s\nduration_seconds = 15m\n[profile s]\n" + baseKeysIni, "",
			nil, `duration_seconds "15m" (~/.aws/config line 4) is not a whole number; the AWS CLI ignores it`},
		{"a token file path starting with ~ is pointed out", "[default]\nrole_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = ~/token\n", "",
			nil, `"~/token" starts with "~", which neither the AWS CLI nor chain expands`},
		{"sso settings the AWS CLI ignores are pointed out", "[default]\nsso_session = corp\n" + baseKeysIni + "[sso-session corp]\nsso_start_url = https://x\n", "",
			nil, "profile default has sso_session (~/.aws/config line 2): the AWS CLI uses IAM Identity Center credentials only with sso_account_id and sso_role_name"},
		{"a missing token file is pointed out", "", "",
			[]string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"},
			"the web identity token file /nonexistent/token cannot be read now (no such file or directory)"},
		{"a credentials file section with the profile prefix is pointed out", "[profile p]\nregion = x\n", "[profile p]\n" + baseKeysIni,
			[]string{"AWS_PROFILE", "p"}, `has a section [profile p]: in the credentials file sections are named without the "profile " prefix`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHome(t, tt.config, tt.creds, tt.env...)
			exp, _ := explain(t, h.opts())
			if !strings.Contains(strings.Join(exp.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", exp.Notes, tt.note)
			}
			if !strings.Contains(exp.String(), "note: ") {
				t.Errorf("String shows no note:\n%s", exp)
			}
		})
	}
}

// A variable set to white space only counts as not set, and the explanation says so, so that a
// person looking for "why not my environment keys?" sees the blank value.
func TestExplainSaysABlankVariableCountsAsNotSet(t *testing.T) {
	tests := []struct {
		name, config, creds string
		env                 []string
		source              string
		status              SourceStatus
		reason              string
	}{
		{"a blank AWS_ACCESS_KEY_ID skips the environment", "", "[default]\n" + baseKeysIni,
			[]string{"AWS_ACCESS_KEY_ID", " ", "AWS_SECRET_ACCESS_KEY", "env-secret"}, "environment variables", Skipped,
			"AWS_ACCESS_KEY_ID is blank (only white space), which counts as not set; AWS_SECRET_ACCESS_KEY is ignored without it"},
		{"a blank AWS_ACCESS_KEY_ID alone skips the environment", "", "",
			[]string{"AWS_ACCESS_KEY_ID", "\t \n"}, "environment variables", Skipped,
			"AWS_ACCESS_KEY_ID is blank (only white space), which counts as not set"},
		{"a blank AWS_SECRET_ACCESS_KEY is a missing secret", "", "[default]\n" + baseKeysIni,
			[]string{"AWS_ACCESS_KEY_ID", keyEnv, "AWS_SECRET_ACCESS_KEY", "  "}, "environment variables", Failed,
			"AWS_SECRET_ACCESS_KEY is blank (only white space), which counts as not set, but AWS_ACCESS_KEY_ID is: set both, or neither"},
		{"credential_source = Environment with a blank AWS_ACCESS_KEY_ID", "[default]\nrole_arn = arn:aws:iam::111111111111:role/r\ncredential_source = Environment\n", "",
			[]string{"AWS_ACCESS_KEY_ID", " ", "AWS_SECRET_ACCESS_KEY", "env-secret"}, "assume role (profile default)", Failed,
			"credential_source = Environment but AWS_ACCESS_KEY_ID is blank (only white space), which counts as not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHome(t, tt.config, tt.creds, tt.env...)
			exp, _ := explain(t, h.opts())
			var got *SourceReport
			for i := range exp.Sources {
				if exp.Sources[i].Name == tt.source {
					got = &exp.Sources[i]
				}
			}
			if got == nil || got.Status != tt.status || !strings.Contains(got.Reason, tt.reason) {
				t.Fatalf("source %q: got %+v, want %s with reason %q", tt.source, got, tt.status, tt.reason)
			}
			if !strings.Contains(exp.String(), tt.reason) {
				t.Errorf("String lacks %q:\n%s", tt.reason, exp)
			}
			for _, s := range exp.Steps {
				if s.Kind == StepEnvironment {
					t.Errorf("the environment is a step: %+v", s)
				}
			}
		})
	}
}

func TestConfigErrorsNameProfileKeyFileAndLine(t *testing.T) {
	tests := []struct {
		name, config string
		env          []string
		want         ConfigError
		text         string
	}{
		{"a multi-line role_arn", "[default]\nrole_arn = arn:aws:iam::1:role/a\n  b\nsource_profile = s\n", nil,
			ConfigError{Profile: "default", Key: "role_arn", Line: 2}, "the value continues on the next, indented line"},
		{"a nested block where a region belongs", "[default]\nregion =\n  x = y\n", []string{"AWS_ACCESS_KEY_ID", "A", "AWS_SECRET_ACCESS_KEY", "B"},
			ConfigError{Profile: "default", Key: "region", Line: 2}, "expected a single value, found an indented block"},
		{"an empty role_arn", "[default]\nrole_arn =\nsource_profile = s\n", nil,
			ConfigError{Profile: "default", Key: "role_arn", Line: 2}, "role_arn is empty"},
		{"a duration_seconds outside STS's range", "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = s\nduration_seconds = 60\n[profile s]\n" + baseKeysIni, nil,
			ConfigError{Profile: "default", Key: "duration_seconds", Line: 4}, "60 is outside STS's range of 900 to 43200 seconds"},
		{"a static key without its secret", "[default]\naws_access_key_id = AKID\n", nil,
			ConfigError{Profile: "default", Key: "aws_secret_access_key", Line: 2}, "aws_access_key_id is set (line 2) but aws_secret_access_key is not"},
		{"an empty secret", "[default]\naws_access_key_id = AKID\naws_secret_access_key =\n", nil,
			ConfigError{Profile: "default", Key: "aws_secret_access_key", Line: 3}, "the value is empty"},
		{"a services section whose sts is not a block", "[default]\nservices = s\n[services s]\nsts = http://x\n", []string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/t"},
			ConfigError{Key: "sts", Line: 4}, "sts must be followed by indented settings"},
		{"a use_fips_endpoint that is neither true nor false", "[default]\nuse_fips_endpoint = 1\n", []string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/t"},
			ConfigError{Profile: "default", Key: "use_fips_endpoint", Line: 2}, `"1" is neither true nor false`},
		{"an invalid region in the profile", "[default]\nregion = us east 1\n" + baseKeysIni, nil,
			ConfigError{Profile: "default", Key: "region", Line: 2}, `"us east 1" is not a valid region name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHome(t, tt.config, "", tt.env...)
			o := h.opts()
			o.STS = nil // with Options.STS, endpoint settings are the client's business
			_, err := explain(t, o)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ConfigError", err)
			}
			if ce.Profile != tt.want.Profile || ce.Key != tt.want.Key || ce.Line != tt.want.Line || ce.File != "~/.aws/config" {
				t.Errorf("got profile %q key %q %s line %d, want profile %q key %q ~/.aws/config line %d",
					ce.Profile, ce.Key, ce.File, ce.Line, tt.want.Profile, tt.want.Key, tt.want.Line)
			}
			if !strings.Contains(err.Error(), tt.text) || !strings.Contains(err.Error(), fmt.Sprintf("~/.aws/config line %d", tt.want.Line)) {
				t.Errorf("error %q lacks %q or the location", err, tt.text)
			}
			if !credentials.IsNonRecoverable(err) {
				t.Error("not marked non-recoverable")
			}
		})
	}
}

func TestCycleErrorListsTheLoop(t *testing.T) {
	config := "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
	h := newHome(t, config, "", "AWS_PROFILE", "a")
	_, err := explain(t, h.opts())
	var ce *ConfigError
	if !errors.As(err, &ce) || fmt.Sprint(ce.Cycle) != "[a b a]" || ce.Profile != "b" || ce.Line != 6 {
		t.Fatalf("got %#v", err)
	}
	if !strings.Contains(err.Error(), "source_profile loop: a -> b -> a") {
		t.Errorf("error %q does not print the cycle", err)
	}
}

func TestUnsupportedSettingsAreErrorsNotFallThroughs(t *testing.T) {
	// Each profile also has static keys in the credentials file, which the AWS CLI would not
	// reach either: the unsupported source comes first.
	tests := []struct{ name, profile, key string }{
		{"login", "[profile p]\nlogin_session = arn:aws:iam::1:user/me\n", "login_session"},
		{"mfa", "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = s\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile s]\n" + baseKeysIni, "mfa_serial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHome(t, tt.profile, "[q]\n"+baseKeysIni, "AWS_PROFILE", "p")
			exp, err := explain(t, h.opts())
			var ce *ConfigError
			if !errors.As(err, &ce) || !ce.Unsupported || ce.Key != tt.key || ce.Profile != "p" || ce.Line == 0 {
				t.Fatalf("got %#v, want an unsupported ConfigError for %s", err, tt.key)
			}
			if len(exp.Steps) != 0 && tt.key != "mfa_serial" {
				t.Errorf("steps were planned: %+v", exp.Steps)
			}
			last := exp.Sources[len(exp.Sources)-1]
			if last.Status != Unsupported && last.Status != Failed {
				t.Errorf("last source %+v", last)
			}
		})
	}
}

func TestOptionsOverrideEnvironmentAndFiles(t *testing.T) {
	h := newHome(t, "[profile env]\nregion = eu-west-1\n"+baseKeysIni, "",
		"AWS_PROFILE", "env", "AWS_REGION", "us-east-2", "AWS_CONFIG_FILE", "/nonexistent/config")
	alt := h.write(t, "alt/config", "[profile opt]\nregion = ap-south-1\naws_access_key_id = "+keyConfig+"\naws_secret_access_key = s\n")
	altCreds := h.write(t, "alt/credentials", "[opt]\naws_access_key_id = "+keyCreds+"\naws_secret_access_key = s\n")
	o := h.opts()
	o.Profile, o.Region, o.ConfigFile, o.CredentialsFile = "opt", "sa-east-1", alt, altCreds
	res, err := Resolve(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	c, err := res.Provider.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != keyCreds || res.Region != "sa-east-1" || res.Explanation.RegionFrom != "Options.Region" {
		t.Errorf("got key %s region %s from %s", c.AccessKeyID, res.Region, res.Explanation.RegionFrom)
	}
	f := res.Explanation.Files
	if f[0].From != "Options.ConfigFile" || f[0].Path != "~/alt/config" || f[1].From != "Options.CredentialsFile" {
		t.Errorf("files %+v", f)
	}
	// HomeDir replaces HOME for "~".
	other := newHome(t, "[default]\n"+baseKeysIni, "")
	o = Options{Getenv: func(k string) string { return map[string]string{"HOME": h.dir}[k] }, HomeDir: other.dir}
	exp, err := explain(t, o)
	if err != nil || exp.Steps[0].AccessKeyID != keyBase {
		t.Errorf("HomeDir not used: %v %+v", err, exp.Steps)
	}
}

func TestInvalidRegionsAreErrorsNamingTheirSource(t *testing.T) {
	h := newHome(t, "", "[default]\n"+baseKeysIni, "AWS_REGION", "eu-west-1.evil.example")
	_, err := explain(t, h.opts())
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != "AWS_REGION" {
		t.Fatalf("got %v, want a ConfigError for AWS_REGION", err)
	}
	o := h.opts()
	o.Region = "-bad"
	if _, err := Resolve(context.Background(), o); err == nil || !strings.Contains(err.Error(), "Options.Region") {
		t.Errorf("got %v, want an error naming Options.Region", err)
	}
}

func TestFilesThatAreNotRegularFilesCountAsMissing(t *testing.T) {
	h := newHome(t, "", "", "AWS_ACCESS_KEY_ID", keyEnv, "AWS_SECRET_ACCESS_KEY", "x")
	if err := os.MkdirAll(filepath.Join(h.dir, ".aws", "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	regular := h.write(t, "file", "x")
	o := h.opts()
	o.CredentialsFile = filepath.Join(regular, "credentials") // a path through a file
	exp, err := explain(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if exp.Files[0].Found || exp.Files[1].Found {
		t.Errorf("files %+v, want both missing", exp.Files)
	}
}

func TestUnreadableConfigFileIsAnError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	h := newHome(t, "[default]\nregion = x\n", "", "AWS_ACCESS_KEY_ID", keyEnv, "AWS_SECRET_ACCESS_KEY", "x")
	if err := os.Chmod(filepath.Join(h.dir, ".aws", "config"), 0); err != nil {
		t.Fatal(err)
	}
	_, err := explain(t, h.opts())
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "~/.aws/config: cannot read the file: permission denied") {
		t.Fatalf("got %v", err)
	}
}

func TestOversizedConfigFileIsRefusedByResolve(t *testing.T) {
	h := newHome(t, "[default]\n"+strings.Repeat("# padding\n", maxConfigFileSize/10+1), "", "AWS_ACCESS_KEY_ID", keyEnv, "AWS_SECRET_ACCESS_KEY", "x")
	_, err := Resolve(context.Background(), h.opts())
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != "~/.aws/config" || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
}

func TestHostileEnvironmentValues(t *testing.T) {
	huge := strings.Repeat("p", 1<<20)
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"a huge AWS_PROFILE", []string{"AWS_PROFILE", huge}, "not found in"},
		{"a profile name with a line break", []string{"AWS_PROFILE", "a\nb"}, `profile "a\nb"`},
		{"a huge AWS_REGION", []string{"AWS_REGION", huge, "AWS_ACCESS_KEY_ID", "A", "AWS_SECRET_ACCESS_KEY", "B"}, "is not a valid region name"},
		{"a huge AWS_USE_FIPS_ENDPOINT", []string{"AWS_USE_FIPS_ENDPOINT", huge, "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}, "neither true nor false"},
		{"a huge AWS_ROLE_ARN", []string{"AWS_ROLE_ARN", "arn:" + huge, "AWS_WEB_IDENTITY_TOKEN_FILE", "/t", "AWS_REGION", "us-east-1"}, "step 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHome(t, "", "", tt.env...)
			o := h.opts()
			o.STS = nil
			res, err := Resolve(context.Background(), o)
			if err == nil {
				res.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %.300q lacks %q", err, tt.want)
			}
			if len(err.Error()) > 4096 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
			exp, _ := Explain(context.Background(), o)
			if len(exp.String()) > 16384 {
				t.Errorf("explanation is %d bytes long", len(exp.String()))
			}
		})
	}
}

func TestSecretsNeverAppear(t *testing.T) {
	const (
		secret  = "SECRETsecretSECRETsecretSECRET0000000001"
		token   = "TOKENtokenTOKENtokenTOKENtoken0000000002"
		envSec  = "ENVSECRETenvsecretENVSECRET000000000003"
		urlPass = "URLPASSWORDurlpassword00000000000000004"
	)
	secrets := []string{secret, token, envSec, urlPass}
	cases := []struct {
		name, config, creds string
		env                 []string
	}{
		{"static keys chosen", "", "[default]\naws_access_key_id = AKIDSTATIC000001\naws_secret_access_key = " + secret + "\naws_session_token = " + token + "\n", nil},
		{"static keys as a role's source", "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = s\n[profile s]\naws_access_key_id = AKIDSTATIC000001\naws_secret_access_key = " + secret + "\naws_security_token = " + token + "\n", "", []string{"AWS_PROFILE", "p"}},
		{"environment keys", "", "", []string{"AWS_ACCESS_KEY_ID", "AKIDENV000000001", "AWS_SECRET_ACCESS_KEY", envSec, "AWS_SESSION_TOKEN", token}},
		{"environment keys via credential_source", "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/r\ncredential_source = Environment\n", "", []string{"AWS_ACCESS_KEY_ID", "AKIDENV000000001", "AWS_SECRET_ACCESS_KEY", envSec, "AWS_PROFILE", "p"}},
		{"a secret continued on two lines", "", "[default]\naws_access_key_id = AKIDSTATIC000001\naws_secret_access_key = " + secret + "\n  " + secret + "\n", nil},
		{"a secret as a nested block", "", "[default]\naws_access_key_id = AKIDSTATIC000001\naws_secret_access_key =\n  k = " + secret + "\n", nil},
		{"a secret without its key ID", "", "[default]\naws_secret_access_key = " + secret + "\n", nil},
		{"a token continued on two lines", "", "[default]\naws_access_key_id = AKIDSTATIC000001\naws_secret_access_key = s\naws_session_token = " + token + "\n  " + token + "\n", nil},
		{"an endpoint URL with a password", "[default]\nendpoint_url = https://user:" + urlPass + "@sts.example.com\n", "", []string{"AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}},
		{"an environment endpoint URL with a password", "", "", []string{"AWS_ENDPOINT_URL_STS", "http://user:" + urlPass + "@127.0.0.1:1", "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}},
		{"a duplicate secret", "", "[default]\naws_secret_access_key = " + secret + "\naws_secret_access_key = " + secret + "\n", nil},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			leakcheck.Check(t)
			h := newHome(t, tt.config, tt.creds, tt.env...)
			o := h.opts()
			var outputs []string
			exp, err := Explain(context.Background(), o)
			outputs = append(outputs, exp.String(), fmt.Sprintf("%v %+v %#v", exp, exp, exp))
			if err != nil {
				outputs = append(outputs, err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
			}
			res, err := Resolve(context.Background(), o)
			if err != nil {
				outputs = append(outputs, err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
			} else {
				outputs = append(outputs, fmt.Sprintf("%v %+v %#v", res, res, res), res.Explanation.String())
				if c, err := res.Provider.Retrieve(context.Background()); err == nil {
					outputs = append(outputs, fmt.Sprintf("%v %+v %#v %s", c, c, c, c))
				} else {
					outputs = append(outputs, err.Error(), fmt.Sprintf("%+v", err))
				}
				res.Close()
			}
			for _, out := range outputs {
				for _, s := range secrets {
					if strings.Contains(out, s) || strings.Contains(out, s[:20]) {
						t.Fatalf("secret %s… appears in:\n%s", s[:8], out)
					}
				}
			}
		})
	}
}

func TestResolveMakesNoNetworkCall(t *testing.T) {
	h := newHome(t, "[profile b]\nrole_arn = arn:aws:iam::222222222222:role/cross\nsource_profile = a\n[profile a]\nrole_arn = arn:aws:iam::111111111111:role/web\nweb_identity_token_file = /nonexistent\n", "", "AWS_PROFILE", "b")
	res, err := Resolve(context.Background(), h.opts()) // failingSTS fails any call
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if _, err := res.Provider.Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "nonexistent") && !strings.Contains(err.Error(), "failingSTS") {
		t.Errorf("Retrieve: %v", err)
	}
}

func TestResolveHonoursACanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Resolve(ctx, Options{Getenv: func(string) string { return "" }}); !errors.Is(err, context.Canceled) {
		t.Errorf("Resolve: %v", err)
	}
	if _, err := Explain(ctx, Options{Getenv: func(string) string { return "" }}); !errors.Is(err, context.Canceled) {
		t.Errorf("Explain: %v", err)
	}
}

func TestInvalidEndpointSettingsMatterOnlyWhenSTSIsUsed(t *testing.T) {
	h := newHome(t, "", "", "AWS_ACCESS_KEY_ID", keyEnv, "AWS_SECRET_ACCESS_KEY", "x", "AWS_STS_REGIONAL_ENDPOINTS", "bogus")
	exp, err := explain(t, h.opts())
	if err != nil || exp.STS.Err == nil || exp.STS.Used {
		t.Fatalf("err %v, STS %+v", err, exp.STS)
	}
	if !strings.Contains(exp.String(), "STS endpoint: not needed by these credentials, and its settings are invalid") {
		t.Errorf("explanation:\n%s", exp)
	}
	// With web identity the same setting is an error, unless Options.STS decides the endpoint.
	h = newHome(t, "", "", "AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/t", "AWS_STS_REGIONAL_ENDPOINTS", "bogus")
	o := h.opts()
	o.STS = nil
	if _, err := explain(t, o); err == nil || !strings.Contains(err.Error(), `AWS_STS_REGIONAL_ENDPOINTS: "bogus": valid values are "legacy" and "regional"`) {
		t.Errorf("got %v", err)
	}
	exp, err = explain(t, h.opts())
	if err != nil || !strings.Contains(strings.Join(exp.Notes, " "), "Options.STS is set") {
		t.Errorf("with Options.STS: %v %q", err, exp.Notes)
	}
}

// TestEachHopHasItsOwnCache checks that refreshing the last credentials of a chain repeats only
// the last STS call: the source's credentials come from its own cache.
func TestEachHopHasItsOwnCache(t *testing.T) {
	leakcheck.Check(t)
	fx := startSTSFixture(t)
	h := newHome(t, "[profile a]\nrole_arn = "+roleWeb+"\nweb_identity_token_file = "+fx.env.TokenFile+"\n"+
		"[profile b]\nrole_arn = "+roleCross+"\nsource_profile = a\n[profile c]\nrole_arn = "+roleThird+"\nsource_profile = b\n", "",
		"AWS_PROFILE", "c", "AWS_ENDPOINT_URL_STS", fx.env.STS.URL())
	o := h.opts()
	o.STS = nil
	res, err := Resolve(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	ctx := context.Background()
	first, err := res.Provider.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Provider.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	count := func() string {
		return fmt.Sprintf("web=%d cross=%d third=%d", fx.env.STS.CountRole(roleWeb), fx.env.STS.CountRole(roleCross), fx.env.STS.CountRole(roleThird))
	}
	if got := count(); got != "web=1 cross=1 third=1" {
		t.Fatalf("after two retrievals: %s", got)
	}
	res.Provider.Invalidate(first.AccessKeyID)
	second, err := res.Provider.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessKeyID == first.AccessKeyID {
		t.Error("Invalidate did not lead to new credentials")
	}
	if got := count(); got != "web=1 cross=1 third=2" {
		t.Errorf("refreshing the last hop: %s, want only the last role assumed again", got)
	}
	if !strings.HasPrefix(second.RoleARN, "arn:aws:sts::"+acctC+":assumed-role/third/") {
		t.Errorf("role ARN %s", second.RoleARN)
	}
}

func TestResultCloseIsIdempotent(t *testing.T) {
	leakcheck.Check(t)
	h := newHome(t, "", "[default]\n"+baseKeysIni)
	res, err := Resolve(context.Background(), h.opts())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Provider.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := res.Close(); err != nil {
		t.Fatal(err)
	}
	if err := res.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStepErrorNamesWhereTheBadSettingCameFrom(t *testing.T) {
	h := newHome(t, "[default]\nrole_arn = not-an-arn\nweb_identity_token_file = /t\nregion = us-east-1\n", "")
	o := h.opts()
	o.STS = nil
	_, err := Resolve(context.Background(), o)
	var se *stepError
	if !errors.As(err, &se) || se.Index != 0 {
		t.Fatalf("got %v, want a *stepError", err)
	}
	if !strings.Contains(err.Error(), "role_arn from ~/.aws/config line 2") {
		t.Errorf("error %q does not locate role_arn", err)
	}
}

func TestEnvironmentStepRereadsTheEnvironment(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": keyEnv, "AWS_SECRET_ACCESS_KEY": "x", "AWS_ACCESS_KEY": "legacy-ignored"}
	res, err := Resolve(context.Background(), Options{Getenv: func(k string) string { return env[k] }, HomeDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	c, err := res.Provider.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != keyEnv || c.Source != "env" {
		t.Fatalf("got %v %v", c, err)
	}
}

func TestPyInt(t *testing.T) {
	for in, want := range map[string]int64{"900": 900, " 900 ": 900, "+900": 900, "-5": -5, "9_00": 900, "0900": 900} {
		if got, ok := pyInt(in); !ok || got != want {
			t.Errorf("pyInt(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "1h", "9__00", "_900", "900_", "0x10", "1.5", "9 00", "+", "99999999999999999999"} {
		if _, ok := pyInt(in); ok {
			t.Errorf("pyInt(%q) accepted", in)
		}
	}
}

func TestExpandPathLikeBotocore(t *testing.T) {
	env := map[string]string{"A": "/a", "B_2": "b"}
	getenv := func(k string) string { return env[k] }
	root, err := user.Lookup("root")
	rootHome := "/root"
	if err == nil {
		rootHome = root.HomeDir
	}
	tests := map[string]string{
		"$A/config":          "/a/config",
		"${A}/x/${B_2}":      "/a/x/b",
		"$UNSET/x":           "$UNSET/x",
		"${UNSET}":           "${UNSET}",
		"$":                  "$",
		"a$":                 "a$",
		"~":                  "/home/me",
		"~/.aws/config":      "/home/me/.aws/config",
		"~root/x":            rootHome + "/x",
		"~no-such-user-42/x": "~no-such-user-42/x",
		"x/~/y":              "x/~/y",
		"$A~":                "/a~",
	}
	for in, want := range tests {
		if got := expandPath(in, getenv, "/home/me/"); got != want {
			t.Errorf("expandPath(%q) = %q, want %q", in, got, want)
		}
	}
	if got := displayPath("/home/me/.aws/config", "/home/me"); got != "~/.aws/config" {
		t.Errorf("displayPath = %q", got)
	}
	if got := displayPath("/home/meow/x", "/home/me"); got != "/home/meow/x" {
		t.Errorf("displayPath = %q", got)
	}
}

func TestValidRegionIsBotocores(t *testing.T) {
	for _, r := range []string{"us-east-1", "Us-East-1", "aws-global", "a", "x1"} {
		if !validRegion(r) {
			t.Errorf("%q refused", r)
		}
	}
	for _, r := range []string{"123", "-us", "us-", "us east", "us.east", strings.Repeat("a", 64), "ü"} {
		if validRegion(r) {
			t.Errorf("%q accepted", r)
		}
	}
}

// TestRealHostsAreNeverDialled makes sure the redirecting transport the scenarios use keeps
// every request on loopback.
func TestRealHostsAreNeverDialled(t *testing.T) {
	fx := startSTSFixture(t)
	target, _ := url.Parse(fx.env.STS.URL())
	rd := &redirect{target: target, base: &http.Transport{}}
	req, _ := http.NewRequest(http.MethodPost, "https://sts.amazonaws.com/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := rd.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if calls := fx.env.STS.Calls(); len(calls) != 1 || calls[0].Operation != fakests.OpGetCallerIdentity {
		t.Errorf("the fake saw %v", calls)
	}
}
