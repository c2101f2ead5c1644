package fakests_test

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/fakests"
)

// NewEnv starts a cluster's token issuer and an STS that trusts it, with one role for the
// service account default/app and its token on disk, like a pod on EKS sees. In a test, use
// fakests.StartEnv(t, …) instead: it closes everything when the test ends.
func ExampleNewEnv() {
	env, err := fakests.NewEnv(fakests.EnvOptions{})
	if err != nil {
		panic(err)
	}
	defer env.Close()

	token, _ := os.ReadFile(env.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"))
	client := sts.New(sts.Options{Region: env.Region, BaseEndpoint: aws.String(env.STS.URL())})
	out, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(env.Getenv("AWS_ROLE_ARN")),
		RoleSessionName:  aws.String("example"),
		WebIdentityToken: aws.String(string(token)),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(*out.AssumedRoleUser.Arn)
	fmt.Println(*out.SubjectFromWebIdentityToken)
	fmt.Println(env.STS.Count(fakests.OpAssumeRoleWithWebIdentity))
	// Output:
	// arn:aws:sts::111122223333:assumed-role/irsa-app/example
	// system:serviceaccount:default:app
	// 1
}

// A second role in another account that the web identity role may assume (role chaining),
// guarded by an external ID.
func ExampleServer_AddRole() {
	env, err := fakests.NewEnv(fakests.EnvOptions{})
	if err != nil {
		panic(err)
	}
	defer env.Close()
	err = env.STS.AddRole(fakests.Role{
		ARN:         "arn:aws:iam::444455556666:role/cross-account",
		TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, "tenant-42"),
	})
	fmt.Println(err)
	// Output:
	// <nil>
}
