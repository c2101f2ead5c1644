package chain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// botocoreRun is what testdata/botocore_scenarios.py prints for one scenario.
type botocoreRun struct {
	Name      string   `json:"name"`
	URLs      []string `json:"urls"`
	SSOURLs   []string `json:"sso_urls"`
	Region    *string  `json:"region"`
	Method    *string  `json:"method"`
	AccessKey *string  `json:"access_key"`
	Error     *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

var botocoreGenerated = regexp.MustCompile(`^botocore-session-\d+$`)

// TestScenariosMatchBotocore runs every scenario through botocore 1.43 against the fake STS and
// checks that botocore does what the scenario's `want` says (or `boto`, where the scenario
// documents a difference). See the comment at the top of scenarios_test.go.
func TestScenariosMatchBotocore(t *testing.T) {
	leakcheck.Check(t)
	py := botocorePython(t)
	fx := startSTSFixture(t)
	root := t.TempDir()
	type input struct {
		Name    string            `json:"name"`
		Env     map[string]string `json:"env"`
		Profile string            `json:"profile"`
		STS     string            `json:"sts"`
		SSO     string            `json:"sso"`
	}
	var inputs []input
	var runs []int // the scenarios botocore runs, by index
	homes := make([]string, len(scenarios))
	for i, sc := range scenarios {
		if sc.chainOnly {
			continue
		}
		runs = append(runs, i)
		home := filepath.Join(root, "s"+strings.Repeat("0", 3-len(itoa(i)))+itoa(i))
		homes[i] = home
		env := fx.writeHome(t, sc, home)
		env["PATH"] = os.Getenv("PATH")
		env["PYTHONUTF8"] = "1"
		if r, ok := env["AWS_REGION"]; ok {
			env["AWS_DEFAULT_REGION"] = r // chain reads AWS_REGION first; botocore reads only this
		}
		inputs = append(inputs, input{Name: sc.name, Env: env, Profile: sc.profile, STS: fx.env.STS.URL(), SSO: fx.sso.URL()})
	}
	stdin, err := json.Marshal(inputs)
	if err != nil {
		t.Fatal(err)
	}
	fx.env.STS.ResetCalls()
	out, stderr := runBotocoreScenarios(t, py, root, stdin)
	calls := fx.env.STS.Calls()
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	k := 0
	for ; sc.Scan(); k++ {
		var run botocoreRun
		if err := json.Unmarshal(sc.Bytes(), &run); err != nil {
			t.Fatalf("line %d: %v", k+1, err)
		}
		if k >= len(runs) || run.Name != scenarios[runs[k]].name {
			t.Fatalf("output %d is for %q", k, run.Name)
		}
		i := runs[k]
		n := len(run.URLs)
		if n > len(calls) {
			t.Fatalf("botocore sent %d requests, the fake recorded only %d", n, len(calls))
		}
		mine := calls[:n]
		calls = calls[n:]
		s := scenarios[i]
		t.Run(s.name, func(t *testing.T) { checkBotocore(t, fx, s, homes[i], run, mine) })
	}
	if k != len(runs) {
		t.Fatalf("botocore_scenarios.py answered %d of %d scenarios\n%s", k, len(runs), stderr)
	}
}

func checkBotocore(t *testing.T, fx *stsFixture, sc scenario, home string, run botocoreRun, calls []fakests.Call) {
	want := sc.want
	if sc.boto != nil {
		want = *sc.boto
	}
	if want.err != "" || want.errType != "" {
		if run.Error == nil {
			t.Fatalf("botocore succeeded (method %v), want %s", deref(run.Method), want.errType)
		}
		if want.errType != "" && run.Error.Type != want.errType {
			t.Errorf("botocore raised %s (%s), want %s", run.Error.Type, run.Error.Message, want.errType)
		}
		return
	}
	if run.Error != nil {
		t.Fatalf("botocore failed: %s: %s\ncalls:\n%s", run.Error.Type, run.Error.Message, callsText(calls))
	}
	fx.checkCalls(t, "botocore", calls, want.calls, botocoreGenerated)
	if want.key != "" && deref(run.AccessKey) != want.key {
		t.Errorf("botocore access key ID %s, want %s", deref(run.AccessKey), want.key)
	}
	if deref(run.Region) != want.region {
		t.Errorf("botocore region %q, want %q", deref(run.Region), want.region)
	}
	if len(run.SSOURLs) > 0 || want.portal != "" {
		if len(run.SSOURLs) != 1 || run.SSOURLs[0] != want.portal {
			t.Errorf("botocore's portal requests %v, want one to %s", run.SSOURLs, want.portal)
		}
	}
	wantEndpoint := strings.TrimSuffix(fx.expand(want.endpoint, home), "/")
	for _, u := range run.URLs {
		if strings.TrimSuffix(u, "/") != wantEndpoint {
			t.Errorf("botocore called %s, want %s", u, wantEndpoint)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// runBotocoreScenarios runs testdata/botocore_scenarios.py with python py, HOME under home, and
// the scenarios in stdin (JSON), and returns its output (a JSON line per scenario) and what it
// wrote on stderr.
func runBotocoreScenarios(t *testing.T, py, home string, stdin []byte) ([]byte, string) {
	t.Helper()
	cmd := exec.Command(py, filepath.Join("testdata", "botocore_scenarios.py"))
	cmd.Env = pythonEnv(home)
	cmd.Stdin = bytes.NewReader(stdin)
	detach(cmd)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore_scenarios.py: %v\n%s", err, stderr.String())
	}
	return out, stderr.String()
}
