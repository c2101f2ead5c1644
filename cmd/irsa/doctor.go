package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/internal/jwtclaims"
	"github.com/irsa-go/irsa/internal/redact"
)

// status is the outcome of one doctor check.
type status string

// The outcomes of a check: skip when an earlier failure leaves nothing to check.
const (
	statusOK   status = "ok"
	statusWarn status = "warn"
	statusFail status = "fail"
	statusSkip status = "skip"
)

// finding is one check's result. Its JSON form is documented in doc.go and is stable: fields
// may be added, none renamed or removed.
type finding struct {
	Check   string   `json:"check"`
	Status  status   `json:"status"`
	Summary string   `json:"summary"`
	Details []string `json:"details,omitempty"`
	Fix     string   `json:"fix,omitempty"`
}

// doctorReport is what doctor --json prints.
type doctorReport struct {
	OK       bool      `json:"ok"`
	Findings []finding `json:"findings"`
}

// The names of doctor's checks, in the order they run.
const (
	checkEnvironment = "environment"
	checkTokenFile   = "token-file"
	checkTokenClaims = "token-claims"
	// The container credentials checks run when a container credentials variable is set.
	checkContainerEndpoint = "container-endpoint"
	checkContainerToken    = "container-token"
	checkClockSkew         = "clock-skew"
	checkRegion            = "region-endpoint"
	checkCredentials       = "credentials"
	checkTrustPolicy       = "trust-policy"
)

// doctor is one run of irsa doctor: the checks share what earlier ones found.
type doctor struct {
	a    *app
	opts chain.Options
	now  func() time.Time

	exp    *chain.Explanation
	expErr error
	web    *chain.Step // the web identity step; nil when the credentials come from elsewhere
	// container is the container credentials step (EKS Pod Identity, ECS); nil when the
	// credentials come from elsewhere.
	container *chain.Step
	token     string            // the token read from the file; never printed
	claims    *jwtclaims.Claims // nil when the token could not be read or decoded

	findings []finding
}

func (a *app) doctor(ctx context.Context, args []string) int {
	var sel selection
	fs := a.flags("doctor", "[--profile P] [--region R] [--json] [--trust-policy FILE]", &sel)
	asJSON := fs.Bool("json", false, "print the findings as JSON (see the command's documentation for the shape)")
	policyFile := fs.String("trust-policy", "", "the role's trust policy: the JSON of aws iam get-role, or the policy document, checked offline against the token")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	d := &doctor{a: a, opts: a.options(sel), now: a.now}
	if d.now == nil {
		d.now = time.Now
	}
	d.opts.Now = a.now // nil in production: the caches keep their clock-free fast path
	d.run(ctx, *policyFile)
	d.token = ""
	rep := doctorReport{OK: true, Findings: d.findings}
	for _, f := range d.findings {
		rep.OK = rep.OK && f.Status != statusFail
	}
	var err error
	if *asJSON {
		err = writeDoctorJSON(a.stdout, rep)
	} else {
		err = writeDoctorText(a.stdout, rep)
	}
	if err != nil {
		return a.fail("doctor", err)
	}
	if !rep.OK {
		return exitError
	}
	return exitOK
}

// run runs the checks in order.
func (d *doctor) run(ctx context.Context, policyFile string) {
	d.checkEnvironment(ctx)
	d.checkTokenFile(ctx)
	d.checkTokenClaims()
	if d.containerEnvSet() {
		d.checkContainerEndpoint()
		d.checkContainerToken(ctx)
	}
	d.checkClockSkew(ctx)
	d.checkRegion()
	d.checkCredentials(ctx)
	if policyFile != "" {
		d.checkTrustPolicy(ctx, policyFile)
	}
}

func (d *doctor) add(f finding) { d.findings = append(d.findings, f) }

func (d *doctor) skip(check, why string) {
	d.add(finding{Check: check, Status: statusSkip, Summary: "not checked: " + why})
}

func writeDoctorJSON(w io.Writer, rep doctorReport) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeDoctorText writes one block per finding: its status and check, the summary, the details
// indented, then the fix.
func writeDoctorText(w io.Writer, rep doctorReport) error {
	var b strings.Builder
	failed, warned := 0, 0
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "%-4s  %s: %s\n", strings.ToUpper(string(f.Status)), f.Check, f.Summary)
		for _, d := range f.Details {
			fmt.Fprintf(&b, "        %s\n", d)
		}
		if f.Fix != "" {
			fmt.Fprintf(&b, "      fix: %s\n", f.Fix)
		}
		switch f.Status {
		case statusFail:
			failed++
		case statusWarn:
			warned++
		}
	}
	switch {
	case failed > 0:
		fmt.Fprintf(&b, "%d check(s) failed, %d warning(s): see each fix above\n", failed, warned)
	case warned > 0:
		fmt.Fprintf(&b, "no check failed; %d warning(s)\n", warned)
	default:
		b.WriteString("all checks passed\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// shown makes a value from the environment, a file or a token fit in a sentence: clipped, and
// quoted when it is empty or holds characters that would garble the output. A value that holds
// what looks like a token is not shown at all.
func shown(s string) string {
	switch {
	case redact.ContainsJWT(s):
		return "(not shown: it holds what looks like a token)"
	case s == "" || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || r == unicode.ReplacementChar }) >= 0:
		return strconv.Quote(redact.Clip(s, 200))
	}
	return redact.Clip(s, 200)
}

// age says when t is, seen from now: "in 1h0m0s" or "5m0s ago".
func age(now, t time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d >= 0 {
		return "in " + d.String()
	}
	return (-d).String() + " ago"
}
