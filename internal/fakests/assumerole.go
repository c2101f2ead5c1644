package fakests

import (
	"bytes"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/stsencode"
	"github.com/irsa-go/irsa/stsxml"
)

// assumeRole checks, in order: the SigV4 signature and the signer's credentials, the
// parameters, that the signer is not an account root, the role's trust of the signer (and of
// sts:SetSourceIdentity / sts:TagSession when used), the role-chaining and role duration limits.
func (s *Server) assumeRole(req *request) (response, *stsxml.Error) {
	caller, e := s.authenticate(req)
	if e != nil {
		return response{}, e
	}
	v := &validator{}
	rp := parseRoleParams(req.params, v)
	extID, hasExtID := present(req.params, "ExternalId")
	if hasExtID {
		v.checkString("externalId", extID, true, false, 2, 1224, patternExternalID, externalIDChar, false)
	}
	srcID, hasSrcID := present(req.params, "SourceIdentity")
	if hasSrcID {
		v.checkString("sourceIdentity", srcID, true, false, 2, 64, patternSessionName, sessionNameChar, false)
	}
	if e := v.err(); e != nil {
		return response{}, e
	}
	ro, e := s.lookupRoleForRequest(rp.roleARN)
	if e != nil {
		return response{}, e
	}
	if caller.root {
		return response{}, errAccessDenied("Roles may not be assumed by root accounts.")
	}
	denied := func(action string) *stsxml.Error {
		return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s", caller.arn, action, rp.roleARN)
	}
	if ro == nil {
		return response{}, denied("sts:AssumeRole")
	}
	// A source identity, once set, stays with every session chained from it.
	if caller.sourceIdentity != "" {
		if hasSrcID && srcID != caller.sourceIdentity {
			return response{}, denied("sts:SetSourceIdentity")
		}
		srcID, hasSrcID = caller.sourceIdentity, true
	}
	ctx := map[string][]string{
		"sts:rolesessionname":  {rp.sessionName},
		"aws:principalarn":     {principalARN(caller)},
		"aws:principalaccount": {caller.account},
	}
	if hasExtID {
		ctx["sts:externalid"] = []string{extID}
	}
	if hasSrcID {
		ctx["sts:sourceidentity"] = []string{srcID}
	}
	authz := authzRequest{action: "sts:AssumeRole", caller: caller, context: ctx}
	if !ro.trust.allows(authz) {
		return response{}, denied("sts:AssumeRole")
	}
	if hasSrcID {
		authz.action = "sts:SetSourceIdentity"
		if !ro.trust.allows(authz) {
			return response{}, denied("sts:SetSourceIdentity")
		}
	}
	if len(rp.tagKeys) > 0 {
		authz.action = "sts:TagSession"
		if !ro.trust.allows(authz) {
			return response{}, denied("sts:TagSession")
		}
	}
	if caller.roleARN != "" && rp.duration > ChainedSessionLimit {
		return response{}, errValidation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if rp.duration > ro.maxDur {
		return response{}, errValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	packed, pe := rp.checkSessionPolicy()
	if pe != nil {
		return response{}, pe
	}

	creds, user, akid := s.issue(ro, rp.sessionName, rp.duration, srcID)
	req.call.IssuedAccessKeyID = akid
	out := &sts.AssumeRoleOutput{
		AssumedRoleUser:  user,
		Credentials:      creds,
		PackedPolicySize: packed,
		ResultMetadata:   metadataWithRequestID(req.rid),
	}
	if hasSrcID {
		out.SourceIdentity = aws.String(srcID)
	}
	var b bytes.Buffer
	return encoded(stsencode.EncodeAssumeRole(&b, out), &b)
}

// principalARN is aws:PrincipalArn: the role's ARN for a role session, else the signer's ARN.
func principalARN(p *principal) string {
	if p.roleARN != "" {
		return p.roleARN
	}
	return p.arn
}

func (s *Server) getCallerIdentity(req *request) (response, *stsxml.Error) {
	caller, e := s.authenticate(req)
	if e != nil {
		return response{}, e
	}
	out := &sts.GetCallerIdentityOutput{
		Account:        aws.String(caller.account),
		Arn:            aws.String(caller.arn),
		UserId:         aws.String(caller.userID),
		ResultMetadata: metadataWithRequestID(req.rid),
	}
	var b bytes.Buffer
	return encoded(stsencode.EncodeGetCallerIdentity(&b, out), &b)
}
