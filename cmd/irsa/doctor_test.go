package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// start is the fake cluster's time in doctor's tests.
var start = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

// runAt runs irsa in-process with environ as its whole environment and now as doctor's clock.
func runAt(t *testing.T, now func() time.Time, environ []string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, environ: environ, now: now}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := a.run(ctx, args)
	return result{code, stdout.String(), stderr.String()}
}

// cluster starts the fake issuer and STS with a controllable clock.
func cluster(t *testing.T, opts fakests.EnvOptions) (*fakests.Env, *fakeoidc.Clock) {
	t.Helper()
	clock := fakeoidc.NewClock(start)
	opts.Now = clock.Now
	return fakests.StartEnv(t, opts), clock
}

// doctorJSON runs irsa doctor --json and decodes its report strictly.
func doctorJSON(t *testing.T, now func() time.Time, environ []string, args ...string) (doctorReport, result) {
	t.Helper()
	r := runAt(t, now, environ, append([]string{"doctor", "--json"}, args...)...)
	var rep doctorReport
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("doctor --json printed what is not its report (%v):\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return rep, r
}

// findingOf returns the first finding of check.
func findingOf(t *testing.T, rep doctorReport, check string) finding {
	t.Helper()
	for _, f := range rep.Findings {
		if f.Check == check {
			return f
		}
	}
	t.Fatalf("no %s finding in %+v", check, rep.Findings)
	return finding{}
}

func TestDoctorHealthyPod(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{Region: "eu-west-1"})
	r := runAt(t, clock.Now, pod(t, e), "doctor")
	t.Logf("irsa doctor:\n%s", r.stdout)
	if r.code != 0 || r.stderr != "" || !strings.HasSuffix(r.stdout, "all checks passed\n") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// noDoctorSecrets fails t when out holds the token in the env's token file, any of its
// segments, or what looks like STS's session token or an access key of a session.
func noDoctorSecrets(t *testing.T, out string, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		for _, part := range strings.Split(tok, ".") {
			if len(part) >= 16 && strings.Contains(out, part) {
				t.Errorf("output holds part of the token: %q", part)
			}
		}
	}
	for _, s := range []string{"IQoJb3JpZ2luX2Vj", "ASIA", "\x1b"} {
		if strings.Contains(out, s) {
			t.Errorf("output holds %q:\n%s", s, out)
		}
	}
}

