package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
)

// forwarded are the signals exec passes on to its child. A Ctrl-C at a terminal reaches the
// child directly too (it is in the terminal's foreground process group), so it may see SIGINT
// twice, as under other wrappers that forward signals.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// reresolve are the variables that would make an AWS tool in the child find credentials on its
// own instead of using the ones irsa gives it (most SDKs prefer environment keys, but not all,
// and a stale AWS_SECURITY_TOKEN would be sent with new keys), together with the ones irsa
// sets, so that no stale value survives. s3cmd reads AWS_ACCESS_KEY and AWS_SECRET_KEY before
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
var reresolve = []string{
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_ACCESS_KEY", "AWS_SECRET_KEY",
	"AWS_CREDENTIAL_EXPIRATION",
}

// Exit statuses of exec when the child cannot be started, as shells use them.
const (
	exitCannotRun = 126
	exitNotFound  = 127
)

func (a *app) exec(ctx context.Context, args []string) int {
	var sel selection
	fs := a.flags("exec", "[--server] [--profile P] [--region R] [--no-cache] [--cache-dir D] -- CMD [ARG...]", &sel)
	server := fs.Bool("server", false, "serve the credentials to CMD from a local endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) that refreshes them, instead of giving them in its environment")
	cacheFlags(fs, &sel)
	if code, ok := parse(fs, args, -1); !ok {
		return code
	}
	argv := fs.Args() // after "--", or from the first argument that is not a flag
	if len(argv) == 0 {
		fmt.Fprintln(a.stderr, "irsa exec: no command to run")
		fs.Usage()
		return exitUsage
	}
	if *server {
		return a.execServer(ctx, sel, argv)
	}
	creds, region, err := a.retrieve(ctx, sel)
	if err != nil {
		return a.fail("exec", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.stdin, a.stdout, a.stderr
	cmd.Env = childEnv(a.environ, variables(creds, region))
	return a.runChild(cmd)
}

// childEnv is environ without the variables in reresolve, then vs.
func childEnv(environ []string, vs []variable) []string {
	drop := make(map[string]bool, len(reresolve))
	for _, name := range reresolve {
		drop[name] = true
	}
	for _, v := range vs {
		drop[v.name] = true
	}
	env := make([]string, 0, len(environ)+len(vs))
	for _, kv := range environ {
		if name, _, _ := strings.Cut(kv, "="); !drop[name] {
			env = append(env, kv)
		}
	}
	for _, v := range vs {
		env = append(env, v.name+"="+v.value)
	}
	return env
}

// runChild starts cmd, forwards signals to it until it ends, and returns its exit status:
// its code, or 128+N when signal N killed it.
func (a *app) runChild(cmd *exec.Cmd) int {
	// Catch the signals before the child starts, so that none arriving in between kills irsa
	// and leaves the child running; they are delivered to it once it has started.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(a.stderr, "irsa exec: %v\n", err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return exitNotFound
		}
		return exitCannotRun
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	wg.Wait()
	if cmd.ProcessState == nil { // Wait failed before the child ended; not expected
		fmt.Fprintf(a.stderr, "irsa exec: %v\n", err)
		return exitError
	}
	return exitStatus(cmd.ProcessState)
}

// exitStatus is the status a shell would report for a finished child.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
