package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/irsa-go/irsa/internal/redact"
)

// s3Endpoint is where S3 requests go.
type s3Endpoint struct {
	// Base is scheme://host[:port][/path] with no trailing slash. For path-style requests the
	// bucket is appended to its path; for virtual-hosted ones it is prepended to its host.
	Base *url.URL
	// Custom is true when the endpoint was configured (flag, environment or config file) rather
	// than derived from the region. Custom endpoints are addressed path-style.
	Custom bool
	// Source says where the endpoint came from, for --explain and --debug.
	Source string
}

// endpointInputs are what S3 endpoint resolution reads. They are plain values so resolution is
// a pure function.
type endpointInputs struct {
	Region string
	// FlagURL is --endpoint-url.
	FlagURL string
	// Getenv reads AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS,
	// AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT and AWS_S3_US_EAST_1_REGIONAL_ENDPOINT.
	Getenv func(string) string
	// ConfigURL is the endpoint for S3 from the shared config (the profile's services section,
	// or its endpoint_url), as the credential chain resolved it; "" when none.
	ConfigURL    string
	ConfigSource string
	// ChainResolved is true when ConfigURL is chain's whole answer (chain.Result.ServiceEndpointURL:
	// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the services section, endpoint_url, with both the
	// variable and the profile key that ignore them). Then Getenv is not read for endpoint URLs.
	ChainResolved bool
}

// resolveS3Endpoint picks the endpoint in the AWS CLI's order: --endpoint-url, then
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then the shared config (all three skipped when
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else the region's S3 endpoint in its partition.
func resolveS3Endpoint(in endpointInputs) (s3Endpoint, error) {
	getenv := in.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	type candidate struct{ url, source string }
	candidates := []candidate{{in.FlagURL, "--endpoint-url"}}
	switch {
	case in.ChainResolved:
		candidates = append(candidates, candidate{in.ConfigURL, in.ConfigSource})
	case !strings.EqualFold(strings.TrimSpace(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")), "true"):
		candidates = append(candidates,
			candidate{getenv("AWS_ENDPOINT_URL_S3"), "AWS_ENDPOINT_URL_S3"},
			candidate{getenv("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"},
			candidate{in.ConfigURL, in.ConfigSource},
		)
	}
	for _, c := range candidates {
		if strings.TrimSpace(c.url) == "" {
			continue
		}
		u, err := parseCustomEndpoint(c.url)
		if err != nil {
			return s3Endpoint{}, fmt.Errorf("%s: %w", c.source, err)
		}
		return s3Endpoint{Base: u, Custom: true, Source: c.source}, nil
	}
	host, err := defaultS3Host(in.Region, envBool(getenv, "AWS_USE_FIPS_ENDPOINT"), envBool(getenv, "AWS_USE_DUALSTACK_ENDPOINT"),
		strings.EqualFold(strings.TrimSpace(getenv("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT")), "regional"))
	if err != nil {
		return s3Endpoint{}, err
	}
	return s3Endpoint{Base: &url.URL{Scheme: "https", Host: host}, Source: "the default for region " + in.Region}, nil
}

func envBool(getenv func(string) string, name string) bool {
	return strings.EqualFold(strings.TrimSpace(getenv(name)), "true")
}

// parseCustomEndpoint checks a configured endpoint URL. Requests carry a session token, so plain
// http is allowed only to a loopback host.
func parseCustomEndpoint(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("%q is not an endpoint URL such as https://s3.example.com or http://127.0.0.1:9000", redact.Clip(raw, 80))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q: an endpoint URL may not contain user info, a query or a fragment", redact.Clip(u.Redacted(), 80))
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%q uses plain http to a host that is not loopback; the session token would cross the network unencrypted, so s3ls requires https there", redact.Clip(raw, 80))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// partitionSuffix maps a region to its partition's DNS suffix, by the region name prefixes AWS
// uses (botocore's partitions.json regionRegex).
func partitionSuffix(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-isob-"):
		return "sc2s.sgov.gov"
	case strings.HasPrefix(region, "us-isof-"), strings.HasPrefix(region, "eu-isof-"):
		return "csp.hci.ic.gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "c2s.ic.gov"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "cloud.adc-e.uk"
	case strings.HasPrefix(region, "eusc-"):
		return "amazonaws.eu"
	default:
		return "amazonaws.com"
	}
}

// validRegion reports whether region can be a DNS label: a region must never turn into an
// arbitrary host name.
func validRegion(region string) bool {
	if region == "" || len(region) > 63 || region[0] == '-' || region[len(region)-1] == '-' {
		return false
	}
	for _, c := range region {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// defaultS3Host is the S3 host for region as botocore 1.43 builds it: s3.amazonaws.com for
// us-east-1 (and aws-global) unless the regional endpoint is asked for,
// s3.REGION.SUFFIX elsewhere, with s3-fips / s3.dualstack variants.
func defaultS3Host(region string, fips, dualStack, usEast1Regional bool) (string, error) {
	if region == "aws-global" {
		region = "us-east-1"
	}
	if !validRegion(region) {
		return "", fmt.Errorf("region %q is not a valid region name such as us-east-1", redact.Clip(region, 40))
	}
	service := "s3"
	if fips {
		service = "s3-fips"
	}
	if dualStack {
		service += ".dualstack"
	}
	if region == "us-east-1" && !fips && !dualStack && !usEast1Regional {
		return "s3.amazonaws.com", nil
	}
	return service + "." + region + "." + partitionSuffix(region), nil
}

// validBucketName accepts what botocore's validate_bucket_name accepts: 1 to 255 characters
// from letters, digits, '.', '-' and '_' (legacy us-east-1 buckets may have upper case and
// underscores).
func validBucketName(name string) bool {
	if name == "" || len(name) > 255 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// virtualHostable reports whether bucket can be a DNS label prefix of the S3 host: 3 to 63
// characters of lower-case letters, digits, '-' and '.', starting and ending with a letter or
// digit, no "..", not shaped like an IP address; over https no dots either, because the
// certificate's wildcard covers one label only.
func virtualHostable(bucket string, https bool) bool {
	if len(bucket) < 3 || len(bucket) > 63 || strings.Contains(bucket, "..") {
		return false
	}
	if https && strings.Contains(bucket, ".") {
		return false
	}
	if net.ParseIP(bucket) != nil {
		return false
	}
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !isAlnum(bucket[0]) || !isAlnum(bucket[len(bucket)-1]) {
		return false
	}
	for i := 0; i < len(bucket); i++ {
		c := bucket[i]
		if !isAlnum(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// bucketURL is the URL of bucket's root ("/" of the virtual host, or "/bucket" path-style).
func (e s3Endpoint) bucketURL(bucket string, forcePathStyle bool) *url.URL {
	u := *e.Base
	if !forcePathStyle && !e.Custom && virtualHostable(bucket, u.Scheme == "https") {
		u.Host = bucket + "." + u.Host
		u.Path += "/"
		return &u
	}
	u.Path += "/" + bucket
	return &u
}

// serviceURL is the URL for ListBuckets.
func (e s3Endpoint) serviceURL() *url.URL {
	u := *e.Base
	u.Path += "/"
	return &u
}
