package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"net/url"
	"path/filepath"
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

func readToken(t *testing.T, e *fakests.Env) string {
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
	noDoctorSecrets(t, r.stdout, readToken(t, e))
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
			noDoctorSecrets(t, r.stdout, readToken(t, e))
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
		{name: "a policy with an operator doctor does not know", content: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringNotEquals":{"k":"v"}}}}`,
			want: `--trust-policy FILE cannot be evaluated: statement 1: condition operator "StringNotEquals" is not supported (StringEquals, StringLike, with or without ForAnyValue: or ForAllValues:)`},
		{name: "a hostile field name is clipped (encoding/json escapes it)", content: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","` + hostile + `":1}}`,
			want: `--trust-policy FILE cannot be evaluated: the policy needs a Statement this evaluator understands (Sid, Effect, Principal, Action, Condition): json: unknown field "\x1b[2J` + strings.Repeat("A", 200-129) + `…`}, // clipped at 200 bytes
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
