package fakests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An issuer is an external input to STS: whatever its documents are, a token it cannot
// vouch for is refused with STS's verification-key error, and nothing is read past the caps.
func TestHostileIssuerDocumentsAreRefused(t *testing.T) {
	good := fakeoidc.JWKS{Keys: []fakeoidc.JWK{}}
	{
		iss := fakeoidc.Start(t, fakeoidc.Options{})
		var set fakeoidc.JWKS
		resp, err := http.Get(iss.JWKSURL())
		require.NoError(t, err)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))
		resp.Body.Close()
		good = set
	}
	goodJWKS, _ := json.Marshal(good)
	tinyKey := good
	tinyKey.Keys = []fakeoidc.JWK{good.Keys[0]}
	tinyKey.Keys[0].N = "AQAB"
	tinyJWKS, _ := json.Marshal(tinyKey)

	for _, tt := range []struct {
		name      string
		discovery func(issuer string) string
		jwks      string
		status    int
		wantOK    bool
	}{
		{"well-formed documents verify the token", okDiscovery, string(goodJWKS), 200, true},
		{"a discovery document naming another issuer", func(string) string { return `{"issuer":"https://elsewhere","jwks_uri":"x"}` }, string(goodJWKS), 200, false},
		{"a discovery document without jwks_uri", func(iss string) string { return `{"issuer":"` + iss + `"}` }, string(goodJWKS), 200, false},
		{"a discovery document that is not JSON", func(string) string { return "<html>" }, string(goodJWKS), 200, false},
		{"an empty discovery document", func(string) string { return "" }, string(goodJWKS), 200, false},
		{"a discovery document over 1 MiB", func(iss string) string {
			return `{"issuer":"` + iss + `","jwks_uri":"` + iss + `/jwks","pad":"` + strings.Repeat("a", 1<<20) + `"}`
		}, string(goodJWKS), 200, false},
		{"a JWKS that is not JSON", okDiscovery, "not json", 200, false},
		{"an empty JWKS", okDiscovery, `{"keys":[]}`, 200, false},
		{"a JWKS with a key under 2048 bits", okDiscovery, string(tinyJWKS), 200, false},
		{"a JWKS with an EC key only", okDiscovery, `{"keys":[{"kty":"EC","kid":"` + good.Keys[0].Kid + `","crv":"P-256","x":"a","y":"b"}]}`, 200, false},
		{"a JWKS answered with a 500", okDiscovery, string(goodJWKS), 500, false},
		{"a JWKS over 1 MiB", okDiscovery, `{"keys":[],"pad":"` + strings.Repeat("a", 1<<20) + `"}`, 200, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var issuerURL string
			mux := http.NewServeMux()
			mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(tt.discovery(issuerURL)))
			})
			mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.jwks))
			})
			hostile := httptest.NewServer(mux)
			defer hostile.Close()
			issuerURL = hostile.URL

			clock := &fakeoidc.Clock{}
			srv := Start(t, Options{Now: clock.Now})
			require.NoError(t, srv.AddOIDCProvider(issuerURL, "sts.amazonaws.com"))
			role := "arn:aws:iam::" + acctA + ":role/r"
			require.NoError(t, srv.AddRole(Role{ARN: role, TrustPolicy: WebIdentityTrustPolicy(acctA, issuerURL, "system:serviceaccount:default:app", "")}))
			signer := fakeoidc.Start(t, fakeoidc.Options{Now: clock.Now})
			tok, err := signer.Sign(fakeoidc.TokenOptions{Issuer: issuerURL})
			require.NoError(t, err)

			status, body := post(t, srv, webIdentityParams(role, "s1", tok))
			if tt.wantOK {
				assert.Equal(t, 200, status, "%s", body)
				return
			}
			e := stsErr(t, status, body)
			assert.Equal(t, 400, status)
			assert.Equal(t, "InvalidIdentityToken", e.Code)
			assert.Equal(t, MessageVerificationKey, e.Message)
		})
	}
}

func okDiscovery(iss string) string {
	return `{"issuer":"` + iss + `","jwks_uri":"` + iss + `/jwks"}`
}

// The server fetches keys only from loopback addresses: an OIDC provider registered for a
// real host is never dialled (nor resolved).
func TestKeysAreNeverFetchedFromNonLoopbackHosts(t *testing.T) {
	clock := &fakeoidc.Clock{}
	srv := Start(t, Options{Now: clock.Now})
	const real = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	require.NoError(t, srv.AddOIDCProvider(real, "sts.amazonaws.com"))
	role := "arn:aws:iam::" + acctA + ":role/r"
	require.NoError(t, srv.AddRole(Role{ARN: role, TrustPolicy: WebIdentityTrustPolicy(acctA, real, "system:serviceaccount:default:app", "")}))
	signer := fakeoidc.Start(t, fakeoidc.Options{Now: clock.Now})
	tok, err := signer.Sign(fakeoidc.TokenOptions{Issuer: real})
	require.NoError(t, err)

	status, body := post(t, srv, webIdentityParams(role, "s1", tok))
	e := stsErr(t, status, body)
	assert.Equal(t, "InvalidIdentityToken", e.Code)
	assert.Equal(t, MessageVerificationKey, e.Message)

	_, err = loopbackClient().Get("http://192.0.2.1/")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refusing to dial 192.0.2.1:80: only loopback addresses are allowed")
}
