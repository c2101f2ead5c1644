//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/peers"
)

// The AWS CLI lists moto S3 with a profile whose credential_process is irsa credential-process,
// which gets the credentials from the fake STS with the pod's web identity.
func TestEndToEndAWSCLIListsThroughCredentialProcess(t *testing.T) {
	leakcheck.Check(t)
	awsBin := peer(t, "aws", "the AWS CLI")
	moto := peers.StartMoto(t)
	bin := irsaBinary(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	rec := startRecorder(t, moto.URL, e.STS)
	putObjects(t, moto.URL, "irsa-e2e-cli", map[string]int{"logs/a.log": 10, "logs/b.log": 20, "top.txt": 3})

	dir := t.TempDir()
	stderrLog := filepath.Join(dir, "irsa-stderr.log")
	// A token of the cluster for a service account the role does not trust.
	untrusted, err := e.Issuer.Sign(fakeoidc.TokenOptions{Namespace: "default", ServiceAccount: "someone-else"})
	if err != nil {
		t.Fatal(err)
	}
	untrustedFile := filepath.Join(dir, "untrusted-token")
	if err := os.WriteFile(untrustedFile, []byte(untrusted), 0o600); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config")
	// botocore splits credential_process like a POSIX shell; irsa-logged keeps irsa's stderr,
	// which the AWS CLI shows only when the process fails.
	err = os.WriteFile(config, []byte(fmt.Sprintf(`[profile irsa]
credential_process = %[1]s credential-process
region = us-east-1

[profile irsa-logged]
credential_process = sh -c 'exec "$0" credential-process 2>"$1"' %[1]s %[2]s
region = us-east-1

[profile missing]
credential_process = %[1]s credential-process --profile nope
region = us-east-1
`, bin, stderrLog)), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	// The pod's environment: the AWS CLI, given --profile, ignores the web identity variables
	// (as botocore does for an explicit profile) and runs the credential_process, which inherits
	// them.
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_CONFIG_FILE=" + config,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ROLE_ARN=" + e.RoleARN, "AWS_WEB_IDENTITY_TOKEN_FILE=" + e.TokenFile, "AWS_ENDPOINT_URL_STS=" + e.STS.URL(),
		"AWS_REGION=us-east-1", "AWS_STS_REGIONAL_ENDPOINTS=regional",
	}
	ls := func(profile string, args ...string) []string {
		return append([]string{"--profile", profile, "s3", "ls", "--endpoint-url", rec.URL()}, args...)
	}

	for _, profile := range []string{"irsa", "irsa-logged"} {
		t.Run("aws --profile "+profile+" s3 ls", func(t *testing.T) {
			before, calls := len(rec.Requests()), e.STS.Count(fakests.OpAssumeRoleWithWebIdentity)
			r := runBinary(t, env, awsBin, ls(profile, "s3://irsa-e2e-cli", "--recursive")...)
			t.Logf("aws --profile %s s3 ls s3://irsa-e2e-cli --recursive: exit %d\n%s", profile, r.code, r.stdout)
			if r.code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if len(lines) != 3 || !strings.HasSuffix(lines[0], "         10 logs/a.log") || !strings.HasSuffix(lines[1], "         20 logs/b.log") ||
				!strings.HasSuffix(lines[2], "          3 top.txt") {
				t.Errorf("listing:\n%s", r.stdout)
			}
			checkSignedByIssuedKeys(t, rec.Requests()[before:])
			// The first command calls STS once; the second takes the credentials from the cache
			// irsa's processes share.
			want := map[string]int{"irsa": 1, "irsa-logged": 0}[profile]
			if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity) - calls; n != want {
				t.Errorf("%d AssumeRoleWithWebIdentity calls for aws --profile %s, want %d", n, profile, want)
			}
			secrets := webIdentitySecrets(t, e, rec)
			noSecrets(t, r.stderr, secrets...)
			if profile == "irsa-logged" {
				logged := string(mustRead(t, stderrLog))
				if logged != "" {
					t.Errorf("irsa credential-process wrote on stderr: %q", logged)
				}
				noSecrets(t, logged, secrets...)
			}
		})
	}

	t.Run("a profile irsa does not find: the AWS CLI shows irsa's error", func(t *testing.T) {
		r := runBinary(t, env, awsBin, ls("missing")...)
		t.Logf("exit %d\nstderr:\n%s", r.code, r.stderr)
		if r.code == 0 || !strings.Contains(r.stderr, `irsa credential-process: profile "nope" (from --profile) not found`) {
			t.Errorf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
	})

	t.Run("a token STS refuses: the AWS CLI shows irsa's error without the token", func(t *testing.T) {
		before := len(rec.Requests())
		bad := append(append([]string(nil), env...), "AWS_WEB_IDENTITY_TOKEN_FILE="+untrustedFile)
		for _, profile := range []string{"irsa", "irsa-logged"} {
			r := runBinary(t, bad, awsBin, ls(profile, "s3://irsa-e2e-cli")...)
			if profile == "irsa-logged" {
				r.stderr += string(mustRead(t, stderrLog))
			}
			t.Logf("aws --profile %s: exit %d\nstderr:\n%s", profile, r.code, r.stderr)
			if r.code == 0 || !strings.Contains(r.stderr, "irsa credential-process: ") || !strings.Contains(r.stderr, "AccessDenied") {
				t.Errorf("exit %d\nstderr:\n%s", r.code, r.stderr)
			}
			noSecrets(t, r.stderr, untrusted)
		}
		if n := len(rec.Requests()) - before; n != 0 {
			t.Errorf("the AWS CLI sent %d requests to S3 without credentials", n)
		}
	})
}
