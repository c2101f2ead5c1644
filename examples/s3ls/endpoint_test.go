package main

import (
	"strings"
	"testing"
)

func TestEndpointPrecedenceFollowsTheAWSCLI(t *testing.T) {
	env := map[string]string{
		"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1001",
		"AWS_ENDPOINT_URL":    "http://127.0.0.1:1002",
	}
	cases := []struct {
		name       string
		flag       string
		env        map[string]string
		config     string
		wantURL    string
		wantSource string
		wantCustom bool
	}{
		{"--endpoint-url beats everything", "http://127.0.0.1:1000", env, "http://127.0.0.1:1003", "http://127.0.0.1:1000", "--endpoint-url", true},
		{"AWS_ENDPOINT_URL_S3 beats AWS_ENDPOINT_URL and the config", "", env, "http://127.0.0.1:1003", "http://127.0.0.1:1001", "AWS_ENDPOINT_URL_S3", true},
		{"AWS_ENDPOINT_URL beats the config", "", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1002"}, "http://127.0.0.1:1003", "http://127.0.0.1:1002", "AWS_ENDPOINT_URL", true},
		{"the config's services section is used when nothing else is set", "", nil, "http://127.0.0.1:1003", "http://127.0.0.1:1003", "profile config", true},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores env and config but not the flag", "http://127.0.0.1:1000",
			map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1001"}, "", "http://127.0.0.1:1000", "--endpoint-url", true},
		{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true falls back to the region's endpoint", "",
			map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1001"}, "http://127.0.0.1:1003", "https://s3.eu-west-1.amazonaws.com", "the default for region eu-west-1", false},
		{"a trailing slash on a custom endpoint is dropped", "https://minio.example.com:9000/", nil, "", "https://minio.example.com:9000", "--endpoint-url", true},
		{"a custom endpoint may have a path", "https://gw.example.com/s3/", nil, "", "https://gw.example.com/s3", "--endpoint-url", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ep, err := resolveS3Endpoint(endpointInputs{Region: "eu-west-1", FlagURL: tc.flag, Getenv: func(k string) string { return tc.env[k] },
				ConfigURL: tc.config, ConfigSource: "profile config"})
			if err != nil {
				t.Fatal(err)
			}
			if ep.Base.String() != tc.wantURL || ep.Source != tc.wantSource || ep.Custom != tc.wantCustom {
				t.Errorf("got %s from %q (custom %v), want %s from %q (custom %v)", ep.Base, ep.Source, ep.Custom, tc.wantURL, tc.wantSource, tc.wantCustom)
			}
		})
	}
}

func TestBadEndpointsAreRefused(t *testing.T) {
	cases := []struct{ name, url, want string }{
		{"plain http to a remote host would expose the session token", "http://minio.internal:9000", "uses plain http to a host that is not loopback"},
		{"a URL without a scheme", "s3.example.com", "is not an endpoint URL"},
		{"an ftp URL", "ftp://127.0.0.1/", "is not an endpoint URL"},
		{"user info in the URL", "https://user:pw@s3.example.com", "may not contain user info"},
		{"a query in the URL", "https://s3.example.com/?x=1", "may not contain user info, a query or a fragment"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolveS3Endpoint(endpointInputs{Region: "us-east-1", FlagURL: tc.url})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "--endpoint-url: ") {
				t.Fatalf("error %v, want one naming --endpoint-url and saying %q", err, tc.want)
			}
			if strings.Contains(tc.url, "pw@") && strings.Contains(err.Error(), "pw") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
	for _, ok := range []string{"http://127.0.0.1:9000", "http://localhost:4566", "http://[::1]:9000", "http://127.9.9.9"} {
		if _, err := resolveS3Endpoint(endpointInputs{Region: "us-east-1", FlagURL: ok}); err != nil {
			t.Errorf("%s: %v (plain http to loopback is allowed)", ok, err)
		}
	}
}

// The expected hosts are what botocore 1.43 sends ListObjectsV2 to (captured with its
// before-send event) for a bucket named my-bucket, and for ListBuckets.
func TestDefaultEndpointsMatchBotocore(t *testing.T) {
	cases := []struct {
		name, region            string
		fips, dual, regional    bool
		wantBucket, wantBucket2 string // my-bucket, my.bucket
		wantService             string
	}{
		{name: "us-east-1 uses the global endpoint", region: "us-east-1",
			wantBucket: "https://my-bucket.s3.amazonaws.com/", wantBucket2: "https://s3.amazonaws.com/my.bucket", wantService: "https://s3.amazonaws.com/"},
		{name: "us-east-1 with AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=regional", region: "us-east-1", regional: true,
			wantBucket: "https://my-bucket.s3.us-east-1.amazonaws.com/", wantBucket2: "https://s3.us-east-1.amazonaws.com/my.bucket", wantService: "https://s3.us-east-1.amazonaws.com/"},
		{name: "eu-west-1", region: "eu-west-1",
			wantBucket: "https://my-bucket.s3.eu-west-1.amazonaws.com/", wantBucket2: "https://s3.eu-west-1.amazonaws.com/my.bucket", wantService: "https://s3.eu-west-1.amazonaws.com/"},
		{name: "China", region: "cn-north-1",
			wantBucket: "https://my-bucket.s3.cn-north-1.amazonaws.com.cn/", wantBucket2: "https://s3.cn-north-1.amazonaws.com.cn/my.bucket", wantService: "https://s3.cn-north-1.amazonaws.com.cn/"},
		{name: "GovCloud", region: "us-gov-west-1",
			wantBucket: "https://my-bucket.s3.us-gov-west-1.amazonaws.com/", wantBucket2: "https://s3.us-gov-west-1.amazonaws.com/my.bucket", wantService: "https://s3.us-gov-west-1.amazonaws.com/"},
		{name: "ISO", region: "us-iso-east-1", wantBucket: "https://my-bucket.s3.us-iso-east-1.c2s.ic.gov/", wantBucket2: "https://s3.us-iso-east-1.c2s.ic.gov/my.bucket", wantService: "https://s3.us-iso-east-1.c2s.ic.gov/"},
		{name: "ISO-B", region: "us-isob-east-1", wantBucket: "https://my-bucket.s3.us-isob-east-1.sc2s.sgov.gov/", wantBucket2: "https://s3.us-isob-east-1.sc2s.sgov.gov/my.bucket", wantService: "https://s3.us-isob-east-1.sc2s.sgov.gov/"},
		{name: "ISO-E", region: "eu-isoe-west-1", wantBucket: "https://my-bucket.s3.eu-isoe-west-1.cloud.adc-e.uk/", wantBucket2: "https://s3.eu-isoe-west-1.cloud.adc-e.uk/my.bucket", wantService: "https://s3.eu-isoe-west-1.cloud.adc-e.uk/"},
		{name: "ISO-F", region: "us-isof-south-1", wantBucket: "https://my-bucket.s3.us-isof-south-1.csp.hci.ic.gov/", wantBucket2: "https://s3.us-isof-south-1.csp.hci.ic.gov/my.bucket", wantService: "https://s3.us-isof-south-1.csp.hci.ic.gov/"},
		{name: "European Sovereign Cloud", region: "eusc-de-east-1", wantBucket: "https://my-bucket.s3.eusc-de-east-1.amazonaws.eu/", wantBucket2: "https://s3.eusc-de-east-1.amazonaws.eu/my.bucket", wantService: "https://s3.eusc-de-east-1.amazonaws.eu/"},
		{name: "dual-stack", region: "us-west-2", dual: true, wantBucket: "https://my-bucket.s3.dualstack.us-west-2.amazonaws.com/", wantBucket2: "https://s3.dualstack.us-west-2.amazonaws.com/my.bucket", wantService: "https://s3.dualstack.us-west-2.amazonaws.com/"},
		{name: "FIPS", region: "us-west-2", fips: true, wantBucket: "https://my-bucket.s3-fips.us-west-2.amazonaws.com/", wantBucket2: "https://s3-fips.us-west-2.amazonaws.com/my.bucket", wantService: "https://s3-fips.us-west-2.amazonaws.com/"},
		{name: "FIPS and dual-stack", region: "us-west-2", fips: true, dual: true, wantBucket: "https://my-bucket.s3-fips.dualstack.us-west-2.amazonaws.com/", wantBucket2: "https://s3-fips.dualstack.us-west-2.amazonaws.com/my.bucket", wantService: "https://s3-fips.dualstack.us-west-2.amazonaws.com/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			if tc.fips {
				env["AWS_USE_FIPS_ENDPOINT"] = "true"
			}
			if tc.dual {
				env["AWS_USE_DUALSTACK_ENDPOINT"] = "true"
			}
			if tc.regional {
				env["AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"] = "regional"
			}
			ep, err := resolveS3Endpoint(endpointInputs{Region: tc.region, Getenv: func(k string) string { return env[k] }})
			if err != nil {
				t.Fatal(err)
			}
			if got := ep.bucketURL("my-bucket", false).String(); got != tc.wantBucket {
				t.Errorf("my-bucket: %s, want %s", got, tc.wantBucket)
			}
			if got := ep.bucketURL("my.bucket", false).String(); got != tc.wantBucket2 {
				t.Errorf("my.bucket: %s, want %s", got, tc.wantBucket2)
			}
			if got := ep.serviceURL().String(); got != tc.wantService {
				t.Errorf("ListBuckets: %s, want %s", got, tc.wantService)
			}
		})
	}
}

