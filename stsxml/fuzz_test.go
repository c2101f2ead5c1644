package stsxml_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/stretchr/testify/require"

	"github.com/irsa-go/irsa/internal/stsencode"
	"github.com/irsa-go/irsa/stsxml"
)

// The fuzz targets check, for any status and body:
//   - no panic, and the error is always a *Error or a *FormatError, with bounded text;
//   - a successful decode has every required value, and encode→decode gives it back;
//   - a decoded error document re-encodes to the same *Error;
//   - no text of a SecretAccessKey or SessionToken element shows in any error text.
// They are in package stsxml_test because the encoders' package imports stsxml.

// requireCredentials requires every credentials value to be present and non-empty.
func requireCredentials(t *testing.T, c *types.Credentials) {
	require.NotNil(t, c)
	for _, v := range []*string{c.AccessKeyId, c.SecretAccessKey, c.SessionToken} {
		require.NotNil(t, v)
		require.NotEmpty(t, *v)
	}
	require.NotNil(t, c.Expiration)
	require.False(t, c.Expiration.IsZero())
}

// seed adds every document in testdata under a few statuses, and some odd bodies.
func seed(f *testing.F) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, status := range []uint16{200, 400, 503} {
			f.Add(status, b)
		}
	}
	for _, s := range []string{"", "<", "<?xml?>", "<a/>", "<Error><Code>X</Code></Error>",
		`<ErrorResponse><Errors><Error><Code>AccessDenied</Code></Error></Errors></ErrorResponse>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><x/>`, "<a><![CDATA[x]]></a>", "<a>&#x1F600;&amp;</a>",
		`<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>kP9/2xVq+Lr7TzW3mYb8NcJ5uHd1sGf6aQe4oKi0</SecretAccessKey>` +
			`<SessionToken>IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7Y1n2mFq9k</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>`} {
		f.Add(uint16(200), []byte(s))
	}
}

var secretElement = regexp.MustCompile(`(?i)<([\w.-]+:)?(SecretAccessKey|SessionToken)(\s[^>]*)?>([^<]*)`)

// checkNoSecrets fails if the text of a secret element in body shows in err. A text is only
// checked when it is 8 bytes or more, mixes letters and digits, and occurs in body just once
// (otherwise it is also something other than a secret).
func checkNoSecrets(t *testing.T, body []byte, err error) {
	if err == nil {
		return
	}
	texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
	for _, m := range secretElement.FindAllSubmatch(body, -1) {
		secret := bytes.TrimSpace(m[4])
		if len(secret) < 8 || bytes.Count(body, secret) != 1 ||
			!bytes.ContainsAny(secret, "0123456789") || !bytes.ContainsFunc(secret, func(r rune) bool { return r >= 'A' && r <= 'z' }) {
			continue
		}
		for _, text := range texts {
			if strings.Contains(text, string(secret)) {
				t.Fatalf("error shows the secret %q:\n%s", secret, text)
			}
		}
	}
}

func checkError(t *testing.T, status int, body []byte, err error) {
	var apiErr *stsxml.Error
	var fe *stsxml.FormatError
	switch {
	case errors.As(err, &apiErr):
		require.NotEmpty(t, apiErr.Code, "an *Error always has a Code")
		require.Equal(t, status, apiErr.StatusCode)
		// An error document re-encodes to the same error.
		var buf bytes.Buffer
		require.NoError(t, stsencode.Encode(&buf, apiErr))
		want := *apiErr
		if want.Type == "" {
			want.Type = "Sender"
		}
		require.Equal(t, &want, stsxml.DecodeError(status, &buf), "round trip of %q", buf.String())
	case errors.As(err, &fe):
		require.NotEmpty(t, fe.Reason)
		require.NotEmpty(t, fe.Document)
		require.LessOrEqual(t, len(fe.Excerpt), 120, "excerpt too long")
		require.LessOrEqual(t, len(fe.Reason), 200, "reason too long")
		require.True(t, utf8.ValidString(fe.Error()), "error text is not UTF-8")
	default:
		t.Fatalf("unexpected error type %T: %v", err, err)
	}
	checkNoSecrets(t, body, err)
}

func fuzzSuccess[T any](t *testing.T, status int, body []byte, decode func(int, io.Reader) (*T, error),
	encode func(io.Writer, *T) error, complete func(*T)) {
	out, err := decode(status, bytes.NewReader(body))
	if err != nil {
		require.Nil(t, out)
		checkError(t, status, body, err)
		return
	}
	require.True(t, status >= 200 && status < 300, "success with status %d", status)
	complete(out)
	var buf bytes.Buffer
	require.NoError(t, encode(&buf, out))
	again, err := decode(status, &buf)
	require.NoError(t, err, "re-decoding %q", buf.String())
	require.Equal(t, out, again, "round trip of %q", buf.String())
}

func FuzzDecodeAssumeRoleWithWebIdentity(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzSuccess(t, int(status), body, stsxml.DecodeAssumeRoleWithWebIdentity, stsencode.Encode,
			func(out *sts.AssumeRoleWithWebIdentityOutput) { requireCredentials(t, out.Credentials) })
	})
}

func FuzzDecodeAssumeRole(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzSuccess(t, int(status), body, stsxml.DecodeAssumeRole, stsencode.Encode,
			func(out *sts.AssumeRoleOutput) { requireCredentials(t, out.Credentials) })
	})
}

func FuzzDecodeGetCallerIdentity(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzSuccess(t, int(status), body, stsxml.DecodeGetCallerIdentity, stsencode.Encode,
			func(out *sts.GetCallerIdentityOutput) {
				require.NotNil(t, out.Arn)
				require.NotEmpty(t, *out.Arn)
			})
	})
}

func FuzzDecodeError(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		err := stsxml.DecodeError(int(status), bytes.NewReader(body))
		require.Error(t, err)
		checkError(t, int(status), body, err)
	})
}
