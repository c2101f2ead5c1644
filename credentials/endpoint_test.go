package credentials

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/irsa-go/irsa/internal/peers"
)

// TestResolveEndpointDocumentedTable covers each row of the table "AWS STS Regions and endpoints"
// in the IAM User Guide (docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html),
// in the table's order: the global endpoint, then one regional endpoint per region.
func TestResolveEndpointDocumentedTable(t *testing.T) {
	rows := []struct{ name, region, endpoint string }{
		{"US East (Ohio)", "us-east-2", "sts.us-east-2.amazonaws.com"},
		{"US East (N. Virginia)", "us-east-1", "sts.us-east-1.amazonaws.com"},
		{"US West (N. California)", "us-west-1", "sts.us-west-1.amazonaws.com"},
		{"US West (Oregon)", "us-west-2", "sts.us-west-2.amazonaws.com"},
		{"Africa (Cape Town)", "af-south-1", "sts.af-south-1.amazonaws.com"},
		{"Asia Pacific (Hong Kong)", "ap-east-1", "sts.ap-east-1.amazonaws.com"},
		{"Asia Pacific (Hyderabad)", "ap-south-2", "sts.ap-south-2.amazonaws.com"},
		{"Asia Pacific (Jakarta)", "ap-southeast-3", "sts.ap-southeast-3.amazonaws.com"},
		{"Asia Pacific (Malaysia)", "ap-southeast-5", "sts.ap-southeast-5.amazonaws.com"},
		{"Asia Pacific (Melbourne)", "ap-southeast-4", "sts.ap-southeast-4.amazonaws.com"},
		{"Asia Pacific (Mumbai)", "ap-south-1", "sts.ap-south-1.amazonaws.com"},
		{"Asia Pacific (New Zealand)", "ap-southeast-6", "sts.ap-southeast-6.amazonaws.com"},
		{"Asia Pacific (Osaka)", "ap-northeast-3", "sts.ap-northeast-3.amazonaws.com"},
		{"Asia Pacific (Seoul)", "ap-northeast-2", "sts.ap-northeast-2.amazonaws.com"},
		{"Asia Pacific (Singapore)", "ap-southeast-1", "sts.ap-southeast-1.amazonaws.com"},
		{"Asia Pacific (Sydney)", "ap-southeast-2", "sts.ap-southeast-2.amazonaws.com"},
		{"Asia Pacific (Taipei)", "ap-east-2", "sts.ap-east-2.amazonaws.com"},
		{"Asia Pacific (Thailand)", "ap-southeast-7", "sts.ap-southeast-7.amazonaws.com"},
		{"Asia Pacific (Tokyo)", "ap-northeast-1", "sts.ap-northeast-1.amazonaws.com"},
		{"Canada (Central)", "ca-central-1", "sts.ca-central-1.amazonaws.com"},
		{"Canada West (Calgary)", "ca-west-1", "sts.ca-west-1.amazonaws.com"},
		{"China (Beijing)", "cn-north-1", "sts.cn-north-1.amazonaws.com.cn"},
		{"China (Ningxia)", "cn-northwest-1", "sts.cn-northwest-1.amazonaws.com.cn"},
		{"Europe (Frankfurt)", "eu-central-1", "sts.eu-central-1.amazonaws.com"},
		{"Europe (Ireland)", "eu-west-1", "sts.eu-west-1.amazonaws.com"},
		{"Europe (London)", "eu-west-2", "sts.eu-west-2.amazonaws.com"},
		{"Europe (Milan)", "eu-south-1", "sts.eu-south-1.amazonaws.com"},
		{"Europe (Paris)", "eu-west-3", "sts.eu-west-3.amazonaws.com"},
		{"Europe (Spain)", "eu-south-2", "sts.eu-south-2.amazonaws.com"},
		{"Europe (Stockholm)", "eu-north-1", "sts.eu-north-1.amazonaws.com"},
		{"Europe (Zurich)", "eu-central-2", "sts.eu-central-2.amazonaws.com"},
		{"Israel (Tel Aviv)", "il-central-1", "sts.il-central-1.amazonaws.com"},
		{"Mexico (Central)", "mx-central-1", "sts.mx-central-1.amazonaws.com"},
		{"Middle East (Bahrain)", "me-south-1", "sts.me-south-1.amazonaws.com"},
		{"Middle East (UAE)", "me-central-1", "sts.me-central-1.amazonaws.com"},
		{"South America (São Paulo)", "sa-east-1", "sts.sa-east-1.amazonaws.com"},
		{"AWS GovCloud (US-East)", "us-gov-east-1", "sts.us-gov-east-1.amazonaws.com"},
		{"AWS GovCloud (US-West)", "us-gov-west-1", "sts.us-gov-west-1.amazonaws.com"},
	}
	t.Run("--Global-- is sts.amazonaws.com signed for us-east-1", func(t *testing.T) {
		for _, cfg := range []EndpointConfig{
			{Region: "aws-global"},
			{Region: "us-east-1", LegacyGlobal: true},
			{LegacyGlobal: true},
		} {
			got, err := ResolveEndpoint(cfg)
			if err != nil {
				t.Fatalf("%+v: %v", cfg, err)
			}
			want := Endpoint{URL: "https://sts.amazonaws.com", SigningRegion: "us-east-1"}
			if got != want {
				t.Errorf("%+v: got %+v, want %+v", cfg, got, want)
			}
		}
	})
	for _, r := range rows {
		t.Run(r.name+" is "+r.endpoint, func(t *testing.T) {
			got, err := ResolveEndpoint(EndpointConfig{Region: r.region})
			if err != nil {
				t.Fatal(err)
			}
			if got.URL != "https://"+r.endpoint || got.SigningRegion != r.region || got.Custom {
				t.Errorf("got %+v, want URL https://%s signed for %s", got, r.endpoint, r.region)
			}
		})
	}
}

