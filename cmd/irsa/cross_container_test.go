package main

// The container credentials client of package credentials (credentials.NewContainer, and chain's
// container source) against the container credentials endpoint of irsa serve and
// irsa exec --server: both sides of one protocol, each tested against the other.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

const (
	envFullURI   = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	envToken     = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
	envTokenFile = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
	// wrongToken is a token of some other endpoint: never repeated in any output.
	wrongToken = "wrong-token-of-another-endpoint-0123456789"
)

// countingTransport counts the requests a client sends (connections refused included).
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// countingClient is the client NewContainer makes by default (no proxy), counting requests.
func countingClient(t *testing.T) (*http.Client, *countingTransport) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	t.Cleanup(tr.CloseIdleConnections)
	ct := &countingTransport{base: tr}
	return &http.Client{Transport: ct}, ct
}

// getenvOf looks keys up in environ ("K=V" strings, the last one winning).
func getenvOf(environ []string) func(string) string {
	a := &app{environ: environ}
	return a.getenv
}

// containerClient is credentials.NewContainer with exactly the variables kv ("K=V") over hc.
func containerClient(t *testing.T, hc *http.Client, kv ...string) credentials.Provider {
	t.Helper()
	p, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: getenvOf(kv), HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// servePod runs irsa serve in a pod of e on a free port, with a generated token file.
func servePod(t *testing.T, e *fakests.Env, extraEnv ...string) (*serveRun, string) {
	t.Helper()
	tokenFile := filepath.Join(t.TempDir(), "serve-token")
	return startServe(t, append(pod(t, e), extraEnv...), "serve", "--listen", "127.0.0.1:0", "--write-token-file", tokenFile), tokenFile
}

func readString(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// healthOf is serve's health answer: the state and expiry of the Cache it serves from.
func healthOf(t *testing.T, s *serveRun) healthDocument {
	t.Helper()
	code, body := get(t, s.health, "")
	var h healthDocument
	if err := json.Unmarshal([]byte(body), &h); err != nil || code != http.StatusOK {
		t.Fatalf("health: %d %s (%v)", code, body, err)
	}
	return h
}

// sameAsIssued fails t unless c are credentials e's STS issued to the pod's role, whole: keys,
// session token, expiry and account.
func sameAsIssued(t *testing.T, e *fakests.Env, c credentials.Credentials) fakes3.Credential {
	t.Helper()
	issued, ok := e.STS.LookupIssued(c.AccessKeyID)
	switch {
	case !ok:
		t.Fatalf("%v were not issued by STS", c)
	case c.SecretAccessKey != issued.SecretAccessKey || c.SessionToken != issued.SessionToken:
		t.Errorf("%v: the secret or the session token is not the one STS issued", c)
	case !c.Expires.Equal(issued.Expires) || c.AccountID != "111122223333":
		t.Errorf("expires %v, account %q; STS issued them until %v in account 111122223333", c.Expires, c.AccountID, issued.Expires)
	case !strings.HasPrefix(issued.Identity, "arn:aws:sts::111122223333:assumed-role/irsa-app/"):
		t.Errorf("issued to %s", issued.Identity)
	}
	return issued
}

// noSecretIn fails t when err, printed any way, holds one of secrets.
func noSecretIn(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err)} {
		noSecrets(t, s, secrets...)
	}
}

func retrieveCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestCrossContainerClientGetsWhatServeServes(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	s, tokenFile := servePod(t, e)
	p := containerClient(t, nil, envFullURI+"="+s.url, envTokenFile+"="+tokenFile)
	if got, want := fmt.Sprint(p), "credentials.Container{URL: "+s.url+" (AWS_CONTAINER_CREDENTIALS_FULL_URI), Authorization: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "+tokenFile+"}"; got != want {
		t.Errorf("the client prints as\n%s\nwant\n%s", got, want)
	}
	ctx := retrieveCtx(t)
	c, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	issued := sameAsIssued(t, e, c)
	if c.Source != "container" || c.RoleARN != "" {
		t.Errorf("source %q, role ARN %q (the protocol carries no role ARN)", c.Source, c.RoleARN)
	}
	// What serve's Cache holds: its state and expiry (health), its refresh (the log line).
	if h := healthOf(t, s); h.State != "fresh" || h.Expiration != c.Expires.UTC().Format(time.RFC3339) {
		t.Errorf("serve's Cache is %s until %s; the client got credentials until %s", h.State, h.Expiration, c.Expires)
	}
	again, err := p.Retrieve(ctx)
	if err != nil || again != c {
		t.Errorf("a second Retrieve: %v, %v; want the same credentials from serve's Cache", again, err)
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 1 {
		t.Errorf("%d STS calls for two requests, want 1", n)
	}
	token := readString(t, tokenFile)
	r := s.stop()
	for _, want := range []string{`msg="credentials refreshed"`, "access_key_id=" + c.AccessKeyID, "expires=" + c.Expires.UTC().Format(time.RFC3339)} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("serve's log lacks %q:\n%s", want, r.stderr)
		}
	}
	noSecrets(t, r.stderr+fmt.Sprintf("%v %+v %#v", p, p, p), token, issued.SecretAccessKey, issued.SessionToken)
}

func TestCrossContainerClientRefusedByServe(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	s, tokenFile := servePod(t, e)
	token := readString(t, tokenFile)
	wrongFile := filepath.Join(t.TempDir(), "wrong-token")
	if err := os.WriteFile(wrongFile, []byte(wrongToken), 0o600); err != nil {
		t.Fatal(err)
	}
	const refused = "credentials: the container credentials endpoint %s: HTTP 403 Forbidden: AccessDenied: the Authorization header does not hold this endpoint's authorization token (%s)"
	for _, tc := range []struct {
		name string
		kv   []string
		want string
	}{
		{"a token file of another endpoint is refused with 403, and the error names the file",
			[]string{envTokenFile + "=" + wrongFile},
			fmt.Sprintf(refused, s.url, "the authorization token was read from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, "+wrongFile)},
		{"a token variable of another endpoint is refused with 403, and the error names the variable",
			[]string{envToken + "=" + wrongToken},
			fmt.Sprintf(refused, s.url, "the authorization token came from AWS_CONTAINER_AUTHORIZATION_TOKEN")},
		{"no token is refused with 401, and the error says which variables to set",
			nil,
			"credentials: the container credentials endpoint " + s.url + ": HTTP 401 Unauthorized: Unauthorized: no Authorization header: send the authorization token " +
				"(AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) (no authorization token was sent: " +
				"set AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, or AWS_CONTAINER_AUTHORIZATION_TOKEN, as the agent expects)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hc, sent := countingClient(t)
			c, err := containerClient(t, hc, append(tc.kv, envFullURI+"="+s.url)...).Retrieve(retrieveCtx(t))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, %v\nwant %s", c, err, tc.want)
			}
			if n := sent.n.Load(); n != 1 {
				t.Errorf("%d requests: a refusal is not tried again", n)
			}
			noSecretIn(t, err, token, wrongToken)
		})
	}
	r := s.stop()
	if n := strings.Count(r.stderr, `msg="refused a credentials request"`); n != 3 {
		t.Errorf("serve logged %d refusals, want 3:\n%s", n, r.stderr)
	}
	noSecrets(t, r.stderr, token, wrongToken)
}

