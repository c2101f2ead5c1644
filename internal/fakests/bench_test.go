package fakests

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/fakeoidc"
)

// BenchmarkServer measures one round trip through the fake with aws-sdk-go-v2's client, so
// benchmarks built on the fake know its share of their numbers.
func BenchmarkServer(b *testing.B) {
	env := StartEnv(b, EnvOptions{})
	hc := &http.Client{}
	b.Cleanup(hc.CloseIdleConnections)
	tok, err := env.Issuer.Sign(fakeoidc.TokenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(env.STS.URL()), HTTPClient: hc, Retryer: aws.NopRetryer{}})
	ctx := context.Background()
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(env.RoleARN), RoleSessionName: aws.String("bench"), WebIdentityToken: aws.String(tok)}
	out, err := client.AssumeRoleWithWebIdentity(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}, nil
	})

	b.Run("AssumeRoleWithWebIdentity", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := client.AssumeRoleWithWebIdentity(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetCallerIdentity", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.Options) { o.Credentials = creds }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
