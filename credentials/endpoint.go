package credentials

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/irsa-go/irsa/internal/redact"
)

// Values of EndpointConfig.RegionalEndpoints, as in AWS_STS_REGIONAL_ENDPOINTS and the shared
// config file's sts_regional_endpoints.
const (
	// RegionalEndpointsLegacy sends requests from the sixteen regions that used the global
	// endpoint before regional endpoints existed (and from the pseudo-region aws-global) to
	// https://sts.amazonaws.com, signed for us-east-1. Every other region uses its own endpoint.
	RegionalEndpointsLegacy = "legacy"
	// RegionalEndpointsRegional sends every request to the configured region's endpoint. It is
	// the default, as in botocore 1.43 and the AWS CLI.
	RegionalEndpointsRegional = "regional"
)

// Environment variables read by EndpointConfigFromEnv.
const (
	EnvRegion                       = "AWS_REGION"
	EnvDefaultRegion                = "AWS_DEFAULT_REGION"
	EnvSTSRegionalEndpoints         = "AWS_STS_REGIONAL_ENDPOINTS"
	EnvUseFIPSEndpoint              = "AWS_USE_FIPS_ENDPOINT"
	EnvUseDualStackEndpoint         = "AWS_USE_DUALSTACK_ENDPOINT"
	EnvEndpointURLSTS               = "AWS_ENDPOINT_URL_STS"
	EnvEndpointURL                  = "AWS_ENDPOINT_URL"
	EnvIgnoreConfiguredEndpointURLs = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
)

// GlobalEndpointURL is the STS global endpoint.
const GlobalEndpointURL = "https://sts.amazonaws.com"

// EndpointConfig holds everything that decides where STS requests go. ResolveEndpoint turns it
// into an Endpoint without reading the environment; EndpointConfigFromEnv fills it from the
// environment.
type EndpointConfig struct {
	// Region is the AWS region, such as "eu-west-1". It may be empty only when URL is set or
	// RegionalEndpoints is "legacy" (then the global endpoint is used). The deprecated
	// FIPS pseudo-regions ("fips-us-east-1", "us-east-1-fips") select the FIPS endpoint of the
	// region they name, as in botocore.
	Region string
	// RegionalEndpoints is "legacy", "regional" or empty, which means "regional" (botocore
	// 1.43's default).
	RegionalEndpoints string
	// UseFIPS selects the FIPS endpoint (sts-fips.REGION...; in GovCloud the regional endpoint,
	// which is FIPS already).
	UseFIPS bool
	// UseDualStack selects the dual-stack (IPv4 and IPv6) endpoint, such as
	// sts.REGION.api.aws.
	UseDualStack bool
	// URL is a custom endpoint, such as "https://sts.example.internal" or
	// "http://127.0.0.1:4566". It must be https unless its host is loopback (127.0.0.0/8, ::1,
	// localhost), and must not carry user information, a query or a fragment. When set, it wins
	// over RegionalEndpoints, UseFIPS and UseDualStack, as in botocore (aws-sdk-go-v2 instead
	// refuses FIPS or dual-stack with a custom endpoint).
	URL string
}

// Endpoint is where STS requests go and how they are signed.
type Endpoint struct {
	// URL is the endpoint, such as "https://sts.eu-west-1.amazonaws.com".
	URL string
	// SigningRegion is the region SigV4 signatures are made for: us-east-1 for the global
	// endpoint, the region otherwise. For a custom URL it is the configured region, or
	// us-east-1 when none is configured.
	SigningRegion string
	// Partition is the AWS partition of the region, such as "aws", "aws-cn" or "aws-us-gov";
	// empty for a custom URL without a region.
	Partition string
	// Custom is true when URL came from EndpointConfig.URL.
	Custom bool
}

// EndpointConfigError reports a region, endpoint URL or setting from which no STS endpoint can be
// made. It is non-recoverable: only a change of configuration fixes it. The Value it shows is
// shortened, and a URL's user information is never shown.
type EndpointConfigError struct {
	// Setting names what is wrong, such as "region", "endpoint URL" or "AWS_USE_FIPS_ENDPOINT".
	Setting string
	// Value is the offending value, quoted in Error and shortened; empty when the setting is
	// missing.
	Value string
	// Reason says what is wrong and what to do.
	Reason string
}

