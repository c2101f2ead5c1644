package credentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/stsxml"
)

func TestClientAssumeRoleWithWebIdentity(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t)
	c, _ := newWireClient(t, w, "us-west-2")
	in := webInput()
	in.DurationSeconds = aws.Int32(900)
	in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
	in.ProviderId = aws.String("www.amazon.com")

	out, err := c.AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.Credentials.AccessKeyId); got != wireAccessKey {
		t.Errorf("AccessKeyId = %q", got)
	}
	if got := aws.ToString(out.Credentials.SecretAccessKey); got != wireSecretKey {
		t.Errorf("SecretAccessKey differs")
	}
	if got := aws.ToString(out.Credentials.SessionToken); got != wireSession {
		t.Errorf("SessionToken differs")
	}
	if !out.Credentials.Expiration.Equal(wireExpiration) {
		t.Errorf("Expiration = %v", out.Credentials.Expiration)
	}
	if got := aws.ToString(out.SubjectFromWebIdentityToken); got != "system:serviceaccount:default:app" {
		t.Errorf("SubjectFromWebIdentityToken = %q", got)
	}
	if rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); rid != wireRequestID {
		t.Errorf("request ID = %q", rid)
	}

	reqs := w.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/" || r.RawQuery != "" {
		t.Errorf("request is %s %s?%s, want POST / with no query", r.Method, r.Path, r.RawQuery)
	}
	if got := r.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != "irsa-go/"+version+" (+github.com/irsa-go/irsa)" {
		t.Errorf("User-Agent = %q", got)
	}
	if got := r.Header.Get("Authorization"); got != "" {
		t.Errorf("AssumeRoleWithWebIdentity is signed (%q); it must be sent unsigned", got)
	}
	want := map[string]string{
		"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": wireRoleARN,
		"RoleSessionName": "wire-session", "WebIdentityToken": wireToken, "DurationSeconds": "900",
		"Policy": aws.ToString(in.Policy), "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
		"ProviderId": "www.amazon.com",
	}
	if len(r.Form) != len(want) {
		t.Errorf("form has %d parameters, want %d: %v", len(r.Form), len(want), r.Form)
	}
	for k, v := range want {
		if got := r.Form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
}

func TestClientAssumeRoleIsSignedWithTheSessionToken(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t)
	c, clk := newWireClient(t, w, "eu-central-1")
	in := &sts.AssumeRoleInput{
		RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("chained"), ExternalId: aws.String("ext-123"),
		DurationSeconds: aws.Int32(3600), SourceIdentity: aws.String("alice"),
		Tags:              []types.Tag{{Key: aws.String("team"), Value: aws.String("a b&c")}, {Key: aws.String("env"), Value: aws.String("prod")}},
		TransitiveTagKeys: []string{"team"},
		SerialNumber:      aws.String("arn:aws:iam::123456789012:mfa/alice"), TokenCode: aws.String("123456"),
	}
	out, err := c.AssumeRole(context.Background(), in, withSigner)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SourceIdentity) != "alice" || aws.ToString(out.Credentials.AccessKeyId) != wireAccessKey {
		t.Errorf("output = %+v", out)
	}
	r := w.Requests()[0]
	region, err := verifySigV4(r, strings.TrimPrefix(w.URL(), "http://"), signerCreds.SecretAccessKey)
	if err != nil {
		t.Fatal(err)
	}
	if region != "eu-central-1" {
		t.Errorf("signed for %q, want eu-central-1", region)
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != signerCreds.SessionToken {
		t.Errorf("X-Amz-Security-Token = %q, want the signer's session token", got)
	}
	if got := r.Header.Get("X-Amz-Date"); got != clk.Now().Format("20060102T150405Z") {
		t.Errorf("X-Amz-Date = %q, want the injected clock's time", got)
	}
	if !strings.Contains(r.Header.Get("Authorization"), "Credential="+signerCreds.AccessKeyID+"/20260501/eu-central-1/sts/aws4_request") {
		t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
	}
	for k, v := range map[string]string{
		"Action": "AssumeRole", "ExternalId": "ext-123", "Tags.member.1.Key": "team", "Tags.member.1.Value": "a b&c",
		"Tags.member.2.Key": "env", "TransitiveTagKeys.member.1": "team", "SourceIdentity": "alice", "TokenCode": "123456",
	} {
		if got := r.Form.Get(k); got != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
	if r.RawQuery != "" {
		t.Errorf("query %q: parameters must go in the body", r.RawQuery)
	}
}

func TestClientGetCallerIdentityIsSigned(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t)
	c, _ := newWireClient(t, w, "us-east-1")
	out, err := c.GetCallerIdentity(context.Background(), nil, withSigner)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "123456789012" || aws.ToString(out.Arn) != wireAssumedARN {
		t.Errorf("output = %+v", out)
	}
	r := w.Requests()[0]
	if _, err := verifySigV4(r, strings.TrimPrefix(w.URL(), "http://"), signerCreds.SecretAccessKey); err != nil {
		t.Fatal(err)
	}
	if got := string(r.Body); got != "Action=GetCallerIdentity&Version=2011-06-15" {
		t.Errorf("body = %q", got)
	}
}

