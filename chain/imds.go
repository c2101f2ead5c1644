package chain

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// The instance metadata settings, as botocore 1.43 reads them (each variable, then its profile key).
const (
	envIMDSDisabled   = "AWS_EC2_METADATA_DISABLED" // no profile key
	envIMDSEndpoint   = "AWS_EC2_METADATA_SERVICE_ENDPOINT"
	envIMDSMode       = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"
	envIMDSUseIPv6    = "AWS_IMDS_USE_IPV6" // botocore's older switch, below the mode
	envIMDSV1Disabled = "AWS_EC2_METADATA_V1_DISABLED"
	envIMDSTimeout    = "AWS_METADATA_SERVICE_TIMEOUT"
	envIMDSAttempts   = "AWS_METADATA_SERVICE_NUM_ATTEMPTS"

	// Upper bounds on the timeout and attempts (botocore has none), so that a mistyped value
	// cannot hold a program for hours on a machine without instance metadata.
	maxIMDSTimeout  = 300
	maxIMDSAttempts = 10
)

const imdsSourceName = "EC2 instance metadata"

// imdsSource is botocore's InstanceMetadataProvider, the last source. Unlike botocore, which asks
// the service here and moves on when it does not answer, chain makes no request: the source is
// chosen when nothing else was found and instance metadata is not disabled, and the provider
// asks on the first Retrieve (see imdsProvider for the error it then gives).
func (r *resolver) imdsSource(report func(SourceReport)) (bool, error) {
	disabled, err := r.imdsDisabled()
	if err != nil {
		return failed(report, imdsSourceName, err)
	}
	if disabled {
		report(SourceReport{Name: imdsSourceName, Status: Skipped, Reason: envIMDSDisabled + "=true turns instance metadata off"})
		return false, nil
	}
	if err := r.imdsStep(""); err != nil {
		return failed(report, imdsSourceName, err)
	}
	report(SourceReport{Name: imdsSourceName, Status: Chosen, Reason: "no other source has credentials, so the instance's role is asked for, as the AWS CLI would; " +
		"the service is first contacted when credentials are retrieved (set " + envIMDSDisabled + "=true where there is none)"})
	return true, nil
}

// imdsDisabled reads AWS_EC2_METADATA_DISABLED: "true" in any case, as botocore reads it; any
// value other than true or false is an error (botocore reads it as false).
func (r *resolver) imdsDisabled() (bool, error) {
	v := strings.TrimSpace(r.env(envIMDSDisabled))
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "", "false":
		return false, nil
	}
	return false, &ConfigError{Key: envIMDSDisabled, Reason: fmt.Sprintf("%q is neither true nor false (the AWS CLI would read it as false and ask instance metadata)", redact.Clip(v, 64))}
}

// imdsStep adds the step that gets the instance role's credentials; profile is the profile whose
// credential_source asks for it, or "" for the last source.
func (r *resolver) imdsStep(profile string) error {
	_, settings, err := r.imdsOptions()
	if err != nil {
		return err
	}
	r.add(Step{Kind: StepIMDS, Profile: profile, Settings: settings})
	return nil
}

