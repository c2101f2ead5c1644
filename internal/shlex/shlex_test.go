package shlex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/peers"
)

func TestSplitMatchesPython(t *testing.T) {
	// Expected values are Python 3.11's shlex.split output.
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"profile prod", []string{"profile", "prod"}, false},
		{"profile   prod  ", []string{"profile", "prod"}, false},
		{"profile 'my app'", []string{"profile", "my app"}, false},
		{`profile "my app"`, []string{"profile", "my app"}, false},
		{`profile my\ app`, []string{"profile", "my app"}, false},
		{`profile "a\"b"`, []string{"profile", `a"b`}, false},
		{`profile "a\b"`, []string{"profile", `a\b`}, false},
		{`profile 'a\b'`, []string{"profile", `a\b`}, false},
		{`profile ''`, []string{"profile", ""}, false},
		{`profile a''b`, []string{"profile", "ab"}, false},
		{"profile\tprod", []string{"profile", "prod"}, false},
		{"profile\u00a0prod", []string{"profile\u00a0prod"}, false},
		{"profile #x", []string{"profile", "#x"}, false},
		{`profile 'x`, nil, true},
		{`profile "x`, nil, true},
		{`profile x\`, nil, true},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, err := Split(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("Split(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// commandLines are credential_process values of the kinds people write, for the differential
// test against Python.
var commandLines = []string{
	"aws-vault export --format=json dev",
	`/usr/local/bin/helper --profile "my app" --role 'admin'`,
	`"/Applications/My Tool.app/Contents/MacOS/tool" creds`,
	`sh -c 'echo "{\"Version\": 1}"'`,
	`python3 -c "print('{\"Version\": 1, \"AccessKeyId\": \"A\"}')"`,
	`helper a\ b c\\d "e\f" 'g\h' "i\"j" "k\\l"`,
	"helper\targ\r\narg2 \n",
	"helper # not a comment",
	"helper ''",
	`helper a''b "" x""y`,
	"héllo wörld ünïcode",
	`C:\tools\helper.exe`,
	"",
	"   ",
}

// TestSplitMatchesPythonOnCommandLines compares Split with Python's shlex.split on
// commandLines. Peer-gated: it needs python3.
func TestSplitMatchesPythonOnCommandLines(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		peers.Missing(t, "python3 not on PATH")
	}
	in, err := json.Marshal(commandLines)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", "import json, shlex, sys\nfor s in json.load(sys.stdin): print(json.dumps(shlex.split(s)))")
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = []string{"PYTHONUTF8=1", "PYTHONIOENCODING=utf-8"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(commandLines) {
		t.Fatalf("python printed %d lines for %d inputs", len(lines), len(commandLines))
	}
	for i, s := range commandLines {
		var want []string
		if err := json.Unmarshal([]byte(lines[i]), &want); err != nil {
			t.Fatal(err)
		}
		got, err := Split(s)
		if err != nil || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) && len(got)+len(want) > 0 {
			t.Errorf("Split(%q) = %q, %v; Python: %q", s, got, err, want)
		}
	}
}

var windowsLines = []string{
	`C:\tools\helper.exe --profile dev`,
	`"C:\Program Files\Tool\tool.exe" creds "my app"`,
	`helper a\\"b c\"d e\\\"f g\\\\"h i" j\\`,
	"helper \"\" a\tb  c",
	`helper "unterminated`,
	`helper 'single' quotes`,
	`a"b"c "x"y`,
	`\\server\share\helper.exe`,
	"",
	"  ",
	`trailing\\\`,
}

// TestSplitWindowsMatchesBotocore compares SplitWindows with botocore's _windows_shell_split on
// windowsLines. Peer-gated: it needs python3 with botocore.
func TestSplitWindowsMatchesBotocore(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		peers.Missing(t, "python3 not on PATH")
	}
	in, err := json.Marshal(windowsLines)
	if err != nil {
		t.Fatal(err)
	}
	script := `import json, sys
from botocore.compat import _windows_shell_split as split
for s in json.load(sys.stdin):
    try:
        print(json.dumps(split(s)))
    except ValueError:
        print("null")
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = []string{"PYTHONUTF8=1", "PYTHONIOENCODING=utf-8"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "ModuleNotFoundError") {
			peers.Missing(t, "python3 cannot import botocore")
		}
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(windowsLines) {
		t.Fatalf("python printed %d lines for %d inputs", len(lines), len(windowsLines))
	}
	for i, s := range windowsLines {
		got, err := SplitWindows(s)
		if lines[i] == "null" {
			if err == nil {
				t.Errorf("SplitWindows(%q) = %q, botocore raises ValueError", s, got)
			}
			continue
		}
		var want []string
		if err := json.Unmarshal([]byte(lines[i]), &want); err != nil {
			t.Fatal(err)
		}
		if err != nil || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) && len(got)+len(want) > 0 {
			t.Errorf("SplitWindows(%q) = %q, %v; botocore: %q", s, got, err, want)
		}
	}
}

func TestSplitWindows(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`C:\tools\helper.exe dev`, []string{`C:\tools\helper.exe`, "dev"}},
		{`"C:\Program Files\t.exe" "a b"`, []string{`C:\Program Files\t.exe`, "a b"}},
		{`a\\"b c"`, []string{`a\b c`}},
		{`a\"b`, []string{`a"b`}},
		{`""`, []string{""}},
	}
	for _, tt := range tests {
		got, err := SplitWindows(tt.in)
		if err != nil || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("SplitWindows(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := SplitWindows(`"open`); err != ErrUnbalanced {
		t.Errorf("an unclosed quote: error %v, want ErrUnbalanced", err)
	}
}
