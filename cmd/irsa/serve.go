package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/internal/atomicfile"
	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/redact"
)

const (
	// defaultListen is where irsa serve listens unless told otherwise.
	defaultListen = "127.0.0.1:8901"
	// tokenEnv holds the authorization token when it is given in the environment.
	tokenEnv = "IRSA_SERVE_TOKEN"
	// minTokenLen and maxTokenLen bound a token that is given: long enough that nobody guesses
	// it, short enough for a header.
	minTokenLen = 16
	maxTokenLen = 8 << 10
)

const serveSynopsis = `[--listen 127.0.0.1:PORT] (--write-token-file F | --token-file F) [--profile P] [--region R]

Serves credentials to AWS SDKs and the AWS CLI over the container credentials protocol. Give
clients AWS_CONTAINER_CREDENTIALS_FULL_URI=http://ADDRESS` + credentialsPath + ` and
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=F (or the token in AWS_CONTAINER_AUTHORIZATION_TOKEN).
The token comes from --write-token-file (generated), --token-file or ` + tokenEnv + `.
Health: GET http://ADDRESS` + healthPath + ` (no token needed; 200 while credentials are valid).

flags:`

// serveFlags are irsa serve's own flags.
type serveFlags struct {
	listen, tokenFile, writeTokenFile, logFormat string
	allowNonLoopback                             bool
}

func (a *app) serve(ctx context.Context, args []string) int {
	var sel selection
	var f serveFlags
	fs := a.flags("serve", serveSynopsis, &sel)
	fs.StringVar(&f.listen, "listen", defaultListen, "the address to listen on, HOST:PORT; a loopback address unless --allow-non-loopback (port 0: any free port)")
	fs.BoolVar(&f.allowNonLoopback, "allow-non-loopback", false, "allow --listen on an address that is not loopback (clients still need the token; AWS SDKs accept plain HTTP only from loopback and the ECS/EKS link-local addresses)")
	fs.StringVar(&f.tokenFile, "token-file", "", "read the authorization token from this file (as AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE gives it to clients: no trailing newline)")
	fs.StringVar(&f.writeTokenFile, "write-token-file", "", "generate a random authorization token and write it to this file, mode 0600")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format on stderr: text or json")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(a.stderr, "irsa serve: "+format+"\n", args...)
		fs.Usage()
		return exitUsage
	}
	if err := checkListen(f.listen, f.allowNonLoopback); err != nil {
		return usageErr("%v", err)
	}
	var handler slog.Handler
	switch f.logFormat {
	case "text":
		handler = slog.NewTextHandler(a.stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(a.stderr, nil)
	default:
		return usageErr("unknown --log-format %q: want text or json", f.logFormat)
	}
	log := slog.New(handler)
	envToken := a.getenv(tokenEnv)
	given := 0
	for _, set := range []bool{f.tokenFile != "", f.writeTokenFile != "", envToken != ""} {
		if set {
			given++
		}
	}
	switch {
	case given == 0:
		return usageErr("an authorization token is required: --write-token-file F to generate one, or --token-file F or %s to give one", tokenEnv)
	case given > 1:
		return usageErr("give the authorization token one way: --write-token-file, --token-file or %s", tokenEnv)
	}

	var token string
	var err error
	switch {
	case f.tokenFile != "":
		token, err = readToken(ctx, f.tokenFile)
	case envToken != "":
		if err = checkToken([]byte(envToken)); err != nil {
			err = fmt.Errorf("%s: %w", tokenEnv, err)
		}
		token = envToken
	default:
		token = newToken()
	}
	if err != nil {
		return a.fail("serve", err)
	}

	opts := a.options(sel)
	opts.Cache.OnRefresh = logRefreshes(log)
	res, err := chain.Resolve(ctx, opts)
	if err != nil {
		return a.fail("serve", err)
	}
	defer res.Close()
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return a.fail("serve", err)
	}
	if f.writeTokenFile != "" {
		if err := writeTokenFile(f.writeTokenFile, token); err != nil {
			ln.Close()
			return a.fail("serve", err)
		}
		defer removeTokenFile(f.writeTokenFile, token)
	}
	e := newEndpoint(res.Provider, token, log)
	srv := startServer(ln, e)
	startAttrs := []any{"url", srv.url, "health", "http://" + ln.Addr().String() + healthPath, "region", res.Region}
	if f.writeTokenFile != "" {
		startAttrs = append(startAttrs, "token_file", f.writeTokenFile)
	}
	log.Info("irsa serve: listening", startAttrs...)

	// Fetch the first credentials now, so that the first client does not wait for STS; a
	// failure is logged by the hook and retried (by the keeper, and by each request).
	pctx, cancel := context.WithTimeout(ctx, retrieveTimeout)
	_, _ = res.Provider.Retrieve(pctx)
	cancel()

	select {
	case <-ctx.Done():
		log.Info("irsa serve: stopping", "reason", context.Cause(ctx).Error())
	case <-srv.done():
	}
	if err := srv.shutdown(); err != nil {
		log.Error("irsa serve: stopped", "error", err.Error())
		return exitError
	}
	log.Info("irsa serve: stopped")
	return exitOK
}

