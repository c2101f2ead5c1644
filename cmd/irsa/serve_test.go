package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// notifyBuffer is a syncBuffer that signals each write.
type notifyBuffer struct {
	syncBuffer
	wrote chan struct{}
}

func (n *notifyBuffer) Write(p []byte) (int, error) {
	k, err := n.syncBuffer.Write(p)
	select {
	case n.wrote <- struct{}{}:
	default:
	}
	return k, err
}

// serveRun is irsa serve running in-process.
type serveRun struct {
	url, health string
	stderr      *notifyBuffer
	cancel      context.CancelFunc
	done        chan result
}

// listeningURL finds the URLs in the text or JSON log line.
var listeningURL = regexp.MustCompile(`msg"?[=:]"irsa serve: listening"[ ,]"?url"?[=:]"?([^ "]+)"?[ ,]"?health"?[=:]"?([^ "]+)`)

// startServe runs irsa with args in the background and waits until it listens; it fails t if
// irsa exits first. The run is stopped when t ends, if the test has not stopped it.
func startServe(t *testing.T, environ []string, args ...string) *serveRun {
	t.Helper()
	stderr := &notifyBuffer{wrote: make(chan struct{}, 1)}
	var stdout syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	s := &serveRun{stderr: stderr, cancel: cancel, done: make(chan result, 1)}
	go func() {
		a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: stderr, environ: environ}
		code := a.run(ctx, args)
		s.done <- result{code, stdout.String(), stderr.String()}
	}()
	t.Cleanup(func() { s.stop() })
	deadline := time.After(30 * time.Second)
	for {
		if m := listeningURL.FindStringSubmatch(stderr.String()); m != nil {
			s.url, s.health = m[1], m[2]
			return s
		}
		select {
		case <-stderr.wrote:
		case r := <-s.done:
			s.done <- r
			t.Fatalf("irsa serve exited %d before listening:\n%s", r.code, r.stderr)
		case <-deadline:
			t.Fatalf("irsa serve did not listen within 30 s:\n%s", stderr.String())
		}
	}
}

// stop cancels the run's context (as SIGINT or SIGTERM do) and returns what it did.
func (s *serveRun) stop() result {
	s.cancel()
	r := <-s.done
	s.done <- r
	return r
}

