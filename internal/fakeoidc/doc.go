// Package fakeoidc is a Kubernetes-style OpenID Connect issuer for tests, benchmarks and the
// offline demo: the service-account token issuer an EKS cluster exposes, served by httptest on
// 127.0.0.1.
//
// An Issuer serves /.well-known/openid-configuration and a JWKS document, signs RS256 JWTs that
// carry the claims the kubelet's projected service-account tokens carry (iss, sub =
// system:serviceaccount:NS:NAME, aud, exp, iat, nbf, jti and the "kubernetes.io" claim), and
// writes them to a token file laid out exactly as the kubelet lays out a projected volume:
//
//	DIR/..2026_11_24_06_00_00.123456789/token   the payload, in a timestamped directory
//	DIR/..data -> ..2026_11_24_06_00_00.123456789
//	DIR/token  -> ..data/token                  the path pods read (AWS_WEB_IDENTITY_TOKEN_FILE)
//
// Each Mint rotates the token the way the kubelet does: a new timestamped directory, a
// ..data_tmp symlink to it renamed over ..data (an atomic swap), then the old directory removed.
// A reader that opens DIR/token sees the old token or the new one, never a mix.
//
// For negative tests TokenOptions overrides any claim or header field, signs with another key
// (OtherKey), and MalformedTokens lists tokens that are not JWTs at all.
//
// The RSA key is generated once per process (SharedKey) and reused, so starting issuers is cheap.
// The clock is injectable (Options.Now; Clock is a settable one).
package fakeoidc
