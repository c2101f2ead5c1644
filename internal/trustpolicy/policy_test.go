package trustpolicy_test

import (
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/trustpolicy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const provider = "arn:aws:iam::111122223333:oidc-provider/oidc.example/id/X"

func TestPolicyEvaluation(t *testing.T) {
	web := func(sub, aud string) trustpolicy.Request {
		return trustpolicy.Request{Action: "sts:AssumeRoleWithWebIdentity", PrincipalType: "Federated", Principals: []string{provider},
			Context: map[string]string{"oidc.example/id/x:sub": sub, "oidc.example/id/x:aud": aud}}
	}
	session := trustpolicy.Request{Action: "sts:AssumeRole", PrincipalType: "AWS", Context: map[string]string{},
		Principals: []string{"arn:aws:sts::111122223333:assumed-role/web/s", "111122223333", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/web"}}
	cases := []struct {
		name, policy string
		req          trustpolicy.Request
		want         bool
	}{
		{"EKS's trust policy allows the service account", fakests.WebIdentityTrustPolicy("111122223333", "https://oidc.example/id/X", "system:serviceaccount:ns:sa", "sts.amazonaws.com"),
			web("system:serviceaccount:ns:sa", "sts.amazonaws.com"), true},
		{"and refuses another one", fakests.WebIdentityTrustPolicy("111122223333", "https://oidc.example/id/X", "system:serviceaccount:ns:sa", "sts.amazonaws.com"),
			web("system:serviceaccount:ns:other", "sts.amazonaws.com"), false},
		{"and another audience", fakests.WebIdentityTrustPolicy("111122223333", "https://oidc.example/id/X", "system:serviceaccount:ns:sa", "sts.amazonaws.com"),
			web("system:serviceaccount:ns:sa", "vault"), false},
		{"StringLike matches a namespace's service accounts", fakests.WebIdentityTrustPolicy("111122223333", "https://oidc.example/id/X", "system:serviceaccount:ns:*", "sts.amazonaws.com"),
			web("system:serviceaccount:ns:any", "sts.amazonaws.com"), true},
		{"condition keys are case-insensitive, values are not",
			`{"Statement":{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"OIDC.example/id/X:SUB":["a","b"]}}}}`,
			web("b", "x"), true},
		{"a condition on a key the request lacks fails", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringLike":{"sts:externalid":"*"}}}}`, session, false},
		{"another provider is not the principal", fakests.WebIdentityTrustPolicy("444455556666", "https://oidc.example/id/X", "*", "sts.amazonaws.com"), web("s", "sts.amazonaws.com"), false},
		{"a Federated principal is not an AWS one", `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"*"},"Action":"sts:*"}]}`, session, false},
		{"an AWS principal names the role of a session", fakests.AssumeRoleTrustPolicy("arn:aws:iam::111122223333:role/web", ""), session, true},
		{"or its account", fakests.AssumeRoleTrustPolicy("arn:aws:iam::111122223333:root", ""), session, true},
		{"an action wildcard", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["x","*"]},"Action":["sts:Assume*"]}]}`, session, true},
		{"another action", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:TagSession"}]}`, session, false},
		{"Deny wins over Allow", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"},{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`, session, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := trustpolicy.Parse(tc.policy)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Allows(tc.req))
		})
	}
}

