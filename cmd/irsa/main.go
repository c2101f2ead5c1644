package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/flagnames"
)

// Exit statuses of irsa itself; exec exits with its child's.
const (
	exitOK    = 0
	exitError = 1 // no credentials, a bad profile, STS refused: the reason is on stderr
	exitUsage = 2 // a mistake on the command line
)

const usage = `usage: irsa <command> [flags]

commands:
  explain             how credentials would be found (no STS call); exit 1 if none
  credential-process  credentials as the AWS CLI's credential_process JSON
  env                 credentials as variables (--format sh|json|dotenv); they do not refresh
  exec -- CMD [ARG…]  run CMD with the credentials in its environment
                      (--server: from a local endpoint that refreshes them)
  serve               a container credentials endpoint for AWS SDKs and the AWS CLI
  doctor              check an IRSA or EKS Pod Identity setup from inside the pod, and how to fix it
                      (--json, --trust-policy FILE); exit 1 if a check failed
  help                this text

flags of every command:
  --profile P   the profile to use, like aws --profile
  --region R    the region, like aws --region

flags of credential-process, env and exec:
  --no-cache     call STS every time, instead of sharing credentials with other
                 irsa processes through files
  --cache-dir D  where those files are (default: $XDG_CACHE_HOME/irsa, else ~/.cache/irsa)
`

func main() {
	// A signal while resolving cancels it; exec forwards signals to its child instead.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ()}
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// app is the command with what it takes from the outside world in fields, so that tests run it
// in-process.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// environ is the process environment, "KEY=value" strings: chain reads it, exec's child
	// inherits what is left of it.
	environ []string
	// now is the clock of chain, its caches and doctor's time checks; nil: the system's. Tests
	// set it.
	now func() time.Time
	// podIdentityAgents are the addresses doctor takes for the EKS Pod Identity agent's; nil
	// means 169.254.170.23 and fd00:ec2::23. Tests name a fake's 127.0.0.1.
	podIdentityAgents []string
}

// run runs the command line args (without the program name) and returns the exit status.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usage)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(a.stdout, usage)
		return exitOK
	case "explain":
		return a.explain(ctx, rest)
	case "credential-process":
		return a.credentialProcess(ctx, rest)
	case "env":
		return a.env(ctx, rest)
	case "exec":
		return a.exec(ctx, rest)
	case "serve":
		return a.serve(ctx, rest)
	case "doctor":
		return a.doctor(ctx, rest)
	default:
		fmt.Fprintf(a.stderr, "irsa: unknown command %q\n%s", cmd, usage)
		return exitUsage
	}
}

// selection is what every command takes: which profile and region; and for those that take
// them, --no-cache and --cache-dir (see cacheFlags).
type selection struct {
	profile, region string
	cache           cacheChoice
}

// flags returns the flag set of a command, with --profile and --region, that prints synopsis
// and the flags on a usage error.
func (a *app) flags(name, synopsis string, sel *selection) *flag.FlagSet {
	fs := flag.NewFlagSet("irsa "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "usage: irsa %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	fs.StringVar(&sel.profile, "profile", "", "the profile to use, like aws --profile (default: AWS_DEFAULT_PROFILE, AWS_PROFILE, then default)")
	fs.StringVar(&sel.region, "region", "", "the region, like aws --region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's)")
	return fs
}

// parse parses args into fs; when it returns ok false, the command exits with code (0 for
// -h, 2 for a mistake; fs has printed the usage). Commands that take no operands say so with
// maxArgs 0.
func parse(fs *flag.FlagSet, args []string, maxArgs int) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if maxArgs >= 0 && fs.NArg() > maxArgs {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return exitUsage, false
	}
	return exitOK, true
}

// getenv looks a variable up in a.environ; the last assignment wins, as in os.Getenv.
func (a *app) getenv(key string) string {
	for i := len(a.environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(a.environ[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func (a *app) options(sel selection) chain.Options {
	return a.withSharedCache(chain.Options{Profile: sel.profile, Region: sel.region, Getenv: a.getenv, Now: a.now}, sel)
}

// retrieve resolves and fetches credentials once, and returns them with the region ("" when
// none is configured).
func (a *app) retrieve(ctx context.Context, sel selection) (credentials.Credentials, string, error) {
	res, err := chain.Resolve(ctx, a.options(sel))
	if err != nil {
		return credentials.Credentials{}, "", err
	}
	defer res.Close()
	creds, err := res.Provider.Retrieve(ctx)
	if err != nil {
		return credentials.Credentials{}, "", err
	}
	return creds, res.Region, nil
}

// fail reports err on stderr and returns exitError. Errors of chain and credentials never hold
// a secret; a profile or region from --profile or --region is named by the flag.
func (a *app) fail(cmd string, err error) int {
	fmt.Fprintf(a.stderr, "irsa %s: %v\n", cmd, flagnames.Error(err))
	return exitError
}

func (a *app) explain(ctx context.Context, args []string) int {
	var sel selection
	if code, ok := parse(a.flags("explain", "[--profile P] [--region R]", &sel), args, 0); !ok {
		return code
	}
	exp, err := chain.Explain(ctx, a.options(sel))
	fmt.Fprintln(a.stdout, strings.TrimRight(flagnames.Explanation(exp).String(), "\n"))
	if err != nil {
		return exitError
	}
	return exitOK
}
