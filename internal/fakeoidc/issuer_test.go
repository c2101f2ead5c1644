package fakeoidc

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verify is an independent RS256 verifier: it checks tok against the keys of jwks and returns
// the header and claims.
func verify(t *testing.T, tok string, jwks JWKS) (header, claims map[string]any, err error) {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(hb, &header))
	dec := json.NewDecoder(strings.NewReader(string(cb)))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&claims))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	for _, k := range jwks.Keys {
		if k.Kid != header["kid"] {
			continue
		}
		nb, _ := base64.RawURLEncoding.DecodeString(k.N)
		eb, _ := base64.RawURLEncoding.DecodeString(k.E)
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		return header, claims, rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	}
	return header, claims, os.ErrNotExist
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode == 200 {
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		require.NoError(t, json.Unmarshal(b, v))
	}
	return resp.StatusCode
}

func TestIssuerServesDiscoveryAndJWKSThatVerifyItsTokens(t *testing.T) {
	leakcheck.Check(t)
	iss := Start(t, Options{})
	defer http.DefaultClient.CloseIdleConnections()

	assert.True(t, strings.HasPrefix(iss.URL(), "http://127.0.0.1:"), iss.URL())
	assert.True(t, strings.HasSuffix(iss.URL(), DefaultPath), iss.URL())

	var disc Discovery
	require.Equal(t, 200, getJSON(t, iss.DiscoveryURL(), &disc))
	assert.Equal(t, iss.URL(), disc.Issuer)
	assert.Equal(t, iss.URL()+"/openid/v1/jwks", disc.JWKSURI)
	assert.Equal(t, []string{"RS256"}, disc.IDTokenSigningAlgValuesSupported)

	var jwks JWKS
	require.Equal(t, 200, getJSON(t, disc.JWKSURI, &jwks))
	require.Len(t, jwks.Keys, 1)
	assert.Equal(t, JWK{Use: "sig", Kty: "RSA", Kid: iss.KeyID(), Alg: "RS256", N: jwks.Keys[0].N, E: "AQAB"}, jwks.Keys[0])
	assert.Equal(t, Thumbprint(iss.PublicKey()), iss.KeyID())

	tok, err := iss.Sign(TokenOptions{})
	require.NoError(t, err)
	_, _, err = verify(t, tok, jwks)
	assert.NoError(t, err)

	assert.Equal(t, 1, iss.DiscoveryRequests())
	assert.Equal(t, 1, iss.JWKSRequests())
}