func TestCrossContainerClientGetsServes503AfterThreeAttempts(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	s, tokenFile := servePod(t, e, "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/not-trusting-this-pod")
	hc, sent := countingClient(t)
	c, err := containerClient(t, hc, envFullURI+"="+s.url, envTokenFile+"="+tokenFile).Retrieve(retrieveCtx(t))
	t.Logf("%v", err)
	// serve's 503 carries the refresh's error, which the client shows clipped to 300 bytes, with
	// what looks like a token hidden (here the test's long temporary path of the token file).
	want := regexp.MustCompile(`^credentials: the container credentials endpoint ` + regexp.QuoteMeta(s.url) + ` \(3 attempts\): HTTP 503 Service Unavailable: CredentialsUnavailable: ` +
		`credentials: web identity for role arn:aws:iam::111122223333:role/not-trusting-this-pod \(token file \S+\): ` +
		`STS AssumeRoleWithWebIdentity at ` + regexp.QuoteMeta(e.STS.URL()) + ` \(1 attempt\): STS HTTP 403 AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity .*…$`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("got %v, %v\nwant an error matching %s", c, err, want)
	}
	if n := sent.n.Load(); n != 3 {
		t.Errorf("%d requests; 503 is tried 3 times in all", n)
	}
	if credentials.IsNonRecoverable(err) {
		t.Errorf("a 503 is non-recoverable: a Cache would not try again")
	}
	token := readString(t, tokenFile)
	s.stop()
	noSecretIn(t, err, token)
}

func TestCrossContainerClientAfterServeStopped(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	s, tokenFile := servePod(t, e)
	token := readString(t, tokenFile)
	hc, sent := countingClient(t)
	byVariable := containerClient(t, hc, envFullURI+"="+s.url, envToken+"="+token)
	byFile := containerClient(t, hc, envFullURI+"="+s.url, envTokenFile+"="+tokenFile)
	ctx := retrieveCtx(t)
	if _, err := byVariable.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	if r := s.stop(); r.code != 0 {
		t.Fatalf("serve exited %d:\n%s", r.code, r.stderr)
	}
	sent.n.Store(0)

	_, err := byVariable.Retrieve(ctx)
	host := strings.TrimPrefix(strings.TrimSuffix(s.url, credentialsPath), "http://")
	want := "credentials: the container credentials endpoint " + s.url + " (3 attempts): dial tcp " + host + ": connect: connection refused"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) || credentials.IsNonRecoverable(err) {
		t.Errorf("errors.Is ECONNREFUSED: %v, non-recoverable: %v; want true, false", errors.Is(err, syscall.ECONNREFUSED), credentials.IsNonRecoverable(err))
	}
	if n := sent.n.Load(); n != 3 {
		t.Errorf("%d connection attempts, want 3", n)
	}
	noSecretIn(t, err, token)

	// serve removed the token file it wrote: a client that reads it is told before any request.
	sent.n.Store(0)
	_, err = byFile.Retrieve(ctx)
	want = `credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "` + tokenFile + `" does not exist: on EKS, the Pod Identity webhook mounts it when the pod's service account has a pod identity association; check the pod's volumes`
	if err == nil || err.Error() != want || !credentials.IsNonRecoverable(err) {
		t.Errorf("got %v\nwant %s (non-recoverable)", err, want)
	}
	if n := sent.n.Load(); n != 0 {
		t.Errorf("%d requests without a token", n)
	}
}

// chainEnv is a home with an empty default profile, plus kv.
func chainEnv(t *testing.T, kv ...string) chain.Options {
	return chain.Options{Getenv: getenvOf(append(home(t), kv...))}
}

