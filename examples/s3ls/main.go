package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/tlsroots"
)

// Exit statuses. A prefix that matches nothing exits 1, as with aws s3 ls; a failure also exits
// 1 (aws s3 ls exits 255) and says why on stderr, which an empty listing leaves empty.
const (
	exitOK    = 0
	exitEmpty = 1 // a prefix was given and nothing matched it (aws s3 ls exits 1 too)
	exitError = 1 // the command failed: credentials, S3, the network (aws s3 ls exits 255)
	exitUsage = 2 // a mistake on the command line
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		terminal: isTerminal(os.Stdout),
		getenv:   os.Getenv,
		resolve:  resolveWithChain,
	}
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// app is the command with everything it touches from the outside world in fields, so tests run
// it in-process.
type app struct {
	stdout, stderr io.Writer
	// terminal says stdout is a terminal: names in listings are then shown escaped
	// (terminalName), so a hostile key cannot drive the terminal. False (a pipe, a file) prints
	// them byte for byte, as aws s3 ls does.
	terminal bool
	getenv   func(string) string
	// loc is the time zone dates are printed in. Optional; default time.Local (as aws s3 ls).
	loc *time.Location
	// s3HTTP sends S3 requests. Optional; default a client that honours proxy settings, trusts
	// the CA bundle the session names (AWS_CA_BUNDLE, ca_bundle) and does not follow redirects.
	s3HTTP *http.Client
	// stsHTTP is handed to the credential chain for STS. Optional; default the library's.
	stsHTTP *http.Client
	// now is the clock for signing and the Cache. Optional; default time.Now.
	now func() time.Time
	// s3Sleep waits between retries of an S3 request. Optional; default a timer.
	s3Sleep func(ctx context.Context, d time.Duration) error
	// after waits between --watch listings. Optional; default time.After.
	after func(d time.Duration) <-chan time.Time
	// resolve resolves credentials. Required.
	resolve resolveFunc
	// logRefreshes logs every credential refresh, as --watch and --debug do (the demo sets it).
	logRefreshes bool
}

// run runs the command and returns its exit status.
func (a *app) run(ctx context.Context, args []string) int {
	// The Cache's refresh hook logs from its own goroutine; stdout and stderr may be one
	// writer (the demo, tests), so they share a lock then.
	if a.stdout == a.stderr {
		a.stdout = &lockedWriter{w: a.stdout}
		a.stderr = a.stdout
	} else {
		a.stdout, a.stderr = &lockedWriter{w: a.stdout}, &lockedWriter{w: a.stderr}
	}
	opts, err := parseArgs(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(a.stdout, usageText)
		return exitOK
	case err != nil:
		fmt.Fprintf(a.stderr, "s3ls: %v\nRun 's3ls -h' for usage.\n", err)
		return exitUsage
	}
	if opts.Version {
		fmt.Fprintln(a.stdout, versionString())
		return exitOK
	}
	if opts.Demo {
		return a.demo(ctx, opts)
	}
	return a.listWithSession(ctx, opts, sessionOptions{Getenv: a.getenv})
}

// listWithSession resolves credentials and lists, once or every --watch interval. base holds
// where the environment and shared files are read from; the flags fill in the rest.
func (a *app) listWithSession(ctx context.Context, opts *options, base sessionOptions) int {
	sess, client, err := a.openSession(ctx, opts, base)
	if err != nil {
		a.errorf(err)
		return exitError
	}
	defer sess.close()
	if opts.Explain {
		a.explain(sess, client)
	}
	if opts.Watch > 0 {
		return a.watch(ctx, opts, client)
	}
	return a.list(ctx, opts, client)
}

// openSession resolves credentials and builds the S3 client that signs with them. Close the
// session when done.
func (a *app) openSession(ctx context.Context, opts *options, base sessionOptions) (*session, *s3Client, error) {
	now := a.now
	if now == nil {
		now = time.Now
	}
	var onRefresh func(credentials.RefreshEvent)
	if opts.Watch > 0 || opts.Debug || a.logRefreshes {
		onRefresh = func(ev credentials.RefreshEvent) { a.logf("%s", describeRefresh(ev, now())) }
	}
	so := base
	// so.Now stays nil unless a test injected a clock, so the caches keep their clock-free fresh path.
	so.Profile, so.Region, so.HTTPClient, so.OnRefresh, so.Now = opts.Profile, opts.Region, a.stsHTTP, onRefresh, a.now
	sess, err := a.resolve(ctx, so)
	if err != nil {
		return nil, nil, err
	}
	client, err := a.newClient(opts, sess, base.Getenv)
	if err != nil {
		sess.close()
		return nil, nil, err
	}
	return sess, client, nil
}

