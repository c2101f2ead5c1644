//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/peers"
)

// envValue is the value of key in environ.
func envValue(environ []string, key string) string {
	a := &app{environ: environ}
	return a.getenv(key)
}

func accessKeyOf(t *testing.T, r result) string {
	t.Helper()
	var doc struct{ AccessKeyId string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil || doc.AccessKeyId == "" {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	return doc.AccessKeyId
}

func TestCredentialProcessRunsShareCredentialsThroughFiles(t *testing.T) {
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	env := pod(t, e)
	home := envValue(env, "HOME")
	first := accessKeyOf(t, run(t, env, "credential-process"))
	for _, args := range [][]string{{"credential-process"}, {"env"}, {"exec", "--", "true"}} {
		if r := run(t, env, args...); r.code != 0 || r.stderr != "" && args[0] != "env" {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
	}
	if got := accessKeyOf(t, run(t, env, "credential-process")); got != first || e.STS.Count(fakests.OpAssumeRoleWithWebIdentity) != 1 {
		t.Fatalf("5 runs made %d STS calls, want 1", e.STS.Count(fakests.OpAssumeRoleWithWebIdentity))
	}
	dir := filepath.Join(home, ".cache", "irsa")
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("default directory %s: %v", dir, err)
	}
	tok, _ := os.ReadFile(e.TokenFile)
	ents, _ := os.ReadDir(dir)
	for _, ent := range ents {
		noSecrets(t, ent.Name(), string(tok), first, "irsa-app", "default")
	}

	for range 2 {
		if got := accessKeyOf(t, run(t, env, "credential-process", "--no-cache")); got == first {
			t.Fatal("--no-cache served the shared credentials")
		}
	}
	if n := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity); n != 3 {
		t.Fatalf("--no-cache: %d STS calls in all, want 3", n)
	}

	xdg := t.TempDir()
	other := filepath.Join(t.TempDir(), "elsewhere")
	run(t, append(env, "XDG_CACHE_HOME="+xdg), "credential-process")
	run(t, env, "credential-process", "--cache-dir", other)
	for _, d := range []string{filepath.Join(xdg, "irsa"), other} {
		if ents, err := os.ReadDir(d); err != nil || len(ents) != 2 {
			t.Errorf("%s: %d files, %v; want a file and its lock", d, len(ents), err)
		}
	}
}

func TestSharedCacheProblemIsAWarningNotAFailure(t *testing.T) {
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	dir := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	r := run(t, pod(t, e), "credential-process", "--cache-dir", dir)
	accessKeyOf(t, r)
	want := "irsa: warning: shared credentials directory " + dir + " can be written by group or others (mode 0777): not used; make it private with chmod 700 " + dir + "\n"
	if r.stderr != want {
		t.Fatalf("stderr %q\nwant   %q", r.stderr, want)
	}
}

func TestExplainTakesNoCacheFlags(t *testing.T) {
	if r := run(t, home(t), "explain", "--no-cache"); r.code != exitUsage || !strings.Contains(r.stderr, "flag provided but not defined: -no-cache") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

// Figure: STS calls for 60 `irsa credential-process` runs, one a minute for an hour, with the
// fake STS's one-hour credentials. The runs share one set until its refresh point, which the
// Cache draws 45 to 52 minutes after it arrived (one-hour credentials have a 15-minute advisory
// window, AWS's; the point is spread over the first half of it less the last minute): so 2 calls,
// where every run calls STS with --no-cache.
func TestFigureSixtyCredentialProcessRunsOverAnHour(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{{[]string{"credential-process"}, 2}, {[]string{"credential-process", "--no-cache"}, 60}} {
		clock := fakeoidc.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		e := fakests.StartEnv(t, fakests.EnvOptions{Now: clock.Now})
		if _, err := e.RotateToken(); err != nil {
			t.Fatal(err)
		}
		env := pod(t, e)
		for range 60 {
			accessKeyOf(t, runAt(t, clock.Now, env, tc.args...))
			clock.Advance(time.Minute)
		}
		got := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity)
		t.Logf("FIGURE irsa %s: 60 runs over an hour: %d STS calls", strings.Join(tc.args, " "), got)
		if got != tc.want {
			t.Errorf("irsa %s: %d STS calls for 60 runs over an hour, want %d", strings.Join(tc.args, " "), got, tc.want)
		}
	}
}

// gate starts cmds (each waiting on its stdin, as `sh -c 'read _; exec …'` does) and closes their
// stdins together, so that they start their work together; it returns their outputs.
func gate(t *testing.T, cmds []*exec.Cmd) []string {
	t.Helper()
	outs := make([]*bytes.Buffer, len(cmds))
	stdins := make([]io.WriteCloser, len(cmds))
	for i, c := range cmds {
		outs[i] = new(bytes.Buffer)
		c.Stdout, c.Stderr = outs[i], outs[i]
		var err error
		if stdins[i], err = c.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range stdins {
		_ = w.Close()
	}
	var res []string
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i])
		}
		res = append(res, outs[i].String())
	}
	return res
}

