package credentials

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

// capturingTransport records request bodies and answers every request with a successful STS
// document for its Action, without any network.
type capturingTransport struct {
	mu     sync.Mutex
	bodies []string
	urls   []string
}

func (c *capturingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.bodies = append(c.bodies, string(body))
	c.urls = append(c.urls, r.URL.String())
	c.mu.Unlock()
	form, _ := url.ParseQuery(string(body))
	rep := wireSuccess(form.Get("Action"))
	return &http.Response{StatusCode: rep.status, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: io.NopCloser(strings.NewReader(rep.body)), ContentLength: int64(len(rep.body)), Request: r}, nil
}

func (c *capturingTransport) last() (body, u string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bodies[len(c.bodies)-1], c.urls[len(c.urls)-1]
}

// TestClientEncodesRequestsLikeTheSDK sends the same inputs through aws-sdk-go-v2's *sts.Client
// and through the Client, captures both request bodies, and compares the decoded forms.
func TestClientEncodesRequestsLikeTheSDK(t *testing.T) {
	tr := &capturingTransport{}
	sdk := sts.New(sts.Options{Region: "us-west-2", HTTPClient: &http.Client{Transport: tr},
		Credentials: credentialsValue(signerCreds), RetryMaxAttempts: 1})
	ours, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "https://sts.us-west-2.amazonaws.com", SigningRegion: "us-west-2"},
		HTTPClient: &http.Client{Transport: tr}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	odd := "a b&c=d+e%f/g?h#i:j;k,l@m$n!o*p'q(r)s[t]u{v}w|x\\y^z`~\"<>\t\n\r é 漢字 🙂"
	webCases := []struct {
		name string
		in   *sts.AssumeRoleWithWebIdentityInput
	}{
		{"web identity with only the required parameters", webInput()},
		{"web identity with every parameter", &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s-" + "x"), WebIdentityToken: aws.String(wireToken + "+/="),
			DurationSeconds: aws.Int32(43200), MinimumSessionTokenSize: aws.Int32(2048), Policy: aws.String(`{"Version":"2012-10-17","Statement":[]} ` + odd),
			PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/A")}, {Arn: aws.String("arn:aws:iam::aws:policy/B")},
				{}, {Arn: aws.String("arn:aws:iam::aws:policy/D")}, {Arn: aws.String("5")}, {Arn: aws.String("6")}, {Arn: aws.String("7")},
				{Arn: aws.String("8")}, {Arn: aws.String("9")}, {Arn: aws.String("10")}, {Arn: aws.String("11")}},
			ProviderId: aws.String("graph.facebook.com"),
		}},
		{"web identity with empty strings and an empty policy ARN list", &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(""), RoleSessionName: aws.String(""), WebIdentityToken: aws.String(""), Policy: aws.String(""),
			PolicyArns: []types.PolicyDescriptorType{}, DurationSeconds: aws.Int32(0),
		}},
	}
	for _, tc := range webCases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := sdk.AssumeRoleWithWebIdentity(context.Background(), tc.in, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} }); err != nil {
				t.Fatal(err)
			}
			want, _ := tr.last()
			if _, err := ours.AssumeRoleWithWebIdentity(context.Background(), tc.in); err != nil {
				t.Fatal(err)
			}
			got, _ := tr.last()
			sameForm(t, got, want)
		})
	}
	roleCases := []struct {
		name string
		in   *sts.AssumeRoleInput
	}{
		{"assume role with only the required parameters", &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s")}},
		{"assume role with every parameter", &sts.AssumeRoleInput{
			RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("session@example.com"), DurationSeconds: aws.Int32(900),
			ExternalId: aws.String("ext:" + odd), MinimumSessionTokenSize: aws.Int32(1), Policy: aws.String(odd),
			PolicyArns:       []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
			ProvidedContexts: []types.ProvidedContext{{ContextAssertion: aws.String("assert" + odd), ProviderArn: aws.String("arn:aws:iam::aws:contextProvider/IdentityCenter")}, {ProviderArn: aws.String("p2")}},
			SerialNumber:     aws.String("arn:aws:iam::123456789012:mfa/alice"), SourceIdentity: aws.String("alice"), TokenCode: aws.String("123456"),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String(odd)}, {Key: aws.String("k2"), Value: aws.String("")}, {Key: aws.String("3"), Value: aws.String("3")},
				{Key: aws.String("4"), Value: aws.String("4")}, {Key: aws.String("5"), Value: aws.String("5")}, {Key: aws.String("6"), Value: aws.String("6")},
				{Key: aws.String("7"), Value: aws.String("7")}, {Key: aws.String("8"), Value: aws.String("8")}, {Key: aws.String("9"), Value: aws.String("9")},
				{Key: aws.String("10"), Value: aws.String("10")}},
			TransitiveTagKeys: []string{"team", "k2", ""},
		}},
		{"assume role with empty lists", &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s"),
			Tags: []types.Tag{}, TransitiveTagKeys: []string{}, PolicyArns: []types.PolicyDescriptorType{}, ProvidedContexts: []types.ProvidedContext{}}},
	}
	for _, tc := range roleCases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := sdk.AssumeRole(context.Background(), tc.in); err != nil {
				t.Fatal(err)
			}
			want, _ := tr.last()
			if _, err := ours.AssumeRole(context.Background(), tc.in, withSigner); err != nil {
				t.Fatal(err)
			}
			got, _ := tr.last()
			sameForm(t, got, want)
		})
	}
	t.Run("get caller identity", func(t *testing.T) {
		if _, err := sdk.GetCallerIdentity(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		want, wantURL := tr.last()
		if _, err := ours.GetCallerIdentity(context.Background(), nil, withSigner); err != nil {
			t.Fatal(err)
		}
		got, gotURL := tr.last()
		sameForm(t, got, want)
		if gotURL != wantURL {
			t.Errorf("posted to %q, the SDK to %q", gotURL, wantURL)
		}
	})
}

