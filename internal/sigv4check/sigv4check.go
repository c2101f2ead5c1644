// Package sigv4check verifies AWS Signature Version 4 for the fake STS and the fake S3. It
// parses the Authorization header, then signs a copy of the request that holds only the
// headers the client signed, with aws-sdk-go-v2's signer and the secret the fake knows, and
// compares the two signatures.
package sigv4check

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/irsa-go/irsa/internal/redact"
)

// MaxSkew is how far a request's X-Amz-Date may be from the server's clock, for STS and S3.
const MaxSkew = 15 * time.Minute

const amzDate = "20060102T150405Z"

// Auth is a parsed Authorization header.
type Auth struct {
	AccessKeyID, Date, Region, Service string
	SignedHeaders                      []string
	Signature                          string
}

// ParseAuthorization parses
// "AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex".
// The signed headers must be lower-case, sorted and include host.
func ParseAuthorization(h string) (Auth, error) {
	var a Auth
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		alg, _, _ := strings.Cut(h, " ")
		return a, fmt.Errorf("unsupported algorithm %q: only AWS4-HMAC-SHA256 is supported", redact.Clip(alg, 32))
	}
	var credential, signed string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			a.Signature = v
		}
	}
	if credential == "" || signed == "" || a.Signature == "" {
		return a, errors.New("the Authorization header requires Credential, SignedHeaders and Signature")
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[0] == "" || scope[2] == "" || scope[4] != "aws4_request" {
		return a, errors.New("the Credential must be ACCESS-KEY-ID/YYYYMMDD/REGION/SERVICE/aws4_request")
	}
	a.AccessKeyID, a.Date, a.Region, a.Service = scope[0], scope[1], scope[2], scope[3]
	a.SignedHeaders = strings.Split(signed, ";")
	host := false
	for i, name := range a.SignedHeaders {
		if name == "" || name != strings.ToLower(name) || i > 0 && a.SignedHeaders[i-1] >= name {
			return a, errors.New("SignedHeaders must be a sorted ';'-separated list of lower-case header names")
		}
		host = host || name == "host"
	}
	if !host {
		return a, errors.New("'host' must be a signed header")
	}
	return a, nil
}

// ErrSkew is the error SignedAt wraps for a request signed more than MaxSkew away from the
// server's clock.
var ErrSkew = errors.New("the request time is too far from the server's time")

// SignedAt returns the time in r's X-Amz-Date header, which must be on a's scope date and
// within MaxSkew of now.
func (a Auth) SignedAt(r *http.Request, now time.Time) (time.Time, error) {
	v := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDate, v)
	if err != nil {
		return t, fmt.Errorf("X-Amz-Date %q is not in ISO 8601 basic format", redact.Clip(v, 32))
	}
	if t.Format("20060102") != a.Date {
		return t, fmt.Errorf("the Credential's date %q is not the date of X-Amz-Date %s", redact.Clip(a.Date, 16), v)
	}
	if d := now.Sub(t); d > MaxSkew || d < -MaxSkew {
		return t, fmt.Errorf("%w: signed at %s, more than %v from %s", ErrSkew, t.UTC().Format(amzDate), MaxSkew, now.UTC().Format(amzDate))
	}
	return t, nil
}

// Verify reports whether a.Signature signs r, a request whose payload hashes to payloadHash,
// made at signedAt with a.AccessKeyID and secret. S3 requests are signed without escaping the
// path again, as S3 expects.
func Verify(r *http.Request, a Auth, secret, payloadHash string, signedAt time.Time) bool {
	cp := &http.Request{
		Method: r.Method, Host: r.Host, Header: http.Header{},
		URL: &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
	}
	for _, name := range a.SignedHeaders {
		if name == "content-length" {
			cp.ContentLength = r.ContentLength
		} else if k := http.CanonicalHeaderKey(name); name != "host" {
			cp.Header[k] = r.Header[k]
		}
	}
	creds := aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: secret}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = a.Service == "s3" })
	if err := signer.SignHTTP(context.Background(), creds, cp, payloadHash, a.Service, a.Region, signedAt); err != nil {
		return false
	}
	_, want, _ := strings.Cut(cp.Header.Get("Authorization"), "Signature=")
	return want != "" && hmac.Equal([]byte(want), []byte(a.Signature))
}
