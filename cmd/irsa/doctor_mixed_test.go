package main

import (
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// TestDoctorEvaluatesMixedTrustPolicies: real IRSA roles often carry statements for other callers
// (EC2, an AWS account); doctor skips them and says so, and says "cannot be evaluated" only of a
// statement that could decide. The fake STS trusts the pod in every case; the credentials check
// shows STS's own verdict beside doctor's.
func TestDoctorEvaluatesMixedTrustPolicies(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{})
	hp := e.Issuer.HostPath()
	provider := "arn:aws:iam::111122223333:oidc-provider/" + hp
	web := func(sub string) string {
		return `{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:sub":"` + sub + `","` + hp + `:aud":"sts.amazonaws.com"}}}`
	}
	const (
		ec2     = `{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`
		account = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}`
		deny    = `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"*"}`
	)
	notEquals := `{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringNotEquals":{"` + hp + `:sub":"system:serviceaccount:kube-system:x"}}}`
	doc := func(statements ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	}
	for _, tc := range []struct {
		name, policy string
		status       status
		summary      string
		details      []string
	}{
		{name: "an EC2 statement is skipped", policy: doc(web("system:serviceaccount:default:app"), ec2), status: statusOK,
			summary: "the trust policy allows this token (statement 1)",
			details: []string{"statement 2 is skipped: its Action is sts:AssumeRole, not sts:AssumeRoleWithWebIdentity"}},
		{name: "an AWS principal with a condition doctor does not know is skipped", policy: doc(account, web("system:serviceaccount:default:app")), status: statusOK,
			summary: "the trust policy allows this token (statement 2)",
			details: []string{"statement 1 is skipped: its Principal names no Federated principal (AWS arn:aws:iam::111122223333:root)"}},
		{name: "a mismatch is still named beside a skipped statement", policy: doc(ec2, web("system:serviceaccount:default:s3-echoer")), status: statusFail,
			summary: "the trust policy does not allow this token: the policy allows system:serviceaccount:default:s3-echoer, this pod is system:serviceaccount:default:app",
			details: []string{"statement 1 is skipped: its Action is sts:AssumeRole, not sts:AssumeRoleWithWebIdentity"}},
		{name: "an Allow that could decide and is not understood", policy: doc(web("system:serviceaccount:default:s3-echoer"), notEquals, ec2), status: statusWarn,
			summary: `the trust policy cannot be evaluated for this token (whether STS accepts it is unknown): statement 2 could allow this token, but it uses condition operator "StringNotEquals", which this evaluator does not understand`,
			details: []string{"statement 1: the policy allows system:serviceaccount:default:s3-echoer, this pod is system:serviceaccount:default:app",
				"statement 3 is skipped: its Action is sts:AssumeRole, not sts:AssumeRoleWithWebIdentity"}},
		{name: "a Deny that could apply", policy: doc(web("system:serviceaccount:default:app"), deny), status: statusWarn,
			summary: "the trust policy cannot be evaluated for this token (whether STS accepts it is unknown): statement 1 allows this token, but statement 2 (Effect Deny) could apply to it and uses NotPrincipal, which this evaluator does not understand"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, r := doctorJSON(t, clock.Now, pod(t, e), "--trust-policy", writeFile(t, "policy.json", tc.policy))
			f := findingOf(t, rep, checkTrustPolicy)
			t.Logf("%s: %s\n%s\nfix: %s", f.Status, f.Summary, strings.Join(f.Details, "\n"), f.Fix)
			if f.Status != tc.status || f.Summary != tc.summary {
				t.Errorf("%s: %s\nwant %s: %s", f.Status, f.Summary, tc.status, tc.summary)
			}
			if got, want := strings.Join(f.Details, "\n"), strings.Join(tc.details, "\n"); got != want {
				t.Errorf("details\n%s\nwant\n%s", got, want)
			}
			if tc.status == statusWarn && !strings.HasPrefix(f.Fix, "evaluate that statement by hand (the credentials check above shows what STS decided)") {
				t.Errorf("fix %q", f.Fix)
			}
			if wantCode := map[status]int{statusOK: 0, statusWarn: 0, statusFail: 1}[tc.status]; r.code != wantCode || rep.OK != (wantCode == 0) {
				t.Errorf("exit %d, ok %v", r.code, rep.OK)
			}
			noDoctorSecrets(t, r.stdout, tokenOf(t, e))
		})
	}
}