// Error implements error.
func (e *EndpointConfigError) Error() string {
	if e.Value == "" {
		return "credentials: STS endpoint: " + e.Setting + ": " + e.Reason
	}
	return fmt.Sprintf("credentials: STS endpoint: %s %q: %s", e.Setting, truncate(e.Value, 64), e.Reason)
}

// NonRecoverable reports true: retrying does not fix a configuration error.
func (e *EndpointConfigError) NonRecoverable() bool { return true }

// partition describes one AWS partition, with the values of aws-sdk-go-v2's and botocore's
// partitions.json (identical in aws-sdk-go-v2 1.48.0 and botocore 1.43).
type partition struct {
	id                 string
	dnsSuffix          string
	dualStackDNSSuffix string
	// regionRegex matches the partition's region names.
	regionRegex *regexp.Regexp
	// globalRegion is the partition's pseudo-region that is listed explicitly (it matches no
	// regex), such as "aws-global".
	globalRegion string
}

// partitions is in partitions.json's order, which decides the match when two regexes would.
var partitions = []partition{
	{"aws", "amazonaws.com", "api.aws", regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`), "aws-global"},
	{"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", regexp.MustCompile(`^cn\-\w+\-\d+$`), "aws-cn-global"},
	{"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", regexp.MustCompile(`^eusc\-(de)\-\w+\-\d+$`), ""},
	{"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", regexp.MustCompile(`^us\-iso\-\w+\-\d+$`), "aws-iso-global"},
	{"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", regexp.MustCompile(`^us\-isob\-\w+\-\d+$`), "aws-iso-b-global"},
	{"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", regexp.MustCompile(`^eu\-isoe\-\w+\-\d+$`), "aws-iso-e-global"},
	{"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", regexp.MustCompile(`^us\-isof\-\w+\-\d+$`), "aws-iso-f-global"},
	{"aws-us-gov", "amazonaws.com", "api.aws", regexp.MustCompile(`^us\-gov\-\w+\-\d+$`), "aws-us-gov-global"},
}

// partitionOf returns the partition of region as the endpoint rules' aws.partition function
// does: an explicitly listed region first, then the first regex that matches, else "aws".
func partitionOf(region string) *partition {
	for i := range partitions {
		if partitions[i].globalRegion == region {
			return &partitions[i]
		}
	}
	for i := range partitions {
		if partitions[i].regionRegex.MatchString(region) {
			return &partitions[i]
		}
	}
	return &partitions[0]
}

// legacyGlobalRegions are the regions that use the global endpoint when RegionalEndpoints is
// "legacy": botocore 1.43's LEGACY_GLOBAL_STS_REGIONS, the same list as in STS's endpoint rules
// and in the AWS SDKs and Tools Reference Guide.
var legacyGlobalRegions = map[string]bool{
	"ap-northeast-1": true, "ap-south-1": true, "ap-southeast-1": true, "ap-southeast-2": true,
	"aws-global": true, "ca-central-1": true, "eu-central-1": true, "eu-north-1": true,
	"eu-west-1": true, "eu-west-2": true, "eu-west-3": true, "sa-east-1": true,
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
}

// ResolveEndpoint returns the STS endpoint for cfg, following STS's endpoint rules (the
// endpoint-rule-set of botocore 1.43 and aws-sdk-go-v2's service/sts) and botocore's choices
// where the two differ:
//
//   - a custom URL wins over everything else;
//   - "legacy" sends the legacy global regions (and aws-global) to https://sts.amazonaws.com,
//     signed for us-east-1, unless FIPS or dual-stack is on;
//   - the region aws-global always means the global endpoint, unless FIPS or dual-stack is on;
//   - FIPS gives https://sts-fips.REGION.DNS-SUFFIX, except in aws-us-gov where the regional
//     endpoint is FIPS already; dual-stack gives https://sts.REGION.DUAL-STACK-SUFFIX (api.aws in
//     aws and aws-us-gov); both give https://sts-fips.REGION.DUAL-STACK-SUFFIX;
//   - otherwise https://sts.REGION.DNS-SUFFIX.
//
// A region that is not a single lower-case DNS label is an error and never becomes part of a
// host name. An empty region is an error unless URL is set or RegionalEndpoints is "legacy",
// in which case the global endpoint is used as botocore uses it for a client without a region.
// (botocore also uses the global endpoint without a region in "regional" mode; we refuse,
// because "regional" asks for a region's endpoint and there is none to give.)
func ResolveEndpoint(cfg EndpointConfig) (Endpoint, error) {
	switch cfg.RegionalEndpoints {
	case "", RegionalEndpointsLegacy, RegionalEndpointsRegional:
	default:
		return Endpoint{}, &EndpointConfigError{Setting: "sts_regional_endpoints", Value: cfg.RegionalEndpoints,
			Reason: `valid values are "legacy" and "regional"`}
	}
	region, fipsRegion, err := canonicalRegion(cfg.Region)
	if err != nil {
		return Endpoint{}, err
	}
	if cfg.URL != "" {
		return customEndpoint(cfg.URL, region)
	}
	useFIPS := cfg.UseFIPS || fipsRegion
	if region == "" {
		if cfg.RegionalEndpoints != RegionalEndpointsLegacy || useFIPS || cfg.UseDualStack {
			return Endpoint{}, &EndpointConfigError{Setting: "region",
				Reason: "no region is set: set AWS_REGION (or the region of the profile) to use that region's STS endpoint" +
					", or AWS_STS_REGIONAL_ENDPOINTS=legacy to use the global endpoint " + GlobalEndpointURL}
		}
		return Endpoint{URL: GlobalEndpointURL, SigningRegion: "us-east-1", Partition: "aws"}, nil
	}
	p := partitionOf(region)
	if !useFIPS && !cfg.UseDualStack {
		if region == "aws-global" || (cfg.RegionalEndpoints == RegionalEndpointsLegacy && legacyGlobalRegions[region]) {
			return Endpoint{URL: GlobalEndpointURL, SigningRegion: "us-east-1", Partition: "aws"}, nil
		}
	}
	var host string
	switch {
	case useFIPS && cfg.UseDualStack:
		host = "sts-fips." + region + "." + p.dualStackDNSSuffix
	case useFIPS && p.id == "aws-us-gov":
		host = "sts." + region + ".amazonaws.com"
	case useFIPS:
		host = "sts-fips." + region + "." + p.dnsSuffix
	case cfg.UseDualStack:
		host = "sts." + region + "." + p.dualStackDNSSuffix
	default:
		host = "sts." + region + "." + p.dnsSuffix
	}
	return Endpoint{URL: "https://" + host, SigningRegion: region, Partition: p.id}, nil
}

// canonicalRegion validates region and maps the FIPS pseudo-regions to the region they name.
func canonicalRegion(region string) (canonical string, fips bool, err error) {
	if region == "" {
		return "", false, nil
	}
	if err := validRegion(region); err != nil {
		return "", false, err
	}
	switch {
	case strings.HasPrefix(region, "fips-"):
		canonical, fips = strings.TrimPrefix(region, "fips-"), true
	case strings.HasSuffix(region, "-fips"):
		canonical, fips = strings.TrimSuffix(region, "-fips"), true
	case strings.Contains(region, "-fips-"):
		canonical, fips = strings.Replace(region, "-fips-", "-", 1), true
	default:
		return region, false, nil
	}
	if err := validRegion(canonical); err != nil {
		return "", false, err
	}
	return canonical, fips, nil
}

// validRegion reports whether region can be used as one label of a host name.
func validRegion(region string) error {
	bad := func(reason string) error {
		return &EndpointConfigError{Setting: "region", Value: region, Reason: reason}
	}
	if len(region) > 63 {
		return bad("a region is at most 63 characters long, such as \"us-east-1\"")
	}
	for i := 0; i < len(region); i++ {
		c := region[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-':
			if i == 0 || i == len(region)-1 {
				return bad("a region neither starts nor ends with a hyphen, such as \"us-east-1\"")
			}
		case 'A' <= c && c <= 'Z':
			return bad(fmt.Sprintf("region names are lower case: use %q", strings.ToLower(region)))
		default:
			return bad("a region is one DNS label of lower-case letters, digits and hyphens, such as \"us-east-1\"")
		}
	}
	return nil
}

// customEndpoint validates a custom endpoint URL.
func customEndpoint(raw, region string) (Endpoint, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, user information included: give only the reason.
		reason := "not a URL"
		var ue *url.Error
		if asURLError(err, &ue) {
			reason = "not a URL: " + ue.Err.Error()
		}
		return Endpoint{}, &EndpointConfigError{Setting: "endpoint URL", Value: redact.URLUserinfo(raw), Reason: reason}
	}
	bad := func(reason string) (Endpoint, error) {
		return Endpoint{}, &EndpointConfigError{Setting: "endpoint URL", Value: redact.URLUserinfo(raw), Reason: reason}
	}
	if u.User != nil {
		return bad("must not contain user information (user:password@): STS requests are authenticated by their body and signature")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return bad("must start with https:// (or http:// for a loopback host)")
	}
	if u.Host == "" || u.Hostname() == "" {
		return bad("has no host")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return bad("must not contain a query: request parameters go in the body")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return bad("must not contain a fragment (#...)")
	}
	if u.Opaque != "" {
		return bad("must be of the form https://host[:port][/path]")
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return bad("must use https unless its host is loopback (127.0.0.0/8, ::1, localhost): the request carries a token")
	}
	ep := Endpoint{URL: u.String(), SigningRegion: region, Custom: true}
	if region == "" {
		ep.SigningRegion = "us-east-1"
	} else {
		ep.Partition = partitionOf(region).id
	}
	return ep, nil
}

func asURLError(err error, target **url.Error) bool {
	ue, ok := err.(*url.Error)
	if ok {
		*target = ue
	}
	return ok
}

// isLoopbackHost reports whether host (without port or brackets) is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// EndpointConfigFromEnv reads an EndpointConfig from the environment through getenv (pass
// os.Getenv), as the AWS CLI and the SDKs read it:
//
//   - Region: AWS_REGION, else AWS_DEFAULT_REGION (aws-sdk-go-v2's order; botocore reads only
//     AWS_DEFAULT_REGION, and EKS sets both to the same value);
//   - RegionalEndpoints: AWS_STS_REGIONAL_ENDPOINTS;
//   - UseFIPS, UseDualStack: AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT;
//   - URL: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, both ignored when
//     AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
//
// Empty variables count as unset. The booleans accept "true" and "false" in any case; any other
// value is an error naming the variable (as in aws-sdk-go-v2; botocore would read it as false,
// which for FIPS would silently turn a requirement off). Values are not otherwise validated
// here: ResolveEndpoint does that.
func EndpointConfigFromEnv(getenv func(string) string) (EndpointConfig, error) {
	var cfg EndpointConfig
	cfg.Region = getenv(EnvRegion)
	if cfg.Region == "" {
		cfg.Region = getenv(EnvDefaultRegion)
	}
	cfg.RegionalEndpoints = getenv(EnvSTSRegionalEndpoints)
	var err error
	if cfg.UseFIPS, err = envBool(getenv, EnvUseFIPSEndpoint); err != nil {
		return EndpointConfig{}, err
	}
	if cfg.UseDualStack, err = envBool(getenv, EnvUseDualStackEndpoint); err != nil {
		return EndpointConfig{}, err
	}
	ignore, err := envBool(getenv, EnvIgnoreConfiguredEndpointURLs)
	if err != nil {
		return EndpointConfig{}, err
	}
	if !ignore {
		cfg.URL = getenv(EnvEndpointURLSTS)
		if cfg.URL == "" {
			cfg.URL = getenv(EnvEndpointURL)
		}
	}
	return cfg, nil
}

func envBool(getenv func(string) string, name string) (bool, error) {
	v := getenv(name)
	switch {
	case v == "":
		return false, nil
	case strings.EqualFold(v, "true"):
		return true, nil
	case strings.EqualFold(v, "false"):
		return false, nil
	}
	return false, &EndpointConfigError{Setting: name, Value: v, Reason: `want "true" or "false"`}
}
