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

// endpoint resolves the STS endpoint settings of the profile in use into r.exp.STS, where an
// error is kept: run returns it only when the credentials come from STS. The profile in use
// decides for every hop, as botocore creates each hop's STS client from the session. Without a
// region botocore uses the global endpoint ("aws-global"); a custom URL is signed for us-east-1.
func (r *resolver) endpoint() {
	rep := &r.exp.STS
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
	rep.Config, rep.Settings = cfg, append([]Setting{region}, settings...)
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
		for _, s := range rep.Settings {
			from = append(from, fmt.Sprintf("%s=%s (%s)", s.Name, redact.Clip(s.Value, 100), s.From))
		}
		rep.Err = fmt.Errorf("cannot resolve the STS endpoint from %s: %w", strings.Join(from, ", "), err)
		return
	}
	rep.Endpoint = ep
}

// endpointSettings reads every endpoint setting but the region. Values of sts_regional_endpoints
// other than "legacy" and "regional" are refused, as botocore refuses them.
func (r *resolver) endpointSettings() (cfg credentials.EndpointConfig, settings []Setting, err error) {
	v, err := r.lookup(envSTSRegionalEndpoints, r.name, "sts_regional_endpoints")
	if err != nil {
		return cfg, settings, err
	}
	if v.v != "" {
		settings = append(settings, v.set)
	}
	switch v.v {
	case "legacy":
		cfg.LegacyGlobal = true
	case "regional", "":
	default:
		return cfg, settings, v.invalid(r.name, fmt.Sprintf(`%q: valid values are "legacy" and "regional"`, redact.Clip(v.v, 64)))
	}
	if cfg.UseFIPS, err = r.boolean(envUseFIPSEndpoint, "use_fips_endpoint", &settings); err != nil {
		return cfg, settings, err
	}
	if cfg.UseDualStack, err = r.boolean(envUseDualStackEndpoint, "use_dualstack_endpoint", &settings); err != nil {
		return cfg, settings, err
	}
	if ignore, err := r.boolean(envIgnoreConfiguredEndpointURLs, "ignore_configured_endpoint_urls", &settings); ignore || err != nil {
		return cfg, settings, err
	}
	url, set, err := r.configuredEndpointURL("sts")
	if url != "" {
		cfg.URL = url
		settings = append(settings, set)
	}
	return cfg, settings, err
}

// boolean reads a true or false setting: the variable, else the profile's key. botocore reads any
// value but "true" (in any case) as false; chain refuses it, so that a FIPS requirement is never
// dropped by a typo. Where a value was found is added to settings.
func (r *resolver) boolean(envName, key string, settings *[]Setting) (bool, error) {
	v, err := r.lookup(envName, r.name, key)
	if err != nil || v.v == "" {
		return false, err
	}
	*settings = append(*settings, v.set)
	switch strings.ToLower(v.v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, v.invalid(r.name, fmt.Sprintf("%q is neither true nor false (the AWS CLI would read it as false)", redact.Clip(v.v, 64)))
}

// configuredEndpointURL is Result.ServiceEndpointURL for the profile in use, once the caller has
// checked ignore_configured_endpoint_urls.
func (r *resolver) configuredEndpointURL(service string) (string, Setting, error) {
	id := strings.ReplaceAll(strings.TrimSpace(service), " ", "_")
	for _, envName := range []string{envEndpointURL + "_" + strings.ToUpper(id), envEndpointURL} {
		if v := r.env(envName); v != "" {
			return v, Setting{Name: envName, Value: redact.URLUserinfo(v), From: "env"}, nil
		}
	}
	if url, set, err := r.servicesEndpoint(strings.ToLower(id)); err != nil || url != "" {
		return url, set, err
	}
	v, err := r.lookup("", r.name, "endpoint_url")
	if err != nil || v.v == "" {
		return "", Setting{}, err
	}
	v.set.Value = redact.URLUserinfo(v.v)
	return v.v, v.set, nil
}

// servicesEndpoint reads endpoint_url from the service's block of the services section the
// profile names, as botocore does: a profile that names a missing (or empty) services section is
// an error.
func (r *resolver) servicesEndpoint(service string) (string, Setting, error) {
	ref, err := r.lookup("", r.name, "services")
	if ref.s == nil || err != nil {
		return "", Setting{}, err
	}
	name := ref.v
	sec := r.files.cfg.services[name]
	if sec == nil || len(sec.own) == 0 && len(sec.defaults) == 0 {
		return "", Setting{}, ref.invalid(r.name, fmt.Sprintf("names the services section %q, but %s has no [services %s] section with settings", redact.Clip(name, 64), r.files.config.Path, redact.Clip(name, 64)))
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
