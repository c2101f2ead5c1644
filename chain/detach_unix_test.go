//go:build unix

package chain

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a session of its own, without a controlling terminal, so that a prompt
// (botocore's MFA code prompt) fails at once instead of waiting on /dev/tty.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