func TestClientSignedCallsNeedCredentials(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t)
	c, _ := newWireClient(t, w, "us-east-1")
	_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s")})
	if err == nil || !strings.Contains(err.Error(), "no credentials to sign the request: pass an option that sets sts.Options.Credentials") {
		t.Fatalf("error = %v", err)
	}
	if !IsNonRecoverable(err) {
		t.Error("missing credentials should be non-recoverable")
	}
	_, err = c.GetCallerIdentity(context.Background(), nil)
	if err == nil {
		t.Fatal("GetCallerIdentity without credentials succeeded")
	}
	if n := len(w.Requests()); n != 0 {
		t.Errorf("%d requests were sent without credentials", n)
	}
	// A credentials provider that fails is reported, wrapped, and not retried.
	boom := errors.New("source provider is down")
	_, err = c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s")},
		func(o *sts.Options) {
			o.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return aws.Credentials{}, boom })
		})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "retrieving the credentials that sign the request: source provider is down") {
		t.Fatalf("error = %v", err)
	}
	// Anonymous credentials send the request unsigned, as the SDK does.
	if _, err := c.GetCallerIdentity(context.Background(), nil, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} }); err != nil {
		t.Fatal(err)
	}
	if reqs := w.Requests(); len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "" {
		t.Errorf("anonymous call: %d requests, Authorization %q", len(reqs), reqs[0].Header.Get("Authorization"))
	}
}

