package chain

import (
	"fmt"
	"net/http"
	"os"
	"os/user"
	"regexp"
	"strings"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// Options configures Resolve and Explain. The zero value resolves exactly what the AWS CLI would
// from the process environment and the shared files in the home directory. Every field overrides
// the corresponding environment variable or file setting.
type Options struct {
	// Profile names the profile to use, like the AWS CLI's --profile. Optional; default
	// AWS_DEFAULT_PROFILE, then AWS_PROFILE (botocore reads them in that order), then "default".
	// As with --profile, naming a profile here turns off the credentials and the web identity
	// settings in environment variables (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, ...);
	// a profile named by AWS_PROFILE does not.
	Profile string
	// Region overrides the region. Optional; default AWS_REGION, then AWS_DEFAULT_REGION, then
	// the profile's region setting. (botocore reads only AWS_DEFAULT_REGION; AWS_REGION is read
	// first because the AWS CLI v2, every AWS SDK and the EKS pod identity webhook use it.)
	Region string
	// ConfigFile is the path of the shared config file. Optional; default AWS_CONFIG_FILE, then
	// ~/.aws/config. "$VAR", "${VAR}" and a leading "~" are expanded as botocore does.
	ConfigFile string
	// CredentialsFile is the path of the shared credentials file. Optional; default
	// AWS_SHARED_CREDENTIALS_FILE, then ~/.aws/credentials. Expanded like ConfigFile.
	CredentialsFile string
	// Getenv looks up environment variables. Optional; default os.Getenv. A value that is empty
	// or only white space counts as unset (botocore takes such a value as set; see the package
	// documentation).
	Getenv func(string) string
	// HomeDir is the directory "~" stands for. Optional; default HOME (through Getenv), then the
	// current user's home directory.
	HomeDir string
	// STS is the client used for AssumeRoleWithWebIdentity and AssumeRole calls. Optional;
	// default a credentials.Client for the resolved STS endpoint that uses HTTPClient. An
	// *sts.Client from aws-sdk-go-v2 can be used; it then uses its own endpoint settings.
	STS credentials.STS
	// HTTPClient is used by the default STS client. Optional; default that client's default, made
	// to trust the CA bundle when one is configured. A client given here is used as it is, without
	// the bundle (see Result.RootCAs). Ignored when STS is set.
	HTTPClient *http.Client
	// Now returns the current time, for the providers (token expiry checks, the generated session
	// name "irsa-<unix nanos>" when the token has no Kubernetes claims) and, when set, for the
	// caches. Optional; default time.Now. Set it only to inject a clock in tests: a Cache given a
	// clock compares times on every Retrieve instead of using its clock-free fresh path.
	Now func() time.Time
	// Cache configures the credentials.Cache that wraps the provider and each source of an
	// AssumeRole step (all of them: an OnRefresh hook sees every step's refreshes). Optional;
	// default credentials.CacheOptions{} (its documented defaults). Its Now, when nil, is set
	// from Now if Now was set. Its SharedDir turns on the files shared by processes for every
	// step that can use them (web identity and each role assumed from it), so that short-lived
	// processes resolving the same chain make one STS call per step between them.
	Cache credentials.CacheOptions

	containerHost string // the host of AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; "" for 169.254.170.2 (tests set it)
}

// normalized returns o with defaults filled in; it is the one place options are validated.
func (o Options) normalized() (Options, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Cache.Now == nil {
		o.Cache.Now = o.Now // nil unless a clock was injected: see Options.Now
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HomeDir == "" {
		o.HomeDir = o.Getenv("HOME")
	}
	if o.HomeDir == "" {
		if u, err := user.Current(); err == nil {
			o.HomeDir = u.HomeDir
		}
	}
	if o.Region != "" && !validRegion(o.Region) {
		return o, &ConfigError{Key: "Options.Region", Reason: fmt.Sprintf("%q is not a valid region name (letters, digits and '-', at most 63, not only digits, not starting or ending with '-')", redact.Clip(o.Region, 64))}
	}
	return o, nil
}

// validRegion is botocore's validate_region_name: ^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$.
func validRegion(r string) bool {
	return r == "" || regionName.MatchString(r) && strings.Trim(r, "0123456789") != ""
}

var regionName = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)
