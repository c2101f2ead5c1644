package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// What the fake Pod Identity agent serves. The key ID is shown (redact shows IDs of the AKIA or
// ASIA form); the secret and the session token never are.
const (
	podAgentKeyID   = "ASIAPODIDENTITY00001"
	podAgentSecret  = "pod-identity-secret-access-key-0123456789"
	podAgentSession = "pod-identity-session-token-IQoJb3JpZ2luX2VjEXAMPLE"
)

// agent is a fake EKS Pod Identity agent on 127.0.0.1 that requires the token it writes to its
// token file, and the clock doctor runs with (whole seconds, so that ages print exactly).
type agent struct {
	srv       *fakecontainer.Server
	tokenFile string
	now       time.Time
}

func startAgent(t *testing.T) *agent {
	t.Helper()
	ag := &agent{tokenFile: filepath.Join(t.TempDir(), "eks-pod-identity-token"), now: time.Now().Truncate(time.Second)}
	srv, err := fakecontainer.New(fakecontainer.Options{TokenFile: ag.tokenFile, Credentials: func(context.Context) (credentials.Credentials, error) {
		return credentials.Credentials{AccessKeyID: podAgentKeyID, SecretAccessKey: podAgentSecret, SessionToken: podAgentSession,
			Expires: ag.now.Add(6 * time.Hour), AccountID: "111122223333"}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ag.srv = srv
	return ag
}

// env is a pod's environment as the Pod Identity webhook sets it, with the fake's URL.
func (ag *agent) env(t *testing.T) []string {
	return append(home(t), "AWS_REGION=eu-west-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI="+ag.srv.URL(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="+ag.tokenFile)
}

// token is the agent's current token: a secret the output must not hold.
func (ag *agent) token(t *testing.T) string {
	b, err := os.ReadFile(ag.tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runAgent runs irsa doctor with the fake taken for the Pod Identity agent (its 127.0.0.1) and
// the agent's clock, and decodes the JSON report.
func runAgent(t *testing.T, ag *agent, environ []string, args ...string) (doctorReport, result) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, environ: environ,
		now: func() time.Time { return ag.now }, podIdentityAgents: []string{"127.0.0.1"}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := a.run(ctx, append([]string{"doctor"}, args...))
	r := result{code, stdout.String(), stderr.String()}
	var rep doctorReport
	if slicesContain(args, "--json") {
		dec := json.NewDecoder(strings.NewReader(r.stdout))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rep); err != nil {
			t.Fatalf("doctor --json printed what is not its report (%v):\n%s", err, r.stdout)
		}
	}
	return rep, r
}

func slicesContain(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// noAgentSecrets fails t when out holds the credentials' secrets or an authorization token.
func noAgentSecrets(t *testing.T, out string, tokens ...string) {
	t.Helper()
	for _, s := range append([]string{podAgentSecret, podAgentSession, "IQoJb3JpZ2luX2Vj", "\x1b"}, tokens...) {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("output holds the secret %q:\n%s", s, out)
		}
	}
}

// summaries are a report's findings as "status check: summary" lines.
func summaries(rep doctorReport) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "%s %s: %s\n", f.Status, f.Check, f.Summary)
	}
	return b.String()
}

func TestDoctorPodIdentityHealthy(t *testing.T) {
	leakcheck.Check(t)
	ag := startAgent(t)
	rep, r := runAgent(t, ag, ag.env(t), "--json")
	u := ag.srv.URL()
	want := "ok environment: container credentials from " + u + " (AWS_CONTAINER_CREDENTIALS_FULL_URI, the EKS Pod Identity agent's address)\n" +
		"skip token-file: not checked: the credentials come from the container endpoint, not a web identity\n" +
		"skip token-claims: not checked: no token was read\n" +
		"ok container-endpoint: endpoint " + u + " (from AWS_CONTAINER_CREDENTIALS_FULL_URI): the EKS Pod Identity agent's address\n" +
		"ok container-token: token file " + ag.tokenFile + fmt.Sprintf(": a regular file of %d bytes, readable by this process (uid %d)\n", len(ag.token(t)), os.Geteuid()) +
		"skip clock-skew: not checked: the credentials do not come from STS\n" +
		"ok region-endpoint: region eu-west-1 (from AWS_REGION); STS endpoint https://sts.eu-west-1.amazonaws.com (signing region eu-west-1)\n" +
		"ok credentials: step 1 of 1: container credentials from " + u + ": ok, access key " + podAgentKeyID + ", credentials expire at " +
		ag.now.Add(6*time.Hour).UTC().Format(time.RFC3339) + " (in 6h0m0s), account 111122223333\n"
	if got := summaries(rep); got != want || r.code != 0 || !rep.OK || r.stderr != "" {
		t.Errorf("exit %d, stderr %q, findings\n%s\nwant\n%s", r.code, r.stderr, got, want)
	}
	env := findingOf(t, rep, checkEnvironment)
	if d := strings.Join(env.Details, "\n"); !strings.Contains(d, "AWS_CONTAINER_CREDENTIALS_FULL_URI="+u+"\nAWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="+ag.tokenFile) {
		t.Errorf("environment details\n%s", d)
	}
	if reqs := ag.srv.Requests(); len(reqs) != 1 || reqs[0].Authorization != "valid" {
		t.Errorf("the agent got %+v, want one request with the token", reqs)
	}
	noAgentSecrets(t, r.stdout, ag.token(t))
	_, text := runAgent(t, ag, ag.env(t))
	t.Logf("irsa doctor:\n%s", text.stdout)
	if text.code != 0 || !strings.HasSuffix(text.stdout, "all checks passed\n") {
		t.Errorf("exit %d", text.code)
	}
	noAgentSecrets(t, text.stdout, ag.token(t))
}

// TestDoctorPodIdentityCallFailures: each way the call to the agent fails gets its sentence and
// its fix. Connection refused and 5xx are tried 3 times with botocore's backoff, so those cases
// take a second or two (they wait, and assert nothing about time).
func TestDoctorPodIdentityCallFailures(t *testing.T) {
	leakcheck.Check(t)
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, ag *agent) []string // returns the environment
		summary string                                 // after "step 1 of 1: container credentials from URL: "
		fix     string                                 // the fix's start
		detail  string                                 // in the details
	}{
		{name: "the agent is not running", prepare: func(t *testing.T, ag *agent) []string { ag.srv.Close(); return ag.env(t) },
			summary: "connection refused",
			fix:     "the EKS Pod Identity Agent is not running on this node (kube-system/eks-pod-identity-agent DaemonSet: kubectl -n kube-system get daemonset eks-pod-identity-agent; install the eks-pod-identity-agent add-on), or the pod has no association",
			detail:  "(3 attempts)"},
		{name: "a stale token", prepare: func(t *testing.T, ag *agent) []string {
			stale := writeFile(t, "stale-token", "stale-pod-identity-token-0123456789")
			return withEnv(ag.env(t), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", stale)
		}, summary: "the endpoint refused the authorization token (HTTP 403)",
			fix:    "a token problem: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE must name the token the endpoint expects",
			detail: "HTTP 403 Forbidden: AccessDeniedException: the authorization token is not valid (the authorization token was read from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"},
		{name: "no token", prepare: func(t *testing.T, ag *agent) []string {
			return append(home(t), "AWS_REGION=eu-west-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI="+ag.srv.URL())
		}, summary: "the endpoint refused the authorization token (HTTP 401)",
			fix:    "a token problem: ",
			detail: "(no authorization token was sent: set AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, or AWS_CONTAINER_AUTHORIZATION_TOKEN, as the agent expects)"},
		{name: "the agent cannot get credentials", prepare: func(t *testing.T, ag *agent) []string {
			ag.srv.SetFaults(fakecontainer.ServerError, fakecontainer.ServerError, fakecontainer.ServerError)
			return ag.env(t)
		}, summary: "the agent failed to get credentials (HTTP 500)",
			fix:    "the agent could not get credentials from EKS Auth for the association: check that the association's role exists and that its trust policy allows the principal pods.eks.amazonaws.com the actions sts:AssumeRole and sts:TagSession",
			detail: "HTTP 500 Internal Server Error: InternalError: the agent failed to get credentials"},
		{name: "an incomplete answer", prepare: func(t *testing.T, ag *agent) []string {
			ag.srv.SetFaults(fakecontainer.MissingFields)
			return ag.env(t)
		}, summary: "no credentials", fix: "see the error above", detail: "answered without Token, Expiration"},
		{name: "expired credentials", prepare: func(t *testing.T, ag *agent) []string {
			ag.srv.SetFaults(fakecontainer.Expired)
			return ag.env(t)
		}, summary: "no credentials", fix: "see the error above", detail: "answered with credentials that expired at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ag := startAgent(t)
			u := ag.srv.URL()
			tok := ag.token(t)
			rep, r := runAgent(t, ag, tc.prepare(t, ag), "--json")
			f := findingOf(t, rep, checkCredentials)
			t.Logf("%s: %s\n%s\nfix: %s", f.Status, f.Summary, strings.Join(f.Details, "\n"), f.Fix)
			if want := "step 1 of 1: container credentials from " + u + ": " + tc.summary; f.Status != statusFail || f.Summary != want {
				t.Errorf("summary\n%s\nwant\n%s", f.Summary, want)
			}
			if !strings.HasPrefix(f.Fix, tc.fix) || !strings.Contains(strings.Join(f.Details, "\n"), tc.detail) {
				t.Errorf("fix %q, want it to start %q; details %q, want %q in them", f.Fix, tc.fix, f.Details, tc.detail)
			}
			if r.code != 1 || rep.OK {
				t.Errorf("exit %d, ok %v", r.code, rep.OK)
			}
			noAgentSecrets(t, r.stdout, tok, "stale-pod-identity-token-0123456789")
		})
	}
}

