package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// The static profile's keys; the secret has a single quote and shell metacharacters so that
// quoting is exercised.
const (
	staticKeyID  = "AKIASTATICEXAMPLE1"
	staticSecret = `it's/a"secret$HOME` + "`x`+\\n"
)

// result is what one run of irsa did.
type result struct {
	code           int
	stdout, stderr string
}

// run runs irsa in-process with environ as its whole environment.
func run(t *testing.T, environ []string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, environ: environ}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := a.run(ctx, args)
	return result{code, stdout.String(), stderr.String()}
}

// home returns a base environment with HOME in a temporary directory whose config file has an
// empty [default] profile and a profile "static" with staticKeyID and staticSecret, and a
// profile "mfa" that chain refuses (mfa_serial), whose source has those keys.
func home(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	content := "[default]\n\n[profile static]\naws_access_key_id = " + staticKeyID + "\naws_secret_access_key = " + staticSecret +
		"\n\n[profile mfa]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = static\nmfa_serial = arn:aws:iam::111122223333:mfa/me\n"
	if err := os.WriteFile(config, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_CONFIG_FILE=" + config,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED=true"}
}

// pod returns the environment of an EKS pod whose web identity the fake STS of e trusts.
func pod(t *testing.T, e *fakests.Env) []string {
	env := home(t)
	for _, k := range []string{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS"} {
		env = append(env, k+"="+e.Getenv(k))
	}
	return env
}

// noSecrets fails t when s holds one of the secrets.
func noSecrets(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, secret := range append(secrets, staticSecret) {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("output holds a secret:\n%s", s)
		}
	}
}

var rfc3339UTC = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func TestCredentialProcessPrintsVersion1DocumentFromSTS(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	r := run(t, pod(t, e), "credential-process")
	t.Logf("irsa credential-process:\n%s", r.stdout)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var doc struct {
		Version                                                           int
		AccessKeyId, SecretAccessKey, SessionToken, Expiration, AccountId string
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	issued, ok := e.STS.LookupIssued(doc.AccessKeyId)
	if !ok {
		t.Fatalf("AccessKeyId %q was not issued by STS", doc.AccessKeyId)
	}
	if doc.Version != 1 || doc.SecretAccessKey != issued.SecretAccessKey || doc.SessionToken != issued.SessionToken || doc.AccountId != "111122223333" {
		t.Errorf("document does not match what STS issued: %+v", doc)
	}
	if !rfc3339UTC.MatchString(doc.Expiration) {
		t.Fatalf("Expiration %q is not RFC 3339 in UTC", doc.Expiration)
	}
	if exp, _ := time.Parse(time.RFC3339, doc.Expiration); !exp.Equal(issued.Expires.Truncate(time.Second)) {
		t.Errorf("Expiration %s, STS said %s", exp, issued.Expires)
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 1 {
		t.Errorf("%d STS calls, want 1", n)
	}
}

func TestCredentialProcessLeavesOutWhatStaticKeysLack(t *testing.T) {
	r := run(t, home(t), "credential-process", "--profile", "static")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	secret, _ := json.Marshal(staticSecret)
	want := `{"Version":1,"AccessKeyId":"` + staticKeyID + `","SecretAccessKey":` + string(secret) + `}`
	if strings.TrimSpace(r.stdout) != want {
		t.Errorf("got %s\nwant %s", r.stdout, want)
	}
}

func TestEnvJSONHasEveryVariable(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{Region: "eu-west-1"})
	r := run(t, pod(t, e), "env", "--format", "json")
	t.Logf("irsa env --format json:\n%s\nstderr: %s", r.stdout, r.stderr)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &vars); err != nil {
		t.Fatal(err)
	}
	issued, ok := e.STS.LookupIssued(vars["AWS_ACCESS_KEY_ID"])
	if !ok || vars["AWS_SECRET_ACCESS_KEY"] != issued.SecretAccessKey || vars["AWS_SESSION_TOKEN"] != issued.SessionToken {
		t.Errorf("not the credentials STS issued: %v", ok)
	}
	if vars["AWS_REGION"] != "eu-west-1" || vars["AWS_DEFAULT_REGION"] != "eu-west-1" || !rfc3339UTC.MatchString(vars["AWS_CREDENTIAL_EXPIRATION"]) || len(vars) != 6 {
		t.Errorf("variables: %v", keys(vars))
	}
	if !strings.Contains(r.stderr, "will not be refreshed") || !strings.Contains(r.stderr, vars["AWS_CREDENTIAL_EXPIRATION"]) {
		t.Errorf("no warning on stderr: %q", r.stderr)
	}
	noSecrets(t, r.stderr, issued.SecretAccessKey, issued.SessionToken)
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestEnvOutputRoundTripsThroughShell(t *testing.T) {
	sh := `eval "$1"; printf '%s|%s|%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" "${AWS_SESSION_TOKEN-unset}"`
	dotenv := `set -a; . "$2"; printf '%s|%s|%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" "${AWS_SESSION_TOKEN-unset}"`
	want := staticKeyID + "|" + staticSecret + "|ap-south-1|unset"
	for _, tc := range []struct{ format, script string }{{"sh", sh}, {"dotenv", dotenv}} {
		t.Run(tc.format, func(t *testing.T) {
			r := run(t, home(t), "env", "--format", tc.format, "--profile", "static", "--region", "ap-south-1")
			t.Logf("irsa env --format %s:\n%s", tc.format, r.stdout)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q (static keys do not expire: no warning)", r.code, r.stderr)
			}
			file := filepath.Join(t.TempDir(), ".env")
			if err := os.WriteFile(file, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("sh", "-c", tc.script, "sh", r.stdout, file)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "AWS_SESSION_TOKEN=stale"}
			if tc.format == "dotenv" {
				cmd.Env = cmd.Env[:1] // a .env file only adds variables
			}
			out, err := cmd.Output()
			if err != nil || string(out) != want {
				t.Errorf("shell read %q (%v), want %q", out, err, want)
			}
		})
	}
}

