package chain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakeimds"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// imdsHome is a home with instance metadata turned back on and pointed at endpoint.
func imdsHome(t *testing.T, config, endpoint string, kv ...string) *home {
	h := newHome(t, config, "", kv...)
	delete(h.env, "AWS_EC2_METADATA_DISABLED")
	if endpoint != "" {
		h.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoint
	}
	for i := 0; i+1 < len(kv); i += 2 {
		h.env[kv[i]] = kv[i+1]
	}
	return h
}

func TestExplainShowsTheInstanceMetadataSettings(t *testing.T) {
	h := imdsHome(t, "[default]\nec2_metadata_service_endpoint_mode = IPv6\nmetadata_service_timeout = 3\nec2_metadata_v1_disabled = true\n", "",
		"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2")
	exp, err := explain(t, h.opts())
	if err != nil {
		t.Fatal(err)
	}
	s := exp.String()
	for _, want := range []string{
		"12. EC2 instance metadata: chosen: no other source has credentials, so the instance's role is asked for, as the AWS CLI would; the service is first contacted when credentials are retrieved (set AWS_EC2_METADATA_DISABLED=true where there is none)",
		"credentials are obtained by:\n   1. the instance role's credentials from EC2 instance metadata (IMDSv2)\n",
		"endpoint mode = IPv6 (from ec2_metadata_service_endpoint_mode (~/.aws/config line 2))",
		"endpoint = http://[fd00:ec2::254] (from default for the endpoint mode)",
		"IMDSv1 fallback = disabled (from ec2_metadata_v1_disabled (~/.aws/config line 4))",
		"timeout per request = 3s (from metadata_service_timeout (~/.aws/config line 3))",
		"attempts per request = 2 (from AWS_METADATA_SERVICE_NUM_ATTEMPTS)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("explanation lacks %q:\n%s", want, s)
		}
	}
	if exp.STS.Used {
		t.Error("instance metadata credentials do not need STS")
	}
	h = imdsHome(t, "", "http://127.0.0.1:9/base", "AWS_IMDS_USE_IPV6", "true")
	exp, _ = explain(t, h.opts())
	for _, want := range []string{"endpoint mode = IPv6 (from AWS_IMDS_USE_IPV6)", "endpoint = http://127.0.0.1:9/base (from AWS_EC2_METADATA_SERVICE_ENDPOINT)",
		"IMDSv1 fallback = allowed (from default)", "timeout per request = 1s (from default)", "attempts per request = 1 (from default)",
		"note: both an instance metadata endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT) and the IPv6 endpoint mode are set: the endpoint is used, as in the AWS CLI"} {
		if !strings.Contains(exp.String(), want) {
			t.Errorf("explanation lacks %q:\n%s", want, exp)
		}
	}
}

