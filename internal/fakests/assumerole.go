package fakests

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/sigv4check"
	"github.com/irsa-go/irsa/internal/trustpolicy"
	"github.com/irsa-go/irsa/stsxml"
)

// assumeRole checks, in order: the signature and the signer's credentials, the parameters, the
// role's trust of the signer, the role-chaining and role duration limits.
func (s *Server) assumeRole(r *http.Request, body []byte, p url.Values, call *Call, rid string) ([]byte, *stsxml.Error) {
	caller, e := s.authenticate(r, body, call)
	if e != nil {
		return nil, e
	}
	d, e := checkRoleParams(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	ro := s.roles[p.Get("RoleArn")]
	s.mu.Unlock()
	ctx := map[string]string{}
	if p.Has("ExternalId") {
		ctx["sts:externalid"] = p.Get("ExternalId")
	}
	if ro == nil || !ro.trust.Allows(trustpolicy.Request{Action: "sts:AssumeRole", PrincipalType: "AWS", Principals: caller.principals(), Context: ctx}) {
		return nil, stsError(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.arn, p.Get("RoleArn"))
	}
	if caller.roleARN != "" && d > time.Hour {
		return nil, stsError(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if d > ro.MaxSessionDuration {
		return nil, stsError(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	creds, user := s.issue(ro, p.Get("RoleSessionName"), d).credentials()
	out := &sts.AssumeRoleOutput{AssumedRoleUser: user, Credentials: creds, ResultMetadata: metadata(rid)}
	if p.Has("SourceIdentity") {
		out.SourceIdentity = aws.String(p.Get("SourceIdentity"))
	}
	return encode(out)
}

func (s *Server) getCallerIdentity(r *http.Request, body []byte, call *Call, rid string) ([]byte, *stsxml.Error) {
	caller, e := s.authenticate(r, body, call)
	if e != nil {
		return nil, e
	}
	return encode(&sts.GetCallerIdentityOutput{
		Account: aws.String(caller.account), Arn: aws.String(caller.arn), UserId: aws.String(caller.userID), ResultMetadata: metadata(rid),
	})
}

// authenticate verifies the request's SigV4 signature and returns the signer.
func (s *Server) authenticate(r *http.Request, body []byte, call *Call) (*identity, *stsxml.Error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, stsError(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	a, err := sigv4check.ParseAuthorization(h)
	if err != nil {
		return nil, stsError(http.StatusBadRequest, "IncompleteSignature", "%v", err)
	}
	mismatch := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	if a.Service != "sts" {
		return nil, stsError(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'.")
	}
	s.mu.Lock()
	id := s.identities[a.AccessKeyID]
	s.mu.Unlock()
	if id == nil || subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Amz-Security-Token")), []byte(id.token)) != 1 {
		return nil, stsError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	call.Caller, call.SigningRegion = id.arn, a.Region
	if !id.expires.IsZero() && !s.now().Before(id.expires) {
		return nil, stsError(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
	}
	signedAt, err := a.SignedAt(r, s.now())
	switch {
	case errors.Is(err, sigv4check.ErrSkew):
		return nil, stsError(http.StatusForbidden, "SignatureDoesNotMatch", "Signature expired or not yet current: %v", err)
	case err != nil:
		return nil, stsError(http.StatusBadRequest, "IncompleteSignature", "%v", err)
	}
	sum := sha256.Sum256(body)
	if !sigv4check.Verify(r, a, id.secret, hex.EncodeToString(sum[:]), signedAt) {
		return nil, stsError(http.StatusForbidden, "SignatureDoesNotMatch", "%s", mismatch)
	}
	return id, nil
}

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// checkRoleParams refuses what STS's API constraints refuse in the parameters both AssumeRole
// operations take, in one ValidationError as STS words it, and returns the duration asked for
// (one hour when absent).
func checkRoleParams(p url.Values) (time.Duration, *stsxml.Error) {
	var failures []string
	fail := func(value, member, constraint string) {
		failures = append(failures, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member %s", value, member, constraint))
	}
	if arn := p.Get("RoleArn"); len(arn) < 20 || len(arn) > 2048 {
		fail(redact.Clip(arn, 64), "roleArn", "must have length between 20 and 2048")
	}
	if name := p.Get("RoleSessionName"); !sessionNamePattern.MatchString(name) {
		fail(redact.Clip(name, 80), "roleSessionName", `must have length between 2 and 64 and satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	d := time.Hour
	if v := p.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			fail(redact.Clip(v, 16), "durationSeconds", "must have value between 900 and 43200")
		}
		d = time.Duration(n) * time.Second
	}
	if !p.Has("WebIdentityToken") && p.Get("Action") == OpAssumeRoleWithWebIdentity {
		failures = append(failures, "Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null")
	}
	switch len(failures) {
	case 0:
		return d, nil
	case 1:
		return d, stsError(http.StatusBadRequest, "ValidationError", "1 validation error detected: %s", failures[0])
	}
	return d, stsError(http.StatusBadRequest, "ValidationError", "%d validation errors detected: %s", len(failures), strings.Join(failures, "; "))
}