func tokenOf(t *testing.T, e *fakests.Env) string {
	t.Helper()
	b, err := os.ReadFile(e.TokenFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDoctorJSONShape(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	policy := writeFile(t, "policy.json", fakests.WebIdentityTrustPolicy("111122223333", e.Issuer.URL(), "system:serviceaccount:default:app", "sts.amazonaws.com"))
	rep, r := doctorJSON(t, clock.Now, pod(t, e), "--trust-policy", policy)
	t.Logf("irsa doctor --json:\n%s", r.stdout)
	var checks []string
	for _, f := range rep.Findings {
		checks = append(checks, f.Check)
		if f.Status != statusOK || f.Summary == "" {
			t.Errorf("finding %+v", f)
		}
	}
	want := "environment token-file token-claims clock-skew region-endpoint credentials trust-policy"
	if strings.Join(checks, " ") != want || !rep.OK || r.code != 0 || r.stderr != "" {
		t.Errorf("checks %v, ok %v, exit %d, stderr %q", checks, rep.OK, r.code, r.stderr)
	}
	// The documented field names, and nothing else, at both levels.
	var raw struct {
		OK       *bool                        `json:"ok"`
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || raw.OK == nil {
		t.Fatal(err)
	}
	for _, f := range raw.Findings {
		for k := range f {
			if !strings.Contains(" check status summary details fix ", " "+k+" ") {
				t.Errorf("undocumented field %q", k)
			}
		}
	}
	noDoctorSecrets(t, r.stdout, tokenOf(t, e))
}

// writeFile writes content to name in a temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDoctorNamesTheTrustPolicyMismatch(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	iss, hp := e.Issuer.URL(), e.Issuer.HostPath()
	provider := "arn:aws:iam::111122223333:oidc-provider/" + hp
	web := func(sub, aud string) string {
		return fakests.WebIdentityTrustPolicy("111122223333", iss, sub, aud)
	}
	raw := func(statements string) string { return `{"Version":"2012-10-17","Statement":[` + statements + `]}` }
	allow := `{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity"}`
	for _, tc := range []struct {
		name, policy string
		aud          []string // the token's audience; default sts.amazonaws.com
		want         string   // the finding's summary after "the trust policy does not allow this token: "
		details      []string
	}{
		{name: "another service account", policy: web("system:serviceaccount:default:s3-echoer", "sts.amazonaws.com"),
			want: "the policy allows system:serviceaccount:default:s3-echoer, this pod is system:serviceaccount:default:app"},
		{name: "another audience", policy: web("system:serviceaccount:default:app", "sts.amazonaws.com"), aud: []string{"oidc-xxx.s3.amazonaws.com"},
			want: "the audience condition wants sts.amazonaws.com, the token's aud is oidc-xxx.s3.amazonaws.com"},
		{name: "another issuer", policy: fakests.WebIdentityTrustPolicy("111122223333", "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER", "system:serviceaccount:default:app", "sts.amazonaws.com"),
			want: "the Federated principal names issuer oidc.eks.eu-west-1.amazonaws.com/id/OTHER, the token was issued by " + iss,
			details: []string{
				"the condition on oidc.eks.eu-west-1.amazonaws.com/id/OTHER:aud names issuer oidc.eks.eu-west-1.amazonaws.com/id/OTHER, the token was issued by " + iss + " (its condition keys are " + hp + ":sub and " + hp + ":aud)",
				"the condition on oidc.eks.eu-west-1.amazonaws.com/id/OTHER:sub names issuer oidc.eks.eu-west-1.amazonaws.com/id/OTHER, the token was issued by " + iss + " (its condition keys are " + hp + ":sub and " + hp + ":aud)",
			}},
		{name: "the provider of another account", policy: fakests.WebIdentityTrustPolicy("444455556666", iss, "system:serviceaccount:default:app", "sts.amazonaws.com"),
			want: "the Federated principal names the OIDC provider of account 444455556666, the role is in account 111122223333: IAM uses the provider registered in the role's own account"},
		{name: "a wildcard under StringEquals", policy: raw(`{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:sub":"system:serviceaccount:default:*"}}}`),
			want: "the policy allows system:serviceaccount:default:*, this pod is system:serviceaccount:default:app (StringEquals compares * and ? as themselves: use StringLike for a pattern)"},
		{name: "one of several service accounts", policy: raw(`{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"ForAnyValue:StringLike":{"` + hp + `:sub":["system:serviceaccount:a:*","system:serviceaccount:b:x"]}}}`),
			want: "the policy allows system:serviceaccount:a:* or system:serviceaccount:b:x, this pod is system:serviceaccount:default:app"},
		{name: "the wrong action", policy: raw(`{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRole"}`),
			want: "statement 1 names a Federated principal but allows sts:AssumeRole, not sts:AssumeRoleWithWebIdentity: add sts:AssumeRoleWithWebIdentity to its Action"},
		{name: "a Deny that matches", policy: raw(allow + `,{"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"StringLike":{"` + hp + `:sub":"system:serviceaccount:default:*"}}}`),
			want: "statement 2 (Effect Deny) matches this token, and a Deny overrides every Allow: narrow or remove that statement"},
		{name: "no web identity statement", policy: fakests.AssumeRoleTrustPolicy("111122223333", ""),
			want: `no Allow statement of the policy has a Federated principal: it lets no web identity assume the role; add a statement with Principal {"Federated": "` + provider + `"} and Action sts:AssumeRoleWithWebIdentity`},
		{name: "two statements, each explained", policy: raw(`{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:sub":"system:serviceaccount:x:y"}}},` +
			`{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:aud":"vault"}}}`),
			want:    "statement 1: the policy allows system:serviceaccount:x:y, this pod is system:serviceaccount:default:app",
			details: []string{"statement 2: the audience condition wants vault, the token's aud is sts.amazonaws.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.Issuer.Mint(fakeoidc.TokenOptions{Audience: tc.aud}); err != nil {
				t.Fatal(err)
			}
			rep, r := doctorJSON(t, clock.Now, pod(t, e), "--trust-policy", writeFile(t, "policy.json", tc.policy))
			f := findingOf(t, rep, checkTrustPolicy)
			t.Logf("%s: %s\n%s", f.Status, f.Summary, strings.Join(f.Details, "\n"))
			if want := "the trust policy does not allow this token: " + tc.want; f.Status != statusFail || f.Summary != want {
				t.Errorf("summary\n%s\nwant\n%s", f.Summary, want)
			}
			if strings.Join(f.Details, "\n") != strings.Join(tc.details, "\n") {
				t.Errorf("details\n%s\nwant\n%s", strings.Join(f.Details, "\n"), strings.Join(tc.details, "\n"))
			}
			if r.code != 1 || rep.OK {
				t.Errorf("exit %d, ok %v", r.code, rep.OK)
			}
			noDoctorSecrets(t, r.stdout, tokenOf(t, e))
		})
	}
}

func TestDoctorReadsGetRoleOutput(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	doc := fakests.WebIdentityTrustPolicy("111122223333", e.Issuer.URL(), "system:serviceaccount:default:*", "sts.amazonaws.com")
	quoted, _ := json.Marshal(url.PathEscape(doc)) // IAM's API form: a URL-encoded string
	for _, tc := range []struct{ name, file, summary, detail string }{
		{"get-role JSON with the document as an object", `{"Role": {"RoleName": "irsa-app", "Arn": "` + e.RoleARN + `", "AssumeRolePolicyDocument": ` + doc + `}}`,
			"the trust policy allows this token (statement 1)", ""},
		{"get-role JSON with the document URL-encoded", `{"Role": {"Arn": "` + e.RoleARN + `", "AssumeRolePolicyDocument": ` + string(quoted) + `}}`,
			"the trust policy allows this token (statement 1)", ""},
		{"the Role object alone (--query Role)", `{"Arn": "` + e.RoleARN + `", "AssumeRolePolicyDocument": ` + doc + `}`,
			"the trust policy allows this token (statement 1)", ""},
		{"a bare URL-encoded document", url.PathEscape(doc), "the trust policy allows this token (statement 1)", ""},
		{"the policy of another role", `{"Role": {"Arn": "arn:aws:iam::111122223333:role/other", "AssumeRolePolicyDocument": ` + doc + `}}`,
			"the trust policy allows this token (statement 1)", "note: the file is the policy of role arn:aws:iam::111122223333:role/other, and this pod assumes role " + e.RoleARN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, _ := doctorJSON(t, clock.Now, pod(t, e), "--trust-policy", writeFile(t, "role.json", tc.file))
			f := findingOf(t, rep, checkTrustPolicy)
			if f.Status != statusOK || f.Summary != tc.summary || strings.Join(f.Details, "\n") != tc.detail {
				t.Errorf("finding %+v", f)
			}
		})
	}
}

