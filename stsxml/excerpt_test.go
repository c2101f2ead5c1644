package stsxml

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"an empty body gives an empty excerpt", "", ""},
		{"short text is shown with whitespace collapsed", "Service\r\n  Unavailable\n", "Service Unavailable"},
		{"attributes are dropped and names kept", `<?xml version="1.0"?><ErrorResponse xmlns="urn:x"><Error a='b'><Code>AccessDenied</Code></Error></ErrorResponse>`,
			"<?xml?><ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"},
		{"text in a secret element is hidden even when short", "<SecretAccessKey>abc</SecretAccessKey><SessionToken>x y z</SessionToken><Arn>a</Arn>",
			"<SecretAccessKey>…</SecretAccessKey><SessionToken>…</SessionToken><Arn>a</Arn>"},
		{"text below a secret element is hidden at any depth", "<sts:Token><b>abc</b> d</sts:Token>e", "<sts:Token><b>…</b>…</sts:Token>e"},
		{"a self-closing secret element hides nothing after it", "<SessionToken/>abc", "<SessionToken/>abc"},
		{"a long run of token characters is hidden, with what is glued to it", "token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln ok", "… ok"},
		{"a 15-character run is shown and a 16-character one hidden", "abcdefghijklmno abcdefghijklmnop", "abcdefghijklmno …"},
		{"a long run cut by the end of the excerpt is still hidden", strings.Repeat("x ", 49) + strings.Repeat("A1", 20), strings.Repeat("x ", 49) + "…"},
		{"punctuation breaks runs, so JSON stays readable", `{"message":"Forbidden"}`, `{"message":"Forbidden"}`},
		{"comments are left out and CDATA is hidden", "<a><!-- secret --><![CDATA[secret]]></a>", "<a><![CDATA[…]]></a>"},
		{"a DOCTYPE shows its name only", "<!DOCTYPE html PUBLIC \"x\"><html>", "<!DOCTYPE html><html>"},
		{"unprintable bytes and invalid UTF-8 show as question marks", "a\x01b \xff\xfe ü", "a?b ?? ü"},
		{"a byte order mark is skipped", "\xef\xbb\xbf<a/>", "<a/>"},
		{"an unterminated tag ends the excerpt", "<a><b attr=\"1", "<a><b>…"},
		{"an unterminated comment ends the excerpt", "<a><!-- x", "<a>…"},
		{"a lone less-than sign in text is shown", "1 < 2", "1 < 2"},
		{"a long name is cut", "<" + strings.Repeat("n", 50) + ">", "<" + strings.Repeat("n", 40) + "…>"},
		{"a long body is cut at about 100 characters", strings.Repeat("word ", 40), strings.TrimSpace(strings.Repeat("word ", 21)) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, excerpt([]byte(tt.body)))
		})
	}
}

func TestRedactTokens(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a message without tokens is unchanged", "Not authorized to perform sts:AssumeRoleWithWebIdentity", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"a JWT is redacted", "Value 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' is bad", "Value '[redacted]' is bad"},
		{"a long base64 run mixing letters and digits is redacted", "token " + strings.Repeat("Ab3/", 16) + " end", "token [redacted] end"},
		{"a long run of letters only is kept", "Value '" + strings.Repeat("a", 80) + "'", "Value '" + strings.Repeat("a", 80) + "'"},
		{"an issuer URL is kept", "for https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF0123", "for https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF0123"},
		{"several tokens are all redacted", "eyJaaaaaaaaaaaaaaaaaaaaa and eyJbbbbbbbbbbbbbbbbbbbbbb", "[redacted] and [redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, redactTokens(tt.in))
		})
	}
}
