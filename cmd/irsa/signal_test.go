//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	buildOut  []byte
)

// irsaBinary builds the command once per test run, for the tests that need a real process to
// send signals to.
func irsaBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "irsa-test-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "irsa")
		buildOut, buildErr = exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return binary
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

func TestExecForwardsSignalsToChild(t *testing.T) {
	bin := irsaBinary(t)
	env := append(home(t), "AWS_ACCESS_KEY_ID=AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY=envsecret")
	for _, tc := range []struct {
		name   string
		sig    syscall.Signal
		script string
		stdout string
		want   int
	}{
		{"SIGTERM reaches a child that traps it, whose status is irsa's", syscall.SIGTERM, `trap 'echo got TERM; exit 9' TERM`, "got TERM", 9},
		{"SIGINT reaches the child", syscall.SIGINT, `trap 'echo got INT; exit 9' INT`, "got INT", 9},
		{"SIGHUP reaches the child", syscall.SIGHUP, `trap 'echo got HUP; exit 9' HUP`, "got HUP", 9},
		{"SIGQUIT reaches the child", syscall.SIGQUIT, `trap 'echo got QUIT; exit 9' QUIT`, "got QUIT", 9},
		{"a child killed by the forwarded SIGTERM makes irsa exit 143", syscall.SIGTERM, `:`, "", 143},
		{"a child killed by the forwarded SIGHUP makes irsa exit 129", syscall.SIGHUP, `:`, "", 129},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := tc.script + `; echo ready; while :; do sleep 0.02; done`
			cmd := exec.Command(bin, "exec", "--", "sh", "-c", script)
			cmd.Env = env
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(out)
			if !lines.Scan() || lines.Text() != "ready" {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("child did not start: %q, stderr %q", lines.Text(), stderr.String())
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			// A signal that is not forwarded leaves the loop running (or orphaned, holding
			// stdout open): kill both after a while so that the test fails instead of hanging.
			timer := time.AfterFunc(10*time.Second, func() {
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // irsa's process group: irsa and its child
			})
			defer timer.Stop()
			var rest []string
			for lines.Scan() {
				rest = append(rest, lines.Text())
			}
			_ = cmd.Wait()
			if got := cmd.ProcessState.ExitCode(); got != tc.want || strings.Join(rest, "\n") != tc.stdout {
				t.Errorf("exit %d (%v), stdout %q; want %d, %q; stderr %q", got, cmd.ProcessState, rest, tc.want, tc.stdout, stderr.String())
			}
		})
	}
}