// Figure: STS calls for 20 `irsa credential-process` processes started together on an empty
// cache: 1 (20 with --no-cache).
func TestFigureTwentyProcessesStartedTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 40 processes")
	}
	bin := irsaBinary(t)
	for _, tc := range []struct {
		flags string
		want  int
	}{{"", 1}, {"--no-cache", 20}} {
		e := fakests.StartEnv(t, fakests.EnvOptions{})
		env := pod(t, e)
		var cmds []*exec.Cmd
		for range 20 {
			c := exec.Command("sh", "-c", `read _; exec "$0" credential-process $1`, bin, tc.flags)
			c.Env = env
			cmds = append(cmds, c)
		}
		keys := map[string]bool{}
		for _, out := range gate(t, cmds) {
			keys[accessKeyOf(t, result{stdout: out})] = true
		}
		got := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity)
		t.Logf("FIGURE irsa credential-process %s: 20 processes started together on an empty cache: %d STS calls", tc.flags, got)
		if got != tc.want || len(keys) != tc.want {
			t.Errorf("%q: %d STS calls, %d distinct keys; want %d", tc.flags, got, len(keys), tc.want)
		}
	}
}

// age moves every time in the JSON files under dir one minute into the past: to the programs
// that read them, a minute has passed. Keys are the AWS CLI's (Credentials.Expiration) and irsa's
// (Expiration, Arrived, RefreshAt).
func ageCacheFiles(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		shift := func(m map[string]any, keys ...string) {
			for _, k := range keys {
				if s, ok := m[k].(string); ok {
					if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
						m[k] = tm.Add(-time.Minute).Format(time.RFC3339Nano)
					}
				}
			}
		}
		shift(doc, "Expiration", "Arrived", "RefreshAt")
		if c, ok := doc["Credentials"].(map[string]any); ok {
			shift(c, "Expiration")
		}
		b, _ = json.Marshal(doc)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return nil
	})
}

// Figure, with the AWS CLI (awscli 1.45 on the machine) on the same setup: 60 runs of a command,
// each a real process, an hour apart in all (the cache files are aged a minute between runs, see
// age). IRSA_FIGURES=1 runs it: it takes minutes.
//
//	IRSA_FIGURES=1 go test -count=1 -timeout 30m -run TestFigureAWSCLI -v ./cmd/irsa/
func TestFigureAWSCLI(t *testing.T) {
	if os.Getenv("IRSA_FIGURES") != "1" {
		t.Skip("set IRSA_FIGURES=1 to measure (about 180 runs of the AWS CLI)")
	}
	aws, err := exec.LookPath("aws")
	if err != nil {
		peers.Missing(t, "the AWS CLI (aws) is not installed")
	}
	bin := irsaBinary(t)
	for _, tc := range []struct {
		short, name string
		process     string // credential_process arguments; "" for the CLI's own web identity
	}{
		{"cli", "aws sts get-caller-identity, web identity from AWS_WEB_IDENTITY_TOKEN_FILE (the CLI caches it in ~/.aws/cli/cache)", ""},
		{"no-cache", "aws sts get-caller-identity --profile p, credential_process = irsa credential-process --no-cache", "--no-cache"},
		{"cache", "aws sts get-caller-identity --profile p, credential_process = irsa credential-process", " "},
	} {
		t.Run(tc.short, func(t *testing.T) { figureAWSCLI(t, aws, bin, tc.name, tc.process) })
	}
}

func figureAWSCLI(t *testing.T, aws, bin, name, process string) {
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	env := pod(t, e)
	home := envValue(env, "HOME")
	args := []string{"sts", "get-caller-identity"}
	if process != "" {
		config := fmt.Sprintf("[profile web]\nrole_arn = %s\nweb_identity_token_file = %s\n[profile p]\ncredential_process = %s credential-process --profile web %s\n",
			e.RoleARN, e.TokenFile, bin, strings.TrimSpace(process))
		if err := os.WriteFile(envValue(env, "AWS_CONFIG_FILE"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		env = append(withoutWebIdentity(env), "AWS_ENDPOINT_URL_STS="+e.STS.URL(), "AWS_REGION=us-east-1")
		args = append(args, "--profile", "p")
	}
	for i := range 60 {
		cmd := exec.Command(aws, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, out)
		}
		ageCacheFiles(t, home)
	}
	got := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity)
	t.Logf("FIGURE %s: 60 runs over an hour: %d AssumeRoleWithWebIdentity calls", name, got)
}

// withoutWebIdentity is environ without the web identity variables, so that the AWS CLI uses the profile's
// credential_process.
func withoutWebIdentity(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if k, _, _ := strings.Cut(kv, "="); k != "AWS_ROLE_ARN" && k != "AWS_WEB_IDENTITY_TOKEN_FILE" && k != "AWS_ENDPOINT_URL_STS" {
			out = append(out, kv)
		}
	}
	return out
}
