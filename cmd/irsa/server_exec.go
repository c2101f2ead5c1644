package main

import (
	"context"
	"log/slog"
	"net"
	"os/exec"

	"github.com/irsa-go/irsa/chain"
)

// execServer is `irsa exec --server`: it runs argv with a container credentials endpoint on
// 127.0.0.1 (a free port, a fresh token) for its lifetime, so that an AWS SDK in the child
// refreshes for as long as it runs. Only failed refreshes are logged, on stderr (which the child
// shares): a successful one is no news to the user of CMD.
func (a *app) execServer(ctx context.Context, sel selection, argv []string) int {
	log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := a.options(sel)
	opts.Cache.OnRefresh = logRefreshes(log)
	res, err := chain.Resolve(ctx, opts)
	if err != nil {
		return a.fail("exec", err)
	}
	defer res.Close()
	// As without --server: no credentials, no child.
	if _, err := res.Provider.Retrieve(ctx); err != nil {
		return a.fail("exec", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return a.fail("exec", err)
	}
	token := newToken()
	// The server outlives ctx (cancelled by SIGINT or SIGTERM, which go to the child): a child
	// that handles them may still need credentials while it winds down.
	srv := startServer(ln, newEndpoint(res.Provider, token, log))
	defer func() { _ = srv.shutdown() }()

	vs := []variable{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.url}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", token}}
	if res.Region != "" {
		vs = append(vs, variable{"AWS_REGION", res.Region}, variable{"AWS_DEFAULT_REGION", res.Region})
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.stdin, a.stdout, a.stderr
	cmd.Env = childEnv(a.environ, vs)
	return a.runChild(cmd)
}
