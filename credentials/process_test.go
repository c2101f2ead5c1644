package credentials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// Secrets the helper scripts print; no error or printed value may contain any of them.
const (
	procKeyID  = "ASIAPROCESSTEST00001"
	procSecret = "procSECRETwJalrXUtnFEMIK7MDENGbPxRfiCY"
	procToken  = "procTOKENIQoJb3JpZ2luX2VjEJv//////////wEaCXVz"
)

var procJSON = `{"Version": 1, "AccessKeyId": "` + procKeyID + `", "SecretAccessKey": "` + procSecret + `", "SessionToken": "` + procToken + `"`

// helperScript writes a /bin/sh script that runs body and returns a command line that runs it.
func helperScript(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the helper scripts are /bin/sh scripts")
	}
	p := filepath.Join(t.TempDir(), "helper")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return quoteForShell(p)
}

func quoteForShell(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// printing writes a script that prints out (a printf format without %) and exits with status 0.
func printing(t *testing.T, out string) string {
	t.Helper()
	return helperScript(t, "printf '%s' "+quoteForShell(out))
}

// checkNoSecret fails when err, printed any way, holds a secret.
func checkNoSecret(t *testing.T, err error) {
	t.Helper()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		s := fmt.Sprintf(verb, err)
		for _, secret := range []string{procSecret, procToken, procSecret[:12], procToken[:12], "wJalr", "IQoJb3"} {
			if strings.Contains(s, secret) {
				t.Fatalf("error printed with %s holds a secret (%q): %s", verb, secret, s)
			}
		}
	}
}

func newProcessT(t *testing.T, opts ProcessOptions) *processState {
	t.Helper()
	if opts.Setting == "" {
		opts.Setting = "profile dev, ~/.aws/config line 3"
	}
	if opts.Stderr == nil {
		opts.Stderr = &bytes.Buffer{}
	}
	p, err := NewProcess(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p.(*process).state()
}

func TestProcessReturnsTheCredentialsItPrints(t *testing.T) {
	leakcheck.Check(t)
	tests := []struct {
		name, out  string
		expires    time.Time
		token, acc string
	}{
		{"every field", procJSON + `, "Expiration": "2031-02-03T04:05:06Z", "AccountId": "123456789012"}`,
			time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC), procToken, "123456789012"},
		{"without Expiration the credentials never expire", procJSON + `}`, time.Time{}, procToken, ""},
		{"a null Expiration is no expiration", procJSON + `, "Expiration": null}`, time.Time{}, procToken, ""},
		{"an Expiration with fractional seconds and an offset", procJSON + `, "Expiration": "2031-02-03T06:05:06.5+02:00"}`,
			time.Date(2031, 2, 3, 4, 5, 6, 5e8, time.UTC), procToken, ""},
		{"without SessionToken", `{"Version": 1, "AccessKeyId": "AKIAPROCESSTEST00001", "SecretAccessKey": "` + procSecret + `"}`, time.Time{}, "", ""},
		{"Version 1.0 is 1, as in Python", `{"Version": 1.0, "AccessKeyId": "AKIAPROCESSTEST00001", "SecretAccessKey": "s"}`, time.Time{}, "", ""},
		{"white space around the object and unknown keys are fine", "\n\t " + procJSON + `, "Other": [1, {"x": null}]}` + "\r\n\n", time.Time{}, procToken, ""},
		{"a duplicate key takes its last value, as in Python", procJSON + `, "AccountId": "111111111111", "AccountId": "222222222222"}`, time.Time{}, procToken, "222222222222"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProcessT(t, ProcessOptions{Command: printing(t, tt.out)})
			c, err := p.Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !c.HasKeys() || c.SecretAccessKey == "" || c.SessionToken != tt.token || c.Source != sourceProcess ||
				!c.Expires.Equal(tt.expires) || c.AccountID != tt.acc {
				t.Errorf("got %v (token %t, account %q), want expiry %v, account %q", c, c.SessionToken != "", c.AccountID, tt.expires, tt.acc)
			}
		})
	}
}

