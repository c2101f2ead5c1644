package trustpolicy_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/trustpolicy"
)

const issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"

var eksPolicy = fakests.WebIdentityTrustPolicy("111122223333", issuer, "system:serviceaccount:default:app", "sts.amazonaws.com")

func TestParseInputForms(t *testing.T) {
	tok := trustpolicy.Token{Issuer: issuer, Subject: "system:serviceaccount:default:app", Audience: []string{"sts.amazonaws.com"}}
	for _, tc := range []struct{ name, in, roleARN string }{
		{"a bare document", eksPolicy, ""},
		{"a bare URL-encoded document", url.PathEscape(eksPolicy), ""},
		{"get-role output", `{"Role":{"Arn":"arn:aws:iam::111122223333:role/r","AssumeRolePolicyDocument":` + eksPolicy + `}}`, "arn:aws:iam::111122223333:role/r"},
		{"get-role output with the document as JSON text", `{"Role":{"AssumeRolePolicyDocument":` + quote(eksPolicy) + `}}`, ""},
		{"get-role output with the document URL-encoded", `{"Role":{"AssumeRolePolicyDocument":` + quote(url.PathEscape(eksPolicy)) + `}}`, ""},
		{"--query Role output", `{"Arn":"arn:aws:iam::111122223333:role/r","AssumeRolePolicyDocument":` + eksPolicy + `}`, "arn:aws:iam::111122223333:role/r"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := trustpolicy.ParseInput([]byte("\n" + tc.in + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if in.RoleARN != tc.roleARN || !in.Policy.CheckWebIdentity("arn:aws:iam::111122223333:role/r", tok).Allowed {
				t.Errorf("RoleARN %q, or the policy does not allow the token", in.RoleARN)
			}
		})
	}
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func TestParseInputRefusals(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "  ", "it is empty"},
		{"huge", `{"Statement":"` + strings.Repeat("x", trustpolicy.MaxInputSize) + `"}`, "larger than 256 KiB"},
		{"not JSON", "<html>", "it is not a JSON object (invalid JSON at byte 1)"},
		{"a string", `"x"`, "it is not a JSON object (a JSON string, not an object)"},
		{"Role that is not an object", `{"Role":[]}`, "its Role is not a JSON object"},
		{"Arn that is not a string", `{"Role":{"Arn":1,"AssumeRolePolicyDocument":{}}}`, "its Role.Arn is not a string"},
		{"neither form", `{"x":1}`, "it has neither Role.AssumeRolePolicyDocument"},
		{"bad URL encoding", "%7B%zz", "neither JSON nor URL-encoded JSON"},
		{"a document that is not a policy", `{"Role":{"AssumeRolePolicyDocument":{"Statement":[]}}}`, "its AssumeRolePolicyDocument: the policy needs a Statement"},
		{"a number as the document", `{"Role":{"AssumeRolePolicyDocument":5}}`, "its AssumeRolePolicyDocument: the policy is not a policy document"},
		{"a statement IAM would refuse", `{"Statement":{"Effect":"Allow","Principal":{"Services":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`, `principal type "Services" is not one IAM knows`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := trustpolicy.ParseInput([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if err != nil && len(err.Error()) > 1000 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
		})
	}
}

func TestCheckWebIdentityReasons(t *testing.T) {
	p, err := trustpolicy.Parse(eksPolicy)
	if err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::111122223333:role/r"
	r := p.CheckWebIdentity(role, trustpolicy.Token{Issuer: issuer, Subject: "system:serviceaccount:default:app"})
	if r.Allowed || strings.Join(r.Reasons, "|") != "the audience condition wants sts.amazonaws.com, the token has no aud claim" {
		t.Errorf("a token without aud: %+v", r)
	}
	r = p.CheckWebIdentity(role, trustpolicy.Token{Issuer: issuer, Subject: "system:serviceaccount:default:app", Audience: []string{"a", "sts.amazonaws.com"}})
	if !r.Allowed || r.Statement != 1 {
		t.Errorf("a token with sts.amazonaws.com among its audiences: %+v", r)
	}
	many := `{"Statement":{"Effect":"Allow","Principal":{"Federated":"not-an-arn"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub":["a","b","c","d","e","f","g"]}}}}`
	p, err = trustpolicy.Parse(many)
	if err != nil {
		t.Fatal(err)
	}
	r = p.CheckWebIdentity(role, trustpolicy.Token{Issuer: issuer, Subject: "", Audience: []string{"sts.amazonaws.com"}})
	want := `the Federated principal not-an-arn is not an IAM OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/ISSUER)|the policy allows a or b or c or d or e or 2 more, this pod is ""`
	if strings.Join(r.Reasons, "|") != want {
		t.Errorf("reasons\n%s\nwant\n%s", strings.Join(r.Reasons, "|"), want)
	}
}

// FuzzParseInput: any input is refused or gives a policy that evaluates a token without
// panicking, with reasons when it refuses it.
func FuzzParseInput(f *testing.F) {
	f.Add([]byte(eksPolicy))
	f.Add([]byte(`{"Role":{"Arn":"arn:aws:iam::111122223333:role/r","AssumeRolePolicyDocument":` + quote(url.PathEscape(eksPolicy)) + `}}`))
	f.Add([]byte(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Condition":{"ForAllValues:StringLike":{"k":["a*"]}}}]}`))
	f.Add([]byte("%7B%22Statement%22%3A%5B%5D%7D"))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringNotEquals":{"k":"v"}}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := trustpolicy.ParseInput(b)
		if err != nil {
			return
		}
		r := in.Policy.CheckWebIdentity("arn:aws:iam::111122223333:role/r", trustpolicy.Token{Issuer: issuer, Subject: "s", Audience: []string{"a", "b"}})
		if !r.Allowed && len(r.Reasons) == 0 || r.Allowed && r.Undecided {
			t.Fatalf("refused without a reason, or allowed and undecided: %q", b)
		}
		for _, reason := range append(r.Reasons, r.Skipped...) {
			if strings.ContainsAny(reason, "\x00\x1b\n") {
				t.Fatalf("reason holds a control character: %q", reason)
			}
		}
	})
}
