package credentials

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsa-go/irsa/internal/benchenv"
	"github.com/irsa-go/irsa/internal/fakests"
)

// BenchmarkAssumeRoleChainRefresh measures one refresh of the top hop of a web identity → B
// chain against the fake STS on loopback: aws-sdk-go-v2 wired as its config package wires a
// source_profile chain (an aws.CredentialsCache over an AssumeRoleProvider whose STS client signs
// with the uncached web identity provider), beside irsa's RoleChain. The sts-calls/op metric is
// the point: the SDK repeats the web identity call on every refresh of B, irsa reuses A's cached
// credentials. For figures, run the two sides in alternating rounds (see the README):
//
//	go run ./internal/benchratio ./credentials/ BenchmarkAssumeRoleChainRefresh
func BenchmarkAssumeRoleChainRefresh(b *testing.B) {
	benchenv.Neutral(b)
	ctx := context.Background()
	env := fakests.StartEnv(b, fakests.EnvOptions{})
	if err := env.STS.AddRole(fakests.Role{ARN: roleB, TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, "")}); err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()
	stsOpts := sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(env.STS.URL()), HTTPClient: hc}
	report := func(b *testing.B) {
		b.ReportMetric(float64(env.STS.Count(fakests.OpAssumeRoleWithWebIdentity)+env.STS.Count(fakests.OpAssumeRole))/float64(b.N), "sts-calls/op")
	}

	b.Run("sdk", func(b *testing.B) {
		web := stscreds.NewWebIdentityRoleProvider(sts.New(stsOpts), env.RoleARN, stscreds.IdentityTokenFile(env.TokenFile))
		signed := stsOpts
		signed.Credentials = web
		top := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.New(signed), roleB))
		if _, err := top.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
		env.STS.ResetCalls()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			top.Invalidate()
			if _, err := top.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		report(b)
	})

	b.Run("irsa", func(b *testing.B) {
		client, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: env.STS.URL(), SigningRegion: "us-east-1", Custom: true}, HTTPClient: hc})
		if err != nil {
			b.Fatal(err)
		}
		w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv})
		if err != nil {
			b.Fatal(err)
		}
		chain, err := NewRoleChain(RoleChainOptions{Source: w, Roles: []AssumeRoleOptions{{RoleARN: roleB, Client: client}}})
		if err != nil {
			b.Fatal(err)
		}
		defer chain.Close()
		top := chain.Hops()[1]
		c, err := chain.Retrieve(ctx)
		if err != nil {
			b.Fatal(err)
		}
		env.STS.ResetCalls()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			top.Invalidate(c.AccessKeyID)
			if c, err = chain.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		report(b)
	})
}

// BenchmarkWebIdentityRetrieve measures one uncached web identity exchange against the fake STS
// on loopback (the fake verifies the token's RS256 signature each time): aws-sdk-go-v2's
// stscreds.WebIdentityRoleProvider with an *sts.Client beside irsa's WebIdentity with its light
// client. Both read the token file on every call. For figures, run the two sides in alternating
// rounds (see the README):
//
//	go run ./internal/benchratio ./credentials/ BenchmarkWebIdentityRetrieve
func BenchmarkWebIdentityRetrieve(b *testing.B) {
	benchenv.Neutral(b)
	ctx := context.Background()
	env := fakests.StartEnv(b, fakests.EnvOptions{})
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()

	b.Run("sdk", func(b *testing.B) {
		p := stscreds.NewWebIdentityRoleProvider(sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(env.STS.URL()), HTTPClient: hc}),
			env.RoleARN, stscreds.IdentityTokenFile(env.TokenFile))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := p.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("irsa", func(b *testing.B) {
		client, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: env.STS.URL(), SigningRegion: "us-east-1", Custom: true}, HTTPClient: hc})
		if err != nil {
			b.Fatal(err)
		}
		w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := w.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
