package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// start is the fake cluster's time in doctor's tests.
var start = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

// runAt runs irsa in-process with environ as its whole environment and now as doctor's clock.
func runAt(t *testing.T, now func() time.Time, environ []string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, environ: environ, now: now}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := a.run(ctx, args)
	return result{code, stdout.String(), stderr.String()}
}

// cluster starts the fake issuer and STS with a controllable clock.
func cluster(t *testing.T, opts fakests.EnvOptions) (*fakests.Env, *fakeoidc.Clock) {
	t.Helper()
	clock := fakeoidc.NewClock(start)
	opts.Now = clock.Now
	return fakests.StartEnv(t, opts), clock
}

// doctorJSON runs irsa doctor --json and decodes its report strictly.
func doctorJSON(t *testing.T, now func() time.Time, environ []string, args ...string) (doctorReport, result) {
	t.Helper()
	r := runAt(t, now, environ, append([]string{"doctor", "--json"}, args...)...)
	var rep doctorReport
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("doctor --json printed what is not its report (%v):\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return rep, r
}

// findingOf returns the first finding of check.
func findingOf(t *testing.T, rep doctorReport, check string) finding {
	t.Helper()
	for _, f := range rep.Findings {
		if f.Check == check {
			return f
		}
	}
	t.Fatalf("no %s finding in %+v", check, rep.Findings)
	return finding{}
}

func TestDoctorHealthyPod(t *testing.T) {
	leakcheck.Check(t)
	e, clock := cluster(t, fakests.EnvOptions{Region: "eu-west-1"})
	r := runAt(t, clock.Now, pod(t, e), "doctor")
	t.Logf("irsa doctor:\n%s", r.stdout)
	if r.code != 0 || r.stderr != "" || !strings.HasSuffix(r.stdout, "all checks passed\n") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}