func TestMintWritesKubernetesClaims(t *testing.T) {
	clock := NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	iss := Start(t, Options{Now: clock.Now})
	tok, err := iss.Mint(TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d4b9c6f5-x2k8p"})
	require.NoError(t, err)

	content, err := os.ReadFile(iss.TokenFile())
	require.NoError(t, err)
	assert.Equal(t, tok, string(content))

	header, claims, err := verify(t, tok, JWKS{Keys: []JWK{publicJWK(iss.PublicKey(), iss.KeyID())}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"alg": "RS256", "kid": iss.KeyID()}, header)
	assert.Equal(t, iss.URL(), claims["iss"])
	assert.Equal(t, "system:serviceaccount:payments:api", claims["sub"])
	assert.Equal(t, []any{"sts.amazonaws.com"}, claims["aud"])
	assert.Equal(t, json.Number("1795500000"), claims["iat"])
	assert.Equal(t, json.Number("1795500000"), claims["nbf"])
	assert.Equal(t, json.Number("1795586400"), claims["exp"], "24 hours after iat")
	assert.Len(t, claims["jti"], 36)
	k8s := claims["kubernetes.io"].(map[string]any)
	assert.Equal(t, "payments", k8s["namespace"])
	sa := k8s["serviceaccount"].(map[string]any)
	pod := k8s["pod"].(map[string]any)
	assert.Equal(t, "api", sa["name"])
	assert.Equal(t, "api-7d4b9c6f5-x2k8p", pod["name"])
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, sa["uid"])
	assert.NotEqual(t, sa["uid"], pod["uid"])

	again, err := iss.Sign(TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d4b9c6f5-x2k8p"})
	require.NoError(t, err)
	_, claims2, _ := verify(t, again, JWKS{Keys: []JWK{publicJWK(iss.PublicKey(), iss.KeyID())}})
	assert.Equal(t, k8s, claims2["kubernetes.io"], "UIDs are stable across mints")
	assert.NotEqual(t, claims["jti"], claims2["jti"], "jti is unique per token")
}

func TestTokenOptionsMakeInvalidTokensForNegativeTests(t *testing.T) {
	clock := &Clock{}
	iss := Start(t, Options{Now: clock.Now})
	jwks := JWKS{Keys: []JWK{publicJWK(iss.PublicKey(), iss.KeyID())}}
	now := clock.Now()

	tests := []struct {
		name   string
		opts   TokenOptions
		check  func(t *testing.T, header, claims map[string]any)
		badSig bool
	}{
		{"an expired token has exp in the past", TokenOptions{Expires: now.Add(-time.Minute)}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, json.Number("1795499940"), c["exp"])
		}, false},
		{"a lifetime sets exp relative to iat", TokenOptions{Lifetime: time.Hour, IssuedAt: now.Add(-2 * time.Hour)}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, json.Number("1795492800"), c["iat"])
			assert.Equal(t, json.Number("1795496400"), c["exp"])
		}, false},
		{"a wrong audience is written as given", TokenOptions{Audience: []string{"vault", "other"}}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, []any{"vault", "other"}, c["aud"])
		}, false},
		{"a wrong issuer is written as given", TokenOptions{Issuer: "https://evil.example"}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, "https://evil.example", c["iss"])
		}, false},
		{"a nil claim removes it", TokenOptions{Claims: map[string]any{"aud": nil, "kubernetes.io": nil}}, func(t *testing.T, _, c map[string]any) {
			assert.NotContains(t, c, "aud")
			assert.NotContains(t, c, "kubernetes.io")
		}, false},
		{"a claim can be replaced by any JSON value", TokenOptions{Claims: map[string]any{"aud": "single-string", "exp": "soon"}}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, "single-string", c["aud"])
			assert.Equal(t, "soon", c["exp"])
		}, false},
		{"another key gives a signature the JWKS does not verify", TokenOptions{Key: OtherKey()}, func(t *testing.T, h, _ map[string]any) {
			assert.Equal(t, iss.KeyID(), h["kid"])
		}, true},
		{"a future nbf is written as given", TokenOptions{NotBefore: now.Add(time.Hour)}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, json.Number("1795503600"), c["nbf"])
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := iss.Sign(tt.opts)
			require.NoError(t, err)
			h, c, err := verify(t, tok, jwks)
			if tt.badSig {
				assert.ErrorIs(t, err, rsa.ErrVerification)
			} else {
				assert.NoError(t, err)
			}
			tt.check(t, h, c)
		})
	}

	t.Run("alg none leaves the signature empty", func(t *testing.T) {
		tok, err := iss.Sign(TokenOptions{Header: map[string]any{"alg": "none"}})
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(tok, "."), tok)
		assert.Len(t, strings.Split(tok, "."), 3)
	})
}

func TestOtherKeyDiffersFromSharedKeyAndBothAreReused(t *testing.T) {
	assert.Same(t, SharedKey(), SharedKey())
	assert.Same(t, OtherKey(), OtherKey())
	assert.False(t, SharedKey().Equal(OtherKey()))
	assert.Equal(t, 2048, SharedKey().N.BitLen())
}

func TestUnavailableIssuerAnswers503(t *testing.T) {
	iss := Start(t, Options{})
	iss.SetUnavailable(true)
	var v any
	assert.Equal(t, 503, getJSON(t, iss.DiscoveryURL(), &v))
	assert.Equal(t, 503, getJSON(t, iss.JWKSURL(), &v))
	iss.SetUnavailable(false)
	assert.Equal(t, 200, getJSON(t, iss.JWKSURL(), &v))
	assert.Equal(t, 1, iss.DiscoveryRequests())
	assert.Equal(t, 2, iss.JWKSRequests())
}

