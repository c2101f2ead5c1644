//go:build !windows

package credentials_test

import (
	"context"
	"fmt"
	"log"

	"github.com/irsa-go/irsa/credentials"
)

// A credential_process helper prints its credentials as JSON; NewProcess runs it, and a Cache runs
// it again shortly before the Expiration it printed. Here sh stands in for a helper such as
// aws-vault or a company's SSO tool; the command is split like a POSIX shell would split it, but
// no shell runs it.
func ExampleNewProcess() {
	p, err := credentials.NewProcess(credentials.ProcessOptions{
		Command: `sh -c 'printf "{\"Version\": 1, \"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\", \"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\", \"Expiration\": \"2030-01-02T03:04:05Z\"}"'`,
		Setting: "profile dev, ~/.aws/config line 3", // for error messages
	})
	if err != nil {
		log.Fatal(err)
	}
	cache, err := credentials.NewCache(credentials.CacheOptions{Provider: p})
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()
	creds, err := cache.Retrieve(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(creds)
	// Output: Credentials{AccessKeyID: AKIAIOSFODNN7EXAMPLE, SecretAccessKey: [redacted], SessionToken: , Expires: 2030-01-02T03:04:05Z, Source: process}
}
