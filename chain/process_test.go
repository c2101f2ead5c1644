package chain

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

const processSecret = "procSECRETwJalrXUtnFEMIK7MDENGbPxRfiCY"

// processHome is a home whose profile proc runs creds.sh through sh; the script prints keys and
// then runs tail (a shell command).
func processHome(t *testing.T, tail string) *home {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the helper is a /bin/sh script")
	}
	h := newHome(t, "", "", "AWS_PROFILE", "proc")
	script := h.write(t, "creds.sh", `printf '{"Version": 1, "AccessKeyId": "AKIAPROCESSUSER00001", "SecretAccessKey": "`+processSecret+`"}'`+"\n"+tail+"\n")
	h.write(t, ".aws/config", "[profile proc]\nregion = eu-west-1\ncredential_process = sh '"+script+"' --mark\n")
	return h
}

func TestExplainShowsTheCredentialProcessAndWhereItIsSet(t *testing.T) {
	h := processHome(t, "touch \"$(dirname \"$0\")/ran\"")
	exp, err := explain(t, h.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.Steps) != 1 || exp.Steps[0].Kind != StepProcess || exp.Steps[0].Kind.String() != "credential process" || exp.Steps[0].Profile != "proc" {
		t.Fatalf("steps %+v", exp.Steps)
	}
	text := exp.String()
	for _, want := range []string{
		"credential_process: chosen: profile proc has credential_process (~/.aws/config line 3)",
		"1. the credential_process command of profile proc\n",
		"credential_process = sh '" + filepath.Join(h.dir, "creds.sh") + "' --mark (from ~/.aws/config line 3)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the explanation lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "config file: chosen") {
		t.Errorf("a later source was chosen too:\n%s", text)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "ran")); err == nil {
		t.Error("Explain ran the command")
	}
}

func TestResolveRunsTheCredentialProcessOnlyWhenCredentialsAreRetrieved(t *testing.T) {
	leakcheck.Check(t)
	h := processHome(t, "touch \"$(dirname \"$0\")/ran\"")
	res, err := Resolve(context.Background(), h.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	ran := filepath.Join(h.dir, "ran")
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("Resolve ran the command")
	}
	c, err := res.Provider.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "AKIAPROCESSUSER00001" || c.Source != "process" || c.CanExpire() {
		t.Fatalf("got %v, %v", c, err)
	}
	if _, err := os.Stat(ran); err != nil {
		t.Error("Retrieve did not run the command")
	}
	if res.Region != "eu-west-1" || res.Explanation.STS.Used {
		t.Errorf("region %q, STS used %v", res.Region, res.Explanation.STS.Used)
	}
}

func TestACredentialProcessThatFailsNamesTheProfileFileAndLine(t *testing.T) {
	leakcheck.Check(t)
	h := processHome(t, "echo 'token expired' >&2; exit 2")
	res, err := Resolve(context.Background(), h.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_, err = res.Provider.Retrieve(context.Background())
	want := `credentials: credential_process (profile proc, ~/.aws/config line 3): "sh" failed (exit status 2); its standard error says why`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || strings.Contains(err.Error(), processSecret) {
		t.Errorf("error %v: no *exec.ExitError, or a secret", err)
	}
}

func TestACredentialProcessWithANestedBlockIsAnError(t *testing.T) {
	h := newHome(t, "[profile proc]\ncredential_process =\n  a = b\n", "", "AWS_PROFILE", "proc")
	_, err := explain(t, h.opts())
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != "credential_process" || ce.Line != 2 || ce.Unsupported ||
		!strings.Contains(err.Error(), "expected a single value, found an indented block of settings under it") {
		t.Fatalf("got %v", err)
	}
}
