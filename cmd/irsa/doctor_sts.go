package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/tlsroots"
	"github.com/irsa-go/irsa/internal/trustpolicy"
)

// stsCall is one STS call the chain made, as doctor reports it: no credentials are kept.
type stsCall struct {
	op, roleARN string
	assumed     string    // the assumed-role ARN on success
	expires     time.Time // when the credentials expire, on success
	err         error
}

// stsRecorder is the STS client doctor gives chain.Resolve: it passes each call on and records
// its outcome, so that every hop of a chained profile can be reported.
type stsRecorder struct {
	inner credentials.STS
	mu    sync.Mutex
	calls []stsCall
}

func (r *stsRecorder) record(c stsCall) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

func (r *stsRecorder) recorded() []stsCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]stsCall(nil), r.calls...)
}

func (r *stsRecorder) AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	out, err := r.inner.AssumeRoleWithWebIdentity(ctx, in, optFns...)
	c := stsCall{op: "AssumeRoleWithWebIdentity", roleARN: aws.ToString(in.RoleArn), err: err}
	if err == nil && out.Credentials != nil && out.AssumedRoleUser != nil {
		c.assumed, c.expires = aws.ToString(out.AssumedRoleUser.Arn), aws.ToTime(out.Credentials.Expiration)
	}
	r.record(c)
	return out, err
}

func (r *stsRecorder) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	out, err := r.inner.AssumeRole(ctx, in, optFns...)
	c := stsCall{op: "AssumeRole", roleARN: aws.ToString(in.RoleArn), err: err}
	if err == nil && out.Credentials != nil && out.AssumedRoleUser != nil {
		c.assumed, c.expires = aws.ToString(out.AssumedRoleUser.Arn), aws.ToTime(out.Credentials.Expiration)
	}
	r.record(c)
	return out, err
}

func (r *stsRecorder) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return r.inner.GetCallerIdentity(ctx, in, optFns...)
}

// credentialsTimeout bounds the STS calls of the credentials check.
const credentialsTimeout = 60 * time.Second

// checkCredentials gets credentials the way the other commands do, through chain.Resolve's
// provider, and reports each step of the chain: one finding per step.
func (d *doctor) checkCredentials(ctx context.Context) {
	if d.expErr != nil {
		d.skip(checkCredentials, "the configuration is refused")
		return
	}
	rec := &stsRecorder{}
	opts := d.opts
	opts.STS = rec
	res, err := chain.Resolve(ctx, opts)
	if err != nil {
		d.add(finding{Check: checkCredentials, Status: statusFail, Summary: "the configuration is refused: " + errText(err),
			Fix: "correct the setting the error names (irsa explain shows where each value comes from)"})
		return
	}
	defer res.Close()
	if d.exp.STS.Used {
		inner, err := d.stsClient(ctx)
		if err != nil {
			d.add(finding{Check: checkCredentials, Status: statusFail, Summary: "cannot make an STS client: " + errText(err)})
			return
		}
		rec.inner = inner
	}
	ctx, cancel := context.WithTimeout(ctx, credentialsTimeout)
	defer cancel()
	creds, retrieveErr := res.Provider.Retrieve(ctx)
	calls := rec.recorded()
	failed := false
	for i, step := range d.exp.Steps {
		hop := fmt.Sprintf("step %d of %d", i+1, len(d.exp.Steps))
		if step.Kind == chain.StepContainer {
			u, _, _ := d.containerEndpoint()
			last := i == len(d.exp.Steps)-1
			f := d.containerStepFinding(fmt.Sprintf("%s: container credentials from %s", hop, u), last, creds, retrieveErr, !last && hasCall(calls, d.exp.Steps[i+1].RoleARN))
			failed = failed || f.Status == statusFail
			d.add(f)
			continue
		}
		if step.Kind != chain.StepWebIdentity && step.Kind != chain.StepAssumeRole {
			d.add(finding{Check: checkCredentials, Status: statusOK, Summary: fmt.Sprintf("%s: %s (no STS call)", hop, stepName(step))})
			continue
		}
		op := "AssumeRole"
		if step.Kind == chain.StepWebIdentity {
			op = "AssumeRoleWithWebIdentity"
		}
		what := fmt.Sprintf("%s: %s for role %s", hop, op, shown(step.RoleARN))
		if step.Profile != "" {
			what += " (profile " + shown(step.Profile) + ")"
		}
		c, called := takeCall(&calls, op, step.RoleARN)
		switch {
		case failed:
			d.add(finding{Check: checkCredentials, Status: statusSkip, Summary: what + ": not tried, an earlier step failed"})
		case called && c.err == nil:
			d.add(finding{Check: checkCredentials, Status: statusOK, Summary: fmt.Sprintf("%s: ok, session %s, credentials expire at %s",
				what, shown(c.assumed), c.expires.UTC().Format(time.RFC3339))})
		default:
			failed = true
			f := finding{Check: checkCredentials, Status: statusFail, Summary: what + ": refused"}
			if called {
				f.Summary += ": " + stsCode(c.err)
			}
			if retrieveErr != nil {
				f.Details = []string{errText(retrieveErr)}
			}
			f.Fix = fixFor(step, c.err)
			d.add(f)
		}
	}
	if !failed && retrieveErr != nil {
		d.add(finding{Check: checkCredentials, Status: statusFail, Summary: "no credentials: " + errText(retrieveErr)})
	}
}

