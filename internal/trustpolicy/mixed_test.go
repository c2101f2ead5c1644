package trustpolicy_test

import (
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/trustpolicy"
)

// The statements of the mixed policies: hp is the issuer's condition-key prefix, fed the
// provider of the issuer in the role's account.
const (
	hp  = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
	fed = `{"Federated":"arn:aws:iam::111122223333:oidc-provider/` + hp + `"}`

	fedApp   = `{"Effect":"Allow","Principal":` + fed + `,"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:sub":"system:serviceaccount:default:app","` + hp + `:aud":"sts.amazonaws.com"}}}`
	fedOther = `{"Effect":"Allow","Principal":` + fed + `,"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:sub":"system:serviceaccount:default:other"}}}`
	ec2      = `{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`
	awsMFA   = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}`
	notEq    = `{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringNotEquals":{"` + hp + `:sub":"system:serviceaccount:kube-system:x"}}}`
	denyNotP = `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"*"}`
	denyEC2  = `{"Effect":"Deny","Principal":{"Service":"ec2.amazonaws.com"},"Action":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`
	// fedOtherNotEq does not match, whatever StringNotEqualsIgnoreCase would say: its sub does not.
	fedOtherNotEq = `{"Effect":"Allow","Principal":` + fed + `,"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:sub":"system:serviceaccount:default:other"},"StringNotEqualsIgnoreCase":{"` + hp + `:aud":"x"}}}`
)