func TestProcessSplitsTheCommandAsBotocoreDoesWithoutAShell(t *testing.T) {
	leakcheck.Check(t)
	// The script writes its arguments, each followed by "|", to the file args beside it.
	script := helperScript(t, `printf '%s|' "$@" > "$(dirname "$0")/args"; printf '{"Version":1,"AccessKeyId":"AKIAPROCESSTEST00001","SecretAccessKey":"s"}'`)
	p := newProcessT(t, ProcessOptions{Command: script + ` 'a b' "c\"d" e\ f $HOME *.go ; "" x>y 'g\h'`})
	if _, err := p.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	args, err := os.ReadFile(filepath.Join(filepath.Dir(strings.Trim(script, "'")), "args"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `a b|c"d|e f|$HOME|*.go|;||x>y|g\h|`; string(args) != want {
		t.Errorf("arguments %q, want %q", args, want)
	}
}

func TestProcessPassesStandardErrorThrough(t *testing.T) {
	leakcheck.Check(t)
	var stderr bytes.Buffer
	p := newProcessT(t, ProcessOptions{Command: helperScript(t, "echo 'Enter MFA code:' >&2; printf '%s}' '"+procJSON+"'"), Stderr: &stderr})
	if _, err := p.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if stderr.String() != "Enter MFA code:\n" {
		t.Errorf("stderr %q", stderr.String())
	}
}

// Deliberate difference from botocore: botocore puts the command's standard error in its
// exception's message; here it goes to ProcessOptions.Stderr as the command writes it, and the
// error says where to look. Standard error is the helper's to write, and it may echo secrets.
func TestProcessExitingNonZeroIsARecoverableErrorWithoutItsOutput(t *testing.T) {
	leakcheck.Check(t)
	var stderr bytes.Buffer
	script := helperScript(t, "printf '%s}' '"+procJSON+"'; echo 'session expired: run aws sso login' >&2; exit 3")
	p := newProcessT(t, ProcessOptions{Command: script, Stderr: &stderr})
	_, err := p.Retrieve(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	want := `credentials: credential_process (profile dev, ~/.aws/config line 3): "` + strings.Trim(script, "'") + `" failed (exit status 3); its standard error says why`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	checkNoSecret(t, err)
	if strings.Contains(err.Error(), "session expired") || stderr.String() != "session expired: run aws sso login\n" {
		t.Errorf("stderr %q went to the error %q", stderr.String(), err)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Errorf("errors.As finds no *exec.ExitError with status 3 in %v", err)
	}
	if IsNonRecoverable(err) {
		t.Error("a non-zero exit is marked non-recoverable")
	}
}

func TestProcessThatCannotBeRunIsANonRecoverableError(t *testing.T) {
	leakcheck.Check(t)
	if runtime.GOOS == "windows" {
		t.Skip("unix file modes")
	}
	dir := t.TempDir()
	notExec := filepath.Join(dir, "not-executable")
	noShebang := filepath.Join(dir, "no-shebang")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\necho hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(noShebang, []byte("\x7fELF-not-really\x00\x01"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, command, want string
		is                  error
	}{
		{"a program not in PATH", "irsa-no-such-credential-helper --profile dev", `cannot run "irsa-no-such-credential-helper": no such program in PATH`, exec.ErrNotFound},
		{"a path that does not exist", "/nonexistent/irsa/helper", `cannot run "/nonexistent/irsa/helper": no such file`, os.ErrNotExist},
		{"a file that is not executable", quoteForShell(notExec), `cannot run "` + notExec + `": permission denied (is it executable?)`, os.ErrPermission},
		{"a file the system cannot run", quoteForShell(noShebang), `cannot run "` + noShebang + `": the system cannot run it (a script needs a #! line)`, nil},
		{"a directory", quoteForShell(dir), `cannot run "` + dir + `": permission denied (is it executable?)`, os.ErrPermission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProcessT(t, ProcessOptions{Command: tt.command})
			_, err := p.Retrieve(context.Background())
			want := "credentials: credential_process (profile dev, ~/.aws/config line 3): " + tt.want
			if err == nil || err.Error() != want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, want)
			}
			if !IsNonRecoverable(err) {
				t.Error("not marked non-recoverable")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(err, %v) is false", tt.is)
			}
		})
	}
}

func TestNewProcessRefusesACommandItCannotSplit(t *testing.T) {
	tests := []struct{ name, command, want string }{
		{"empty", "", "the command is empty"},
		{"only white space", " \t\n", "the command is empty"},
		{"an unclosed quote", `helper --name "my app`, "the command has an unclosed quote or ends with a backslash"},
		{"a trailing backslash", `helper \`, "the command has an unclosed quote or ends with a backslash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewProcess(ProcessOptions{Command: tt.command, Setting: "profile p, config line 2"})
			want := "credentials: credential_process (profile p, config line 2): " + tt.want
			if p != nil || err == nil || err.Error() != want {
				t.Fatalf("got %v, %v; want the error %s", p, err, want)
			}
			if !IsNonRecoverable(err) {
				t.Error("not marked non-recoverable")
			}
		})
	}
	if _, err := NewProcess(ProcessOptions{}); err == nil || err.Error() != "credentials: credential_process: the command is empty" {
		t.Errorf("without a Setting: %v", err)
	}
}

// TestProcessOutputThatIsNotCredentials runs each bad output through a real process: the error
// names the profile and says what is wrong, never shows the output, and is non-recoverable.
func TestProcessOutputThatIsNotCredentials(t *testing.T) {
	leakcheck.Check(t)
	keys := `"AccessKeyId": "` + procKeyID + `", "SecretAccessKey": "` + procSecret + `"`
	tests := []struct{ name, out, want string }{
		{"nothing", "", `nothing on standard output, where it must print a JSON object with "Version": 1 and the credentials`},
		{"only white space", " \n\t\r\n", `nothing on standard output`},
		{"plain text with the keys", procKeyID + " " + procSecret + "\n", "output that is not valid JSON (the error is at byte 1)"},
		{"shell-style assignments", "export AWS_SECRET_ACCESS_KEY=" + procSecret + "\n", "output that is not valid JSON (the error is at byte 1)"},
		{"an HTML page", "<html>" + procSecret + "</html>", "output that is not valid JSON (the error is at byte 1)"},
		{"an array", `[` + procJSON + `}]`, "JSON that is an array, not an object"},
		{"a string", `"` + procSecret + `"`, "JSON that is a string, not an object"},
		{"a number", `1`, "JSON that is a number, not an object"},
		{"null", `null`, "JSON that is null, not an object"},
		{"truncated", procJSON + `, "Expir`, "JSON that ends before it is complete"},
		{"a trailing comma", procJSON + `,}`, "output that is not valid JSON (the error is at byte"},
		{"garbage after the object", procJSON + `} ` + procSecret, "more after the JSON object (from byte 179); it must print one object only"},
		{"two objects", procJSON + `}` + "\n" + procJSON + `}`, "more after the JSON object (from byte 179); it must print one object only"},
		{"a byte order mark", "\ufeff" + procJSON + `}`, "output that is not valid JSON (the error is at byte 1)"},
		{"not UTF-8", procJSON + `, "AccountId": "` + "\xff\xfe" + `"}`, "output that is not valid UTF-8"},
		{"no Version", `{` + keys + `}`, `JSON without "Version", which must be 1`},
		{"Version 2", `{"Version": 2, ` + keys + `}`, `JSON whose "Version" is a number other than 1; the only version is the number 1`},
		{"Version as a string", `{"Version": "1", ` + keys + `}`, `JSON whose "Version" is a string; the only version is the number 1`},
		{"Version null", `{"Version": null, ` + keys + `}`, `JSON whose "Version" is null; the only version is the number 1`},
		{"Version huge", `{"Version": 1e999, ` + keys + `}`, `JSON whose "Version" is a number other than 1`},
		// Deliberate difference from botocore: Python's True == 1, so botocore takes
		// "Version": true for version 1.
		{"Version true", `{"Version": true, ` + keys + `}`, `JSON whose "Version" is true or false; the only version is the number 1`},
		{"no AccessKeyId", `{"Version": 1, "SecretAccessKey": "` + procSecret + `"}`, `JSON without "AccessKeyId"`},
		{"no SecretAccessKey", `{"Version": 1, "AccessKeyId": "` + procKeyID + `", "SessionToken": "` + procToken + `"}`, `JSON without "SecretAccessKey"`},
		{"keys in another case", `{"Version": 1, "accesskeyid": "` + procKeyID + `", "secretaccesskey": "` + procSecret + `"}`, `JSON without "AccessKeyId"`},
		// Deliberate difference from botocore: botocore takes a null or empty key (and a
		// secret with a line break) as it is, and fails later, when it signs a request.
		{"a null AccessKeyId", `{"Version": 1, "AccessKeyId": null, "SecretAccessKey": "` + procSecret + `"}`, `JSON without "AccessKeyId"`},
		{"an empty AccessKeyId", `{"Version": 1, "AccessKeyId": "", "SecretAccessKey": "` + procSecret + `"}`, `JSON whose "AccessKeyId" is empty`},
		{"an empty SecretAccessKey", `{"Version": 1, "AccessKeyId": "` + procKeyID + `", "SecretAccessKey": ""}`, `JSON whose "SecretAccessKey" is empty`},
		{"a numeric AccessKeyId", `{"Version": 1, "AccessKeyId": 12345, "SecretAccessKey": "` + procSecret + `"}`, `JSON whose "AccessKeyId" is a number, not a string`},
		{"a SecretAccessKey object", `{"Version": 1, "AccessKeyId": "` + procKeyID + `", "SecretAccessKey": {"v": "` + procSecret + `"}}`, `JSON whose "SecretAccessKey" is an object, not a string`},
		{"a SessionToken array", procJSON[:strings.Index(procJSON, `, "SessionToken"`)] + `, "SessionToken": ["` + procToken + `"]}`, `JSON whose "SessionToken" is an array, not a string`},
		{"a line break in the secret", `{"Version": 1, "AccessKeyId": "` + procKeyID + `", "SecretAccessKey": "` + procSecret + `\r\nX-Injected: 1"}`, `JSON whose "SecretAccessKey" has a control character (a line break, say) in it`},
		{"an Expiration in another format", procJSON + `, "Expiration": "2031-02-03 04:05:06"}`, `JSON whose "Expiration" is not an RFC 3339 time such as 2026-11-24T15:04:05Z`},
		{"an empty Expiration", procJSON + `, "Expiration": ""}`, `JSON whose "Expiration" is not an RFC 3339 time`},
		{"an Expiration in Unix seconds", procJSON + `, "Expiration": 1924927506}`, `JSON whose "Expiration" is a number, not a string`},
		{"an AccountId number", procJSON + `, "AccountId": 123456789012}`, `JSON whose "AccountId" is a number, not a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := printing(t, tt.out)
			p := newProcessT(t, ProcessOptions{Command: script})
			_, err := p.Retrieve(context.Background())
			prefix := `credentials: credential_process (profile dev, ~/.aws/config line 3): "` + strings.Trim(script, "'") + `" printed `
			if err == nil || !strings.HasPrefix(err.Error(), prefix+tt.want) || !strings.HasSuffix(err.Error(), " (the output is not shown: it holds secrets)") {
				t.Fatalf("error:\n%v\nwant:\n%s%s...", err, prefix, tt.want)
			}
			checkNoSecret(t, err)
			if !IsNonRecoverable(err) {
				t.Error("not marked non-recoverable")
			}
		})
	}
}