func TestParsePolicyRefusesWhatIAMWouldRefuse(t *testing.T) {
	for _, doc := range []string{
		``, `[]`, `{}`, `{"Statement":[]}`, `{"Statement":{}} x`,
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`,
	} {
		_, err := trustpolicy.Parse(doc)
		assert.Error(t, err, doc)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"Statement":{"Effect":"Maybe","Principal":"*","Action":"*"}}`, "statement 1: Effect must be Allow or Deny"},
		{`{"Statement":{"Effect":"Allow","Principal":"*"}}`, "statement 1: exactly one of Action and NotAction is required"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","NotAction":"x"}}`, "statement 1: exactly one of Action and NotAction is required"},
		{`{"Statement":{"Effect":"Allow","Action":"*"}}`, "statement 1: exactly one of Principal and NotPrincipal is required"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","NotPrincipal":{"AWS":"x"},"Action":"*"}}`, "statement 1: exactly one of Principal and NotPrincipal is required"},
		{`{"Statement":{"Effect":"Allow","Principal":"someone","Action":"*"}}`,
			`statement 1: Principal must be "*" or {"AWS"|"Federated"|"Service"|"CanonicalUser": …}: json: cannot unmarshal string into Go value of type map[string]trustpolicy.OneOrMany`},
		{`{"Statement":{"Effect":"Allow","Principal":{},"Action":"*"}}`, `statement 1: Principal must be "*" or {"AWS"|"Federated"|"Service"|"CanonicalUser": …}: no principal`},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"},{"Effect":"Allow","NotPrincipal":{"Services":"x"},"Action":"*"}]}`,
			`statement 2: NotPrincipal must be "*" or {"AWS"|"Federated"|"Service"|"CanonicalUser": …}: principal type "Services" is not one IAM knows`},
		{`{"Statement":{"Effect":"Allow","Principal":{"\u001b[2J` + strings.Repeat("A", 100) + `":"x"},"Action":"*"}}`,
			`statement 1: Principal must be "*" or {"AWS"|"Federated"|"Service"|"CanonicalUser": …}: principal type "\x1b[2J` + strings.Repeat("A", 56) + `…" is not one IAM knows`},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"k":1}}}}`,
			`statement 1: condition StringEquals on "k": the values must be strings: json: cannot unmarshal number into Go value of type string`},
	} {
		_, err := trustpolicy.Parse(tc.doc)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s\nerror %v\nwant  %s", tc.doc, err, tc.want)
		}
	}
}

// What IAM accepts in a trust policy and the evaluator does not understand is kept, for
// Evaluate to say whether it matters (TestMixedPolicies).
func TestParsePolicyKeepsWhatIAMAccepts(t *testing.T) {
	for _, doc := range []string{
		`{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}}`,
		`{"Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df9"},"Action":"sts:AssumeRole"}}`,
		`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*"}}`,
		`{"Statement":{"Effect":"Allow","Principal":"*","NotAction":"sts:TagSession"}}`,
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringNotEquals":{"k":"v"}}}}`,
		`{"Statement":{"Effect":"Allow","Principal":{"AWS":"x"},"Action":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true},"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}}`,
	} {
		_, err := trustpolicy.Parse(doc)
		assert.NoError(t, err, doc)
	}
}

// FuzzParse: any document is refused or evaluates without panicking.
func FuzzParse(f *testing.F) {
	f.Add(fakests.AssumeRoleTrustPolicy("111122223333", "ext"))
	f.Add(fakests.WebIdentityTrustPolicy("111122223333", "https://oidc.example/id/X", "system:serviceaccount:*:app", "sts.amazonaws.com"))
	f.Add(`{"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Condition":{"StringLike":{"k":["a*"]}}}}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"NotAction":"sts:TagSession","Condition":{"Bool":{"k":true},"StringNotEquals":{"k":"a"}}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := trustpolicy.Parse(doc)
		if err != nil {
			return
		}
		ctx := map[string]string{"sts:externalid": "ext", "k": "a"}
		for _, req := range []trustpolicy.Request{
			{Action: "sts:AssumeRole", PrincipalType: "AWS", Principals: []string{"111122223333"}, Context: ctx},
			{Action: "sts:AssumeRoleWithWebIdentity", PrincipalType: "Federated", Principals: []string{provider}, Context: ctx},
		} {
			v := p.Evaluate(req)
			if v.Allowed && (v.Undecided || v.AllowedBy == 0 || v.DeniedBy != 0) || v.Undecided && len(v.Unknowns) == 0 {
				t.Fatalf("inconsistent verdict %+v for %q", v, doc)
			}
		}
	})
}
