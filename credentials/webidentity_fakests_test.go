package credentials

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/stsxml"
)

// stsClientKind makes an STS client for a fake STS URL: this package's light client or
// aws-sdk-go-v2's *sts.Client. Both must work with every provider.
type stsClientKind struct {
	name string
	make func(t *testing.T, url string) STS
}

var stsClientKinds = []stsClientKind{
	{"light client", func(t *testing.T, url string) STS {
		c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: url, SigningRegion: "us-east-1", Custom: true}, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.CloseIdleConnections)
		return c
	}},
	{"sts.Client", func(t *testing.T, url string) STS {
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		t.Cleanup(hc.CloseIdleConnections)
		return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), HTTPClient: hc, RetryMaxAttempts: 1})
	}},
}

func TestWebIdentityAgainstFakeSTS(t *testing.T) {
	for _, kind := range stsClientKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Run("credentials for the role the token's service account may assume", func(t *testing.T) {
				leakcheck.Check(t)
				env := fakests.StartEnv(t, fakests.EnvOptions{Namespace: "payments", ServiceAccount: "api"})
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: kind.make(t, env.STS.URL()), Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				c, err := w.Retrieve(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if c.Source != sourceWebIdentity || c.RoleARN != "arn:aws:sts::111122223333:assumed-role/irsa-app/payments.api.api-0" ||
					!strings.HasPrefix(c.AccessKeyID, "ASIA") || c.SecretAccessKey == "" || c.SessionToken == "" ||
					c.Expires.Sub(time.Now()) < 59*time.Minute || c.Expires.Sub(time.Now()) > 61*time.Minute {
					t.Errorf("credentials = %v", c)
				}
				calls := env.STS.Calls()
				if len(calls) != 1 || calls[0].Caller != "system:serviceaccount:payments:api" || calls[0].SessionName != "payments.api.api-0" || calls[0].Code != "" {
					t.Errorf("calls = %v", calls)
				}
			})

			t.Run("token rotated by kubelet between refreshes is what STS sees next", func(t *testing.T) {
				leakcheck.Check(t)
				env := fakests.StartEnv(t, fakests.EnvOptions{})
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: kind.make(t, env.STS.URL()), Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Retrieve(context.Background()); err != nil {
					t.Fatal(err)
				}
				// The pod was rescheduled: kubelet writes a token bound to the new pod, swapping ..data.
				if _, err := env.Issuer.Mint(fakeoidc.TokenOptions{Pod: "app-1"}); err != nil {
					t.Fatal(err)
				}
				if _, err := w.Retrieve(context.Background()); err != nil {
					t.Fatal(err)
				}
				calls := env.STS.Calls()
				if len(calls) != 2 || calls[0].SessionName != "default.app.app-0" || calls[1].SessionName != "default.app.app-1" {
					t.Errorf("calls = %v; want the second made with the rotated token (pod app-1)", calls)
				}
			})

			t.Run("AccessDenied from the role's trust policy names the keys to fix", func(t *testing.T) {
				leakcheck.Check(t)
				env := fakests.StartEnv(t, fakests.EnvOptions{ServiceAccount: "other"})
				if _, err := env.Issuer.Mint(fakeoidc.TokenOptions{Namespace: "default", ServiceAccount: "app"}); err != nil {
					t.Fatal(err)
				}
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: kind.make(t, env.STS.URL()), Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				_, err = w.Retrieve(context.Background())
				hp := env.Issuer.HostPath()
				for _, want := range []string{"AccessDenied", env.RoleARN, `"` + hp + `:sub" = "system:serviceaccount:default:app"`, `"` + hp + `:aud" = "sts.amazonaws.com"`} {
					if err == nil || !strings.Contains(err.Error(), want) {
						t.Errorf("error %v\ndoes not contain %q", err, want)
					}
				}
				var ae smithy.APIError
				if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || !IsNonRecoverable(err) {
					t.Errorf("errors.As smithy.APIError: %v, non-recoverable %v", ae, IsNonRecoverable(err))
				}
				if kind.name == "light client" {
					var se *stsxml.Error
					if !errors.As(err, &se) || se.RequestID == "" {
						t.Errorf("errors.As *stsxml.Error: %+v", se)
					}
				}
			})

			t.Run("token signed by another key is an InvalidIdentityToken that is not retried", func(t *testing.T) {
				leakcheck.Check(t)
				env := fakests.StartEnv(t, fakests.EnvOptions{})
				if _, err := env.Issuer.Mint(fakeoidc.TokenOptions{Key: fakeoidc.OtherKey()}); err != nil {
					t.Fatal(err)
				}
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: kind.make(t, env.STS.URL()), Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				_, err = w.Retrieve(context.Background())
				var ite *types.InvalidIdentityTokenException
				if !errors.As(err, &ite) || !IsNonRecoverable(err) {
					t.Errorf("err = %v; want an InvalidIdentityTokenException, non-recoverable", err)
				}
			})

			t.Run("ExpiredTokenException re-reads the file and retries with the rotated token", func(t *testing.T) {
				leakcheck.Check(t)
				env := fakests.StartEnv(t, fakests.EnvOptions{})
				// The token is past exp by STS's clock but not by the pod's (skew); kubelet rotates
				// it while the first request is in flight.
				if _, err := env.Issuer.Mint(fakeoidc.TokenOptions{Expires: time.Now().Add(-time.Minute)}); err != nil {
					t.Fatal(err)
				}
				rotated := false
				env.STS.SetFaultFunc(func(c fakests.Call) *fakests.Fault {
					if !rotated {
						rotated = true
						if _, err := env.RotateToken(); err != nil {
							t.Error(err)
						}
					}
					return nil
				})
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: kind.make(t, env.STS.URL()), Getenv: noEnv,
					Now: func() time.Time { return time.Now().Add(-time.Hour) }})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Retrieve(context.Background()); err != nil {
					t.Fatal(err)
				}
				calls := env.STS.Calls()
				if len(calls) != 2 || calls[0].Code != "ExpiredTokenException" || calls[1].Code != "" {
					t.Errorf("calls = %v", calls)
				}
			})
		})
	}
}

