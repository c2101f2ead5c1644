// Package benchenv makes benchmarks that compare irsa with aws-sdk-go-v2 independent of the
// machine's AWS settings: both sides then do the same work wherever they run.
package benchenv

import (
	"os"
	"strings"
	"testing"
)

// Neutral clears, for the rest of tb, every AWS_ and *_PROXY variable (set to "", which both irsa
// and aws-sdk-go-v2 take as unset), sets AWS_EC2_METADATA_DISABLED=true so the SDK never probes
// IMDS, then sets the given name/value pairs. Like tb.Setenv, not for parallel tests.
func Neutral(tb testing.TB, set ...string) {
	tb.Helper()
	if len(set)%2 != 0 {
		tb.Fatalf("benchenv.Neutral: odd number of name/value arguments (%d)", len(set))
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasSuffix(strings.ToUpper(name), "_PROXY") {
			tb.Setenv(name, "")
		}
	}
	tb.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for i := 0; i < len(set); i += 2 {
		tb.Setenv(set[i], set[i+1])
	}
}