// get sends GET to url with the Authorization header when token is not empty.
func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// sdkEnv sets the process environment for aws-sdk-go-v2's LoadDefaultConfig to find only the
// container endpoint (and set): no keys, profiles or files of the developer's, no IMDS.
func sdkEnv(t *testing.T, set ...string) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, kv := range set {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

func TestServeGivesFakeSTSCredentialsToTheAWSSDK(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{Region: "eu-west-1"})
	tokenFile := filepath.Join(t.TempDir(), "token")
	s := startServe(t, pod(t, e), "serve", "--listen", "127.0.0.1:0", "--write-token-file", tokenFile)

	fi, err := os.Stat(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	token, _ := os.ReadFile(tokenFile)
	if fi.Mode().Perm() != 0o600 || !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).Match(token) {
		t.Errorf("token file mode %v, %d bytes (want 0600 and 43 base64url characters, no newline)", fi.Mode().Perm(), len(token))
	}

	sdkEnv(t, "AWS_CONTAINER_CREDENTIALS_FULL_URI="+s.url, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="+tokenFile, "AWS_REGION="+e.Region)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var keys []string
	for i := 0; i < 3; i++ { // three programs starting: one STS call
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			t.Fatalf("the SDK's container provider: %v", err)
		}
		issued, ok := e.STS.LookupIssued(creds.AccessKeyID)
		if !ok || creds.SecretAccessKey != issued.SecretAccessKey || creds.SessionToken != issued.SessionToken {
			t.Fatalf("the SDK got credentials STS did not issue: %v", creds.AccessKeyID)
		}
		// The SDK's cache moves the expiry up to 5 minutes earlier (its ExpiryWindow).
		if !creds.CanExpire || creds.Expires.After(issued.Expires) || creds.Expires.Before(issued.Expires.Add(-6*time.Minute)) || creds.AccountID != "111122223333" || creds.Source != endpointcreds.ProviderName {
			t.Errorf("expires %v (STS: %v), account %q, source %q", creds.Expires, issued.Expires, creds.AccountID, creds.Source)
		}
		// The credentials work: the fake STS checks the signature of GetCallerIdentity.
		id, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(e.STS.URL()) }).GetCallerIdentity(ctx, nil)
		if err != nil {
			t.Fatalf("GetCallerIdentity with the served credentials: %v", err)
		}
		if want := "arn:aws:sts::111122223333:assumed-role/irsa-app/"; !strings.HasPrefix(aws.ToString(id.Arn), want) {
			t.Errorf("GetCallerIdentity: %s, want %s...", aws.ToString(id.Arn), want)
		}
		keys = append(keys, creds.AccessKeyID)
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 1 || keys[0] != keys[2] {
		t.Errorf("%d AssumeRoleWithWebIdentity calls for three clients (keys %v), want 1", n, keys)
	}
	if code, body := get(t, s.health, ""); code != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("health: %d %s", code, body)
	}

	r := s.stop()
	t.Logf("stderr:\n%s", r.stderr)
	if r.code != 0 || r.stdout != "" {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	for _, want := range []string{`msg="irsa serve: listening"`, `msg="credentials refreshed"`, "access_key_id=" + keys[0],
		"role_arn=arn:aws:sts::111122223333:assumed-role/irsa-app/", "expires=", `msg="irsa serve: stopping"`, `msg="irsa serve: stopped"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	issued, _ := e.STS.LookupIssued(keys[0])
	noSecrets(t, r.stderr, string(token), issued.SecretAccessKey, issued.SessionToken)
	if _, err := os.Stat(tokenFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the token file is left behind: %v", err)
	}
	if code, err := http.Get(s.health); err == nil {
		code.Body.Close()
		t.Errorf("still answering after it stopped")
	}
}

func TestServeRefusesClientsWithoutTheToken(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	const token = "a-token-given-in-the-environment-0123456789"
	s := startServe(t, append(pod(t, e), tokenEnv+"="+token), "serve", "--listen", "127.0.0.1:0")

	if code, body := get(t, s.url, ""); code != 401 || strings.TrimSpace(body) != refused401 {
		t.Errorf("no token: %d %s", code, body)
	}
	if code, body := get(t, s.url, "wrong-token-of-someone-else-0123456789"); code != 403 || strings.TrimSpace(body) != refused403 {
		t.Errorf("a wrong token: %d %s", code, body)
	}
	if code, body := get(t, s.url, strings.Repeat("h", 20<<10)); code != 431 || strings.Contains(body, "hhhhhhhh") {
		t.Errorf("a 20 KiB header: %d %s", code, body)
	}
	// The SDK reads the error document: its code reaches the caller.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := endpointcreds.New(s.url, func(o *endpointcreds.Options) { o.AuthorizationToken = "wrong-token-of-someone-else-0123456789" })
	_, err := p.Retrieve(ctx)
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" || !strings.Contains(apiErr.ErrorMessage(), "does not hold this endpoint's authorization token") {
		t.Errorf("the SDK's error: %v", err)
	}
	creds, err := endpointcreds.New(s.url, func(o *endpointcreds.Options) { o.AuthorizationToken = token }).Retrieve(ctx)
	issued, ok := e.STS.LookupIssued(creds.AccessKeyID)
	if err != nil || !ok || !creds.Expires.Equal(issued.Expires.Truncate(time.Second)) || creds.AccountID != "111122223333" {
		t.Errorf("with the token from %s: %v; expires %v (STS %v), account %q", tokenEnv, err, creds.Expires, issued.Expires, creds.AccountID)
	}

	r := s.stop()
	if !strings.Contains(r.stderr, "status=401") || !strings.Contains(r.stderr, "status=403") {
		t.Errorf("refusals are not logged:\n%s", r.stderr)
	}
	noSecrets(t, r.stderr, token, "wrong-token-of-someone-else")
}

func TestServeWithoutCredentialsAnswers503AndKeepsRunning(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	env := append(pod(t, e), "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/not-trusting-this-pod", tokenEnv+"="+testToken)
	s := startServe(t, env, "serve", "--listen", "127.0.0.1:0")
	code, body := get(t, s.url, testToken)
	if code != 503 || !strings.Contains(body, `"code":"CredentialsUnavailable"`) || !strings.Contains(body, "not-trusting-this-pod") {
		t.Errorf("%d %s", code, body)
	}
	if code, body := get(t, s.health, ""); code != 503 || !strings.Contains(body, `"status":"unavailable"`) || !strings.Contains(body, `"lastError"`) {
		t.Errorf("health: %d %s", code, body)
	}
	r := s.stop()
	t.Logf("stderr:\n%s", r.stderr)
	if r.code != 0 || !strings.Contains(r.stderr, `level=WARN msg="credentials refresh failed"`) || !strings.Contains(r.stderr, "not-trusting-this-pod") {
		t.Errorf("exit %d; the failed refresh is not logged", r.code)
	}
	noSecrets(t, r.stderr+body, testToken)
}

func TestServeUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"all addresses", []string{"--listen", "0.0.0.0:8901", "--write-token-file", "x"}, nil,
			`--listen "0.0.0.0:8901" would listen on "0.0.0.0", which is not a loopback address: irsa serve listens on loopback only (127.0.0.1, ::1, localhost), so that only this host (or pod) can ask it for credentials; pass --allow-non-loopback to listen there anyway`},
		{"no host", []string{"--listen", ":8901", "--write-token-file", "x"}, nil, `--listen ":8901" would listen on all addresses: irsa serve listens on loopback only`},
		{"a private address", []string{"--listen", "10.0.0.1:8901", "--write-token-file", "x"}, nil, `would listen on "10.0.0.1", which is not a loopback address`},
		{"the EKS Pod Identity address", []string{"--listen", "169.254.170.23:80", "--write-token-file", "x"}, nil, `would listen on "169.254.170.23", which is not a loopback address`},
		{"IPv6 all addresses", []string{"--listen", "[::]:8901", "--write-token-file", "x"}, nil, `would listen on "::", which is not a loopback address`},
		{"a host name", []string{"--listen", "example.com:80", "--write-token-file", "x"}, nil, `would listen on "example.com", which is not a loopback address`},
		{"no port", []string{"--listen", "127.0.0.1", "--write-token-file", "x"}, nil, `--listen "127.0.0.1" is not HOST:PORT (like 127.0.0.1:8901)`},
		{"a port out of range", []string{"--listen", "127.0.0.1:65536", "--write-token-file", "x"}, nil, `the port "65536" is not a number from 0 to 65535`},
		{"a named port", []string{"--listen", "127.0.0.1:http", "--write-token-file", "x"}, nil, `the port "http" is not a number from 0 to 65535`},
		{"a huge address", []string{"--listen", strings.Repeat("1", 5000), "--write-token-file", "x"}, nil, `is not HOST:PORT`},
		{"no token", []string{"--listen", "127.0.0.1:0"}, nil,
			"an authorization token is required: --write-token-file F to generate one, or --token-file F or IRSA_SERVE_TOKEN to give one"},
		{"a token two ways", []string{"--token-file", "a", "--write-token-file", "b"}, nil, "give the authorization token one way: --write-token-file, --token-file or IRSA_SERVE_TOKEN"},
		{"a token file and the variable", []string{"--token-file", "a"}, []string{tokenEnv + "=" + testToken}, "give the authorization token one way"},
		{"an unknown log format", []string{"--log-format", "xml", "--write-token-file", "x"}, nil, `unknown --log-format "xml": want text or json`},
		{"an operand", []string{"--write-token-file", "x", "extra"}, nil, `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append(home(t), tc.env...), append([]string{"serve"}, tc.args...)...)
			if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "usage: irsa serve") {
				t.Errorf("exit %d, stdout %q\nstderr %s\nwant %s", r.code, r.stdout, r.stderr, tc.want)
			}
			if len(r.stderr) > 10000 {
				t.Errorf("stderr of %d bytes", len(r.stderr))
			}
			noSecrets(t, r.stderr, testToken)
		})
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		allow bool
		ok    bool
	}{
		{"127.0.0.1:8901", false, true},
		{"127.0.0.2:0", false, true},
		{"[::1]:8901", false, true},
		{"localhost:8901", false, true},
		{"0.0.0.0:8901", false, false},
		{"0.0.0.0:8901", true, true},
		{"169.254.170.23:80", true, true},
		{":8901", true, true},
		{"[fd00:ec2::23]:80", false, false},
		{"localhost.example.com:80", false, false},
		{"127.0.0.1:-1", true, false},
		{"127.0.0.1", true, false},
		{"", false, false},
	} {
		if err := checkListen(tc.addr, tc.allow); (err == nil) != tc.ok {
			t.Errorf("checkListen(%q, %v) = %v, want ok %v", tc.addr, tc.allow, err, tc.ok)
		}
	}
}

