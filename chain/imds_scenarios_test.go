package chain

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakeimds"
	"github.com/irsa-go/irsa/internal/fakests"
)

// The fake instance metadata services the scenarios use, each with its own keys so that a
// scenario's outcome says which one answered. {IMDS_SESSION} serves a session of role "third"
// that the fake STS issued, so that credential_source = Ec2InstanceMetadata can sign AssumeRole
// with it (the fake STS checks the session token).
const (
	keyNode   = "ASIANODEROLE00000001" // {IMDS}: IMDSv2, v1 allowed
	keyNodeV1 = "ASIANODEROLEV1000001" // {IMDS_TOKEN_403}: refuses the token request (v1 only)
)

func startIMDSFakes(t *testing.T, fx *fakests.Server) map[string]string {
	t.Helper()
	start := func(o fakeimds.Options, fault fakeimds.Fault) string {
		s := fakeimds.New(o)
		s.SetFault(fault)
		t.Cleanup(s.Close)
		return s.URL()
	}
	session := issueSession(t, fx)
	fx.ResetCalls() // the tests that share the fixture count calls
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String() // nothing listens there: connections are refused
	l.Close()
	return map[string]string{
		"{IMDS}":           start(fakeimds.Options{AccessKeyID: keyNode, SecretAccessKey: "node-secret", SessionToken: "node-token"}, fakeimds.NoFault),
		"{IMDS_TOKEN_403}": start(fakeimds.Options{AccessKeyID: keyNodeV1, SecretAccessKey: "s", SessionToken: "t", TokenStatus: 403}, fakeimds.NoFault),
		"{IMDS_NO_ROLE}":   start(fakeimds.Options{}, fakeimds.NoRole),
		"{IMDS_DOWN}":      down,
		"{IMDS_SESSION}":   start(fakeimds.Options{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey, SessionToken: session.SessionToken}, fakeimds.NoFault),
	}
}

// issueSession gets a session of role "third" from the fake STS, signed by user base.
func issueSession(t *testing.T, fx *fakests.Server) credentials.Credentials {
	t.Helper()
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: fx.URL(), SigningRegion: "us-east-1", Custom: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	base := credentials.Static{Value: credentials.Credentials{AccessKeyID: keyBase, SecretAccessKey: "base-secret"}}
	out, err := client.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(roleThird), RoleSessionName: aws.String("node")},
		func(o *sts.Options) { o.Credentials = credentials.ForSDK(base) })
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return credentials.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
}

// usesIMDS reports whether a scenario points at a fake instance metadata service.
func usesIMDS(sc scenario) bool {
	if _, ok := sc.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"]; ok {
		return true
	}
	all := sc.config + sc.credentials
	for _, v := range sc.env {
		all += v
	}
	return strings.Contains(all, "{IMDS")
}

func imdsEnv(kv ...string) map[string]string {
	return envOf(append([]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "{IMDS}"}, kv...)...)
}

func init() {
	scenarios = append(scenarios, imdsScenarios...)
}

