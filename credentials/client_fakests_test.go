package credentials

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// TestClientAgainstFakeSTS runs the Client against internal/fakests, which verifies what real
// STS verifies: the token's signature and claims against the role's trust policy, and the SigV4
// signature of AssumeRole and GetCallerIdentity, computed independently of aws-sdk-go-v2's signer.
func TestClientAgainstFakeSTS(t *testing.T) {
	leakcheck.Check(t)
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	chained := "arn:aws:iam::444455556666:role/chained"
	if err := env.STS.AddRole(fakests.Role{ARN: chained, TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, "ext-7")}); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(ClientOptions{Getenv: env.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ctx := context.Background()
	token, err := os.ReadFile(env.TokenFile)
	if err != nil {
		t.Fatal(err)
	}

	web, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(env.RoleARN), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(string(token)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(web.SubjectFromWebIdentityToken); got != "system:serviceaccount:default:app" {
		t.Errorf("subject = %q", got)
	}
	signWith := func(cr *types.Credentials) func(*sts.Options) {
		return func(o *sts.Options) {
			o.Credentials = credentialsValue(aws.Credentials{AccessKeyID: aws.ToString(cr.AccessKeyId),
				SecretAccessKey: aws.ToString(cr.SecretAccessKey), SessionToken: aws.ToString(cr.SessionToken)})
		}
	}
	role, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(chained), RoleSessionName: aws.String("hop"),
		ExternalId: aws.String("ext-7"), SourceIdentity: aws.String("app"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}},
		signWith(web.Credentials))
	if err != nil {
		t.Fatal(err)
	}
	who, err := c.GetCallerIdentity(ctx, nil, signWith(role.Credentials))
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(who.Arn); got != "arn:aws:sts::444455556666:assumed-role/chained/hop" {
		t.Errorf("caller = %q", got)
	}

	// A wrong secret key is refused by the server's signature check, and not retried. (A new
	// Client, because aws-sdk-go-v2's signer caches signing keys by access key ID, not secret.)
	c2, err := NewClient(ClientOptions{Getenv: env.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.CloseIdleConnections()
	bad := *role.Credentials
	bad.SecretAccessKey = aws.String("not-the-secret-key-0123456789")
	_, err = c2.GetCallerIdentity(ctx, nil, signWith(&bad))
	var oe *OperationError
	if !errors.As(err, &oe) || oe.Attempts != 1 || !IsNonRecoverable(err) || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Fatalf("error = %v, want a non-recoverable SignatureDoesNotMatch after 1 attempt", err)
	}
	// A token for another audience is rejected by the trust policy, and not retried.
	_, err = c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(chained), RoleSessionName: aws.String("app"), WebIdentityToken: aws.String(string(token)),
	})
	if !errors.As(err, &oe) || oe.Attempts != 1 || !IsNonRecoverable(err) {
		t.Fatalf("error = %v, want a non-recoverable refusal after 1 attempt", err)
	}
}