func TestServeRefusesATokenClientsCouldNotSendOrAnyoneCouldGuess(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secretish := "s3cr3t-t0ken-value-" // what each bad token starts with: never repeated
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"a missing file", []string{"--token-file", filepath.Join(dir, "missing")}, nil, "--token-file: stat " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{"a directory", []string{"--token-file", dir}, nil, "is a directory, not a regular file"},
		{"an empty file", []string{"--token-file", write("empty", "")}, nil, "the authorization token is empty"},
		{"a trailing newline", []string{"--token-file", write("newline", secretish+"0123456789\n")}, nil,
			"the authorization token holds a line break (a trailing newline?): AWS SDKs send the file's content as it is and a header cannot hold one; write it without, as printf '%s' does"},
		{"a CRLF", []string{"--token-file", write("crlf", secretish+"0123456789\r\n")}, nil, "holds a line break"},
		{"a space", []string{"--token-file", write("space", secretish+" 0123456789")}, nil, "holds a space, a control character or a non-ASCII byte (at byte 20)"},
		{"a NUL", []string{"--token-file", write("nul", secretish+"\x000123456789")}, nil, "holds a space, a control character or a non-ASCII byte (at byte 20)"},
		{"non-ASCII", []string{"--token-file", write("utf8", secretish+"é0123456789")}, nil, "a non-ASCII byte (at byte 20)"},
		{"a short token", []string{"--token-file", write("short", "s3cr3t")}, nil, "the authorization token is 6 characters long: use at least 16 random ones"},
		{"a huge file", []string{"--token-file", write("huge", secretish+strings.Repeat("x", 20000))}, nil, "the authorization token is longer than 8192 bytes"},
		{"a bad token in the environment", nil, []string{tokenEnv + "=" + secretish + "\n"}, "IRSA_SERVE_TOKEN: the authorization token holds a line break"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append(home(t), tc.env...), append([]string{"serve", "--listen", "127.0.0.1:0"}, tc.args...)...)
			if r.code != 1 || !strings.HasPrefix(r.stderr, "irsa serve: ") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q\nwant %q", r.code, r.stderr, tc.want)
			}
			noSecrets(t, r.stderr, secretish, "s3cr3t\n")
		})
	}
}

