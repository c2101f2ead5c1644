package trustpolicy_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/jwtclaims"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/trustpolicy"
)

// TestDoctorsVerdictAgreesWithTheFakeSTS evaluates a table of trust policies for a table of
// tokens twice: offline, as irsa doctor does (CheckWebIdentity), and by asking the fake STS for
// AssumeRoleWithWebIdentity. The verdicts must be the same; where doctor's is undecided (a
// statement that could decide is not understood), the fake STS refuses. Tokens have one audience each: with
// several, STS evaluates the one that matches the provider's client IDs, which doctor does not
// know offline.
func TestDoctorsVerdictAgreesWithTheFakeSTS(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	e.STS.AddOIDCProvider(e.Issuer.URL(), "sts.amazonaws.com", "vault")
	iss, hp := e.Issuer.URL(), e.Issuer.HostPath()
	provider := "arn:aws:iam::111122223333:oidc-provider/" + hp
	st := func(effect, principal, action, cond string) string {
		s := `{"Effect":"` + effect + `","Principal":` + principal + `,"Action":"` + action + `"`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + "}"
	}
	fed := `{"Federated":"` + provider + `"}`
	doc := func(statements ...string) string {
		out := `{"Version":"2012-10-17","Statement":[`
		for i, s := range statements {
			if i > 0 {
				out += ","
			}
			out += s
		}
		return out + "]}"
	}
	policies := []string{
		fakests.WebIdentityTrustPolicy("111122223333", iss, "system:serviceaccount:default:app", "sts.amazonaws.com"),
		fakests.WebIdentityTrustPolicy("111122223333", iss, "system:serviceaccount:default:*", "sts.amazonaws.com"),
		fakests.WebIdentityTrustPolicy("111122223333", "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER", "*", "sts.amazonaws.com"),
		fakests.WebIdentityTrustPolicy("444455556666", iss, "system:serviceaccount:default:app", "sts.amazonaws.com"),
		fakests.AssumeRoleTrustPolicy("111122223333", ""),
		doc(st("Allow", fed, "sts:AssumeRole", "")),
		doc(st("Allow", fed, "sts:AssumeRoleWith*", "")),
		doc(st("Allow", `"*"`, "*", "")),
		doc(st("Allow", `{"Federated":"*"}`, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:aud":"vault"}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", ""), st("Deny", `"*"`, "sts:*", `{"StringLike":{"`+hp+`:sub":"system:serviceaccount:kube-system:*"}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"ForAnyValue:StringLike":{"`+hp+`:sub":["system:serviceaccount:kube-system:*","*:other"]}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"ForAllValues:StringEquals":{"`+hp+`:aud":"sts.amazonaws.com","other.example/id/X:sub":"x"}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:sub":"system:serviceaccount:default:*"}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:SUB":"system:serviceaccount:default:app","`+hp+`:aud":["vault","sts.amazonaws.com"]}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringLike":{"`+hp+`:sub":"system:serviceaccount:default:?pp"}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"sts:ExternalId":"x"}}`)),
		// Mixed policies: statements for other callers are skipped; one the evaluator does not
		// understand leaves the verdict undecided when it could change it, and the fake STS
		// refuses then.
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:sub":"system:serviceaccount:default:app"}}`), st("Allow", `{"Service":"ec2.amazonaws.com"}`, "sts:AssumeRole", "")),
		doc(st("Allow", `{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]}`, "*", ""), st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringLike":{"`+hp+`:sub":"system:serviceaccount:default:*"}}`)),
		doc(st("Allow", `{"AWS":"arn:aws:iam::111122223333:root"}`, "sts:*", `{"Bool":{"aws:MultiFactorAuthPresent":true}}`), st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:aud":"vault"}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:sub":"system:serviceaccount:default:app"}}`), st("Allow", `"*"`, "sts:AssumeRoleWithWebIdentity", `{"StringNotEquals":{"`+hp+`:sub":"system:serviceaccount:kube-system:other"}}`)),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", ""), `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"*"}`),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:aud":"sts.amazonaws.com"}}`), st("Deny", `{"Service":"ec2.amazonaws.com"}`, "*", `{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}`)),
		doc(`{"Effect":"Allow","Principal":` + fed + `,"NotAction":"sts:AssumeRole"}`),
		doc(`{"Effect":"Allow","Principal":` + fed + `,"NotAction":["sts:AssumeRoleWith*"]}`),
		doc(st("Allow", fed, "sts:AssumeRoleWithWebIdentity", `{"StringEquals":{"`+hp+`:sub":"system:serviceaccount:default:other"},"StringNotEqualsIgnoreCase":{"`+hp+`:aud":"x"}}`)),
	}
	tokens := []fakeoidc.TokenOptions{
		{}, // default/app, sts.amazonaws.com
		{ServiceAccount: "other"},
		{Namespace: "kube-system"},
		{Audience: []string{"vault"}},
		{Namespace: "kube-system", ServiceAccount: "other", Audience: []string{"vault"}},
	}
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: e.STS.URL()}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	accepted, refused, undecided := 0, 0, 0
	for i, doc := range policies {
		role := fmt.Sprintf("arn:aws:iam::111122223333:role/agree-%d", i)
		if err := e.STS.AddRole(fakests.Role{ARN: role, TrustPolicy: doc}); err != nil {
			t.Fatal(err)
		}
		p, err := trustpolicy.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range tokens {
			tok, err := e.Issuer.Sign(opts)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := jwtclaims.Decode(tok)
			verdict := p.CheckWebIdentity(role, trustpolicy.Token{Issuer: c.Issuer, Subject: c.Subject, Audience: c.Audience})
			_, err = client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String(role), RoleSessionName: aws.String("agree"), WebIdentityToken: aws.String(tok)})
			var api smithy.APIError
			if err != nil && (!errors.As(err, &api) || api.ErrorCode() != "AccessDenied") {
				t.Fatalf("policy %d, token %s: STS refused for another reason than the trust policy: %v", i, c.Subject, err)
			}
			if verdict.Undecided {
				undecided++
				if err == nil || len(verdict.Reasons) == 0 {
					t.Errorf("policy %d, token sub %s aud %v: undecided (%v), and the fake STS accepts %v\n%s", i, c.Subject, c.Audience, verdict.Reasons, err == nil, doc)
				}
				continue
			}
			if stsAccepts := err == nil; verdict.Allowed != stsAccepts {
				t.Errorf("policy %d, token sub %s aud %v: doctor allows %v (%v), the fake STS accepts %v\n%s", i, c.Subject, c.Audience, verdict.Allowed, verdict.Reasons, stsAccepts, doc)
			}
			if verdict.Allowed {
				accepted++
			} else {
				refused++
				if len(verdict.Reasons) == 0 {
					t.Errorf("policy %d, token %s: refused without a reason", i, c.Subject)
				}
			}
		}
	}
	t.Logf("%d accepted, %d refused, %d undecided", accepted, refused, undecided)
	if accepted < 10 || refused < 10 || undecided < 5 {
		t.Errorf("the table does not exercise every verdict: %d accepted, %d refused, %d undecided", accepted, refused, undecided)
	}
}
