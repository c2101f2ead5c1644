package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The scenario's figures depend on the machine, so this test checks only that a short run
// measures both caches and prints them side by side.
func TestRunPrintsBothCachesSideBySide(t *testing.T) {
	var out bytes.Buffer
	err := Run(&out, Config{Duration: 300 * time.Millisecond, Goroutines: 2, ProviderDelay: 5 * time.Millisecond,
		Lifetime: 200 * time.Millisecond, RefreshAhead: 100 * time.Millisecond, SlowThreshold: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"irsa credentials.Cache", "aws-sdk-go-v2 aws.CredentialsCache", "slowest", "refreshes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunRefusesAWindowLongerThanTheLifetime(t *testing.T) {
	err := Run(&bytes.Buffer{}, Config{Duration: time.Second, Goroutines: 1, Lifetime: time.Second, RefreshAhead: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "lifetime > refresh-ahead") {
		t.Fatalf("got %v", err)
	}
}