func TestDoctorPodIdentityTokenFile(t *testing.T) {
	leakcheck.Check(t)
	ag := startAgent(t)
	dir := t.TempDir()
	issuer, err := fakeoidc.New(fakeoidc.Options{Now: func() time.Time { return ag.now }})
	if err != nil {
		t.Fatal(err)
	}
	defer issuer.Close()
	jwt := func(opts fakeoidc.TokenOptions) string {
		tok, err := issuer.Sign(opts)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	good := jwt(fakeoidc.TokenOptions{Audience: []string{"pods.eks.amazonaws.com"}, Lifetime: 24 * time.Hour})
	expired := jwt(fakeoidc.TokenOptions{Audience: []string{"pods.eks.amazonaws.com"}, Expires: ag.now.Add(-time.Hour)})
	sts := jwt(fakeoidc.TokenOptions{Audience: []string{"sts.amazonaws.com"}, Lifetime: 24 * time.Hour})
	for _, tc := range []struct {
		name    string
		path    string // the token file; "" for one with content
		content string
		status  status
		summary string // FILE for the path, N for the size
		detail  string
		fix     string
	}{
		{name: "missing", path: filepath.Join(dir, "missing"), status: statusFail, summary: "token file FILE does not exist",
			fix: "the Pod Identity webhook mounts the token (a projected volume, audience pods.eks.amazonaws.com) at /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"},
		{name: "a directory", path: dir, status: statusFail, summary: "token file FILE is a directory, not a regular file", fix: "point AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at the token file itself"},
		{name: "empty", content: " \n", status: statusFail, summary: "token file FILE is empty", fix: "the path points at the wrong file"},
		{name: "huge", content: strings.Repeat("x", 70<<10), status: statusFail, summary: "token file FILE is larger than 64 KiB: it is not an authorization token", fix: "point AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at the token"},
		{name: "a trailing newline", content: "SECRET-token-0123456789\n", status: statusFail,
			summary: "token file FILE ends with a newline: the AWS SDKs and the AWS CLI refuse the token (it would end the Authorization header early)", fix: "write the token without a final newline"},
		{name: "a line break inside", content: "SECRET-token\nX-Injected: 1", status: statusFail,
			summary: "token file FILE holds a line break: an HTTP header cannot carry it, so the SDKs refuse the token", fix: "the file must hold the token alone, on one line"},
		{name: "a control character", content: "SECRET-token\x00-0123", status: statusFail,
			summary: "token file FILE holds a control character: an HTTP header cannot carry it, so the SDKs refuse the token", fix: "the file must hold the token alone"},
		{name: "a projected token", content: good, status: statusOK, summary: "token file FILE: a regular file of N bytes, readable by this process (uid UID)",
			detail: "the token is a service account token for system:serviceaccount:default:app, aud pods.eks.amazonaws.com, expires at " + ag.now.Add(24*time.Hour).UTC().Format(time.RFC3339) + " (in 24h0m0s)"},
		{name: "an expired projected token", content: expired, status: statusFail, summary: "token file FILE: a regular file of N bytes, readable by this process (uid UID), but the token expired 1h0m0s ago",
			detail: "the token is a service account token for system:serviceaccount:default:app, aud pods.eks.amazonaws.com, expires at " + ag.now.Add(-time.Hour).UTC().Format(time.RFC3339) + " (1h0m0s ago)",
			fix:    "the kubelet replaces the projected token well before it expires"},
		{name: "IRSA's token in its place", content: sts, status: statusWarn,
			summary: "token file FILE: a regular file of N bytes, readable by this process (uid UID), but its audience is not pods.eks.amazonaws.com, which the EKS Pod Identity agent requires",
			fix:     "point AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at the token the Pod Identity webhook mounts, /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = writeFile(t, "token", tc.content)
			}
			rep, r := runAgent(t, ag, withEnv(ag.env(t), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path), "--json")
			f := findingOf(t, rep, checkContainerToken)
			t.Logf("%s: %s\n%s\nfix: %s", f.Status, f.Summary, strings.Join(f.Details, "\n"), f.Fix)
			want := strings.NewReplacer("FILE", path, "N bytes", fmt.Sprintf("%d bytes", len(tc.content)), "UID", fmt.Sprint(os.Geteuid())).Replace(tc.summary)
			if f.Status != tc.status || f.Summary != want {
				t.Errorf("%s: %s\nwant %s: %s", f.Status, f.Summary, tc.status, want)
			}
			if !strings.HasPrefix(f.Fix, tc.fix) || (tc.fix == "") != (f.Fix == "") || !strings.Contains(strings.Join(f.Details, "\n"), tc.detail) {
				t.Errorf("fix %q, want it to start %q; details %q, want %q in them", f.Fix, tc.fix, f.Details, tc.detail)
			}
			if tc.status == statusFail && r.code != 1 {
				t.Errorf("exit %d", r.code)
			}
			noAgentSecrets(t, r.stdout, "SECRET", ag.token(t))
			noDoctorSecrets(t, strings.ReplaceAll(r.stdout, podAgentKeyID, ""), tc.content)
		})
	}
	t.Run("unreadable by this uid", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads a file of mode 000")
		}
		path := writeFile(t, "token", "SECRET-token-0123456789")
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		rep, _ := runAgent(t, ag, withEnv(ag.env(t), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path), "--json")
		f := findingOf(t, rep, checkContainerToken)
		want := fmt.Sprintf("token file %s is not readable by this process (uid %d, gid %d): permission denied", path, os.Geteuid(), os.Getegid())
		if f.Status != statusFail || f.Summary != want || !strings.Contains(f.Fix, "securityContext.fsGroup") {
			t.Errorf("finding %+v", f)
		}
	})
}

