package stsxml

import (
	"bytes"
	"encoding/xml"
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
)

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

// The fuzz targets check, for any status and body:
//   - no panic, and the error is always a *Error or a *FormatError;
//   - a successful decode has every required value, and encode→decode gives it back;
//   - a decoded error document re-encodes to the same *Error;
//   - whatever this package's scanner accepts, encoding/xml reads the same way (a differential
//     check of the hand-written tokenizer against the standard library);
//   - no text of a SecretAccessKey or SessionToken element shows in any error text.

// seed adds every document in testdata, plus variants the tests use, under a few statuses.
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
	for _, s := range []string{webIdentityDoc, leakDoc, "", "<", "<?xml?>", "<a/>", "<Error><Code>X</Code></Error>",
		`<!DOCTYPE x [<!ENTITY a "b">]><x/>`, "<a><![CDATA[x]]></a>", "<a>&#x1F600;&amp;</a>"} {
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
	var apiErr *Error
	var fe *FormatError
	switch {
	case errors.As(err, &apiErr):
		require.NotEmpty(t, apiErr.Code, "an *Error always has a Code")
		require.Equal(t, status, apiErr.StatusCode)
		// An error document re-encodes to the same error.
		var buf bytes.Buffer
		require.NoError(t, EncodeError(&buf, apiErr))
		want := *apiErr
		if want.Type == "" {
			want.Type = "Sender"
		}
		require.Equal(t, &want, DecodeError(status, &buf), "round trip of %q", buf.String())
	case errors.As(err, &fe):
		require.NotEmpty(t, fe.Reason)
		require.NotEmpty(t, fe.Document)
		require.LessOrEqual(t, len(fe.Excerpt), 4*excerptLen, "excerpt too long")
		require.True(t, utf8.ValidString(fe.Error()), "error text is not UTF-8")
	default:
		t.Fatalf("unexpected error type %T: %v", err, err)
	}
	checkNoSecrets(t, body, err)
}

// referenceWalk is parsed.walk built on encoding/xml, for the differential check.
func referenceWalk(body []byte, roots ...*node) (*parsed, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	p := &parsed{}
	var stack []*node
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var n *node
			if len(stack) == 0 {
				for _, r := range roots {
					if strings.EqualFold(t.Name.Local, r.name) {
						n = r
					}
				}
				if n == nil {
					return nil, errors.New("wrong root")
				}
				p.root = n
			} else if parent := stack[len(stack)-1]; parent != nil {
				if parent.leaf {
					return nil, errors.New("element in a value")
				}
				n = parent.kid([]byte(t.Name.Local))
			}
			if n != nil && n.field != fNone {
				start := int32(len(p.arena))
				p.vals[n.field] = span{start: start, end: start, set: true}
			}
			stack = append(stack, n)
			if len(stack) > maxDepth {
				return nil, errors.New("too deep")
			}
		case xml.EndElement:
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n != nil && n.leaf {
				p.endValue(n)
			}
			if len(stack) == 0 {
				return p, nil
			}
		case xml.CharData:
			if len(stack) > 0 {
				if n := stack[len(stack)-1]; n != nil && n.leaf {
					p.arena = append(p.arena, t...)
				}
			}
		}
	}
}

// checkAgainstEncodingXML requires that a body this package accepted is read the same by
// encoding/xml.
func checkAgainstEncodingXML[T any](t *testing.T, body []byte, got *T, schema *node, build func(*parsed) (*T, string)) {
	p, err := referenceWalk(body, schema, errorResponseSchema, bareErrorSchema)
	require.NoError(t, err, "accepted here but encoding/xml refuses it")
	want, reason := build(p)
	require.Empty(t, reason)
	require.Equal(t, want, got, "encoding/xml reads it differently")
}

func fuzzSuccess[T any](t *testing.T, status int, body []byte, decode func(int, io.Reader) (*T, error),
	encode func(io.Writer, *T) error, schema *node, build func(*parsed) (*T, string), complete func(*T)) {
	out, err := decode(status, bytes.NewReader(body))
	if err != nil {
		require.Nil(t, out)
		checkError(t, status, body, err)
		return
	}
	require.True(t, is2xx(status), "success with status %d", status)
	complete(out)
	checkAgainstEncodingXML(t, body, out, schema, build)
	var buf bytes.Buffer
	require.NoError(t, encode(&buf, out))
	again, err := decode(status, &buf)
	require.NoError(t, err, "re-decoding %q", buf.String())
	require.Equal(t, out, again, "round trip of %q", buf.String())
}

func FuzzDecodeAssumeRoleWithWebIdentity(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzSuccess(t, int(status), body, DecodeAssumeRoleWithWebIdentity, EncodeAssumeRoleWithWebIdentity,
			webIdentitySchema, buildWebIdentity, func(out *sts.AssumeRoleWithWebIdentityOutput) {
				requireCredentials(t, out.Credentials)
			})
	})
}

func FuzzDecodeAssumeRole(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzSuccess(t, int(status), body, DecodeAssumeRole, EncodeAssumeRole,
			assumeRoleSchema, buildAssumeRole, func(out *sts.AssumeRoleOutput) {
				requireCredentials(t, out.Credentials)
			})
	})
}

func FuzzDecodeGetCallerIdentity(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzSuccess(t, int(status), body, DecodeGetCallerIdentity, EncodeGetCallerIdentity,
			callerIdentitySchema, buildCallerIdentity, func(out *sts.GetCallerIdentityOutput) {
				require.NotNil(t, out.Arn)
				require.NotEmpty(t, *out.Arn)
			})
	})
}

func FuzzDecodeError(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		err := DecodeError(int(status), bytes.NewReader(body))
		require.Error(t, err)
		checkError(t, int(status), body, err)
		var apiErr *Error
		if errors.As(err, &apiErr) {
			p, rerr := referenceWalk(body, errorResponseSchema, bareErrorSchema)
			require.NoError(t, rerr, "accepted here but encoding/xml refuses it")
			require.Equal(t, apiErr, buildError(int(status), p, body), "encoding/xml reads it differently")
		}
	})
}
