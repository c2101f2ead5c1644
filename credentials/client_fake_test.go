package credentials

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/irsa-go/irsa/internal/stsencode"
	"github.com/irsa-go/irsa/stsxml"
)

// Fixed values the wire fake answers with.
var (
	wireExpiration = time.Date(2026, 11, 24, 15, 4, 5, 0, time.UTC)
	wireAccessKey  = "ASIAWIREFAKE00000001"
	wireSecretKey  = "wireSecret/abcdefghijklmnopqrstuvwxyz0123"
	wireSession    = "FwoGZXIvYXdzEwireSessionTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
	wireRequestID  = "4b1c2e7a-0000-4000-8000-000000000001"
	wireRoleARN    = "arn:aws:iam::123456789012:role/wire-role"
	wireAssumedARN = "arn:aws:sts::123456789012:assumed-role/wire-role/wire-session"
)

// wireReply is one scripted answer of the wire fake.
type wireReply struct {
	status int
	body   string
	header map[string]string
	// hang blocks until the request's context ends (the client gave up), then answers nothing.
	hang bool
	// hangup closes the connection without answering.
	hangup bool
}

// wireRequest is one request the wire fake received.
type wireRequest struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
	Form     url.Values
}

// wireSTS is a small STS over HTTP on 127.0.0.1 that answers with internal/stsencode's encoders. Scripted
// replies are used first, in order; after them every request gets a successful answer for its
// Action.
type wireSTS struct {
	srv      *httptest.Server
	mu       sync.Mutex
	replies  []wireReply
	requests []wireRequest
}

func newWireSTS(t testing.TB, replies ...wireReply) *wireSTS {
	t.Helper()
	w := &wireSTS{replies: replies}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *wireSTS) URL() string { return w.srv.URL }

func (w *wireSTS) script(replies ...wireReply) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.replies = append(w.replies, replies...)
}

func (w *wireSTS) Requests() []wireRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireRequest(nil), w.requests...)
}

func (w *wireSTS) serve(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	w.mu.Lock()
	w.requests = append(w.requests, wireRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body, form})
	var rep *wireReply
	if len(w.replies) > 0 {
		rep = &w.replies[0]
		w.replies = w.replies[1:]
	}
	w.mu.Unlock()
	if rep == nil {
		d := wireSuccess(form.Get("Action"))
		rep = &d
	}
	switch {
	case rep.hang:
		<-r.Context().Done()
		return
	case rep.hangup:
		conn, _, err := rw.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range rep.header {
		rw.Header().Set(k, v)
	}
	rw.Header().Set("Content-Type", "text/xml")
	if rep.status != 0 && rw.Header().Get("X-Amzn-Requestid") == "" {
		rw.Header().Set("X-Amzn-Requestid", wireRequestID) // as STS sends it
	}
	rw.WriteHeader(rep.status)
	_, _ = io.WriteString(rw, rep.body)
}

func wireCredentials() *types.Credentials {
	return &types.Credentials{AccessKeyId: aws.String(wireAccessKey), SecretAccessKey: aws.String(wireSecretKey),
		SessionToken: aws.String(wireSession), Expiration: aws.Time(wireExpiration)}
}

func wireWebIdentityOutput() *sts.AssumeRoleWithWebIdentityOutput {
	out := &sts.AssumeRoleWithWebIdentityOutput{
		AssumedRoleUser:             &types.AssumedRoleUser{Arn: aws.String(wireAssumedARN), AssumedRoleId: aws.String("AROAWIRE:wire-session")},
		Audience:                    aws.String("sts.amazonaws.com"),
		Credentials:                 wireCredentials(),
		PackedPolicySize:            aws.Int32(6),
		Provider:                    aws.String("oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE"),
		SubjectFromWebIdentityToken: aws.String("system:serviceaccount:default:app"),
	}
	awsmiddleware.SetRequestIDMetadata(&out.ResultMetadata, wireRequestID)
	return out
}

// wireSuccess is a successful answer for action.
func wireSuccess(action string) wireReply {
	var b bytes.Buffer
	var err error
	switch action {
	case "AssumeRoleWithWebIdentity":
		err = stsencode.Encode(&b, wireWebIdentityOutput())
	case "AssumeRole":
		out := &sts.AssumeRoleOutput{
			AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String(wireAssumedARN), AssumedRoleId: aws.String("AROAWIRE:wire-session")},
			Credentials:     wireCredentials(), SourceIdentity: aws.String("alice"),
		}
		awsmiddleware.SetRequestIDMetadata(&out.ResultMetadata, wireRequestID)
		err = stsencode.Encode(&b, out)
	case "GetCallerIdentity":
		out := &sts.GetCallerIdentityOutput{Account: aws.String("123456789012"), Arn: aws.String(wireAssumedARN), UserId: aws.String("AROAWIRE:wire-session")}
		awsmiddleware.SetRequestIDMetadata(&out.ResultMetadata, wireRequestID)
		err = stsencode.Encode(&b, out)
	default:
		return wireError(400, "InvalidAction", "Could not find operation "+action)
	}
	if err != nil {
		panic(err)
	}
	return wireReply{status: 200, body: b.String()}
}

