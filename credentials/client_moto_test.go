package credentials

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/peers"
)

// TestClientAgainstMoto talks to moto's STS server (a real, independent implementation of the
// Query protocol) on 127.0.0.1: web identity unsigned, then AssumeRole and GetCallerIdentity
// signed with the credentials it returned.
func TestClientAgainstMoto(t *testing.T) {
	leakcheck.Check(t)
	moto := peers.StartMoto(t)
	c, err := NewClient(ClientOptions{Getenv: mapEnv(map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": moto.URL,
	})})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	web, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String("arn:aws:iam::123456789012:role/moto-web"),
		RoleSessionName:  aws.String("irsa-moto"),
		WebIdentityToken: aws.String(wireToken),
		DurationSeconds:  aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(web.Credentials.AccessKeyId) == "" || aws.ToString(web.Credentials.SecretAccessKey) == "" || aws.ToString(web.Credentials.SessionToken) == "" {
		t.Fatalf("incomplete credentials from moto: %+v", web.Credentials)
	}
	if web.Credentials.Expiration == nil || web.Credentials.Expiration.Before(time.Now()) {
		t.Errorf("expiration %v is not in the future", web.Credentials.Expiration)
	}
	if got := aws.ToString(web.AssumedRoleUser.Arn); !strings.Contains(got, "moto-web/irsa-moto") {
		t.Errorf("assumed role ARN = %q", got)
	}

	fromWeb := func(o *sts.Options) {
		o.Credentials = credentialsValue(aws.Credentials{
			AccessKeyID: aws.ToString(web.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(web.Credentials.SecretAccessKey),
			SessionToken: aws.ToString(web.Credentials.SessionToken),
		})
	}
	role, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::210987654321:role/moto-chained"), RoleSessionName: aws.String("chained"),
		ExternalId: aws.String("ext-1"), DurationSeconds: aws.Int32(900),
	}, fromWeb)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(role.AssumedRoleUser.Arn); !strings.Contains(got, "210987654321") || !strings.Contains(got, "moto-chained/chained") {
		t.Errorf("assumed role ARN = %q", got)
	}

	who, err := c.GetCallerIdentity(ctx, nil, fromWeb)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Account) == "" || aws.ToString(who.Arn) == "" {
		t.Errorf("caller identity = %+v", who)
	}
	t.Logf("moto says the caller is %s", aws.ToString(who.Arn))

	// The SDK against the same server sees the same caller.
	sdk := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(moto.URL)})
	sdkWho, err := sdk.GetCallerIdentity(ctx, nil, fromWeb)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sdkWho.Arn) != aws.ToString(who.Arn) {
		t.Errorf("caller: ours %q, sdk %q", aws.ToString(who.Arn), aws.ToString(sdkWho.Arn))
	}
}
