package chain

// Compatibility scenarios: environment + config file + credentials file → which STS calls are
// made (operation, role, session name, who signs, in which order), to which endpoint, with
// which region, or which error. TestScenarios runs every scenario through chain against the
// fake STS (internal/fakests) on 127.0.0.1; TestScenariosMatchBotocore runs the same scenarios
// through botocore 1.43, the core of the AWS CLI v1, against the same fake.
//
// How the expectations were derived, and how to re-check them: each scenario's `want` is what
// botocore 1.43 does. TestScenariosMatchBotocore (scenarios_peer_test.go) writes each scenario's
// files into a fresh directory, and runs testdata/botocore_scenarios.py, which for each
// scenario replaces the process environment with the scenario's (HOME is that directory,
// AWS_EC2_METADATA_DISABLED=true unless it uses a fake IMDS, nothing else from the machine), builds a botocore Session
// (with `--profile` semantics when the scenario sets Options.Profile), loads credentials and
// forwards every STS request botocore makes to the fake STS, recording the URL botocore chose.
// The test then checks botocore's calls (as the fake recorded them), URLs, region and errors
// against `want` — or against `boto` where a scenario documents a deliberate difference (an
// unsupported feature, AWS_REGION, a stricter check). To re-check after changing a scenario:
//
//	IRSA_REQUIRE_PEERS=1 go test -race -count=1 -run 'TestScenarios' ./chain/
//
// (without IRSA_REQUIRE_PEERS=1 the botocore half is skipped when python3 or botocore 1.43 is
// missing). botocore reads only AWS_DEFAULT_REGION; for scenarios that set AWS_REGION the
// botocore run gets AWS_DEFAULT_REGION set to AWS_REGION's value, which is chain's one
// deliberate precedence difference (see Options.Region).
//
// Placeholders in env values and file contents: {TOKEN} is the web identity token file (a
// Kubernetes service-account token for system:serviceaccount:default:app from the fake
// issuer), {STS} the fake STS's URL, {HOME} the scenario's home directory, {IMDS...} the fake
// instance metadata services of imdsFakes. A scenario that names none of them runs with
// AWS_EC2_METADATA_DISABLED=true, so that nothing ever reaches 169.254.169.254.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakesso"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// Accounts, users and roles of the fake STS every scenario runs against.
const (
	acctA = "111111111111"
	acctB = "222222222222"
	acctC = "333333333333"

	keyBase   = "AKIABASEUSER00000001" // user/base
	keyEnv    = "AKIAENVUSER000000001" // user/env
	keyCreds  = "AKIACREDSFILE0000001" // user/credsfile
	keyConfig = "AKIACONFIGFILE000001" // user/configfile

	roleWeb   = "arn:aws:iam::" + acctA + ":role/web"   // trusts the service account's token
	roleWeb2  = "arn:aws:iam::" + acctA + ":role/web2"  // trusts the service account's token
	roleCross = "arn:aws:iam::" + acctB + ":role/cross" // trusts any AWS principal
	roleThird = "arn:aws:iam::" + acctC + ":role/third" // trusts any AWS principal
	roleExtID = "arn:aws:iam::" + acctB + ":role/extid" // requires external ID ext-123
)

var scenarioUsers = map[string]string{keyBase: "base", keyEnv: "env", keyCreds: "credsfile", keyConfig: "configfile"}

// call is one expected STS call. by is who made it: "token" (the service account's web
// identity token), "user/NAME" (an IAM user's keys) or "role/NAME" (a session of that role).
// session "" means a generated name (botocore: botocore-session-<unix time>).
type call struct {
	op, role, session, by string
	extID                 bool
	duration              int32
}

// outcome is what a scenario leads to.
type outcome struct {
	calls    []call
	key      string // access key ID of static or environment credentials (no STS call)
	region   string
	endpoint string // URL every STS call goes to
	portal   string // URL of the IAM Identity Center portal's GetRoleCredentials, without the query
	err      string // a substring of chain's error
	errType  string // the exception botocore raises ("NoCredentials": it finds none)
}

type scenario struct {
	name        string
	env         map[string]string
	config      string // ~/.aws/config; "" for no file
	credentials string // ~/.aws/credentials; "" for no file
	files       map[string]string
	profile     string // Options.Profile, like aws --profile
	want        outcome
	boto        *outcome // botocore's outcome where chain deliberately differs (see the name)
	chainOnly   bool     // botocore cannot run it without leaving 127.0.0.1 (see the name)
}

func webID(role, session string) call {
	return call{op: fakests.OpAssumeRoleWithWebIdentity, role: role, session: session, by: "token"}
}

func assume(role, session, by string) call {
	return call{op: fakests.OpAssumeRole, role: role, session: session, by: by}
}

// eks is the environment the EKS pod identity webhook injects.
func eks(extra ...string) map[string]string {
	m := map[string]string{
		"AWS_ROLE_ARN": roleWeb, "AWS_WEB_IDENTITY_TOKEN_FILE": "{TOKEN}",
		"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-west-2", "AWS_STS_REGIONAL_ENDPOINTS": "regional",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			delete(m, extra[i])
			continue
		}
		m[extra[i]] = extra[i+1]
	}
	return m
}

