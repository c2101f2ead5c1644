package credentials

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/fakeoidc"
)

// scriptedSTS is an STS whose answers each test scripts; it records every call. The realistic
// fake (internal/fakests) is used by the end-to-end tests; this one makes single behaviours easy
// to pin down.
type scriptedSTS struct {
	mu        sync.Mutex
	webCalls  []*sts.AssumeRoleWithWebIdentityInput
	roleCalls []roleCall
	web       func(n int, in *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error)
	role      func(n int, in *sts.AssumeRoleInput, signer aws.Credentials) (*sts.AssumeRoleOutput, error)
}

type roleCall struct {
	in     *sts.AssumeRoleInput
	signer aws.Credentials
}

func (s *scriptedSTS) AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, _ ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	s.mu.Lock()
	s.webCalls = append(s.webCalls, in)
	n := len(s.webCalls)
	s.mu.Unlock()
	if s.web == nil {
		return nil, errors.New("scriptedSTS: no web identity answer scripted")
	}
	return s.web(n, in)
}

func (s *scriptedSTS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	var o sts.Options
	for _, fn := range optFns {
		fn(&o)
	}
	var signer aws.Credentials
	if o.Credentials != nil {
		c, err := o.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, err
		}
		signer = c
	}
	s.mu.Lock()
	s.roleCalls = append(s.roleCalls, roleCall{in, signer})
	n := len(s.roleCalls)
	s.mu.Unlock()
	if s.role == nil {
		return nil, errors.New("scriptedSTS: no AssumeRole answer scripted")
	}
	return s.role(n, in, signer)
}

func (s *scriptedSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return nil, errors.New("scriptedSTS: GetCallerIdentity not scripted")
}

func (s *scriptedSTS) webCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.webCalls)
}

func (s *scriptedSTS) lastWeb() *sts.AssumeRoleWithWebIdentityInput {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.webCalls) == 0 {
		return nil
	}
	return s.webCalls[len(s.webCalls)-1]
}

const (
	testRoleARN   = "arn:aws:iam::111111111111:role/app"
	testSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
	testSessionTk = "FwoGZXIvYXdzEBYaDSESSIONTOKENSECRETxyz0123456789"
)

// stsCreds returns STS-shaped credentials numbered n, expiring at exp.
func scriptedCreds(n int, exp time.Time) *types.Credentials {
	return &types.Credentials{
		AccessKeyId:     aws.String(fmt.Sprintf("ASIAWEB%013d", n)),
		SecretAccessKey: aws.String(testSecretKey),
		SessionToken:    aws.String(testSessionTk),
		Expiration:      aws.Time(exp),
	}
}

// okWeb answers every AssumeRoleWithWebIdentity with credentials valid for an hour after now().
func okWeb(now func() time.Time) func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return func(n int, in *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return &sts.AssumeRoleWithWebIdentityOutput{
			Credentials: scriptedCreds(n, now().Add(time.Hour)),
			AssumedRoleUser: &types.AssumedRoleUser{
				Arn:           aws.String("arn:aws:sts::111111111111:assumed-role/app/" + aws.ToString(in.RoleSessionName)),
				AssumedRoleId: aws.String("AROAEXAMPLE:" + aws.ToString(in.RoleSessionName)),
			},
		}, nil
	}
}

func fakeAPIError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// webFixture is an issuer with a minted token file, a clock and a scripted STS.
type webFixture struct {
	clock *fakeoidc.Clock
	iss   *fakeoidc.Issuer
	sts   *scriptedSTS
	token string
}

func newWebFixture(t *testing.T) *webFixture {
	t.Helper()
	f := &webFixture{clock: fakeoidc.NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)), sts: &scriptedSTS{}}
	f.iss = fakeoidc.Start(t, fakeoidc.Options{Now: f.clock.Now})
	f.mint(t, fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d9f8-x2x4q"})
	f.sts.web = okWeb(f.clock.Now)
	return f
}

func (f *webFixture) mint(t *testing.T, o fakeoidc.TokenOptions) {
	t.Helper()
	tok, err := f.iss.Mint(o)
	if err != nil {
		t.Fatal(err)
	}
	f.token = tok
}

func (f *webFixture) options() WebIdentityOptions {
	return WebIdentityOptions{
		RoleARN: testRoleARN, TokenFile: f.iss.TokenFile(), Client: f.sts,
		Now: f.clock.Now, Getenv: func(string) string { return "" },
	}
}