func policyOf(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// TestMixedPolicies: statements that cannot apply to a web identity are skipped (and said to
// be), and "cannot be evaluated" is said only of a statement that could decide.
func TestMixedPolicies(t *testing.T) {
	const skipEC2 = "is skipped: its Action is sts:AssumeRole, not sts:AssumeRoleWithWebIdentity"
	for _, tc := range []struct {
		name               string
		policy             string
		allowed, undecided bool
		statement          int
		reasons, skipped   []string
	}{
		{name: "an EC2 statement beside the web identity one is skipped", policy: policyOf(fedApp, ec2),
			allowed: true, statement: 1, skipped: []string{"statement 2 " + skipEC2}},
		{name: "and a token the web identity statement refuses is explained as before", policy: policyOf(ec2, fedOther),
			reasons: []string{"the policy allows system:serviceaccount:default:other, this pod is system:serviceaccount:default:app"},
			skipped: []string{"statement 1 " + skipEC2}},
		{name: "an AWS principal with a condition the evaluator does not know is skipped", policy: policyOf(awsMFA, fedApp),
			allowed: true, statement: 2, skipped: []string{"statement 1 is skipped: its Principal names no Federated principal (AWS arn:aws:iam::111122223333:root)"}},
		{name: "a Deny for a service principal cannot apply", policy: policyOf(fedApp, denyEC2),
			allowed: true, statement: 1, skipped: []string{"statement 2 is skipped: its Principal names no Federated principal (Service ec2.amazonaws.com)"}},
		{name: "an Allow the evaluator does not understand, when no other allows", policy: policyOf(fedOther, notEq), undecided: true,
			reasons: []string{`statement 2 could allow this token, but it uses condition operator "StringNotEquals", which this evaluator does not understand`,
				"statement 1: the policy allows system:serviceaccount:default:other, this pod is system:serviceaccount:default:app"}},
		{name: "an Allow that matches makes an unknown Allow irrelevant", policy: policyOf(notEq, fedApp), allowed: true, statement: 2},
		{name: "a Deny that could apply leaves the verdict unknown", policy: policyOf(fedApp, denyNotP), undecided: true,
			reasons: []string{"statement 1 allows this token, but statement 2 (Effect Deny) could apply to it and uses NotPrincipal, which this evaluator does not understand"}},
		{name: "a Deny the evaluator does not understand does not matter when nothing allows", policy: policyOf(fedOther, denyNotP),
			reasons: []string{"the policy allows system:serviceaccount:default:other, this pod is system:serviceaccount:default:app"}},
		{name: "an unknown Allow and an unknown Deny are both named", policy: policyOf(notEq, denyNotP), undecided: true,
			reasons: []string{`statement 1 could allow this token, but it uses condition operator "StringNotEquals", which this evaluator does not understand`,
				"statement 2 (Effect Deny) could also apply to this token and uses NotPrincipal, which this evaluator does not understand"}},
		{name: "a statement whose understood condition fails does not match, whatever else it holds", policy: policyOf(fedOtherNotEq),
			reasons: []string{"the policy allows system:serviceaccount:default:other, this pod is system:serviceaccount:default:app"}},
		{name: "NotPrincipal in an Allow", policy: policyOf(`{"Effect":"Allow","NotPrincipal":{"AWS":"x"},"Action":"sts:AssumeRoleWithWebIdentity"}`), undecided: true,
			reasons: []string{"statement 1 could allow this token, but it uses NotPrincipal, which this evaluator does not understand"}},
		{name: "every unknown part of a statement is named", policy: policyOf(`{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringNotEquals":{"k":"v"},"Bool":{"aws:SecureTransport":true}}}`), undecided: true,
			reasons: []string{`statement 1 could allow this token, but it uses condition operator "Bool" and condition operator "StringNotEquals", which this evaluator does not understand`}},
		{name: "a hostile operator is clipped and quoted", policy: policyOf(`{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"\u001b[2J` + strings.Repeat("A", 100) + `":{"k":"v"}}}`), undecided: true,
			reasons: []string{`statement 1 could allow this token, but it uses condition operator "\x1b[2J` + strings.Repeat("A", 56) + `…", which this evaluator does not understand`}},
		{name: "a NotAction that covers the web identity action", policy: policyOf(`{"Effect":"Allow","Principal":` + fed + `,"NotAction":"sts:AssumeRole"}`), allowed: true, statement: 1},
		{name: "a NotAction that excludes it", policy: policyOf(`{"Effect":"Allow","Principal":` + fed + `,"NotAction":["sts:TagSession","sts:AssumeRoleWith*"]}`),
			reasons: []string{"statement 1 names a Federated principal but its NotAction excludes sts:AssumeRoleWithWebIdentity: remove that action from its NotAction"}},
		{name: "a NotAction that excludes it, beside a statement that allows", policy: policyOf(fedApp, `{"Effect":"Allow","Principal":`+fed+`,"NotAction":"sts:AssumeRoleWithWebIdentity"}`),
			allowed: true, statement: 1, skipped: []string{"statement 2 is skipped: its NotAction excludes sts:AssumeRoleWithWebIdentity"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := trustpolicy.Parse(tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			r := p.CheckWebIdentity("arn:aws:iam::111122223333:role/r", trustpolicy.Token{Issuer: issuer, Subject: "system:serviceaccount:default:app", Audience: []string{"sts.amazonaws.com"}})
			if r.Allowed != tc.allowed || r.Undecided != tc.undecided || r.Statement != tc.statement {
				t.Errorf("allowed %v, undecided %v, statement %d; want %v, %v, %d", r.Allowed, r.Undecided, r.Statement, tc.allowed, tc.undecided, tc.statement)
			}
			if got, want := strings.Join(r.Reasons, "\n"), strings.Join(tc.reasons, "\n"); got != want {
				t.Errorf("reasons\n%s\nwant\n%s", got, want)
			}
			if got, want := strings.Join(r.Skipped, "\n"), strings.Join(tc.skipped, "\n"); got != want {
				t.Errorf("skipped\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestUndecidedVerdictIsARefusalForTheFakeSTS: Allows, what the fake STS asks, is false when the
// verdict is undecided, and Evaluate says which statement is unknown.
func TestUndecidedVerdictIsARefusalForTheFakeSTS(t *testing.T) {
	p, err := trustpolicy.Parse(policyOf(fedApp, denyNotP))
	if err != nil {
		t.Fatal(err)
	}
	req := trustpolicy.WebIdentityRequest("arn:aws:iam::111122223333:role/r", trustpolicy.Token{Issuer: issuer, Subject: "system:serviceaccount:default:app"}, "sts.amazonaws.com")
	v := p.Evaluate(req)
	if p.Allows(req) || v.Allowed || !v.Undecided || v.AllowedBy != 1 || len(v.Unknowns) != 1 || v.Unknowns[0].Statement != 2 || v.Unknowns[0].Allow || strings.Join(v.Unknowns[0].What, ",") != "NotPrincipal" {
		t.Errorf("verdict %+v", v)
	}
	// For an AssumeRole request, the web identity statement is skipped and the Deny still might apply.
	v = p.Evaluate(trustpolicy.Request{Action: "sts:AssumeRole", PrincipalType: "AWS", Principals: []string{"111122223333"}})
	if v.Allowed || v.Undecided || len(v.Skipped) != 1 || v.Skipped[0] != 1 || len(v.Unknowns) != 1 {
		t.Errorf("verdict %+v", v)
	}
}