// Deliberate difference from botocore: botocore reads all of the command's output, however
// large; here more than 1 MiB is an error and the process is killed.
func TestProcessPrintingTooMuchIsKilledAndNotQuoted(t *testing.T) {
	leakcheck.Check(t)
	tests := []struct{ name, body string }{
		{"2 MiB of secrets, then exit 0", `i=0; while [ $i -lt 20000 ]; do printf '%s' '` + procJSON + `,'; i=$((i+1)); done`},
		{"output that never ends", `while :; do echo '` + procSecret + `'; done`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProcessT(t, ProcessOptions{Command: helperScript(t, tt.body)})
			_, err := p.Retrieve(context.Background())
			if err == nil || !strings.Contains(err.Error(), "printed more than 1048576 bytes on standard output, far more than credentials take, and was killed (the output is not shown: it holds secrets)") {
				t.Fatalf("error: %v", err)
			}
			checkNoSecret(t, err)
			if !IsNonRecoverable(err) {
				t.Error("not marked non-recoverable")
			}
		})
	}
}

// Deliberate difference from botocore: botocore waits for the command however long it takes;
// here, as in aws-sdk-go-v2, it is killed after ProcessOptions.Timeout (default 1 minute).
func TestProcessIsKilledAtItsTimeout(t *testing.T) {
	leakcheck.Check(t)
	p := newProcessT(t, ProcessOptions{Command: helperScript(t, "printf '%s' '"+procJSON+"'; exec sleep 60"), Timeout: 50 * time.Millisecond})
	_, err := p.Retrieve(context.Background())
	if err == nil || !strings.HasSuffix(err.Error(), `" did not finish within 50ms and was killed`) {
		t.Fatalf("error: %v", err)
	}
	checkNoSecret(t, err)
	if !errors.Is(err, context.DeadlineExceeded) || IsNonRecoverable(err) {
		t.Errorf("want a recoverable error that is context.DeadlineExceeded: %v", err)
	}
}