func TestDoctorRefusesBadTrustPolicyFiles(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	dir := t.TempDir()
	hostile := `\u001b[2J` + strings.Repeat("A", 5000) // JSON text for ESC [2J, then a long run
	hp := e.Issuer.HostPath()
	for _, tc := range []struct {
		name, content string // content "" with file set: use file as it is
		file          string
		want          string // the summary, with FILE for the path
	}{
		{name: "a missing file", file: filepath.Join(dir, "nope.json"), want: "cannot read --trust-policy FILE: the file does not exist"},
		{name: "a directory", file: dir, want: `cannot read --trust-policy FILE: "FILE" is a directory, not a regular file`},
		{name: "an empty file", content: " \n", want: "--trust-policy FILE cannot be evaluated: it is empty: want the JSON of aws iam get-role, or the trust policy document"},
		{name: "not JSON", content: "Role: irsa-app\n", want: "--trust-policy FILE cannot be evaluated: it is not a JSON object (invalid JSON at byte 1): want the JSON of aws iam get-role, or the trust policy document"},
		{name: "a JSON array", content: "[1]", want: "--trust-policy FILE cannot be evaluated: it is not a JSON object (a JSON array, not an object): want the JSON of aws iam get-role, or the trust policy document"},
		{name: "a huge file", content: `{"Statement":"` + strings.Repeat("x", 300<<10) + `"}`, want: "--trust-policy FILE cannot be evaluated: it is larger than 256 KiB: a trust policy is a few KiB"},
		{name: "JSON that is neither", content: `{"RoleName":"x"}`, want: "--trust-policy FILE cannot be evaluated: it has neither Role.AssumeRolePolicyDocument (the JSON of aws iam get-role) nor a Statement (a policy document)"},
		{name: "a document that is not URL-encoded JSON", content: `{"Role":{"AssumeRolePolicyDocument":"%zz"}}`, want: "--trust-policy FILE cannot be evaluated: its AssumeRolePolicyDocument: the policy document is neither JSON nor URL-encoded JSON"},
		{name: "a policy IAM would refuse", content: `{"Statement":{"Effect":"Allow","Principal":{"Services":"ec2.amazonaws.com"},"Action":"*"}}`,
			want: `--trust-policy FILE cannot be evaluated: statement 1: Principal must be "*" or {"AWS"|"Federated"|"Service"|"CanonicalUser": …}: principal type "Services" is not one IAM knows`},
		{name: "a hostile field name is clipped (encoding/json escapes it)", content: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","` + hostile + `":1}}`,
			want: `--trust-policy FILE cannot be evaluated: the policy needs a Statement this evaluator understands (Sid, Effect, Principal, NotPrincipal, Action, NotAction, Condition): json: unknown field "\x1b[2J` + strings.Repeat("A", 200-154) + `…`}, // clipped at 200 bytes
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = writeFile(t, "policy.json", tc.content)
			}
			rep, r := doctorJSON(t, clock.Now, pod(t, e), "--trust-policy", file)
			f := findingOf(t, rep, checkTrustPolicy)
			if want := strings.ReplaceAll(tc.want, "FILE", file); f.Status != statusFail || f.Summary != want {
				t.Errorf("summary\n%q\nwant\n%q", f.Summary, want)
			}
			if r.code != 1 || f.Fix == "" {
				t.Errorf("exit %d, fix %q", r.code, f.Fix)
			}
		})
	}
	t.Run("hostile values in a policy are clipped and quoted in the sentence", func(t *testing.T) {
		policy := `{"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/` + hp + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:sub":"` + `\u001b[2J` + strings.Repeat("A", 5000) + `"}}}}`
		r := runAt(t, clock.Now, pod(t, e), "doctor", "--trust-policy", writeFile(t, "policy.json", policy))
		t.Logf("irsa doctor:\n%s", r.stdout)
		want := `the policy allows "\x1b[2J` + strings.Repeat("A", 196) + `…", this pod is system:serviceaccount:default:app`
		if !strings.Contains(r.stdout, want) || strings.Contains(r.stdout, "\x1b") || strings.Contains(r.stdout, strings.Repeat("A", 201)) {
			t.Errorf("output does not hold %q", want)
		}
	})
}

