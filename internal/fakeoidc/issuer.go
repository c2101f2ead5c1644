package fakeoidc

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultPath is the path of an issuer URL unless Options.Path says otherwise: EKS issuer URLs
// look like https://oidc.eks.REGION.amazonaws.com/id/<32 hex digits>, and the path matters
// because IAM's trust-policy keys are written as "<host/path>:sub".
const DefaultPath = "/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

// Paths the issuer serves, relative to its URL.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/openid/v1/jwks"
)

// Options configures an Issuer. The zero value is ready to use.
type Options struct {
	// Now is the issuer's clock (iat/nbf/exp of minted tokens, names of rotated directories).
	// Optional; default time.Now.
	Now func() time.Time
	// Key signs tokens. Optional; default SharedKey().
	Key *rsa.PrivateKey
	// KeyID is the kid of the key. Optional; default the key's RFC 7638 thumbprint.
	KeyID string
	// Path is the issuer URL's path. Optional; default DefaultPath. "/" gives an issuer URL
	// without a path (http://127.0.0.1:PORT).
	Path string
	// TokenDir is the directory of the issuer's projected volume (where Mint writes).
	// Optional; default a new temporary directory that Close removes.
	TokenDir string
}

// Issuer is a running fake OIDC issuer. Its methods are safe for concurrent use.
type Issuer struct {
	srv    *httptest.Server
	url    string
	key    *rsa.PrivateKey
	kid    string
	now    func() time.Time
	vol    *Volume
	tmpDir string // removed by Close; "" when the caller gave TokenDir

	unavailable            atomic.Bool
	discoveryReqs, jwksReq atomic.Int64

	closeOnce sync.Once
}

// TB is the part of testing.TB that Start uses; *testing.T and *testing.B satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	TempDir() string
}

// New starts an issuer on 127.0.0.1. Call Close when done.
func New(opts Options) (*Issuer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Key == nil {
		opts.Key = SharedKey()
	}
	if opts.KeyID == "" {
		opts.KeyID = Thumbprint(&opts.Key.PublicKey)
	}
	switch {
	case opts.Path == "":
		opts.Path = DefaultPath
	case opts.Path == "/":
		opts.Path = ""
	case !strings.HasPrefix(opts.Path, "/") || strings.HasSuffix(opts.Path, "/") || strings.ContainsAny(opts.Path, "?#: "):
		return nil, fmt.Errorf("fakeoidc: Options.Path %q must start with \"/\", not end with one, and hold no '?', '#', ':' or spaces", opts.Path)
	}
	iss := &Issuer{key: opts.Key, kid: opts.KeyID, now: opts.Now}
	dir := opts.TokenDir
	if dir == "" {
		d, err := os.MkdirTemp("", "fakeoidc-")
		if err != nil {
			return nil, fmt.Errorf("fakeoidc: %w", err)
		}
		dir, iss.tmpDir = d, d
	}
	vol, err := NewVolume(VolumeOptions{Dir: dir, Now: opts.Now})
	if err != nil {
		if iss.tmpDir != "" {
			_ = os.RemoveAll(iss.tmpDir)
		}
		return nil, err
	}
	iss.vol = vol

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+opts.Path+DiscoveryPath, iss.serveDiscovery)
	mux.HandleFunc("GET "+opts.Path+JWKSPath, iss.serveJWKS)
	iss.srv = httptest.NewServer(mux) // binds 127.0.0.1
	iss.url = iss.srv.URL + opts.Path
	return iss, nil
}

// Start is New for tests: it fails t on error, puts the token volume in t.TempDir() and closes
// the issuer when t ends.
func Start(t TB, opts Options) *Issuer {
	t.Helper()
	if opts.TokenDir == "" {
		opts.TokenDir = t.TempDir()
	}
	iss, err := New(opts)
	if err != nil {
		t.Fatalf("fakeoidc.Start: %v", err)
	}
	t.Cleanup(iss.Close)
	return iss
}

// Close stops the server and removes the temporary token directory New created, if any.
func (i *Issuer) Close() {
	i.closeOnce.Do(func() {
		i.srv.Close()
		if i.tmpDir != "" {
			_ = os.RemoveAll(i.tmpDir)
		}
	})
}