func TestServeWriteTokenFile(t *testing.T) {
	t.Run("a directory that does not exist", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "missing", "token")
		r := run(t, home(t), "serve", "--profile", "static", "--listen", "127.0.0.1:0", "--write-token-file", path)
		if r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("irsa serve: --write-token-file %q: no such file or directory", path)) {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
	t.Run("a symlink at the path is replaced, its target untouched", func(t *testing.T) {
		leakcheck.Check(t)
		dir := t.TempDir()
		target := filepath.Join(dir, "precious")
		if err := os.WriteFile(target, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "token")
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
		s := startServe(t, home(t), "serve", "--profile", "static", "--listen", "127.0.0.1:0", "--write-token-file", path)
		token, _ := os.ReadFile(path)
		fi, _ := os.Lstat(path)
		if b, _ := os.ReadFile(target); string(b) != "keep me" || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
			t.Errorf("target now %q, token file %v", b, fi.Mode())
		}
		if code, body := get(t, s.url, string(token)); code != 200 || !strings.Contains(body, staticKeyID) {
			t.Errorf("%d %s", code, body)
		}
		entries, _ := os.ReadDir(dir)
		if r := s.stop(); r.code != 0 || len(entries) != 2 {
			t.Errorf("exit %d; files %v (no temporary file left)", r.code, entries)
		}
	})
	t.Run("a token file another server rewrote is left alone at shutdown", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "token")
		s := startServe(t, home(t), "serve", "--profile", "static", "--listen", "127.0.0.1:0", "--write-token-file", path)
		if err := os.WriteFile(path, []byte("another-servers-token-0123456789"), 0o600); err != nil {
			t.Fatal(err)
		}
		s.stop()
		if b, err := os.ReadFile(path); err != nil || string(b) != "another-servers-token-0123456789" {
			t.Errorf("the other server's token file: %q, %v", b, err)
		}
	})
}