func TestClientRefusesMissingParametersLikeTheSDK(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t)
	c, _ := newWireClient(t, w, "us-east-1")
	cases := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"web identity without anything lists the three required fields", func() error {
			_, err := c.AssumeRoleWithWebIdentity(context.Background(), nil)
			return err
		}, "missing required field, AssumeRoleWithWebIdentityInput.RoleArn.\n- missing required field, AssumeRoleWithWebIdentityInput.RoleSessionName.\n- missing required field, AssumeRoleWithWebIdentityInput.WebIdentityToken."},
		{"web identity without a token", func() error {
			in := webInput()
			in.WebIdentityToken = nil
			_, err := c.AssumeRoleWithWebIdentity(context.Background(), in)
			return err
		}, "1 validation error(s) found.\n- missing required field, AssumeRoleWithWebIdentityInput.WebIdentityToken."},
		{"assume role without a session name", func() error {
			_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN)}, withSigner)
			return err
		}, "missing required field, AssumeRoleInput.RoleSessionName."},
		{"assume role with a tag without a value", func() error {
			_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s"),
				Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}, {Key: aws.String("k2")}}}, withSigner)
			return err
		}, "missing required field, AssumeRoleInput.Tags[1].Value."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %q, want it to contain %q", err, tc.wantErr)
			}
			var ipe smithy.InvalidParamsError
			if !errors.As(err, &ipe) {
				t.Error("errors.As does not find a smithy.InvalidParamsError, as the SDK returns")
			}
			if !IsNonRecoverable(err) {
				t.Error("a validation error should be non-recoverable")
			}
			var oe *OperationError
			if !errors.As(err, &oe) || oe.Attempts != 0 {
				t.Errorf("want an *OperationError with 0 attempts, got %#v", err)
			}
		})
	}
	if n := len(w.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestClientRetries(t *testing.T) {
	htmlPage := wireReply{status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", header: map[string]string{"Content-Type": "text/html"}}
	cases := []struct {
		name         string
		replies      []wireReply
		wantAttempts int
		wantOK       bool
		// check, when set, inspects the error of a failed call.
		check func(t *testing.T, err error)
	}{
		{"throttling is retried", []wireReply{wireError(400, "Throttling", "Rate exceeded")}, 2, true, nil},
		{"ThrottlingException is retried", []wireReply{wireError(400, "ThrottlingException", "slow down")}, 2, true, nil},
		{"RequestLimitExceeded is retried", []wireReply{wireError(400, "RequestLimitExceeded", "limit")}, 2, true, nil},
		{"HTTP 500 is retried", []wireReply{wireError(500, "InternalFailure", "oops")}, 2, true, nil},
		{"HTTP 503 twice then success takes three attempts", []wireReply{wireError(503, "ServiceUnavailable", "x"), wireError(503, "ServiceUnavailable", "x")}, 3, true, nil},
		{"a proxy's HTML 502 page is retried", []wireReply{htmlPage}, 2, true, nil},
		{"HTTP 429 without a document is retried", []wireReply{{status: 429, body: "Too Many Requests"}}, 2, true, nil},
		{"IDPCommunicationError is retried", []wireReply{wireError(400, "IDPCommunicationError", "The identity provider could not be reached")}, 2, true, nil},
		{"InvalidIdentityToken for an unreachable verification key is retried",
			[]wireReply{wireError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")}, 2, true, nil},
		{"retries stop after three attempts and report the last error",
			[]wireReply{wireError(400, "IDPCommunicationError", "one"), wireError(400, "IDPCommunicationError", "two"), wireError(400, "IDPCommunicationError", "three")}, 3, false,
			func(t *testing.T, err error) {
				var idp *types.IDPCommunicationErrorException
				if !errors.As(err, &idp) || aws.ToString(idp.Message) != "three" {
					t.Errorf("errors.As IDPCommunicationErrorException: %v", idp)
				}
				if !strings.Contains(err.Error(), "(3 attempts)") {
					t.Errorf("error %q does not give the attempt count", err)
				}
				if IsNonRecoverable(err) {
					t.Error("an IDP communication error is recoverable")
				}
			}},
		{"other InvalidIdentityToken errors are final", []wireReply{wireError(400, "InvalidIdentityToken", "Incorrect token audience")}, 1, false,
			func(t *testing.T, err error) {
				var iit *types.InvalidIdentityTokenException
				if !errors.As(err, &iit) {
					t.Error("errors.As InvalidIdentityTokenException failed")
				}
				if !IsNonRecoverable(err) {
					t.Error("want non-recoverable")
				}
			}},
		{"AccessDenied is final", []wireReply{wireError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")}, 1, false,
			func(t *testing.T, err error) {
				var se *stsxml.Error
				if !errors.As(err, &se) || se.Code != "AccessDenied" || se.StatusCode != 403 || se.RequestID != wireRequestID {
					t.Errorf("stsxml.Error = %+v", se)
				}
				var ae smithy.APIError
				if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
					t.Error("errors.As smithy.APIError failed")
				}
				var oe *smithy.OperationError
				if !errors.As(err, &oe) || oe.Operation() != "AssumeRoleWithWebIdentity" || oe.Service() != "STS" {
					t.Errorf("errors.As smithy.OperationError = %+v", oe)
				}
				if !IsNonRecoverable(err) {
					t.Error("want non-recoverable")
				}
			}},
		{"IDPRejectedClaim is final", []wireReply{wireError(403, "IDPRejectedClaim", "rejected")}, 1, false, func(t *testing.T, err error) {
			var e *types.IDPRejectedClaimException
			if !errors.As(err, &e) {
				t.Error("errors.As IDPRejectedClaimException failed")
			}
		}},
		{"RegionDisabledException is final", []wireReply{wireError(403, "RegionDisabledException", "STS is not activated in this region")}, 1, false, func(t *testing.T, err error) {
			var e *types.RegionDisabledException
			if !errors.As(err, &e) || !IsNonRecoverable(err) {
				t.Error("want a non-recoverable RegionDisabledException")
			}
		}},
		{"MalformedPolicyDocument is final", []wireReply{wireError(400, "MalformedPolicyDocument", "bad policy")}, 1, false, nil},
		{"PackedPolicyTooLarge is final", []wireReply{wireError(400, "PackedPolicyTooLarge", "too large")}, 1, false, nil},
		{"ValidationError is final", []wireReply{wireError(400, "ValidationError", "1 validation error detected")}, 1, false, nil},
		{"ExpiredTokenException is not retried", []wireReply{wireError(400, "ExpiredTokenException", "Token expired")}, 1, false, func(t *testing.T, err error) {
			var e *types.ExpiredTokenException
			if !errors.As(err, &e) {
				t.Error("errors.As ExpiredTokenException failed")
			}
		}},
		{"a 200 whose body is not an STS document is not retried", []wireReply{{status: 200, body: "<html>captive portal</html>"}}, 1, false, func(t *testing.T, err error) {
			var fe *stsxml.FormatError
			if !errors.As(err, &fe) || fe.StatusCode != 200 {
				t.Errorf("want an stsxml.FormatError for status 200, got %v", err)
			}
		}},
		{"a 403 whose body is empty is not retried", []wireReply{{status: 403}}, 1, false, nil},
		{"a 204 without a body is not a document", []wireReply{{status: 204}}, 1, false, func(t *testing.T, err error) {
			var fe *stsxml.FormatError
			if !errors.As(err, &fe) || fe.StatusCode != 204 {
				t.Errorf("want an stsxml.FormatError for status 204, got %v", err)
			}
		}},
		{"a 404 page from a wrong path is not retried", []wireReply{{status: 404, body: "404 page not found"}}, 1, false, nil},
		{"a 200 body over the size cap is refused, not buffered", []wireReply{{status: 200,
			body: wireSuccess("AssumeRoleWithWebIdentity").body[:60] + strings.Repeat("<x>pad</x>", stsxml.MaxBodySize/10+10)}}, 1, false,
			func(t *testing.T, err error) {
				var fe *stsxml.FormatError
				if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "bytes or more") {
					t.Errorf("want a FormatError about the size, got %v", err)
				}
				if len(err.Error()) > 1000 {
					t.Errorf("error is %d bytes long", len(err.Error()))
				}
			}},
		{"a 500 body over the size cap is still retried", []wireReply{{status: 500, body: strings.Repeat("x", stsxml.MaxBodySize+1)}}, 2, true, nil},
		{"a connection closed without an answer is retried", []wireReply{{hangup: true}}, 2, true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			w := newWireSTS(t, tc.replies...)
			c, clk := newWireClient(t, w, "us-west-2")
			out, err := c.AssumeRoleWithWebIdentity(context.Background(), webInput())
			if n := len(w.Requests()); n != tc.wantAttempts {
				t.Errorf("%d attempts, want %d", n, tc.wantAttempts)
			}
			if tc.wantOK != (err == nil) {
				t.Fatalf("error = %v, want success %v", err, tc.wantOK)
			}
			if err == nil {
				if aws.ToString(out.Credentials.AccessKeyId) != wireAccessKey {
					t.Errorf("output = %+v", out)
				}
			} else {
				var oe *OperationError
				if !errors.As(err, &oe) || oe.Attempts != tc.wantAttempts || oe.Operation != "AssumeRoleWithWebIdentity" || oe.Endpoint != w.URL() {
					t.Errorf("OperationError = %+v", oe)
				}
				if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), wireToken[len(wireToken)-20:]) {
					t.Errorf("error shows the token: %v", err)
				}
				if tc.check != nil {
					tc.check(t, err)
				}
			}
			// Full jitter with Rand = 0.5: half of 1 s, then half of 2 s.
			want := []time.Duration{500 * time.Millisecond, time.Second}[:tc.wantAttempts-1]
			if got := clk.Sleeps(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("slept %v, want %v", got, want)
			}
		})
	}
}

