package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/tlsroots/tlstest"
)

// S3 requests trust the CA bundle that chain resolved, as the AWS CLI's do: a TLS fake S3 signed
// by a CA the test makes is listed through, and without the bundle it is refused.
func TestS3TrustsTheCABundle(t *testing.T) {
	static := credentials.Credentials{AccessKeyID: "AKIASTATICTEST000001", SecretAccessKey: "SECRET-static-never-printed"}
	cases := []struct {
		name, config, bundleEnv string
		wantCode                int
		wantStdout, wantStderr  string
	}{
		{name: "AWS_CA_BUNDLE", bundleEnv: "{BUNDLE}",
			wantStdout: "report.csv", wantStderr: "CA bundle: {BUNDLE} (from AWS_CA_BUNDLE)"},
		{name: "the profile's ca_bundle", config: "[default]\nca_bundle = {BUNDLE}\n",
			wantStdout: "report.csv", wantStderr: "CA bundle: {BUNDLE} (from profile default, ~/config line 2)"},
		{name: "no bundle: the fake's certificate is refused", wantCode: exitError,
			wantStderr: "certificate signed by unknown authority"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fakes3.Options{Credentials: fakes3.StaticCredentials(fakeCredential(static))})
			h.bucket("team", fakes3.Object{Key: "report.csv", Size: 3, LastModified: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)})
			ca := tlstest.NewCA(t)
			front := ca.Proxy(t, h.s3.URL())
			home := t.TempDir()
			cfg := filepath.Join(home, "config")
			if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(tc.config, "{BUNDLE}", ca.Bundle)), 0o600); err != nil {
				t.Fatal(err)
			}
			h.env = map[string]string{"AWS_ACCESS_KEY_ID": static.AccessKeyID, "AWS_SECRET_ACCESS_KEY": static.SecretAccessKey,
				"AWS_CONFIG_FILE": cfg, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "none"), "HOME": home,
				"AWS_REGION": h.s3.Region(), "AWS_ENDPOINT_URL_S3": front.URL, "AWS_CA_BUNDLE": strings.ReplaceAll(tc.bundleEnv, "{BUNDLE}", ca.Bundle)}
			h.app.resolve, h.app.s3HTTP = resolveWithChain, nil // s3ls's own client, as in production
			code, stdout, stderr := h.run("--explain", "s3://team")
			wantStderr := strings.ReplaceAll(tc.wantStderr, "{BUNDLE}", ca.Bundle)
			if code != tc.wantCode || !strings.Contains(stdout, tc.wantStdout) || !strings.Contains(stderr, wantStderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout with %q, stderr with %q", code, tc.wantCode, stdout, stderr, tc.wantStdout, wantStderr)
			}
			if n := len(h.s3.Requests()); tc.wantCode == 0 && n == 0 {
				t.Error("the fake S3 saw no request")
			}
		})
	}
}
