package stsxml

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingReader serves an endless body (prefix, then spaces) and counts the bytes handed out.
type countingReader struct {
	prefix string
	read   int
}

func (r *countingReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.read < len(r.prefix) {
			c := copy(p[n:], r.prefix[r.read:])
			n += c
			r.read += c
			continue
		}
		p[n] = ' '
		n++
		r.read++
	}
	return n, nil
}

func TestBodiesAreReadNoFurtherThanTheCap(t *testing.T) {
	decoders := map[string]func(io.Reader) error{
		"DecodeAssumeRoleWithWebIdentity": func(r io.Reader) error { _, err := DecodeAssumeRoleWithWebIdentity(200, r); return err },
		"DecodeAssumeRole":                func(r io.Reader) error { _, err := DecodeAssumeRole(200, r); return err },
		"DecodeGetCallerIdentity":         func(r io.Reader) error { _, err := DecodeGetCallerIdentity(200, r); return err },
		"DecodeError":                     func(r io.Reader) error { return DecodeError(400, r) },
		"an error status":                 func(r io.Reader) error { _, err := DecodeAssumeRole(500, r); return err },
	}
	for name, decode := range decoders {
		t.Run(name+" stops at MaxBodySize bytes of an endless body", func(t *testing.T) {
			r := &countingReader{prefix: "<ErrorResponse>"}
			err := decode(r)
			assert.Equal(t, MaxBodySize, r.read, "bytes read")
			var fe *FormatError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, "the body is 1048576 bytes or more", fe.Reason)
			assert.Equal(t, `<ErrorResponse>…`, fe.Excerpt)
		})
	}
	t.Run("a document just under the cap is decoded", func(t *testing.T) {
		body := webIdentityDoc + strings.Repeat(" ", MaxBodySize-1-len(webIdentityDoc))
		out, err := DecodeAssumeRoleWithWebIdentity(200, strings.NewReader(body))
		require.NoError(t, err)
		assert.Equal(t, wantWebIdentity(), out)
	})
	t.Run("a document exactly at the cap is refused", func(t *testing.T) {
		body := webIdentityDoc + strings.Repeat(" ", MaxBodySize-len(webIdentityDoc))
		_, err := DecodeAssumeRoleWithWebIdentity(200, strings.NewReader(body))
		var fe *FormatError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 200, fe.StatusCode)
		assert.Equal(t, docWebIdentity, fe.Document)
	})
}

type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

type stuckReader struct{ calls int }

func (r *stuckReader) Read(p []byte) (int, error) { r.calls++; return 0, nil }

func TestReadFailures(t *testing.T) {
	t.Run("a read error is returned wrapped, not as a FormatError", func(t *testing.T) {
		boom := errors.New("connection reset by peer")
		_, err := DecodeAssumeRoleWithWebIdentity(200, &failingReader{data: webIdentityDoc[:100], err: boom})
		require.ErrorIs(t, err, boom)
		assert.EqualError(t, err, "reading the STS AssumeRoleWithWebIdentityResponse body: connection reset by peer")
		var fe *FormatError
		assert.False(t, errors.As(err, &fe))
	})
	t.Run("an unexpected EOF while reading an error body is returned wrapped", func(t *testing.T) {
		err := DecodeError(503, &failingReader{err: io.ErrUnexpectedEOF})
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Contains(t, err.Error(), "ErrorResponse")
	})
	t.Run("a reader that never makes progress is given up on", func(t *testing.T) {
		r := &stuckReader{}
		_, err := DecodeAssumeRole(200, r)
		require.ErrorIs(t, err, io.ErrNoProgress)
		assert.LessOrEqual(t, r.calls, 101)
	})
	t.Run("a nil body is an empty body", func(t *testing.T) {
		_, err := DecodeGetCallerIdentity(200, nil)
		var fe *FormatError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "the body is empty", fe.Reason)
	})
	t.Run("data returned together with io.EOF is used", func(t *testing.T) {
		_, err := DecodeAssumeRoleWithWebIdentity(200, &eofWithData{data: webIdentityDoc})
		require.NoError(t, err)
	})
}

type eofWithData struct{ data string }

func (r *eofWithData) Read(p []byte) (int, error) {
	n := copy(p, r.data)
	r.data = r.data[n:]
	if r.data == "" {
		return n, io.EOF
	}
	return n, nil
}