func TestClientBackoffIsBoundedFullJitter(t *testing.T) {
	c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "http://127.0.0.1:1"}, BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r       float64
		attempt int
		want    time.Duration
	}{
		{0, 1, 0}, {0.999, 1, 99900 * time.Microsecond}, {0.5, 2, 100 * time.Millisecond}, {0.5, 3, 200 * time.Millisecond},
		{0.5, 4, 400 * time.Millisecond}, {0.5, 5, 500 * time.Millisecond}, {0.5, 60, 500 * time.Millisecond},
		{0.5, 1000, 500 * time.Millisecond}, {1.5, 2, 0}, {-1, 2, 0},
	} {
		c.opts.Rand = func() float64 { return tc.r }
		if got := c.backoff(tc.attempt); got != tc.want {
			t.Errorf("rand %v attempt %d: backoff %v, want %v", tc.r, tc.attempt, got, tc.want)
		}
	}
}

func TestClientMaxAttemptsOneTurnsRetriesOff(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t, wireError(500, "InternalFailure", "x"))
	c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: w.URL()}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), webInput()); err == nil {
		t.Fatal("want the 500")
	}
	if n := len(w.Requests()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
	// sts.Options.RetryMaxAttempts overrides it per call.
	w.script(wireError(500, "InternalFailure", "x"), wireError(500, "InternalFailure", "x"), wireError(500, "InternalFailure", "x"))
	c.opts.Sleep = func(ctx context.Context, d time.Duration) error { return nil }
	_, err = c.AssumeRoleWithWebIdentity(context.Background(), webInput(), func(o *sts.Options) { o.RetryMaxAttempts = 4 })
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w.Requests()); n != 1+4 {
		t.Errorf("%d requests, want 5", n)
	}
}

func TestClientAttemptTimeoutRetriesAHangingServer(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t, wireReply{hang: true})
	clk := &wireClock{now: time.Now(), r: 0}
	c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: w.URL()}, AttemptTimeout: 100 * time.Millisecond, Sleep: clk.Sleep, Rand: clk.Rand})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), webInput()); err != nil {
		t.Fatal(err)
	}
	if n := len(w.Requests()); n != 2 {
		t.Errorf("%d attempts, want 2 (one timed out)", n)
	}
}

func TestClientStopsWhenTheContextEnds(t *testing.T) {
	leakcheck.Check(t)
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		w := newWireSTS(t, wireError(503, "ServiceUnavailable", "busy"))
		c, clk := newWireClient(t, w, "us-west-2")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		clk.onSleep = cancel
		_, err := c.AssumeRoleWithWebIdentity(ctx, webInput())
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
		var se *stsxml.Error
		if !errors.As(err, &se) || se.Code != "ServiceUnavailable" {
			t.Errorf("the last attempt's error is not kept: %v", err)
		}
		if n := len(w.Requests()); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	})
	t.Run("deadline passes during a request", func(t *testing.T) {
		w := newWireSTS(t, wireReply{hang: true})
		c, _ := newWireClient(t, w, "us-west-2")
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.AssumeRoleWithWebIdentity(ctx, webInput())
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error = %v, want context.DeadlineExceeded", err)
		}
		if n := len(w.Requests()); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	})
	t.Run("already cancelled sends nothing more than one attempt", func(t *testing.T) {
		w := newWireSTS(t)
		c, _ := newWireClient(t, w, "us-west-2")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.AssumeRoleWithWebIdentity(ctx, webInput())
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v", err)
		}
		if n := len(w.Requests()); n != 0 {
			t.Errorf("%d requests sent with a cancelled context", n)
		}
	})
}