func TestServeWithoutAnyCredentialSourceExits1(t *testing.T) {
	r := run(t, home(t), "serve", "--listen", "127.0.0.1:0", "--write-token-file", filepath.Join(t.TempDir(), "token"))
	if r.code != 1 || !strings.HasPrefix(r.stderr, "irsa serve: ") || !strings.Contains(r.stderr, "no credentials found") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestServeJSONLogs(t *testing.T) {
	s := startServe(t, append(home(t), tokenEnv+"="+testToken), "serve", "--profile", "static", "--listen", "127.0.0.1:0", "--log-format", "json")
	r := s.stop()
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if !strings.HasPrefix(line, `{"time":`) {
			t.Errorf("not a JSON log line: %s", line)
		}
	}
	if !strings.Contains(r.stderr, `"msg":"credentials refreshed"`) || !strings.Contains(r.stderr, `"access_key_id":"(an 18-character value that does not look like an access key ID`) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	noSecrets(t, r.stderr, testToken)
}

// TestServeSDKChild is the child that TestExecServerGivesAnSDKChildRefreshingCredentials runs
// (the test binary again): an aws-sdk-go-v2 program with the default configuration.
func TestServeSDKChild(t *testing.T) {
	if os.Getenv("IRSA_TEST_SDK_CHILD") != "1" {
		t.Skip("run by TestExecServerGivesAnSDKChildRefreshingCredentials")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil) // AWS_ENDPOINT_URL_STS: the fake STS
	if err != nil {
		t.Fatalf("GetCallerIdentity with %s from %s: %v", creds.AccessKeyID, creds.Source, err)
	}
	fmt.Printf("identity %s %s %s %s\n", aws.ToString(id.Arn), creds.AccessKeyID, creds.Source, cfg.Region)
	for _, k := range []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_PROFILE", "AWS_CREDENTIAL_EXPIRATION"} {
		_, set := os.LookupEnv(k)
		fmt.Printf("env %s %v\n", k, set)
	}
	fmt.Printf("url %s\n", os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
}

