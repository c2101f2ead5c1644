package benchenv

import (
	"os"
	"testing"
)

func TestNeutralClearsAWSSettingsAndSetsWhatItIsGiven(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "/etc/ssl/big-bundle.pem")
	t.Setenv("AWS_ENDPOINT_URL_S3", "https://s3.example")
	t.Setenv("HTTPS_PROXY", "http://proxy.example:3128")
	t.Run("inside", func(t *testing.T) {
		Neutral(t, "AWS_REGION", "eu-west-2")
		for name, want := range map[string]string{
			"AWS_CA_BUNDLE": "", "AWS_ENDPOINT_URL_S3": "", "HTTPS_PROXY": "",
			"AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "eu-west-2",
		} {
			if got := os.Getenv(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
	})
	if got := os.Getenv("AWS_CA_BUNDLE"); got != "/etc/ssl/big-bundle.pem" {
		t.Errorf("after the benchmark AWS_CA_BUNDLE = %q, want it restored", got)
	}
}
