package stsxml

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Realistic-looking secrets (random base64, not real credentials).
const (
	leakKey   = "kP9/2xVq+Lr7TzW3mYb8NcJ5uHd1sGf6aQe4oKi0"
	leakToken = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7Y1n2mFq9k+TL8wR5vZ3pA6bH0cN4sU2jEoKiMyQAIgV1zXr8P3yTc/5uWn7dBq2hLf9sJ0aG6eK4mY1oRvCtMqxwMIr///////////8BEAMaDDEyMzQ1Njc4OTAxMiIM"
	leakJWT   = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjRmOGQifQ.eyJpc3MiOiJodHRwczovL29pZGMuZXhhbXBsZS5jb20iLCJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.U2lnbmF0dXJlQnl0ZXNIZXJlMDEyMzQ1Njc4OQ"
)

// leakDoc puts the credentials first, so that they fall inside any excerpt of the body.
const leakDoc = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><SecretAccessKey>` +
	leakKey + `</SecretAccessKey><SessionToken>` + leakToken + `</SessionToken><AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId><Expiration>2030-01-02T03:04:05Z</Expiration></Credentials>` +
	`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/app/s</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult>` +
	`<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`

// assertNoSecret fails if text holds any 8-byte piece of any secret.
func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, secret := range []string{leakKey, leakToken, leakJWT} {
		for i := 0; i+8 <= len(secret); i++ {
			if piece := secret[i : i+8]; strings.Contains(text, piece) {
				t.Fatalf("%s shows %q, a piece of a secret:\n%s", what, piece, text)
			}
		}
	}
}

// decodeAll runs every decoder on body and returns their errors.
func decodeAll(status int, body string) []error {
	var errs []error
	if _, err := DecodeAssumeRoleWithWebIdentity(status, strings.NewReader(body)); err != nil {
		errs = append(errs, err)
	}
	if _, err := DecodeAssumeRole(status, strings.NewReader(body)); err != nil {
		errs = append(errs, err)
	}
	if _, err := DecodeGetCallerIdentity(status, strings.NewReader(body)); err != nil {
		errs = append(errs, err)
	}
	return append(errs, DecodeError(status, strings.NewReader(body)))
}

func assertErrorsKeepSecrets(t *testing.T, errs []error) {
	t.Helper()
	for _, err := range errs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			assertNoSecret(t, verb, fmt.Sprintf(verb, err))
		}
	}
}

func TestErrorsNeverShowSecretsFromTheBody(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"a document whose Expiration does not parse", strings.Replace(leakDoc, "2030-01-02T03:04:05Z", "soon", 1)},
		{"a document missing AccessKeyId", strings.Replace(leakDoc, "<AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId>", "", 1)},
		{"a document with an unknown entity inside the secret key", strings.Replace(leakDoc, leakKey, leakKey[:10]+"&"+leakKey[10:]+";", 1)},
		{"a document with an unknown entity spanning the secret key", strings.Replace(leakDoc, leakKey, "&"+leakKey+";", 1)},
		{"a document with an element inside the session token", strings.Replace(leakDoc, leakToken, leakToken[:50]+"<b/>"+leakToken[50:], 1)},
		{"a document with a control character in the session token", strings.Replace(leakDoc, leakToken, leakToken[:50]+"\x01"+leakToken[50:], 1)},
		{"a document with a mismatched tag after the secrets", strings.Replace(leakDoc, "</Credentials>", "</Credential>", 1)},
		{"a document with the secret key in a CDATA section", strings.Replace(leakDoc, leakKey, "<![CDATA["+leakKey+"]]>", 1) + "<"},
		{"a document whose secrets are broken up by comments and spaces", strings.Replace(strings.Replace(leakDoc, leakKey, leakKey[:8]+"<!---->"+leakKey[8:16]+" \n "+leakKey[16:], 1), "2030", "x", 1)},
		{"a document with prefixed, upper-case element names", strings.Replace(strings.NewReplacer("<SecretAccessKey>", "<sts:SECRETACCESSKEY>", "</SecretAccessKey>", "</sts:SECRETACCESSKEY>").Replace(leakDoc), "2030", "x", 1)},
		{"a document with attributes on the secret elements", strings.Replace(strings.NewReplacer("<SessionToken>", `<SessionToken a=">" b='<x>'>`).Replace(leakDoc), "2030", "x", 1)},
		{"a document with the secret key inside an unknown element", strings.Replace(leakDoc, "<Credentials>", "<Unknown>"+leakKey+"</Unknown><Credentials", 1)},
		{"a document with a DOCTYPE internal subset before it", `<!DOCTYPE x [<!ENTITY k "` + leakKey + `">]>` + leakDoc},
		{"a document with the wrong root", strings.NewReplacer("AssumeRoleWithWebIdentityResponse", "SomethingElse").Replace(leakDoc)},
		{"a document over the size cap", leakDoc[:len(leakDoc)-40] + strings.Repeat(" ", MaxBodySize)},
		{"an HTML page echoing the request form", `<html><body><pre>Action=AssumeRoleWithWebIdentity&WebIdentityToken=` + leakJWT + `&RoleArn=arn</pre></body></html>`},
		{"a JSON body echoing the credentials", `{"SecretAccessKey":"` + leakKey + `","SessionToken":"` + leakToken + `"}`},
		{"an error document whose message echoes the token", `<ErrorResponse><Error><Code>ValidationError</Code><Message>Value '` + leakJWT + `' at 'webIdentityToken' is wrong</Message></Error></ErrorResponse>`},
		{"an error document whose message echoes a session token", `<ErrorResponse><Error><Code>X</Code><Message>token ` + leakToken + ` rejected</Message></Error></ErrorResponse>`},
		{"plain text holding the secrets", "secret=" + leakKey + " token=" + leakToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, status := range []int{200, 400, 503} {
				assertErrorsKeepSecrets(t, decodeAll(status, tt.body))
			}
		})
	}
}

func TestErrorsForATruncatedBodyNeverShowSecrets(t *testing.T) {
	for _, doc := range []string{leakDoc, strings.Replace(leakDoc, "<SecretAccessKey>", "<!-- c --><sts:SecretAccessKey x='1'>", 1)} {
		for n := 0; n < len(doc); n++ {
			body := doc[:n]
			for _, status := range []int{200, 500} {
				errs := decodeAll(status, body)
				require.NotEmpty(t, errs)
				assertErrorsKeepSecrets(t, errs)
			}
		}
	}
}
