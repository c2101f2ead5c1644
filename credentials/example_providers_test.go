package credentials_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

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
	cache := credentials.NewCache(w, credentials.CacheOptions{})
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
	a := credentials.NewCache(w, credentials.CacheOptions{})
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
	cache := credentials.NewCache(b, credentials.CacheOptions{})
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

// mustClient returns a light client for the fake STS; in a pod, NewClient(ClientOptions{})
// resolves the real endpoint from the environment.
func mustClient(env *fakests.Env) *credentials.Client {
	c, err := credentials.NewClient(credentials.ClientOptions{Getenv: env.Getenv})
	if err != nil {
		log.Fatal(err)
	}
	return c
}