func TestInstanceMetadataSettingsRefused(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		env          []string
		want         string
	}{
		{"AWS_EC2_METADATA_DISABLED that is not a boolean", "", []string{"AWS_EC2_METADATA_DISABLED", "yes"},
			`chain: AWS_EC2_METADATA_DISABLED: "yes" is neither true nor false (the AWS CLI would read it as false and ask instance metadata)`},
		{"a mode that is neither", "[default]\nec2_metadata_service_endpoint_mode = dual\n", nil,
			`chain: profile default: ec2_metadata_service_endpoint_mode (~/.aws/config line 2): "dual" is not an endpoint mode: the AWS CLI accepts IPv4 or IPv6 (in any case)`},
		{"AWS_IMDS_USE_IPV6 that is not a boolean", "", []string{"AWS_IMDS_USE_IPV6", "1"}, `AWS_IMDS_USE_IPV6: "1" is neither true nor false`},
		{"AWS_EC2_METADATA_V1_DISABLED that is not a boolean", "", []string{"AWS_EC2_METADATA_V1_DISABLED", "on"}, `AWS_EC2_METADATA_V1_DISABLED: "on" is neither true nor false`},
		{"a timeout that is not a number", "", []string{"AWS_METADATA_SERVICE_TIMEOUT", "1.5"}, `chain: AWS_METADATA_SERVICE_TIMEOUT: "1.5" is not a whole number (the AWS CLI fails on it too)`},
		{"a timeout of 0", "", []string{"AWS_METADATA_SERVICE_TIMEOUT", "0"}, `AWS_METADATA_SERVICE_TIMEOUT: 0 is outside 1 to 300`},
		{"a timeout of a day", "[default]\nmetadata_service_timeout = 86400\n", nil, `metadata_service_timeout (~/.aws/config line 2): 86400 is outside 1 to 300`},
		{"a huge number of attempts", "", []string{"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "99999999999999999999999"}, `AWS_METADATA_SERVICE_NUM_ATTEMPTS: "99999999999999999999999" is not a whole number`},
		{"negative attempts", "", []string{"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "-1"}, `AWS_METADATA_SERVICE_NUM_ATTEMPTS: -1 is outside 1 to 10`},
		{"an endpoint that is not a URL", "", []string{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"},
			`chain: step 1 (the instance role's credentials from EC2 instance metadata (IMDSv2)): credentials: the EC2 instance metadata endpoint "169.254.169.254" is not usable: the URL must start with http:// or https://; endpoint mode from default; endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT`},
		{"an endpoint with a password", "[default]\nec2_metadata_service_endpoint = http://u:hunter2@127.0.0.1\n", nil,
			`"http://[redacted]@127.0.0.1" is not usable: the URL must not hold a user name or password; endpoint mode from default; endpoint from ec2_metadata_service_endpoint (~/.aws/config line 2)`},
		{"an endpoint on two lines", "[default]\nec2_metadata_service_endpoint =\n  http://127.0.0.1\n", nil, `~/.aws/config line 3: a line in the nested block under "ec2_metadata_service_endpoint" has no '='`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := imdsHome(t, tc.config, "", tc.env...)
			exp, err := explain(t, h.opts())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error()+exp.String(), "hunter2") {
				t.Errorf("the password is shown: %v", err)
			}
			if !credentials.IsNonRecoverable(err) {
				t.Error("not marked non-recoverable")
			}
		})
	}
}

// End to end: Resolve and Retrieve with the fake IMDS, and the error when nothing answers.
func TestResolveUsesInstanceMetadata(t *testing.T) {
	leakcheck.Check(t)
	srv := fakeimds.New(fakeimds.Options{V1Disabled: true})
	defer srv.Close()
	h := imdsHome(t, "", srv.URL(), "AWS_EC2_METADATA_V1_DISABLED", "true")
	res, err := Resolve(context.Background(), h.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	c, err := res.Provider.Retrieve(context.Background())
	if err != nil || c.Source != "imds" || c.AccessKeyID != "ASIAFAKEIMDS00000001" {
		t.Fatalf("%v, %v", c, err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if got := fmt.Sprintf(verb, res.Provider); strings.Contains(got, "fake-imds-secret") || strings.Contains(got, "fake-imds-session-token") {
			t.Errorf("the Cache prints as %s", got)
		}
	}

	h = imdsHome(t, "", closedPort(t))
	res, err = Resolve(context.Background(), h.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_, err = res.Provider.Retrieve(context.Background())
	want := "chain: no credentials are configured in the environment or the shared files, so EC2 instance metadata was asked, as the AWS CLI would, and it failed (chain.Explain lists every source; set AWS_EC2_METADATA_DISABLED=true where there is no instance metadata): credentials: EC2 instance metadata at http://127.0.0.1:"
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error %v\nwant it to start with %q", err, want)
	}
	if credentials.IsNonRecoverable(err) {
		t.Error("a failed request is worth retrying later")
	}
	var nc *NoCredentialsError
	if errors.As(err, &nc) {
		t.Error("not a NoCredentialsError: Resolve succeeded")
	}
}