func TestCrossChainResolvesServeAsContainerCredentials(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	s, tokenFile := servePod(t, e)
	opts := chainEnv(t, envFullURI+"="+s.url, envTokenFile+"="+tokenFile)
	ctx := retrieveCtx(t)

	exp, err := chain.Explain(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.Steps) != 1 || exp.Steps[0].Kind != chain.StepContainer {
		t.Fatalf("steps %+v, want one container step", exp.Steps)
	}
	if last := exp.Sources[len(exp.Sources)-1]; last.Name != "container credentials" || last.Status != chain.Chosen {
		t.Errorf("the chosen source is %+v", last)
	}
	text := exp.String()
	for _, want := range []string{"container credentials: chosen: AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
		"1. container credentials from " + s.url,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI = " + s.url + " (from env)",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = " + tokenFile + " (from env)"} {
		if !strings.Contains(text, want) {
			t.Errorf("Explain does not say %q:\n%s", want, text)
		}
	}

	res, err := chain.Resolve(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if res.Explanation.Steps[0].Kind != chain.StepContainer {
		t.Errorf("Resolve's steps %+v", res.Explanation.Steps)
	}
	c, err := res.Provider.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	issued := sameAsIssued(t, e, c)
	if c.Source != "container" {
		t.Errorf("source %q", c.Source)
	}
	if got := fmt.Sprint(res.Provider); !strings.HasPrefix(got, "credentials.Cache{Provider: credentials.Container{URL: "+s.url+" (AWS_CONTAINER_CREDENTIALS_FULL_URI)") {
		t.Errorf("the Cache prints as %s", got)
	}
	token := readString(t, tokenFile)
	noSecrets(t, text+fmt.Sprintf("%v %+v %#v", res.Provider, exp, res), token, issued.SecretAccessKey, issued.SessionToken)
}

func TestCrossChainAssumesARoleSignedWithServesCredentials(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	const target = "arn:aws:iam::111122223333:role/cross-target"
	if err := e.STS.AddRole(fakests.Role{ARN: target, TrustPolicy: fakests.AssumeRoleTrustPolicy(e.RoleARN, "")}); err != nil {
		t.Fatal(err)
	}
	s, tokenFile := servePod(t, e)
	config := writeFile(t, "config", "[profile ecs]\nrole_arn = "+target+"\ncredential_source = EcsContainer\nrole_session_name = cross-session\n")
	opts := chainEnv(t, "AWS_CONFIG_FILE="+config, "AWS_PROFILE=ecs", envFullURI+"="+s.url, envTokenFile+"="+tokenFile,
		"AWS_ENDPOINT_URL_STS="+e.STS.URL(), "AWS_REGION="+e.Region)
	ctx := retrieveCtx(t)
	res, err := chain.Resolve(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if st := res.Explanation.Steps; len(st) != 2 || st[0].Kind != chain.StepContainer || st[1].Kind != chain.StepAssumeRole || st[1].RoleARN != target {
		t.Fatalf("steps %+v, want container credentials then AssumeRole %s", st, target)
	}
	c, err := res.Provider.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	issued, ok := e.STS.LookupIssued(c.AccessKeyID)
	if !ok || issued.Identity != "arn:aws:sts::111122223333:assumed-role/cross-target/cross-session" || c.RoleARN != issued.Identity ||
		c.SecretAccessKey != issued.SecretAccessKey || c.SessionToken != issued.SessionToken || !c.Expires.Equal(issued.Expires) {
		t.Fatalf("got %v; STS issued %v (%v)", c, issued.Identity, ok)
	}
	// The AssumeRole call was signed with the credentials serve serves.
	served, err := containerClient(t, nil, envFullURI+"="+s.url, envTokenFile+"="+tokenFile).Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	servedIssued := sameAsIssued(t, e, served)
	var callers []string
	for _, call := range e.STS.Calls() {
		if call.Operation == fakests.OpAssumeRole {
			callers = append(callers, fmt.Sprintf("%s %d", call.Caller, call.Status))
		}
	}
	if want := servedIssued.Identity + " 200"; len(callers) != 1 || callers[0] != want {
		t.Errorf("AssumeRole calls by %v, want one by %s", callers, want)
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 1 {
		t.Errorf("%d AssumeRoleWithWebIdentity calls, want 1 (serve's)", n)
	}
	noSecrets(t, res.Explanation.String()+fmt.Sprintf("%v %#v", res.Provider, res), readString(t, tokenFile), servedIssued.SecretAccessKey, servedIssued.SessionToken,
		issued.SecretAccessKey, issued.SessionToken)
}

// TestCrossChainChild is the child that TestCrossExecServerGivesAChainChildItsCredentials runs
// (the test binary again): a Go program that uses this library's chain with the environment it
// was given.
func TestCrossChainChild(t *testing.T) {
	if os.Getenv("IRSA_TEST_CROSS_CHAIN_CHILD") != "1" {
		t.Skip("run by TestCrossExecServerGivesAChainChildItsCredentials")
	}
	ctx := retrieveCtx(t)
	res, err := chain.Resolve(ctx, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	c, err := res.Provider.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The credentials work: the fake STS (AWS_ENDPOINT_URL_STS) checks GetCallerIdentity's
	// signature, made with the secret and the session token.
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: os.Getenv("AWS_ENDPOINT_URL_STS"), SigningRegion: res.Region, Custom: true}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := client.GetCallerIdentity(ctx, nil, func(o *sts.Options) { o.Credentials = credentials.ForSDK(res.Provider) })
	if err != nil {
		t.Fatalf("GetCallerIdentity with %v: %v", c, err)
	}
	fmt.Printf("steps %d %s\n", len(res.Explanation.Steps), res.Explanation.Steps[0].Kind)
	fmt.Printf("credentials %s %s %s %s\n", c.AccessKeyID, c.Source, c.AccountID, c.Expires.UTC().Format(time.RFC3339))
	fmt.Printf("identity %s\n", aws.ToString(id.Arn))
	fmt.Printf("provider %v\n", res.Provider)
}

func TestCrossExecServerGivesAChainChildItsCredentials(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{Region: "eu-central-1"})
	env := append(pod(t, e), "IRSA_TEST_CROSS_CHAIN_CHILD=1")
	r := run(t, env, "exec", "--server", "--", os.Args[0], "-test.run=^TestCrossChainChild$", "-test.count=1")
	t.Logf("child:\n%s\nstderr: %s", r.stdout, r.stderr)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	m := regexp.MustCompile(`(?m)^steps 1 container credentials\ncredentials (\S+) container 111122223333 (\S+)\nidentity (\S+)\nprovider credentials\.Cache\{Provider: credentials\.Container\{URL: http://127\.0\.0\.1:\d+/v1/credentials \(AWS_CONTAINER_CREDENTIALS_FULL_URI\), Authorization: AWS_CONTAINER_AUTHORIZATION_TOKEN\}`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("the child did not resolve container credentials from the endpoint")
	}
	issued, ok := e.STS.LookupIssued(m[1])
	if !ok || m[2] != issued.Expires.UTC().Format(time.RFC3339) || m[3] != issued.Identity {
		t.Errorf("the child got %s until %s as %s; STS issued %v until %v to %s", m[1], m[2], m[3], ok, issued.Expires, issued.Identity)
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 1 {
		t.Errorf("%d AssumeRoleWithWebIdentity calls, want 1 (irsa's)", n)
	}
	noSecrets(t, r.stdout+r.stderr, issued.SecretAccessKey, issued.SessionToken, strings.TrimSpace(readString(t, e.TokenFile)))
}

// Long-term keys (a profile with aws_access_key_id) are served with an empty Token, which
// botocore and aws-sdk-go-v2 take as no session token, and an Expiration an hour ahead.
func TestCrossContainerClientGetsLongTermKeysFromServe(t *testing.T) {
	leakcheck.Check(t)
	tokenFile := filepath.Join(t.TempDir(), "serve-token")
	s := startServe(t, home(t), "serve", "--profile", "static", "--listen", "127.0.0.1:0", "--write-token-file", tokenFile)
	before := time.Now().Truncate(time.Second)
	c, err := containerClient(t, nil, envFullURI+"="+s.url, envTokenFile+"="+tokenFile).Retrieve(retrieveCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != staticKeyID || c.SecretAccessKey != staticSecret || c.SessionToken != "" || c.AccountID != "" || c.Source != "container" {
		t.Errorf("got %v, account %q; want the static profile's keys without a session token", c, c.AccountID)
	}
	if d := c.Expires.Sub(before); d < staticLifetime || d > staticLifetime+time.Minute {
		t.Errorf("expires %v, %v after the request; serve gives long-term keys %v", c.Expires, d, staticLifetime)
	}
	token := readString(t, tokenFile)
	r := s.stop()
	noSecrets(t, r.stderr, token)
}
