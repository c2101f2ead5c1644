//go:build linux || darwin

package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network in this test")
}

// A named pipe with no writer at AWS_WEB_IDENTITY_TOKEN_FILE used to hang s3ls past Ctrl-C and
// SIGTERM: opening it blocked and nothing could cancel the open. Now s3ls exits with the reason.
func TestS3lsWithANamedPipeAsTheTokenFileExitsWithTheReason(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "token")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"HOME": dir, "AWS_REGION": "eu-west-1",
		"AWS_ROLE_ARN": "arn:aws:iam::111111111111:role/app", "AWS_WEB_IDENTITY_TOKEN_FILE": fifo,
	}
	var out, errOut bytes.Buffer
	a := &app{
		stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }, resolve: resolveWithChain,
		stsHTTP: &http.Client{Transport: refuseTransport{}}, s3HTTP: &http.Client{Transport: refuseTransport{}},
	}
	done := make(chan int, 1)
	go func() { done <- a.run(context.Background(), []string{"s3://bucket/"}) }()
	select {
	case code := <-done:
		want := `web identity token file "` + fifo + `" is a named pipe (FIFO), not a regular file`
		if code != exitError || !strings.Contains(errOut.String(), want) {
			t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut.String(), exitError, want)
		}
		t.Logf("stderr: %s", errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("s3ls has not exited after 10 s")
	}
}