// imdsScenarios are appended to scenarios: instance metadata as the last source, its settings, and
// the cases where chain fails closed instead of using it.
var imdsScenarios = []scenario{
	{name: "EC2 instance metadata gives the instance role's credentials when nothing else is configured",
		env:  imdsEnv(),
		want: outcome{key: keyNode}},
	{name: "AWS_EC2_METADATA_DISABLED=true turns instance metadata off",
		env:  imdsEnv("AWS_EC2_METADATA_DISABLED", "true"),
		want: outcome{err: "EC2 instance metadata: skipped: AWS_EC2_METADATA_DISABLED=true turns instance metadata off", errType: "NoCredentials"}},
	{name: "a token request refused with 403 falls back to IMDSv1",
		env:  envOf("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{IMDS_TOKEN_403}"),
		want: outcome{key: keyNodeV1}},
	{name: "with IMDSv1 disabled a refused token request is an error",
		env:  envOf("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{IMDS_TOKEN_403}", "AWS_EC2_METADATA_V1_DISABLED", "true"),
		want: outcome{err: "the IMDSv2 token: HTTP 403 Forbidden; IMDSv1 (requests without a token) is disabled", errType: "MetadataRetrievalError"}},
	{name: "ec2_metadata_v1_disabled in the profile disables the IMDSv1 fallback",
		env:    envOf("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{IMDS_TOKEN_403}"),
		config: "[default]\nec2_metadata_v1_disabled = true\n",
		want:   outcome{err: "IMDSv1 (requests without a token) is disabled", errType: "MetadataRetrievalError"}},
	{name: "the profile's instance metadata keys are read",
		config: "[default]\nec2_metadata_service_endpoint = {IMDS}\nmetadata_service_timeout = 2\nmetadata_service_num_attempts = 2\nec2_metadata_service_endpoint_mode = ipv6\n",
		want:   outcome{key: keyNode}},
	{name: "AWS_EC2_METADATA_SERVICE_ENDPOINT wins over the profile's endpoint",
		env:    imdsEnv(),
		config: "[default]\nec2_metadata_service_endpoint = {IMDS_DOWN}\n",
		want:   outcome{key: keyNode}},
	{name: "an instance without a role has no credentials",
		env:  envOf("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{IMDS_NO_ROLE}"),
		want: outcome{err: "no IAM role is attached to the instance", errType: "NoCredentials"}},
	{name: "when nothing answers at the instance metadata address there are no credentials",
		env:  envOf("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{IMDS_DOWN}"),
		want: outcome{err: "so EC2 instance metadata was asked, as the AWS CLI would, and it failed", errType: "NoCredentials"}},
	{name: "an endpoint mode other than IPv4 or IPv6 is an error",
		env:  imdsEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"),
		want: outcome{err: `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "IPv5" is not an endpoint mode: the AWS CLI accepts IPv4 or IPv6`, errType: "InvalidIMDSEndpointModeError"}},
	{name: "a metadata_service_timeout that is not a number is an error",
		env:    imdsEnv(),
		config: "[default]\nmetadata_service_timeout = soon\n",
		want:   outcome{err: `metadata_service_timeout (~/.aws/config line 2): "soon" is not a whole number`, errType: "ValueError"}},
	{name: "an AWS_METADATA_SERVICE_NUM_ATTEMPTS that is not a number is an error",
		env:  imdsEnv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "two"),
		want: outcome{err: `AWS_METADATA_SERVICE_NUM_ATTEMPTS: "two" is not a whole number`, errType: "ValueError"}},
	{name: "an instance metadata endpoint whose host is not a host name is an error",
		env:  envOf("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://metadata_server"),
		want: outcome{err: `"http://metadata_server" is not usable: the host is neither an IP address nor a DNS name; endpoint mode from default; endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT`, errType: "InvalidIMDSEndpointError"}},
	{name: "credential_source Ec2InstanceMetadata signs AssumeRole with the instance role's credentials",
		env:    envOf("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{IMDS_SESSION}", "AWS_PROFILE", "imds", "AWS_DEFAULT_REGION", "us-west-2"),
		config: "[profile imds]\nrole_arn = " + roleCross + "\ncredential_source = Ec2InstanceMetadata\nrole_session_name = on-ec2\n",
		want:   outcome{calls: []call{assume(roleCross, "on-ec2", "role/third")}, region: "us-west-2", endpoint: usw2}},

	// Deliberate difference from botocore: a process meant to use web identity (IRSA) that
	// cannot use it fails instead of getting the node's role from instance metadata, which
	// botocore returns in each of these cases (boto: the fake node's keys).
	{name: "AWS_ROLE_ARN without AWS_WEB_IDENTITY_TOKEN_FILE fails closed (botocore returns the node's credentials from instance metadata)",
		env:  imdsEnv("AWS_ROLE_ARN", roleWeb, "AWS_DEFAULT_REGION", "us-west-2"),
		want: outcome{err: "AWS_ROLE_ARN is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not, and profile default has no web_identity_token_file. chain does not go on to container credentials or EC2 instance metadata, on purpose"},
		boto: &outcome{key: keyNode, region: "us-west-2"}},
	{name: "web identity variables ignored because the profile is named explicitly fail closed (botocore returns the node's credentials from instance metadata)",
		env:     imdsEnv("AWS_ROLE_ARN", roleWeb, "AWS_WEB_IDENTITY_TOKEN_FILE", "{TOKEN}"),
		config:  "[profile other]\nregion = eu-west-1\n",
		profile: "other",
		want:    outcome{err: "AWS_WEB_IDENTITY_TOKEN_FILE is set, so this process is meant to use web identity (IRSA), but the web identity source cannot be used: it is ignored because the profile is named explicitly (Options.Profile, as with aws --profile), and profile other has no credentials"},
		boto:    &outcome{key: keyNode, region: "eu-west-1"}},
	{name: "an empty web_identity_token_file in the profile fails closed (botocore returns the node's credentials from instance metadata)",
		env:    imdsEnv(),
		config: "[default]\nrole_arn = " + roleWeb + "\nweb_identity_token_file =\n",
		want:   outcome{err: "profile default: ~/.aws/config line 3: web_identity_token_file is set but empty, so this profile is meant to use web identity (IRSA) and cannot."},
		boto:   &outcome{key: keyNode}},
	{name: "a blank AWS_ROLE_ARN fails closed too (botocore returns the node's credentials from instance metadata)",
		env:  imdsEnv("AWS_ROLE_ARN", " "),
		want: outcome{err: "AWS_ROLE_ARN is set, so this process is meant to use web identity (IRSA)"},
		boto: &outcome{key: keyNode}},
	{name: "static keys still win over AWS_ROLE_ARN without a token file, as in botocore",
		env:         imdsEnv("AWS_ROLE_ARN", roleWeb),
		credentials: "[default]\naws_access_key_id = " + keyCreds + "\naws_secret_access_key = s\n",
		want:        outcome{key: keyCreds}},
}
