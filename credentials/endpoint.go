package credentials

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/irsa-go/irsa/internal/redact"
)

// globalEndpointURL is the STS global endpoint.
const globalEndpointURL = "https://sts.amazonaws.com"

// stsRules is aws-sdk-go-v2's resolver generated from STS's endpoint rules: partitions, DNS
// suffixes, FIPS and dual-stack hosts, the legacy global regions. It is a pure function.
var stsRules = sts.NewDefaultEndpointResolverV2()

// EndpointConfig holds everything that decides where STS requests go. ResolveEndpoint turns it
// into an Endpoint without reading the environment.
type EndpointConfig struct {
	// Region is the AWS region, such as "eu-west-1". It may be empty only when URL is set or
	// LegacyGlobal is true (then the global endpoint is used). The deprecated FIPS
	// pseudo-regions ("fips-us-east-1", "us-east-1-fips") select the FIPS endpoint of the region
	// they name, as in botocore.
	Region string
	// LegacyGlobal is botocore's sts_regional_endpoints = legacy (AWS_STS_REGIONAL_ENDPOINTS):
	// the sixteen regions that used the global endpoint before regional endpoints existed send
	// their requests to https://sts.amazonaws.com, signed for us-east-1, unless FIPS or
	// dual-stack is on. False is "regional", the default of botocore 1.43 and the AWS CLI.
	LegacyGlobal bool
	// UseFIPS selects the FIPS endpoint (sts-fips.REGION...; in GovCloud the regional endpoint,
	// which is FIPS already).
	UseFIPS bool
	// UseDualStack selects the dual-stack (IPv4 and IPv6) endpoint, such as
	// sts.REGION.api.aws.
	UseDualStack bool
	// URL is a custom endpoint, such as "https://sts.example.internal" or
	// "http://127.0.0.1:4566". It must be https unless its host is loopback (127.0.0.0/8, ::1,
	// localhost), and must not carry user information, a query or a fragment. When set, it wins
	// over LegacyGlobal, UseFIPS and UseDualStack, as in botocore (aws-sdk-go-v2 instead
	// refuses FIPS or dual-stack with a custom endpoint).
	URL string
}

// Endpoint is where STS requests go and how they are signed.
type Endpoint struct {
	// URL is the endpoint, such as "https://sts.eu-west-1.amazonaws.com". A custom URL's host
	// stays as given: one given in Unicode (or percent-encoded UTF-8) is held, and shown in
	// errors, in Unicode, such as "https://ünïcode.example/"; net/http connects to its IDNA
	// (punycode) form.
	URL string
	// SigningRegion is the region SigV4 signatures are made for: us-east-1 for the global
	// endpoint, the region otherwise. For a custom URL it is the configured region, or
	// us-east-1 when none is configured.
	SigningRegion string
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
	return fmt.Sprintf("credentials: STS endpoint: %s %q: %s", e.Setting, redact.Clip(e.Value, 64), e.Reason)
}

// NonRecoverable reports true: retrying does not fix a configuration error.
func (e *EndpointConfigError) NonRecoverable() bool { return true }

// ResolveEndpoint returns the STS endpoint for cfg from STS's endpoint rules as aws-sdk-go-v2's
// service/sts generates them (the rules botocore 1.43 uses too), with botocore's choices where
// the two differ:
//
//   - a region that is not a single lower-case DNS label is an error and never becomes part of
//     a host name;
//   - a custom URL wins over everything else;
//   - the FIPS pseudo-regions select the FIPS endpoint of the region they name;
//   - without a region, LegacyGlobal gives the global endpoint, as botocore uses it for a client
//     without a region. (botocore also uses the global endpoint without a region in "regional"
//     mode; we refuse, because "regional" asks for a region's endpoint and there is none to
//     give.)
//
// The signing region is the one the rules name (us-east-1 for the global endpoint), else the
// region.
func ResolveEndpoint(cfg EndpointConfig) (Endpoint, error) {
	region, fipsRegion, err := canonicalRegion(cfg.Region)
	if err != nil {
		return Endpoint{}, err
	}
	if cfg.URL != "" {
		return customEndpoint(cfg.URL, region)
	}
	useFIPS := cfg.UseFIPS || fipsRegion
	if region == "" {
		if !cfg.LegacyGlobal || useFIPS || cfg.UseDualStack {
			return Endpoint{}, &EndpointConfigError{Setting: "region",
				Reason: "no region is set: set AWS_REGION (or the region of the profile) to use that region's STS endpoint" +
					", or AWS_STS_REGIONAL_ENDPOINTS=legacy to use the global endpoint " + globalEndpointURL}
		}
		region = "aws-global" // the rules' name for the global endpoint
	}
	ep, err := stsRules.ResolveEndpoint(context.Background(), sts.EndpointParameters{
		Region: &region, UseFIPS: &useFIPS, UseDualStack: &cfg.UseDualStack, UseGlobalEndpoint: &cfg.LegacyGlobal})
	if err != nil {
		return Endpoint{}, &EndpointConfigError{Setting: "region", Value: region, Reason: "STS's endpoint rules give no endpoint: " + err.Error()}
	}
	out := Endpoint{URL: ep.URI.String(), SigningRegion: region}
	opts, _ := smithyauth.GetAuthOptions(&ep.Properties)
	for _, o := range opts {
		if r, ok := smithyhttp.GetSigV4SigningRegion(&o.SignerProperties); ok {
			out.SigningRegion = r
		}
	}
	return out, nil
}