func TestResolveEndpoint(t *testing.T) {
	cases := []struct {
		name string
		cfg  EndpointConfig
		want Endpoint
	}{
		{"regional is the default, as in botocore 1.43", EndpointConfig{Region: "us-west-2"},
			Endpoint{"https://sts.us-west-2.amazonaws.com", "us-west-2", false}},
		{"regional mode uses the regional endpoint even for us-east-1", EndpointConfig{Region: "us-east-1"},
			Endpoint{"https://sts.us-east-1.amazonaws.com", "us-east-1", false}},
		{"legacy mode sends a legacy global region to the global endpoint signed for us-east-1", EndpointConfig{Region: "eu-west-1", LegacyGlobal: true},
			Endpoint{"https://sts.amazonaws.com", "us-east-1", false}},
		{"legacy mode keeps an opt-in region on its regional endpoint", EndpointConfig{Region: "ap-east-1", LegacyGlobal: true},
			Endpoint{"https://sts.ap-east-1.amazonaws.com", "ap-east-1", false}},
		{"legacy mode keeps a region launched later on its regional endpoint", EndpointConfig{Region: "eu-south-1", LegacyGlobal: true},
			Endpoint{"https://sts.eu-south-1.amazonaws.com", "eu-south-1", false}},
		{"legacy mode keeps China on its regional endpoint", EndpointConfig{Region: "cn-north-1", LegacyGlobal: true},
			Endpoint{"https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1", false}},
		{"legacy mode with FIPS uses the regional FIPS endpoint", EndpointConfig{Region: "us-west-2", LegacyGlobal: true, UseFIPS: true},
			Endpoint{"https://sts-fips.us-west-2.amazonaws.com", "us-west-2", false}},
		{"legacy mode with dual-stack uses the regional dual-stack endpoint", EndpointConfig{Region: "us-west-2", LegacyGlobal: true, UseDualStack: true},
			Endpoint{"https://sts.us-west-2.api.aws", "us-west-2", false}},
		{"legacy mode without a region uses the global endpoint, as botocore does", EndpointConfig{LegacyGlobal: true},
			Endpoint{"https://sts.amazonaws.com", "us-east-1", false}},
		{"aws-global is the global endpoint in regional mode too", EndpointConfig{Region: "aws-global"},
			Endpoint{"https://sts.amazonaws.com", "us-east-1", false}},
		{"FIPS in the aws partition is sts-fips", EndpointConfig{Region: "us-east-1", UseFIPS: true},
			Endpoint{"https://sts-fips.us-east-1.amazonaws.com", "us-east-1", false}},
		{"dual-stack in the aws partition is api.aws", EndpointConfig{Region: "eu-central-1", UseDualStack: true},
			Endpoint{"https://sts.eu-central-1.api.aws", "eu-central-1", false}},
		{"FIPS and dual-stack together are sts-fips on api.aws", EndpointConfig{Region: "us-east-1", UseFIPS: true, UseDualStack: true},
			Endpoint{"https://sts-fips.us-east-1.api.aws", "us-east-1", false}},
		{"China uses amazonaws.com.cn", EndpointConfig{Region: "cn-northwest-1"},
			Endpoint{"https://sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1", false}},
		{"China FIPS is sts-fips on amazonaws.com.cn", EndpointConfig{Region: "cn-north-1", UseFIPS: true},
			Endpoint{"https://sts-fips.cn-north-1.amazonaws.com.cn", "cn-north-1", false}},
		{"China dual-stack is api.amazonwebservices.com.cn", EndpointConfig{Region: "cn-north-1", UseDualStack: true},
			Endpoint{"https://sts.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1", false}},
		{"China FIPS and dual-stack", EndpointConfig{Region: "cn-north-1", UseFIPS: true, UseDualStack: true},
			Endpoint{"https://sts-fips.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1", false}},
		{"GovCloud FIPS is the regional endpoint, which is FIPS already", EndpointConfig{Region: "us-gov-west-1", UseFIPS: true},
			Endpoint{"https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1", false}},
		{"GovCloud dual-stack is api.aws", EndpointConfig{Region: "us-gov-east-1", UseDualStack: true},
			Endpoint{"https://sts.us-gov-east-1.api.aws", "us-gov-east-1", false}},
		{"GovCloud FIPS and dual-stack is sts-fips on api.aws", EndpointConfig{Region: "us-gov-east-1", UseFIPS: true, UseDualStack: true},
			Endpoint{"https://sts-fips.us-gov-east-1.api.aws", "us-gov-east-1", false}},
		{"aws-iso uses c2s.ic.gov", EndpointConfig{Region: "us-iso-east-1"},
			Endpoint{"https://sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1", false}},
		{"aws-iso FIPS", EndpointConfig{Region: "us-iso-west-1", UseFIPS: true},
			Endpoint{"https://sts-fips.us-iso-west-1.c2s.ic.gov", "us-iso-west-1", false}},
		{"aws-iso dual-stack is api.aws.ic.gov", EndpointConfig{Region: "us-iso-east-1", UseDualStack: true},
			Endpoint{"https://sts.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1", false}},
		{"aws-iso-b uses sc2s.sgov.gov", EndpointConfig{Region: "us-isob-east-1"},
			Endpoint{"https://sts.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1", false}},
		{"aws-iso-b dual-stack is api.aws.scloud", EndpointConfig{Region: "us-isob-east-1", UseDualStack: true},
			Endpoint{"https://sts.us-isob-east-1.api.aws.scloud", "us-isob-east-1", false}},
		{"aws-iso-e uses cloud.adc-e.uk", EndpointConfig{Region: "eu-isoe-west-1"},
			Endpoint{"https://sts.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1", false}},
		{"aws-iso-e FIPS and dual-stack is api.cloud-aws.adc-e.uk", EndpointConfig{Region: "eu-isoe-west-1", UseFIPS: true, UseDualStack: true},
			Endpoint{"https://sts-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1", false}},
		{"aws-iso-f uses csp.hci.ic.gov", EndpointConfig{Region: "us-isof-south-1"},
			Endpoint{"https://sts.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1", false}},
		{"aws-iso-f dual-stack is api.aws.hci.ic.gov", EndpointConfig{Region: "us-isof-east-1", UseDualStack: true},
			Endpoint{"https://sts.us-isof-east-1.api.aws.hci.ic.gov", "us-isof-east-1", false}},
		{"aws-eusc uses amazonaws.eu", EndpointConfig{Region: "eusc-de-east-1"},
			Endpoint{"https://sts.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1", false}},
		{"aws-eusc dual-stack is api.amazonwebservices.eu", EndpointConfig{Region: "eusc-de-east-1", UseDualStack: true},
			Endpoint{"https://sts.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1", false}},
		{"a future region is placed in its partition by the partition's pattern", EndpointConfig{Region: "cn-south-7"},
			Endpoint{"https://sts.cn-south-7.amazonaws.com.cn", "cn-south-7", false}},
		{"an unknown region falls back to the aws partition, as the endpoint rules do", EndpointConfig{Region: "xx-foo-1"},
			Endpoint{"https://sts.xx-foo-1.amazonaws.com", "xx-foo-1", false}},
		{"the pseudo-region us-east-1-fips selects the FIPS endpoint, as in botocore", EndpointConfig{Region: "us-east-1-fips"},
			Endpoint{"https://sts-fips.us-east-1.amazonaws.com", "us-east-1", false}},
		{"the pseudo-region fips-us-west-2 selects the FIPS endpoint, as in botocore", EndpointConfig{Region: "fips-us-west-2"},
			Endpoint{"https://sts-fips.us-west-2.amazonaws.com", "us-west-2", false}},
		{"the pseudo-region us-gov-west-1-fips is the GovCloud regional endpoint", EndpointConfig{Region: "us-gov-west-1-fips"},
			Endpoint{"https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1", false}},
		{"a FIPS pseudo-region in legacy mode is not sent to the global endpoint", EndpointConfig{Region: "us-east-1-fips", LegacyGlobal: true},
			Endpoint{"https://sts-fips.us-east-1.amazonaws.com", "us-east-1", false}},
		{"a custom https URL is used as given and signed for the region", EndpointConfig{Region: "eu-west-1", URL: "https://sts.example.internal:8443/base"},
			Endpoint{"https://sts.example.internal:8443/base", "eu-west-1", true}},
		{"a custom URL without a region is signed for us-east-1", EndpointConfig{URL: "https://sts.example.internal"},
			Endpoint{"https://sts.example.internal", "us-east-1", true}},
		{"a custom http URL on 127.0.0.1 is allowed", EndpointConfig{Region: "us-west-2", URL: "http://127.0.0.1:4566"},
			Endpoint{"http://127.0.0.1:4566", "us-west-2", true}},
		{"a custom http URL anywhere in 127.0.0.0/8 is allowed", EndpointConfig{URL: "http://127.3.2.1:80/"},
			Endpoint{"http://127.3.2.1:80/", "us-east-1", true}},
		{"a custom http URL on ::1 is allowed", EndpointConfig{URL: "http://[::1]:4566"},
			Endpoint{"http://[::1]:4566", "us-east-1", true}},
		{"a custom http URL on localhost is allowed", EndpointConfig{URL: "http://LocalHost:4566"},
			Endpoint{"http://LocalHost:4566", "us-east-1", true}},
		{"a custom URL with a Unicode host keeps the host as given, not percent-encoded", EndpointConfig{URL: "https://ünïcode.example/"},
			Endpoint{"https://ünïcode.example/", "us-east-1", true}},
		{"a custom URL with a percent-encoded UTF-8 host holds the host in Unicode", EndpointConfig{URL: "https://%C3%BCn%C3%AFcode.example"},
			Endpoint{"https://ünïcode.example", "us-east-1", true}},
		{"a custom URL with an IPv6 zone keeps the zone escaped", EndpointConfig{URL: "https://[fe80::1%25en0]:8443/sts"},
			Endpoint{"https://[fe80::1%25en0]:8443/sts", "us-east-1", true}},
		{"a custom URL's path keeps its escapes", EndpointConfig{URL: "https://sts.example.internal/a%20b/%C3%BC"},
			Endpoint{"https://sts.example.internal/a%20b/%C3%BC", "us-east-1", true}},
		{"a custom URL wins over legacy mode", EndpointConfig{Region: "us-west-1", LegacyGlobal: true, URL: "https://example.com"},
			Endpoint{"https://example.com", "us-west-1", true}},
		{"a custom URL wins over FIPS and dual-stack, as in botocore (aws-sdk-go-v2 refuses the combination)",
			EndpointConfig{Region: "us-west-2", UseFIPS: true, UseDualStack: true, URL: "https://example.com"},
			Endpoint{"https://example.com", "us-west-2", true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ResolveEndpoint(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestResolveEndpointErrors(t *testing.T) {
	cases := []struct {
		name    string
		cfg     EndpointConfig
		wantErr string
	}{
		{"a region with a dot is not a DNS label", EndpointConfig{Region: "us-east-1.evil.com"},
			`credentials: STS endpoint: region "us-east-1.evil.com": a region is one DNS label of lower-case letters, digits and hyphens, such as "us-east-1"`},
		{"a region with a path is not a DNS label", EndpointConfig{Region: "../x"},
			`region "../x": a region is one DNS label`},
		{"a region with a slash cannot smuggle a path", EndpointConfig{Region: "us-east-1/evil"}, `region "us-east-1/evil": a region is one DNS label`},
		{"a region with an at sign cannot smuggle a host", EndpointConfig{Region: "x@evil.com"}, `region "x@evil.com": a region is one DNS label`},
		{"a region with a colon cannot smuggle a port", EndpointConfig{Region: "us-east-1:443"}, `a region is one DNS label`},
		{"a region with whitespace is refused", EndpointConfig{Region: " us-east-1"}, `a region is one DNS label`},
		{"a region with a newline is refused", EndpointConfig{Region: "us-east-1\nHost: evil"}, `a region is one DNS label`},
		{"a region with a NUL byte is refused", EndpointConfig{Region: "us-east-1\x00"}, `a region is one DNS label`},
		{"a region with non-ASCII letters is refused", EndpointConfig{Region: "us-éast-1"}, `a region is one DNS label`},
		{"an upper-case region is refused with the lower-case spelling", EndpointConfig{Region: "US-EAST-1"},
			`credentials: STS endpoint: region "US-EAST-1": region names are lower case: use "us-east-1"`},
		{"a region starting with a hyphen is refused", EndpointConfig{Region: "-us-east-1"}, `neither starts nor ends with a hyphen`},
		{"a region ending with a hyphen is refused", EndpointConfig{Region: "us-east-1-"}, `neither starts nor ends with a hyphen`},
		{"a region longer than a DNS label is refused", EndpointConfig{Region: strings.Repeat("a", 64)}, `at most 63 characters`},
		{"a huge region is refused and shortened in the message", EndpointConfig{Region: strings.Repeat("a", 1<<20)}, `…": a region is at most 63 characters`},
		{"a FIPS pseudo-region naming a bad region is refused", EndpointConfig{Region: "fips--x"}, `neither starts nor ends with a hyphen`},
		{"a FIPS pseudo-region naming no region is refused", EndpointConfig{Region: "fips--fips"}, `a region is one DNS label`},
		{"a bad region is refused even with a custom URL", EndpointConfig{Region: "a.b", URL: "https://example.com"}, `region "a.b"`},
		{"no region in the default regional mode is an error (botocore would use the global endpoint)", EndpointConfig{},
			"credentials: STS endpoint: region: no region is set: set AWS_REGION (or the region of the profile) to use that region's STS endpoint, or AWS_STS_REGIONAL_ENDPOINTS=legacy to use the global endpoint https://sts.amazonaws.com"},
		{"no region with FIPS is an error, even in legacy mode", EndpointConfig{LegacyGlobal: true, UseFIPS: true}, "no region is set"},
		{"no region with dual-stack is an error, even in legacy mode", EndpointConfig{LegacyGlobal: true, UseDualStack: true}, "no region is set"},
		{"a custom http URL to a remote host is refused", EndpointConfig{URL: "http://sts.example.com"},
			`credentials: STS endpoint: endpoint URL "http://sts.example.com": must use https unless its host is loopback (127.0.0.0/8, ::1, localhost): the request carries a token`},
		{"a custom http URL to a private address is refused", EndpointConfig{URL: "http://10.0.0.1:4566"}, "must use https unless its host is loopback"},
		{"a custom http URL to a name ending in localhost is refused", EndpointConfig{URL: "http://localhost.evil.com"}, "must use https unless its host is loopback"},
		{"a custom http URL to 0.0.0.0 is refused", EndpointConfig{URL: "http://0.0.0.0:4566"}, "must use https unless its host is loopback"},
		{"a custom URL with user information is refused without showing the password", EndpointConfig{URL: "https://admin:hunter2@sts.example.com"},
			`endpoint URL "https://[redacted]@sts.example.com": must not contain user information`},
		{"a custom URL with a query is refused", EndpointConfig{URL: "https://sts.example.com/?Action=AssumeRole"}, "must not contain a query: request parameters go in the body"},
		{"a custom URL with an empty query is refused", EndpointConfig{URL: "https://sts.example.com/?"}, "must not contain a query"},
		{"a custom URL with a fragment is refused", EndpointConfig{URL: "https://sts.example.com/#x"}, "must not contain a fragment"},
		{"a custom URL with an empty fragment is refused", EndpointConfig{URL: "https://sts.example.com/#"}, "must not contain a fragment"},
		{"a custom URL without a scheme is refused", EndpointConfig{URL: "sts.example.com"}, "must start with https://"},
		{"a custom URL with another scheme is refused", EndpointConfig{URL: "ftp://sts.example.com"}, "must start with https://"},
		{"a custom URL without a host is refused", EndpointConfig{URL: "https:///path"}, "has no host"},
		{"a custom URL with only a port is refused", EndpointConfig{URL: "https://:443"}, "has no host"},
		{"a custom URL that does not parse is refused without echoing a password", EndpointConfig{URL: "https://u:p w@exa mple.com"},
			`endpoint URL "https://[redacted]@exa mple.com": not a URL`},
		{"a custom URL with a control character is refused", EndpointConfig{URL: "https://example.com/\x7f"}, "not a URL"},
		{"a custom URL whose host holds a bidi override is refused, the override escaped", EndpointConfig{URL: "https://\u202eelpmaxe.com"},
			`endpoint URL "https://\u202eelpmaxe.com": has a host with a character that is not UTF-8 or not printable`},
		{"a custom URL whose host is not UTF-8 is refused", EndpointConfig{URL: "https://%ff.example"}, "not UTF-8 or not printable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ResolveEndpoint(c.cfg)
			if err == nil {
				t.Fatalf("got %+v, want an error", got)
			}
			if got != (Endpoint{}) {
				t.Errorf("got endpoint %+v with the error, want none", got)
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error %q\ndoes not contain %q", err, c.wantErr)
			}
			var ce *EndpointConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not an *EndpointConfigError", err)
			}
			if !IsNonRecoverable(err) {
				t.Error("a configuration error should be non-recoverable")
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "u:p") {
				t.Errorf("error shows a password: %q", err)
			}
			if len(err.Error()) > 400 {
				t.Errorf("error is %d bytes long; a hostile value must be shortened", len(err.Error()))
			}
		})
	}
}

// knownRegions are every region of every partition, some future ones and the partitions'
// global pseudo-regions.
var knownRegions = []string{
	"aws-global", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1",
	"ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "me-west-1",
	"mx-central-1", "sa-east-1", "sa-west-1", "us-east-3", "xx-unknown-1",
	"aws-cn-global", "cn-north-1", "cn-northwest-1", "cn-south-9",
	"eusc-de-east-1", "eusc-de-west-2",
	"aws-iso-global", "us-iso-east-1", "us-iso-west-1", "us-iso-north-5",
	"aws-iso-b-global", "us-isob-east-1", "us-isob-west-1",
	"aws-iso-e-global", "eu-isoe-west-1", "eu-isoe-north-2",
	"aws-iso-f-global", "us-isof-east-1", "us-isof-south-1",
	"aws-us-gov-global", "us-gov-east-1", "us-gov-west-1", "us-gov-north-3",
}

// TestResolveEndpointMatchesSDKRules runs aws-sdk-go-v2's own STS endpoint resolver (a pure
// function; nothing is dialled) over every region of every partition, with and without FIPS,
// dual-stack and legacy mode, and compares URL and signing region.
func TestResolveEndpointMatchesSDKRules(t *testing.T) {
	sdk := sts.NewDefaultEndpointResolverV2()
	for _, region := range knownRegions {
		for _, legacy := range []bool{false, true} {
			for _, fips := range []bool{false, true} {
				for _, ds := range []bool{false, true} {
					params := sts.EndpointParameters{Region: &region, UseFIPS: &fips, UseDualStack: &ds,
						UseGlobalEndpoint: &legacy}
					want, err := sdk.ResolveEndpoint(context.Background(), params)
					if err != nil {
						t.Fatalf("SDK resolver: %s legacy=%v fips=%v ds=%v: %v", region, legacy, fips, ds, err)
					}
					wantRegion := region
					opts, _ := smithyauth.GetAuthOptions(&want.Properties)
					for _, opt := range opts {
						if r, ok := smithyhttp.GetSigV4SigningRegion(&opt.SignerProperties); ok {
							wantRegion = r
						}
					}
					got, err := ResolveEndpoint(EndpointConfig{Region: region, LegacyGlobal: legacy, UseFIPS: fips, UseDualStack: ds})
					if err != nil {
						t.Fatalf("%s legacy=%v fips=%v ds=%v: %v", region, legacy, fips, ds, err)
					}
					if got.URL != want.URI.String() || got.SigningRegion != wantRegion {
						t.Errorf("%s legacy=%v fips=%v ds=%v: got %s signed for %s, SDK %s signed for %s",
							region, legacy, fips, ds, got.URL, got.SigningRegion, want.URI.String(), wantRegion)
					}
				}
			}
		}
	}
}

func TestEndpointConfigFromEnv(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want EndpointConfig
	}{
		{"nothing set gives the zero config", nil, EndpointConfig{}},
		{"AWS_REGION is read", map[string]string{"AWS_REGION": "eu-west-1"}, EndpointConfig{Region: "eu-west-1"}},
		{"AWS_DEFAULT_REGION is read when AWS_REGION is unset", map[string]string{"AWS_DEFAULT_REGION": "eu-west-2"}, EndpointConfig{Region: "eu-west-2"}},
		{"AWS_REGION wins over AWS_DEFAULT_REGION", map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, EndpointConfig{Region: "eu-west-1"}},
		{"an empty AWS_REGION counts as unset", map[string]string{"AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-2"}, EndpointConfig{Region: "eu-west-2"}},
		{"AWS_STS_REGIONAL_ENDPOINTS is read", map[string]string{"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, EndpointConfig{LegacyGlobal: true}},
		{"AWS_STS_REGIONAL_ENDPOINTS=regional is the default", map[string]string{"AWS_STS_REGIONAL_ENDPOINTS": "regional"}, EndpointConfig{}},
		{"AWS_USE_FIPS_ENDPOINT=true is read", map[string]string{"AWS_USE_FIPS_ENDPOINT": "true"}, EndpointConfig{UseFIPS: true}},
		{"AWS_USE_FIPS_ENDPOINT is case-insensitive", map[string]string{"AWS_USE_FIPS_ENDPOINT": "TRUE"}, EndpointConfig{UseFIPS: true}},
		{"AWS_USE_FIPS_ENDPOINT=false is read", map[string]string{"AWS_USE_FIPS_ENDPOINT": "False"}, EndpointConfig{}},
		{"AWS_USE_DUALSTACK_ENDPOINT=true is read", map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "True"}, EndpointConfig{UseDualStack: true}},
		{"AWS_ENDPOINT_URL is read", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, EndpointConfig{URL: "http://127.0.0.1:1"}},
		{"AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL",
			map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.2:2"}, EndpointConfig{URL: "http://127.0.0.2:2"}},
		{"an empty AWS_ENDPOINT_URL_STS counts as unset",
			map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_STS": ""}, EndpointConfig{URL: "http://127.0.0.1:1"}},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores both endpoint URLs",
			map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.2:2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, EndpointConfig{}},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false keeps them",
			map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"}, EndpointConfig{URL: "http://127.0.0.1:1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := endpointConfigFromEnv(mapEnv(c.env))
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
	bad := []struct{ name, variable, value, wantErr string }{
		{"an unknown AWS_STS_REGIONAL_ENDPOINTS value is refused as botocore refuses it", "AWS_STS_REGIONAL_ENDPOINTS", "LEGACY",
			`credentials: STS endpoint: AWS_STS_REGIONAL_ENDPOINTS "LEGACY": valid values are "legacy" and "regional"`},
		{"a FIPS setting other than true or false is an error, not false", "AWS_USE_FIPS_ENDPOINT", "yes",
			`credentials: STS endpoint: AWS_USE_FIPS_ENDPOINT "yes": want "true" or "false"`},
		{"a dual-stack setting of 1 is an error", "AWS_USE_DUALSTACK_ENDPOINT", "1", `AWS_USE_DUALSTACK_ENDPOINT "1": want "true" or "false"`},
		{"an ignore-endpoints setting with spaces is an error", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", " true", `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS " true"`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := endpointConfigFromEnv(mapEnv(map[string]string{c.variable: c.value}))
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("got error %v, want one containing %q", err, c.wantErr)
			}
			if !IsNonRecoverable(err) {
				t.Error("want a non-recoverable error")
			}
		})
	}
}

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// FuzzResolveEndpoint checks that whatever the region and custom URL, ResolveEndpoint either
// refuses them or returns an endpoint whose host is made of valid labels with the region as
// exactly one of them, and that a custom endpoint is https or loopback without user
// information, query or fragment.
func FuzzResolveEndpoint(f *testing.F) {
	for _, s := range []struct {
		region, url string
		mode        uint8
	}{
		{"us-east-1", "", 0}, {"us-east-1.evil.com", "", 1}, {"../x", "", 2}, {"us-gov-west-1-fips", "", 3},
		{"", "https://sts.example.com/base", 0}, {"eu-west-1", "http://127.0.0.1:4566", 1},
		{"cn-north-1", "http://[::1]:80", 7}, {"", "https://u:p@h", 0}, {"", "http://localhost.evil.com", 0},
		{"", "https://ünïcode.example/a%20b", 0}, {"", "https://[fe80::1%25en0]:8443/", 0},
	} {
		f.Add(s.region, s.url, s.mode)
	}
	f.Fuzz(func(t *testing.T, region, rawURL string, mode uint8) {
		cfg := EndpointConfig{Region: region, URL: rawURL, UseFIPS: mode&1 != 0, UseDualStack: mode&2 != 0}
		if mode&4 != 0 {
			cfg.LegacyGlobal = true
		}
		ep, err := ResolveEndpoint(cfg)
		if err != nil {
			if ep != (Endpoint{}) {
				t.Fatalf("endpoint %+v returned with error %v", ep, err)
			}
			return
		}
		u, perr := url.Parse(ep.URL)
		if perr != nil {
			t.Fatalf("endpoint URL %q does not parse: %v", ep.URL, perr)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "" {
			t.Fatalf("endpoint URL %q has user info, a query, a fragment or no host", ep.URL)
		}
		if ep.Custom {
			if u.Scheme != "https" && !isLoopbackHost(u.Hostname()) {
				t.Fatalf("custom endpoint %q is plain http to a non-loopback host", ep.URL)
			}
			if given, _ := url.Parse(rawURL); u.Host != given.Host || u.Path != given.Path {
				t.Fatalf("custom endpoint %q is not where %q points", ep.URL, rawURL)
			}
			return
		}
		if u.Scheme != "https" || u.Path != "" || u.Port() != "" {
			t.Fatalf("resolved endpoint %q is not https://host", ep.URL)
		}
		labels := strings.Split(u.Host, ".")
		if ep.URL != globalEndpointURL && (len(labels) < 3 || labels[1] != ep.SigningRegion) {
			t.Fatalf("region %q is not exactly the second label of %q", ep.SigningRegion, u.Host)
		}
		for _, l := range labels {
			if validRegion(l) != nil || l == "" {
				t.Fatalf("host %q has an invalid label %q", u.Host, l)
			}
		}
	})
}

// botocoreScript prints, for each environment given as a JSON list on stdin, the STS endpoint
// and signing region botocore 1.43 resolves (no request is sent), and the legacy region list.
const botocoreScript = `
import json, os, sys
import botocore, botocore.session, botocore.args
cases = json.load(sys.stdin)
out = {"version": botocore.__version__, "legacy": sorted(botocore.args.LEGACY_GLOBAL_STS_REGIONS), "results": []}
for env in cases:
    for k in list(os.environ):
        if k.startswith("AWS_"):
            del os.environ[k]
    os.environ.update(env)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    try:
        c = botocore.session.get_session().create_client("sts", aws_access_key_id="a", aws_secret_access_key="b")
        ep = c._ruleset_resolver.construct_endpoint(operation_model=c.meta.service_model.operation_model("GetCallerIdentity"), call_args={}, request_context={})
        region = c.meta.region_name
        for s in ep.properties.get("authSchemes") or []:
            region = s.get("signingRegion", region)
        out["results"].append({"url": ep.url, "region": region})
    except Exception as e:
        out["results"].append({"error": type(e).__name__})
json.dump(out, sys.stdout)
`

// TestResolveEndpointMatchesBotocore runs botocore 1.43 (the AWS CLI's library) over the same
// environments and compares endpoints and signing regions; it also checks botocore's default
// for sts_regional_endpoints and its legacy global region list. Environments where we differ on
// purpose are in TestResolveEndpoint and TestResolveEndpointErrors, named so.
func TestResolveEndpointMatchesBotocore(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		peers.Missing(t, "python3 not on PATH")
	}
	if out, err := exec.Command(py, "-c", "import botocore").CombinedOutput(); err != nil {
		peers.Missing(t, "python3 cannot import botocore: %v: %s", err, out)
	}
	envs := []map[string]string{
		{"AWS_DEFAULT_REGION": "us-west-2"},
		{"AWS_DEFAULT_REGION": "us-east-1"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_STS_REGIONAL_ENDPOINTS": "regional"},
		{"AWS_DEFAULT_REGION": "ap-east-1", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
		{"AWS_DEFAULT_REGION": "eu-south-2", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_USE_FIPS_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_USE_DUALSTACK_ENDPOINT": "TRUE", "AWS_USE_FIPS_ENDPOINT": "True"},
		{"AWS_DEFAULT_REGION": "aws-global"},
		{"AWS_DEFAULT_REGION": "aws-global", "AWS_USE_FIPS_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "aws-us-gov-global"},
		{"AWS_DEFAULT_REGION": "us-east-1-fips"},
		{"AWS_DEFAULT_REGION": "fips-us-east-1"},
		{"AWS_DEFAULT_REGION": "us-gov-west-1-fips"},
		{"AWS_DEFAULT_REGION": "us-gov-west-1", "AWS_USE_FIPS_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "us-gov-east-1", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "cn-north-1", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
		{"AWS_DEFAULT_REGION": "cn-northwest-1", "AWS_USE_DUALSTACK_ENDPOINT": "true", "AWS_USE_FIPS_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "eusc-de-east-1", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "us-iso-east-1", "AWS_USE_FIPS_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "us-isob-east-1", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
		{"AWS_DEFAULT_REGION": "eu-isoe-west-1"},
		// (botocore refuses dual-stack in aws-iso-f when creating the client, from its older
		// endpoints.json, while the endpoint rules and aws-sdk-go-v2 resolve it; we follow the rules.)
		{"AWS_DEFAULT_REGION": "us-isof-south-1"},
		{"AWS_DEFAULT_REGION": "xx-foo-1"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.2:2"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_ENDPOINT_URL_STS": "https://sts.example.com", "AWS_USE_FIPS_ENDPOINT": "true"},
		{"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
		{"AWS_DEFAULT_REGION": "us-east-1.evil.com"},
		{"AWS_DEFAULT_REGION": "us-west-2", "AWS_STS_REGIONAL_ENDPOINTS": "LEGACY"},
	}
	input, _ := json.Marshal(envs)
	cmd := exec.Command(py, "-c", botocoreScript)
	cmd.Stdin = bytes.NewReader(input)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore script: %v", err)
	}
	var got struct {
		Version string
		Legacy  []string
		Results []struct{ URL, Region, Error string }
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("botocore output %q: %v", raw, err)
	}
	t.Logf("botocore %s", got.Version)
	// LegacyGlobal is the endpoint rules' UseGlobalEndpoint: its regions must be botocore's.
	legacy := map[string]bool{}
	for _, r := range got.Legacy {
		legacy[r] = true
	}
	for _, r := range append(append([]string(nil), knownRegions...), got.Legacy...) {
		ep, err := ResolveEndpoint(EndpointConfig{Region: r, LegacyGlobal: true})
		if err != nil {
			t.Errorf("legacy mode, %s: %v", r, err)
		} else if global := ep.URL == globalEndpointURL; global != legacy[r] {
			t.Errorf("legacy mode, %s: global endpoint %v, botocore %v (botocore's list: %v)", r, global, legacy[r], got.Legacy)
		}
	}
	for i, env := range envs {
		bc := got.Results[i]
		cfg, err := endpointConfigFromEnv(mapEnv(env))
		var ep Endpoint
		if err == nil {
			ep, err = ResolveEndpoint(cfg)
		}
		switch {
		case bc.Error != "" && err == nil:
			t.Errorf("%v: botocore refuses (%s), we resolve %+v", env, bc.Error, ep)
		case bc.Error == "" && err != nil:
			t.Errorf("%v: botocore resolves %s, we refuse: %v", env, bc.URL, err)
		case err == nil && (strings.TrimSuffix(ep.URL, "/") != strings.TrimSuffix(bc.URL, "/") || ep.SigningRegion != bc.Region):
			t.Errorf("%v: ours %s signed for %s, botocore %s signed for %s", env, ep.URL, ep.SigningRegion, bc.URL, bc.Region)
		}
	}
}
