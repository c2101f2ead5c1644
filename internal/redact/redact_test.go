package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

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

func TestSecrets(t *testing.T) {
	const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
	cases := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"a whole secret is hidden wherever it appears", "key " + key + " and " + key, []string{key}, "key [redacted] and [redacted]"},
		{"the start of a secret cut off by a clip is hidden", "echo: " + key[:20] + "…", []string{key}, "echo: [redacted]…"},
		{"the end of a secret whose start was cut is hidden", "…" + key[25:] + " end", []string{key}, "…[redacted] end"},
		{"the signature of a JWT is hidden on its own", "sig=" + jwt[strings.LastIndexByte(jwt, '.')+1:], []string{jwt}, "sig=[redacted]"},
		{"a short secret is hidden where it appears whole", "pw=hunter2", []string{"hunter2"}, "pw=[redacted]"},
		{"empty secrets change nothing", "nothing secret", []string{"", ""}, "nothing secret"},
		{"text without the secret is unchanged", "AccessDenied: not authorized", []string{key}, "AccessDenied: not authorized"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Secrets(tc.in, tc.secrets...); got != tc.want {
				t.Fatalf("Secrets(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"a JWT is hidden", "Value 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' at 'webIdentityToken'", "Value '[redacted]' at 'webIdentityToken'"},
		{"a 40-character secret access key is hidden", "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY leaked", "secret [redacted] leaked"},
		{"an access key ID (20 characters) is kept", "key AKIAIOSFODNN7EXAMPLE refused", "key AKIAIOSFODNN7EXAMPLE refused"},
		{"an issuer URL is kept", "issuer https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE1234 unknown", "issuer https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE1234 unknown"},
		{"an issuer URL with a port is kept, path included", "provider for http://127.0.0.1:40369/id/EXAMPLED539D4633E53DE1B71EXAMPLE found", "provider for http://127.0.0.1:40369/id/EXAMPLED539D4633E53DE1B71EXAMPLE found"},
		{"a secret after a colon that follows no URL host is hidden", "key:12345/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "key:[redacted]"},
		{"a secret after a URL and a space is hidden", "https://h:1 wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "https://h:1 [redacted]"},
		{"a long run of letters alone is kept", strings.Repeat("a", 80), strings.Repeat("a", 80)},
		{"a short eyJ word is kept", "eyJhbGci", "eyJhbGci"},
		{"text without tokens is unchanged", "Not authorized to perform sts:AssumeRoleWithWebIdentity", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Tokens(tc.in); got != tc.want {
				t.Fatalf("Tokens(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	cases := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"short text is unchanged", "abc", 5, "abc"},
		{"text at the limit is unchanged", "abcde", 5, "abcde"},
		{"long text is cut and marked", "abcdef", 3, "abc…"},
		{"a multi-byte character is never split", "aé", 2, "a…"},
		{"a cut at zero keeps only the mark", "abc", 0, "…"},
		{"a negative limit is a cut at zero", "abc", -1, "…"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Clip(tc.in, tc.n)
			if got != tc.want {
				t.Fatalf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Fatalf("Clip(%q, %d) = %q is not valid UTF-8", tc.in, tc.n, got)
			}
		})
	}
}

func TestSecretsHidesRunsThatStartOrEndLikeASecret(t *testing.T) {
	secret := "abcdefghijklmnopqrstuvwxyz0123456789"
	for _, tc := range []struct{ in, want string }{
		{"no secret here", "no secret here"},
		{"x " + secret + " y", "x [redacted] y"},
		{secret + secret, "[redacted][redacted]"},
		{"cut " + secret[:20], "cut [redacted]"},
		{secret[10:] + " tail", "[redacted] tail"},
		{"short abcdefghij stays", "short abcdefghij stays"},
		{"", ""},
	} {
		if got := Secrets(tc.in, secret, ""); got != tc.want {
			t.Errorf("Secrets(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
