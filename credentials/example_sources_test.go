package credentials_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
	"github.com/irsa-go/irsa/internal/fakeimds"
	"github.com/irsa-go/irsa/internal/fakesso"
)

// exampleExpiry is the fixed expiry the fakes serve, so that the printed output does not vary.
var exampleExpiry = time.Date(2099, 1, 2, 3, 4, 5, 0, time.UTC)

// With EKS Pod Identity, the agent on each node serves the pod's role credentials, and EKS sets
// AWS_CONTAINER_CREDENTIALS_FULL_URI (http://169.254.170.23/v1/credentials) and
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (a token that kubelet rotates, read again on every
// Retrieve). NewContainer reads both; a Cache fetches again shortly before the credentials
// expire. Here a fake agent on 127.0.0.1 stands in for EKS's, and getenv for os.Getenv.
func ExampleNewContainer() {
	dir, err := os.MkdirTemp("", "pod-identity")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	tokenFile := filepath.Join(dir, "eks-pod-identity-token")
	agent, err := fakecontainer.New(fakecontainer.Options{
		TokenFile: tokenFile, // the fake writes a token there, as kubelet does, and requires it
		Credentials: func(context.Context) (credentials.Credentials, error) {
			return credentials.Credentials{AccessKeyID: "ASIAPODIDENTITY00001", SecretAccessKey: "pod-identity-secret",
				SessionToken: "pod-identity-session-token", Expires: exampleExpiry, AccountID: "111122223333"}, nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer agent.Close()
	env := map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     agent.URL(),
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
	}
	getenv := func(name string) string { return env[name] } // os.Getenv in a pod

	p, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: getenv})
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
	fmt.Println(creds) // no secret: neither the keys' nor the authorization token
	fmt.Println("account:", creds.AccountID)
	// Output:
	// Credentials{AccessKeyID: ASIAPODIDENTITY00001, SecretAccessKey: [redacted], SessionToken: [redacted], Expires: 2099-01-02T03:04:05Z, Source: container}
	// account: 111122223333
}

// On EC2 (and on EKS nodes without IRSA or Pod Identity), NewIMDS gets the credentials of the
// instance's role from the instance metadata service with IMDSv2: a session token, the role's
// name, then its credentials. Endpoint defaults to http://169.254.169.254; here it is a fake
// service on 127.0.0.1.
func ExampleNewIMDS() {
	svc := fakeimds.New(fakeimds.Options{
		Role:        "node-role",
		AccessKeyID: "ASIAINSTANCEROLE0001", SecretAccessKey: "instance-secret", SessionToken: "instance-session-token",
		Now:      func() time.Time { return exampleExpiry.Add(-6 * time.Hour) }, // the service's clock, for the expiry it serves
		Lifetime: 6 * time.Hour,
	})
	defer svc.Close()

	p, err := credentials.NewIMDS(credentials.IMDSOptions{Endpoint: svc.URL()})
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
	// Output:
	// Credentials{AccessKeyID: ASIAINSTANCEROLE0001, SecretAccessKey: [redacted], SessionToken: [redacted], Expires: 2099-01-02T03:04:05Z, Source: imds}
}

// For a profile that uses IAM Identity Center, "aws sso login" caches an access token in
// ~/.aws/sso/cache, in a file named after the SHA-1 of the sso-session's name (or, for a profile
// without sso_session, of its sso_start_url); NewSSO reads it on every Retrieve and exchanges it
// for the role's credentials at the access portal. Here the cache directory is a temporary one,
// a fake portal on 127.0.0.1 stands in for https://portal.sso.us-east-1.amazonaws.com, and the
// access token expires far in the future, so that it is not refreshed.
func ExampleNewSSO() {
	portal := fakesso.New(fakesso.Options{})
	defer portal.Close()
	const accessToken = "example-sso-access-token"
	portal.AddToken(accessToken, exampleExpiry)
	if err := portal.Grant(accessToken, "111122223333", "ReadOnly", &fakesso.RoleCredentials{
		AccessKeyID: "ASIAIDENTITYCENTER01", SecretAccessKey: "sso-secret", SessionToken: "sso-session-token", Expiration: exampleExpiry,
	}); err != nil {
		log.Fatal(err)
	}

	cacheDir, err := os.MkdirTemp("", "sso-cache") // ~/.aws/sso/cache
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(cacheDir)
	// The token cache file as "aws sso login --sso-session my-sso" writes it.
	sum := sha1.Sum([]byte("my-sso"))
	name := filepath.Join(cacheDir, hex.EncodeToString(sum[:])+".json")
	doc := fmt.Sprintf(`{"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1", "accessToken": %q, "expiresAt": %q}`,
		accessToken, exampleExpiry.Format(time.RFC3339))
	if err := os.WriteFile(name, []byte(doc), 0o600); err != nil {
		log.Fatal(err)
	}

	p, err := credentials.NewSSO(credentials.SSOOptions{
		SessionName: "my-sso", // sso_session
		Region:      "us-east-1",
		AccountID:   "111122223333",
		RoleName:    "ReadOnly",
		Profile:     "dev", // for the "aws sso login --profile dev" that errors suggest
		CacheDir:    cacheDir,
		Endpoint:    portal.URL(),
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
	fmt.Println(creds) // no secret: neither the keys' nor the access token
	fmt.Println("account:", creds.AccountID)
	// Output:
	// Credentials{AccessKeyID: ASIAIDENTITYCENTER01, SecretAccessKey: [redacted], SessionToken: [redacted], Expires: 2099-01-02T03:04:05Z, Source: sso}
	// account: 111122223333
}