func TestProcessIsKilledWhenTheContextEnds(t *testing.T) {
	leakcheck.Check(t)
	p := newProcessT(t, ProcessOptions{Command: helperScript(t, "exec sleep 60")})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := p.Retrieve(ctx)
	if err == nil || !strings.HasSuffix(err.Error(), `" was killed because the context ended before it finished: context deadline exceeded`) {
		t.Fatalf("error: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || IsNonRecoverable(err) {
		t.Errorf("want a recoverable error that is context.DeadlineExceeded: %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = p.Retrieve(ctx)
	if err == nil || !strings.HasSuffix(err.Error(), `" was not started: context canceled`) || !errors.Is(err, context.Canceled) {
		t.Fatalf("with a cancelled context: %v", err)
	}
}

func TestProcessLeavingAChildThatHoldsItsOutputStillSucceeds(t *testing.T) {
	leakcheck.Check(t)
	p := newProcessT(t, ProcessOptions{Command: helperScript(t, "sleep 3 & printf '%s}' '"+procJSON+"'")})
	p.waitDelay = 50 * time.Millisecond
	c, err := p.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != procKeyID {
		t.Fatalf("got %v, %v", c, err)
	}
}

func TestProcessPrintsWithoutSecrets(t *testing.T) {
	p := newProcessT(t, ProcessOptions{Command: "helper --secret-flag x"})
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, p); got != `credentials.Process{Program: "helper", Setting: profile dev, ~/.aws/config line 3}` {
			t.Errorf("%s: %s", verb, got)
		}
	}
}
