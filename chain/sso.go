package chain

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/tlsroots"
)

// The names of the Settings of a StepSSO step that are not config keys.
const (
	ssoCacheSetting        = "token cache file"
	ssoEndpointSetting     = "portal endpoint URL"
	ssoOIDCEndpointSetting = "OIDC endpoint URL (access token refresh)"
)

// ssoSource is botocore's SSOProvider for profile name: the profile uses IAM Identity Center when
// it has sso_account_id or sso_role_name; its sso_session names an [sso-session NAME] section
// whose keys must agree with the profile's; sso_start_url, sso_region, sso_account_id and
// sso_role_name are then required, from either.
func (r *resolver) ssoSource(name string, report func(SourceReport)) (bool, error) {
	const source = "IAM Identity Center (SSO)"
	p := r.files.profiles[name]
	trigger := cmp.Or(p.get("sso_account_id"), p.get("sso_role_name"))
	if trigger == nil {
		report(SourceReport{Name: source, Status: Skipped, Reason: fmt.Sprintf("profile %s has no sso_account_id or sso_role_name", name)})
		if k := p.firstWithPrefix("sso_"); k != nil {
			r.note("profile %s has %s (%s): the AWS CLI uses IAM Identity Center credentials only with sso_account_id and sso_role_name", name, k.key, k.where())
		}
		return false, nil
	}
	step, err := r.ssoStep(name, p, trigger)
	if err != nil {
		return failed(report, source, err)
	}
	r.add(step)
	reason := fmt.Sprintf("profile %s has %s (%s)", name, trigger.key, trigger.where())
	if s := ssoSetting(step, "sso_session"); s != "" {
		reason += ", sso-session " + s
	}
	report(SourceReport{Name: source, Status: Chosen, Reason: reason})
	return true, nil
}

// ssoStep validates the SSO settings of profile name and returns its step.
func (r *resolver) ssoStep(name string, p *profile, trigger *setting) (Step, error) {
	step := Step{Kind: StepSSO, Profile: name}
	var session *section
	sessionName := ""
	if ref := p.get("sso_session"); ref != nil {
		v, err := plainValue(name, ref)
		if err != nil {
			return step, err
		}
		session = r.files.cfg.ssoSessions[v]
		if session == nil {
			return step, ref.invalid(name, fmt.Sprintf("sso_session %q names an sso-session that does not exist: %s has no [sso-session %s] section", redact.Clip(v, 100), r.files.config.Path, redact.Clip(v, 100)))
		}
		if err := ssoSessionAgrees(name, p, session, v); err != nil {
			return step, err
		}
		sessionName = v
		step.Settings = append(step.Settings, Setting{Name: "sso_session", Value: v, From: ref.where()})
	}
	// get is botocore's merged view: the profile's keys, and the sso-session's.
	get := func(key string) *setting { return cmp.Or(p.get(key), session.get(key)) }
	var missing []string
	for _, key := range []string{"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"} {
		s := get(key)
		if s == nil {
			missing = append(missing, key)
			continue
		}
		v, err := plainValue(name, s)
		if err == nil && strings.TrimSpace(v) == "" {
			err = s.invalid(name, "the value is empty")
		}
		if err == nil && key == "sso_region" && !validRegion(v) {
			err = s.invalid(name, fmt.Sprintf("%q is not a valid region name, such as us-east-1", redact.Clip(v, 64)))
		}
		if err != nil {
			return step, err
		}
		step.Settings = append(step.Settings, Setting{Name: key, Value: v, From: s.where()})
	}
	if len(missing) > 0 {
		where := "to the profile"
		if session != nil {
			where = fmt.Sprintf("to [sso-session %s] (%s line %d) or to the profile", sessionName, session.file, session.line)
		}
		return step, trigger.invalid(name, fmt.Sprintf("the profile uses IAM Identity Center (SSO) but is missing %s, which the AWS CLI requires: add %s %s",
			strings.Join(missing, ", "), map[bool]string{true: "them", false: "it"}[len(missing) > 1], where))
	}
	cacheDir := filepath.Join(r.opts.HomeDir, ".aws", "sso", "cache")
	key, keyFrom := ssoSetting(step, "sso_start_url"), "SHA-1 of sso_start_url, the legacy form without sso_session"
	if sessionName != "" {
		key, keyFrom = sessionName, "SHA-1 of the sso_session name"
	}
	sum := sha1.Sum([]byte(key))
	cacheFile := filepath.Join(cacheDir, hex.EncodeToString(sum[:])+".json")
	step.Settings = append(step.Settings, Setting{Name: ssoCacheSetting, Value: displayPath(cacheFile, r.opts.HomeDir), From: keyFrom})
	if err := r.ssoEndpoint(&step); err != nil {
		return step, err
	}
	if _, err := os.Stat(cacheFile); err != nil {
		r.note("no IAM Identity Center access token is cached for profile %s (%s: %v): sign in with \"aws sso login --profile %s\" (AWS CLI v2) before the credentials are needed", name, displayPath(cacheFile, r.opts.HomeDir), readfile.WithoutPath(err), name)
	}
	return step, nil
}

