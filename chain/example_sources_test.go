package chain_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
)

// In a pod that uses EKS Pod Identity, EKS sets AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE instead of the web identity variables, and Resolve
// chooses the container credentials source, as the AWS CLI does; the Explanation says so. Here a
// fake Pod Identity agent on 127.0.0.1 stands in for EKS's, instance metadata is turned off (as
// on a pod where it is blocked), and an empty home directory keeps this machine's ~/.aws out.
func ExampleResolve_podIdentity() {
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
				SessionToken: "pod-identity-session-token", Expires: time.Now().Add(time.Hour)}, nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer agent.Close()
	env := map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     agent.URL(),
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
		"AWS_EC2_METADATA_DISABLED":              "true",
	}

	ctx := context.Background()
	res, err := chain.Resolve(ctx, chain.Options{Getenv: func(k string) string { return env[k] }, HomeDir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()

	creds, err := res.Provider.Retrieve(ctx)
	if err != nil {
		log.Fatal(err)
	}
	chosen := res.Explanation.Sources[len(res.Explanation.Sources)-1] // the last one considered
	fmt.Printf("%s: %s: %s\n", chosen.Name, chosen.Status, chosen.Reason)
	for _, step := range res.Explanation.Steps {
		fmt.Println("step:", step.Kind)
	}
	fmt.Println("access key ID:", creds.AccessKeyID)
	// Output:
	// container credentials: chosen: AWS_CONTAINER_CREDENTIALS_FULL_URI is set
	// step: container credentials
	// access key ID: ASIAPODIDENTITY00001
}
