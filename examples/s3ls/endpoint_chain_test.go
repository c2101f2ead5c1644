package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakes3"
)

// With credentials resolved by chain, the S3 endpoint may come from the profile's services
// section, as the AWS CLI reads it, and the profile's ignore_configured_endpoint_urls turns the
// environment's endpoint variables off too.
func TestS3EndpointFromTheSharedConfigThroughChain(t *testing.T) {
	static := credentials.Credentials{AccessKeyID: "AKIASTATICTEST000001", SecretAccessKey: "SECRET-static-never-printed"}
	cases := []struct {
		name       string
		config     string
		env        map[string]string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "the s3 block of the profile's services section is the endpoint",
			config:     "[default]\nregion = REGION\nservices = local\n[services local]\ns3 =\n  endpoint_url = URL\n",
			wantStdout: "report.csv", wantStderr: "[services local] s3.endpoint_url (~/config line 6)"},
		{name: "the profile's endpoint_url is the endpoint when no services block names s3",
			config:     "[default]\nregion = REGION\nendpoint_url = URL\n",
			wantStdout: "report.csv", wantStderr: "endpoint_url (~/config line 3)"},
		{name: "AWS_ENDPOINT_URL_S3 wins over the services section",
			config:     "[default]\nregion = REGION\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:1\n",
			env:        map[string]string{"AWS_ENDPOINT_URL_S3": "URL"},
			wantStdout: "report.csv", wantStderr: "(from AWS_ENDPOINT_URL_S3)"},
		{name: "the profile's ignore_configured_endpoint_urls ignores AWS_ENDPOINT_URL_S3 too",
			config:   "[default]\nregion = REGION\nignore_configured_endpoint_urls = true\n",
			env:      map[string]string{"AWS_ENDPOINT_URL_S3": "URL"},
			wantCode: exitError, wantStderr: "the default for region"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fakes3.Options{Credentials: fakes3.StaticCredentials(fakeCredential(static))})
			h.bucket("team", fakes3.Object{Key: "report.csv", Size: 3, LastModified: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)})
			home := t.TempDir()
			cfg := filepath.Join(home, "config")
			text := strings.NewReplacer("URL", h.s3.URL(), "REGION", h.s3.Region()).Replace(tc.config)
			if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			h.env = map[string]string{"AWS_ACCESS_KEY_ID": static.AccessKeyID, "AWS_SECRET_ACCESS_KEY": static.SecretAccessKey,
				"AWS_CONFIG_FILE": cfg, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "none"), "HOME": home}
			for k, v := range tc.env {
				h.env[k] = strings.ReplaceAll(v, "URL", h.s3.URL())
			}
			h.app.resolve = resolveWithChain
			if tc.wantCode != 0 {
				// The default endpoint is a real AWS host: make sure nothing is sent there.
				h.app.s3HTTP.Transport = loopbackOnly{}
			}
			code, stdout, stderr := h.run("--debug", "--explain", "s3://team")
			if code != tc.wantCode || !strings.Contains(stdout, tc.wantStdout) || !strings.Contains(stderr, tc.wantStderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout with %q, stderr with %q", code, tc.wantCode, stdout, stderr, tc.wantStdout, tc.wantStderr)
			}
			if strings.Contains(stderr, static.SecretAccessKey) || strings.Contains(stdout, static.SecretAccessKey) {
				t.Fatal("the secret key was printed")
			}
		})
	}
}

// loopbackOnly refuses every request to a host that is not loopback, so that a test can check
// which AWS endpoint s3ls chose without sending anything there.
type loopbackOnly struct{}

func (loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if isLoopback(r.URL.Hostname()) {
		return http.DefaultTransport.RoundTrip(r)
	}
	return nil, fmt.Errorf("test transport: refusing to send to %s, which is not loopback", r.URL.Hostname())
}

// Messages about the profile name the flag the user typed, not the library's option.
func TestAMissingProfileIsNamedAsTheFlag(t *testing.T) {
	h := newHarness(t, fakes3.Options{})
	home := t.TempDir()
	h.env = map[string]string{"HOME": home, "AWS_CONFIG_FILE": filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials")}
	h.app.resolve = resolveWithChain
	code, _, stderr := h.run("--profile", "nope", "s3://b")
	if code != exitError || !strings.Contains(stderr, `profile "nope" (from --profile) not found`) || strings.Contains(stderr, "Options.") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestAProfileWithoutCredentialsIsNamedAsTheFlag(t *testing.T) {
	h := newHarness(t, fakes3.Options{})
	home := t.TempDir()
	config := filepath.Join(home, "config")
	if err := os.WriteFile(config, []byte("[profile empty]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = map[string]string{"HOME": home, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"), "AWS_EC2_METADATA_DISABLED": "true"}
	h.app.resolve = resolveWithChain
	code, _, stderr := h.run("--profile", "empty", "s3://b")
	for _, want := range []string{"s3ls: no credentials found in any source the AWS CLI would use\n", "profile: empty (named by --profile)", "the profile is named explicitly"} {
		if code != exitError || !strings.Contains(stderr, want) || strings.Contains(stderr, "Options.") {
			t.Fatalf("exit %d, stderr lacks %q or names an option:\n%s", code, want, stderr)
		}
	}
}

func TestANetworkErrorNamesTheURLOnce(t *testing.T) {
	h := newHarness(t, fakes3.Options{})
	h.env["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:1" // nothing listens on port 1
	code, _, stderr := h.run("s3://b")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	if code != exitError || strings.Count(last, "127.0.0.1:1/b") != 1 || !strings.Contains(last, "connection refused") {
		t.Fatalf("exit %d, last line %q; want the URL once and the cause", code, last)
	}
}