// imdsOptions resolves the provider's options from the environment and the profile in use (for
// credential_source too, as botocore shares one fetcher), with where each came from.
func (r *resolver) imdsOptions() (credentials.IMDSOptions, []Setting, error) {
	var o credentials.IMDSOptions
	var settings []Setting
	endpoint, err := r.lookup(envIMDSEndpoint, r.name, "ec2_metadata_service_endpoint")
	if err != nil {
		return o, nil, err
	}
	mode, err := r.lookup(envIMDSMode, r.name, "ec2_metadata_service_endpoint_mode")
	if err != nil {
		return o, nil, err
	}
	switch m := strings.ToLower(mode.v); {
	case m == "ipv4" || m == "ipv6":
		o.EndpointMode = map[string]string{"ipv4": "IPv4", "ipv6": "IPv6"}[m]
		settings = append(settings, Setting{Name: "endpoint mode", Value: o.EndpointMode, From: nameOrEnv(mode.set)})
	case m != "":
		return o, nil, mode.invalid(r.name, fmt.Sprintf("%q is not an endpoint mode: the AWS CLI accepts IPv4 or IPv6 (in any case)", redact.Clip(mode.v, 64)))
	default:
		var used []Setting
		ipv6, err := r.boolean(envIMDSUseIPv6, "imds_use_ipv6", &used)
		if err != nil {
			return o, nil, err
		}
		o.EndpointMode = "IPv4"
		from := "default"
		if ipv6 {
			o.EndpointMode, from = "IPv6", nameOrEnv(used[0])
		}
		settings = append(settings, Setting{Name: "endpoint mode", Value: o.EndpointMode, From: from})
	}
	if endpoint.v != "" {
		o.Endpoint = endpoint.v
		settings = append(settings, Setting{Name: "endpoint", Value: redact.URLUserinfo(endpoint.v), From: nameOrEnv(endpoint.set)})
		if o.EndpointMode == "IPv6" {
			r.note("both an instance metadata endpoint (%s) and the IPv6 endpoint mode are set: the endpoint is used, as in the AWS CLI", endpoint.from(r.name))
		}
	} else {
		def := map[string]string{"IPv4": "http://169.254.169.254", "IPv6": "http://[fd00:ec2::254]"}[o.EndpointMode]
		settings = append(settings, Setting{Name: "endpoint", Value: def, From: "default for the endpoint mode"})
	}
	var used []Setting
	if o.DisableV1, err = r.boolean(envIMDSV1Disabled, "ec2_metadata_v1_disabled", &used); err != nil {
		return o, nil, err
	}
	v1 := Setting{Name: "IMDSv1 fallback", Value: "allowed", From: "default"}
	if len(used) > 0 {
		v1.From = nameOrEnv(used[0])
	}
	if o.DisableV1 {
		v1.Value = "disabled"
	}
	settings = append(settings, v1)
	seconds, set, err := r.imdsNumber(envIMDSTimeout, "metadata_service_timeout", 1, maxIMDSTimeout, 1)
	if err != nil {
		return o, nil, err
	}
	o.Timeout = time.Duration(seconds) * time.Second
	settings = append(settings, Setting{Name: "timeout per request", Value: fmt.Sprintf("%ds", seconds), From: set})
	attempts, set, err := r.imdsNumber(envIMDSAttempts, "metadata_service_num_attempts", 1, maxIMDSAttempts, 1)
	if err != nil {
		return o, nil, err
	}
	o.Attempts = int(attempts)
	settings = append(settings, Setting{Name: "attempts per request", Value: fmt.Sprint(attempts), From: set})
	o.Now = r.opts.Now
	return o, settings, nil
}

// imdsNumber reads a whole number the way botocore's int() does, from envName or else key, and
// checks it is in [lo, hi]; def when neither is set.
func (r *resolver) imdsNumber(envName, key string, lo, hi, def int64) (int64, string, error) {
	v, err := r.lookup(envName, r.name, key)
	if err != nil || v.v == "" {
		return def, "default", err
	}
	n, ok := pyInt(v.v)
	if !ok {
		return 0, "", v.invalid(r.name, fmt.Sprintf("%q is not a whole number (the AWS CLI fails on it too)", redact.Clip(v.v, 64)))
	}
	if n < lo || n > hi {
		return 0, "", v.invalid(r.name, fmt.Sprintf("%d is outside %d to %d", n, lo, hi))
	}
	return n, nameOrEnv(v.set), nil
}

// imdsProvider builds the provider of step s. As the last source, its errors say why instance
// metadata was asked at all: on a machine without it, this is where "no credentials" shows.
func (r *resolver) imdsProvider(s Step) (credentials.Provider, error) {
	o, _, err := r.imdsOptions()
	if err != nil {
		return nil, err
	}
	p, err := credentials.NewIMDS(o)
	if err != nil || s.Profile != "" {
		return p, err
	}
	return lastResort{p}, nil
}

// lastResort is the instance metadata provider chosen because nothing else was configured.
type lastResort struct{ p credentials.Provider }

func (l lastResort) Retrieve(ctx context.Context) (credentials.Credentials, error) {
	c, err := l.p.Retrieve(ctx)
	if err != nil {
		return c, fmt.Errorf("chain: no credentials are configured in the environment or the shared files, so EC2 instance metadata was asked, as the AWS CLI would, and it failed "+
			"(chain.Explain lists every source; set AWS_EC2_METADATA_DISABLED=true where there is no instance metadata): %w", err)
	}
	return c, nil
}

// String describes the provider it wraps, which never shows a secret.
func (l lastResort) String() string { return fmt.Sprint(l.p) }

// imdsCredentialSource is credential_source = Ec2InstanceMetadata in profile: the instance role's
// credentials sign its AssumeRole. With instance metadata disabled botocore finds none and fails.
func (r *resolver) imdsCredentialSource(profile string, cs *setting) error {
	disabled, err := r.imdsDisabled()
	if err != nil {
		return err
	}
	if disabled {
		return cs.invalid(profile, "credential_source = Ec2InstanceMetadata but "+envIMDSDisabled+"=true turns instance metadata off")
	}
	return r.imdsStep(profile)
}
