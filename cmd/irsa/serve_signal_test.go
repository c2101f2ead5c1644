//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestServeStopsCleanlyOnSignals(t *testing.T) {
	bin := irsaBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			tokenFile := filepath.Join(t.TempDir(), "token")
			cmd := exec.Command(bin, "serve", "--profile", "static", "--listen", "127.0.0.1:0", "--write-token-file", tokenFile)
			cmd.Env = home(t)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			timer := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() }) // fail, not hang
			defer timer.Stop()
			lines := bufio.NewScanner(stderr)
			var log []string
			for lines.Scan() {
				log = append(log, lines.Text())
				if strings.Contains(lines.Text(), `msg="credentials refreshed"`) {
					break
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			for lines.Scan() {
				log = append(log, lines.Text())
			}
			err = cmd.Wait()
			out := strings.Join(log, "\n")
			t.Logf("stderr:\n%s", out)
			if err != nil || !strings.Contains(out, `msg="irsa serve: stopping"`) || !strings.HasSuffix(out, `msg="irsa serve: stopped"`) {
				t.Errorf("exit %v", err)
			}
			if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
				t.Errorf("token file left behind: %v", err)
			}
		})
	}
}