func TestClientRetriesNetworkErrors(t *testing.T) {
	leakcheck.Check(t)
	t.Run("connection refused is retried up to the limit", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		clk := &wireClock{r: 0.5}
		c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: url}, Sleep: clk.Sleep, Rand: clk.Rand})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.AssumeRoleWithWebIdentity(context.Background(), webInput())
		var oe *OperationError
		if !errors.As(err, &oe) || oe.Attempts != 3 {
			t.Fatalf("error = %v, want 3 attempts", err)
		}
		// The endpoint is named once: not again by net/http's `Post "URL": ` prefix.
		want := "credentials: STS AssumeRoleWithWebIdentity at " + url + " (3 attempts): dial tcp " + strings.TrimPrefix(url, "http://") + ": connect: connection refused"
		if err.Error() != want {
			t.Errorf("error %q\nwant    %q", err, want)
		}
		var ue *neturl.Error
		if !errors.As(err, &ue) || ue.Op != "Post" {
			t.Errorf("errors.As finds no *url.Error in %v", err)
		}
		if len(clk.Sleeps()) != 2 {
			t.Errorf("slept %v", clk.Sleeps())
		}
	})
	t.Run("a certificate that does not verify is not retried", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.NotFoundHandler())
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
		srv.StartTLS()
		defer srv.Close()
		clk := &wireClock{r: 0.5}
		c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: srv.URL}, Sleep: clk.Sleep, Rand: clk.Rand})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseIdleConnections()
		_, err = c.AssumeRoleWithWebIdentity(context.Background(), webInput())
		var oe *OperationError
		if !errors.As(err, &oe) || oe.Attempts != 1 {
			t.Fatalf("error = %v, want 1 attempt", err)
		}
		if !strings.Contains(err.Error(), "certificate") {
			t.Errorf("error %q does not mention the certificate", err)
		}
	})
	t.Run("a body cut short is retried", func(t *testing.T) {
		full := wireSuccess("AssumeRoleWithWebIdentity").body
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Length", fmt.Sprint(len(full)))
			rw.WriteHeader(200)
			_, _ = rw.Write([]byte(full[:len(full)/2]))
			conn, _, _ := rw.(http.Hijacker).Hijack()
			conn.Close()
		}))
		defer srv.Close()
		clk := &wireClock{r: 0.5}
		c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: srv.URL}, Sleep: clk.Sleep, Rand: clk.Rand})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseIdleConnections()
		_, err = c.AssumeRoleWithWebIdentity(context.Background(), webInput())
		var oe *OperationError
		if !errors.As(err, &oe) || oe.Attempts != 3 {
			t.Fatalf("error = %v, want 3 attempts", err)
		}
		if !strings.Contains(err.Error(), "unexpected EOF") {
			t.Errorf("error %q does not say the body was cut short", err)
		}
	})
}

// TestNestedErrorsReadAsOneSentence checks the text of an error that passes through several
// layers (AssumeRole → its web identity source → the client → net/http): "credentials: " once,
// the endpoint once, and every layer's subject in order.
func TestNestedErrorsReadAsOneSentence(t *testing.T) {
	leakcheck.Check(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	endpoint := srv.URL
	srv.Close()
	client, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: endpoint, SigningRegion: "us-east-1", Custom: true}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	token := writeTokenFile(t, t.TempDir(), "token", secretTokenText)
	w, err := NewWebIdentity(WebIdentityOptions{RoleARN: "arn:aws:iam::111122223333:role/app", TokenFile: token, Client: client, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAssumeRole(AssumeRoleOptions{Source: w, RoleARN: testTargetRole, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Retrieve(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	want := "credentials: assume role " + testTargetRole + ": source credentials: web identity for role arn:aws:iam::111122223333:role/app (token file " + token +
		"): STS AssumeRoleWithWebIdentity at " + endpoint + " (1 attempt): dial tcp " + strings.TrimPrefix(endpoint, "http://") + ": connect: connection refused"
	if err.Error() != want {
		t.Errorf("error %q\nwant    %q", err, want)
	}
	var we *WebIdentityError
	var oe *OperationError
	var ue *neturl.Error
	if !errors.As(err, &we) || !errors.As(err, &oe) || !errors.As(err, &ue) {
		t.Errorf("errors.As does not find every layer in %v", err)
	}
	if strings.Contains(err.Error(), "SECRETSIGNATURE") {
		t.Error("the token leaked")
	}
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	leakcheck.Check(t)
	var mu sync.Mutex
	var stolen []string
	target := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		stolen = append(stolen, r.Form.Get("WebIdentityToken"))
		mu.Unlock()
	}))
	defer target.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			redirector := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				http.Redirect(rw, r, target.URL+"/steal?x=1", status)
			}))
			defer redirector.Close()
			clk := &wireClock{r: 0.5}
			c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: redirector.URL}, Sleep: clk.Sleep, Rand: clk.Rand})
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			_, err = c.AssumeRoleWithWebIdentity(context.Background(), webInput())
			if err == nil {
				t.Fatal("a redirect was treated as success")
			}
			want := fmt.Sprintf("STS HTTP %d redirect to %s not followed", status, target.URL)
			if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "steal") {
				t.Errorf("error = %q, want it to contain %q and not the path", err, want)
			}
			if !IsNonRecoverable(err) {
				t.Error("a redirect should be non-recoverable")
			}
			var oe *OperationError
			if !errors.As(err, &oe) || oe.Attempts != 1 {
				t.Errorf("want 1 attempt: %v", err)
			}
		})
	}
	mu.Lock()
	if len(stolen) != 0 {
		t.Errorf("the redirect target received %d requests", len(stolen))
	}
	mu.Unlock()
	t.Run("a caller's HTTP client does not follow redirects either", func(t *testing.T) {
		redirector := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			http.Redirect(rw, r, target.URL, http.StatusTemporaryRedirect)
		}))
		defer redirector.Close()
		tr := &http.Transport{}
		hc := &http.Client{Transport: tr}
		defer hc.CloseIdleConnections()
		c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: redirector.URL}, HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AssumeRoleWithWebIdentity(context.Background(), webInput()); err == nil || !strings.Contains(err.Error(), "not followed") {
			t.Fatalf("error = %v", err)
		}
		if hc.CheckRedirect != nil || hc.Transport != tr {
			t.Error("the caller's http.Client was modified")
		}
		mu.Lock()
		defer mu.Unlock()
		if len(stolen) != 0 {
			t.Errorf("the redirect target received %d requests", len(stolen))
		}
	})
}

