package redact

import (
	"strings"
	"testing"
)

func TestAccessKeyID(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	cases := []struct{ name, in, want string }{
		{"a long-term access key ID is shown", "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"},
		{"a temporary access key ID is shown", "ASIAQWERTYUIOP123456", "ASIAQWERTYUIOP123456"},
		{"a secret access key is not shown and the swap is named", secret, "(a 40-character value that does not look like an access key ID: are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY swapped?)"},
		{"a role ID is not an access key ID", "AROAIOSFODNN7EXAMPLE", "(a 20-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits)"},
		{"the SDK examples' AKID is not an access key ID", "AKIDEXAMPLE", "(an 11-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits)"},
		{"lower case is not an access key ID", "akiaiosfodnn7example", "(a 20-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits)"},
		{"a longer value with the prefix is not an access key ID", "AKIAIOSFODNN7EXAMPLE1", "(a 21-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits)"},
		{"an 8-character value is described with its article", "AKIA1234", "(an 8-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits)"},
		{"an empty value is described", "", "(a 0-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := AccessKeyID(tc.in, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
			if got != tc.want {
				t.Fatalf("AccessKeyID(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if !LooksLikeAccessKeyID(tc.in) && tc.in != "" && strings.Contains(got, tc.in) {
				t.Fatalf("AccessKeyID(%q) repeats the value: %q", tc.in, got)
			}
		})
	}
}
