package fakeoidc

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"sync"
)

var (
	sharedKeyOnce, otherKeyOnce sync.Once
	sharedKey, otherKey         *rsa.PrivateKey
)

// SharedKey returns the process-wide 2048-bit RSA key issuers sign with unless told otherwise.
// It is generated on first use; generating one per test would make tests slow.
func SharedKey() *rsa.PrivateKey {
	sharedKeyOnce.Do(func() { sharedKey = mustGenerateKey() })
	return sharedKey
}

// OtherKey returns a second process-wide 2048-bit RSA key, different from SharedKey: tokens
// signed with it (TokenOptions.Key) carry a signature that the issuer's JWKS does not verify.
func OtherKey() *rsa.PrivateKey {
	otherKeyOnce.Do(func() { otherKey = mustGenerateKey() })
	return otherKey
}

func mustGenerateKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("fakeoidc: generating an RSA key: " + err.Error())
	}
	return k
}

// Thumbprint returns the RFC 7638 JWK thumbprint of pub (base64url, no padding), which the
// issuer uses as the key ID by default, as Kubernetes API servers derive theirs from the key.
func Thumbprint(pub *rsa.PublicKey) string {
	// RFC 7638: the required members in lexicographic order, no whitespace.
	doc := `{"e":"` + b64(big.NewInt(int64(pub.E)).Bytes()) + `","kty":"RSA","n":"` + b64(pub.N.Bytes()) + `"}`
	sum := sha256.Sum256([]byte(doc))
	return b64(sum[:])
}

// JWK is one key of a JWKS document, as Kubernetes API servers publish them.
type JWK struct {
	Use string `json:"use"`
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWKS is a JSON Web Key Set document.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

func publicJWK(pub *rsa.PublicKey, kid string) JWK {
	return JWK{Use: "sig", Kty: "RSA", Kid: kid, Alg: "RS256", N: b64(pub.N.Bytes()), E: b64(big.NewInt(int64(pub.E)).Bytes())}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func b64JSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return b64(b), nil
}
