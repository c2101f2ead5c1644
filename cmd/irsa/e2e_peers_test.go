//go:build unix

package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/peers"
	"github.com/irsa-go/irsa/internal/sigv4check"
)

// The end-to-end tests run the built irsa with real clients (Debian's s3cmd, the AWS CLI)
// against moto's S3, with credentials from the project's fake STS for a token of its fake OIDC
// issuer. Between the clients and moto sits a recorder that checks, for every request, that it
// was signed with keys the fake STS issued, with their session token and their secret.

// peer finds a program on PATH, or skips (fails, in CI) the test.
func peer(t *testing.T, name, why string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		peers.Missing(t, "%s is not on PATH (%s)", name, why)
	}
	return p
}

// signedRequest is what the recorder saw of one request to moto. It holds no secret.
type signedRequest struct {
	Method, Path, Query string
	// AccessKeyID is the key the request was signed with, or "" when it was not signed.
	AccessKeyID string
	// Issued: the key was issued by the fake STS; TokenMatches: the request carried that
	// key's session token; SignatureValid: the signature verifies with that key's secret.
	Issued, TokenMatches, SignatureValid bool
	// Status is moto's answer.
	Status int
}

func (r signedRequest) String() string {
	return fmt.Sprintf("%s %s?%s key %q issued=%t token=%t signature=%t -> %d", r.Method, r.Path, r.Query, r.AccessKeyID, r.Issued, r.TokenMatches, r.SignatureValid, r.Status)
}

// verified reports whether the request was signed, with its session token, by keys sts issued.
func (r signedRequest) verified() bool { return r.Issued && r.TokenMatches && r.SignatureValid }

// recorder is a reverse proxy on 127.0.0.1 in front of moto's S3 that checks each request's
// credentials against what the fake STS issued (moto accepts any keys).
type recorder struct {
	srv *httptest.Server
	sts *fakests.Server

	mu       sync.Mutex
	requests []signedRequest
}

func startRecorder(t *testing.T, motoURL string, sts *fakests.Server) *recorder {
	t.Helper()
	target, err := url.Parse(motoURL)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{sts: sts}
	proxy := httputil.NewSingleHostReverseProxy(target)
	transport := &http.Transport{ResponseHeaderTimeout: 30 * time.Second}
	proxy.Transport = transport
	t.Cleanup(transport.CloseIdleConnections) // after the server's Close, registered below
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sr := rec.check(r)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		proxy.ServeHTTP(sw, r)
		sr.Status = sw.status
		rec.mu.Lock()
		rec.requests = append(rec.requests, sr)
		rec.mu.Unlock()
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

// URL is the recorder's address, http://127.0.0.1:PORT, to give clients as S3's endpoint.
func (rec *recorder) URL() string { return rec.srv.URL }

// Host is URL without the scheme.
func (rec *recorder) Host() string { return strings.TrimPrefix(rec.srv.URL, "http://") }

// Requests returns what the recorder has seen so far.
func (rec *recorder) Requests() []signedRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]signedRequest(nil), rec.requests...)
}

func (rec *recorder) check(r *http.Request) signedRequest {
	sr := signedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	a, err := sigv4check.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return sr
	}
	sr.AccessKeyID = a.AccessKeyID
	issued, ok := rec.sts.LookupIssued(a.AccessKeyID)
	if !ok {
		return sr
	}
	sr.Issued = true
	sr.TokenMatches = hmac.Equal([]byte(r.Header.Get("X-Amz-Security-Token")), []byte(issued.SessionToken))
	if signedAt, err := a.SignedAt(r, time.Now()); err == nil {
		sr.SignatureValid = sigv4check.Verify(r, a, issued.SecretAccessKey, r.Header.Get("X-Amz-Content-Sha256"), signedAt)
	}
	return sr
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// putObjects creates bucket in moto and puts objects (key: size) in it, signed with moto's
// own static test keys, not with anything irsa gives.
func putObjects(t *testing.T, motoURL, bucket string, objects map[string]int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	put := func(path string, body []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, motoURL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		creds := aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, "s3", "us-east-1", time.Now(),
			func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("PUT %s: %s", path, resp.Status)
		}
	}
	put("/"+bucket, nil)
	for key, size := range objects {
		put("/"+bucket+"/"+(&url.URL{Path: key}).EscapedPath(), bytes.Repeat([]byte("x"), size))
	}
}

// runBinary runs a program with exactly env, bounded in time.
func runBinary(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	r := peers.Run(t, env, name, args...)
	return result{r.Code, r.Stdout, r.Stderr}
}

// webIdentitySecrets are the token in e's token file and the secrets of every credential the
// fake STS has issued so far: none may appear in what irsa prints on stderr.
func webIdentitySecrets(t *testing.T, e *fakests.Env, rec *recorder) []string {
	t.Helper()
	token, err := os.ReadFile(e.TokenFile)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{strings.TrimSpace(string(token))}
	for _, r := range rec.Requests() {
		if issued, ok := e.STS.LookupIssued(r.AccessKeyID); ok {
			secrets = append(secrets, issued.SecretAccessKey, issued.SessionToken)
		}
	}
	return secrets
}