// TestClientErrorsNeverContainSecrets makes a server echo the token, the signer's session token
// and secret key in every place a server controls, and checks that no error text shows them.
func TestClientErrorsNeverContainSecrets(t *testing.T) {
	leakcheck.Check(t)
	secrets := []string{wireToken, signerCreds.SessionToken, signerCreds.SecretAccessKey}
	const scrubProbe = 12                  // how much of a secret's start or end internal/redact recognises
	fragments := func(s string) []string { // whole, the start, the end, and a JWT's signature
		out := []string{s, s[:scrubProbe], s[len(s)-scrubProbe:]}
		if i := strings.LastIndexByte(s, '.'); i > 0 {
			out = append(out, s[i+1:])
		}
		return out
	}
	echo := func(r *http.Request) string {
		_ = r.ParseForm()
		return r.Form.Get("WebIdentityToken") + " " + r.Header.Get("X-Amz-Security-Token")
	}
	replies := []struct {
		name  string
		reply func(rw http.ResponseWriter, r *http.Request)
	}{
		{"in an error message", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(400)
			w := wireError(400, "InvalidIdentityToken", "bad token: "+echo(r))
			fmt.Fprint(rw, w.body)
		}},
		{"in an error code and request ID", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(403)
			fmt.Fprintf(rw, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>m</Message></Error><RequestId>%s</RequestId></ErrorResponse>`, echo(r), echo(r))
		}},
		{"in an HTML page", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(400)
			fmt.Fprintf(rw, "<html><body>%s</body></html>", echo(r))
		}},
		{"as plain text", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(200)
			fmt.Fprint(rw, echo(r))
		}},
		{"cut off in the middle of the token", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(400)
			_ = r.ParseForm()
			secret := r.Form.Get("WebIdentityToken")
			if secret == "" {
				secret = r.Header.Get("X-Amz-Security-Token")
			}
			fmt.Fprint(rw, "token "+secret[:40])
		}},
		{"in the request ID header", func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("X-Amzn-Requestid", echo(r))
			rw.WriteHeader(403)
			fmt.Fprint(rw, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code></Error></ErrorResponse>`)
		}},
	}
	for _, rep := range replies {
		t.Run(rep.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(rep.reply))
			defer srv.Close()
			clk := &wireClock{r: 0}
			c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: srv.URL}, MaxAttempts: 1, Sleep: clk.Sleep, Rand: clk.Rand})
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			_, err1 := c.AssumeRoleWithWebIdentity(context.Background(), webInput())
			_, err2 := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s")}, withSigner)
			for _, err := range []error{err1, err2} {
				if err == nil {
					t.Fatal("want an error")
				}
				var se *stsxml.Error
				texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err)}
				if errors.As(err, &se) {
					texts = append(texts, fmt.Sprintf("%#v", *se), se.Message, se.Code, se.RequestID)
				}
				var fe *stsxml.FormatError
				if errors.As(err, &fe) {
					texts = append(texts, fmt.Sprintf("%#v", *fe))
				}
				for _, text := range texts {
					for _, s := range secrets {
						for _, frag := range fragments(s) {
							if strings.Contains(text, frag) {
								t.Fatalf("error shows a secret fragment %q:\n%s", frag, text)
							}
						}
					}
				}
			}
		})
	}
}

