package chain

import (
	"fmt"
	"strings"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// Environment variables that decide the STS endpoint (plan.go names the region's).
const (
	envSTSRegionalEndpoints         = "AWS_STS_REGIONAL_ENDPOINTS"
	envUseFIPSEndpoint              = "AWS_USE_FIPS_ENDPOINT"
	envUseDualStackEndpoint         = "AWS_USE_DUALSTACK_ENDPOINT"
	envEndpointURL                  = "AWS_ENDPOINT_URL" // AWS_ENDPOINT_URL_<SERVICE ID> before it
	envIgnoreConfiguredEndpointURLs = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
)

// endpoint builds the STS endpoint configuration from the environment and the profile in use,
// with botocore's precedence, and resolves it. The profile in use decides for every hop of a
// chain: botocore creates each hop's STS client from the session, not from the source profile.
//
//   - URL: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the "sts" block of the profile's services
//     section (endpoint_url), the profile's endpoint_url; none of them when
//     AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else the profile's ignore_configured_endpoint_urls) is
//     true.
//   - LegacyGlobal: AWS_STS_REGIONAL_ENDPOINTS, else sts_regional_endpoints, is "legacy".
//     Values other than "legacy" and "regional" are refused, as botocore refuses them.
//   - UseFIPS, UseDualStack: AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT, else
//     use_fips_endpoint / use_dualstack_endpoint. botocore reads any value but "true" (in any
//     case) as false; chain refuses values other than true and false, so that a FIPS
//     requirement is never dropped by a typo.
//   - Region: the resolved region. Without one, botocore's STS client uses the global endpoint,
//     as if the region were "aws-global"; so does chain. A custom URL without a region is
//     signed for us-east-1 (botocore refuses to sign without a region).
//
// The result goes to r.exp.STS; an error is kept there and returned by run only when the
// credentials come from STS.
func (r *resolver) endpoint() {
	rep := &r.exp.STS
	cfg, settings, err := r.endpointConfig()
	rep.Config, rep.Settings = cfg, settings
	// A URL with user information is refused by ResolveEndpoint; keep its password out of the
	// report all the same.
	rep.Config.URL = redact.URLUserinfo(cfg.URL)
	if err != nil {
		rep.Err = err
		return
	}
	ep, err := credentials.ResolveEndpoint(cfg)
	if err != nil {
		// Say where the inputs came from: ResolveEndpoint knows values, not sources.
		var from []string
		for _, s := range settings {
			from = append(from, fmt.Sprintf("%s=%s (%s)", s.Name, redact.Clip(s.Value, 100), s.From))
		}
		rep.Err = fmt.Errorf("cannot resolve the STS endpoint from %s: %w", strings.Join(from, ", "), err)
		return
	}
	rep.Endpoint = ep
}

// endpointConfig returns the configuration endpoint resolves, and where each setting came from,
// the region first.
func (r *resolver) endpointConfig() (credentials.EndpointConfig, []Setting, error) {
	cfg, settings, err := r.endpointSettings()
	region := Setting{Name: "region", Value: r.exp.Region, From: r.exp.RegionFrom}
	cfg.Region = r.exp.Region
	switch {
	case cfg.Region != "":
	case cfg.URL == "":
		cfg.Region = "aws-global"
		region = Setting{Name: "region", Value: "aws-global", From: "default: no region is configured, so the global endpoint is used, as botocore does"}
	default:
		region = Setting{Name: "signing region", Value: "us-east-1", From: "default: no region is configured, and the endpoint is custom"}
	}
	return cfg, append([]Setting{region}, settings...), err
}

// endpointSettings reads every endpoint setting but the region.
func (r *resolver) endpointSettings() (credentials.EndpointConfig, []Setting, error) {
	var (
		cfg      credentials.EndpointConfig
		settings []Setting
		p        = r.files.profiles[r.name]
	)
	// lookup returns the variable's value, else the profile key's.
	lookup := func(envName, key string) (string, Setting, *setting, error) {
		if v := r.env(envName); v != "" {
			return v, Setting{Name: envName, Value: v, From: "env"}, nil, nil
		}
		s := p.get(key)
		if s == nil {
			return "", Setting{}, nil, nil
		}
		v, err := plainValue(r.name, s)
		if err != nil {
			return "", Setting{}, nil, err
		}
		return v, Setting{Name: key, Value: v, From: s.where()}, s, nil
	}
	invalid := func(envName, key string, s *setting, reason string) error {
		if s != nil {
			return &ConfigError{Profile: r.name, Key: key, File: s.file, Line: s.line, Reason: reason}
		}
		return &ConfigError{Key: envName, Reason: reason}
	}
	boolean := func(envName, key string) (bool, error) {
		v, set, s, err := lookup(envName, key)
		if err != nil || v == "" {
			return false, err
		}
		settings = append(settings, set)
		switch strings.ToLower(v) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, invalid(envName, key, s, fmt.Sprintf("%q is neither true nor false (the AWS CLI would read it as false)", redact.Clip(v, 64)))
	}

	v, set, s, err := lookup(envSTSRegionalEndpoints, "sts_regional_endpoints")
	if err != nil {
		return cfg, settings, err
	}
	if v != "" {
		settings = append(settings, set)
		switch v {
		case "legacy":
			cfg.LegacyGlobal = true
		case "regional":
		default:
			return cfg, settings, invalid(envSTSRegionalEndpoints, "sts_regional_endpoints", s,
				fmt.Sprintf(`%q: valid values are "legacy" and "regional"`, redact.Clip(v, 64)))
		}
	}
	if cfg.UseFIPS, err = boolean(envUseFIPSEndpoint, "use_fips_endpoint"); err != nil {
		return cfg, settings, err
	}
	if cfg.UseDualStack, err = boolean(envUseDualStackEndpoint, "use_dualstack_endpoint"); err != nil {
		return cfg, settings, err
	}
	ignore, err := boolean(envIgnoreConfiguredEndpointURLs, "ignore_configured_endpoint_urls")
	if err != nil {
		return cfg, settings, err
	}
	if ignore {
		return cfg, settings, nil
	}
	url, set, err := r.configuredEndpointURL(p, "sts")
	if url != "" {
		cfg.URL = url
		settings = append(settings, set)
	}
	return cfg, settings, err
}

// configuredEndpointURL returns the endpoint URL configured for a service, named by its botocore
// service ID ("sts", "s3", "secrets manager"), in botocore's order: AWS_ENDPOINT_URL_<ID> (upper
// case, spaces as underscores), AWS_ENDPOINT_URL, the service's block of the services section the
// profile names, the profile's endpoint_url. The caller has checked
// ignore_configured_endpoint_urls.
func (r *resolver) configuredEndpointURL(p *profile, service string) (string, Setting, error) {
	id := strings.ReplaceAll(strings.TrimSpace(service), " ", "_")
	for _, envName := range []string{envEndpointURL + "_" + strings.ToUpper(id), envEndpointURL} {
		if v := r.env(envName); v != "" {
			return v, Setting{Name: envName, Value: redact.URLUserinfo(v), From: "env"}, nil
		}
	}
	if url, set, err := r.servicesEndpoint(p, strings.ToLower(id)); err != nil || url != "" {
		return url, set, err
	}
	if s := p.get("endpoint_url"); s != nil {
		v, err := plainValue(r.name, s)
		if err != nil || v == "" {
			return "", Setting{}, err
		}
		return v, Setting{Name: "endpoint_url", Value: redact.URLUserinfo(v), From: s.where()}, nil
	}
	return "", Setting{}, nil
}

// serviceEndpointURL is configuredEndpointURL for the profile in use, unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else the profile's ignore_configured_endpoint_urls) is
// true.
func (r *resolver) serviceEndpointURL(service string) (string, Setting, error) {
	p := r.files.profiles[r.name]
	v, from := r.env(envIgnoreConfiguredEndpointURLs), "env"
	if v == "" {
		if s := p.get("ignore_configured_endpoint_urls"); s != nil {
			var err error
			if v, err = plainValue(r.name, s); err != nil {
				return "", Setting{}, err
			}
			from = s.where()
		}
	}
	switch strings.ToLower(v) {
	case "true":
		return "", Setting{}, nil
	case "", "false":
	default:
		return "", Setting{}, &ConfigError{Key: "ignore_configured_endpoint_urls", Reason: fmt.Sprintf("%q (%s) is neither true nor false", redact.Clip(v, 64), from)}
	}
	return r.configuredEndpointURL(p, service)
}

// servicesEndpoint reads endpoint_url from the service's block of the services section the
// profile names, as botocore does: a profile that names a missing (or empty) services section is
// an error.
func (r *resolver) servicesEndpoint(p *profile, service string) (string, Setting, error) {
	ref := p.get("services")
	if ref == nil {
		return "", Setting{}, nil
	}
	name, err := plainValue(r.name, ref)
	if err != nil {
		return "", Setting{}, err
	}
	sec := r.files.cfg.services[name]
	if sec == nil || sec.empty() {
		return "", Setting{}, &ConfigError{Profile: r.name, Key: "services", File: ref.file, Line: ref.line,
			Reason: fmt.Sprintf("names the services section %q, but %s has no [services %s] section with settings", redact.Clip(name, 64), r.files.config.display, redact.Clip(name, 64))}
	}
	block := sec.get(service)
	if block == nil {
		return "", Setting{}, nil
	}
	if block.nested == nil {
		return "", Setting{}, &ConfigError{Key: service, File: block.file, Line: block.line,
			Reason: fmt.Sprintf("in [services %s], %s must be followed by indented settings, such as \"%s =\" and then \"  endpoint_url = https://...\" on the next line", name, service, service)}
	}
	u := block.nested["endpoint_url"]
	if u == nil || u.value == "" {
		return "", Setting{}, nil
	}
	return u.value, Setting{Name: fmt.Sprintf("[services %s] %s.endpoint_url", name, service), Value: redact.URLUserinfo(u.value), From: u.where()}, nil
}
