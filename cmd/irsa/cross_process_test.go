//go:build unix

package main

// credentials.NewProcess, and chain's credential_process source, running the built
// `irsa credential-process`: both sides of the AWS CLI's credential_process protocol, each
// tested against the other.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// processWorld sets the process environment (which credential_process commands inherit) to a
// home whose config has a profile wi that uses e's web identity, a profile viairsa whose
// credential_process is irsa credential-process --profile wi, and a profile broken whose
// credential_process names a profile that does not exist, and a profile static with
// staticKeyID and staticSecret. It returns irsa's path.
func processWorld(t *testing.T, e *fakests.Env, set ...string) string {
	t.Helper()
	bin := irsaBinary(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	content := fmt.Sprintf(`[profile wi]
role_arn = %s
web_identity_token_file = %s
region = %s

[profile viairsa]
credential_process = %s credential-process --profile wi

[profile broken]
credential_process = %s credential-process --profile does-not-exist

[profile static]
aws_access_key_id = %s
aws_secret_access_key = %s
`, e.RoleARN, e.TokenFile, e.Region, bin, bin, staticKeyID, staticSecret)
	if err := os.WriteFile(config, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	sdkEnv(t, append([]string{"HOME=" + dir, "AWS_CONFIG_FILE=" + config, "AWS_ENDPOINT_URL_STS=" + e.STS.URL()}, set...)...)
	return bin
}

// webIdentityToken is the token in e's token file.
func webIdentityToken(t *testing.T, e *fakests.Env) string {
	return strings.TrimSpace(readString(t, e.TokenFile))
}

func TestCrossProcessRunsIrsaCredentialProcess(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	bin := processWorld(t, e)
	var stderr bytes.Buffer
	p, err := credentials.NewProcess(credentials.ProcessOptions{Command: bin + " credential-process --profile wi", Setting: "profile cross, the test", Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(p), `credentials.Process{Program: "`+bin+`", Setting: profile cross, the test}`; got != want {
		t.Errorf("printed as %s, want %s", got, want)
	}
	c, err := p.Retrieve(retrieveCtx(t))
	if err != nil {
		t.Fatalf("%v\nirsa's stderr: %s", err, stderr.String())
	}
	issued := sameAsIssued(t, e, c)
	if c.Source != "process" || stderr.Len() != 0 {
		t.Errorf("source %q, irsa's stderr %q", c.Source, stderr.String())
	}
	noSecrets(t, stderr.String()+fmt.Sprintf("%v %+v %#v", p, p, p), webIdentityToken(t, e), issued.SecretAccessKey, issued.SessionToken)
}

func TestCrossChainCredentialProcessIsIrsa(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	bin := processWorld(t, e)
	ctx := retrieveCtx(t)
	opts := chain.Options{Profile: "viairsa"}
	exp, err := chain.Explain(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.Steps) != 1 || exp.Steps[0].Kind != chain.StepProcess {
		t.Fatalf("steps %+v, want one credential process step", exp.Steps)
	}
	text := exp.String()
	for _, want := range []string{"credential_process: chosen: profile viairsa has credential_process (~/config line 7)",
		"credential_process = " + bin + " credential-process --profile wi (from ~/config line 7)"} {
		if !strings.Contains(text, want) {
			t.Errorf("Explain does not say %q:\n%s", want, text)
		}
	}
	res, err := chain.Resolve(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	c, err := res.Provider.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	issued := sameAsIssued(t, e, c)
	if c.Source != "process" {
		t.Errorf("source %q", c.Source)
	}
	if want := `credentials.Cache{Provider: credentials.Process{Program: "` + bin + `", Setting: profile viairsa, ~/config line 7}`; !strings.HasPrefix(fmt.Sprint(res.Provider), want) {
		t.Errorf("the Cache prints as %v\nwant it to start %s", res.Provider, want)
	}
	noSecrets(t, text+fmt.Sprintf("%v %#v", res.Provider, res), webIdentityToken(t, e), issued.SecretAccessKey, issued.SessionToken)
}

func TestCrossProcessReportsIrsasFailure(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	bin := processWorld(t, e)
	ctx := retrieveCtx(t)
	irsaSays := `irsa credential-process: profile "does-not-exist" (from --profile) not found in ~/config or ` + os.Getenv("AWS_SHARED_CREDENTIALS_FILE") + " (missing)\n"

	var stderr bytes.Buffer
	p, err := credentials.NewProcess(credentials.ProcessOptions{Command: bin + " credential-process --profile does-not-exist", Setting: "profile cross, the test", Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	_, procErr := p.Retrieve(ctx)
	want := `credentials: credential_process (profile cross, the test): "` + bin + `" failed (exit status 1); its standard error says why`
	var exit *exec.ExitError
	if procErr == nil || procErr.Error() != want || !errors.As(procErr, &exit) || exit.ExitCode() != exitError || credentials.IsNonRecoverable(procErr) {
		t.Errorf("got %v\nwant %s (recoverable, an *exec.ExitError with status 1)", procErr, want)
	}
	if stderr.String() != irsaSays {
		t.Errorf("irsa's stderr: %q\nwant %q", stderr.String(), irsaSays)
	}

	// Through chain: the error names the profile and the file and line of the setting.
	res, err := chain.Resolve(ctx, chain.Options{Profile: "broken"})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_, chainErr := res.Provider.Retrieve(ctx)
	want = `credentials: credential_process (profile broken, ~/config line 10): "` + bin + `" failed (exit status 1); its standard error says why`
	if chainErr == nil || chainErr.Error() != want {
		t.Errorf("got %v\nwant %s", chainErr, want)
	}
	for _, err := range []error{procErr, chainErr} {
		noSecretIn(t, err, webIdentityToken(t, e))
	}
	noSecrets(t, stderr.String(), webIdentityToken(t, e))
}

func TestCrossProcessKeepsTheAccountIDOfAContainerSource(t *testing.T) {
	leakcheck.Check(t)
	agent, agentToken := podIdentityAgent(t, time.Now)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	bin := processWorld(t, e, envFullURI+"="+agent.URL(), envTokenFile+"="+agentToken)
	var stderr bytes.Buffer
	p, err := credentials.NewProcess(credentials.ProcessOptions{Command: bin + " credential-process", Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Retrieve(retrieveCtx(t))
	if err != nil {
		t.Fatalf("%v\nirsa's stderr: %s", err, stderr.String())
	}
	want := agentCreds(1, c.Expires)
	want.Source = "process"
	if c != want || c.Expires.Sub(time.Now()) < 50*time.Minute {
		t.Errorf("through irsa credential-process: %v, account %q\nfrom the agent: %v, account %q", c, c.AccountID, want, want.AccountID)
	}
	noSecrets(t, stderr.String(), agentSecret, agentSession, readString(t, agentToken))
}

// Long-term keys: irsa prints no SessionToken and no Expiration, and NewProcess reads
// credentials that never expire.
func TestCrossProcessGetsLongTermKeysFromIrsa(t *testing.T) {
	leakcheck.Check(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	bin := processWorld(t, e)
	var stderr bytes.Buffer
	p, err := credentials.NewProcess(credentials.ProcessOptions{Command: bin + " credential-process --profile static", Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Retrieve(retrieveCtx(t))
	want := credentials.Credentials{AccessKeyID: staticKeyID, SecretAccessKey: staticSecret, Source: "process"}
	if err != nil || c != want || stderr.Len() != 0 {
		t.Errorf("got %v, %v, stderr %q; want %v, never expiring", c, err, stderr.String(), want)
	}
}