func noEnv(string) string { return "" }

func TestWebIdentityDefaultClientResolvesTheEndpointFromGetenv(t *testing.T) {
	leakcheck.Check(t)
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Getenv: env.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	defer w.opts.Client.(*Client).CloseIdleConnections()
	if _, err := w.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if env.STS.Count(fakests.OpAssumeRoleWithWebIdentity) != 1 {
		t.Errorf("calls = %v", env.STS.Calls())
	}
}

func TestWebIdentityLightClientWithCustomEndpointAcceptsMinIORoleARN(t *testing.T) {
	c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "http://127.0.0.1:9000", SigningRegion: "us-east-1", Custom: true}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewWebIdentity(WebIdentityOptions{RoleARN: "arn:minio:iam:::role/dummy-internal", TokenFile: "/t", Client: c, Getenv: noEnv})
	if err != nil {
		t.Errorf("MinIO ARN with a custom endpoint: %v", err)
	}
	aws, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "https://sts.us-east-1.amazonaws.com", SigningRegion: "us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewWebIdentity(WebIdentityOptions{RoleARN: "arn:minio:iam:::role/dummy-internal", TokenFile: "/t", Client: aws, Getenv: noEnv})
	if err == nil || !strings.Contains(err.Error(), "AllowNonAWSRoleARN") {
		t.Errorf("MinIO ARN with an AWS endpoint: %v", err)
	}
}

// TestWebIdentityAndAssumeRoleConcurrentRetrievesWhileKubeletRotates runs many Retrieves of a
// WebIdentity and of a chain over it at once while the token file is rotated, under -race.
func TestWebIdentityAndAssumeRoleConcurrentRetrievesWhileKubeletRotates(t *testing.T) {
	leakcheck.Check(t)
	env := chainEnv(t, nil)
	client := stsClientKinds[0].make(t, env.STS.URL())
	w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	chain, err := NewRoleChain(RoleChainOptions{Source: w, Roles: []AssumeRoleOptions{{RoleARN: roleB, Client: client}}})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	ctx := context.Background()
	done := make(chan struct{})
	rotated := make(chan error, 1)
	go func() {
		defer close(rotated)
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if _, err := env.RotateToken(); err != nil {
				rotated <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	errs := make(chan error, 40)
	for g := 0; g < 20; g++ {
		go func() {
			_, err := w.Retrieve(ctx)
			errs <- err
		}()
		go func() {
			_, err := chain.Retrieve(ctx)
			errs <- err
		}()
	}
	for i := 0; i < 40; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(done)
	if err := <-rotated; err != nil {
		t.Fatal(err)
	}
	if n := env.STS.Count(fakests.OpAssumeRole); n != 1 {
		t.Errorf("the cached chain made %d AssumeRole calls for 20 concurrent callers, want 1", n)
	}
}
