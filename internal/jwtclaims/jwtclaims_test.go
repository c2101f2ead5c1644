package jwtclaims

import (
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
)

// The forms and errors of Decode are tested through credentials' decodeTokenClaims (token_test.go),
// which is Decode; this checks a real Kubernetes-style token and IssuerHostPath.
func TestDecodeAKubernetesToken(t *testing.T) {
	clock := fakeoidc.NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	iss := fakeoidc.Start(t, fakeoidc.Options{Now: clock.Now})
	tok, err := iss.Sign(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-0", Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(tok)
	if err != nil || c.Issuer != iss.URL() || c.Subject != "system:serviceaccount:payments:api" || strings.Join(c.Audience, ",") != "sts.amazonaws.com" ||
		!c.Expires.Equal(clock.Now().Add(time.Hour)) || !c.IssuedAt.Equal(clock.Now()) || c.Namespace != "payments" || c.ServiceAccount != "api" || c.Pod != "api-0" {
		t.Errorf("claims %+v, %v", c, err)
	}
	if IssuerHostPath(iss.URL()) != iss.HostPath() {
		t.Errorf("IssuerHostPath(%q) = %q, fakeoidc says %q", iss.URL(), IssuerHostPath(iss.URL()), iss.HostPath())
	}
	for in, want := range map[string]string{"https://oidc.example/id/X/": "oidc.example/id/X", "http://h": "h", "": ""} {
		if got := IssuerHostPath(in); got != want {
			t.Errorf("IssuerHostPath(%q) = %q, want %q", in, got, want)
		}
	}
}
