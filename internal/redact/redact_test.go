package redact

import "testing"

func TestURLUserinfo(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"a URL without user information is unchanged", "https://sts.example.com/path?x=1", "https://sts.example.com/path?x=1"},
		{"a user and password are hidden", "https://alice:s3cret@sts.example.com/", "https://[redacted]@sts.example.com/"},
		{"an @ in the password is hidden with it", "https://alice:p@ss@sts.example.com", "https://[redacted]@sts.example.com"},
		{"an @ in the query is not user information", "https://sts.example.com/?mail=a@b", "https://sts.example.com/?mail=a@b"},
		{"text without a scheme is redacted too", "alice:s3cret@host:443/x", "[redacted]@host:443/x"},
		{"text that is not a URL is unchanged", "not a url", "not a url"},
		{"empty text is unchanged", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := URLUserinfo(tc.in); got != tc.want {
				t.Fatalf("URLUserinfo(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