// wireError is an STS error document answer.
func wireError(status int, code, message string) wireReply {
	var b bytes.Buffer
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	if err := stsencode.Encode(&b, &stsxml.Error{Type: typ, Code: code, Message: message, RequestID: wireRequestID}); err != nil {
		panic(err)
	}
	return wireReply{status: status, body: b.String()}
}

// verifySigV4 checks the SigV4 signature of a request the wire fake received: it signs a copy
// made of the same method, URL, signed headers and body, at the same time, with the secret key,
// and compares the Authorization headers.
func verifySigV4(req wireRequest, host, secretKey string) (region string, err error) {
	auth := req.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		return "", fmt.Errorf("no SigV4 Authorization header: %q", auth)
	}
	var credential, signedHeaders string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signedHeaders = v
		}
	}
	scope := strings.Split(credential, "/") // AKID/date/region/service/aws4_request
	if len(scope) != 5 || scope[3] != "sts" || scope[4] != "aws4_request" {
		return "", fmt.Errorf("bad credential scope %q", credential)
	}
	at, err := time.Parse("20060102T150405Z", req.Header.Get("X-Amz-Date"))
	if err != nil {
		return "", fmt.Errorf("bad X-Amz-Date: %v", err)
	}
	copyReq, _ := http.NewRequest(req.Method, "http://"+host+req.Path, bytes.NewReader(req.Body))
	for _, h := range strings.Split(signedHeaders, ";") {
		if h != "host" {
			copyReq.Header[http.CanonicalHeaderKey(h)] = req.Header.Values(h)
		}
	}
	sum := sha256.Sum256(req.Body)
	creds := aws.Credentials{AccessKeyID: scope[0], SecretAccessKey: secretKey, SessionToken: req.Header.Get("X-Amz-Security-Token")}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, copyReq, hex.EncodeToString(sum[:]), "sts", scope[2], at); err != nil {
		return "", err
	}
	if got, want := auth, copyReq.Header.Get("Authorization"); got != want {
		return "", fmt.Errorf("signature does not verify:\n got  %s\n want %s", got, want)
	}
	return scope[2], nil
}

// wireClock is a Now, Rand and Sleep for a Client that records the delays instead of sleeping.
type wireClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	r      float64
	// onSleep, when set, runs inside Sleep (to cancel a context, for instance).
	onSleep func()
}

func (f *wireClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *wireClock) Rand() float64 { return f.r }

func (f *wireClock) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	f.now = f.now.Add(d)
	fn := f.onSleep
	f.mu.Unlock()
	if fn != nil {
		fn()
	}
	return ctx.Err()
}

func (f *wireClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// newWireClient returns a Client for the wire fake with a fake clock (Rand 0.5).
func newWireClient(t testing.TB, w *wireSTS, region string) (*Client, *wireClock) {
	t.Helper()
	clk := &wireClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), r: 0.5}
	c, err := NewClient(ClientOptions{
		Endpoint: Endpoint{URL: w.URL(), SigningRegion: region, Custom: true},
		Now:      clk.Now, Rand: clk.Rand, Sleep: clk.Sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, clk
}

// A web identity token shaped like a Kubernetes service account token (not a valid signature).
const wireToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6IndpcmUifQ.eyJpc3MiOiJodHRwczovL29pZGMuZWtzLnVzLXdlc3QtMi5hbWF6b25hd3MuY29tL2lkL0VYQU1QTEUiLCJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.c2lnbmF0dXJlLXRoYXQtaXMtc2VjcmV0LWVub3VnaC10by1tYXR0ZXItMDEyMzQ1Njc4OQ"

func webInput() *sts.AssumeRoleWithWebIdentityInput {
	return &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("wire-session"), WebIdentityToken: aws.String(wireToken),
	}
}

// signerCreds are the credentials AssumeRole and GetCallerIdentity are signed with in tests.
var signerCreds = aws.Credentials{AccessKeyID: "ASIASIGNER0000000001", SecretAccessKey: "signerSecret/0123456789abcdefghijklmnopq", SessionToken: "signerSessionToken-0123456789-abcdefghijklmnopqrstuvwxyz"}

func withSigner(o *sts.Options) {
	o.Credentials = aws.NewCredentialsCache(credentialsValue(signerCreds))
}

type credentialsValue aws.Credentials

func (c credentialsValue) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}
