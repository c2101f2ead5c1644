package fakests

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultsAnswerAsSTSOrAProxyWould(t *testing.T) {
	w := newWorld(t)
	params := webIdentityParams(w.webRole, "s1", w.token(t, fakeoidc.TokenOptions{}))
	for _, tc := range []struct {
		kind   FaultKind
		status int
		code   string
	}{
		{FaultThrottling, 400, "Throttling"},
		{FaultInternalFailure, 500, "InternalFailure"},
		{FaultServiceUnavailable, 503, "ServiceUnavailable"},
		{FaultIDPCommunicationError, 400, "IDPCommunicationError"},
		{FaultVerificationKey, 400, "InvalidIdentityToken"},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			failNext(w.srv, Fault{Kind: tc.kind})
			status, _, e := post(t, w.srv, params)
			require.NotNil(t, e)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, e.Code)
			calls := w.srv.Calls()
			assert.Equal(t, tc.code, calls[len(calls)-1].Code)
		})
	}
	t.Run("HTMLBody", func(t *testing.T) {
		failNext(w.srv, Fault{Kind: FaultHTMLBody})
		resp, err := http.PostForm(w.srv.URL(), params)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 502, resp.StatusCode)
		assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
		assert.Contains(t, string(body), "<h1>502 Bad Gateway</h1>")
	})
	t.Run("ResetConnection", func(t *testing.T) {
		failNext(w.srv, Fault{Kind: FaultResetConnection})
		_, err := http.PostForm(w.srv.URL(), params)
		assert.Error(t, err)
		calls := w.srv.Calls()
		assert.Equal(t, Call{Operation: OpAssumeRoleWithWebIdentity, RoleARN: w.webRole, SessionName: "s1", Code: "ResetConnection"}, calls[len(calls)-1])
	})
	t.Run("TruncatedBody", func(t *testing.T) {
		failNext(w.srv, Fault{Kind: FaultTruncatedBody})
		resp, err := http.PostForm(w.srv.URL(), params)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, resp.ContentLength, int64(2*len(body))+resp.ContentLength%2)
		assert.True(t, strings.Contains(string(body), "<AssumeRoleWithWebIdentityResponse"), "the call was processed")
	})
	assert.Equal(t, "FaultKind(42)", FaultKind(42).String())
}

func TestFaultFunc(t *testing.T) {
	w := newWorld(t)
	params := webIdentityParams(w.webRole, "s1", w.token(t, fakeoidc.TokenOptions{}))
	var seen []Call
	w.srv.SetFaultFunc(func(c Call) *Fault {
		seen = append(seen, c)
		if c.SessionName == "s1" {
			return &Fault{Kind: FaultThrottling}
		}
		return nil
	})
	_, _, e := post(t, w.srv, params)
	require.NotNil(t, e)
	assert.Equal(t, "Throttling", e.Code)
	require.Len(t, seen, 1)
	assert.Equal(t, "s1", seen[0].SessionName, "the func sees the call's parameters")
	w.srv.SetFaultFunc(nil)
	status, _, _ := post(t, w.srv, params)
	assert.Equal(t, 200, status)
}

// failNext makes the server's next call fail with f, and no call after it.
func failNext(s *Server, f Fault) {
	var used atomic.Bool
	s.SetFaultFunc(func(Call) *Fault {
		if used.Swap(true) {
			return nil
		}
		return &f
	})
}