// checkListen refuses an address that is not HOST:PORT, and a host that is not loopback unless
// allowed.
func checkListen(addr string, allowNonLoopback bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q is not HOST:PORT (like %s): %v", clipFlag(addr), defaultListen, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--listen %q: the port %q is not a number from 0 to 65535", clipFlag(addr), clipFlag(port))
	}
	if allowNonLoopback || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		what := "all addresses"
		if host != "" {
			what = fmt.Sprintf("%q, which is not a loopback address", clipFlag(host))
		}
		return fmt.Errorf("--listen %q would listen on %s: irsa serve listens on loopback only (127.0.0.1, ::1, localhost), so that only this host (or pod) can ask it for credentials; pass --allow-non-loopback to listen there anyway", clipFlag(addr), what)
	}
	return nil
}

func clipFlag(s string) string { return redact.Clip(s, 200) }

// readToken reads a token file given with --token-file.
func readToken(ctx context.Context, path string) (string, error) {
	b, err := readfile.Reader{Limit: maxTokenLen}.Read(ctx, path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	if err := checkToken(b); err != nil {
		return "", fmt.Errorf("--token-file %q: %w", path, err)
	}
	return string(b), nil
}

// checkToken refuses a token that clients could not send or that is easy to guess. The error
// never repeats any of it.
func checkToken(b []byte) error {
	switch {
	case len(b) == 0:
		return errors.New("the authorization token is empty")
	case len(b) > maxTokenLen:
		return fmt.Errorf("the authorization token is longer than %d bytes", maxTokenLen)
	case bytes.ContainsAny(b, "\r\n"):
		return errors.New("the authorization token holds a line break (a trailing newline?): AWS SDKs send the file's content as it is and a header cannot hold one; write it without, as printf '%s' does")
	}
	for i, c := range b {
		if c < 0x21 || c > 0x7e {
			return fmt.Errorf("the authorization token holds a space, a control character or a non-ASCII byte (at byte %d): use printable ASCII only", i+1)
		}
	}
	if len(b) < minTokenLen {
		return fmt.Errorf("the authorization token is %d characters long: use at least %d random ones (or --write-token-file to generate it)", len(b), minTokenLen)
	}
	return nil
}

// writeTokenFile writes token to path, mode 0600, atomically: a new file in the same directory,
// renamed over path, so that a client never reads half a token and a symlink planted at path is
// replaced, not followed. No newline follows the token (clients send the content as it is).
func writeTokenFile(path, token string) error {
	if err := atomicfile.Write(path, "."+filepath.Base(path)+".*", []byte(token), nil); err != nil {
		return fmt.Errorf("--write-token-file %q: %w", path, readfile.WithoutPath(err))
	}
	return nil
}

// removeTokenFile removes the token file at shutdown if it still holds token (the token is
// worthless once the server stops; another server may have written its own since).
func removeTokenFile(path, token string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := readfile.Reader{Limit: maxTokenLen}.Read(ctx, path)
	if err == nil && string(b) == token {
		_ = os.Remove(path)
	}
}