// newClient builds the S3 client for the session.
func (a *app) newClient(opts *options, sess *session, getenv func(string) string) (*s3Client, error) {
	region := sess.Region
	if region == "" {
		// As the AWS CLI: S3 without a configured region is us-east-1's global endpoint.
		region = "us-east-1"
	}
	ep, err := resolveS3Endpoint(endpointInputs{
		Region:        region,
		FlagURL:       opts.EndpointURL,
		Getenv:        getenv,
		ConfigURL:     sess.S3EndpointURL,
		ConfigSource:  sess.S3EndpointSource,
		ChainResolved: sess.S3EndpointFromChain,
	})
	if err != nil {
		return nil, err
	}
	if region == "aws-global" {
		region = "us-east-1"
	}
	httpClient := a.s3HTTP
	if httpClient == nil {
		httpClient = defaultHTTPClient(sess.RootCAs)
	}
	c := &s3Client{
		Endpoint:    ep,
		Region:      region,
		PathStyle:   opts.PathStyle,
		Credentials: sess.Credentials,
		Invalidate:  sess.Invalidate,
		HTTP:        httpClient,
		Now:         a.now,
		Sleep:       a.s3Sleep,
		UserAgent:   "irsa-s3ls/" + version(),
	}
	if opts.Debug {
		c.Debug = a.logf
	}
	if !ep.Custom {
		c.RegionEndpoint = func(region string) (s3Endpoint, error) {
			return resolveS3Endpoint(endpointInputs{Region: region, Getenv: getenv})
		}
	}
	return c, nil
}

// defaultHTTPClient honours HTTPS_PROXY/NO_PROXY, trusts roots (the CA bundle; nil: the system's
// roots) and never follows redirects: S3's redirects name another region, which needs a new
// signature, not the same request resent.
func defaultHTTPClient(roots *x509.CertPool) *http.Client {
	return &http.Client{
		Transport: tlsroots.Transport(roots),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// list lists once. It returns exitEmpty when a prefix was given and nothing matched it (as
// aws s3 ls does), exitError when listing failed.
func (a *app) list(ctx context.Context, opts *options, c *s3Client) int {
	out := newListing(a.stdout, a.loc, opts.HumanReadable, opts.Recursive)
	out.forTerminal = a.terminal
	var err error
	if opts.Bucket == "" {
		err = c.listBuckets(ctx, opts.PageSize, func(p *bucketPage) error {
			for _, b := range p.Buckets {
				out.bucket(b)
			}
			return out.flush()
		})
	} else {
		delimiter := "/"
		if opts.Recursive {
			delimiter = ""
		}
		err = c.listObjects(ctx, opts.Bucket, opts.Prefix, delimiter, opts.PageSize, out.page)
	}
	if err != nil {
		_ = out.flush()
		a.errorf(err)
		return exitError
	}
	if opts.Summarize {
		if err := out.summary(); err != nil {
			a.errorf(err)
			return exitError
		}
	}
	if opts.Prefix != "" && out.firstEmpty {
		return exitEmpty
	}
	return exitOK
}

// explain prints the chain's explanation and the endpoints to stderr, so that stdout stays
// exactly what aws s3 ls prints.
func (a *app) explain(sess *session, c *s3Client) {
	var b strings.Builder
	b.WriteString(strings.TrimRight(sess.Explanation, "\n"))
	b.WriteString("\n")
	if sess.STSEndpoint != "" && !strings.Contains(sess.Explanation, sess.STSEndpoint) {
		fmt.Fprintf(&b, "STS endpoint in use: %s\n", sess.STSEndpoint)
	}
	style := "virtual-hosted (https://BUCKET.HOST/) where the bucket name allows it"
	if c.PathStyle || c.Endpoint.Custom {
		style = "path-style (HOST/BUCKET)"
	}
	fmt.Fprintf(&b, "S3 endpoint:  %s (from %s), signing region %s, %s\n", c.Endpoint.Base, c.Endpoint.Source, c.Region, style)
	fmt.Fprint(a.stderr, b.String())
}

func (a *app) errorf(err error) {
	fmt.Fprintf(a.stderr, "s3ls: %v\n", err)
}

// logf writes one diagnostic line to stderr.
func (a *app) logf(format string, args ...any) {
	now := time.Now
	if a.now != nil {
		now = a.now
	}
	fmt.Fprintf(a.stderr, "s3ls: %s %s\n", now().In(a.location()).Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (a *app) location() *time.Location {
	if a.loc != nil {
		return a.loc
	}
	return time.Local
}

// lockedWriter serializes writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