// withEnv returns environ with key set to value (the last assignment wins).
func withEnv(environ []string, key, value string) []string {
	return append(append([]string(nil), environ...), key+"="+value)
}

func TestDoctorTokenFileProblems(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		name    string
		path    string // the token file; "" for a file with content
		content string
		check   string
		want    string // the finding's summary, with FILE for the path
	}{
		{name: "missing", path: missing, check: checkTokenFile, want: "token file FILE does not exist"},
		{name: "a directory", path: dir, check: checkTokenFile, want: "token file FILE is a directory, not a regular file"},
		{name: "empty", content: "\n", check: checkTokenFile, want: "token file FILE is empty"},
		{name: "huge", content: strings.Repeat("x", 70<<10), check: checkTokenFile, want: "token file FILE is larger than 64 KiB: it is not a service account token (those are about 1 KiB)"},
		{name: "not a JWT", content: "SECRET-opaque-token-value", check: checkTokenClaims, want: "the token file does not hold a readable JWT: token is not a JWT: it has 1 dot-separated parts, want 3"},
		{name: "a JWT without the claims STS needs", content: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.SECRETSIGNATUREAAAAAAAAAAAAAAAA", check: checkTokenClaims, want: "the token lacks the claims STS requires: iss, aud, exp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = writeFile(t, "token", tc.content)
			}
			env := withEnv(pod(t, e), "AWS_WEB_IDENTITY_TOKEN_FILE", path)
			rep, r := doctorJSON(t, clock.Now, env)
			t.Logf("irsa doctor --json:\n%s", r.stdout)
			f := findingOf(t, rep, tc.check)
			if want := strings.ReplaceAll(tc.want, "FILE", path); f.Status != statusFail || f.Summary != want || f.Fix == "" {
				t.Errorf("finding %+v\nwant summary %q", f, want)
			}
			if c := findingOf(t, rep, checkCredentials); r.code != 1 || c.Status != statusFail {
				t.Errorf("exit %d, credentials %+v", r.code, c)
			}
			noDoctorSecrets(t, r.stdout, tc.content)
			if strings.Contains(r.stdout, "SECRET") {
				t.Errorf("output holds the token")
			}
		})
	}
	t.Run("unreadable by this uid", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads a file of mode 000")
		}
		path := writeFile(t, "token", tokenOf(t, e))
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		rep, _ := doctorJSON(t, clock.Now, withEnv(pod(t, e), "AWS_WEB_IDENTITY_TOKEN_FILE", path))
		f := findingOf(t, rep, checkTokenFile)
		want := "token file " + path + " is not readable by this process (uid " + strconv.Itoa(os.Geteuid()) + ", gid " + strconv.Itoa(os.Getegid()) + "): permission denied"
		if f.Status != statusFail || f.Summary != want || !strings.Contains(f.Fix, "securityContext.fsGroup") || !strings.Contains(strings.Join(f.Details, " "), "mode ----------") {
			t.Errorf("finding %+v", f)
		}
	})
}

