package chain

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/peers"
)

// serviceEndpointCases are checked against chain (TestServiceEndpointURL) and, when botocore is
// on the machine, against the endpoint_url of a botocore 1.43 client for the same service built
// from the same environment and config file (TestServiceEndpointURLMatchesBotocore).
var serviceEndpointCases = []struct {
	name    string
	service string
	env     map[string]string
	config  string
	want    string
	from    string
}{
	{name: "AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL and the config", service: "s3",
		env:    map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9001", "AWS_ENDPOINT_URL": "http://127.0.0.1:9002"},
		config: "[default]\nendpoint_url = http://127.0.0.1:9004\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9003\n",
		want:   "http://127.0.0.1:9001", from: "AWS_ENDPOINT_URL_S3"},
	{name: "AWS_ENDPOINT_URL wins over the services section", service: "s3",
		env:    map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9002"},
		config: "[default]\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9003\n",
		want:   "http://127.0.0.1:9002", from: "AWS_ENDPOINT_URL"},
	{name: "the service's block of the profile's services section wins over the profile's endpoint_url", service: "s3",
		config: "[default]\nendpoint_url = http://127.0.0.1:9004\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9003\n",
		want:   "http://127.0.0.1:9003", from: "[services local] s3.endpoint_url"},
	{name: "another service's block is not used", service: "s3",
		config: "[default]\nendpoint_url = http://127.0.0.1:9004\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:9005\n",
		want:   "http://127.0.0.1:9004", from: "endpoint_url"},
	{name: "nothing configured gives no URL", service: "s3", config: "[default]\nregion = eu-west-1\n"},
	{name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores env and config", service: "s3",
		env:    map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9001"},
		config: "[default]\nendpoint_url = http://127.0.0.1:9004\n"},
	{name: "the profile's ignore_configured_endpoint_urls ignores env variables too", service: "s3",
		env:    map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9001"},
		config: "[default]\nignore_configured_endpoint_urls = true\nendpoint_url = http://127.0.0.1:9004\n"},
	{name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false overrides the profile's true", service: "s3",
		env:    map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9001"},
		config: "[default]\nignore_configured_endpoint_urls = true\n",
		want:   "http://127.0.0.1:9001", from: "AWS_ENDPOINT_URL_S3"},
	{name: "a service ID with a space uses underscores in the variable and the block", service: "secrets manager",
		env:    map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:9006"},
		config: "[default]\n",
		want:   "http://127.0.0.1:9006", from: "AWS_ENDPOINT_URL_SECRETS_MANAGER"},
	{name: "a services block for a service ID with a space", service: "secrets manager",
		config: "[default]\nservices = local\n[services local]\nsecrets_manager =\n  endpoint_url = http://127.0.0.1:9007\n",
		want:   "http://127.0.0.1:9007", from: "[services local] secrets_manager.endpoint_url"},
}

func writeServiceEndpointConfig(t *testing.T, config string) (home, path string) {
	home = t.TempDir()
	path = filepath.Join(home, "config")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return home, path
}

func TestServiceEndpointURL(t *testing.T) {
	for _, tc := range serviceEndpointCases {
		t.Run(tc.name, func(t *testing.T) {
			home, cfg := writeServiceEndpointConfig(t, tc.config)
			env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
			for k, v := range tc.env {
				env[k] = v
			}
			res, err := Resolve(context.Background(), Options{Getenv: func(k string) string { return env[k] }, HomeDir: home, ConfigFile: cfg})
			if err != nil {
				t.Fatal(err)
			}
			defer res.Close()
			url, from, err := res.ServiceEndpointURL(tc.service)
			if err != nil || url != tc.want || !strings.HasPrefix(from, tc.from) {
				t.Fatalf("got %q from %q, %v; want %q from %q", url, from, err, tc.want, tc.from)
			}
		})
	}
}

func TestServiceEndpointURLErrors(t *testing.T) {
	cases := []struct{ name, config, want string }{
		{"a profile naming a missing services section is an error naming the file and line",
			"[default]\nservices = nowhere\n", `services (~/config line 2): names the services section "nowhere"`},
		{"a service key without indented settings is an error naming the file and line",
			"[default]\nservices = local\n[services local]\ns3 = http://127.0.0.1:9000\n", "s3 must be followed by indented settings"},
		{"an ignore setting that is neither true nor false is an error",
			"[default]\nignore_configured_endpoint_urls = yes\n", `"yes"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home, cfg := writeServiceEndpointConfig(t, tc.config)
			env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
			res, err := Resolve(context.Background(), Options{Getenv: func(k string) string { return env[k] }, HomeDir: home, ConfigFile: cfg})
			if err != nil {
				if strings.Contains(err.Error(), tc.want) {
					return // the STS endpoint settings share the check, so Resolve may refuse first
				}
				t.Fatal(err)
			}
			defer res.Close()
			_, _, err = res.ServiceEndpointURL("s3")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestServiceEndpointURLMatchesBotocore builds a botocore client for each case's service from the
// same environment and config file and compares its endpoint_url (with nothing configured,
// botocore's default endpoint is an AWS host, which chain reports as ""). botocore makes no
// request here; the client is only constructed.
func TestServiceEndpointURLMatchesBotocore(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		peers.Missing(t, "python3 not on PATH")
	}
	if out, err := exec.Command("python3", "-c", "import botocore.session").CombinedOutput(); err != nil {
		peers.Missing(t, "botocore not importable: %v: %s", err, out)
	}
	const script = `
import json, sys, botocore.session
service = sys.argv[1]
s = botocore.session.Session()
c = s.create_client(service.replace(" ", "").lower() if service != "secrets manager" else "secretsmanager", region_name="eu-west-1")
print(json.dumps(c.meta.endpoint_url))
`
	for _, tc := range serviceEndpointCases {
		t.Run(tc.name, func(t *testing.T) {
			home, cfg := writeServiceEndpointConfig(t, tc.config)
			cmd := exec.Command("python3", "-c", script, tc.service)
			cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_CONFIG_FILE=" + cfg,
				"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"), "AWS_EC2_METADATA_DISABLED=true",
				"AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret"}
			for k, v := range tc.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("botocore: %v: %s", err, out)
			}
			var got string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("botocore printed %q", out)
			}
			want := tc.want
			if want == "" {
				if !strings.Contains(got, "amazonaws.com") {
					t.Fatalf("botocore chose %q; chain reports no configured URL", got)
				}
				return
			}
			if got != want {
				t.Fatalf("botocore chose %q, chain %q", got, want)
			}
		})
	}
}