// ssoSessionAgrees is botocore's check that every key of the sso-session section the profile also
// sets has the same value in both.
func ssoSessionAgrees(name string, p *profile, session *section, sessionName string) error {
	var keys []*setting
	for _, m := range []map[string]*setting{session.own, session.defaults} {
		for k, s := range m {
			if session.get(k) == s {
				keys = append(keys, s)
			}
		}
	}
	slices.SortFunc(keys, func(a, b *setting) int { return cmp.Compare(a.line, b.line) })
	for _, ss := range keys {
		ps := p.get(ss.key)
		if ps == nil || ps == ss || ps.value == ss.value && ps.nested == nil && ss.nested == nil {
			continue
		}
		return ps.invalid(name, fmt.Sprintf("%s is %q in the profile but %q in [sso-session %s] (%s): the AWS CLI refuses values that disagree; remove it from the profile",
			ss.key, redact.Clip(ps.value, 200), redact.Clip(ss.value, 200), redact.Clip(sessionName, 100), ss.where()))
	}
	return nil
}

// ssoEndpoint records the portal's endpoint settings, which botocore takes from the profile in
// use as for any client of the session: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, the "sso" block
// of the services section, endpoint_url; the FIPS and dual-stack switches. For an sso-session,
// whose access token is refreshed, the OIDC service's too: AWS_ENDPOINT_URL_SSO_OIDC, the
// "sso_oidc" block, then the same.
func (r *resolver) ssoEndpoint(step *Step) error {
	var settings []Setting
	if _, err := r.boolean(envUseFIPSEndpoint, "use_fips_endpoint", &settings); err != nil {
		return err
	}
	if _, err := r.boolean(envUseDualStackEndpoint, "use_dualstack_endpoint", &settings); err != nil {
		return err
	}
	ignore, err := r.boolean(envIgnoreConfiguredEndpointURLs, "ignore_configured_endpoint_urls", new([]Setting))
	if err != nil {
		return err
	}
	for _, s := range settings {
		if strings.EqualFold(s.Value, "true") {
			step.Settings = append(step.Settings, s)
		}
	}
	if ignore {
		return nil
	}
	services := map[string]string{"sso": ssoEndpointSetting}
	if ssoSetting(*step, "sso_session") != "" {
		services["sso oidc"] = ssoOIDCEndpointSetting
	}
	for _, service := range []string{"sso", "sso oidc"} {
		if services[service] == "" {
			continue
		}
		u, set, err := r.configuredEndpointURL(service)
		if err != nil {
			return err
		}
		if u != "" {
			// set.Value has any password hidden; ssoProvider looks the URL up again.
			step.Settings = append(step.Settings, Setting{Name: services[service], Value: set.Value, From: nameOrEnv(set)})
		}
	}
	return nil
}

// ssoSetting is the value of the setting called name in step, or "".
func ssoSetting(s Step, name string) string {
	for _, set := range s.Settings {
		if set.Name == name {
			return set.Value
		}
	}
	return ""
}

// describeSSO is how Explanation shows a StepSSO step.
func (s Step) describeSSO() string {
	d := fmt.Sprintf("IAM Identity Center (SSO) GetRoleCredentials for role %s in account %s", redact.Clip(ssoSetting(s, "sso_role_name"), 100), redact.Clip(ssoSetting(s, "sso_account_id"), 40))
	if v := ssoSetting(s, "sso_session"); v != "" {
		d += ", sso-session " + redact.Clip(v, 100)
	}
	return d + ", start URL " + redact.Clip(ssoSetting(s, "sso_start_url"), 200) + ", token from " + ssoSetting(s, ssoCacheSetting) + ", profile " + s.Profile
}

// ssoProvider builds the provider of a StepSSO step.
func (r *Result) ssoProvider(res *resolver, s Step) (credentials.Provider, error) {
	o := res.opts
	hc := o.HTTPClient
	if hc == nil && r.RootCAs != nil {
		hc = tlsroots.Client(r.RootCAs)
	}
	on := func(name string) bool { return strings.EqualFold(ssoSetting(s, name), "true") }
	endpoint, oidcEndpoint := "", ""
	if ssoSetting(s, ssoEndpointSetting) != "" {
		endpoint, _, _ = res.configuredEndpointURL("sso") // checked by ssoEndpoint
	}
	if ssoSetting(s, ssoOIDCEndpointSetting) != "" {
		oidcEndpoint, _, _ = res.configuredEndpointURL("sso oidc")
	}
	cacheDir := ""
	if o.HomeDir != "" {
		cacheDir = filepath.Join(o.HomeDir, ".aws", "sso", "cache")
	}
	return credentials.NewSSO(credentials.SSOOptions{
		StartURL: ssoSetting(s, "sso_start_url"), Region: ssoSetting(s, "sso_region"),
		AccountID: ssoSetting(s, "sso_account_id"), RoleName: ssoSetting(s, "sso_role_name"),
		SessionName: ssoSetting(s, "sso_session"), Profile: s.Profile,
		CacheDir: cacheDir, Endpoint: endpoint, OIDCEndpoint: oidcEndpoint,
		UseFIPS:      on(envUseFIPSEndpoint) || on("use_fips_endpoint"),
		UseDualStack: on(envUseDualStackEndpoint) || on("use_dualstack_endpoint"),
		HTTPClient:   hc, Now: o.Now,
	})
}