func TestDoctorPodIdentityTokenVariable(t *testing.T) {
	leakcheck.Check(t)
	ag := startAgent(t)
	const secretToken = "SECRET-variable-token-0123456789"
	base := append(home(t), "AWS_REGION=eu-west-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI="+ag.srv.URL())
	for _, tc := range []struct {
		name, summary string
		env           []string
		agents        bool // the endpoint is taken for the Pod Identity agent
		status        status
		detail        string
	}{
		{name: "a fixed token for the Pod Identity agent", env: []string{"AWS_CONTAINER_AUTHORIZATION_TOKEN=" + secretToken}, agents: true, status: statusWarn,
			summary: "the authorization token comes from AWS_CONTAINER_AUTHORIZATION_TOKEN (not shown): the EKS Pod Identity agent's token rotates, so a fixed value stops working"},
		{name: "a fixed token for a local endpoint", env: []string{"AWS_CONTAINER_AUTHORIZATION_TOKEN=" + secretToken}, status: statusOK,
			summary: "the authorization token comes from AWS_CONTAINER_AUTHORIZATION_TOKEN (not shown)"},
		{name: "no token for the Pod Identity agent", agents: true, status: statusFail,
			summary: "no authorization token: the EKS Pod Identity agent requires one, and neither AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE nor AWS_CONTAINER_AUTHORIZATION_TOKEN is set"},
		{name: "no token for a local endpoint", status: statusSkip,
			summary: "not checked: no authorization token is configured, so none is sent: the endpoint must accept requests without one"},
		{name: "both: the file wins", env: []string{"AWS_CONTAINER_AUTHORIZATION_TOKEN=" + secretToken, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + ag.tokenFile}, agents: true, status: statusOK,
			summary: "token file " + ag.tokenFile + fmt.Sprintf(": a regular file of %d bytes, readable by this process (uid %d)", len(ag.token(t)), os.Geteuid()),
			detail:  "AWS_CONTAINER_AUTHORIZATION_TOKEN is set too and ignored: the token file comes first, as in the AWS CLI and the SDKs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout bytes.Buffer
			a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stdout, environ: append(append([]string(nil), base...), tc.env...),
				now: func() time.Time { return ag.now }, podIdentityAgents: []string{"192.0.2.1"}}
			if tc.agents {
				a.podIdentityAgents = []string{"127.0.0.1"}
			}
			a.run(context.Background(), []string{"doctor", "--json"})
			var rep doctorReport
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
			f := findingOf(t, rep, checkContainerToken)
			if f.Status != tc.status || f.Summary != tc.summary || !strings.Contains(strings.Join(f.Details, "\n"), tc.detail) {
				t.Errorf("finding %+v\nwant %s: %s", f, tc.status, tc.summary)
			}
			if env := strings.Join(findingOf(t, rep, checkEnvironment).Details, "\n"); len(tc.env) > 0 && !strings.Contains(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN is set (its value is a secret and not shown)") {
				t.Errorf("environment details\n%s", env)
			}
			noAgentSecrets(t, stdout.String(), secretToken, ag.token(t))
		})
	}
}

