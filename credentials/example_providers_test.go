package credentials_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
)

// In a pod, EKS's pod identity webhook sets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE and
// mounts the service account token; WebIdentity exchanges that token for role credentials, and
// a Cache keeps them fresh. Here an in-process fake cluster issuer and fake STS stand in for
// EKS and AWS, and env.Getenv for os.Getenv.
func ExampleNewWebIdentity() {
	env, err := fakests.NewEnv(fakests.EnvOptions{Namespace: "payments", ServiceAccount: "api"})
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	getenv := env.Getenv // os.Getenv in a pod

	w, err := credentials.NewWebIdentity(credentials.WebIdentityOptions{
		RoleARN:   getenv("AWS_ROLE_ARN"),
		TokenFile: getenv("AWS_WEB_IDENTITY_TOKEN_FILE"),
		Getenv:    getenv, // the default light client finds the STS endpoint here
	})
	if err != nil {
		log.Fatal(err)
	}
	cache, err := credentials.NewCache(credentials.CacheOptions{Provider: w})
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	creds, err := cache.Retrieve(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(creds.Source)
	fmt.Println(creds.RoleARN) // the session is named after the pod: NAMESPACE.SERVICEACCOUNT.POD
	// Output:
	// web-identity
	// arn:aws:sts::111122223333:assumed-role/irsa-app/payments.api.api-0
}

// A cross-account role: the pod's web identity role in account A assumes a role in account B.
// Each hop sits behind its own Cache, so refreshing B's credentials reuses A's cached ones.
func ExampleNewAssumeRole() {
	env, err := fakests.NewEnv(fakests.EnvOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	const roleB = "arn:aws:iam::444455556666:role/deployer"
	if err := env.STS.AddRole(fakests.Role{ARN: roleB, TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, "")}); err != nil {
		log.Fatal(err)
	}

	w, err := credentials.NewWebIdentity(credentials.WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Getenv: env.Getenv})
	if err != nil {
		log.Fatal(err)
	}
	a, err := credentials.NewCache(credentials.CacheOptions{Provider: w})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b, err := credentials.NewAssumeRole(credentials.AssumeRoleOptions{
		Source:      a, // signs the AssumeRole request
		RoleARN:     roleB,
		SessionName: "deploy",
		Client:      mustClient(env),
	})
	if err != nil {
		log.Fatal(err)
	}
	cache, err := credentials.NewCache(credentials.CacheOptions{Provider: b})
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	creds, err := cache.Retrieve(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(creds.Source, creds.RoleARN)
	// Output:
	// assume-role arn:aws:sts::444455556666:assumed-role/deployer/deploy
}

// NewRoleChain builds a chain of any depth, A → B → C here, with a Cache per hop.
func ExampleNewRoleChain() {
	env, err := fakests.NewEnv(fakests.EnvOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	const (
		roleB = "arn:aws:iam::444455556666:role/deployer"
		roleC = "arn:aws:iam::777788889999:role/auditor"
	)
	_ = env.STS.AddRole(fakests.Role{ARN: roleB, TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, "")})
	_ = env.STS.AddRole(fakests.Role{ARN: roleC, TrustPolicy: fakests.AssumeRoleTrustPolicy(roleB, "")})

	w, err := credentials.NewWebIdentity(credentials.WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Getenv: env.Getenv})
	if err != nil {
		log.Fatal(err)
	}
	client := mustClient(env)
	chain, err := credentials.NewRoleChain(credentials.RoleChainOptions{
		Source: w,
		Roles: []credentials.AssumeRoleOptions{
			{RoleARN: roleB, SessionName: "hop-b", Client: client},
			{RoleARN: roleC, SessionName: "hop-c", Client: client},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer chain.Close()

	creds, err := chain.Retrieve(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(creds.RoleARN)
	for _, hop := range chain.Hops() {
		fmt.Println(hop.Status().State, hop.Status().Source)
	}
	// Output:
	// arn:aws:sts::777788889999:assumed-role/auditor/hop-c
	// fresh web-identity
	// fresh assume-role
	// fresh assume-role
}

// When the role's trust policy does not match the token, the error says which condition keys
// must hold which of the token's values; errors.As gives the details as fields.
func ExampleWebIdentityError() {
	env, err := fakests.NewEnv(fakests.EnvOptions{Namespace: "payments", ServiceAccount: "api"})
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	// The pod runs as another service account than the one the role trusts.
	if _, err := env.Issuer.Mint(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "worker"}); err != nil {
		log.Fatal(err)
	}
	w, err := credentials.NewWebIdentity(credentials.WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Getenv: env.Getenv})
	if err != nil {
		log.Fatal(err)
	}
	_, err = w.Retrieve(context.Background())

	var we *credentials.WebIdentityError
	if errors.As(err, &we) {
		fmt.Println(we.RoleARN)
		fmt.Println(we.Claims.Subject, we.Claims.Audience)
		fmt.Println(strings.Contains(err.Error(), `"`+env.Issuer.HostPath()+`:sub" = "system:serviceaccount:payments:worker"`))
		fmt.Println(credentials.IsNonRecoverable(err))
	}
	// Output:
	// arn:aws:iam::111122223333:role/irsa-app
	// system:serviceaccount:payments:worker [sts.amazonaws.com]
	// true
	// true
}

// With an aws-sdk-go-v2 client: load the SDK's configuration as usual, so that it keeps its own
// settings (retries, AWS_ENDPOINT_URL_<SERVICE>, ...), and replace only its Credentials. Set
// cfg.Credentials directly: config.WithCredentialsProvider would wrap the Cache in an
// aws.CredentialsCache, which only adds a lock and makes callers wait during refreshes. The S3
// endpoint comes from AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL, or the profile's services
// section), which s3.NewFromConfig(cfg) reads itself; res.ServiceEndpointURL("s3") says which
// URL that is and where it was set. Here a fake cluster and STS stand in for EKS and AWS, and
// getenv for os.Getenv.
func ExampleForSDK_loadDefaultConfig() {
	eks, err := fakests.NewEnv(fakests.EnvOptions{Region: "eu-west-1"})
	if err != nil {
		log.Fatal(err)
	}
	defer eks.Close()
	getenv := func(name string) string {
		if name == "AWS_ENDPOINT_URL_S3" {
			return "http://127.0.0.1:9000"
		}
		return eks.Getenv(name)
	}
	home, err := os.MkdirTemp("", "home") // keeps this machine's ~/.aws out of the example
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)

	ctx := context.Background()
	res, err := chain.Resolve(ctx, chain.Options{Getenv: getenv, HomeDir: home})
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()

	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(res.Region))
	if err != nil {
		log.Fatal(err)
	}
	cfg.Credentials = credentials.ForSDK(res.Provider)
	// client := s3.NewFromConfig(cfg)

	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		log.Fatal(err)
	}
	s3URL, from, err := res.ServiceEndpointURL("s3")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Region, creds.Source, creds.CanExpire)
	fmt.Println(s3URL, "from", from)
	// Output:
	// eu-west-1 web-identity true
	// http://127.0.0.1:9000 from AWS_ENDPOINT_URL_S3
}

// mustClient returns a light client for the fake STS; in a pod, NewClient(ClientOptions{})
// resolves the real endpoint from the environment.
func mustClient(env *fakests.Env) *credentials.Client {
	c, err := credentials.NewClient(credentials.ClientOptions{Getenv: env.Getenv})
	if err != nil {
		log.Fatal(err)
	}
	return c
}
