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
			"<?xml><ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"},
		{"nothing is shown from a secret element on, even when its text is short", "<Arn>a</Arn><SecretAccessKey>abc</SecretAccessKey><SessionToken>x y z</SessionToken>",
			"<Arn>a</Arn><SecretAccessKey>…"},
		{"a secret element with a prefix, another case and attributes is found", `<a><sts:SESSIONTOKEN x="1">abc</sts:SESSIONTOKEN>`, "<a><sts:SESSIONTOKEN>…"},
		{"any name suggesting a secret counts", "<x><db-Password>hunter2</db-Password>", "<x><db-Password>…"},
		{"a JWT is hidden, with what is glued to it", "token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln ok", "[redacted] ok"},
		{"a secret access key in text is hidden", `{"SecretAccessKey":"kP9/2xVq+Lr7TzW3mYb8NcJ5uHd1sGf6aQe4oKi0"}`, `{"SecretAccessKey":"[redacted]"}`},
		{"a long run cut by the end of the excerpt is still hidden whole", strings.Repeat("x ", 49) + strings.Repeat("A1", 200), strings.Repeat("x ", 49) + "[r…"},
		{"punctuation breaks runs, so JSON stays readable", `{"message":"Forbidden"}`, `{"message":"Forbidden"}`},
		{"a DOCTYPE shows its keyword only", "<!DOCTYPE html PUBLIC \"x\"><html>", "<!DOCTYPE><html>"},
		{"unprintable bytes and invalid UTF-8 show as question marks", "a\x01b \xff\xfe ü", "a?b ?? ü"},
		{"a byte order mark is skipped", "\xef\xbb\xbf<a/>", "<a/>"},
		{"a lone less-than sign in text is shown", "1 < 2", "1 < 2"},
		{"a long body is cut at 100 bytes", strings.Repeat("word ", 40), strings.Repeat("word ", 20) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, excerpt([]byte(tt.body)))
		})
	}
}

func TestErrorMessagesHideTokens(t *testing.T) {
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
			err := DecodeError(400, strings.NewReader("<ErrorResponse><Error><Code>X</Code><Message>"+tt.in+"</Message></Error></ErrorResponse>"))
			assert.Equal(t, tt.want, err.(*Error).Message)
		})
	}
}
