package fakests

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/trustpolicy"
	"github.com/irsa-go/irsa/stsxml"
)

// assumeRoleWithWebIdentity checks, in STS's order: the parameters, the token's shape and
// claims, the issuer (a registered OIDC provider), the audience, the signature, exp and nbf,
// the role's trust policy, the duration.
func (s *Server) assumeRoleWithWebIdentity(ctx context.Context, p url.Values, call *Call, rid string) ([]byte, *stsxml.Error) {
	d, e := checkRoleParams(p)
	if e != nil {
		return nil, e
	}
	invalid := func(format string, args ...any) ([]byte, *stsxml.Error) {
		return nil, stsError(http.StatusBadRequest, "InvalidIdentityToken", format, args...)
	}
	j, err := parseJWT(p.Get("WebIdentityToken"))
	if err != nil {
		return invalid("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	c := j.claims
	call.Caller = c.Sub
	if c.Iss == "" || c.Sub == "" || len(c.Aud) == 0 || c.Exp == 0 {
		return invalid("Missing a required claim: iss, sub, aud and exp are required")
	}
	s.mu.Lock()
	clientIDs, known := s.providers[c.Iss]
	ro := s.roles[p.Get("RoleArn")]
	s.mu.Unlock()
	if !known {
		return invalid("No OpenIDConnect provider found in your account for %s", c.Iss)
	}
	i := slices.IndexFunc(c.Aud, func(a string) bool { return slices.Contains(clientIDs, a) })
	if i < 0 {
		return invalid("Incorrect token audience")
	}
	if j.header.Alg != "RS256" {
		return invalid("Unsupported token signing algorithm %q; the token must be signed with RS256", j.header.Alg)
	}
	key, err := s.key(ctx, c.Iss, j.header.Kid)
	if err != nil {
		return invalid("%s", msgVerificationKey)
	}
	sum := sha256.Sum256([]byte(j.signingInput))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], j.signature) != nil {
		return invalid("The token's signature could not be verified with the identity provider's keys")
	}
	if now := s.now().Unix(); now >= int64(c.Exp) {
		return nil, stsError(http.StatusBadRequest, "ExpiredTokenException", "Token expired: current date/time %d must be before the expiration date/time %d", now, int64(c.Exp))
	} else if now < int64(c.Nbf) {
		return nil, stsError(http.StatusForbidden, "IDPRejectedClaim", "Token is not yet valid: current date/time %d must be on or after the not-before date/time %d", now, int64(c.Nbf))
	}
	denied := stsError(http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	if ro == nil {
		return nil, denied
	}
	hp := fakeoidc.HostPath(c.Iss)
	provider := "arn:aws:iam::" + ro.account + ":oidc-provider/" + hp
	if !ro.trust.Allows(trustpolicy.Request{Action: "sts:AssumeRoleWithWebIdentity", PrincipalType: "Federated", Principals: []string{provider},
		Context: map[string]string{strings.ToLower(hp + ":sub"): c.Sub, strings.ToLower(hp + ":aud"): c.Aud[i]}}) {
		return nil, denied
	}
	if d > ro.MaxSessionDuration {
		return nil, stsError(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	creds, user := s.issue(ro, p.Get("RoleSessionName"), d).credentials()
	return encode(&sts.AssumeRoleWithWebIdentityOutput{
		AssumedRoleUser: user, Credentials: creds, SubjectFromWebIdentityToken: aws.String(c.Sub),
		Audience: aws.String(c.Aud[i]), Provider: aws.String(provider), ResultMetadata: metadata(rid),
	})
}

// jwt is a parsed, not yet verified, JSON Web Token.
type jwt struct {
	header struct{ Alg, Kid string }
	claims struct {
		Iss, Sub string
		Aud      trustpolicy.OneOrMany
		Exp, Nbf float64
	}
	signingInput string
	signature    []byte
}

// parseJWT splits and decodes a compact JWS. It checks the shape only, never the signature.
func parseJWT(tok string) (*jwt, error) {
	parts := strings.Split(tok, ".")
	if len(tok) > 20000 || len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	dec := base64.RawURLEncoding.DecodeString
	header, err1 := dec(parts[0])
	claims, err2 := dec(parts[1])
	sig, err3 := dec(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	j := &jwt{signingInput: parts[0] + "." + parts[1], signature: sig}
	if err := errors.Join(json.Unmarshal(header, &j.header), json.Unmarshal(claims, &j.claims)); err != nil {
		return nil, err
	}
	return j, nil
}

// key returns the issuer's signing key kid, fetched as STS fetches it: the discovery document
// names jwks_uri, which holds the keys. Keys are cached; an unknown kid fetches them again.
func (s *Server) key(ctx context.Context, issuer, kid string) (*rsa.PublicKey, error) {
	s.keysMu.Lock()
	defer s.keysMu.Unlock()
	if k := s.keys[issuer][kid]; k != nil {
		return k, nil
	}
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	var set struct {
		Keys []struct{ Kty, Kid, N, E string }
	}
	if err := s.getJSON(ctx, issuer+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	if disc.Issuer != issuer {
		return nil, fmt.Errorf("the discovery document names issuer %q, not %q", disc.Issuer, issuer)
	}
	if err := s.getJSON(ctx, disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kty == "RSA" && err1 == nil && err2 == nil && len(e) <= 4 {
			keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		}
	}
	s.keys[issuer] = keys
	if k := keys[kid]; k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("the issuer's JWKS has no RSA key %q", kid)
}

func (s *Server) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

func metadata(rid string) (md middleware.Metadata) {
	awsmiddleware.SetRequestIDMetadata(&md, rid)
	return md
}
