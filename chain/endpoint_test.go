package chain

import (
	"errors"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// TestChainedAssumeRoleToACustomEndpointWithoutARegionIsSignedForUSEast1 checks the promise of
// credentials.Endpoint.SigningRegion: without a region, requests to a custom endpoint are signed
// for us-east-1 (botocore refuses to sign them: NoRegionError), not for the pseudo-region
// aws-global that chain uses to pick the global endpoint.
func TestChainedAssumeRoleToACustomEndpointWithoutARegionIsSignedForUSEast1(t *testing.T) {
	leakcheck.Check(t)
	fx := startSTSFixture(t)
	h := newHome(t, "[profile prod]\nrole_arn = "+roleCross+"\nsource_profile = base\n[profile base]\n"+baseKeysIni, "",
		"AWS_PROFILE", "prod", "AWS_ENDPOINT_URL_STS", fx.env.STS.URL())
	o := h.opts()
	o.STS = nil
	_, res, err := resolveAndRetrieve(o)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if res.Region != "" || !res.STSEndpoint.Custom || res.STSEndpoint.SigningRegion != "us-east-1" {
		t.Errorf("region %q, STS endpoint %+v; want no region and a custom endpoint signed for us-east-1", res.Region, res.STSEndpoint)
	}
	calls := fx.env.STS.Calls()
	if len(calls) != 1 || calls[0].RoleARN != roleCross || calls[0].SigningRegion != "us-east-1" {
		t.Errorf("STS calls:\n%s\nwant one AssumeRole of %s signed for us-east-1", callsText(calls), roleCross)
	}
	if got := res.Explanation.String(); !strings.Contains(got, "signing region = us-east-1 (from default: no region is configured, and the endpoint is custom)") {
		t.Errorf("explanation does not say where the signing region comes from:\n%s", got)
	}
}

// TestInvalidSTSRegionalEndpointsInAProfileNamesTheFileAndLine checks that chain, which now
// reads sts_regional_endpoints itself, refuses a value botocore refuses and says where it is.
func TestInvalidSTSRegionalEndpointsInAProfileNamesTheFileAndLine(t *testing.T) {
	h := newHome(t, "[default]\nregion = eu-west-1\nsts_regional_endpoints = Legacy\n", "",
		"AWS_ROLE_ARN", roleWeb, "AWS_WEB_IDENTITY_TOKEN_FILE", "/t")
	o := h.opts()
	o.STS = nil
	_, err := explain(t, o)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != "sts_regional_endpoints" || ce.Line != 3 ||
		!strings.Contains(err.Error(), `"Legacy": valid values are "legacy" and "regional"`) {
		t.Errorf("got %v (%T), want a ConfigError for sts_regional_endpoints on line 3", err, err)
	}
}
