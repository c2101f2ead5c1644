package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/peers"
)

// serveAWS runs the AWS CLI with exactly env (and PATH), bounded in time, and returns its exit
// status and output.
func serveAWS(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("aws %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// TestAWSCLIListsAMotoBucketThroughServe is `aws s3 ls` (botocore's ContainerProvider) with its
// credentials from irsa serve, which gets them from the fake STS with a real web identity token.
func TestAWSCLIListsAMotoBucketThroughServe(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		peers.Missing(t, "the AWS CLI (aws) is not on PATH")
	}
	moto := peers.StartMoto(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	home := t.TempDir()
	base := []string{"HOME=" + home, "AWS_CONFIG_FILE=" + filepath.Join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
		"AWS_DEFAULT_REGION=us-east-1", "AWS_ENDPOINT_URL_S3=" + moto.URL, "AWS_ENDPOINT_URL_STS=" + e.STS.URL(), "AWS_EC2_METADATA_DISABLED=true"}

	// The bucket, made with moto's static keys.
	object := filepath.Join(home, "hello.txt")
	if err := os.WriteFile(object, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	static := append([]string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing"}, base...)
	for _, args := range [][]string{{"s3", "mb", "s3://irsa-serve-e2e"}, {"s3", "cp", object, "s3://irsa-serve-e2e/dir/hello.txt"}} {
		if code, out, errOut := serveAWS(t, static, args...); code != 0 {
			t.Fatalf("aws %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}

	tokenFile := filepath.Join(t.TempDir(), "token")
	s := startServe(t, pod(t, e), "serve", "--listen", "127.0.0.1:0", "--write-token-file", tokenFile)
	client := append([]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + s.url, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + tokenFile}, base...)

	code, out, errOut := serveAWS(t, client, "s3", "ls", "--recursive", "s3://irsa-serve-e2e")
	t.Logf("aws s3 ls:\n%s%s", out, errOut)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), " 6 dir/hello.txt") {
		t.Errorf("exit %d", code)
	}
	// The CLI signed with the served credentials: the fake STS checks GetCallerIdentity's signature.
	code, out, errOut = serveAWS(t, client, "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if code != 0 || !strings.HasPrefix(out, "arn:aws:sts::111122223333:assumed-role/irsa-app/") {
		t.Errorf("aws sts get-caller-identity: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = serveAWS(t, client, "configure", "list")
	if code != 0 || !strings.Contains(out, "container-role") {
		t.Errorf("aws configure list does not name the container provider:\n%s", out)
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 1 {
		t.Errorf("%d AssumeRoleWithWebIdentity calls for three CLI runs, want 1", n)
	}

	// A wrong token: the CLI reports the endpoint's answer, which holds no credentials.
	wrong := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrong, []byte("not-the-token-0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := append([]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + s.url, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + wrong}, base...)
	code, out, errOut = serveAWS(t, bad, "s3", "ls", "s3://irsa-serve-e2e")
	t.Logf("with a wrong token: exit %d\n%s%s", code, out, errOut)
	if code == 0 || !strings.Contains(errOut, "403") {
		t.Errorf("exit %d with a wrong token", code)
	}

	r := s.stop()
	token, _ := os.ReadFile(tokenFile)
	noSecrets(t, r.stderr+errOut, string(token), "not-the-token-0123456789")
}
