package credentials_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/irsa-go/irsa/credentials"
)

// A Cache calls its provider once and then serves the credentials until their refresh point.
func ExampleNewCache() {
	calls := 0
	provider := credentials.ProviderFunc(func(ctx context.Context) (credentials.Credentials, error) {
		calls++
		return credentials.Credentials{
			AccessKeyID:     "ASIAEXAMPLE",
			SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			SessionToken:    "IQoJb3JpZ2luX2VjEXAMPLE",
			Expires:         time.Now().Add(time.Hour),
			Source:          "example",
		}, nil
	})
	cache, err := credentials.NewCache(credentials.CacheOptions{Provider: provider})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer cache.Close()

	for i := 0; i < 3; i++ {
		creds, err := cache.Retrieve(context.Background())
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(creds.AccessKeyID)
	}
	st := cache.Status()
	fmt.Println("provider calls:", calls)
	fmt.Println("state:", st.State)
	// One-hour credentials get a 15-minute window; the refresh point is jittered over its first half.
	fmt.Println("refreshes 7.5 to 15 minutes before expiry:", st.Expires.Sub(st.NextRefresh) >= 450*time.Second)
	// Output:
	// ASIAEXAMPLE
	// ASIAEXAMPLE
	// ASIAEXAMPLE
	// provider calls: 1
	// state: fresh
	// refreshes 7.5 to 15 minutes before expiry: true
}

// ForSDK hands a Cache to aws-sdk-go-v2 clients; no aws.CredentialsCache is needed on top.
func ExampleForSDK() {
	cache, err := credentials.NewCache(credentials.CacheOptions{Provider: credentials.Static{Value: credentials.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret"}}})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer cache.Close()

	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.ForSDK(cache)}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	fmt.Println(creds.AccessKeyID, creds.CanExpire, err)
	// Output: AKIAEXAMPLE false <nil>
}

// Printing credentials never shows the secret access key or the session token.
func ExampleCredentials_String() {
	c := credentials.Credentials{
		AccessKeyID:     "ASIAIOSFODNN7EXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		SessionToken:    "IQoJb3JpZ2luX2VjEXAMPLE",
		Expires:         time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC),
		Source:          "web-identity",
	}
	fmt.Println(c)
	// Output: Credentials{AccessKeyID: ASIAIOSFODNN7EXAMPLE, SecretAccessKey: [redacted], SessionToken: [redacted], Expires: 2026-11-24T13:00:00Z, Source: web-identity}
}