func TestAddressingStyle(t *testing.T) {
	aws, _ := resolveS3Endpoint(endpointInputs{Region: "eu-west-1"})
	custom, _ := resolveS3Endpoint(endpointInputs{Region: "eu-west-1", FlagURL: "https://minio.example.com/base"})
	cases := []struct {
		name      string
		ep        s3Endpoint
		bucket    string
		pathStyle bool
		want      string
	}{
		{"a DNS-compatible bucket is virtual-hosted", aws, "logs-2026", false, "https://logs-2026.s3.eu-west-1.amazonaws.com/"},
		{"--path-style puts the bucket in the path", aws, "logs-2026", true, "https://s3.eu-west-1.amazonaws.com/logs-2026"},
		{"dots over https need path style (the certificate covers one label)", aws, "www.example.com", false, "https://s3.eu-west-1.amazonaws.com/www.example.com"},
		{"upper case needs path style", aws, "Legacy", false, "https://s3.eu-west-1.amazonaws.com/Legacy"},
		{"underscores need path style", aws, "legacy_bucket", false, "https://s3.eu-west-1.amazonaws.com/legacy_bucket"},
		{"a two-letter name needs path style", aws, "ab", false, "https://s3.eu-west-1.amazonaws.com/ab"},
		{"an IP-shaped name needs path style", aws, "192.168.1.1", false, "https://s3.eu-west-1.amazonaws.com/192.168.1.1"},
		{"a name ending in a dash needs path style", aws, "bucket-", false, "https://s3.eu-west-1.amazonaws.com/bucket-"},
		{"a custom endpoint is always path style, under its path", custom, "logs-2026", false, "https://minio.example.com/base/logs-2026"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ep.bucketURL(tc.bucket, tc.pathStyle).String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if !virtualHostable("a.b.c", false) {
		t.Error("dots are fine over plain http")
	}
}

func TestRegionsThatAreNotDNSLabelsAreRefused(t *testing.T) {
	for _, region := range []string{"", "eu-west-1.evil.com", "EU-WEST-1", "-eu", "eu/west", strings.Repeat("a", 64)} {
		_, err := resolveS3Endpoint(endpointInputs{Region: region})
		if err == nil || !strings.Contains(err.Error(), "is not a valid region name") {
			t.Errorf("region %q: %v", region, err)
		}
	}
}