func TestClientPerCallOptions(t *testing.T) {
	leakcheck.Check(t)
	a := newWireSTS(t)
	b := newWireSTS(t)
	c, _ := newWireClient(t, a, "us-west-2")
	t.Run("BaseEndpoint sends the call elsewhere", func(t *testing.T) {
		_, err := c.GetCallerIdentity(context.Background(), nil, withSigner, func(o *sts.Options) { o.BaseEndpoint = aws.String(b.URL()) })
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Requests()) != 1 || len(a.Requests()) != 0 {
			t.Errorf("requests: a %d, b %d", len(a.Requests()), len(b.Requests()))
		}
	})
	t.Run("Region changes the signing region of a custom endpoint", func(t *testing.T) {
		_, err := c.GetCallerIdentity(context.Background(), nil, withSigner, func(o *sts.Options) { o.Region = "ap-southeast-2" })
		if err != nil {
			t.Fatal(err)
		}
		reqs := a.Requests()
		region, err := verifySigV4(reqs[len(reqs)-1], strings.TrimPrefix(a.URL(), "http://"), signerCreds.SecretAccessKey)
		if err != nil || region != "ap-southeast-2" {
			t.Errorf("signed for %q (%v), want ap-southeast-2", region, err)
		}
	})
	t.Run("an invalid Region is refused before sending", func(t *testing.T) {
		n := len(a.Requests())
		_, err := c.GetCallerIdentity(context.Background(), nil, withSigner, func(o *sts.Options) { o.Region = "us-east-1.evil.com" })
		if err == nil || !strings.Contains(err.Error(), `region "us-east-1.evil.com"`) {
			t.Fatalf("error = %v", err)
		}
		if len(a.Requests()) != n {
			t.Error("a request was sent")
		}
	})
	t.Run("a Region on a regional client moves the call to that region's endpoint", func(t *testing.T) {
		var seen string
		rc, err := NewClient(ClientOptions{
			Getenv: mapEnv(map[string]string{"AWS_REGION": "us-west-2"}),
			HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				seen = r.URL.String()
				return nil, errors.New("not dialling " + r.URL.Host)
			})},
			MaxAttempts: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := rc.endpoint.URL; got != "https://sts.us-west-2.amazonaws.com" {
			t.Errorf("endpoint = %q", got)
		}
		_, _ = rc.AssumeRoleWithWebIdentity(context.Background(), webInput(), func(o *sts.Options) {
			o.Region = "eu-west-1"
			o.EndpointOptions.UseFIPSEndpoint = aws.FIPSEndpointStateEnabled
		})
		if seen != "https://sts-fips.eu-west-1.amazonaws.com/" {
			t.Errorf("request went to %q", seen)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// postedURL returns the URL c posts a request to, without sending it.
func postedURL(c *Client) string {
	var seen string
	c.opts.HTTPClient.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.URL.String()
		return nil, errors.New("not dialling " + r.URL.Host)
	})
	_, _ = c.AssumeRoleWithWebIdentity(context.Background(), webInput(), func(o *sts.Options) { o.RetryMaxAttempts = 1 })
	return seen
}

