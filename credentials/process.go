package credentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/shlex"
)

// ProcessOptions configures NewProcess.
type ProcessOptions struct {
	// Command is the command line of a credential_process setting, such as
	// "aws-vault export --format=json dev". Required. It is split into words as botocore splits
	// it (Python's shlex.split: quotes and backslashes as in a POSIX shell; on Windows the C
	// runtime's rules) and run without a shell, so variables, globs, pipes and redirections are
	// not interpreted. A first word without a path separator is looked up in PATH.
	Command string
	// Setting says where Command was configured, shown in errors after "credential_process",
	// such as "profile dev, ~/.aws/config line 3". Optional.
	Setting string
	// Timeout bounds each run of the command: when it passes, or when Retrieve's context ends
	// first, the process is killed. Optional; default 1 minute, as aws-sdk-go-v2's processcreds.
	Timeout time.Duration
	// Stderr receives the command's standard error, where helpers write prompts and diagnostics.
	// Optional; default os.Stderr.
	Stderr io.Writer
}

const (
	defaultProcessTimeout = time.Minute
	// maxProcessOutput caps what the command may print on standard output: credentials take a
	// few kilobytes.
	maxProcessOutput = 1 << 20
	// defaultProcessWaitDelay is how long the output pipe may stay open after the process has
	// exited or been killed (held by a child it left behind) before it is closed.
	defaultProcessWaitDelay = 2 * time.Second
)

// process is the Provider of NewProcess. Its state is kept where fmt never prints it (see
// hidden): the command's arguments may hold a secret.
type process struct{ s hidden[*processState] }

func (p *process) state() *processState { return p.s.get() }

// Retrieve runs the command and parses what it prints.
func (p *process) Retrieve(ctx context.Context) (Credentials, error) {
	return p.state().Retrieve(ctx)
}

// String describes the provider (see processState.String).
func (p *process) String() string { return p.state().String() }

// Format prints String for every verb.
func (p *process) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }

// processState is what a process provider knows.
type processState struct {
	args      []string
	opts      ProcessOptions // Timeout and Stderr set
	waitDelay time.Duration
}

// NewProcess returns a Provider that runs the command of a credential_process setting on every
// Retrieve, as botocore 1.43 and the AWS CLI do, and returns the credentials it prints on
// standard output: a JSON object with "Version": 1, "AccessKeyId", "SecretAccessKey" and
// optionally "SessionToken", "Expiration" (RFC 3339; without it the credentials never expire,
// and a Cache never runs the command again) and "AccountId". It does no caching: wrap it in a
// Cache.
//
// The command's standard input is the program's, so that a helper can prompt for an MFA code;
// its standard error goes to ProcessOptions.Stderr. Its standard output holds secrets: more than
// 1 MiB of it is refused, and no error ever shows any of it. Errors name the program and
// ProcessOptions.Setting. A program that cannot be found or run, and output that is not valid
// credentials, are non-recoverable errors (see IsNonRecoverable); a non-zero exit status or a
// timeout is recoverable. errors.Is and errors.As reach the cause: exec.ErrNotFound,
// *exec.ExitError, context.Canceled, context.DeadlineExceeded (the timeout included).
//
// NewProcess only checks that Command splits into at least one word; it runs nothing.
func NewProcess(opts ProcessOptions) (Provider, error) {
	p := &processState{opts: opts, waitDelay: defaultProcessWaitDelay}
	if p.opts.Timeout <= 0 {
		p.opts.Timeout = defaultProcessTimeout
	}
	if p.opts.Stderr == nil {
		p.opts.Stderr = os.Stderr
	}
	args, err := shlex.SplitCommand(opts.Command)
	switch {
	case err != nil:
		return nil, p.fail(true, nil, "the command has an unclosed quote or ends with a backslash")
	case len(args) == 0:
		return nil, p.fail(true, nil, "the command is empty")
	}
	p.args = args
	return &process{hide(p)}, nil
}

// Retrieve runs the command and parses what it prints.
func (p *processState) Retrieve(ctx context.Context) (Credentials, error) {
	out, err := p.run(ctx)
	if err != nil {
		return Credentials{}, err
	}
	c, err := parseProcessOutput(out)
	if err != nil {
		return Credentials{}, p.fail(true, nil, p.program()+" printed "+err.Error()+" (the output is not shown: it holds secrets)")
	}
	return c, nil
}

// errProcessTimeout is the cause of the context of a run that took longer than the Timeout.
var errProcessTimeout = errors.New("credential_process timed out")

