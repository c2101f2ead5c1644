package chain

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Explain reports what Resolve would: a setting that only the provider checks (a role ARN that
// is not an ARN, a session name STS would refuse) is an error from both, the same error.
func TestExplainReturnsTheErrorResolveWouldForSettingsTheProviderRefuses(t *testing.T) {
	cases := []struct{ name, config string }{
		{"a role_arn that is not an ARN", "[profile base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n[profile app]\nrole_arn = not-an-arn\nsource_profile = base\n"},
		{"a role_session_name STS would refuse", "[profile base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n[profile app]\nrole_arn = arn:aws:iam::111122223333:role/app\nsource_profile = base\nrole_session_name = has spaces\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			cfg := filepath.Join(home, "config")
			if err := os.WriteFile(cfg, []byte(tc.config), 0o600); err != nil {
				t.Fatal(err)
			}
			opts := Options{Profile: "app", Getenv: func(string) string { return "" }, HomeDir: home, ConfigFile: cfg}
			_, rerr := Resolve(context.Background(), opts)
			exp, eerr := Explain(context.Background(), opts)
			var se *stepError
			if !errors.As(rerr, &se) {
				t.Fatalf("Resolve: got %v, want a *stepError", rerr)
			}
			if eerr == nil || eerr.Error() != rerr.Error() || exp.Err != eerr {
				t.Fatalf("Explain: got %v (Explanation.Err %v), want Resolve's error %v", eerr, exp.Err, rerr)
			}
		})
	}
}