func TestIssuerPathOption(t *testing.T) {
	t.Run("slash gives an issuer URL without a path", func(t *testing.T) {
		iss := Start(t, Options{Path: "/"})
		assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, iss.URL())
		var d Discovery
		require.Equal(t, 200, getJSON(t, iss.URL()+"/.well-known/openid-configuration", &d))
		assert.Equal(t, iss.URL(), d.Issuer)
	})
	t.Run("a custom path is part of the URL and of HostPath", func(t *testing.T) {
		iss := Start(t, Options{Path: "/clusters/blue"})
		assert.True(t, strings.HasSuffix(iss.URL(), "/clusters/blue"))
		assert.Equal(t, strings.TrimPrefix(iss.URL(), "http://"), iss.HostPath())
		assert.Equal(t, "arn:aws:iam::111122223333:oidc-provider/"+iss.HostPath(), iss.ProviderARN("111122223333"))
	})
	for _, bad := range []string{"id", "/id/", "/a?b", "/a b", "/a:b"} {
		t.Run("path "+bad+" is refused", func(t *testing.T) {
			_, err := New(Options{Path: bad, TokenDir: t.TempDir()})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "Options.Path")
		})
	}
}

func TestHostPathStripsSchemeAndTrailingSlash(t *testing.T) {
	assert.Equal(t, "oidc.eks.us-west-2.amazonaws.com/id/ABC", HostPath("https://oidc.eks.us-west-2.amazonaws.com/id/ABC"))
	assert.Equal(t, "127.0.0.1:8080/id/ABC", HostPath("http://127.0.0.1:8080/id/ABC/"))
}

func TestNewWithoutTokenDirRemovesItsTemporaryDirectoryOnClose(t *testing.T) {
	iss, err := New(Options{})
	require.NoError(t, err)
	_, err = iss.Mint(TokenOptions{})
	require.NoError(t, err)
	dir := filepath.Dir(iss.TokenFile())
	_, err = os.Stat(dir)
	require.NoError(t, err)
	iss.Close()
	iss.Close() // idempotent
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestWriteRawPublishesContentAsIs(t *testing.T) {
	iss := Start(t, Options{})
	require.NoError(t, iss.WriteRaw(""))
	b, err := os.ReadFile(iss.TokenFile())
	require.NoError(t, err)
	assert.Empty(t, b)
	require.NoError(t, iss.WriteRaw("  not.a.jwt\n"))
	b, err = os.ReadFile(iss.TokenFile())
	require.NoError(t, err)
	assert.Equal(t, "  not.a.jwt\n", string(b))
}

func TestMalformedTokensAreNotVerifiableJWTs(t *testing.T) {
	iss := Start(t, Options{})
	jwks := JWKS{Keys: []JWK{publicJWK(iss.PublicKey(), iss.KeyID())}}
	names := map[string]bool{}
	for _, m := range MalformedTokens() {
		t.Run(m.Name, func(t *testing.T) {
			assert.False(t, names[m.Name], "names are unique")
			names[m.Name] = true
			parts := strings.Split(m.Token, ".")
			if len(parts) != 3 {
				return
			}
			ok := true
			for i, p := range parts {
				b, err := base64.RawURLEncoding.DecodeString(p)
				if err != nil {
					ok = false
					break
				}
				if i < 2 {
					var obj map[string]any
					if json.Unmarshal(b, &obj) != nil {
						ok = false
						break
					}
				}
			}
			if ok {
				// Well-formed on the outside: the signature must then be what fails.
				_, _, err := verify(t, m.Token, jwks)
				assert.Error(t, err)
			}
		})
	}
}

func TestClock(t *testing.T) {
	var c Clock
	assert.Equal(t, DefaultStart, c.Now())
	assert.Equal(t, DefaultStart.Add(time.Hour), c.Advance(time.Hour))
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Set(at)
	assert.Equal(t, at, c.Now())
	assert.Equal(t, at, NewClock(at).Now())
}
