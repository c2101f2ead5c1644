package main

import (
	"strings"
	"testing"
)

// With the access key ID and the secret swapped, S3 refuses the request and the error names
// the swap instead of printing the secret as the access key.
func TestAnS3ErrorShowsOnlyWhatLooksLikeAnAccessKeyID(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	cases := []struct{ name, id, want string }{
		{"an access key ID is shown", "AKIAIOSFODNN7EXAMPLE", "access key AKIAIOSFODNN7EXAMPLE from env"},
		{"a secret in the ID's place is not", secret, "access key (a 40-character value that does not look like an access key ID: are the access key ID and the secret access key swapped?) from env"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := &s3Error{Code: "InvalidAccessKeyId", Bucket: "b", Identity: identity{AccessKeyID: tc.id, Source: "env"}}
			msg := e.Error()
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("error %q lacks %q", msg, tc.want)
			}
			if strings.Contains(msg, secret[:12]) {
				t.Fatalf("error shows the secret: %q", msg)
			}
		})
	}
}
