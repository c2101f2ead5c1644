// Package fakeoidc is the service-account token issuer an EKS cluster exposes, for tests,
// benchmarks and the offline demo, on 127.0.0.1. It serves an OIDC discovery document and a
// JWKS, signs RS256 JWTs with the claims of the kubelet's projected service-account tokens, and
// writes them to a token file laid out as the kubelet lays out a projected volume:
//
//	DIR/..2026_11_24_06_00_00.123456789/token   the payload, in a timestamped directory
//	DIR/..data -> ..2026_11_24_06_00_00.123456789
//	DIR/token  -> ..data/token                  the path pods read (AWS_WEB_IDENTITY_TOKEN_FILE)
//
// Each Mint rotates the token the way the kubelet does (see write), so a reader that opens
// DIR/token sees the old token or the new one, never a mix.
package fakeoidc

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// issuerPath is the path of issuer URLs: EKS issuer URLs look like
// https://oidc.eks.REGION.amazonaws.com/id/<32 hex digits>, and the path matters because IAM's
// trust-policy keys are written as "<host/path>:sub".
const issuerPath = "/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

// Options configures an Issuer. The zero value is ready to use.
type Options struct {
	// Now is the issuer's clock. Optional; default time.Now.
	Now func() time.Time
	// TokenDir is the projected volume's directory. Optional; default a new temporary
	// directory that Close removes.
	TokenDir string
}

// Issuer is a running fake OIDC issuer. Its methods are safe for concurrent use.
type Issuer struct {
	srv    *httptest.Server
	url    string
	kid    string
	now    func() time.Time
	dir    string
	tmpDir string // removed by Close; "" when the caller gave TokenDir

	unavailable atomic.Bool
	jwksFetches atomic.Int64

	mu        sync.Mutex // serializes token writes
	rotations int
}

// New starts an issuer on 127.0.0.1. Call Close when done.
func New(opts Options) (*Issuer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	sum := sha256.Sum256(sharedKey().N.Bytes())
	iss := &Issuer{kid: b64(sum[:12]), now: opts.Now, dir: opts.TokenDir}
	if iss.dir == "" {
		d, err := os.MkdirTemp("", "fakeoidc-")
		if err != nil {
			return nil, fmt.Errorf("fakeoidc: %w", err)
		}
		iss.dir, iss.tmpDir = d, d
	} else if err := os.MkdirAll(iss.dir, 0o755); err != nil {
		return nil, fmt.Errorf("fakeoidc: creating the token directory: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+issuerPath+"/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		iss.serve(w, map[string]any{"issuer": iss.url, "jwks_uri": iss.url + "/openid/v1/jwks",
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET "+issuerPath+"/openid/v1/jwks", func(w http.ResponseWriter, _ *http.Request) {
		iss.jwksFetches.Add(1)
		pub := sharedKey().PublicKey
		iss.serve(w, map[string]any{"keys": []map[string]string{{"use": "sig", "kty": "RSA", "kid": iss.kid, "alg": "RS256",
			"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}}})
	})
	iss.srv = httptest.NewServer(mux) // binds 127.0.0.1
	iss.url = iss.srv.URL + issuerPath
	return iss, nil
}

// Start is New for tests: it fails t on error, puts the token volume in t.TempDir() and closes
// the issuer when t ends.
func Start(t testing.TB, opts Options) *Issuer {
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
	i.srv.Close()
	if i.tmpDir != "" {
		_ = os.RemoveAll(i.tmpDir)
	}
}

// URL returns the issuer URL, the iss claim of its tokens: http://127.0.0.1:PORT/id/….
func (i *Issuer) URL() string { return i.url }

// HostPath returns HostPath(i.URL()).
func (i *Issuer) HostPath() string { return HostPath(i.url) }

// HostPath returns issuerURL without its scheme and a trailing slash, as IAM writes it in
// trust-policy condition keys ("<HostPath>:sub") and OIDC provider ARNs.
func HostPath(issuerURL string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(issuerURL, "https://"), "http://")
	return strings.TrimSuffix(s, "/")
}

// TokenFile returns the path pods read the token from (AWS_WEB_IDENTITY_TOKEN_FILE):
// TokenDir/token, a symlink through ..data. It exists after the first Mint.
func (i *Issuer) TokenFile() string { return filepath.Join(i.dir, "token") }

// SetUnavailable makes the discovery and JWKS endpoints answer 503 (true) or work again (false).
func (i *Issuer) SetUnavailable(down bool) { i.unavailable.Store(down) }

// JWKSFetches returns how many times the JWKS document was requested.
func (i *Issuer) JWKSFetches() int { return int(i.jwksFetches.Load()) }

// Rotations returns how many times Mint has replaced the token (the first Mint is not a
// rotation).
func (i *Issuer) Rotations() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.rotations
}

func (i *Issuer) serve(w http.ResponseWriter, doc any) {
	if i.unavailable.Load() {
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}

// Mint signs a token described by opts and publishes it as TokenFile with a kubelet-style
// atomic rotation. It returns the token.
func (i *Issuer) Mint(opts TokenOptions) (string, error) {
	tok, err := i.Sign(opts)
	if err != nil {
		return "", err
	}
	return tok, i.write([]byte(tok))
}

// write publishes data the way the kubelet's atomic writer does: into a new directory
// DIR/..YYYY_MM_DD_HH_MM_SS.NNN, then DIR/token -> ..data/token if missing, then a symlink
// DIR/..data_tmp to the new directory renamed over DIR/..data, then the old directory removed.
func (i *Issuer) write(data []byte) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	oldTarget, err := os.Readlink(filepath.Join(i.dir, "..data"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("fakeoidc: %w", err)
	}
	tsDir, err := os.MkdirTemp(i.dir, i.now().UTC().Format("..2006_01_02_15_04_05."))
	if err == nil {
		err = os.Chmod(tsDir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(tsDir, "token"), data, 0o644)
	}
	if _, lerr := os.Lstat(i.TokenFile()); err == nil && errors.Is(lerr, os.ErrNotExist) {
		err = os.Symlink(filepath.Join("..data", "token"), i.TokenFile())
	}
	tmpLink := filepath.Join(i.dir, "..data_tmp")
	if err == nil {
		_ = os.Remove(tmpLink) // left over from an interrupted write
		err = os.Symlink(filepath.Base(tsDir), tmpLink)
	}
	if err == nil {
		err = os.Rename(tmpLink, filepath.Join(i.dir, "..data"))
	}
	if err == nil && oldTarget != "" {
		i.rotations++
		err = os.RemoveAll(filepath.Join(i.dir, oldTarget))
	}
	if err != nil {
		return fmt.Errorf("fakeoidc: writing the token: %w", err)
	}
	return nil
}