func sameForm(t *testing.T, got, want string) {
	t.Helper()
	g, err := url.ParseQuery(got)
	if err != nil {
		t.Fatalf("our body does not parse: %v\n%s", err, got)
	}
	w, err := url.ParseQuery(want)
	if err != nil {
		t.Fatalf("the SDK's body does not parse: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("forms differ\n ours %v\n  sdk %v", g, w)
	}
}

// TestSDKClientDropsIn runs the same code, written against the STS interface, with the Client
// and with aws-sdk-go-v2's *sts.Client against the same fake STS server, and compares what each
// returns: results, and errors as code written for the SDK inspects them.
func TestSDKClientDropsIn(t *testing.T) {
	leakcheck.Check(t)
	w := newWireSTS(t)
	ours, _ := newWireClient(t, w, "us-west-2")
	hc := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(hc.CloseIdleConnections)
	sdk := sts.New(sts.Options{Region: "us-west-2", BaseEndpoint: aws.String(w.URL()), HTTPClient: hc, Credentials: aws.AnonymousCredentials{}})

	type result struct {
		web    *sts.AssumeRoleWithWebIdentityOutput
		role   *sts.AssumeRoleOutput
		caller *sts.GetCallerIdentityOutput
		errs   []error
	}
	run := func(client STS) result {
		var r result
		var err error
		r.web, err = client.AssumeRoleWithWebIdentity(context.Background(), webInput())
		if err != nil {
			t.Fatalf("%T: %v", client, err)
		}
		r.role, err = client.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(wireRoleARN), RoleSessionName: aws.String("s")}, withSigner)
		if err != nil {
			t.Fatalf("%T: %v", client, err)
		}
		r.caller, err = client.GetCallerIdentity(context.Background(), nil, withSigner)
		if err != nil {
			t.Fatalf("%T: %v", client, err)
		}
		for _, rep := range []wireReply{
			wireError(403, "IDPRejectedClaim", "Incorrect token audience"),
			wireError(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account"),
			wireError(400, "ExpiredTokenException", "Token expired: current date/time 1 must be before the expiration date/time 0"),
			wireError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
			wireError(400, "PackedPolicyTooLarge", "too large"),
			wireError(403, "RegionDisabledException", "not activated"),
			wireError(400, "MalformedPolicyDocument", "bad"),
		} {
			w.script(rep)
			_, err := client.AssumeRoleWithWebIdentity(context.Background(), webInput())
			r.errs = append(r.errs, err)
		}
		return r
	}
	sdkResult := run(sdk)
	ourResult := run(ours)

	for _, pair := range [][2]any{
		{ourResult.web.Credentials, sdkResult.web.Credentials}, {ourResult.web.AssumedRoleUser, sdkResult.web.AssumedRoleUser},
		{ourResult.web.SubjectFromWebIdentityToken, sdkResult.web.SubjectFromWebIdentityToken}, {ourResult.web.Audience, sdkResult.web.Audience},
		{ourResult.web.Provider, sdkResult.web.Provider}, {ourResult.web.PackedPolicySize, sdkResult.web.PackedPolicySize},
		{ourResult.role.Credentials, sdkResult.role.Credentials}, {ourResult.role.SourceIdentity, sdkResult.role.SourceIdentity},
		{ourResult.caller.Account, sdkResult.caller.Account}, {ourResult.caller.Arn, sdkResult.caller.Arn}, {ourResult.caller.UserId, sdkResult.caller.UserId},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("results differ:\n ours %+v\n  sdk %+v", deref(pair[0]), deref(pair[1]))
		}
	}
	ourID, _ := awsmiddleware.GetRequestIDMetadata(ourResult.web.ResultMetadata)
	sdkID, _ := awsmiddleware.GetRequestIDMetadata(sdkResult.web.ResultMetadata)
	if ourID != sdkID || ourID != wireRequestID {
		t.Errorf("request IDs: ours %q, sdk %q", ourID, sdkID)
	}
	for i := range sdkResult.errs {
		o, s := ourResult.errs[i], sdkResult.errs[i]
		var oa, sa smithy.APIError
		if !errors.As(o, &oa) || !errors.As(s, &sa) {
			t.Fatalf("error %d: not both smithy.APIError: ours %v, sdk %v", i, o, s)
		}
		// The SDK reports an unknown fault for codes it does not model (AccessDenied); stsxml
		// reads it from the document's Type.
		sameFault := oa.ErrorFault() == sa.ErrorFault() || sa.ErrorFault() == smithy.FaultUnknown
		if oa.ErrorCode() != sa.ErrorCode() || oa.ErrorMessage() != sa.ErrorMessage() || !sameFault {
			t.Errorf("error %d: ours %s/%q/%v, sdk %s/%q/%v", i, oa.ErrorCode(), oa.ErrorMessage(), oa.ErrorFault(), sa.ErrorCode(), sa.ErrorMessage(), sa.ErrorFault())
		}
		var oo, so *smithy.OperationError
		if !errors.As(o, &oo) || !errors.As(s, &so) || oo.Operation() != so.Operation() || oo.Service() != so.Service() {
			t.Errorf("error %d: smithy.OperationError differs: ours %v, sdk %v", i, oo, so)
		}
		for _, target := range []any{new(*types.IDPRejectedClaimException), new(*types.InvalidIdentityTokenException),
			new(*types.ExpiredTokenException), new(*types.PackedPolicyTooLargeException), new(*types.RegionDisabledException),
			new(*types.MalformedPolicyDocumentException), new(*types.IDPCommunicationErrorException)} {
			if errors.As(o, target) != errors.As(s, target) {
				t.Errorf("error %d (%s): errors.As %T: ours %v, sdk %v", i, sa.ErrorCode(), target, errors.As(o, target), errors.As(s, target))
			}
		}
	}
	// Both sent the same form bodies.
	reqs := w.Requests()
	half := len(reqs) / 2
	for i := 0; i < half; i++ {
		if !bytes.Equal(normalizeForm(reqs[i].Body), normalizeForm(reqs[half+i].Body)) {
			t.Errorf("request %d: sdk %s\n ours %s", i, reqs[i].Body, reqs[half+i].Body)
		}
	}
}

func normalizeForm(b []byte) []byte {
	v, _ := url.ParseQuery(string(b))
	return []byte(v.Encode())
}

func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return rv.Elem().Interface()
	}
	return v
}
