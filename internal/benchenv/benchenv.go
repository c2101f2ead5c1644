// Package benchenv makes benchmarks that compare irsa with aws-sdk-go-v2 independent of the
// machine's AWS settings: both sides then do the same work wherever they run.
package benchenv

import (
	"os"
	"strings"
	"testing"
)

// cleared are the variables that change either side's work: which files and profile are read,
// which region and endpoint are used, whether a CA bundle is parsed, whether the SDK probes IMDS,
// which credentials come from the environment, and whether requests go through a proxy. Every
// other AWS_ variable the process has is cleared too.
var cleared = []string{
	"AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_STS_REGIONAL_ENDPOINTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
}

// Neutral clears, for the rest of tb, the environment variables that change the work of irsa or
// of aws-sdk-go-v2 (set to "", which both take as unset), sets AWS_EC2_METADATA_DISABLED=true so
// the SDK never probes IMDS, and then sets the given name/value pairs (files the benchmark made,
// a region). Like tb.Setenv, it must not be called from a parallel test.
func Neutral(tb testing.TB, set ...string) {
	tb.Helper()
	if len(set)%2 != 0 {
		tb.Fatalf("benchenv.Neutral: odd number of name/value arguments (%d)", len(set))
	}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			tb.Setenv(name, "")
		}
	}
	for _, name := range cleared {
		tb.Setenv(name, "")
	}
	tb.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for i := 0; i < len(set); i += 2 {
		tb.Setenv(set[i], set[i+1])
	}
}
