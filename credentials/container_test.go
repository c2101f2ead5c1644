package credentials_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

const (
	containerKey    = "ASIACONTAINER0000001"
	containerSecret = "containerSECRETkey0123456789abcdefghijklm"
	containerToken  = "containerSESSIONtoken0123456789abcdefghijklmnopq"
	authToken       = "container-AUTH-token-0123456789abcdef"
)

func containerCreds(context.Context) (credentials.Credentials, error) {
	return credentials.Credentials{AccessKeyID: containerKey, SecretAccessKey: containerSecret, SessionToken: containerToken,
		Expires: time.Now().Add(time.Hour).Truncate(time.Second), AccountID: "111122223333"}, nil
}

// startContainer starts a fake endpoint that requires authToken, or the token in a file it
// rotates when tokenFile is set.
func startContainer(t *testing.T, tokenFile string) *fakecontainer.Server {
	t.Helper()
	opts := fakecontainer.Options{Credentials: containerCreds, Token: authToken}
	if tokenFile != "" {
		opts.Token, opts.TokenFile = "", tokenFile
	}
	s, err := fakecontainer.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func mapEnv(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// checkNoSecrets fails t when any rendering of v holds a secret.
func checkNoSecrets(t *testing.T, v any, secrets ...string) {
	t.Helper()
	for _, text := range []string{fmt.Sprint(v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%q", v), fmt.Sprintf("%x", v)} {
		for _, s := range secrets {
			if strings.Contains(text, s) || strings.Contains(text, fmt.Sprintf("%x", s)) {
				t.Errorf("%T printed holds a secret: %s", v, text)
			}
		}
	}
}

func TestNewContainerRefusesBadConfiguration(t *testing.T) {
	const rule = "over http only a loopback address (127.0.0.0/8, ::1, localhost), the ECS agent's 169.254.170.2 or the EKS Pod Identity agent's 169.254.170.23 or fd00:ec2::23 is allowed, as in the AWS SDKs; any host is allowed over https"
	full := "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{name: "neither variable", env: nil,
			want: "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set: they are how ECS (the first) and EKS Pod Identity (the second) offer container credentials"},
		// Deliberate difference from botocore: a blank variable counts as unset (botocore takes
		// RELATIVE_URI="" as set and asks http://169.254.170.2, and FULL_URI="" raises ValueError).
		{name: "blank variables count as unset", env: []string{full, " ", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "\t"},
			want: "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set"},
		{name: "a host on the internet over http", env: []string{full, "http://example.com/creds"},
			want: `AWS_CONTAINER_CREDENTIALS_FULL_URI="http://example.com/creds": the host example.com is not allowed: ` + rule},
		{name: "the instance metadata address", env: []string{full, "http://169.254.169.254/latest/meta-data/iam/security-credentials/role"},
			want: `the host 169.254.169.254 is not allowed: ` + rule},
		{name: "an agent's address as a prefix of a name", env: []string{full, "http://169.254.170.2.evil.example/creds"},
			want: `the host 169.254.170.2.evil.example is not allowed`},
		{name: "a neighbour of the IPv6 agent", env: []string{full, "http://[fd00:ec2::24]/v1/credentials"},
			want: `the host fd00:ec2::24 is not allowed`},
		{name: "a private address", env: []string{full, "http://10.0.0.1/creds"}, want: `the host 10.0.0.1 is not allowed`},
		{name: "loopback written as a decimal number", env: []string{full, "http://2130706433/creds"}, want: `the host 2130706433 is not allowed`},
		{name: "a name that only starts with localhost", env: []string{full, "http://localhost.evil.example/"}, want: `the host localhost.evil.example is not allowed`},
		// Deliberate difference from botocore: a URL with user information is refused (botocore
		// checks only the host, and sends it).
		{name: "user information in the URL", env: []string{full, "http://admin:hunter2-password@127.0.0.1:8080/creds"},
			want: `AWS_CONTAINER_CREDENTIALS_FULL_URI="http://[redacted]@127.0.0.1:8080/creds" holds a user name or password, which are not sent (the agent takes its token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN): remove them from the URL`},
		{name: "user information over https", env: []string{full, "https://hunter2-password@creds.example/"},
			want: `"https://[redacted]@creds.example/" holds a user name or password`},
		{name: "an agent's address hidden behind user information", env: []string{full, "http://169.254.170.2@evil.example/"},
			want: `holds a user name or password`},
		{name: "a URL that does not parse", env: []string{full, "http://[::1/creds"},
			want: `AWS_CONTAINER_CREDENTIALS_FULL_URI="http://[::1/creds" is not a valid URL: set it to the endpoint's URL, such as http://169.254.170.23/v1/credentials`},
		{name: "a URL with a line break", env: []string{full, "http://127.0.0.1/creds\r\nX-Injected: 1"},
			want: `AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1/creds\r\nX-Injected: 1" is not a valid URL`},
		{name: "a host and port without a scheme", env: []string{full, "127.0.0.1:8080/creds"}, want: `is not a valid URL`},
		{name: "a path only", env: []string{full, "/v1/credentials"}, want: `"/v1/credentials" must be an http or https URL`},
		// Deliberate difference from botocore: a scheme other than http or https is refused here
		// (botocore lets ftp://127.0.0.1 through its check and fails when it sends).
		{name: "another scheme", env: []string{full, "ftp://127.0.0.1/creds"}, want: `"ftp://127.0.0.1/creds" must be an http or https URL`},
		{name: "no host", env: []string{full, "http:///creds"}, want: `"http:///creds" has no host`},
		{name: "a relative URI without its leading slash", env: []string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/credentials/x"},
			want: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="v2/credentials/x" does not start with "/": it is a path on http://169.254.170.2, such as /v2/credentials/ID, as the ECS agent sets it`},
		{name: "a relative URI with a control character", env: []string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/\x00"},
			want: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="/v2/\x00" is not a valid path`},
		{name: "a relative URI that tries to change the host", env: []string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@evil.example/creds"},
			want: `does not start with "/"`},
		{name: "a token with a final newline", env: []string{full, "http://127.0.0.1/", "AWS_CONTAINER_AUTHORIZATION_TOKEN", authToken + "\n"},
			want: "AWS_CONTAINER_AUTHORIZATION_TOKEN holds a line break (at its end: write the token without a final newline, as the agents do), which an HTTP header cannot hold (it would add headers to the request); the token is not shown here because it is a secret"},
		{name: "a token that would add a header", env: []string{full, "http://127.0.0.1/", "AWS_CONTAINER_AUTHORIZATION_TOKEN", authToken + "\r\nX-Injected: 1"},
			want: "AWS_CONTAINER_AUTHORIZATION_TOKEN holds a line break, which an HTTP header cannot hold (it would add headers to the request); the token is not shown here because it is a secret"},
		// Deliberate difference from botocore: control characters other than CR and LF are refused
		// too (botocore checks only CR and LF; the HTTP library then refuses the header).
		{name: "a token with a NUL", env: []string{full, "http://127.0.0.1/", "AWS_CONTAINER_AUTHORIZATION_TOKEN", authToken + "\x00"},
			want: "AWS_CONTAINER_AUTHORIZATION_TOKEN holds a control character (byte 38), which an HTTP header cannot hold; the token is not shown here because it is a secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: mapEnv(tc.env...)})
			if err == nil {
				t.Fatalf("no error; got %v", p)
			}
			if !strings.HasPrefix(err.Error(), "credentials: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain\n%s", err, tc.want)
			}
			if !credentials.IsNonRecoverable(err) {
				t.Error("a configuration error is recoverable")
			}
			checkNoSecrets(t, err, authToken, "hunter2-password")
		})
	}
}

func TestNewContainerAllowsTheHostsAWSAllows(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/creds", "http://127.9.8.7/", "http://[::1]:80/creds", "http://localhost/creds",
		"http://LocalHost:9/", "http://169.254.170.2/v2/credentials/x", "http://169.254.170.23/v1/credentials",
		// Deliberate difference from botocore: the agents' addresses are compared as addresses, so
		// fd00:ec2:0::23 is fd00:ec2::23 (botocore compares the text and refuses it).
		"http://[fd00:ec2::23]/v1/credentials", "http://[fd00:ec2:0::23]/v1/credentials", "https://creds.example/", "https://169.254.169.254/"} {
		p, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: mapEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", u)})
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		if !strings.Contains(fmt.Sprint(p), "(AWS_CONTAINER_CREDENTIALS_FULL_URI)") {
			t.Errorf("%s: printed as %v", u, p)
		}
	}
}

func TestContainerRelativeURIWinsOverFullURI(t *testing.T) {
	leakcheck.Check(t)
	ecs := startContainer(t, "")
	ecs2 := startContainer(t, "") // the full URI's: must get no request
	p, err := credentials.NewContainer(credentials.ContainerOptions{RelativeURIHost: ecs.Host(), Getenv: mapEnv(
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v1/credentials", "AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs2.URL(),
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", authToken)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != containerKey || c.Source != "container" || c.AccountID != "111122223333" || !c.CanExpire() {
		t.Fatalf("Retrieve = %v, %v", c, err)
	}
	if n, n2 := len(ecs.Requests()), len(ecs2.Requests()); n != 1 || n2 != 0 {
		t.Errorf("requests: %d to the relative URI's host, %d to the full URI; want 1 and 0", n, n2)
	}
	want := "credentials.Container{URL: http://" + ecs.Host() + "/v1/credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), Authorization: AWS_CONTAINER_AUTHORIZATION_TOKEN}"
	if fmt.Sprint(p) != want {
		t.Errorf("printed as\n%v\nwant\n%s", p, want)
	}
	checkNoSecrets(t, p, authToken)
}

func TestContainerTokenFileIsReadOnEveryRetrieve(t *testing.T) {
	leakcheck.Check(t)
	file := filepath.Join(t.TempDir(), "eks-pod-identity-token")
	agent := startContainer(t, file)
	p, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: mapEnv(
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.URL(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "the file wins over this")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := p.Retrieve(context.Background()); err != nil {
			t.Fatalf("retrieve %d: %v", i, err)
		}
		if _, err := agent.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range agent.Requests() {
		if r.Authorization != "valid" || r.Status != 200 {
			t.Errorf("request %d: %+v", i, r)
		}
	}
	checkNoSecrets(t, p, "the file wins over this")
}

func TestContainerRetrieveErrors(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	agent := startContainer(t, file)
	fileToken, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	withFile := func(path string) []string {
		return []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.URL(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path}
	}
	writeFile := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	url := agent.URL()
	for _, tc := range []struct {
		name     string
		env      []string
		faults   []fakecontainer.Fault
		want     string
		requests int
		nonRecov bool
	}{
		{name: "a missing token file", env: withFile(filepath.Join(dir, "nope")), nonRecov: true,
			want: `credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "` + dir + `/nope" does not exist: on EKS, the Pod Identity webhook mounts it when the pod's service account has a pod identity association; check the pod's volumes`},
		{name: "an empty token file", env: withFile(writeFile("empty", "")), nonRecov: true,
			want: `credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "` + dir + `/empty" is empty: the path points at the wrong file, or whatever writes the token has not written it`},
		{name: "a token file of white space", env: withFile(writeFile("blank", " \t ")), nonRecov: true, want: `/blank" is empty`},
		{name: "a huge token file", env: withFile(writeFile("huge", strings.Repeat("x", 1<<20))), nonRecov: true,
			want: `credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "` + dir + `/huge" is larger than 64 KiB, the limit: it is not an authorization token; check the path`},
		{name: "a token file that is a FIFO", env: withFile(fifo), nonRecov: true,
			want: `credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "` + dir + `/fifo" is a named pipe (FIFO), not a file: point it at the token file, such as /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token`},
		{name: "a token file that is a directory", env: withFile(dir), nonRecov: true, want: `" is a directory, not a file`},
		{name: "a token file with a final newline", env: withFile(writeFile("newline", string(fileToken)+"\n")), nonRecov: true,
			want: `credentials: the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "` + dir + `/newline" holds a line break (at its end: write the token without a final newline, as the agents do), which an HTTP header cannot hold`},
		{name: "a token file that would add a header", env: withFile(writeFile("inject", string(fileToken)+"\r\nX-Admin: true")), nonRecov: true,
			want: `/inject" holds a line break, which an HTTP header cannot hold (it would add headers to the request)`},
		{name: "three 500s", env: withFile(file), faults: []fakecontainer.Fault{1, 1, 1}, requests: 3,
			want: "credentials: the container credentials endpoint " + url + " (3 attempts): HTTP 500 Internal Server Error: InternalError: the agent failed to get credentials"},
		{name: "two 500s, then credentials", env: withFile(file), faults: []fakecontainer.Fault{1, 1}, requests: 3},
		{name: "an HTML page from a proxy", env: withFile(file), faults: []fakecontainer.Fault{fakecontainer.HTML, fakecontainer.HTML, fakecontainer.HTML}, requests: 3,
			want: "credentials: the container credentials endpoint " + url + " (3 attempts): HTTP 502 Bad Gateway: <html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"},
		{name: "missing fields", env: withFile(file), faults: []fakecontainer.Fault{fakecontainer.MissingFields}, requests: 1, nonRecov: true,
			want: "credentials: the container credentials endpoint " + url + " answered without Token, Expiration"},
		{name: "expired credentials", env: withFile(file), faults: []fakecontainer.Fault{fakecontainer.Expired}, requests: 1,
			want: "credentials: the container credentials endpoint " + url + " answered with credentials that expired at "},
		// Deliberate difference from botocore: a 4xx answer is not retried (botocore tries every
		// non-200 answer, and a 200 that is not JSON, 3 times with 1 s pauses).
		{name: "a wrong token", env: []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url, "AWS_CONTAINER_AUTHORIZATION_TOKEN", authToken}, requests: 1,
			want: "credentials: the container credentials endpoint " + url + ": HTTP 403 Forbidden: AccessDeniedException: the authorization token is not valid (the authorization token came from AWS_CONTAINER_AUTHORIZATION_TOKEN)"},
		{name: "no token", env: []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url}, requests: 1,
			want: "credentials: the container credentials endpoint " + url + ": HTTP 401 Unauthorized: AccessDeniedException: the Authorization header is missing (no authorization token was sent: set AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, or AWS_CONTAINER_AUTHORIZATION_TOKEN, as the agent expects)"},
		{name: "a wrong path", env: []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url + "x?id=query-secret", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file}, requests: 1,
			want: "credentials: the container credentials endpoint " + url + "x?…: HTTP 404 Not Found: NotFound: no credentials at this path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			agent.ResetRequests()
			agent.SetFaults(tc.faults...)
			p, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: mapEnv(tc.env...)})
			if err != nil {
				t.Fatal(err)
			}
			credentials.SetContainerSleep(p, func(ctx context.Context, _ time.Duration) error { return ctx.Err() })
			c, err := p.Retrieve(context.Background())
			if n := len(agent.Requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
			if tc.want == "" {
				if err != nil || c.AccessKeyID != containerKey {
					t.Fatalf("Retrieve = %v, %v", c, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; got %v", c)
			}
			if !strings.HasPrefix(err.Error(), "credentials: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%.600s\nwant it to contain\n%s", err, tc.want)
			}
			if credentials.IsNonRecoverable(err) != tc.nonRecov {
				t.Errorf("IsNonRecoverable = %v, want %v", credentials.IsNonRecoverable(err), tc.nonRecov)
			}
			checkNoSecrets(t, err, string(fileToken), authToken, containerSecret, containerToken, "query-secret")
		})
	}
}

func TestContainerSlowEndpointIsBoundedByTheContext(t *testing.T) {
	leakcheck.Check(t)
	agent := startContainer(t, "")
	agent.SetFaults(fakecontainer.Slow)
	p, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: mapEnv(
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.URL(), "AWS_CONTAINER_AUTHORIZATION_TOKEN", authToken)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := p.Retrieve(ctx)
		done <- err
	}()
	<-agent.Held()
	cancel()
	err = <-done
	if err == nil || !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "credentials: the container credentials endpoint "+agent.URL()+": context canceled") {
		t.Fatalf("error: %v", err)
	}
}
