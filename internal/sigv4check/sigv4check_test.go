package sigv4check

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

var signedAt = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// signed returns a request signed by aws-sdk-go-v2's signer, as the SDK and s3ls sign.
func signed(t *testing.T, service, path string, token string) (*http.Request, Auth) {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:9/"+path+"?list-type=2&prefix=a%2Fb", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: token}
	s := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" })
	if err := s.SignHTTP(context.Background(), creds, r, emptySHA256, service, "eu-west-1", signedAt); err != nil {
		t.Fatal(err)
	}
	a, err := ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	return r, a
}

func TestVerifyAcceptsWhatTheSDKSignsAndNothingElse(t *testing.T) {
	for _, tc := range []struct{ name, service, path, token string }{
		{"an S3 request whose key needs escaping, path not escaped twice", "s3", "bucket/a%20b/c~d", ""},
		{"an STS request with a signed session token", "sts", "", "session-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, a := signed(t, tc.service, tc.path, tc.token)
			if a.AccessKeyID != "AKIDEXAMPLE" || a.Region != "eu-west-1" || a.Service != tc.service || a.Date != "20260304" {
				t.Fatalf("parsed %+v", a)
			}
			at, err := a.SignedAt(r, signedAt.Add(MaxSkew))
			if err != nil || !at.Equal(signedAt) {
				t.Fatalf("SignedAt = %v, %v", at, err)
			}
			if !Verify(r, a, "secret", emptySHA256, at) {
				t.Fatal("the SDK's signature does not verify")
			}
			if Verify(r, a, "another secret", emptySHA256, at) {
				t.Error("a wrong secret verifies")
			}
			r.URL.RawQuery = "list-type=2&prefix=x"
			if Verify(r, a, "secret", emptySHA256, at) {
				t.Error("a changed query verifies")
			}
		})
	}
}

func TestSignedAtChecksTheDateAndTheClock(t *testing.T) {
	r, a := signed(t, "sts", "", "")
	if _, err := a.SignedAt(r, signedAt.Add(MaxSkew+time.Second)); !errors.Is(err, ErrSkew) {
		t.Errorf("16 minutes late: %v", err)
	}
	if _, err := a.SignedAt(r, signedAt.Add(-MaxSkew-time.Second)); !errors.Is(err, ErrSkew) {
		t.Errorf("16 minutes early: %v", err)
	}
	a.Date = "20260305"
	if _, err := a.SignedAt(r, signedAt); err == nil || !strings.Contains(err.Error(), "not the date") {
		t.Errorf("scope date of another day: %v", err)
	}
	r.Header.Set("X-Amz-Date", "yesterday")
	if _, err := a.SignedAt(r, signedAt); err == nil || !strings.Contains(err.Error(), "basic format") {
		t.Errorf("bad X-Amz-Date: %v", err)
	}
}

func TestParseAuthorizationRefusesMalformedHeaders(t *testing.T) {
	for _, h := range []string{
		"",
		"AWS AKID:signature",
		"AWS4-HMAC-SHA256 Credential=AKID/20260304/us-east-1/sts/aws4_request, SignedHeaders=host",
		"AWS4-HMAC-SHA256 Credential=AKID/20260304/us-east-1/sts, SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKID/20260304//sts/aws4_request, SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKID/20260304/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date, Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKID/20260304/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date;host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKID/20260304/us-east-1/sts/aws4_request, SignedHeaders=Host, Signature=00",
	} {
		if a, err := ParseAuthorization(h); err == nil {
			t.Errorf("%q parsed as %+v", h, a)
		}
	}
}

// FuzzParseAuthorization: a parsed header has every part of the scope and host among its
// lower-case, sorted signed headers; nothing panics.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/s3/aws4_request,SignedHeaders=host,Signature=0")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=, Signature=")
	f.Add("Bearer x")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			return
		}
		if a.AccessKeyID == "" || a.Region == "" || a.Signature == "" || !strings.HasPrefix(h, "AWS4-HMAC-SHA256 ") {
			t.Fatalf("incomplete authorization %+v from %q", a, h)
		}
		host := false
		for i, sh := range a.SignedHeaders {
			if sh != strings.ToLower(sh) || (i > 0 && a.SignedHeaders[i-1] >= sh) {
				t.Fatalf("signed headers %q not lower-case and sorted", a.SignedHeaders)
			}
			host = host || sh == "host"
		}
		if !host {
			t.Fatal("host not signed")
		}
	})
}
