// Package fakests is a fake AWS STS for tests, benchmarks and the offline demo. It listens on
// 127.0.0.1 (httptest) and behaves like the real service for the three operations this module
// calls, answering with STS's XML (written by package stsxml) and STS's error codes:
//
//   - AssumeRoleWithWebIdentity (unsigned): the token must be an RS256 JWT whose signature
//     verifies against the issuer's JWKS, fetched over HTTP through the issuer's discovery
//     document (cached; an unknown kid refetches once); its iss must be a registered OIDC
//     provider (AddOIDCProvider) and its aud one of the provider's client IDs; exp and nbf are
//     checked against the server's clock; the role's trust policy must allow the provider with
//     its conditions on "<issuer host/path>:sub" and ":aud".
//   - AssumeRole and GetCallerIdentity: the SigV4 signature is recomputed with aws-sdk-go-v2's
//     signer using the secret of the signing access key (credentials this server issued, or
//     users registered with AddUser); X-Amz-Security-Token must match the issued session token,
//     the request date must be within 15 minutes of the server's clock. AssumeRole then checks
//     the role's trust of the caller (account, role, user, session ARNs; sts:ExternalId and
//     other conditions) and the one-hour role-chaining limit.
//
// Errors, in the order STS reports them: ValidationError (400) for parameters outside STS's
// constraints (RoleSessionName 2–64 of [\w+=,.@-], DurationSeconds 900–43200 and at most the
// role's MaxSessionDuration, …); InvalidIdentityToken (400) for a malformed token, an unknown
// issuer ("No OpenIDConnect provider found in your account for …"), a wrong audience
// ("Incorrect token audience"), a bad signature, or keys that cannot be fetched ("Couldn't
// retrieve verification key from your identity provider, …"); ExpiredTokenException (400) for
// an expired token; IDPRejectedClaim (403) for a token not yet valid (nbf); AccessDenied (403)
// when the trust policy does not allow the call ("Not authorized to perform
// sts:AssumeRoleWithWebIdentity"; for AssumeRole "User: … is not authorized to perform:
// sts:AssumeRole on resource: …"); MissingAuthenticationToken, IncompleteSignature,
// InvalidClientTokenId, SignatureDoesNotMatch (also "Signature expired: …") and ExpiredToken
// for signing problems. Messages follow STS's where AWS documents or users have reported them.
//
// Issued credentials have ASIA access key IDs, random 40-character secrets and long random
// session tokens, expire after the granted duration and are remembered to verify later calls;
// LookupIssued hands them to other fakes (a fake S3) that must accept them.
//
// Faults (FailNext, SetFaultFunc) inject latency, Throttling, InternalFailure (500),
// ServiceUnavailable (503), IDPCommunicationError, the verification-key error, a reset
// connection, a truncated body and an HTML page in place of XML. Every call is recorded
// (Calls, Count, CountRole) without secrets or tokens.
//
// NewEnv / StartEnv set up what nearly every test needs: an issuer registered as an OIDC
// provider, a role trusting one service account, and a token file.
//
// Not modelled: query-string (presigned) authentication, identity policies of the caller
// (only trust policies decide), session tag propagation, regional STS enablement
// (RegionDisabledException), MFA, and real policy packing (PackedPolicySize is an estimate).
package fakests