func (p *processState) run(ctx context.Context) ([]byte, error) {
	runCtx, cancel := context.WithTimeoutCause(ctx, p.opts.Timeout, errProcessTimeout)
	defer cancel()
	stdout := &cappedBuffer{max: maxProcessOutput, full: cancel}
	cmd := exec.CommandContext(runCtx, p.args[0], p.args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, p.opts.Stderr
	cmd.WaitDelay = p.waitDelay
	// The process keeps the program's process group (no Setpgid), so that a helper can prompt on
	// the terminal: in a group of its own it would be stopped (SIGTTIN) when it read from it. A
	// timeout therefore kills the process, not children it may have started.
	if err := cmd.Start(); err != nil {
		if ctx.Err() != nil {
			return nil, p.fail(false, ctx.Err(), fmt.Sprintf("%s was not started: %v", p.program(), ctx.Err()))
		}
		return nil, p.startError(err)
	}
	err := cmd.Wait()
	switch {
	case stdout.overflow:
		return nil, p.fail(true, nil, fmt.Sprintf("%s printed more than %d bytes on standard output, far more than credentials take, and was killed (the output is not shown: it holds secrets)", p.program(), maxProcessOutput))
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		// ErrWaitDelay: it exited with status 0 but left a child holding its output open.
		return stdout.buf, nil
	case ctx.Err() != nil:
		return nil, p.fail(false, ctx.Err(), fmt.Sprintf("%s was killed because the context ended before it finished: %v", p.program(), ctx.Err()))
	case context.Cause(runCtx) == errProcessTimeout:
		return nil, p.fail(false, context.DeadlineExceeded, fmt.Sprintf("%s did not finish within %v and was killed", p.program(), p.opts.Timeout))
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil, p.fail(false, err, fmt.Sprintf("%s failed (%s); its standard error says why", p.program(), exit.ProcessState))
	}
	return nil, p.fail(false, err, fmt.Sprintf("%s: %v", p.program(), err))
}

// startError describes a command that could not be started; one that is missing or not
// executable is non-recoverable.
func (p *processState) startError(err error) error {
	why := err.Error()
	fatal := true
	switch {
	case errors.Is(err, exec.ErrNotFound):
		why = "no such program in PATH"
	case errors.Is(err, exec.ErrDot):
		why = "it was found only in the current directory, through a relative PATH entry, which Go does not run; write its path"
	case errors.Is(err, fs.ErrNotExist):
		why = "no such file"
	case errors.Is(err, fs.ErrPermission):
		why = "permission denied (is it executable?)"
	case errors.Is(err, syscall.ENOEXEC):
		why = "the system cannot run it (a script needs a #! line)"
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			why = pe.Err.Error()
		}
		fatal = false // perhaps a passing shortage: too many processes, say
	}
	return p.fail(fatal, err, fmt.Sprintf("cannot run %s: %s", p.program(), why))
}

// program is the command's first word as errors show it.
func (p *processState) program() string {
	if len(p.args) == 0 {
		return "the command"
	}
	return fmt.Sprintf("%q", redact.Clip(p.args[0], 200))
}

func (p *processState) fail(nonRecoverable bool, cause error, msg string) error {
	return &processError{setting: p.opts.Setting, msg: msg, err: cause, nonRecoverable: nonRecoverable}
}

// String describes the provider by its program and setting.
func (p *processState) String() string {
	s := "credentials.Process{Program: " + p.program()
	if p.opts.Setting != "" {
		s += ", Setting: " + redact.Clip(p.opts.Setting, 300)
	}
	return s + "}"
}

// Format prints String for every verb, as the provider does.
func (p *processState) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }

// processError is the error of a credential_process run. Its text is made only of the setting,
// the program's name and this package's words; never of the command's output.
type processError struct {
	setting        string
	msg            string
	err            error // for errors.Is and errors.As; its text is not repeated
	nonRecoverable bool
}

func (e *processError) Error() string { return errPrefix + e.text() }

func (e *processError) text() string {
	s := "credential_process"
	if e.setting != "" {
		s += " (" + redact.Clip(e.setting, 300) + ")"
	}
	return s + ": " + e.msg
}

func (e *processError) Unwrap() error        { return e.err }
func (e *processError) NonRecoverable() bool { return e.nonRecoverable }

// cappedBuffer keeps up to max bytes; past that it records the overflow, calls full (which
// kills the process) and fails the write, which closes the pipe.
type cappedBuffer struct {
	buf      []byte
	max      int
	overflow bool
	full     func()
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if len(b.buf)+len(p) > b.max {
		b.overflow = true
		b.full()
		return 0, errOutputCap
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

var errOutputCap = errors.New("output cap reached")
