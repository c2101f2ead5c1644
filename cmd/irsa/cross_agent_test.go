package main

// irsa serve whose own source is a container endpoint: an EKS Pod Identity agent (the fake, with
// a token file it rotates as kubelet does) behind serve, and credentials.NewContainer in front.
// Two hops of the same protocol must agree.

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

const (
	agentSecret  = "agentSECRETkey0123456789abcdefghijklmnop"
	agentSession = "agentSESSIONtoken0123456789abcdefghijklmnopqrstuvwxyz"
	agentAccount = "444455556666"
)

// podIdentityAgent starts a fake EKS Pod Identity agent whose token rotates in a file; each
// answer has new keys (ASIAAGENTEXAMPLE0001, 0002, ...) that expire an hour after now().
func podIdentityAgent(t *testing.T, now func() time.Time) (*fakecontainer.Server, string) {
	t.Helper()
	tokenFile := filepath.Join(t.TempDir(), "eks-pod-identity-token")
	var n atomic.Int32
	agent, err := fakecontainer.New(fakecontainer.Options{TokenFile: tokenFile, Credentials: func(context.Context) (credentials.Credentials, error) {
		i := n.Add(1)
		return credentials.Credentials{AccessKeyID: fmt.Sprintf("ASIAAGENTEXAMPLE%04d", i), SecretAccessKey: fmt.Sprintf("%s%d", agentSecret, i),
			SessionToken: fmt.Sprintf("%s%d", agentSession, i), Expires: now().Add(time.Hour).Truncate(time.Second), AccountID: agentAccount}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.Close)
	return agent, tokenFile
}

// agentCreds are the credentials the agent gave in its i-th answer (from 1), expiring at expires.
func agentCreds(i int, expires time.Time) credentials.Credentials {
	return credentials.Credentials{AccessKeyID: fmt.Sprintf("ASIAAGENTEXAMPLE%04d", i), SecretAccessKey: fmt.Sprintf("%s%d", agentSecret, i),
		SessionToken: fmt.Sprintf("%s%d", agentSession, i), Expires: expires, Source: "container", AccountID: agentAccount}
}

func TestCrossServeReservesWhatAPodIdentityAgentServes(t *testing.T) {
	leakcheck.Check(t)
	agent, agentToken := podIdentityAgent(t, time.Now)
	tokenFile := filepath.Join(t.TempDir(), "serve-token")
	env := append(home(t), envFullURI+"="+agent.URL(), envTokenFile+"="+agentToken)
	s := startServe(t, env, "serve", "--listen", "127.0.0.1:0", "--write-token-file", tokenFile)

	ctx := retrieveCtx(t)
	c, err := containerClient(t, nil, envFullURI+"="+s.url, envTokenFile+"="+tokenFile).Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The agent was asked once, by serve, with its current token.
	reqs := agent.Requests()
	if len(reqs) != 1 || reqs[0].Authorization != "valid" || reqs[0].Status != 200 {
		t.Fatalf("the agent's requests: %+v", reqs)
	}
	if want := agentCreds(1, c.Expires); c != want {
		t.Errorf("through serve: %v, account %q\nfrom the agent: %v, account %q", c, c.AccountID, want, want.AccountID)
	}
	// What serve's Cache holds: the agent's expiry.
	if h := healthOf(t, s); h.Expiration != c.Expires.UTC().Format(time.RFC3339) || c.Expires.Sub(time.Now()) < 50*time.Minute {
		t.Errorf("serve's Cache: %+v; the client: %v", h, c.Expires)
	}
	// The two hops read as one: serve's own chain explains its source as the agent.
	r := run(t, env, "explain")
	if !strings.Contains(r.stdout, "1. container credentials from "+agent.URL()) {
		t.Errorf("irsa explain:\n%s", r.stdout)
	}
	r = s.stop()
	if !strings.Contains(r.stderr, "access_key_id=ASIAAGENTEXAMPLE0001 source=container") {
		t.Errorf("serve's log:\n%s", r.stderr)
	}
	noSecrets(t, r.stderr+r.stdout, agentSecret, agentSession, readString(t, agentToken))
}

// serve re-reads the agent's token file on each refresh: after kubelet rotated it, the next
// refresh carries the new token. serve's Cache is given a clock here, so the endpoint is built
// as irsa serve builds it (chain.Resolve, newEndpoint, startServer) with chain.Options.Now set.
func TestCrossServeSendsTheAgentsRotatedToken(t *testing.T) {
	leakcheck.Check(t)
	clock := fakeoidc.NewClock(time.Now())
	agent, agentToken := podIdentityAgent(t, clock.Now)
	ctx := retrieveCtx(t)
	res, err := chain.Resolve(ctx, chain.Options{Getenv: getenvOf(append(home(t), envFullURI+"="+agent.URL(), envTokenFile+"="+agentToken)), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	ep := newEndpoint(res.Provider, testToken, slog.New(slog.NewTextHandler(logs, nil)))
	ep.now = clock.Now
	srv := startServer(ln, ep)
	defer func() { _ = srv.shutdown() }()
	client := containerClient(t, nil, envFullURI+"="+srv.url, envToken+"="+testToken)

	first, err := client.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oldToken := readString(t, agentToken)
	newToken, err := agent.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if again, err := client.Retrieve(ctx); err != nil || again != first {
		t.Errorf("before the refresh point: %v, %v; want the cached %v", again, err, first)
	}
	clock.Advance(59*time.Minute + 30*time.Second) // into the last minute: the next request waits for a refresh
	second, err := client.Retrieve(ctx)
	if err != nil {
		t.Fatalf("after the token rotated: %v\nserve's log:\n%s", err, logs.String())
	}
	if want := agentCreds(2, clock.Now().Add(time.Hour).Truncate(time.Second).UTC()); second != want {
		t.Errorf("after the refresh: %v, want %v", second, want)
	}
	reqs := agent.Requests()
	if len(reqs) != 2 || reqs[0].Authorization != "valid" || reqs[1].Authorization != "valid" {
		t.Errorf("the agent's requests: %+v; want two with the token current at the time", reqs)
	}
	noSecrets(t, logs.String(), oldToken, newToken, testToken, agentSecret, agentSession)
}