func TestDoctorContainerEndpointRefused(t *testing.T) {
	for _, tc := range []struct{ name, uri, want string }{
		{"a host the SDKs refuse over http", "http://10.0.0.1/v1/credentials",
			`AWS_CONTAINER_CREDENTIALS_FULL_URI="http://10.0.0.1/v1/credentials": the host 10.0.0.1 is not allowed: over http only a loopback address (127.0.0.0/8, ::1, localhost), the ECS agent's 169.254.170.2 or the EKS Pod Identity agent's 169.254.170.23 or fd00:ec2::23 is allowed, as in the AWS SDKs; any host is allowed over https`},
		{"a password in the URL is not shown", "http://user:SECRET-password@127.0.0.1:1/creds",
			`AWS_CONTAINER_CREDENTIALS_FULL_URI="http://[redacted]@127.0.0.1:1/creds" holds a user name or password`},
		{"another scheme", "ftp://127.0.0.1/creds", `AWS_CONTAINER_CREDENTIALS_FULL_URI="ftp://127.0.0.1/creds" must be an http or https URL`},
		{"not a URL", "http://[::1/creds", `AWS_CONTAINER_CREDENTIALS_FULL_URI="http://[::1/creds" is not a valid URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, r := doctorJSON(t, nil, append(home(t), "AWS_CONTAINER_CREDENTIALS_FULL_URI="+tc.uri))
			f := findingOf(t, rep, checkContainerEndpoint)
			t.Logf("%s: %s", f.Status, f.Summary)
			if f.Status != statusFail || !strings.HasPrefix(f.Summary, "the container credentials settings are refused: credentials: "+tc.want) ||
				!strings.HasPrefix(f.Fix, "set AWS_CONTAINER_CREDENTIALS_FULL_URI to the endpoint, http://169.254.170.23/v1/credentials for EKS Pod Identity") {
				t.Errorf("finding %+v\nwant the summary to start with %q", f, tc.want)
			}
			if c := findingOf(t, rep, checkCredentials); c.Status != statusSkip || r.code != 1 {
				t.Errorf("exit %d, credentials %+v", r.code, c)
			}
			noAgentSecrets(t, r.stdout, "SECRET")
		})
	}
	t.Run("a relative URI that is not a path", func(t *testing.T) {
		rep, _ := doctorJSON(t, nil, append(home(t), "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=v2/credentials"))
		if f := findingOf(t, rep, checkContainerEndpoint); f.Status != statusFail ||
			!strings.HasPrefix(f.Summary, `the container credentials settings are refused: credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="v2/credentials" does not start with "/"`) {
			t.Errorf("finding %+v", f)
		}
	})
}

// TestDoctorIRSAAndPodIdentityTogether: a pod whose service account has both the IRSA annotation
// and a pod identity association gets both sets of variables; the web identity comes first.
func TestDoctorIRSAAndPodIdentityTogether(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	ag := startAgent(t)
	env := append(pod(t, e), "AWS_CONTAINER_CREDENTIALS_FULL_URI="+ag.srv.URL(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="+ag.tokenFile)
	rep, r := doctorJSON(t, clock.Now, env)
	t.Logf("findings:\n%s", summaries(rep))
	f := findingOf(t, rep, checkEnvironment)
	want := "web identity: role " + e.RoleARN + ", token file " + e.TokenFile + "; container credentials variables (EKS Pod Identity) are set too, and the web identity comes first"
	if f.Status != statusWarn || f.Summary != want ||
		!strings.Contains(strings.Join(f.Details, "\n"), "the AWS CLI and every AWS SDK try a web identity (AssumeRoleWithWebIdentity) before container credentials (botocore's order: assume-role-with-web-identity, then container-role): this process uses IRSA's role, not the pod identity association's") ||
		!strings.HasPrefix(f.Fix, "keep one: to use EKS Pod Identity, remove the eks.amazonaws.com/role-arn annotation") {
		t.Errorf("finding %+v", f)
	}
	if c := findingOf(t, rep, checkCredentials); c.Status != statusOK || !strings.HasPrefix(c.Summary, "step 1 of 1: AssumeRoleWithWebIdentity for role "+e.RoleARN) || r.code != 0 {
		t.Errorf("exit %d, credentials %+v", r.code, c)
	}
	if len(ag.srv.Requests()) != 0 {
		t.Errorf("the agent was called: %+v", ag.srv.Requests())
	}
	findingOf(t, rep, checkContainerEndpoint)
	findingOf(t, rep, checkContainerToken)
	noDoctorSecrets(t, r.stdout, tokenOf(t, e), ag.token(t))
}

func TestDoctorStaticKeysBeforePodIdentity(t *testing.T) {
	ag := startAgent(t)
	rep, r := doctorJSON(t, nil, append(ag.env(t), "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY="+staticSecret))
	f := findingOf(t, rep, checkEnvironment)
	want := "credentials come from environment variables, which the AWS CLI and the SDKs try before container credentials: neither IRSA nor EKS Pod Identity is in use"
	if f.Status != statusWarn || f.Summary != want || r.code != 0 || len(ag.srv.Requests()) != 0 {
		t.Errorf("exit %d, finding %+v, agent requests %d", r.code, f, len(ag.srv.Requests()))
	}
	noSecrets(t, r.stdout)
}

// TestContainerFailureSentences covers what the end-to-end tests cannot reach without waiting
// out timeouts: each kind of error, for the agent and for another endpoint.
func TestContainerFailureSentences(t *testing.T) {
	refused := fmt.Errorf("credentials: the endpoint (3 attempts): %w", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	timeout := fmt.Errorf("credentials: no answer within 2s: %w", context.DeadlineExceeded)
	for _, tc := range []struct {
		name         string
		err          error
		kind         endpointKind
		summary, fix string
	}{
		{"refused, agent", refused, endpointPodIdentity, "connection refused", "the EKS Pod Identity Agent is not running on this node"},
		{"refused, local", refused, endpointLoopback, "connection refused", "nothing listens at the endpoint: start it (irsa serve, the agent) or correct AWS_CONTAINER_CREDENTIALS_FULL_URI"},
		{"timeout, agent", timeout, endpointPodIdentity, "no answer", "the EKS Pod Identity agent did not answer: a NetworkPolicy or the node's firewall may block 169.254.170.23 port 80 (or fd00:ec2::23), or the agent is not healthy"},
		{"timeout, other", timeout, endpointOther, "no answer", "the endpoint did not answer: check that it runs and that nothing blocks the way to it"},
		{"404", statusErr(404), endpointPodIdentity, "the endpoint answered HTTP 404", "see the endpoint's error above"},
		{"503 elsewhere", statusErr(503), endpointECS, "the endpoint answered HTTP 503", "see the endpoint's error above"},
		{"something else", errors.New("credentials: the answer is larger than 65536 bytes"), endpointPodIdentity, "no credentials", "see the error above"},
	} {
		summary, fix := containerFailure(tc.err, tc.kind)
		if summary != tc.summary || !strings.HasPrefix(fix, tc.fix) {
			t.Errorf("%s: %q, %q\nwant %q, %q…", tc.name, summary, fix, tc.summary, tc.fix)
		}
	}
}

type statusErr int

func (e statusErr) Error() string       { return fmt.Sprintf("HTTP %d", int(e)) }
func (e statusErr) HTTPStatusCode() int { return int(e) }

// TestDoctorContainerAsTheSourceOfAChainedProfile: credential_source = EcsContainer makes the
// container endpoint the first step; its credentials sign the AssumeRole of the second.
func TestDoctorContainerAsTheSourceOfAChainedProfile(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: e.STS.URL(), SigningRegion: "us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	web, err := credentials.NewWebIdentity(credentials.WebIdentityOptions{RoleARN: e.RoleARN, TokenFile: e.TokenFile, SessionName: "pod", Client: client})
	if err != nil {
		t.Fatal(err)
	}
	session, err := web.Retrieve(context.Background()) // what the fake agent serves: a session the fake STS knows
	if err != nil {
		t.Fatal(err)
	}
	ag := &agent{tokenFile: filepath.Join(t.TempDir(), "eks-pod-identity-token"), now: time.Now().Truncate(time.Second)}
	if ag.srv, err = fakecontainer.New(fakecontainer.Options{TokenFile: ag.tokenFile,
		Credentials: func(context.Context) (credentials.Credentials, error) { return session, nil }}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ag.srv.Close)
	admin := "arn:aws:iam::111122223333:role/admin"
	if err := e.STS.AddRole(fakests.Role{ARN: admin, TrustPolicy: fakests.AssumeRoleTrustPolicy(e.RoleARN, "")}); err != nil {
		t.Fatal(err)
	}
	config := writeFile(t, "config", "[profile admin]\nrole_arn = "+admin+"\ncredential_source = EcsContainer\n")
	env := append(ag.env(t), "AWS_CONFIG_FILE="+config, "AWS_ENDPOINT_URL_STS="+e.STS.URL())
	u := ag.srv.URL()
	t.Run("both steps ok", func(t *testing.T) {
		rep, r := runAgent(t, ag, env, "--json", "--profile", "admin")
		t.Logf("findings:\n%s", summaries(rep))
		var got []string
		for _, f := range rep.Findings {
			if f.Check == checkCredentials {
				got = append(got, string(f.Status)+" "+f.Summary)
			}
		}
		if len(got) != 2 || got[0] != "ok step 1 of 2: container credentials from "+u+": ok, the endpoint served credentials (the next step signed its call with them)" ||
			!strings.HasPrefix(got[1], "ok step 2 of 2: AssumeRole for role "+admin+" (profile admin): ok, session arn:aws:sts::111122223333:assumed-role/admin/") || r.code != 0 {
			t.Errorf("exit %d, credentials findings:\n%s", r.code, strings.Join(got, "\n"))
		}
		if f := findingOf(t, rep, checkEnvironment); f.Summary != "container credentials from "+u+" (AWS_CONTAINER_CREDENTIALS_FULL_URI, the EKS Pod Identity agent's address), then 1 AssumeRole hop(s)" {
			t.Errorf("environment %+v", f)
		}
		noAgentSecrets(t, r.stdout, ag.token(t), session.SecretAccessKey, session.SessionToken)
	})
	t.Run("the endpoint fails, the hop is not tried", func(t *testing.T) {
		ag.srv.SetFaults(fakecontainer.MissingFields)
		rep, r := runAgent(t, ag, env, "--json", "--profile", "admin")
		var got []string
		for _, f := range rep.Findings {
			if f.Check == checkCredentials {
				got = append(got, string(f.Status)+" "+f.Summary)
			}
		}
		if len(got) != 2 || got[0] != "fail step 1 of 2: container credentials from "+u+": no credentials" ||
			got[1] != "skip step 2 of 2: AssumeRole for role "+admin+" (profile admin): not tried, an earlier step failed" || r.code != 1 {
			t.Errorf("exit %d, credentials findings:\n%s", r.code, strings.Join(got, "\n"))
		}
	})
}

// TestDoctorHidesTheEndpointsQuery: a query may carry a credential of its own; doctor shows the
// URL without it, in every finding.
func TestDoctorHidesTheEndpointsQuery(t *testing.T) {
	leakcheck.Check(t)
	ag := startAgent(t)
	env := withEnv(ag.env(t), "AWS_CONTAINER_CREDENTIALS_FULL_URI", ag.srv.URL()+"?sig=SECRET-query-0123")
	for _, args := range [][]string{{"--json"}, nil} {
		rep, r := runAgent(t, ag, env, args...)
		if args != nil {
			if f := findingOf(t, rep, checkCredentials); f.Status != statusOK || !strings.HasPrefix(f.Summary, "step 1 of 1: container credentials from "+ag.srv.URL()+"?…: ok, access key "+podAgentKeyID) {
				t.Errorf("credentials %+v", f)
			}
		}
		if r.code != 0 || !strings.Contains(r.stdout, "AWS_CONTAINER_CREDENTIALS_FULL_URI="+ag.srv.URL()+"?…") {
			t.Errorf("exit %d:\n%s", r.code, r.stdout)
		}
		noAgentSecrets(t, r.stdout, "SECRET", ag.token(t))
	}
}
