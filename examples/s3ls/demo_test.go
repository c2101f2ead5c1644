package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

func TestDemoRunsTheWholeFlowOfflineWithoutReadingTheEnvironment(t *testing.T) {
	leakcheck.Check(t)
	var out bytes.Buffer
	a := &app{
		stdout: &out,
		stderr: &out,
		getenv: func(k string) string {
			t.Errorf("the demo read the real environment variable %s", k)
			return ""
		},
		resolve: resolveWithChain,
	}
	if code := a.run(context.Background(), []string{"-demo"}); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"1. A fake EKS OIDC issuer",
		"system:serviceaccount:demo:s3ls",
		"3. web identity: chosen: token file from AWS_WEB_IDENTITY_TOKEN_FILE, role from AWS_ROLE_ARN",
		// The shared files are found as in a pod, through the environment the demo prints.
		"config file: ~/config (read; path from AWS_CONFIG_FILE)",
		"credentials file: ~/credentials (missing; path from AWS_SHARED_CREDENTIALS_FILE)",
		"     HOME=",
		"credentials fetched (",
		"arn:aws:sts::111122223333:assumed-role/irsa-demo/",
		"                           PRE config/\n",
		"AccessDenied (HTTP 403): User: arn:aws:sts::111122223333:assumed-role/irsa-demo/",
		"2. AssumeRole arn:aws:iam::444455556666:role/demo-reader, session name s3ls-demo, external ID s3ls-demo, profile cross",
		"from assume-role",
		"  256.0 MiB exports/orders.parquet\n",
		"\nTotal Objects: 5\n   Total Size: 262.3 MiB\n",
		"AssumeRole role=\"arn:aws:iam::444455556666:role/demo-reader\" session=\"s3ls-demo\"",
		"ListObjectsV2 s3://shared-reports-444455556666 signed by ASIA",
		"with its session token -> 200 OK",
		// The second pod, with EKS Pod Identity, side by side with the IRSA one.
		"8. A second pod, with EKS Pod Identity instead of IRSA",
		"11. container credentials: chosen: AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = ",
		" from container, expires in ",
		"AssumeRole role=\"arn:aws:iam::111122223333:role/pod-identity-demo\" session=\"eks-demo-s3ls-pod\" caller=\"arn:aws:iam::111122223333:user/eks-pod-identity-agent\"",
		"(arn:aws:sts::111122223333:assumed-role/pod-identity-demo/eks-demo-s3ls-pod) with its session token -> 200 OK",
		// The token rotated between the two listings, and the second read the new one.
		"GET /v1/credentials with the valid token -> 200\n     GET /v1/credentials with the valid token -> 200\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo output lacks %q", want)
		}
	}
	// Nothing secret: no session token (the fake STS's start with IQoJ, as AWS's), no JWT, no
	// 40-character secret access key.
	for _, pattern := range []string{`IQoJb3JpZ2lu`, `fake-pod-identity-token-`, `fake-agent-secret`, `eyJ[A-Za-z0-9_-]{10,}`, `(^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{40}([^A-Za-z0-9+/=]|$)`} {
		if m := regexp.MustCompile(pattern).FindString(got); m != "" {
			t.Errorf("the demo printed something secret-shaped (%s): %q", pattern, m)
		}
	}
	if strings.Contains(got, "\n\n\n") || strings.Contains(got, " \n") {
		t.Error("the demo output has stray blank lines or trailing spaces")
	}
	if t.Failed() {
		t.Logf("demo output:\n%s", got)
	}
}
