package credentials

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/peers"
)

// TestWebIdentityAndAssumeRoleAgainstMoto runs both providers, and the A → B → C chain, against
// moto's STS (a real third-party implementation of the wire protocol) through the light client
// and through *sts.Client. moto accepts any token and any signature, so this checks the requests
// and the parsing of real answers, not authorization (the fake STS checks that).
func TestWebIdentityAndAssumeRoleAgainstMoto(t *testing.T) {
	leakcheck.Check(t)
	moto := peers.StartMoto(t)
	iss := fakeoidc.Start(t, fakeoidc.Options{})
	if _, err := iss.Mint(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-0"}); err != nil {
		t.Fatal(err)
	}
	const (
		motoA = "arn:aws:iam::123456789012:role/irsa-app"
		motoB = "arn:aws:iam::123456789012:role/deployer"
		motoC = "arn:aws:iam::123456789012:role/auditor"
	)
	for _, kind := range stsClientKinds {
		t.Run(kind.name, func(t *testing.T) {
			client := kind.make(t, moto.URL)
			w, err := NewWebIdentity(WebIdentityOptions{RoleARN: motoA, TokenFile: iss.TokenFile(), Client: client, Getenv: noEnv, Duration: 20 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			a, err := w.Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if a.Source != sourceWebIdentity || !strings.HasPrefix(a.RoleARN, "arn:aws:sts::123456789012:assumed-role/irsa-app/payments.api.api-0") || !a.HasKeys() || a.SessionToken == "" {
				t.Errorf("web identity credentials = %v", a)
			}
			if d := time.Until(a.Expires); d < 18*time.Minute || d > 22*time.Minute {
				t.Errorf("web identity credentials last %v, want the 20 minutes asked for", d)
			}

			chain, err := NewRoleChain(RoleChainOptions{Source: w, Roles: []AssumeRoleOptions{
				{RoleARN: motoB, SessionName: "hop-b", ExternalID: "ext-1", Client: client},
				{RoleARN: motoC, SessionName: "hop-c", Client: client, Tags: map[string]string{"team": "payments"}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			defer chain.Close()
			c, err := chain.Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if c.Source != sourceAssumeRole || !strings.HasPrefix(c.RoleARN, "arn:aws:sts::123456789012:assumed-role/auditor/hop-c") || !c.HasKeys() {
				t.Errorf("chained credentials = %v", c)
			}
			b := chain.Hops()[1].Status()
			if !strings.HasPrefix(b.RoleARN, "arn:aws:sts::123456789012:assumed-role/deployer/hop-b") {
				t.Errorf("hop B = %+v", b)
			}
			if a := chain.Hops()[0].Status(); c.Expires.After(a.Expires) || b.Expires.After(a.Expires) {
				t.Errorf("a hop outlives its source: A %v, B %v, C %v", a.Expires, b.Expires, c.Expires)
			}
		})
	}
}