func TestNewClient(t *testing.T) {
	t.Run("the endpoint comes from the environment", func(t *testing.T) {
		c, err := NewClient(ClientOptions{Getenv: mapEnv(map[string]string{"AWS_DEFAULT_REGION": "cn-north-1", "AWS_USE_DUALSTACK_ENDPOINT": "true"})})
		if err != nil {
			t.Fatal(err)
		}
		want := Endpoint{URL: "https://sts.cn-north-1.api.amazonwebservices.com.cn", SigningRegion: "cn-north-1"}
		if got := c.endpoint; got != want {
			t.Errorf("endpoint = %+v, want %+v", got, want)
		}
		if got := postedURL(c); got != "https://sts.cn-north-1.api.amazonwebservices.com.cn/" {
			t.Errorf("request URL = %q", got)
		}
	})
	t.Run("AWS_ENDPOINT_URL_STS gives a custom endpoint", func(t *testing.T) {
		c, err := NewClient(ClientOptions{Getenv: mapEnv(map[string]string{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4566/sts"})})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.endpoint; !got.Custom || got.URL != "http://127.0.0.1:4566/sts" || got.SigningRegion != "eu-west-1" {
			t.Errorf("endpoint = %+v", got)
		}
		if got := postedURL(c); got != "http://127.0.0.1:4566/sts/" {
			t.Errorf("request URL = %q, want the path with a trailing slash as the SDK posts", got)
		}
	})
	t.Run("the default HTTP client uses the proxy from the environment and does not follow redirects", func(t *testing.T) {
		c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "https://sts.example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		stop, ok := c.opts.HTTPClient.Transport.(stopAtRedirect)
		if !ok {
			t.Fatalf("transport %T: redirects would be followed", c.opts.HTTPClient.Transport)
		}
		tr, ok := stop.next.(*http.Transport)
		if !ok || tr.Proxy == nil || tr == http.DefaultTransport {
			t.Fatalf("transport %T: want a copy of http.DefaultTransport with Proxy set", stop.next)
		}
		// The proxy function is http.ProxyFromEnvironment itself (it caches the environment on
		// first use, so the function, not a changed variable, is what a test can check).
		if reflect.ValueOf(tr.Proxy).Pointer() != reflect.ValueOf(http.ProxyFromEnvironment).Pointer() {
			t.Error("the transport's Proxy is not http.ProxyFromEnvironment")
		}
	})
	errs := []struct {
		name    string
		opts    ClientOptions
		wantErr string
	}{
		{"no region in the environment is an error", ClientOptions{Getenv: mapEnv(nil)}, "no region is set"},
		{"a bad region in the environment is an error", ClientOptions{Getenv: mapEnv(map[string]string{"AWS_REGION": "../x"})}, `region "../x"`},
		{"a bad FIPS setting is an error", ClientOptions{Getenv: mapEnv(map[string]string{"AWS_REGION": "us-east-1", "AWS_USE_FIPS_ENDPOINT": "on"})}, `AWS_USE_FIPS_ENDPOINT "on"`},
		{"a given endpoint over plain http to a remote host is refused", ClientOptions{Endpoint: Endpoint{URL: "http://sts.amazonaws.com"}}, "must use https"},
		{"a given endpoint with a password is refused", ClientOptions{Endpoint: Endpoint{URL: "https://u:secretpw@h"}}, "must not contain user information"},
		{"a given endpoint with a bad signing region is refused", ClientOptions{Endpoint: Endpoint{URL: "https://h", SigningRegion: "US"}}, "lower case"},
		{"a negative MaxAttempts is refused", ClientOptions{Endpoint: Endpoint{URL: "https://h"}, MaxAttempts: -1}, "must not be negative"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error shows a password: %v", err)
			}
		})
	}
}

func TestClientIsSafeForConcurrentUse(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t)
	for i := 0; i < 10; i++ {
		w.script(wireError(503, "ServiceUnavailable", "busy"))
	}
	c, _ := newWireClient(t, w, "us-west-2")
	// Any one call may meet all ten errors.
	enoughAttempts := func(o *sts.Options) { o.RetryMaxAttempts = 11 }
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := c.AssumeRoleWithWebIdentity(context.Background(), webInput(), enoughAttempts)
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s")}, withSigner, enoughAttempts)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func ExampleNewClient() {
	// In a pod, the endpoint comes from AWS_REGION, AWS_STS_REGIONAL_ENDPOINTS, AWS_ENDPOINT_URL_STS...
	client, err := NewClient(ClientOptions{Getenv: func(name string) string {
		return map[string]string{"AWS_REGION": "eu-west-1", "AWS_USE_FIPS_ENDPOINT": "false"}[name]
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client.endpoint.URL)
	// Output: https://sts.eu-west-1.amazonaws.com
}

func ExampleResolveEndpoint() {
	for _, cfg := range []EndpointConfig{
		{Region: "us-west-2"},
		{Region: "us-west-2", LegacyGlobal: true},
		{Region: "us-gov-west-1", UseFIPS: true},
		{Region: "cn-north-1", UseDualStack: true},
		{Region: "us-east-1.evil.com"},
	} {
		ep, err := ResolveEndpoint(cfg)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(ep.URL, ep.SigningRegion)
	}
	// Output:
	// https://sts.us-west-2.amazonaws.com us-west-2
	// https://sts.amazonaws.com us-east-1
	// https://sts.us-gov-west-1.amazonaws.com us-gov-west-1
	// https://sts.cn-north-1.api.amazonwebservices.com.cn cn-north-1
	// credentials: STS endpoint: region "us-east-1.evil.com": a region is one DNS label of lower-case letters, digits and hyphens, such as "us-east-1"
}

// TestClientContextErrorHidesAnEchoedToken: when the caller's context ends after an attempt
// whose STS error echoed part of the token, the error's text is fixed only after the echo is
// scrubbed; and a Sleep that fails without the context ending names its own error.
func TestClientContextErrorHidesAnEchoedToken(t *testing.T) {
	leakcheck.Check(t)
	echo := wireError(500, "InternalFailure", "bad token "+wireToken[len(wireToken)-30:])
	t.Run("context cancelled", func(t *testing.T) {
		w := newWireSTS(t, echo)
		c, clk := newWireClient(t, w, "us-west-2")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		clk.onSleep = cancel
		_, err := c.AssumeRoleWithWebIdentity(ctx, webInput())
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
		if text := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(text, wireToken[len(wireToken)-20:]) {
			t.Errorf("error shows the token: %s", text)
		}
	})
	t.Run("Sleep fails on its own", func(t *testing.T) {
		w := newWireSTS(t, echo)
		c, _ := newWireClient(t, w, "us-west-2")
		stop := errors.New("sleep refused")
		c.opts.Sleep = func(context.Context, time.Duration) error { return stop }
		_, err := c.AssumeRoleWithWebIdentity(context.Background(), webInput())
		if !errors.Is(err, stop) || strings.Contains(err.Error(), "%!") {
			t.Fatalf("error = %v, want the Sleep's error", err)
		}
		if strings.Contains(err.Error(), wireToken[len(wireToken)-20:]) {
			t.Errorf("error shows the token: %v", err)
		}
	})
}