func TestExecGivesCredentialsAndRemovesReresolveVariables(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	env := append(pod(t, e), "AWS_PROFILE=default", "AWS_DEFAULT_PROFILE=default", "AWS_ROLE_SESSION_NAME=my-session",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/x",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN=t", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/f", "AWS_SECURITY_TOKEN=stale", "KEEP_ME=1")
	r := run(t, env, "exec", "--", "sh", "-c", `echo $AWS_ACCESS_KEY_ID; env | grep -c AWS_ROLE_ARN`)
	t.Logf("irsa exec -- sh -c 'echo $AWS_ACCESS_KEY_ID; env | grep -c AWS_ROLE_ARN': exit %d\n%s", r.code, r.stdout)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if _, ok := e.STS.LookupIssued(lines[0]); !ok || len(lines) != 2 || lines[1] != "0" || r.code != 1 { // grep -c finding nothing exits 1
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	r = run(t, env, "exec", "env")
	got := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		k, v, _ := strings.Cut(kv, "=")
		got[k] = v
	}
	for _, name := range []string{"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_SECURITY_TOKEN"} {
		if _, ok := got[name]; ok {
			t.Errorf("child has %s", name)
		}
	}
	issued, _ := e.STS.LookupIssued(got["AWS_ACCESS_KEY_ID"])
	if got["AWS_SECRET_ACCESS_KEY"] != issued.SecretAccessKey || got["AWS_SESSION_TOKEN"] != issued.SessionToken || got["AWS_REGION"] != "us-east-1" ||
		got["KEEP_ME"] != "1" || got["AWS_ENDPOINT_URL_STS"] != e.STS.URL() || !rfc3339UTC.MatchString(got["AWS_CREDENTIAL_EXPIRATION"]) {
		t.Errorf("child's environment: %v", keys(got))
	}
}

func TestExecExitsWithChildStatus(t *testing.T) {
	leakcheck.Check(t)
	env := append(home(t), "AWS_ACCESS_KEY_ID=AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY=envsecret")
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"exit 7 is 7", []string{"exec", "--", "sh", "-c", "exit 7"}, 7},
		{"success is 0", []string{"exec", "true"}, 0},
		{"a child killed by SIGTERM is 143", []string{"exec", "--", "sh", "-c", "kill -TERM $$"}, 143},
		{"a missing command is 127", []string{"exec", "--", "/nonexistent/irsa-test-cmd"}, 127},
		{"a file that is not executable is 126", []string{"exec", "--", "/etc/hostname"}, 126},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := run(t, env, tc.args...); r.code != tc.want {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tc.want, r.stderr)
			}
		})
	}
}

func TestErrorsGoToStderrWithoutSecrets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no credentials", []string{"credential-process"}, "no credentials found"},
		{"no credentials for env", []string{"env"}, "no credentials found"},
		{"no credentials for exec", []string{"exec", "--", "true"}, "no credentials found"},
		{"a profile that does not exist", []string{"credential-process", "--profile", "nope"}, "nope"},
		{"a profile chain refuses, whose source has keys", []string{"env", "--profile", "mfa"}, "mfa_serial"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, home(t), tc.args...)
			t.Logf("irsa %s: exit %d\nstderr: %s", strings.Join(tc.args, " "), r.code, r.stderr)
			if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "irsa "+tc.args[0]+": ") || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			noSecrets(t, r.stderr)
		})
	}
}

func TestExplain(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	r := run(t, pod(t, e), "explain")
	t.Logf("irsa explain:\n%s", r.stdout)
	if r.code != 0 || !strings.Contains(r.stdout, "web identity") || !strings.Contains(r.stdout, e.RoleARN) || r.stderr != "" {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := len(e.STS.Calls()); n != 0 {
		t.Errorf("explain called STS %d times", n)
	}

	r = run(t, home(t), "explain", "--profile", "static")
	if r.code != 0 || !strings.Contains(r.stdout, staticKeyID[:4]) {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
	noSecrets(t, r.stdout)

	r = run(t, home(t), "explain")
	if r.code != 1 || !strings.Contains(r.stdout, "error: no credentials found") {
		t.Errorf("without credentials: exit %d\n%s", r.code, r.stdout)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, 2},
		{"an unknown command", []string{"bogus"}, 2},
		{"an unknown flag", []string{"env", "--nope"}, 2},
		{"an unknown format", []string{"env", "--format", "xml"}, 2},
		{"an operand explain does not take", []string{"explain", "extra"}, 2},
		{"an operand credential-process does not take", []string{"credential-process", "extra"}, 2},
		{"exec without a command", []string{"exec", "--profile", "static", "--"}, 2},
		{"a flag without its value", []string{"exec", "--profile"}, 2},
		{"help", []string{"help"}, 0},
		{"--help", []string{"--help"}, 0},
		{"a command's -h", []string{"env", "-h"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, home(t), tc.args...)
			if r.code != tc.want || !strings.Contains(r.stdout+r.stderr, "usage: irsa") {
				t.Errorf("exit %d, want %d\nstdout %q\nstderr %q", r.code, tc.want, r.stdout, r.stderr)
			}
			if tc.want == 2 && r.stdout != "" {
				t.Errorf("usage error on stdout: %q", r.stdout)
			}
		})
	}
	r := run(t, home(t), "help")
	for _, cmd := range []string{"explain", "credential-process", "env", "exec"} {
		if !strings.Contains(r.stdout, "\n  "+cmd+" ") {
			t.Errorf("help does not list %s:\n%s", cmd, r.stdout)
		}
	}
}
