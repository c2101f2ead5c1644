package fakests

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/stsencode"
	"github.com/irsa-go/irsa/stsxml"
)

// assumeRoleWithWebIdentity checks, in STS's order: parameters, the token's shape and required
// claims, the issuer (a registered OIDC provider), the audience, the signature (keys fetched
// from the issuer), exp and nbf, the role's trust policy, the duration.
func (s *Server) assumeRoleWithWebIdentity(req *request) (response, *stsxml.Error) {
	v := &validator{}
	rp := parseRoleParams(req.params, v)
	tok, hasTok := present(req.params, "WebIdentityToken")
	v.checkString("webIdentityToken", tok, hasTok, true, 4, maxTokenSize, "", nil, true)
	if e := v.err(); e != nil {
		return response{}, e
	}
	ro, arnErr := s.lookupRoleForRequest(rp.roleARN)
	if arnErr != nil {
		return response{}, arnErr
	}

	j, err := parseJWT(tok)
	if err != nil {
		return response{}, errInvalidIdentityToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	sub, _ := j.stringClaim("sub")
	req.call.Caller = sub
	iss, ok := j.stringClaim("iss")
	if !ok || iss == "" {
		return response{}, errInvalidIdentityToken("Missing a required claim: iss")
	}
	auds, ok := j.audiences()
	if !ok {
		return response{}, errInvalidIdentityToken("Missing a required claim: aud")
	}
	if sub == "" {
		return response{}, errInvalidIdentityToken("Missing a required claim: sub")
	}
	s.mu.Lock()
	prov := s.providers[fakeoidc.HostPath(iss)]
	s.mu.Unlock()
	if prov == nil || prov.issuerURL != iss {
		return response{}, errInvalidIdentityToken("No OpenIDConnect provider found in your account for %s", iss)
	}
	aud := ""
	for _, a := range auds {
		for _, id := range prov.clientIDs {
			if a == id && aud == "" {
				aud = a
			}
		}
	}
	if aud == "" {
		return response{}, errInvalidIdentityToken("Incorrect token audience")
	}
	if j.alg != "RS256" {
		return response{}, errInvalidIdentityToken("Unsupported token signing algorithm %q; the token must be signed with RS256", j.alg)
	}
	key, err := s.key(req.http.Context(), iss, j.kid)
	if err != nil {
		return response{}, errVerificationKey()
	}
	if !j.verify(key) {
		return response{}, errInvalidIdentityToken("The token's signature could not be verified with the identity provider's keys")
	}
	now := s.now()
	exp, hasExp, err := j.timeClaim("exp")
	if err != nil || !hasExp {
		return response{}, errInvalidIdentityToken("Missing a required claim: exp")
	}
	if now.Unix() >= exp {
		return response{}, senderError(http.StatusBadRequest, CodeExpiredTokenException, "Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), exp)
	}
	if _, hasIat, err := j.timeClaim("iat"); err != nil || !hasIat {
		return response{}, errInvalidIdentityToken("Missing a required claim: iat")
	}
	if nbf, hasNbf, err := j.timeClaim("nbf"); err != nil {
		return response{}, errInvalidIdentityToken("Invalid claim: nbf")
	} else if hasNbf && now.Unix() < nbf {
		return response{}, senderError(http.StatusForbidden, CodeIDPRejectedClaim, "Token is not yet valid: current date/time %d must be on or after the not-before date/time %d", now.Unix(), nbf)
	}

	denied := errAccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
	if ro == nil {
		return response{}, denied
	}
	hp := prov.hostPath
	authz := authzRequest{
		action:    "sts:AssumeRoleWithWebIdentity",
		federated: "arn:" + ro.partition + ":iam::" + ro.account + ":oidc-provider/" + hp,
		context: map[string][]string{
			strings.ToLower(hp + ":sub"): {sub},
			strings.ToLower(hp + ":aud"): {aud},
			"sts:rolesessionname":        {rp.sessionName},
			"aws:federatedprovider":      {"arn:" + ro.partition + ":iam::" + ro.account + ":oidc-provider/" + hp},
		},
	}
	if !ro.trust.allows(authz) {
		return response{}, denied
	}
	if len(rp.tagKeys) > 0 {
		authz.action = "sts:TagSession"
		if !ro.trust.allows(authz) {
			return response{}, errAccessDenied("Not authorized to perform sts:TagSession")
		}
	}
	if rp.duration > ro.maxDur {
		return response{}, errValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	packed, pe := rp.checkSessionPolicy()
	if pe != nil {
		return response{}, pe
	}

	creds, user, akid := s.issue(ro, rp.sessionName, rp.duration, "")
	req.call.IssuedAccessKeyID = akid
	out := &sts.AssumeRoleWithWebIdentityOutput{
		AssumedRoleUser:             user,
		Credentials:                 creds,
		SubjectFromWebIdentityToken: aws.String(sub),
		Audience:                    aws.String(aud),
		Provider:                    aws.String(authz.federated),
		PackedPolicySize:            packed,
		ResultMetadata:              metadataWithRequestID(req.rid),
	}
	var b bytes.Buffer
	return encoded(stsencode.EncodeAssumeRoleWithWebIdentity(&b, out), &b)
}

// lookupRoleForRequest returns the role named by a RoleArn parameter (nil when it does not
// exist, which STS reports as AccessDenied) or a ValidationError when the ARN is not a role ARN.
func (s *Server) lookupRoleForRequest(roleARN string) (*role, *stsxml.Error) {
	a, ok := parseARN(roleARN)
	if !ok || a.service != "iam" || !isAccountID(a.account) {
		return nil, errValidation("%s is invalid", roleARN)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roles[roleARN], nil
}
