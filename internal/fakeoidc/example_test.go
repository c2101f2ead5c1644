package fakeoidc_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
)

// An issuer mints a Kubernetes service-account token into a projected volume; Mint again to
// rotate it the way the kubelet does.
func Example() {
	clock := fakeoidc.NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	iss, err := fakeoidc.New(fakeoidc.Options{Now: clock.Now})
	if err != nil {
		panic(err)
	}
	defer iss.Close()

	if _, err := iss.Mint(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api"}); err != nil {
		panic(err)
	}
	first, _ := os.ReadFile(iss.TokenFile()) // what AWS_WEB_IDENTITY_TOKEN_FILE points at

	clock.Advance(48 * time.Minute)
	if _, err := iss.Mint(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api"}); err != nil {
		panic(err)
	}
	second, _ := os.ReadFile(iss.TokenFile())

	fmt.Println(strings.Count(string(first), "."), string(first) != string(second), iss.Rotations())
	fmt.Println(strings.HasPrefix(iss.HostPath(), "127.0.0.1:"))
	// Output:
	// 2 true 1
	// true
}
