package fakeoidc

import (
	"cmp"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultAudience is the audience EKS's pod identity webhook asks the kubelet for.
const DefaultAudience = "sts.amazonaws.com"

// TokenOptions describes a token; every field is optional. The zero value is a valid token for
// the service account "default/app" with audience "sts.amazonaws.com", valid for 24 hours from
// the issuer's Now. Claims, Header and Key make invalid tokens for negative tests.
type TokenOptions struct {
	// Namespace, ServiceAccount and Pod name the pod; default "default", "app" and
	// ServiceAccount + "-0". Subject is the sub claim; default
	// "system:serviceaccount:NAMESPACE:SERVICEACCOUNT".
	Namespace, ServiceAccount, Pod, Subject string
	// Audience is the aud claim, a JSON array as the Kubernetes API server writes it; default
	// ["sts.amazonaws.com"].
	Audience []string
	// Lifetime is exp - iat; default 24 hours, what EKS's webhook asks for. Expires, when set,
	// is the exp claim instead.
	Lifetime time.Duration
	Expires  time.Time
	// Claims and Header set claims and JOSE header fields after the defaults: a value replaces
	// the field, nil removes it (e.g. {"aud": nil}). With an alg other than RS256 the
	// signature segment is left empty.
	Claims, Header map[string]any
	// Key signs the token instead of the issuer's key, under the issuer's kid, so the signature
	// does not verify against the issuer's JWKS (OtherKey is a ready one).
	Key *rsa.PrivateKey
}

// Sign returns a signed token described by opts, without writing it anywhere.
func (i *Issuer) Sign(opts TokenOptions) (string, error) {
	ns, sa := cmp.Or(opts.Namespace, "default"), cmp.Or(opts.ServiceAccount, "app")
	aud := opts.Audience
	if aud == nil {
		aud = []string{DefaultAudience}
	}
	now := i.now()
	exp := opts.Expires
	if exp.IsZero() {
		exp = now.Add(cmp.Or(opts.Lifetime, 24*time.Hour))
	}
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	claims := map[string]any{
		"iss": i.url, "sub": cmp.Or(opts.Subject, "system:serviceaccount:"+ns+":"+sa), "aud": aud,
		"exp": exp.Unix(), "iat": now.Unix(), "nbf": now.Unix(), "jti": hex.EncodeToString(jti),
		"kubernetes.io": map[string]any{"namespace": ns, "serviceaccount": map[string]any{"name": sa}, "pod": map[string]any{"name": cmp.Or(opts.Pod, sa+"-0")}},
	}
	header := map[string]any{"alg": "RS256", "kid": i.kid}
	override(claims, opts.Claims)
	override(header, opts.Header)
	h, err1 := json.Marshal(header)
	c, err2 := json.Marshal(claims)
	if err := errors.Join(err1, err2); err != nil {
		return "", fmt.Errorf("fakeoidc: encoding the token: %w", err)
	}
	signingInput := b64(h) + "." + b64(c)
	if header["alg"] != "RS256" {
		return signingInput + ".", nil
	}
	key := opts.Key
	if key == nil {
		key = sharedKey()
	}
	sum := sha256.Sum256([]byte(signingInput))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("fakeoidc: signing: %w", err)
	}
	return signingInput + "." + b64(sig), nil
}

func override(dst, src map[string]any) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
		} else {
			dst[k] = v
		}
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Two process-wide 2048-bit keys, generated on first use: one per issuer would make tests slow.
var (
	sharedKey = sync.OnceValue(generateKey)
	// OtherKey returns a key that is not any issuer's: tokens signed with it (TokenOptions.Key)
	// carry a signature the issuer's JWKS does not verify.
	OtherKey = sync.OnceValue(generateKey)
)

func generateKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("fakeoidc: generating an RSA key: " + err.Error())
	}
	return k
}

// MalformedToken is a named token that is not a valid JWT, for negative tests.
type MalformedToken struct {
	// Name says what is wrong with it, as a test case name.
	Name string
	// Token is the file content.
	Token string
}

// MalformedTokens returns tokens that no verifier may accept, each broken in a different way.
// None of them parses as a signed JWT; a verifier must reject each without panicking.
func MalformedTokens() []MalformedToken {
	header := b64([]byte(`{"alg":"RS256","kid":"k"}`))
	claims := b64([]byte(`{"iss":"https://example.invalid","sub":"system:serviceaccount:default:app","aud":["sts.amazonaws.com"],"exp":4102444800}`))
	return []MalformedToken{
		{"not a JWT at all", "this is not a token"},
		{"only two segments", header + "." + claims},
		{"four segments", header + "." + claims + ".c2ln.ZXh0cmE"},
		{"empty segments", ".."},
		{"header is not base64url", "%%%." + claims + ".c2ln"},
		{"header is not JSON", b64([]byte("not json")) + "." + claims + ".c2ln"},
		{"claims are not JSON", header + "." + b64([]byte("{\"iss\":")) + ".c2ln"},
		{"claims are a JSON array", header + "." + b64([]byte(`["iss"]`)) + ".c2ln"},
		{"signature is not base64url", header + "." + claims + ".!!!"},
		{"padded base64 segments", header + "==." + claims + ".c2ln"},
		{"exp is a string", header + "." + b64([]byte(`{"iss":"https://example.invalid","sub":"s","aud":"a","exp":"tomorrow"}`)) + ".c2ln"},
	}
}

// Clock is a settable clock for tests: its Now method is what Options.Now (here and in
// fakests) expects. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock that starts at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}