func (f *webFixture) provider(t *testing.T, edit func(*WebIdentityOptions)) *WebIdentity {
	t.Helper()
	o := f.options()
	if edit != nil {
		edit(&o)
	}
	w, err := NewWebIdentity(o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWebIdentitySendsTheRequestAndReturnsCredentials(t *testing.T) {
	f := newWebFixture(t)
	w := f.provider(t, func(o *WebIdentityOptions) {
		o.Duration = 2*time.Hour + 500*time.Millisecond
		o.Policy = `{"Version":"2012-10-17","Statement":[]}`
		o.PolicyARNs = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
	})
	c, err := w.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	in := f.sts.lastWeb()
	if aws.ToString(in.RoleArn) != testRoleARN || aws.ToString(in.WebIdentityToken) != f.token ||
		aws.ToString(in.RoleSessionName) != "payments.api.api-7d9f8-x2x4q" || aws.ToInt32(in.DurationSeconds) != 7200 ||
		aws.ToString(in.Policy) != `{"Version":"2012-10-17","Statement":[]}` || len(in.PolicyArns) != 1 ||
		aws.ToString(in.PolicyArns[0].Arn) != "arn:aws:iam::aws:policy/ReadOnlyAccess" || in.ProviderId != nil {
		t.Errorf("request = %+v", in)
	}
	want := Credentials{
		AccessKeyID: "ASIAWEB0000000000001", SecretAccessKey: testSecretKey, SessionToken: testSessionTk,
		Expires: f.clock.Now().Add(time.Hour), Source: sourceWebIdentity,
		RoleARN: "arn:aws:sts::111111111111:assumed-role/app/payments.api.api-7d9f8-x2x4q",
	}
	if c != want {
		t.Errorf("credentials = %#v\nwant          %#v", c, want)
	}
}

func TestWebIdentityLeavesOptionalParametersOut(t *testing.T) {
	f := newWebFixture(t)
	if _, err := f.provider(t, nil).Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := f.sts.lastWeb()
	if in.DurationSeconds != nil || in.Policy != nil || in.PolicyArns != nil || in.ProviderId != nil {
		t.Errorf("unset options were sent: %+v", in)
	}
}

func TestWebIdentityTokenRotatedByKubeletBetweenRefreshesIsReRead(t *testing.T) {
	f := newWebFixture(t)
	w := f.provider(t, nil)
	if _, err := w.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := f.token
	f.clock.Advance(20 * time.Hour) // kubelet rotates at 80% of the token's life
	f.mint(t, fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d9f8-x2x4q"})
	if f.iss.Rotations() != 1 {
		t.Fatalf("volume rotated %d times, want 1", f.iss.Rotations())
	}
	if _, err := w.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(f.sts.lastWeb().WebIdentityToken); got != f.token || got == first {
		t.Error("the second request did not carry the rotated token")
	}
}

func TestWebIdentitySessionNameSources(t *testing.T) {
	tests := []struct {
		name   string
		option string
		env    string
		token  fakeoidc.TokenOptions
		want   string
	}{
		{"option wins over the environment", "from-option", "from-env", fakeoidc.TokenOptions{}, "from-option"},
		{"AWS_ROLE_SESSION_NAME is used without the option", "", "from-env", fakeoidc.TokenOptions{}, "from-env"},
		{"the token's Kubernetes claims name the session otherwise", "", "", fakeoidc.TokenOptions{Namespace: "ns", ServiceAccount: "sa", Pod: "pod-1"}, "ns.sa.pod-1"},
		{"a token without Kubernetes claims gets a generated name", "", "", fakeoidc.TokenOptions{Subject: "user", Claims: map[string]any{"kubernetes.io": nil}}, "irsa-1795500000000000000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newWebFixture(t)
			f.mint(t, tc.token)
			w := f.provider(t, func(o *WebIdentityOptions) {
				o.SessionName = tc.option
				o.Getenv = func(k string) string {
					if k == "AWS_ROLE_SESSION_NAME" {
						return tc.env
					}
					return ""
				}
			})
			if _, err := w.Retrieve(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(f.sts.lastWeb().RoleSessionName); got != tc.want {
				t.Errorf("session name = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWebIdentityConfigurationErrorsBeforeAnyRequest(t *testing.T) {
	f := newWebFixture(t)
	tests := []struct {
		name    string
		edit    func(*WebIdentityOptions)
		wantErr string
	}{
		{"missing role ARN", func(o *WebIdentityOptions) { o.RoleARN = "" }, "RoleARN is required"},
		{"role ARN that is not an ARN", func(o *WebIdentityOptions) { o.RoleARN = "my-role" }, `role "my-role" is not an ARN`},
		{"role ARN of a user", func(o *WebIdentityOptions) { o.RoleARN = "arn:aws:iam::111111111111:user/bob" }, `names "user/bob", not a role`},
		{"MinIO role ARN with an AWS endpoint", func(o *WebIdentityOptions) { o.RoleARN = "arn:minio:iam:::role/x" }, "set AllowNonAWSRoleARN"},
		{"neither token file nor source", func(o *WebIdentityOptions) { o.TokenFile = "" }, "TokenFile (AWS_WEB_IDENTITY_TOKEN_FILE) or TokenSource is required"},
		{"both token file and source", func(o *WebIdentityOptions) {
			o.TokenSource = func(context.Context) (string, error) { return "", nil }
		}, "not both"},
		{"session name option with a space", func(o *WebIdentityOptions) { o.SessionName = "my session" }, `SessionName "my session" contains " "`},
		{"session name from the environment that is too short", func(o *WebIdentityOptions) {
			o.Getenv = func(k string) string { return map[string]string{"AWS_ROLE_SESSION_NAME": "x"}[k] }
		}, `AWS_ROLE_SESSION_NAME "x" is 1 characters long`},
		{"duration below 15 minutes", func(o *WebIdentityOptions) { o.Duration = 10 * time.Minute }, "Duration 10m0s is outside STS's range of 15m0s to 12h0m0s"},
		{"duration above 12 hours", func(o *WebIdentityOptions) { o.Duration = 13 * time.Hour }, "Duration 13h0m0s is outside"},
		{"policy that is not JSON", func(o *WebIdentityOptions) { o.Policy = "{" }, "Policy is not valid JSON"},
		{"policy ARN that is not an ARN", func(o *WebIdentityOptions) { o.PolicyARNs = []string{"ReadOnly"} }, "PolicyARNs[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := f.options()
			tc.edit(&o)
			w, err := NewWebIdentity(o)
			if err == nil {
				t.Fatalf("NewWebIdentity succeeded (%v), want an error", w)
			}
			var we *WebIdentityError
			if !errors.As(err, &we) || !IsNonRecoverable(err) {
				t.Errorf("error %T: errors.As *WebIdentityError = %v, IsNonRecoverable = %v; want both", err, we != nil, IsNonRecoverable(err))
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "credentials: web identity") {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
	if n := f.sts.webCount(); n != 0 {
		t.Errorf("%d requests were made", n)
	}
}

func TestWebIdentityExpiredTokenIsRefusedBeforeAnyRequest(t *testing.T) {
	f := newWebFixture(t)
	f.mint(t, fakeoidc.TokenOptions{Lifetime: time.Hour})
	w := f.provider(t, nil)
	f.clock.Advance(time.Hour) // exp == now: expired
	_, err := w.Retrieve(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	t.Log(err)
	want := "token expired at 2026-11-24T07:00:00Z; is the projected token volume mounted and rotating?"
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), f.iss.TokenFile()) {
		t.Errorf("error %q does not contain %q and the token file", err, want)
	}
	if !IsNonRecoverable(err) {
		t.Error("an expired token is not marked non-recoverable")
	}
	var we *WebIdentityError
	if !errors.As(err, &we) || !we.Claims.Expires.Equal(f.clock.Now()) {
		t.Errorf("error carries claims %+v", we)
	}
	if n := f.sts.webCount(); n != 0 {
		t.Errorf("%d requests were made with an expired token", n)
	}
}

func TestWebIdentityAccessDeniedNamesTheTrustPolicyKeys(t *testing.T) {
	f := newWebFixture(t)
	f.sts.web = func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return nil, fakeAPIError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	_, err := f.provider(t, nil).Retrieve(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	t.Log(err)
	host := f.iss.HostPath()
	for _, want := range []string{
		"credentials: web identity for role " + testRoleARN,
		"AccessDenied",
		fmt.Sprintf(`%q = "system:serviceaccount:payments:api"`, host+":sub"),
		fmt.Sprintf(`%q = "sts.amazonaws.com"`, host+":aud"),
		`"Federated": "arn:aws:iam::111111111111:oidc-provider/` + host + `"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\ndoes not contain %q", err, want)
		}
	}
	var we *WebIdentityError
	if !errors.As(err, &we) || we.RoleARN != testRoleARN || we.Claims.Subject != "system:serviceaccount:payments:api" || we.SessionName != "payments.api.api-7d9f8-x2x4q" {
		t.Errorf("WebIdentityError = %+v", we)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("errors.As smithy.APIError = %v", ae)
	}
	if !IsNonRecoverable(err) {
		t.Error("AccessDenied is not non-recoverable")
	}
}

func TestWebIdentitySTSErrorsAreClassified(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		nonRec    bool
		wantInErr string
	}{
		{"AccessDenied is non-recoverable", fakeAPIError("AccessDenied", "no"), true, ""},
		{"InvalidIdentityToken about the provider is non-recoverable and asks about the IAM OIDC provider",
			fakeAPIError("InvalidIdentityToken", "No OpenIDConnect provider found in your account"), true, "is an IAM OIDC identity provider for "},
		{"InvalidIdentityToken about fetching keys is retried", fakeAPIError("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider"), false, ""},
		{"IDPRejectedClaim is non-recoverable", fakeAPIError("IDPRejectedClaim", "rejected"), true, ""},
		{"IDPCommunicationError is retried", fakeAPIError("IDPCommunicationError", "unreachable"), false, ""},
		{"Throttling is retried", fakeAPIError("Throttling", "Rate exceeded"), false, ""},
		{"a duration over the role's maximum says what to change", fakeAPIError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), true, "raise the role's MaximumSessionDuration"},
		{"a network error is retried", errors.New("dial tcp 127.0.0.1:1: connection refused"), false, "connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newWebFixture(t)
			f.sts.web = func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
				return nil, tc.err
			}
			_, err := f.provider(t, nil).Retrieve(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if IsNonRecoverable(err) != tc.nonRec {
				t.Errorf("IsNonRecoverable = %v, want %v (%v)", IsNonRecoverable(err), tc.nonRec, err)
			}
			if !strings.Contains(err.Error(), tc.wantInErr) || !errors.Is(err, tc.err) {
				t.Errorf("error %q does not contain %q or wrap the cause", err, tc.wantInErr)
			}
		})
	}
}

func TestWebIdentityExpiredTokenExceptionRereadsTheFileOnce(t *testing.T) {
	t.Run("a token rotated meanwhile is sent again", func(t *testing.T) {
		f := newWebFixture(t)
		ok := okWeb(f.clock.Now)
		f.sts.web = func(n int, in *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
			if n == 1 {
				f.mint(t, fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d9f8-x2x4q", Lifetime: 2 * time.Hour})
				return nil, &types.ExpiredTokenException{Message: aws.String("Token expired: current date/time 1 must be before the expiration date/time 0")}
			}
			return ok(n, in)
		}
		c, err := f.provider(t, nil).Retrieve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if f.sts.webCount() != 2 || aws.ToString(f.sts.lastWeb().WebIdentityToken) != f.token || c.AccessKeyID != "ASIAWEB0000000000002" {
			t.Errorf("calls = %d, retried with the new token = %v", f.sts.webCount(), aws.ToString(f.sts.lastWeb().WebIdentityToken) == f.token)
		}
	})
	t.Run("an unchanged token is not sent again", func(t *testing.T) {
		f := newWebFixture(t)
		f.sts.web = func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
			return nil, &types.ExpiredTokenException{Message: aws.String("Token expired")}
		}
		_, err := f.provider(t, nil).Retrieve(context.Background())
		if f.sts.webCount() != 1 {
			t.Errorf("%d calls, want 1", f.sts.webCount())
		}
		var ete *types.ExpiredTokenException
		if !errors.As(err, &ete) || !strings.Contains(err.Error(), "the token was read again and is unchanged: is the projected token volume mounted and rotating?") {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("a second ExpiredTokenException is returned, not retried again", func(t *testing.T) {
		f := newWebFixture(t)
		f.sts.web = func(n int, in *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
			f.mint(t, fakeoidc.TokenOptions{Pod: fmt.Sprint("p", n)})
			return nil, &types.ExpiredTokenException{Message: aws.String("Token expired")}
		}
		_, err := f.provider(t, nil).Retrieve(context.Background())
		if f.sts.webCount() != 2 || err == nil {
			t.Errorf("%d calls, err %v; want 2 calls and an error", f.sts.webCount(), err)
		}
	})
}

func TestWebIdentityTokenSource(t *testing.T) {
	f := newWebFixture(t)
	calls := 0
	w := f.provider(t, func(o *WebIdentityOptions) {
		o.TokenFile = ""
		o.TokenSource = func(context.Context) (string, error) {
			calls++
			if calls == 2 {
				return "", errors.New("vault sealed")
			}
			return "  " + f.token + "\n", nil
		}
	})
	if _, err := w.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if aws.ToString(f.sts.lastWeb().WebIdentityToken) != f.token {
		t.Error("the token from TokenSource was not trimmed and sent")
	}
	_, err := w.Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "TokenSource: vault sealed") || strings.Contains(err.Error(), "token file") {
		t.Errorf("TokenSource error = %v", err)
	}
}

func TestWebIdentityOpaqueTokenIsSentForOAuthProviders(t *testing.T) {
	f := newWebFixture(t)
	path := writeTokenFile(t, t.TempDir(), "token", "Atza|IwEBIOpaqueAmazonAccessToken")
	w := f.provider(t, func(o *WebIdentityOptions) { o.TokenFile = path; o.ProviderID = "www.amazon.com" })
	if _, err := w.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if in := f.sts.lastWeb(); aws.ToString(in.ProviderId) != "www.amazon.com" || aws.ToString(in.WebIdentityToken) != "Atza|IwEBIOpaqueAmazonAccessToken" {
		t.Errorf("request = %+v", in)
	}
}

func TestWebIdentityTokenFileErrorsAreWebIdentityErrors(t *testing.T) {
	f := newWebFixture(t)
	missing := filepath.Join(t.TempDir(), "token")
	_, err := f.provider(t, func(o *WebIdentityOptions) { o.TokenFile = missing }).Retrieve(context.Background())
	var we *WebIdentityError
	if !errors.As(err, &we) || we.TokenFile != missing || !errors.Is(err, fs.ErrNotExist) || !IsNonRecoverable(err) {
		t.Fatalf("err = %v", err)
	}
	if f.sts.webCount() != 0 {
		t.Error("a request was made without a token")
	}
}

func TestWebIdentityIncompleteAnswerIsAnError(t *testing.T) {
	f := newWebFixture(t)
	f.sts.web = func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return &sts.AssumeRoleWithWebIdentityOutput{Credentials: &types.Credentials{AccessKeyId: aws.String("ASIA")}}, nil
	}
	_, err := f.provider(t, nil).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "STS answered without complete credentials") {
		t.Errorf("err = %v", err)
	}
}

func TestWebIdentityCancelledContextMakesNoRequest(t *testing.T) {
	f := newWebFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.provider(t, nil).Retrieve(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if f.sts.webCount() != 0 {
		t.Error("a request was made")
	}
}

func TestWebIdentityCustomEndpointAcceptsNonAWSRoleARNs(t *testing.T) {
	f := newWebFixture(t)
	o := f.options()
	o.RoleARN = "arn:minio:iam:::role/dummy-internal"
	if _, err := NewWebIdentity(o); err == nil {
		t.Fatal("MinIO ARN accepted for an AWS endpoint")
	}
	o.AllowNonAWSRoleARN = true
	if _, err := NewWebIdentity(o); err != nil {
		t.Errorf("AllowNonAWSRoleARN: %v", err)
	}
	o.AllowNonAWSRoleARN = false
	o.Client = sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:9000")})
	if _, err := NewWebIdentity(o); err != nil {
		t.Errorf("*sts.Client with BaseEndpoint: %v", err)
	}
	o.Client = sts.New(sts.Options{Region: "us-east-1"})
	if _, err := NewWebIdentity(o); err == nil {
		t.Error("*sts.Client for AWS accepted a MinIO ARN")
	}
}

func TestWebIdentityDefaultGetenvIsTheProcessEnvironment(t *testing.T) {
	t.Setenv("AWS_ROLE_SESSION_NAME", "from-process-env")
	f := newWebFixture(t)
	o := f.options()
	o.Getenv = nil
	w, err := NewWebIdentity(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(f.sts.lastWeb().RoleSessionName); got != "from-process-env" {
		t.Errorf("session name %q", got)
	}
	_ = os.Getenv
}
