package fakests

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

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
			w.srv.FailNext(1, Fault{Kind: tc.kind})
			status, _, e := post(t, w.srv, params)
			require.NotNil(t, e)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, e.Code)
			calls := w.srv.Calls()
			assert.Equal(t, tc.code, calls[len(calls)-1].Code)
		})
	}
	t.Run("HTMLBody", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultHTMLBody})
		resp, err := http.PostForm(w.srv.URL(), params)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 502, resp.StatusCode)
		assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
		assert.Contains(t, string(body), "<h1>502 Bad Gateway</h1>")
	})
	t.Run("ResetConnection", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultResetConnection})
		_, err := http.PostForm(w.srv.URL(), params)
		assert.Error(t, err)
		calls := w.srv.Calls()
		assert.Equal(t, Call{Operation: OpAssumeRoleWithWebIdentity, RoleARN: w.webRole, SessionName: "s1", Code: "ResetConnection"}, calls[len(calls)-1])
	})
	t.Run("TruncatedBody", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultTruncatedBody})
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

func TestFaultQueueAndFaultFunc(t *testing.T) {
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
	w.srv.FailNext(2, Fault{Kind: FaultInternalFailure})
	var codes []string
	for i := 0; i < 3; i++ {
		_, _, e := post(t, w.srv, params)
		codes = append(codes, e.Code)
	}
	assert.Equal(t, []string{"InternalFailure", "InternalFailure", "Throttling"}, codes, "queued faults come first")
	require.Len(t, seen, 1)
	assert.Equal(t, "s1", seen[0].SessionName, "the func sees the call's parameters")
	w.srv.SetFaultFunc(nil)
	status, _, _ := post(t, w.srv, params)
	assert.Equal(t, 200, status)
}

func TestLatencyDelaysAndEndsWhenTheClientOrTheServerGoes(t *testing.T) {
	w := newWorld(t)
	params := webIdentityParams(w.webRole, "s1", w.token(t, fakeoidc.TokenOptions{}))
	w.srv.FailNext(1, Fault{Latency: 50 * time.Millisecond})
	start := time.Now()
	status, _, _ := post(t, w.srv, params)
	assert.Equal(t, 200, status)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	w.srv.FailNext(1, Fault{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.srv.URL(), strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err := http.DefaultClient.Do(req)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Eventually(t, func() bool { return w.srv.Count(OpAssumeRoleWithWebIdentity) == 2 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, "NoAnswer", w.srv.Calls()[1].Code, "the client went away")

	w.srv.FailNext(1, Fault{Latency: time.Hour})
	done := make(chan error, 1)
	go func() {
		_, err := http.PostForm(w.srv.URL(), params)
		done <- err
	}()
	assert.Eventually(t, func() bool { w.srv.mu.Lock(); defer w.srv.mu.Unlock(); return len(w.srv.faults) == 0 }, 5*time.Second, time.Millisecond)
	start = time.Now()
	w.srv.Close()
	assert.Error(t, <-done)
	assert.Less(t, time.Since(start), 5*time.Second, "Close ends the wait")
}