func TestDoctorTokenTimes(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	t.Run("expired", func(t *testing.T) {
		if _, err := e.Issuer.Mint(fakeoidc.TokenOptions{Lifetime: time.Hour}); err != nil {
			t.Fatal(err)
		}
		later := func() time.Time { return clock.Now().Add(90 * time.Minute) }
		rep, r := doctorJSON(t, later, pod(t, e))
		t.Logf("irsa doctor --json:\n%s", r.stdout)
		f := findingOf(t, rep, checkTokenClaims)
		if f.Status != statusFail || f.Summary != "the token expired at 2026-11-24T07:00:00Z (30m0s ago)" || r.code != 1 {
			t.Errorf("exit %d, finding %+v", r.code, f)
		}
		if c := findingOf(t, rep, checkCredentials); c.Status != statusFail || !strings.Contains(strings.Join(c.Details, ""), "token expired") {
			t.Errorf("credentials %+v", c)
		}
	})
	t.Run("not valid yet", func(t *testing.T) {
		if _, err := e.Issuer.Mint(fakeoidc.TokenOptions{Claims: map[string]any{"nbf": start.Add(2 * time.Hour).Unix()}}); err != nil {
			t.Fatal(err)
		}
		rep, _ := doctorJSON(t, clock.Now, pod(t, e))
		f := findingOf(t, rep, checkTokenClaims)
		if f.Status != statusFail || f.Summary != "the token is not valid yet: valid from 2026-11-24T08:00:00Z (in 2h0m0s)" {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("another audience is a warning", func(t *testing.T) {
		if _, err := e.Issuer.Mint(fakeoidc.TokenOptions{Audience: []string{"vault"}}); err != nil {
			t.Fatal(err)
		}
		rep, _ := doctorJSON(t, clock.Now, pod(t, e))
		f := findingOf(t, rep, checkTokenClaims)
		if f.Status != statusWarn || !strings.HasSuffix(f.Summary, ", with an audience other than sts.amazonaws.com") {
			t.Errorf("finding %+v", f)
		}
	})
}

func TestDoctorClockSkewAgainstSTSDate(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	for _, tc := range []struct {
		name   string
		offset time.Duration
		status status
		want   string
	}{
		{"in step", 20 * time.Second, statusOK, "this machine's clock is within 1m0s of STS's"},
		{"3 minutes ahead warns", 3 * time.Minute, statusWarn, "this machine's clock is 3m0s ahead of STS's"},
		{"10 minutes behind fails", -10 * time.Minute, statusFail, "this machine's clock is 10m0s behind STS's: over the 5 minutes signatures and tokens tolerate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			skewed := func() time.Time { return clock.Now().Add(tc.offset) }
			rep, _ := doctorJSON(t, skewed, pod(t, e))
			f := findingOf(t, rep, checkClockSkew)
			if f.Status != tc.status || f.Summary != tc.want {
				t.Errorf("finding %+v", f)
			}
		})
	}
	t.Run("an unreachable endpoint is a warning", func(t *testing.T) {
		rep, _ := doctorJSON(t, clock.Now, withEnv(pod(t, e), "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"))
		if f := findingOf(t, rep, checkClockSkew); f.Status != statusWarn || !strings.HasPrefix(f.Summary, "could not read the time from STS at http://127.0.0.1:1: ") {
			t.Errorf("finding %+v", f)
		}
	})
}

func TestDoctorWithoutWebIdentity(t *testing.T) {
	r := runAt(t, nil, home(t), "doctor")
	t.Logf("irsa doctor:\n%s", r.stdout)
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL  environment: no credentials would be found") || !strings.Contains(r.stdout, "eks.amazonaws.com/role-arn") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
	r = runAt(t, nil, append(home(t), "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/x"), "doctor")
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL  environment: only one of AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE is set") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
	rep, r := doctorJSON(t, nil, home(t), "--profile", "static")
	if f := findingOf(t, rep, checkEnvironment); f.Status != statusWarn || !strings.Contains(f.Summary, "IRSA is not in use") || r.code != 0 {
		t.Errorf("exit %d, finding %+v", r.code, f)
	}
	noSecrets(t, r.stdout)
}

func TestDoctorReportsEachHopOfAChainedProfile(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	admin, locked := "arn:aws:iam::111122223333:role/admin", "arn:aws:iam::111122223333:role/locked"
	for _, r := range []fakests.Role{{ARN: admin, TrustPolicy: fakests.AssumeRoleTrustPolicy(e.RoleARN, "")},
		{ARN: locked, TrustPolicy: fakests.AssumeRoleTrustPolicy("arn:aws:iam::111122223333:role/someone-else", "")}} {
		if err := e.STS.AddRole(r); err != nil {
			t.Fatal(err)
		}
	}
	config := writeFile(t, "config", "[profile web]\nrole_arn = "+e.RoleARN+"\nweb_identity_token_file = "+e.TokenFile+
		"\n\n[profile admin]\nrole_arn = "+admin+"\nsource_profile = web\n\n[profile locked]\nrole_arn = "+locked+"\nsource_profile = admin\n"+
		"\n[profile denied]\nrole_arn = arn:aws:iam::111122223333:role/nope\nweb_identity_token_file = "+e.TokenFile+"\n\n[profile after-denied]\nrole_arn = "+admin+"\nsource_profile = denied\n")
	env := []string{"HOME=" + t.TempDir(), "AWS_CONFIG_FILE=" + config, "AWS_ENDPOINT_URL_STS=" + e.STS.URL(), "AWS_REGION=us-east-1"}
	summaries := func(rep doctorReport) []string {
		var out []string
		for _, f := range rep.Findings {
			if f.Check == checkCredentials {
				out = append(out, string(f.Status)+" "+f.Summary)
			}
		}
		return out
	}
	t.Run("every hop ok", func(t *testing.T) {
		rep, r := doctorJSON(t, clock.Now, env, "--profile", "admin")
		got := summaries(rep)
		if len(got) != 2 || !strings.HasPrefix(got[0], "ok step 1 of 2: AssumeRoleWithWebIdentity for role "+e.RoleARN+" (profile web): ok, session arn:aws:sts::111122223333:assumed-role/irsa-app/") ||
			!strings.HasPrefix(got[1], "ok step 2 of 2: AssumeRole for role "+admin+" (profile admin): ok, session arn:aws:sts::111122223333:assumed-role/admin/") || r.code != 0 {
			t.Errorf("exit %d, credentials findings:\n%s", r.code, strings.Join(got, "\n"))
		}
	})
	t.Run("the last hop is refused", func(t *testing.T) {
		rep, r := doctorJSON(t, clock.Now, env, "--profile", "locked")
		got := summaries(rep)
		t.Logf("credentials findings:\n%s", strings.Join(got, "\n"))
		if len(got) != 3 || !strings.HasPrefix(got[1], "ok step 2 of 3") || got[2] != "fail step 3 of 3: AssumeRole for role "+locked+" (profile locked): refused: AccessDenied" || r.code != 1 {
			t.Errorf("exit %d", r.code)
		}
		if f := rep.Findings[len(rep.Findings)-1]; len(f.Details) != 1 || !strings.Contains(f.Details[0], "AccessDenied") || !strings.Contains(f.Fix, "trust policy must allow sts:AssumeRole") {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("the first hop is refused, the next is not tried", func(t *testing.T) {
		rep, r := doctorJSON(t, clock.Now, env, "--profile", "after-denied")
		got := summaries(rep)
		t.Logf("credentials findings:\n%s", strings.Join(got, "\n"))
		if len(got) != 2 || got[0] != "fail step 1 of 2: AssumeRoleWithWebIdentity for role arn:aws:iam::111122223333:role/nope (profile denied): refused: AccessDenied" ||
			got[1] != "skip step 2 of 2: AssumeRole for role "+admin+" (profile after-denied): not tried, an earlier step failed" || r.code != 1 {
			t.Errorf("exit %d", r.code)
		}
		// The STS error text carries its hint: the condition keys and the token's sub and aud.
		if f := findingOf(t, rep, checkCredentials); !strings.Contains(strings.Join(f.Details, ""), `"system:serviceaccount:default:app"`) || !strings.Contains(f.Fix, "--trust-policy") {
			t.Errorf("finding %+v", f)
		}
		noDoctorSecrets(t, r.stdout, tokenOf(t, e))
	})
}

func TestDoctorUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{{[]string{"doctor", "extra"}, 2}, {[]string{"doctor", "--trust-policy"}, 2}, {[]string{"doctor", "-h"}, 0}} {
		r := run(t, home(t), tc.args...)
		if r.code != tc.want || !strings.Contains(r.stderr, "usage: irsa doctor [--profile P] [--region R] [--json] [--trust-policy FILE]") {
			t.Errorf("%v: exit %d, want %d; stderr %q", tc.args, r.code, tc.want, r.stderr)
		}
	}
	if r := run(t, home(t), "help"); !strings.Contains(r.stdout, "\n  doctor ") {
		t.Errorf("help does not list doctor:\n%s", r.stdout)
	}
}
