package chain

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
)

// The container endpoints of the scenarios: {POD_IDENTITY} is a fake EKS Pod Identity agent that
// requires the token in {POD_IDENTITY_TOKEN} and serves the keys keyContainer; {ECS} is a fake
// agent that requires ecsToken (AWS_CONTAINER_AUTHORIZATION_TOKEN) and serves a session of
// roleThird that the fake STS issued, so that it can sign AssumeRole.
const (
	keyContainer = "ASIACONTAINER0000001"
	ecsToken     = "ecs-authorization-token-0123456789"
)

type containerFixture struct {
	podIdentity, ecs *fakecontainer.Server
	podIdentityToken string // the token file
}

func startContainerFixture(t *testing.T, fx *stsFixture) containerFixture {
	t.Helper()
	cf := containerFixture{podIdentityToken: filepath.Join(t.TempDir(), "eks-pod-identity-token")}
	var err error
	cf.podIdentity, err = fakecontainer.New(fakecontainer.Options{TokenFile: cf.podIdentityToken,
		Credentials: func(context.Context) (credentials.Credentials, error) {
			return credentials.Credentials{AccessKeyID: keyContainer, SecretAccessKey: "container-secret", SessionToken: "container-session-token",
				Expires: time.Now().Add(time.Hour)}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cf.podIdentity.Close)
	// The ECS task role's session, issued before the scenarios run (each resets the recorded calls).
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: fx.env.STS.URL(), SigningRegion: "us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	role, err := credentials.NewAssumeRole(credentials.AssumeRoleOptions{RoleARN: roleThird, SessionName: "ecs-task", Client: client,
		Source: credentials.Static{Value: credentials.Credentials{AccessKeyID: keyBase, SecretAccessKey: "base-secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	session, err := role.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fx.env.STS.ResetCalls() // the fixture's own call is no test's
	cf.ecs, err = fakecontainer.New(fakecontainer.Options{Token: ecsToken, Path: "/v2/credentials/task",
		Credentials: func(context.Context) (credentials.Credentials, error) { return session, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cf.ecs.Close)
	return cf
}

// expand replaces the container placeholders.
func (cf containerFixture) expand(s string) string {
	if cf.podIdentity == nil {
		return s
	}
	return strings.NewReplacer("{POD_IDENTITY}", cf.podIdentity.URL(), "{POD_IDENTITY_TOKEN}", cf.podIdentityToken, "{ECS}", cf.ecs.URL()).Replace(s)
}
