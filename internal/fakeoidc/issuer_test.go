package fakeoidc

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type jwks struct {
	Keys []struct{ Use, Kty, Kid, Alg, N, E string } `json:"keys"`
}

// verify is an independent RS256 verifier: it checks tok against the keys of set and returns
// the header and claims.
func verify(t *testing.T, tok string, set jwks) (header, claims map[string]any, err error) {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(hb, &header))
	dec := json.NewDecoder(bytes.NewReader(cb))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&claims))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	for _, k := range set.Keys {
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
	if resp.StatusCode == 200 {
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	}
	return resp.StatusCode
}

// keysOf fetches iss's JWKS through its discovery document.
func keysOf(t *testing.T, iss *Issuer) jwks {
	t.Helper()
	var disc struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	require.Equal(t, 200, getJSON(t, iss.URL()+"/.well-known/openid-configuration", &disc))
	assert.Equal(t, iss.URL(), disc.Issuer)
	assert.Equal(t, iss.URL()+"/openid/v1/jwks", disc.JWKSURI)
	assert.Equal(t, []string{"RS256"}, disc.Algs)
	var set jwks
	require.Equal(t, 200, getJSON(t, disc.JWKSURI, &set))
	return set
}

func TestIssuerServesDiscoveryAndJWKSThatVerifyItsTokens(t *testing.T) {
	leakcheck.Check(t)
	iss := Start(t, Options{})
	defer http.DefaultClient.CloseIdleConnections()
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/id/EXAMPLED539D4633E53DE1B71EXAMPLE$`, iss.URL())
	assert.Equal(t, strings.TrimPrefix(iss.URL(), "http://"), iss.HostPath())

	set := keysOf(t, iss)
	require.Len(t, set.Keys, 1)
	k := set.Keys[0]
	assert.Equal(t, []string{"sig", "RSA", "RS256", "AQAB"}, []string{k.Use, k.Kty, k.Alg, k.E})
	tok, err := iss.Sign(TokenOptions{})
	require.NoError(t, err)
	_, _, err = verify(t, tok, set)
	assert.NoError(t, err)
	assert.Equal(t, 1, iss.JWKSFetches())
}

func TestMintWritesKubernetesClaims(t *testing.T) {
	clock := NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	iss := Start(t, Options{Now: clock.Now})
	tok, err := iss.Mint(TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d4b9c6f5-x2k8p"})
	require.NoError(t, err)
	content, err := os.ReadFile(iss.TokenFile())
	require.NoError(t, err)
	assert.Equal(t, tok, string(content))

	set := keysOf(t, iss)
	header, claims, err := verify(t, tok, set)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"alg": "RS256", "kid": set.Keys[0].Kid}, header)
	assert.Equal(t, iss.URL(), claims["iss"])
	assert.Equal(t, "system:serviceaccount:payments:api", claims["sub"])
	assert.Equal(t, []any{"sts.amazonaws.com"}, claims["aud"])
	assert.Equal(t, json.Number("1795500000"), claims["iat"])
	assert.Equal(t, json.Number("1795500000"), claims["nbf"])
	assert.Equal(t, json.Number("1795586400"), claims["exp"], "24 hours after iat")
	assert.Equal(t, map[string]any{"namespace": "payments", "serviceaccount": map[string]any{"name": "api"},
		"pod": map[string]any{"name": "api-7d4b9c6f5-x2k8p"}}, claims["kubernetes.io"])

	again, err := iss.Sign(TokenOptions{})
	require.NoError(t, err)
	_, claims2, _ := verify(t, again, set)
	assert.Equal(t, "system:serviceaccount:default:app", claims2["sub"], "defaults")
	assert.Equal(t, "app-0", claims2["kubernetes.io"].(map[string]any)["pod"].(map[string]any)["name"])
	assert.NotEqual(t, claims["jti"], claims2["jti"], "jti is unique per token")
}

func TestTokenOptionsMakeInvalidTokensForNegativeTests(t *testing.T) {
	clock := NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	iss := Start(t, Options{Now: clock.Now})
	set := keysOf(t, iss)
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
		{"a lifetime sets exp relative to iat", TokenOptions{Lifetime: time.Hour}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, json.Number("1795503600"), c["exp"])
		}, false},
		{"audience and subject are written as given", TokenOptions{Audience: []string{"vault", "other"}, Subject: "user"}, func(t *testing.T, _, c map[string]any) {
			assert.Equal(t, []any{"vault", "other"}, c["aud"])
			assert.Equal(t, "user", c["sub"])
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
			assert.Equal(t, set.Keys[0].Kid, h["kid"])
		}, true},
		{"a header field can be replaced", TokenOptions{Header: map[string]any{"kid": "rotated-away"}}, func(t *testing.T, h, _ map[string]any) {
			assert.Equal(t, "rotated-away", h["kid"])
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := iss.Sign(tt.opts)
			require.NoError(t, err)
			h, c, err := verify(t, tok, set)
			switch {
			case tt.badSig:
				assert.ErrorIs(t, err, rsa.ErrVerification)
			case h["kid"] == set.Keys[0].Kid:
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
	assert.False(t, sharedKey().Equal(OtherKey()))
	assert.Same(t, OtherKey(), OtherKey(), "keys are made once per process")
}

func TestUnavailableIssuerAnswers503(t *testing.T) {
	iss := Start(t, Options{})
	iss.SetUnavailable(true)
	var v any
	assert.Equal(t, 503, getJSON(t, iss.URL()+"/.well-known/openid-configuration", &v))
	assert.Equal(t, 503, getJSON(t, iss.URL()+"/openid/v1/jwks", &v))
	iss.SetUnavailable(false)
	assert.Equal(t, 200, getJSON(t, iss.URL()+"/openid/v1/jwks", &v))
	assert.Equal(t, 2, iss.JWKSFetches())
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

func TestMalformedTokensAreNotVerifiableJWTs(t *testing.T) {
	iss := Start(t, Options{})
	set := keysOf(t, iss)
	names := map[string]bool{}
	for _, m := range MalformedTokens() {
		t.Run(m.Name, func(t *testing.T) {
			assert.False(t, names[m.Name], "names are unique")
			names[m.Name] = true
			parts := strings.Split(m.Token, ".")
			if len(parts) != 3 {
				return
			}
			for i, p := range parts {
				b, err := base64.RawURLEncoding.DecodeString(p)
				var obj map[string]any
				if err != nil || i < 2 && json.Unmarshal(b, &obj) != nil {
					return
				}
			}
			// Well-formed on the outside: the signature must then be what fails.
			_, _, err := verify(t, m.Token, set)
			assert.Error(t, err)
		})
	}
}

func TestClock(t *testing.T) {
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewClock(at)
	assert.Equal(t, at, c.Now())
	assert.Equal(t, at.Add(time.Hour), c.Advance(time.Hour))
	assert.Equal(t, at.Add(time.Hour), c.Now())
}

func TestTokenFileIsTheKubeletsProjectedVolume(t *testing.T) {
	clock := NewClock(time.Date(2026, 11, 24, 6, 0, 0, 123e6, time.UTC))
	dir := filepath.Join(t.TempDir(), "nested", "mount")
	iss := Start(t, Options{Now: clock.Now, TokenDir: dir})
	first, err := iss.Mint(TokenOptions{})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "token"), iss.TokenFile())
	link, err := os.Readlink(iss.TokenFile())
	require.NoError(t, err)
	assert.Equal(t, "..data/token", link)
	data, err := os.Readlink(filepath.Join(dir, "..data"))
	require.NoError(t, err)
	assert.Regexp(t, `^\.\.2026_11_24_06_00_00\.\d+$`, data)
	fi, err := os.Stat(filepath.Join(dir, data, "token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	assert.Equal(t, 0, iss.Rotations())

	clock.Advance(48 * time.Minute)
	second, err := iss.Mint(TokenOptions{})
	require.NoError(t, err)
	assert.NotEqual(t, first, second)
	data2, err := os.Readlink(filepath.Join(dir, "..data"))
	require.NoError(t, err)
	assert.Regexp(t, `^\.\.2026_11_24_06_48_00\.\d+$`, data2)
	b, err := os.ReadFile(iss.TokenFile())
	require.NoError(t, err)
	assert.Equal(t, second, string(b))
	assert.Equal(t, 1, iss.Rotations())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"token", "..data", data2}, names, "the old payload is removed, ..data_tmp renamed over ..data")
}

func TestTokenFileReadersNeverSeeATornToken(t *testing.T) {
	iss := Start(t, Options{})
	tokens := map[string]bool{}
	var all []string
	for i := 0; i < 40; i++ {
		tok, err := iss.Sign(TokenOptions{Pod: fmt.Sprint("pod-", i)})
		require.NoError(t, err)
		tokens[tok] = true
		all = append(all, tok)
	}
	require.NoError(t, iss.write([]byte(all[0])))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad, vanished atomic.Int64
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				b, err := os.ReadFile(iss.TokenFile())
				switch {
				case errors.Is(err, os.ErrNotExist):
					// The kubelet has the same window: a path walk that resolved ..data just
					// before the swap finds the old directory already removed.
					vanished.Add(1)
				case err != nil || !tokens[string(b)]:
					bad.Add(1)
				}
			}
		}()
	}
	for _, tok := range all[1:] {
		require.NoError(t, iss.write([]byte(tok)))
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, bad.Load(), "reads of a mix of tokens: a reader must see a whole old or new token")
	t.Logf("reads that found the old payload already removed: %d", vanished.Load())
	assert.Equal(t, 39, iss.Rotations())
}
