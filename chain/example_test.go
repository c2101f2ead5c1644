package chain_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/internal/fakests"
)

// In a pod on EKS, chain.Resolve(ctx, chain.Options{}) is all it takes: the pod identity webhook
// sets AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and AWS_REGION, and the provider exchanges the
// projected token for role credentials, refreshing them before they expire. Here a fake cluster
// and a fake STS on 127.0.0.1 stand in for EKS and AWS, and an empty home directory keeps this
// machine's ~/.aws out of it.
func ExampleResolve() {
	eks, err := fakests.NewEnv(fakests.EnvOptions{Region: "eu-west-1"})
	if err != nil {
		log.Fatal(err)
	}
	defer eks.Close()
	home, err := os.MkdirTemp("", "home")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)

	ctx := context.Background()
	res, err := chain.Resolve(ctx, chain.Options{Getenv: eks.Getenv, HomeDir: home})
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()

	creds, err := res.Provider.Retrieve(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("region:", res.Region)
	fmt.Println("source:", creds.Source)
	fmt.Println("role:", strings.SplitAfter(creds.RoleARN, "assumed-role/irsa-app/")[0]+"…")
	// Output:
	// region: eu-west-1
	// source: web-identity
	// role: arn:aws:sts::111122223333:assumed-role/irsa-app/…
}

// Explain shows where credentials, region and STS endpoint come from, without calling STS: here
// profile b assumes a role in another account with credentials from profile a, which assumes its
// own role with a web identity token.
func ExampleExplain() {
	home, err := os.MkdirTemp("", "home")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)
	config := `[profile a]
role_arn = arn:aws:iam::111111111111:role/web
web_identity_token_file = /var/run/secrets/example/token

[profile b]
role_arn = arn:aws:iam::222222222222:role/deploy
source_profile = a
role_session_name = deploy
region = eu-west-2
`
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(config), 0o600); err != nil {
		log.Fatal(err)
	}
	env := map[string]string{"HOME": home, "AWS_PROFILE": "b"}

	exp, err := chain.Explain(context.Background(), chain.Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exp)
	// Output:
	// profile: b (named by AWS_PROFILE)
	// config file: ~/.aws/config (read; path from default)
	// credentials file: ~/.aws/credentials (missing; path from default)
	// credential sources, in the order the AWS CLI tries them:
	//    1. environment variables: skipped: AWS_ACCESS_KEY_ID is not set
	//    2. assume role (profile b): chosen: profile b has role_arn (~/.aws/config line 6) and source_profile a
	// credentials are obtained by:
	//    1. AssumeRoleWithWebIdentity arn:aws:iam::111111111111:role/web, token file /var/run/secrets/example/token, session name generated, profile a
	//        web_identity_token_file = /var/run/secrets/example/token (from ~/.aws/config line 3)
	//        role_arn = arn:aws:iam::111111111111:role/web (from ~/.aws/config line 2)
	//    2. AssumeRole arn:aws:iam::222222222222:role/deploy, session name deploy, profile b
	//        role_arn = arn:aws:iam::222222222222:role/deploy (from ~/.aws/config line 6)
	//        source_profile = a (from ~/.aws/config line 7)
	//        role_session_name = deploy (from ~/.aws/config line 8)
	// region: eu-west-2 (from profile b, ~/.aws/config line 9)
	// STS endpoint: https://sts.eu-west-2.amazonaws.com (signing region eu-west-2; used)
	//   region = eu-west-2 (from profile b, ~/.aws/config line 9)
	// note: the web identity token file /var/run/secrets/example/token cannot be read now (no such file or directory); in a pod, check that the projected service account token volume is mounted
}

// When no source has credentials, the error is the explanation: every source the AWS CLI would
// try, and why each was skipped.
func ExampleNoCredentialsError() {
	home, err := os.MkdirTemp("", "home")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)
	// Nothing is configured, and instance metadata is turned off, as where there is none.
	env := map[string]string{"HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1"}

	_, err = chain.Resolve(context.Background(), chain.Options{Getenv: func(k string) string { return env[k] }})
	var nc *chain.NoCredentialsError
	if errors.As(err, &nc) {
		for _, s := range nc.Explanation.Sources[:3] {
			fmt.Printf("%s: %s: %s\n", s.Name, s.Status, s.Reason)
		}
	}
	// Output:
	// environment variables: skipped: AWS_ACCESS_KEY_ID is not set
	// assume role (profile default): skipped: there is no profile default
	// web identity: skipped: AWS_WEB_IDENTITY_TOKEN_FILE is not set and profile default has no web_identity_token_file
}