// takeCall removes and returns the first recorded call of op for roleARN.
func takeCall(calls *[]stsCall, op, roleARN string) (stsCall, bool) {
	for i, c := range *calls {
		if c.op == op && c.roleARN == roleARN {
			*calls = append((*calls)[:i:i], (*calls)[i+1:]...)
			return c, true
		}
	}
	return stsCall{}, false
}

// hasCall reports whether an AssumeRole call for roleARN was recorded.
func hasCall(calls []stsCall, roleARN string) bool {
	for _, c := range calls {
		if c.op == "AssumeRole" && c.roleARN == roleARN {
			return true
		}
	}
	return false
}

func stepName(s chain.Step) string {
	switch s.Kind {
	case chain.StepStatic:
		return "access key " + s.AccessKeyID + " from profile " + shown(s.Profile)
	case chain.StepEnvironment:
		return "access key " + s.AccessKeyID + " from environment variables"
	}
	return s.Kind.String()
}

// stsCode is the error code STS answered with, or the error's text for a failure without one.
func stsCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return errText(err)
}

// fixFor says what to do about a refused step.
func fixFor(step chain.Step, err error) string {
	var api smithy.APIError
	code := ""
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	switch {
	case code == "AccessDenied" && step.Kind == chain.StepWebIdentity:
		return "the role's trust policy does not accept this token: run irsa doctor --trust-policy FILE with the output of aws iam get-role --role-name NAME to find the condition that does not match"
	case code == "AccessDenied":
		return "the role's trust policy must allow sts:AssumeRole to the previous step's role, and that role's permissions must allow sts:AssumeRole on this one"
	case code == "InvalidIdentityToken":
		return "register the cluster's OIDC issuer as an IAM OIDC provider in the role's account, with the token's audience as a client ID (eksctl utils associate-iam-oidc-provider)"
	case code == "ExpiredTokenException":
		return "the token expired: check the projected volume and this machine's clock"
	case code != "":
		return "see the error above"
	}
	return "check that the pod can reach the STS endpoint, and the error above"
}

// stsClient is the light STS client for the resolved endpoint, trusting the CA bundle when one
// is configured, as chain.Resolve would build it.
func (d *doctor) stsClient(ctx context.Context) (credentials.STS, error) {
	var hc *http.Client
	if d.exp.CABundle != "" {
		roots, err := tlsroots.Load(ctx, d.exp.CABundle)
		if err != nil {
			return nil, err
		}
		hc = tlsroots.Client(roots)
	}
	return credentials.NewClient(credentials.ClientOptions{Endpoint: d.exp.STS.Endpoint, HTTPClient: hc, Now: d.opts.Now})
}

// checkTrustPolicy evaluates the role's trust policy from file for the token's claims, offline.
func (d *doctor) checkTrustPolicy(ctx context.Context, file string) {
	f := finding{Check: checkTrustPolicy, Status: statusFail}
	b, err := readfile.Reader{Limit: trustpolicy.MaxInputSize}.Read(ctx, file)
	var in trustpolicy.Input
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f.Summary = fmt.Sprintf("cannot read --trust-policy %s: the file does not exist", shown(file))
	case err != nil:
		f.Summary = fmt.Sprintf("cannot read --trust-policy %s: %s", shown(file), errText(err))
	default:
		in, err = trustpolicy.ParseInput(b)
		if err != nil {
			f.Summary = fmt.Sprintf("--trust-policy %s cannot be evaluated: %s", shown(file), shown(err.Error()))
		}
	}
	if f.Summary != "" {
		f.Fix = "give the output of aws iam get-role --role-name NAME, or the role's trust policy document"
		d.add(f)
		return
	}
	switch {
	case d.web == nil:
		d.skip(checkTrustPolicy, "no web identity is configured, so no role to evaluate the policy for")
		return
	case d.claims == nil:
		d.skip(checkTrustPolicy, "the token's claims could not be read")
		return
	}
	if in.RoleARN != "" && in.RoleARN != d.web.RoleARN {
		f.Details = append(f.Details, fmt.Sprintf("note: the file is the policy of role %s, and this pod assumes role %s", shown(in.RoleARN), shown(d.web.RoleARN)))
	}
	c := d.claims
	r := in.Policy.CheckWebIdentity(d.web.RoleARN, trustpolicy.Token{Issuer: c.Issuer, Subject: c.Subject, Audience: c.Audience})
	switch {
	case r.Allowed:
		f.Status, f.Summary = statusOK, fmt.Sprintf("the trust policy allows this token (statement %d)", r.Statement)
	case r.Undecided:
		f.Status, f.Summary = statusWarn, "the trust policy cannot be evaluated for this token (whether STS accepts it is unknown): "+r.Reasons[0]
		f.Details = append(f.Details, r.Reasons[1:]...)
		f.Fix = "evaluate that statement by hand (the credentials check above shows what STS decided), or express it with StringEquals or StringLike conditions on the issuer's :sub and :aud keys, which doctor evaluates"
	default:
		f.Summary = "the trust policy does not allow this token: " + r.Reasons[0]
		f.Details = append(f.Details, r.Reasons[1:]...)
		f.Fix = "make the policy and the pod agree (change the condition, or the pod's namespace or service account); update the policy with aws iam update-assume-role-policy --role-name NAME --policy-document file://policy.json"
	}
	f.Details = append(f.Details, r.Skipped...)
	d.add(f)
}
