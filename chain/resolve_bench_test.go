package chain

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// BenchmarkResolve resolves a cross-account profile (web identity in profile a, AssumeRole in
// profile b) from a config file: chain.Resolve beside aws-sdk-go-v2's config.LoadDefaultConfig,
// which reads the same files and builds the same providers. Neither makes a network call.
//
//	go test -run '^$' -bench BenchmarkResolve -benchmem -benchtime 2000x ./chain/
func BenchmarkResolve(b *testing.B) {
	home := b.TempDir()
	cfgPath := filepath.Join(home, "config")
	credsPath := filepath.Join(home, "credentials")
	cfg := "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/web\nweb_identity_token_file = /var/run/token\n" +
		"[profile b]\nrole_arn = arn:aws:iam::222222222222:role/cross\nsource_profile = a\nrole_session_name = b-session\nregion = eu-west-2\n" +
		"[profile other]\nregion = us-east-1\noutput = json\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(credsPath, []byte("[base]\n"+baseKeysIni), 0o600); err != nil {
		b.Fatal(err)
	}
	// Keep the machine's settings out of the SDK, which reads the process environment.
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"} {
		b.Setenv(k, "")
	}
	b.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()

	b.Run("irsa", func(b *testing.B) {
		env := map[string]string{"HOME": home}
		opts := Options{Profile: "b", ConfigFile: cfgPath, CredentialsFile: credsPath, Getenv: func(k string) string { return env[k] }}
		b.ReportAllocs()
		for b.Loop() {
			res, err := Resolve(ctx, opts)
			if err != nil {
				b.Fatal(err)
			}
			if res.Region != "eu-west-2" {
				b.Fatalf("region %q", res.Region)
			}
			res.Close()
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := config.LoadDefaultConfig(ctx,
				config.WithSharedConfigProfile("b"),
				config.WithSharedConfigFiles([]string{cfgPath}),
				config.WithSharedCredentialsFiles([]string{credsPath}))
			if err != nil {
				b.Fatal(err)
			}
			if c.Region != "eu-west-2" {
				b.Fatalf("region %q", c.Region)
			}
		}
	})
}
