package fakests

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/stsxml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInjectedErrorFaults(t *testing.T) {
	w := newWorld(t)
	arn := w.webRole(t, "app", "system:serviceaccount:default:app")
	for _, tt := range []struct {
		name           string
		fault          Fault
		status         int
		typ, code, msg string
	}{
		{"throttling is a 400 Throttling", Fault{Kind: FaultThrottling}, 400, "Sender", "Throttling", "Rate exceeded"},
		{"an internal failure is a 500 from the Receiver", Fault{Kind: FaultInternalFailure}, 500, "Receiver", "InternalFailure", "An internal error occurred. Try again."},
		{"service unavailable is a 503 from the Receiver", Fault{Kind: FaultServiceUnavailable}, 503, "Receiver", "ServiceUnavailable", "Service is unable to handle request."},
		{"an IdP communication error is a 400", Fault{Kind: FaultIDPCommunicationError}, 400, "Sender", "IDPCommunicationError", "Couldn't communicate with the identity provider. Please try again."},
		{"the verification key error is STS's InvalidIdentityToken", Fault{Kind: FaultVerificationKey}, 400, "Sender", "InvalidIdentityToken", MessageVerificationKey},
		{"a custom error is sent as given", Fault{Kind: FaultError, Error: &stsxml.Error{StatusCode: 403, Type: "Sender", Code: "RegionDisabledException", Message: "STS is not activated in this region"}}, 403, "Sender", "RegionDisabledException", "STS is not activated in this region"},
		{"a custom error without a status is a 400", Fault{Kind: FaultError, Error: &stsxml.Error{Code: "PackedPolicyTooLarge", Message: "too large"}}, 400, "Sender", "PackedPolicyTooLarge", "too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w.srv.FailNext(1, tt.fault)
			status, body := post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})))
			e := stsErr(t, status, body)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.typ, e.Type)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.msg, e.Message)
			calls := w.srv.Calls()
			last := calls[len(calls)-1]
			assert.Equal(t, tt.fault.Kind, last.Fault)
			assert.Equal(t, tt.code, last.Code)
			assert.Equal(t, OpAssumeRoleWithWebIdentity, last.Operation, "the call is recorded with its parameters")
			status, _ = post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})))
			assert.Equal(t, 200, status, "the fault applied to one call only")
		})
	}
}

func TestFailNextAndFaultFunc(t *testing.T) {
	w := newWorld(t)
	arn := w.webRole(t, "app", "system:serviceaccount:default:app")
	call := func() int {
		status, _ := post(t, w.srv, webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})))
		return status
	}
	w.srv.FailNext(2, Fault{Kind: FaultThrottling})
	w.srv.FailNext(1, Fault{Kind: FaultServiceUnavailable})
	assert.Equal(t, []int{400, 400, 503, 200}, []int{call(), call(), call(), call()})

	var seen []string
	w.srv.SetFaultFunc(func(c Call) *Fault {
		seen = append(seen, c.Operation+" "+c.SessionName)
		if c.SessionName == "fail-me" {
			return &Fault{Kind: FaultInternalFailure}
		}
		return nil
	})
	assert.Equal(t, 200, call())
	status, _ := post(t, w.srv, webIdentityParams(arn, "fail-me", w.token(t, fakeoidc.TokenOptions{})))
	assert.Equal(t, 500, status)
	assert.Equal(t, []string{"AssumeRoleWithWebIdentity s1", "AssumeRoleWithWebIdentity fail-me"}, seen)

	w.srv.FailNext(1, Fault{Kind: FaultThrottling})
	assert.Equal(t, 400, call(), "queued faults come before the func")
	w.srv.ClearFaults()
	status, _ = post(t, w.srv, webIdentityParams(arn, "fail-me", w.token(t, fakeoidc.TokenOptions{})))
	assert.Equal(t, 200, status)
}

func TestConnectionFaults(t *testing.T) {
	leakcheck.Check(t)
	w := newWorld(t)
	arn := w.webRole(t, "app", "system:serviceaccount:default:app")
	client := &http.Client{}
	defer client.CloseIdleConnections()
	send := func() (*http.Response, error) {
		return client.PostForm(w.srv.URL(), webIdentityParams(arn, "s1", w.token(t, fakeoidc.TokenOptions{})))
	}

	t.Run("a reset connection fails the request and processes nothing", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultResetConnection})
		issued := w.srv.IssuedCount()
		resp, err := send()
		if err == nil {
			resp.Body.Close()
		}
		require.Error(t, err)
		assert.Equal(t, issued, w.srv.IssuedCount())
		calls := w.srv.Calls()
		assert.Equal(t, Call{}.Status, calls[len(calls)-1].Status)
		assert.Equal(t, FaultResetConnection, calls[len(calls)-1].Fault)
	})
	t.Run("a truncated body announces the full length and stops halfway", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultTruncatedBody})
		resp, err := send()
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		b, err := io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, resp.ContentLength/2, int64(len(b)))
		assert.True(t, strings.HasPrefix(string(b), "<?xml"))
		_, derr := stsxml.DecodeAssumeRoleWithWebIdentity(200, strings.NewReader(string(b)))
		var fe *stsxml.FormatError
		assert.True(t, errors.As(derr, &fe), "half a document is a FormatError: %v", derr)
	})
	t.Run("an HTML page replaces the XML", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultHTMLBody})
		resp, err := send()
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 502, resp.StatusCode)
		assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
		assert.Contains(t, string(b), "<title>502 Bad Gateway</title>")
		var fe *stsxml.FormatError
		assert.True(t, errors.As(stsxml.DecodeError(502, strings.NewReader(string(b))), &fe))
	})
	t.Run("an HTML page can carry a 200", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultHTMLBody, Status: 200})
		resp, err := send()
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
	})
	t.Run("latency delays a normal answer", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Latency: 50 * time.Millisecond})
		start := time.Now()
		resp, err := send()
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	})
	t.Run("latency ends when the client gives up", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Latency: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.srv.URL(), strings.NewReader(webIdentityParams(arn, "s1", "x.y.z").Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, err := client.Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Eventually(t, func() bool {
			calls := w.srv.Calls()
			return calls[len(calls)-1].Code == "ClientGone"
		}, 5*time.Second, 5*time.Millisecond)
	})
	t.Run("latency with an error answers the error late", func(t *testing.T) {
		w.srv.FailNext(1, Fault{Kind: FaultThrottling, Latency: 20 * time.Millisecond})
		resp, err := send()
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 400, resp.StatusCode)
	})
}

func TestCloseEndsInjectedLatency(t *testing.T) {
	leakcheck.Check(t)
	srv := New(Options{})
	var entered atomic.Bool
	srv.SetFaultFunc(func(Call) *Fault { entered.Store(true); return &Fault{Latency: time.Hour} })
	client := &http.Client{}
	defer client.CloseIdleConnections()
	done := make(chan error, 1)
	go func() {
		resp, err := client.PostForm(srv.URL(), url.Values{"Action": {"GetCallerIdentity"}})
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, entered.Load, 5*time.Second, time.Millisecond)
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the injected latency")
	}
	<-done
	calls := srv.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, "ServerClosed", calls[0].Code)
}

func TestFaultKindNames(t *testing.T) {
	assert.Equal(t, "Throttling", FaultThrottling.String())
	assert.Equal(t, "TruncatedBody", FaultTruncatedBody.String())
	assert.Equal(t, "FaultKind(99)", FaultKind(99).String())
	assert.Contains(t, Call{Operation: "AssumeRole", Status: 400, Code: "Throttling", Fault: FaultThrottling}.String(), "-> 400 Throttling (fault Throttling)")
}