// canonicalRegion validates region and maps the FIPS pseudo-regions to the region they name,
// as botocore does: without "fips-" and "-fips".
func canonicalRegion(region string) (canonical string, fips bool, err error) {
	if region == "" {
		return "", false, nil
	}
	canonical = strings.ReplaceAll(strings.ReplaceAll(region, "fips-", ""), "-fips", "")
	if err := cmp.Or(validRegion(region), validRegion(canonical)); err != nil {
		return "", false, err
	}
	return canonical, canonical != region, nil
}

// validRegion reports whether region can be used as one label of a host name.
func validRegion(region string) error {
	bad := func(reason string) error {
		return &EndpointConfigError{Setting: "region", Value: region, Reason: reason}
	}
	const label = "a region is one DNS label of lower-case letters, digits and hyphens, such as \"us-east-1\""
	switch {
	case region == "":
		return bad(label)
	case len(region) > 63:
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
			return bad(label)
		}
	}
	return nil
}

// customEndpoint validates a custom endpoint URL and region; requests to it are signed for
// region, or us-east-1 when region is empty.
func customEndpoint(raw, region string) (Endpoint, error) {
	if region == "" {
		region = "us-east-1"
	} else if err := validRegion(region); err != nil {
		return Endpoint{}, err
	}
	bad := func(reason string) (Endpoint, error) {
		return Endpoint{}, &EndpointConfigError{Setting: "endpoint URL", Value: redact.URLUserinfo(raw), Reason: reason}
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, user information included: give only the reason.
		if ue, ok := err.(*url.Error); ok {
			return bad("not a URL: " + ue.Err.Error())
		}
		return bad("not a URL")
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
	if !printableHost(u.Hostname()) {
		return bad("has a host with a character that is not UTF-8 or not printable")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return bad("must not contain a query: request parameters go in the body")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return bad("must not contain a fragment (#...)")
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return bad("must use https unless its host is loopback (127.0.0.0/8, ::1, localhost): the request carries a token")
	}
	// Not u.String(), which percent-encodes a Unicode host. User information, query and fragment
	// are refused above; of the host, only a '%' (an IPv6 zone's) must be escaped again.
	host := strings.ReplaceAll(u.Host, "%", "%25")
	return Endpoint{URL: u.Scheme + "://" + host + u.EscapedPath(), SigningRegion: region, Custom: true}, nil
}

// printableHost reports whether host is valid UTF-8 without control, formatting (such as bidi
// overrides) or space characters, so that showing it cannot garble or disguise the text around
// it.
func printableHost(host string) bool {
	return utf8.ValidString(host) && strings.IndexFunc(host, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) < 0
}

// isLoopbackHost reports whether host (without port or brackets) is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// endpointConfigFromEnv reads an EndpointConfig from the variables ClientOptions.Endpoint lists,
// as the AWS CLI and the SDKs read them. AWS_REGION comes first, as in aws-sdk-go-v2 (botocore
// reads only AWS_DEFAULT_REGION; EKS sets both). Empty variables count as unset. A boolean other
// than "true" or "false" (any case) is an error, as in aws-sdk-go-v2: botocore would read it as
// false, which for FIPS would silently turn a requirement off.
func endpointConfigFromEnv(getenv func(string) string) (EndpointConfig, error) {
	cfg := EndpointConfig{Region: cmp.Or(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"))}
	switch v := getenv("AWS_STS_REGIONAL_ENDPOINTS"); v {
	case "", "regional":
	case "legacy":
		cfg.LegacyGlobal = true
	default:
		return EndpointConfig{}, &EndpointConfigError{Setting: "AWS_STS_REGIONAL_ENDPOINTS", Value: v,
			Reason: `valid values are "legacy" and "regional"`}
	}
	var err error
	if cfg.UseFIPS, err = envBool(getenv, "AWS_USE_FIPS_ENDPOINT"); err != nil {
		return EndpointConfig{}, err
	}
	if cfg.UseDualStack, err = envBool(getenv, "AWS_USE_DUALSTACK_ENDPOINT"); err != nil {
		return EndpointConfig{}, err
	}
	ignore, err := envBool(getenv, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
	if err != nil {
		return EndpointConfig{}, err
	}
	if !ignore {
		cfg.URL = cmp.Or(getenv("AWS_ENDPOINT_URL_STS"), getenv("AWS_ENDPOINT_URL"))
	}
	return cfg, nil
}

func envBool(getenv func(string) string, name string) (bool, error) {
	v := getenv(name)
	switch {
	case v == "" || strings.EqualFold(v, "false"):
		return false, nil
	case strings.EqualFold(v, "true"):
		return true, nil
	}
	return false, &EndpointConfigError{Setting: name, Value: v, Reason: `want "true" or "false"`}
}
