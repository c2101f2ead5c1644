package fakes3

import (
	"strings"
	"testing"
)

// FuzzParseAuthorization checks that any Authorization header is parsed or refused with an S3
// error, never a panic, and that what is accepted has every part of the credential scope.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAFAKE/20260304/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd")
	f.Add("AWS4-HMAC-SHA256 Credential=/20260304/us-east-1/s3/aws4_request,SignedHeaders=host,Signature=0")
	f.Add("AWS AKIA:sig")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=, Signature=")
	f.Fuzz(func(t *testing.T, h string) {
		a, e := parseAuthorization(h)
		if e != nil {
			if e.Code == "" || e.Status < 400 {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if a.AccessKeyID == "" || a.Signature == "" || len(a.SignedHeaders) == 0 || !strings.HasPrefix(h, signingAlgorithm+" ") {
			t.Fatalf("accepted %+v from %q", a, h)
		}
	})
}