func envOf(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

const (
	envKeys = "AWS_ACCESS_KEY_ID"
	usw2    = "https://sts.us-west-2.amazonaws.com"
	global  = "https://sts.amazonaws.com"
)

var baseKeysIni = "aws_access_key_id = " + keyBase + "\naws_secret_access_key = base-secret\n"

var scenarios = []scenario{
	// Environment variables.
	{name: "access keys in environment variables are used",
		env:  envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret"),
		want: outcome{key: keyEnv}},
	{name: "environment keys win over the profile named by AWS_PROFILE",
		env:         envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret", "AWS_PROFILE", "prod"),
		credentials: "[prod]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		want:        outcome{key: keyEnv}},
	{name: "Options.Profile turns environment keys off as aws --profile does",
		env:         envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret"),
		credentials: "[prod]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		profile:     "prod",
		want:        outcome{key: keyCreds}},
	{name: "AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY is an error, not a fall-through",
		env:         envOf(envKeys, keyEnv),
		credentials: "[default]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		want:        outcome{err: "chain: AWS_SECRET_ACCESS_KEY is not set, but AWS_ACCESS_KEY_ID is: set both, or neither", errType: "PartialCredentialsError"}},
	{name: "AWS_SECRET_ACCESS_KEY alone is ignored",
		env:         envOf("AWS_SECRET_ACCESS_KEY", "env-secret"),
		credentials: "[default]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		want:        outcome{key: keyCreds}},
	{name: "environment keys win over environment web identity",
		env:  eks(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret"),
		want: outcome{key: keyEnv, region: "us-west-2"}},

	// Web identity from the environment.
	{name: "the EKS pod identity webhook's variables assume the role with the token",
		env:  eks(),
		want: outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "AWS_ROLE_SESSION_NAME names the web identity session",
		env:  eks("AWS_ROLE_SESSION_NAME", "pod-session"),
		want: outcome{calls: []call{webID(roleWeb, "pod-session")}, region: "us-west-2", endpoint: usw2}},
	{name: "AWS_WEB_IDENTITY_TOKEN_FILE without AWS_ROLE_ARN is an error",
		env:  eks("AWS_ROLE_ARN", ""),
		want: outcome{err: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not", errType: "InvalidConfigError"}},
	{name: "AWS_ROLE_ARN without AWS_WEB_IDENTITY_TOKEN_FILE is not a source",
		env:  eks("AWS_WEB_IDENTITY_TOKEN_FILE", ""),
		want: outcome{err: "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not", errType: "NoCredentials"}},
	{name: "the token file from the environment goes with the profile's role_arn and replaces its token file",
		env:    eks("AWS_ROLE_ARN", ""),
		config: "[default]\nrole_arn = " + roleWeb2 + "\nweb_identity_token_file = /nonexistent/token\nrole_session_name = from-profile\n",
		want:   outcome{calls: []call{webID(roleWeb2, "from-profile")}, region: "us-west-2", endpoint: usw2}},
	{name: "a profile role_arn without a source is an error even with web identity in the environment (aws-sdk-go-v2 would use the environment)",
		env:    eks(),
		config: "[default]\nrole_arn = " + roleCross + "\n",
		want:   outcome{err: "neither source_profile nor credential_source", errType: "PartialCredentialsError"}},
	{name: "Options.Profile ignores the web identity variables",
		env:     eks(),
		config:  "[profile other]\n" + baseKeysIni,
		profile: "other",
		want:    outcome{key: keyBase, region: "us-west-2"}},
	{name: "AWS_PROFILE leaves the web identity variables on and gives the region",
		env:    eks("AWS_PROFILE", "other", "AWS_REGION", "", "AWS_DEFAULT_REGION", ""),
		config: "[profile other]\nregion = eu-central-1\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "eu-central-1", endpoint: "https://sts.eu-central-1.amazonaws.com"}},

	// Web identity from a profile, and chains on top of it.
	{name: "a profile with role_arn and web_identity_token_file assumes the role with that token",
		env:    envOf("AWS_PROFILE", "wi"),
		config: "[profile wi]\nrole_arn = " + roleWeb2 + "\nweb_identity_token_file = {TOKEN}\nrole_session_name = wi-session\nregion = eu-west-1\n",
		want:   outcome{calls: []call{webID(roleWeb2, "wi-session")}, region: "eu-west-1", endpoint: "https://sts.eu-west-1.amazonaws.com"}},
	{name: "profile B assumes a role with credentials from web identity profile A",
		env: envOf("AWS_PROFILE", "b", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile a]\nrole_arn = " + roleWeb + "\nweb_identity_token_file = {TOKEN}\nrole_session_name = a-session\n" +
			"[profile b]\nrole_arn = " + roleCross + "\nsource_profile = a\nrole_session_name = b-session\n",
		want: outcome{calls: []call{webID(roleWeb, "a-session"), assume(roleCross, "b-session", "role/web")}, region: "us-west-2", endpoint: usw2}},
	{name: "three hops call STS in order, each signed by the one before",
		env: envOf("AWS_PROFILE", "c", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile a]\nrole_arn = " + roleWeb + "\nweb_identity_token_file = {TOKEN}\n" +
			"[profile b]\nrole_arn = " + roleCross + "\nsource_profile = a\nrole_session_name = b-session\n" +
			"[profile c]\nrole_arn = " + roleThird + "\nsource_profile = b\nrole_session_name = c-session\n",
		want: outcome{calls: []call{webID(roleWeb, ""), assume(roleCross, "b-session", "role/web"), assume(roleThird, "c-session", "role/cross")}, region: "us-west-2", endpoint: usw2}},
	{name: "a profile with web_identity_token_file but no role_arn is an error",
		env:    envOf("AWS_PROFILE", "wi"),
		config: "[profile wi]\nweb_identity_token_file = {TOKEN}\n",
		want:   outcome{err: "has web_identity_token_file but no role_arn", errType: "InvalidConfigError"}},
	{name: "every hop uses the endpoint settings of the profile in use, not of its source",
		env: envOf("AWS_PROFILE", "b"),
		config: "[profile a]\nrole_arn = " + roleWeb + "\nweb_identity_token_file = {TOKEN}\nregion = ap-southeast-2\nuse_fips_endpoint = true\n" +
			"[profile b]\nrole_arn = " + roleCross + "\nsource_profile = a\nregion = eu-west-2\n",
		want: outcome{calls: []call{webID(roleWeb, ""), assume(roleCross, "", "role/web")}, region: "eu-west-2", endpoint: "https://sts.eu-west-2.amazonaws.com"}},

	{name: "AWS_ROLE_SESSION_NAME does not name the session of a source profile's web identity",
		env: envOf("AWS_PROFILE", "b", "AWS_DEFAULT_REGION", "us-west-2", "AWS_ROLE_SESSION_NAME", "from-env"),
		config: "[profile a]\nrole_arn = " + roleWeb + "\nweb_identity_token_file = {TOKEN}\n" +
			"[profile b]\nrole_arn = " + roleCross + "\nsource_profile = a\n",
		want: outcome{calls: []call{webID(roleWeb, ""), assume(roleCross, "", "role/web")}, region: "us-west-2", endpoint: usw2}},
	{name: "a profile with web_identity_token_file ignores its source_profile",
		env:    envOf("AWS_PROFILE", "wi", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile wi]\nrole_arn = " + roleWeb2 + "\nweb_identity_token_file = {TOKEN}\nsource_profile = base\n[profile base]\n" + baseKeysIni,
		want:   outcome{calls: []call{webID(roleWeb2, "")}, region: "us-west-2", endpoint: usw2}},

	// AssumeRole with static source credentials.
	{name: "source_profile keys from the credentials file sign AssumeRole",
		env:         envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config:      "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\nrole_session_name = prod\n",
		credentials: "[base]\n" + baseKeysIni,
		want:        outcome{calls: []call{assume(roleCross, "prod", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "source_profile keys from the config file sign AssumeRole",
		env:    envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\n[profile base]\n" + baseKeysIni,
		want:   outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "the credentials file's keys win over the config file's for the same profile",
		env:         envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config:      "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\n[profile base]\naws_access_key_id = " + keyConfig + "\naws_secret_access_key = configfile-secret\n",
		credentials: "[base]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = credsfile-secret\n",
		want:        outcome{calls: []call{assume(roleCross, "", "user/credsfile")}, region: "us-west-2", endpoint: usw2}},
	{name: "the credentials file's static keys win over the config file's for the profile in use",
		config:      "[default]\naws_access_key_id = " + keyConfig + "\naws_secret_access_key = configfile-secret\n",
		credentials: "[default]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = credsfile-secret\n",
		want:        outcome{key: keyCreds}},
	{name: "a profile that names itself as source assumes its role with its own keys",
		env:    envOf("AWS_PROFILE", "self", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile self]\nrole_arn = " + roleCross + "\nsource_profile = self\n" + baseKeysIni,
		want:   outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "a profile that names itself without keys is a loop",
		env:    envOf("AWS_PROFILE", "self"),
		config: "[profile self]\nrole_arn = " + roleCross + "\nsource_profile = self\n",
		want:   outcome{err: "source_profile loop: self -> self", errType: "InfiniteLoopConfigError"}},
	{name: "a source_profile loop is an error that prints the cycle",
		env: envOf("AWS_PROFILE", "a"),
		config: "[profile a]\nrole_arn = " + roleCross + "\nsource_profile = b\n" +
			"[profile b]\nrole_arn = " + roleThird + "\nsource_profile = c\n" +
			"[profile c]\nrole_arn = " + roleThird + "\nsource_profile = b\n",
		want: outcome{err: "source_profile loop: b -> c -> b", errType: "InfiniteLoopConfigError"}},
	{name: "a missing source_profile is an error naming both files",
		env:         envOf("AWS_PROFILE", "prod"),
		config:      "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\n",
		credentials: "[other]\n",
		want:        outcome{err: "source_profile base not found in ~/.aws/config or ~/.aws/credentials", errType: "InvalidConfigError"}},
	{name: "source_profile and credential_source together are an error",
		env:    envOf("AWS_PROFILE", "prod"),
		config: "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\ncredential_source = Environment\n[profile base]\n" + baseKeysIni,
		want:   outcome{err: "sets both source_profile", errType: "InvalidConfigError"}},
	{name: "role_arn without source_profile or credential_source is an error",
		env:    envOf("AWS_PROFILE", "prod"),
		config: "[profile prod]\nrole_arn = " + roleCross + "\n",
		want:   outcome{err: "neither source_profile nor credential_source", errType: "PartialCredentialsError"}},
	{name: "credential_source Environment signs AssumeRole with the environment's keys",
		env:     envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret", "AWS_DEFAULT_REGION", "us-west-2"),
		config:  "[profile envsrc]\nrole_arn = " + roleCross + "\ncredential_source = Environment\n",
		profile: "envsrc",
		want:    outcome{calls: []call{assume(roleCross, "", "user/env")}, region: "us-west-2", endpoint: usw2}},
	{name: "credential_source Environment without keys in the environment is an error",
		env:    envOf("AWS_PROFILE", "envsrc"),
		config: "[profile envsrc]\nrole_arn = " + roleCross + "\ncredential_source = Environment\n",
		want:   outcome{err: "credential_source = Environment but AWS_ACCESS_KEY_ID is not set", errType: "CredentialRetrievalError"}},
	{name: "credential_source Ec2InstanceMetadata with instance metadata disabled is an error",
		env:    envOf("AWS_PROFILE", "imds", "AWS_EC2_METADATA_DISABLED", "true"),
		config: "[profile imds]\nrole_arn = " + roleCross + "\ncredential_source = Ec2InstanceMetadata\n",
		want:   outcome{err: "credential_source = Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED=true turns instance metadata off", errType: "CredentialRetrievalError"}},
	{name: "credential_source spelled in another case is invalid",
		env:    envOf("AWS_PROFILE", "envsrc"),
		config: "[profile envsrc]\nrole_arn = " + roleCross + "\ncredential_source = environment\n",
		want:   outcome{err: `"environment" is not a valid credential_source`, errType: "InvalidConfigError"}},
	{name: "external_id, role_session_name and duration_seconds are sent with AssumeRole",
		env:    envOf("AWS_PROFILE", "ext", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile ext]\nrole_arn = " + roleExtID + "\nsource_profile = base\nexternal_id = ext-123\nrole_session_name = ext-session\nduration_seconds = 1800\n[profile base]\n" + baseKeysIni,
		want:   outcome{calls: []call{{op: fakests.OpAssumeRole, role: roleExtID, session: "ext-session", by: "user/base", extID: true, duration: 1800}}, region: "us-west-2", endpoint: usw2}},
	{name: "duration_seconds that is not a whole number is ignored as botocore ignores it",
		env:    envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\nduration_seconds = 1h\n[profile base]\n" + baseKeysIni,
		want:   outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "duration_seconds outside 900 to 43200 is an error naming the file and line (botocore refuses it only when it builds the request)",
		env:    envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\nduration_seconds = 100\n[profile base]\n" + baseKeysIni,
		want:   outcome{err: "duration_seconds (~/.aws/config line 4): 100 is outside STS's range of 900 to 43200 seconds"},
		boto:   &outcome{errType: "ParamValidationError"}},
	{name: "a chained role asked for two hours gets one, AWS's limit for role chaining (botocore sends 7200 and STS refuses it)",
		env: envOf("AWS_PROFILE", "b", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile a]\nrole_arn = " + roleWeb + "\nweb_identity_token_file = {TOKEN}\nrole_session_name = a-session\n" +
			"[profile b]\nrole_arn = " + roleCross + "\nsource_profile = a\nrole_session_name = b-session\nduration_seconds = 7200\n",
		want: outcome{calls: []call{webID(roleWeb, "a-session"), {op: fakests.OpAssumeRole, role: roleCross, session: "b-session", by: "role/web", duration: 3600}}, region: "us-west-2", endpoint: usw2},
		boto: &outcome{errType: "ClientError"}},
	{name: "an empty role_arn is an error naming the file and line (botocore refuses it only when it builds the request)",
		env:    envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile prod]\nrole_arn =\nsource_profile = base\n[profile base]\n" + baseKeysIni,
		want:   outcome{err: "~/.aws/config line 2: role_arn is empty"},
		boto:   &outcome{errType: "ParamValidationError"}},
	{name: "a source profile with keys and a role of its own gives its keys, not its role",
		env: envOf("AWS_PROFILE", "top", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile top]\nrole_arn = " + roleCross + "\nsource_profile = mid\n" +
			"[profile mid]\nrole_arn = " + roleThird + "\nsource_profile = mid\n" + baseKeysIni,
		want: outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "a source profile without credentials is an error",
		env:    envOf("AWS_PROFILE", "prod"),
		config: "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = empty\n[profile empty]\nregion = us-east-1\n",
		want:   outcome{err: "profile empty: this profile is used as a source_profile but has no credentials", errType: "InvalidConfigError"}},

	// An environment variable set to "" counts as unset in chain (Options.Getenv cannot tell the
	// two apart); botocore takes the empty value as set.
	{name: "an empty AWS_WEB_IDENTITY_TOKEN_FILE counts as unset, so the profile's web identity is used (botocore takes the empty path and finds no credentials)",
		env:    envOf("AWS_WEB_IDENTITY_TOKEN_FILE", "", "AWS_DEFAULT_REGION", "eu-west-1"),
		config: "[default]\nrole_arn = " + roleWeb2 + "\nweb_identity_token_file = {TOKEN}\nrole_session_name = wi-session\n",
		want:   outcome{calls: []call{webID(roleWeb2, "wi-session")}, region: "eu-west-1", endpoint: "https://sts.eu-west-1.amazonaws.com"},
		boto:   &outcome{errType: "NoCredentials"}},
	{name: "an empty AWS_PROFILE counts as unset, so the default profile is used (botocore looks for a profile named \"\" and fails)",
		env:    envOf("AWS_PROFILE", ""),
		config: "[default]\naws_access_key_id = " + keyConfig + "\naws_secret_access_key = configfile-secret\n",
		want:   outcome{key: keyConfig},
		boto:   &outcome{errType: "ProfileNotFound"}},
	{name: "an empty AWS_CONFIG_FILE counts as unset, so ~/.aws/config is read (botocore reads no config file and finds no credentials)",
		env:    envOf("AWS_CONFIG_FILE", ""),
		config: "[default]\naws_access_key_id = " + keyConfig + "\naws_secret_access_key = configfile-secret\n",
		want:   outcome{key: keyConfig},
		boto:   &outcome{errType: "NoCredentials"}},
	{name: "an empty AWS_DEFAULT_REGION counts as unset, so the profile's region is used (botocore takes the empty region and fails on the endpoint https://sts..amazonaws.com)",
		env:    envOf("AWS_DEFAULT_REGION", ""),
		config: "[default]\nrole_arn = " + roleWeb2 + "\nweb_identity_token_file = {TOKEN}\nrole_session_name = wi-session\nregion = eu-west-1\n",
		want:   outcome{calls: []call{webID(roleWeb2, "wi-session")}, region: "eu-west-1", endpoint: "https://sts.eu-west-1.amazonaws.com"},
		boto:   &outcome{errType: "ValueError"}},

	// A variable set to white space only counts as unset in chain too, as credentials.Env reads
	// it; botocore takes the blank value as set and uses it, so every request it signs fails.
	{name: "a blank AWS_ACCESS_KEY_ID counts as unset, so the credentials file's keys are used (botocore uses the blank key ID)",
		env:         envOf(envKeys, " ", "AWS_SECRET_ACCESS_KEY", "env-secret"),
		credentials: "[default]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		want:        outcome{key: keyCreds},
		boto:        &outcome{key: " "}},
	{name: "a blank AWS_SECRET_ACCESS_KEY is a missing secret, an error (botocore uses the blank secret)",
		env:         envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "  "),
		credentials: "[default]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		want:        outcome{err: "chain: AWS_SECRET_ACCESS_KEY is blank (only white space), which counts as not set, but AWS_ACCESS_KEY_ID is: set both, or neither"},
		boto:        &outcome{key: keyEnv}},
	{name: "a blank AWS_PROFILE counts as unset, so the default profile is used (botocore looks for a profile named \" \" and fails)",
		env:    envOf("AWS_PROFILE", " "),
		config: "[default]\naws_access_key_id = " + keyConfig + "\naws_secret_access_key = configfile-secret\n",
		want:   outcome{key: keyConfig},
		boto:   &outcome{errType: "ProfileNotFound"}},

	// Settings chain does not support: an error naming the key, never another source.
	{name: "mfa_serial is refused as unsupported (botocore would prompt for a code)",
		env:    envOf("AWS_PROFILE", "mfa"),
		config: "[profile mfa]\nrole_arn = " + roleCross + "\nsource_profile = base\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n[profile base]\n" + baseKeysIni,
		want:   outcome{err: "mfa_serial (~/.aws/config line 4): roles that require an MFA code are not supported", errType: "EOFError"}},
	{name: "an IAM Identity Center (SSO) profile without a cached token says how to sign in",
		env:    envOf("AWS_PROFILE", "sso"),
		config: "[profile sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111111111111\nsso_role_name = Admin\n",
		want:   outcome{err: `no access token is cached ({HOME}/.aws/sso/cache/e8be5486177c5b5392bd9aa76563515b29358e6e.json does not exist): you have not signed in, or signed in for another start URL or session; sign in again: run "aws sso login --profile sso"`, errType: "SSOTokenLoadError"}},

	// Profiles and files.
	{name: "AWS_DEFAULT_PROFILE wins over AWS_PROFILE as in botocore (aws-sdk-go-v2 prefers AWS_PROFILE)",
		env:         envOf("AWS_PROFILE", "a", "AWS_DEFAULT_PROFILE", "b"),
		credentials: "[a]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n[b]\n" + baseKeysIni,
		want:        outcome{key: keyBase}},
	{name: "a named profile that does not exist is an error even with keys in the environment",
		env:  envOf("AWS_PROFILE", "missing", envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret"),
		want: outcome{err: `profile "missing" (from AWS_PROFILE) not found in ~/.aws/config (missing) or ~/.aws/credentials (missing)`, errType: "ProfileNotFound"}},
	{name: "of [default] and [profile default] the later section wins (aws-sdk-go-v2 prefers [profile default])",
		config: "[profile default]\naws_access_key_id = " + keyConfig + "\naws_secret_access_key = s\n[default]\n" + baseKeysIni,
		want:   outcome{key: keyBase}},
	{name: "a credentials file section written [profile x] is a profile called \"profile x\"",
		env:         envOf("AWS_PROFILE", "x"),
		credentials: "[profile x]\n" + baseKeysIni,
		want:        outcome{err: "in the credentials file a profile section is written [x]", errType: "ProfileNotFound"}},
	{name: "a config file section [x] without the profile prefix is not a profile",
		env:    envOf("AWS_PROFILE", "x"),
		config: "[x]\n" + baseKeysIni,
		want:   outcome{err: "in the config file a profile section must be written [profile x]", errType: "ProfileNotFound"}},
	{name: "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE move the files, with ~ and $VAR expanded",
		env:   envOf("AWS_CONFIG_FILE", "~/alt/config", "AWS_SHARED_CREDENTIALS_FILE", "$HOME/alt/credentials", "AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		files: map[string]string{"alt/config": "[profile prod]\nrole_arn = " + roleCross + "\nsource_profile = base\n", "alt/credentials": "[base]\n" + baseKeysIni},
		want:  outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "[DEFAULT] keys apply to every profile of their file",
		env:         envOf("AWS_PROFILE", "foo"),
		credentials: "[DEFAULT]\n" + baseKeysIni + "[foo]\n",
		want:        outcome{key: keyBase}},
	{name: "keys are read whatever their case",
		credentials: "[default]\nAWS_ACCESS_KEY_ID = " + keyBase + "\nAws_Secret_Access_Key = base-secret\n",
		want:        outcome{key: keyBase}},
	{name: "a # after a value is part of the value, so the region is invalid",
		config:      "[default]\nregion = us-west-2 # Oregon\n",
		credentials: "[default]\n" + baseKeysIni,
		want:        outcome{err: `"us-west-2 # Oregon" is not a valid region name`, errType: "InvalidRegionError"}},
	{name: "a file with a UTF-8 byte order mark is refused",
		env:    envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret"),
		config: "\ufeff[default]\nregion = us-west-2\n",
		want:   outcome{err: "byte order mark", errType: "ConfigParseError"}},
	{name: "a key given twice in one section is refused",
		credentials: "[default]\n" + baseKeysIni + "aws_access_key_id = " + keyCreds + "\n",
		want:        outcome{err: "aws_access_key_id appears twice in section [default]", errType: "ConfigParseError"}},
	{name: "with nothing configured there are no credentials",
		want: outcome{err: "no credentials found", errType: "NoCredentials"}},
	{name: "keys of the credentials file come with their session token",
		credentials: "[default]\n" + baseKeysIni + "aws_session_token = tok\n",
		want:        outcome{key: keyBase}},

	{name: "role_arn and source_profile in the credentials file work too, as botocore merges the files",
		env:         envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		credentials: "[prod]\nrole_arn = " + roleCross + "\nsource_profile = base\n[base]\n" + baseKeysIni,
		want:        outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "a profile name with a space is written in quotes",
		env:    envOf("AWS_PROFILE", "my app"),
		config: "[profile 'my app']\n" + baseKeysIni,
		want:   outcome{key: keyBase}},
	{name: "a config file with CRLF line ends reads like one with LF",
		env:    envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile prod]\r\nrole_arn = " + roleCross + "\r\nsource_profile = base\r\n[profile base]\r\n" + strings.ReplaceAll(baseKeysIni, "\n", "\r\n"),
		want:   outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},
	{name: "a value may follow a colon and continue on an indented line",
		env:    envOf("AWS_PROFILE", "prod", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile prod]\nrole_arn: " + roleCross + "\nsource_profile:base\n# a comment between keys\n[profile base]\n" + baseKeysIni,
		want:   outcome{calls: []call{assume(roleCross, "", "user/base")}, region: "us-west-2", endpoint: usw2}},

	// Region and STS endpoint.
	{name: "AWS_REGION wins over AWS_DEFAULT_REGION (the one deliberate difference: botocore reads only AWS_DEFAULT_REGION)",
		env:  eks("AWS_REGION", "eu-north-1", "AWS_DEFAULT_REGION", "eu-west-1"),
		want: outcome{calls: []call{webID(roleWeb, "")}, region: "eu-north-1", endpoint: "https://sts.eu-north-1.amazonaws.com"}},
	{name: "AWS_DEFAULT_REGION wins over the profile's region",
		env:    eks("AWS_REGION", "", "AWS_DEFAULT_REGION", "ca-central-1"),
		config: "[default]\nregion = eu-west-3\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "ca-central-1", endpoint: "https://sts.ca-central-1.amazonaws.com"}},
	{name: "without a region STS is called at the global endpoint",
		env:  eks("AWS_REGION", "", "AWS_DEFAULT_REGION", ""),
		want: outcome{calls: []call{webID(roleWeb, "")}, endpoint: global}},
	{name: "sts_regional_endpoints = legacy sends a legacy region to the global endpoint",
		env:    eks("AWS_REGION", "", "AWS_DEFAULT_REGION", "eu-west-1", "AWS_STS_REGIONAL_ENDPOINTS", ""),
		config: "[default]\nsts_regional_endpoints = legacy\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "eu-west-1", endpoint: global}},
	{name: "AWS_STS_REGIONAL_ENDPOINTS wins over the profile's sts_regional_endpoints",
		env:    eks("AWS_REGION", "", "AWS_DEFAULT_REGION", "eu-west-1", "AWS_STS_REGIONAL_ENDPOINTS", "regional"),
		config: "[default]\nsts_regional_endpoints = legacy\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "eu-west-1", endpoint: "https://sts.eu-west-1.amazonaws.com"}},
	{name: "legacy leaves a region that never used the global endpoint on its own",
		env:  eks("AWS_REGION", "", "AWS_DEFAULT_REGION", "ap-east-1", "AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
		want: outcome{calls: []call{webID(roleWeb, "")}, region: "ap-east-1", endpoint: "https://sts.ap-east-1.amazonaws.com"}},
	{name: "use_fips_endpoint in the profile selects the FIPS endpoint",
		env:    eks(),
		config: "[default]\nuse_fips_endpoint = true\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: "https://sts-fips.us-west-2.amazonaws.com"}},
	{name: "AWS_USE_FIPS_ENDPOINT=false wins over the profile's use_fips_endpoint",
		env:    eks("AWS_USE_FIPS_ENDPOINT", "false"),
		config: "[default]\nuse_fips_endpoint = true\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "AWS_USE_DUALSTACK_ENDPOINT selects the dual-stack endpoint",
		env:  eks("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
		want: outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: "https://sts.us-west-2.api.aws"}},
	{name: "FIPS and dual-stack together select the FIPS dual-stack endpoint",
		env:    eks("AWS_REGION", "", "AWS_DEFAULT_REGION", "us-east-1"),
		config: "[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-east-1", endpoint: "https://sts-fips.us-east-1.api.aws"}},
	{name: "AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL",
		env:  eks("AWS_ENDPOINT_URL_STS", "{STS}", "AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
		want: outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: "{STS}"}},
	{name: "AWS_ENDPOINT_URL applies to STS",
		env:  eks("AWS_ENDPOINT_URL", "{STS}"),
		want: outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: "{STS}"}},
	{name: "the sts block of the profile's services section gives the endpoint",
		env:    eks(),
		config: "[default]\nservices = local\nendpoint_url = http://127.0.0.1:1\n[services local]\nsts =\n  endpoint_url = {STS}\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: "{STS}"}},
	{name: "the profile's endpoint_url applies to STS",
		env:    eks(),
		config: "[default]\nendpoint_url = {STS}\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: "{STS}"}},
	{name: "AWS_ENDPOINT_URL wins over the services section",
		env:    eks("AWS_ENDPOINT_URL", "{STS}"),
		config: "[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: "{STS}"}},
	{name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ignores every configured endpoint URL",
		env:    eks("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"),
		config: "[default]\nendpoint_url = http://127.0.0.1:1\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "ignore_configured_endpoint_urls in the profile ignores them too",
		env:    eks("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
		config: "[default]\nignore_configured_endpoint_urls = true\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "a region in the credentials file counts, as botocore merges the files",
		env:         eks("AWS_REGION", "", "AWS_DEFAULT_REGION", ""),
		credentials: "[default]\nregion = sa-east-1\n",
		want:        outcome{calls: []call{webID(roleWeb, "")}, region: "sa-east-1", endpoint: "https://sts.sa-east-1.amazonaws.com"}},
	{name: "a region in the config file's [DEFAULT] section applies to the profile",
		env:    eks("AWS_REGION", "", "AWS_DEFAULT_REGION", ""),
		config: "[DEFAULT]\nregion = af-south-1\n[default]\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "af-south-1", endpoint: "https://sts.af-south-1.amazonaws.com"}},
	{name: "keys of a nested sts block are case-sensitive",
		env:    eks(),
		config: "[default]\nservices = local\n[services local]\nsts =\n  Endpoint_URL = http://127.0.0.1:1\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "a profile naming a missing services section is an error",
		env:    eks(),
		config: "[default]\nservices = nowhere\n",
		want:   outcome{err: `names the services section "nowhere"`, errType: "InvalidConfigError"}},
	{name: "an invalid AWS_STS_REGIONAL_ENDPOINTS is an error",
		env:  eks("AWS_STS_REGIONAL_ENDPOINTS", "Regional"),
		want: outcome{err: `"Regional": valid values are "legacy" and "regional"`, errType: "InvalidSTSRegionalEndpointsConfigError"}},
	{name: "AWS_USE_FIPS_ENDPOINT=yes is an error (botocore reads it as false)",
		env:  eks("AWS_USE_FIPS_ENDPOINT", "yes"),
		want: outcome{err: `AWS_USE_FIPS_ENDPOINT: "yes" is neither true nor false`},
		boto: &outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "endpoint settings do not matter when the credentials need no STS call",
		env:  envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret", "AWS_STS_REGIONAL_ENDPOINTS", "bogus"),
		want: outcome{key: keyEnv}},

	// credential_process (process_scenarios_test.go has the helpers).
	{name: "credential_process in the profile named by AWS_PROFILE gives the keys it prints",
		env: envOf("AWS_PROFILE", "proc"), config: "[profile proc]\n" + processLine, files: processFiles(),
		want: outcome{key: keyProcess}},
	{name: "credential_process in the default profile",
		config: "[default]\n" + processLine, files: processFiles(),
		want: outcome{key: keyProcess}},
	{name: "credential_process in the credentials file works too, as botocore merges the files",
		env: envOf("AWS_PROFILE", "proc"), credentials: "[proc]\n" + processLine, files: processFiles(),
		want: outcome{key: keyProcess}},
	{name: "credential_process output with SessionToken and Expiration",
		env: envOf("AWS_PROFILE", "proc"), config: "[profile proc]\n" + processLine,
		files: processFiles(`, "SessionToken": "process-token", "Expiration": "2099-01-02T03:04:05Z", "AccountId": "111111111111"`),
		want:  outcome{key: keyProcess}},
	{name: "credential_process arguments are split like a POSIX shell, without one",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\ncredential_process = sh '{HOME}/proc dir/creds.sh' 'arg one' \"two\\\"2\" three\\ 3 $HOME\n",
		files: map[string]string{"proc dir/creds.sh": `[ "$#" = 4 ] && [ "$1" = "arg one" ] && [ "$2" = 'two"2' ] && [ "$3" = "three 3" ] && [ "$4" = '$HOME' ] || { echo "unexpected arguments: $*" >&2; exit 1; }
` + processScript("")},
		want: outcome{key: keyProcess}},
	{name: "a role profile assumes its role with the keys of its source_profile's credential_process",
		env:    envOf("AWS_PROFILE", "app"),
		config: "[profile app]\nrole_arn = " + roleCross + "\nsource_profile = proc\ncredential_process = false\n[profile proc]\n" + processLine,
		files:  processFiles(),
		want:   outcome{calls: []call{assume(roleCross, "", "user/process")}, endpoint: global}},
	{name: "credential_process at the end of a two-hop source_profile chain",
		env:    envOf("AWS_PROFILE", "top", "AWS_DEFAULT_REGION", "us-west-2", "AWS_STS_REGIONAL_ENDPOINTS", "regional"),
		config: "[profile top]\nrole_arn = " + roleThird + "\nsource_profile = mid\nrole_session_name = top\n[profile mid]\nrole_arn = " + roleCross + "\nsource_profile = proc\nrole_session_name = mid\n[profile proc]\n" + processLine,
		files:  processFiles(),
		want:   outcome{calls: []call{assume(roleCross, "mid", "user/process"), assume(roleThird, "top", "role/cross")}, region: "us-west-2", endpoint: usw2}},
	{name: "environment keys win over credential_process in the profile named by AWS_PROFILE",
		env:    envOf("AWS_PROFILE", "proc", envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret"),
		config: "[profile proc]\ncredential_process = false\n",
		want:   outcome{key: keyEnv}},
	{name: "Options.Profile turns environment keys off and runs credential_process",
		profile: "proc", env: envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret"),
		config: "[profile proc]\n" + processLine, files: processFiles(),
		want: outcome{key: keyProcess}},
	{name: "web identity in the environment wins over credential_process",
		env:    eks("AWS_PROFILE", "proc"),
		config: "[profile proc]\ncredential_process = false\n",
		want:   outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "the credentials file's keys win over credential_process",
		env:         envOf("AWS_PROFILE", "proc"),
		config:      "[profile proc]\ncredential_process = false\n",
		credentials: "[proc]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = credsfile-secret\n",
		want:        outcome{key: keyCreds}},
	{name: "credential_process wins over keys in the config file",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\n" + processLine + "aws_access_key_id = " + keyConfig + "\naws_secret_access_key = configfile-secret\n",
		files:  processFiles(),
		want:   outcome{key: keyProcess}},
	{name: "a credential_process program that does not exist is an error, not a fall-through",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\ncredential_process = irsa-no-such-credential-helper --profile x\n" + baseKeysIni,
		want:   outcome{err: `credential_process (profile proc, ~/.aws/config line 2): cannot run "irsa-no-such-credential-helper": no such program in PATH`, errType: "FileNotFoundError"}},
	{name: "credential_process output that is not JSON is an error that does not show it",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\n" + processLine,
		files:  map[string]string{"creds.sh": "echo AWS_SECRET_ACCESS_KEY=process-secret\n"},
		want:   outcome{err: `printed output that is not valid JSON (the error is at byte 1) (the output is not shown: it holds secrets)`, errType: "JSONDecodeError"}},
	{name: "credential_process output with Version 2 is an error",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\n" + processLine,
		files:  map[string]string{"creds.sh": `printf '{"Version": 2, "AccessKeyId": "` + keyProcess + `", "SecretAccessKey": "process-secret"}'`},
		want:   outcome{err: `printed JSON whose "Version" is a number other than 1`, errType: "CredentialRetrievalError"}},
	{name: "credential_process output without SecretAccessKey is an error",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\n" + processLine,
		files:  map[string]string{"creds.sh": `printf '{"Version": 1, "AccessKeyId": "` + keyProcess + `"}'`},
		want:   outcome{err: `printed JSON without "SecretAccessKey"`, errType: "CredentialRetrievalError"}},
	{name: "a credential_process with an unclosed quote is an error naming the file and line",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\nregion = us-west-2\ncredential_process = helper --name 'my app\n",
		want:   outcome{err: "profile proc: credential_process (~/.aws/config line 3): the command has an unclosed quote or ends with a backslash", errType: "ValueError"}},
	{name: "an empty credential_process is an error naming the file and line",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\ncredential_process =\n" + baseKeysIni,
		want:   outcome{err: "profile proc: credential_process (~/.aws/config line 2): the command is empty", errType: "IndexError"}},
	{name: "a credential_process continued on an indented line is an error (botocore joins the lines)",
		env:    envOf("AWS_PROFILE", "proc"),
		config: "[profile proc]\ncredential_process = sh\n  '{HOME}/creds.sh'\n",
		files:  processFiles(),
		want:   outcome{err: "profile proc: credential_process (~/.aws/config line 2): the value continues on the next, indented line"},
		boto:   &outcome{key: keyProcess}},
	// IAM Identity Center (SSO). The portal's requests go to the fake portal (see redirect and
	// botocore_scenarios.py); portal is the URL each of chain and botocore chose.
	{name: "an sso-session profile gets role credentials from the portal with the cached token",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoCache("corp", scenarioSSOToken, ssoFuture),
		want:   outcome{key: keySSOAdmin, portal: "https://portal.sso.us-east-1.amazonaws.com/federation/credentials"}},
	{name: "the legacy form reads the token cached under the start URL",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_start_url = " + ssoStartURL + "\nsso_region = eu-west-1\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n",
		files:  ssoCache(ssoStartURL, scenarioSSOToken, ssoFuture),
		want:   outcome{key: keySSOAdmin, portal: "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials"}},
	{name: "an SSO profile is the source of a role profile two levels up",
		env: envOf("AWS_PROFILE", "top"),
		config: "[profile top]\nrole_arn = " + roleThird + "\nsource_profile = mid\n[profile mid]\nrole_arn = " + roleCross + "\nsource_profile = sso\n" +
			"[profile sso]\nsso_session = corp\nsso_account_id = " + acctB + "\nsso_role_name = cross\n" + ssoSessionCorp,
		files: ssoCache("corp", scenarioSSOToken, ssoFuture),
		want: outcome{calls: []call{assume(roleCross, "", "role/cross"), assume(roleThird, "", "role/cross")}, endpoint: global,
			portal: "https://portal.sso.us-east-1.amazonaws.com/federation/credentials"}},
	{name: "AWS_ENDPOINT_URL_SSO sends the portal request there",
		env:    envOf("AWS_PROFILE", "dev", "AWS_ENDPOINT_URL_SSO", "https://sso.example.test"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoCache("corp", scenarioSSOToken, ssoFuture),
		want:   outcome{key: keySSOAdmin, portal: "https://sso.example.test/federation/credentials"}},
	{name: "the sso block of the services section gives the portal endpoint",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nservices = local\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp + "[services local]\nsso =\n  endpoint_url = https://sso.local.test\n",
		files:  ssoCache("corp", scenarioSSOToken, ssoFuture),
		want:   outcome{key: keySSOAdmin, portal: "https://sso.local.test/federation/credentials"}},
	{name: "AWS_USE_FIPS_ENDPOINT selects the portal's FIPS host",
		env:    envOf("AWS_PROFILE", "dev", "AWS_USE_FIPS_ENDPOINT", "true"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoCache("corp", scenarioSSOToken, ssoFuture),
		want:   outcome{key: keySSOAdmin, portal: "https://portal.sso-fips.us-east-1.amazonaws.com/federation/credentials"}},
	{name: "an expired cached token says how to sign in, before any request",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoCache("corp", scenarioSSOToken, "2020-01-01T00:00:00Z"),
		want:   outcome{err: `expired at 2020-01-01T00:00:00Z; sign in again: run "aws sso login --profile dev"`, errType: "TokenRetrievalError"}},
	{name: "a token the portal refuses says how to sign in",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_start_url = " + ssoStartURL + "\nsso_region = us-east-1\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n",
		files:  ssoCache(ssoStartURL, "aoaAAAAAGRevokedToken0123456789", ssoFuture),
		want:   outcome{err: `HTTP 401 Unauthorized: Session token not found or invalid: the portal refused the access token (UnauthorizedException: it has expired or been revoked); sign in again: run "aws sso login --profile dev"`, errType: "UnauthorizedSSOTokenError"}},
	{name: "a role the user may not use is the portal's ForbiddenException",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = ReadOnly\n" + ssoSessionCorp,
		files:  ssoCache("corp", scenarioSSOToken, ssoFuture),
		want:   outcome{err: "HTTP 403 Forbidden: No access: your IAM Identity Center user has no access to role ReadOnly in account " + acctA, errType: "ClientError"}},
	{name: "an sso_session that names no section is an error",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n",
		want:   outcome{err: `profile dev: ~/.aws/config line 2: sso_session "corp" names an sso-session that does not exist: ~/.aws/config has no [sso-session corp] section`, errType: "InvalidConfigError"}},
	{name: "an sso-session without sso_region is an error naming what is missing",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = " + ssoStartURL + "\n",
		want:   outcome{err: "profile dev: sso_account_id (~/.aws/config line 3): the profile uses IAM Identity Center (SSO) but is missing sso_region, which the AWS CLI requires: add it to [sso-session corp] (~/.aws/config line 5) or to the profile", errType: "InvalidConfigError"}},
	{name: "a profile and its sso-session that disagree are an error",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoCache("corp", scenarioSSOToken, ssoFuture),
		want:   outcome{err: `profile dev: ~/.aws/config line 3: sso_region is "eu-west-1" in the profile but "us-east-1" in [sso-session corp] (~/.aws/config line 8): the AWS CLI refuses values that disagree; remove it from the profile`, errType: "InvalidConfigError"}},
	{name: "sso_role_name alone is an SSO profile missing the rest",
		env:         envOf("AWS_PROFILE", "dev"),
		config:      "[profile dev]\nsso_role_name = Admin\n",
		credentials: "[dev]\n" + baseKeysIni,
		want:        outcome{err: "profile dev: sso_role_name (~/.aws/config line 2): the profile uses IAM Identity Center (SSO) but is missing sso_start_url, sso_region, sso_account_id, which the AWS CLI requires: add them to the profile", errType: "InvalidConfigError"}},
	// Container credentials (ECS, EKS Pod Identity), after the files and before instance metadata.
	{name: "AWS_CONTAINER_CREDENTIALS_FULL_URI with a token file gets EKS Pod Identity credentials",
		env:  envOf("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{POD_IDENTITY}", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{POD_IDENTITY_TOKEN}"),
		want: outcome{key: keyContainer}},
	{name: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is a path on the ECS agent's address (chain only: botocore cannot be pointed elsewhere for it)",
		env:       envOf("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v1/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{POD_IDENTITY_TOKEN}"),
		want:      outcome{key: keyContainer},
		chainOnly: true},
	{name: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI wins over AWS_CONTAINER_CREDENTIALS_FULL_URI (chain only: botocore cannot be pointed elsewhere for it)",
		env: envOf("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v1/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{POD_IDENTITY_TOKEN}",
			"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/unused"),
		want:      outcome{key: keyContainer},
		chainOnly: true},
	{name: "environment keys win over container credentials",
		env: envOf(envKeys, keyEnv, "AWS_SECRET_ACCESS_KEY", "env-secret",
			"AWS_CONTAINER_CREDENTIALS_FULL_URI", "{POD_IDENTITY}", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{POD_IDENTITY_TOKEN}"),
		want: outcome{key: keyEnv}},
	{name: "the profile's static keys win over container credentials",
		env:         envOf("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{POD_IDENTITY}", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{POD_IDENTITY_TOKEN}"),
		credentials: "[default]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		want:        outcome{key: keyCreds}},
	{name: "web identity wins over container credentials",
		env:  eks("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{POD_IDENTITY}", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{POD_IDENTITY_TOKEN}"),
		want: outcome{calls: []call{webID(roleWeb, "")}, region: "us-west-2", endpoint: usw2}},
	{name: "credential_source EcsContainer signs AssumeRole with the container's credentials",
		env:    envOf("AWS_PROFILE", "ecs", "AWS_DEFAULT_REGION", "us-west-2", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "{ECS}", "AWS_CONTAINER_AUTHORIZATION_TOKEN", ecsToken),
		config: "[profile ecs]\nrole_arn = " + roleCross + "\ncredential_source = EcsContainer\nrole_session_name = from-ecs\n",
		want:   outcome{calls: []call{assume(roleCross, "from-ecs", "role/third")}, region: "us-west-2", endpoint: usw2}},
	{name: "credential_source EcsContainer without the container variables is an error",
		env:    envOf("AWS_PROFILE", "ecs"),
		config: "[profile ecs]\nrole_arn = " + roleCross + "\ncredential_source = EcsContainer\n",
		want:   outcome{err: "credential_source = EcsContainer but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set", errType: "CredentialRetrievalError"}},
	{name: "a full URI on the instance metadata address is refused before any request",
		env:  envOf("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.169.254/latest/meta-data/iam/security-credentials/role"),
		want: outcome{err: "the host 169.254.169.254 is not allowed", errType: "ValueError"}},
	{name: "a full URI on a host of the internet over http is refused before any request",
		env:  envOf("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://creds.example.com/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN", ecsToken),
		want: outcome{err: "the host creds.example.com is not allowed", errType: "ValueError"}},
	{name: "an authorization token file that ends with a newline is refused",
		env:   envOf("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{ECS}", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{HOME}/token"),
		files: map[string]string{"token": ecsToken + "\n"},
		want:  outcome{err: "holds a line break (at its end", errType: "ValueError"}},
	// The refresh of an sso-session's access token (SSO OIDC CreateToken, which the fake portal
	// serves; see redirect). sso_refresh_peer_test.go compares the files both sides write.
	{name: "an expired sso-session token is refreshed with its refresh token",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoRefreshableCache(scenarioRefreshToken, ssoFuture),
		want:   outcome{key: keySSOAdmin, portal: "https://portal.sso.us-east-1.amazonaws.com/federation/credentials"}},
	{name: "AWS_ENDPOINT_URL_SSO_OIDC sends the refresh there",
		env:    envOf("AWS_PROFILE", "dev", "AWS_ENDPOINT_URL_SSO_OIDC", "https://oidc.example.test"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoRefreshableCache(scenarioRefreshToken, ssoFuture),
		want:   outcome{key: keySSOAdmin, portal: "https://portal.sso.us-east-1.amazonaws.com/federation/credentials"}},
	{name: "an expired token whose refresh token was revoked says how to sign in",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoRefreshableCache("aorRevokedRefreshToken0123456789", ssoFuture),
		want:   outcome{err: `invalid_grant: Invalid refresh token provided: the OIDC service refused the refresh token or the client registration (expired or revoked); sign in again: run "aws sso login --profile dev"`, errType: "TokenRetrievalError"}},
	{name: "an expired token whose client registration expired says how to sign in",
		env:    envOf("AWS_PROFILE", "dev"),
		config: "[profile dev]\nsso_session = corp\nsso_account_id = " + acctA + "\nsso_role_name = Admin\n" + ssoSessionCorp,
		files:  ssoRefreshableCache(scenarioRefreshToken, "2020-06-01T00:00:00Z"),
		want:   outcome{err: `and it cannot be refreshed: the client registration "aws sso login" made expired at 2020-06-01T00:00:00Z; sign in again: run "aws sso login --profile dev"`, errType: "TokenRetrievalError"}},
}

// stsFixture is the fake STS with the users and roles above, and the token of the service
// account system:serviceaccount:default:app.
type stsFixture struct {
	env       *fakests.Env
	sso       *fakesso.Server // the IAM Identity Center portal (see startSSOPortal)
	container containerFixture
	imds      map[string]string // placeholder → URL of a fake instance metadata service
}

func startSTSFixture(t *testing.T) *stsFixture {
	t.Helper()
	env := fakests.StartEnv(t, fakests.EnvOptions{Account: acctA, RoleName: "web"})
	s := env.STS
	sub := "system:serviceaccount:default:app"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.AddRole(fakests.Role{ARN: roleWeb2, TrustPolicy: fakests.WebIdentityTrustPolicy(acctA, env.Issuer.URL(), sub, "sts.amazonaws.com")}))
	must(s.AddRole(fakests.Role{ARN: roleCross, TrustPolicy: fakests.AssumeRoleTrustPolicy("*", "")}))
	must(s.AddRole(fakests.Role{ARN: roleThird, TrustPolicy: fakests.AssumeRoleTrustPolicy("*", "")}))
	must(s.AddRole(fakests.Role{ARN: roleExtID, TrustPolicy: fakests.AssumeRoleTrustPolicy("*", "ext-123")}))
	for key, name := range scenarioUsers {
		must(s.AddUser(key, name+"-secret", "arn:aws:iam::"+acctA+":user/"+name))
	}
	fx := &stsFixture{env: env, sso: startSSOPortal(t, env), imds: startIMDSFakes(t, s)}
	fx.container = startContainerFixture(t, fx)
	return fx
}

// expand replaces the placeholders.
func (f *stsFixture) expand(s, home string) string {
	pairs := []string{"{TOKEN}", f.env.TokenFile, "{STS}", f.env.STS.URL(), "{HOME}", home}
	for k, v := range f.imds {
		pairs = append(pairs, k, v)
	}
	return f.container.expand(strings.NewReplacer(pairs...).Replace(s))
}

// writeHome writes the scenario's files under home and returns its environment.
func (f *stsFixture) writeHome(t *testing.T, sc scenario, home string) map[string]string {
	t.Helper()
	write := func(rel, content string) {
		p := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.expand(content, home)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if sc.config != "" {
		write(".aws/config", sc.config)
	}
	if sc.credentials != "" {
		write(".aws/credentials", sc.credentials)
	}
	for rel, content := range sc.files {
		write(rel, content)
	}
	env := map[string]string{"HOME": home}
	if !usesIMDS(sc) {
		env["AWS_EC2_METADATA_DISABLED"] = "true"
	}
	for k, v := range sc.env {
		env[k] = f.expand(v, home)
	}
	return env
}

// checkCalls compares the calls the fake recorded with the expected ones. generated matches a
// session name chain or botocore generated.
func (f *stsFixture) checkCalls(t *testing.T, who string, got []fakests.Call, want []call, generated *regexp.Regexp) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s made %d STS calls, want %d:\n%s", who, len(got), len(want), callsText(got))
		return
	}
	accounts := map[string]string{"web": acctA, "web2": acctA, "cross": acctB, "third": acctC, "extid": acctB}
	for i, w := range want {
		g := got[i]
		if g.Code != "" {
			t.Errorf("%s call %d failed at the fake: %s", who, i+1, g)
		}
		var by string
		switch {
		case w.by == "token":
			by = "system:serviceaccount:default:app"
		case strings.HasPrefix(w.by, "user/"):
			by = "arn:aws:iam::" + acctA + ":" + w.by
		case strings.HasPrefix(w.by, "role/"):
			name := strings.TrimPrefix(w.by, "role/")
			by = "arn:aws:sts::" + accounts[name] + ":assumed-role/" + name + "/"
		}
		byOK := g.Caller == by || strings.HasSuffix(by, "/") && strings.HasPrefix(g.Caller, by)
		sessionOK := g.SessionName == w.session || w.session == "" && generated.MatchString(g.SessionName)
		if g.Operation != w.op || g.RoleARN != w.role || !sessionOK || !byOK || g.ExternalID != w.extID || g.DurationSeconds != w.duration {
			t.Errorf("%s call %d = %s (caller %s, external ID %v), want %s %s session %q by %s external ID %v duration %d",
				who, i+1, g, g.Caller, g.ExternalID, w.op, w.role, w.session, w.by, w.extID, w.duration)
		}
	}
}

func callsText(calls []fakests.Call) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return b.String()
}

// redirect sends every request to the fake STS, whatever host the URL names, keeping the Host
// header (the fake checks SigV4 against it), and records the URLs asked for. Nothing reaches a
// real AWS host.
type redirect struct {
	target *url.URL
	sso    *url.URL // where the IAM Identity Center portal's requests go, when set
	base   http.RoundTripper
	mu     sync.Mutex
	urls   []string
	portal []string // the URLs of portal requests (path /federation/...), without the query
}

func (r *redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	target, portal := r.target, r.sso != nil && strings.HasPrefix(req.URL.Path, "/federation/")
	oidc := r.sso != nil && req.URL.Path == "/token" // SSO OIDC CreateToken: the fake portal serves it
	r.mu.Lock()
	switch {
	case portal:
		target = r.sso
		r.portal = append(r.portal, req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	case oidc:
		target = r.sso
	default:
		r.urls = append(r.urls, req.URL.String())
	}
	r.mu.Unlock()
	out := req.Clone(req.Context())
	out.Host = req.URL.Host
	out.URL.Scheme, out.URL.Host = target.Scheme, target.Host
	return r.base.RoundTrip(out)
}

func (r *redirect) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

// chainGenerated matches the session names chain's providers generate: "irsa-<nanoseconds>",
// or for web identity the token's "NAMESPACE.SERVICEACCOUNT[.POD]".
var chainGenerated = regexp.MustCompile(`^(irsa-\d+|default\.app(\..+)?)$`)

func TestScenarios(t *testing.T) {
	leakcheck.Check(t)
	if len(scenarios) < 40 {
		t.Fatalf("only %d scenarios", len(scenarios))
	}
	fx := startSTSFixture(t)
	target, _ := url.Parse(fx.env.STS.URL())
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	names := map[string]bool{}
	for _, sc := range scenarios {
		if names[sc.name] {
			t.Fatalf("two scenarios named %q", sc.name)
		}
		names[sc.name] = true
		t.Run(sc.name, func(t *testing.T) {
			home := t.TempDir()
			env := fx.writeHome(t, sc, home)
			ssoTarget, _ := url.Parse(fx.sso.URL())
			rd := &redirect{target: target, sso: ssoTarget, base: transport}
			fx.env.STS.ResetCalls()
			opts := Options{
				Profile:    sc.profile,
				Getenv:     func(k string) string { return env[k] },
				HTTPClient: &http.Client{Transport: rd, Timeout: 10 * time.Second},

				containerHost: fx.container.podIdentity.Host(),
			}
			want := sc.want
			want.err = fx.expand(want.err, home)
			creds, res, err := resolveAndRetrieve(opts)
			if res != nil {
				defer res.Close()
			}
			if want.err != "" {
				if err == nil {
					t.Fatalf("no error, want one containing %q", want.err)
				}
				if !strings.Contains(err.Error(), want.err) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, want.err)
				}
				if res == nil && !credentials.IsNonRecoverable(err) { // Resolve's; a Retrieve may fail for a while
					t.Errorf("error is not marked non-recoverable: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v\ncalls:\n%s", err, callsText(fx.env.STS.Calls()))
			}
			fx.checkCalls(t, "chain", fx.env.STS.Calls(), want.calls, chainGenerated)
			if want.key != "" && creds.AccessKeyID != want.key {
				t.Errorf("access key ID %s, want %s", creds.AccessKeyID, want.key)
			}
			if res.Region != want.region {
				t.Errorf("region %q, want %q", res.Region, want.region)
			}
			wantEndpoint := fx.expand(want.endpoint, home)
			for _, u := range rd.seen() {
				if strings.TrimSuffix(u, "/") != strings.TrimSuffix(wantEndpoint, "/") {
					t.Errorf("STS call to %s, want %s", u, wantEndpoint)
				}
			}
			if rd.portal != nil || want.portal != "" {
				if len(rd.portal) != 1 || rd.portal[0] != want.portal {
					t.Errorf("portal requests %v, want one to %s", rd.portal, want.portal)
				}
			}
			if len(want.calls) > 0 && strings.TrimSuffix(res.STSEndpoint.URL, "/") != strings.TrimSuffix(wantEndpoint, "/") {
				t.Errorf("Result.STSEndpoint %s, want %s", res.STSEndpoint.URL, wantEndpoint)
			}
		})
	}
}

// resolveAndRetrieve resolves and retrieves once.
func resolveAndRetrieve(opts Options) (credentials.Credentials, *Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Resolve(ctx, opts)
	if err != nil {
		return credentials.Credentials{}, nil, err
	}
	c, err := res.Provider.Retrieve(ctx)
	return c, res, err
}

func TestScenariosThatDifferFromBotocoreSaySo(t *testing.T) {
	for _, sc := range scenarios {
		if (sc.boto != nil || sc.chainOnly) && !strings.Contains(sc.name, "botocore") {
			t.Errorf("scenario %q differs from botocore but its name does not say how", sc.name)
		}
	}
}