// URL returns the issuer URL, the iss claim of its tokens: http://127.0.0.1:PORT/id/….
func (i *Issuer) URL() string { return i.url }

// HostPath returns the issuer URL without its scheme: the prefix of IAM trust-policy condition
// keys ("<HostPath>:sub", "<HostPath>:aud") and the tail of the IAM OIDC provider ARN.
func (i *Issuer) HostPath() string { return HostPath(i.url) }

// HostPath returns issuerURL without "https://" or "http://", as IAM writes it in condition
// keys and OIDC provider ARNs.
func HostPath(issuerURL string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(issuerURL, "https://"), "http://")
	return strings.TrimSuffix(s, "/")
}

// ProviderARN returns the ARN of the IAM OIDC provider for this issuer in account, as a trust
// policy's Federated principal names it (partition "aws").
func (i *Issuer) ProviderARN(account string) string {
	return "arn:aws:iam::" + account + ":oidc-provider/" + i.HostPath()
}

// DiscoveryURL returns the URL of the OpenID configuration document.
func (i *Issuer) DiscoveryURL() string { return i.url + DiscoveryPath }

// JWKSURL returns the URL of the JWKS document.
func (i *Issuer) JWKSURL() string { return i.url + JWKSPath }

// KeyID returns the kid of the issuer's signing key.
func (i *Issuer) KeyID() string { return i.kid }

// PublicKey returns the issuer's public key.
func (i *Issuer) PublicKey() *rsa.PublicKey { return &i.key.PublicKey }

// Now returns the issuer's current time.
func (i *Issuer) Now() time.Time { return i.now() }

// Volume returns the issuer's projected volume, where Mint writes.
func (i *Issuer) Volume() *Volume { return i.vol }

// TokenFile returns the path pods read the token from (AWS_WEB_IDENTITY_TOKEN_FILE):
// TokenDir/token, a symlink through ..data. It exists after the first Mint.
func (i *Issuer) TokenFile() string { return i.vol.Path() }

// Sign returns a signed token described by opts, without writing it anywhere.
func (i *Issuer) Sign(opts TokenOptions) (string, error) {
	return sign(opts, i.url, i.key, i.kid, i.now())
}

// Mint signs a token described by opts and publishes it in the issuer's volume (TokenFile) with
// a kubelet-style atomic rotation. It returns the token.
func (i *Issuer) Mint(opts TokenOptions) (string, error) {
	return i.MintTo(i.vol, opts)
}

// MintTo is Mint for another volume (another pod).
func (i *Issuer) MintTo(v *Volume, opts TokenOptions) (string, error) {
	tok, err := i.Sign(opts)
	if err != nil {
		return "", err
	}
	return tok, v.Write([]byte(tok))
}

// WriteRaw publishes content as the token file as-is (a malformed token, an empty file, …).
func (i *Issuer) WriteRaw(content string) error { return i.vol.Write([]byte(content)) }

// SetUnavailable makes the discovery and JWKS endpoints answer 503 (true) or work again
// (false), as an issuer whose bucket or API server is unreachable.
func (i *Issuer) SetUnavailable(down bool) { i.unavailable.Store(down) }

// DiscoveryRequests returns how many times the discovery document was requested.
func (i *Issuer) DiscoveryRequests() int { return int(i.discoveryReqs.Load()) }

// JWKSRequests returns how many times the JWKS document was requested.
func (i *Issuer) JWKSRequests() int { return int(i.jwksReq.Load()) }

// Discovery is the OpenID configuration document a Kubernetes API server publishes.
type Discovery struct {
	Issuer                           string   `json:"issuer"`
	JWKSURI                          string   `json:"jwks_uri"`
	ResponseTypesSupported           []string `json:"response_types_supported"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
}

func (i *Issuer) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	i.discoveryReqs.Add(1)
	if i.unavailable.Load() {
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, Discovery{
		Issuer:                           i.url,
		JWKSURI:                          i.JWKSURL(),
		ResponseTypesSupported:           []string{"id_token"},
		SubjectTypesSupported:            []string{"public"},
		IDTokenSigningAlgValuesSupported: []string{"RS256"},
	})
}

func (i *Issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	i.jwksReq.Add(1)
	if i.unavailable.Load() {
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, JWKS{Keys: []JWK{publicJWK(&i.key.PublicKey, i.kid)}})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
