package fakests

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestLookupIssuedFindsCredentialsUntilRevoked(t *testing.T) {
	env := StartEnv(t, EnvOptions{})
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(env.STS.URL())})
	tok, err := env.RotateToken()
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(env.RoleARN), RoleSessionName: aws.String("lookup"), WebIdentityToken: aws.String(tok),
	})
	if err != nil {
		t.Fatal(err)
	}
	akid := aws.ToString(out.Credentials.AccessKeyId)
	got, ok := env.STS.LookupIssued(akid)
	if !ok || got.SecretAccessKey != aws.ToString(out.Credentials.SecretAccessKey) || got.SessionToken != aws.ToString(out.Credentials.SessionToken) ||
		!got.Expires.Equal(aws.ToTime(out.Credentials.Expiration)) || got.ARN != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Fatalf("LookupIssued(%s) = %v, %v; STS returned %+v", akid, got.ARN, ok, out.AssumedRoleUser)
	}
	if _, ok := env.STS.LookupIssued("ASIANEVERISSUED0000"); ok {
		t.Error("a key that was never issued was found")
	}
	env.STS.Revoke(akid)
	if _, ok := env.STS.LookupIssued(akid); ok {
		t.Error("a revoked key was found")
	}
}