func TestExecServerGivesAnSDKChildRefreshingCredentials(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{Region: "ap-south-1"})
	// (Keys in the environment would be the source: TestExecServerEnvironment checks they do not
	// reach the child.)
	env := append(pod(t, e), "IRSA_TEST_SDK_CHILD=1", "AWS_EC2_METADATA_DISABLED=true", "AWS_PROFILE=default",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/parent/token")
	r := run(t, env, "exec", "--server", "--", os.Args[0], "-test.run=^TestServeSDKChild$", "-test.count=1")
	t.Logf("child:\n%s\nstderr: %s", r.stdout, r.stderr)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	m := regexp.MustCompile(`identity (\S+) (\S+) (\S+) (\S+)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no identity in the child's output")
	}
	issued, ok := e.STS.LookupIssued(m[2])
	if !strings.HasPrefix(m[1], "arn:aws:sts::111122223333:assumed-role/irsa-app/") || !ok || m[3] != endpointcreds.ProviderName || m[4] != "ap-south-1" {
		t.Errorf("the child got %v (issued by STS: %v)", m[1:], ok)
	}
	for _, k := range []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN"} {
		if !strings.Contains(r.stdout, "env "+k+" true") {
			t.Errorf("the child lacks %s", k)
		}
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_PROFILE", "AWS_CREDENTIAL_EXPIRATION"} {
		if !strings.Contains(r.stdout, "env "+k+" false") {
			t.Errorf("the child has %s", k)
		}
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 1 {
		t.Errorf("%d AssumeRoleWithWebIdentity calls, want 1", n)
	}
	noSecrets(t, r.stdout+r.stderr, issued.SecretAccessKey, issued.SessionToken)
	// The endpoint ended with the child.
	url := regexp.MustCompile(`url (\S+)`).FindStringSubmatch(r.stdout)
	if url == nil || !strings.HasPrefix(url[1], "http://127.0.0.1:") || !strings.HasSuffix(url[1], credentialsPath) {
		t.Fatalf("url %v", url)
	}
	if resp, err := http.Get(url[1]); err == nil {
		resp.Body.Close()
		t.Errorf("the endpoint still answers after the child exited")
	}
}

func TestExecServerPassesTheChildsStatus(t *testing.T) {
	leakcheck.Check(t)
	env := home(t)
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"an exit status", []string{"sh", "-c", "exit 7"}, 7},
		{"a child killed by SIGTERM is 143", []string{"sh", "-c", "kill -TERM $$"}, 143},
		{"a missing command is 127", []string{"/nonexistent/irsa-test-cmd"}, 127},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, env, append([]string{"exec", "--server", "--profile", "static", "--"}, tc.args...)...)
			if r.code != tc.want {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tc.want, r.stderr)
			}
		})
	}
	r := run(t, env, "exec", "--server", "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "irsa exec: ") || !strings.Contains(r.stderr, "no credentials found") {
		t.Errorf("without credentials: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestExecServerEnvironment(t *testing.T) {
	leakcheck.Check(t)
	env := append(home(t), "AWS_ACCESS_KEY_ID=AKIAPARENTEXAMPLE123", "AWS_SECRET_ACCESS_KEY=parent-secret", "AWS_SESSION_TOKEN=parent-session",
		"AWS_SECURITY_TOKEN=parent-legacy", "AWS_CREDENTIAL_EXPIRATION=2020-01-01T00:00:00Z", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/x", "OTHER=kept")
	// The child asks for credentials with what it was given, as an SDK does.
	script := `env | grep -E '^(AWS|OTHER)' | sort; curl -s -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"`
	if _, err := os.Stat("/usr/bin/curl"); err != nil {
		t.Skip("curl is not installed")
	}
	r := run(t, env, "exec", "--server", "--profile", "static", "--region", "us-west-2", "--", "sh", "-c", script)
	t.Logf("child:\n%s", r.stdout)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var names []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "{") {
			names = append(names, k)
		}
	}
	want := "AWS_CONFIG_FILE AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_DEFAULT_REGION AWS_EC2_METADATA_DISABLED AWS_REGION AWS_SHARED_CREDENTIALS_FILE OTHER"
	if strings.Join(names, " ") != want {
		t.Errorf("the child's variables:\n%s\nwant\n%s", strings.Join(names, " "), want)
	}
	if !strings.Contains(r.stdout, `{"AccessKeyId":"`+staticKeyID+`"`) || !strings.Contains(r.stdout, "AWS_REGION=us-west-2") {
		t.Errorf("the child could not get its credentials")
	}
}

func TestHelpListsServe(t *testing.T) {
	r := run(t, home(t), "help")
	if !strings.Contains(r.stdout, "\n  serve ") || !strings.Contains(r.stdout, "(--server: from a local endpoint that refreshes them)") {
		t.Errorf("help:\n%s", r.stdout)
	}
	r = run(t, home(t), "serve", "-h")
	for _, want := range []string{"usage: irsa serve", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://ADDRESS/v1/credentials", "-allow-non-loopback", "-write-token-file", "-token-file", "-listen"} {
		if r.code != 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("irsa serve -h: exit %d, lacks %q:\n%s", r.code, want, r.stderr)
		}
	}
}
