package chain

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/irsa-go/irsa/internal/benchenv"
)

// BenchmarkResolve resolves a cross-account profile (web identity in profile a, AssumeRole in
// profile b) from a config file: chain.Resolve beside aws-sdk-go-v2's config.LoadDefaultConfig,
// which reads the same files and builds the same providers. Both are called as a program would
// call them, with no options: they find the files and the profile through the same (otherwise
// cleared) environment. Neither makes a network call. For figures, run the two sides in
// alternating rounds (see the README):
//
//	go run ./internal/benchratio ./chain/ BenchmarkResolve
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
	// Both sides read the same process environment: the files above, profile b, nothing else.
	benchenv.Neutral(b, "HOME", home, "AWS_CONFIG_FILE", cfgPath, "AWS_SHARED_CREDENTIALS_FILE", credsPath, "AWS_PROFILE", "b")
	ctx := context.Background()

	b.Run("irsa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			res, err := Resolve(ctx, Options{})
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
			c, err := config.LoadDefaultConfig(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if c.Region != "eu-west-2" {
				b.Fatalf("region %q", c.Region)
			}
		}
	})
}
