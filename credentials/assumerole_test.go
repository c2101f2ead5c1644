package credentials

import (
	"context"
	"errors"
	"fmt"
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

const testTargetRole = "arn:aws:iam::222222222222:role/target"

var provNow = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

// okRole answers every AssumeRole with credentials valid for DurationSeconds (default an hour).
func okRole(now func() time.Time) func(int, *sts.AssumeRoleInput, aws.Credentials) (*sts.AssumeRoleOutput, error) {
	return func(n int, in *sts.AssumeRoleInput, _ aws.Credentials) (*sts.AssumeRoleOutput, error) {
		d := time.Hour
		if in.DurationSeconds != nil {
			d = time.Duration(*in.DurationSeconds) * time.Second
		}
		c := scriptedCreds(n, now().Add(d))
		c.AccessKeyId = aws.String(fmt.Sprintf("ASIAROLE%012d", n))
		name := strings.TrimPrefix(aws.ToString(in.RoleArn), "arn:aws:iam::")
		acct, role, _ := strings.Cut(name, ":role/")
		return &sts.AssumeRoleOutput{
			Credentials:     c,
			AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String("arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + aws.ToString(in.RoleSessionName))},
		}, nil
	}
}

func staticSource() Static {
	return Static{Value: Credentials{AccessKeyID: "AKIASOURCE0000000001", SecretAccessKey: testSecretKey, Source: sourceStatic}}
}

func roleSessionSource(exp time.Time) Static {
	return Static{Value: Credentials{
		AccessKeyID: "ASIASOURCE0000000001", SecretAccessKey: testSecretKey, SessionToken: testSessionTk,
		Expires: exp, Source: sourceWebIdentity, RoleARN: "arn:aws:sts::111111111111:assumed-role/app/s1",
	}}
}

func newAssumeRole(t *testing.T, s *scriptedSTS, edit func(*AssumeRoleOptions)) *AssumeRole {
	t.Helper()
	o := AssumeRoleOptions{Source: staticSource(), RoleARN: testTargetRole, Client: s, Now: func() time.Time { return provNow }}
	if edit != nil {
		edit(&o)
	}
	a, err := NewAssumeRole(o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAssumeRoleSignsWithTheSourceAndSendsEveryOption(t *testing.T) {
	s := &scriptedSTS{role: okRole(func() time.Time { return provNow })}
	a := newAssumeRole(t, s, func(o *AssumeRoleOptions) {
		o.SessionName = "deploy"
		o.ExternalID = "ext-123:/x"
		o.Duration = 2 * time.Hour
		o.Policy = `{"Version":"2012-10-17"}`
		o.PolicyARNs = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
		o.Tags = map[string]string{"team": "payments", "env": "prod", "cost center": "4711"}
		o.TransitiveTagKeys = []string{"team"}
		o.SourceIdentity = "alice@example.com"
	})
	c, err := a.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.roleCalls) != 1 {
		t.Fatalf("%d calls", len(s.roleCalls))
	}
	call := s.roleCalls[0]
	if call.signer.AccessKeyID != "AKIASOURCE0000000001" || call.signer.SecretAccessKey != testSecretKey {
		t.Errorf("request signed with %v, want the source credentials", call.signer.AccessKeyID)
	}
	in := call.in
	var tags []string
	for _, tg := range in.Tags {
		tags = append(tags, *tg.Key+"="+*tg.Value)
	}
	if aws.ToString(in.RoleArn) != testTargetRole || aws.ToString(in.RoleSessionName) != "deploy" ||
		aws.ToString(in.ExternalId) != "ext-123:/x" || aws.ToInt32(in.DurationSeconds) != 7200 ||
		aws.ToString(in.Policy) != `{"Version":"2012-10-17"}` || len(in.PolicyArns) != 1 ||
		strings.Join(tags, ",") != "cost center=4711,env=prod,team=payments" ||
		strings.Join(in.TransitiveTagKeys, ",") != "team" || aws.ToString(in.SourceIdentity) != "alice@example.com" {
		t.Errorf("request = %+v (tags %v)", in, tags)
	}
	want := Credentials{
		AccessKeyID: "ASIAROLE000000000001", SecretAccessKey: testSecretKey, SessionToken: testSessionTk,
		Expires: provNow.Add(2 * time.Hour), Source: sourceAssumeRole,
		RoleARN: "arn:aws:sts::222222222222:assumed-role/target/deploy",
	}
	if c != want {
		t.Errorf("credentials = %#v\nwant          %#v", c, want)
	}
}

func TestAssumeRoleDefaultsLeaveOptionalParametersOut(t *testing.T) {
	s := &scriptedSTS{role: okRole(func() time.Time { return provNow })}
	if _, err := newAssumeRole(t, s, nil).Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := s.roleCalls[0].in
	if aws.ToString(in.RoleSessionName) != generatedSessionName(provNow) || in.DurationSeconds != nil || in.ExternalId != nil ||
		in.Policy != nil || in.PolicyArns != nil || len(in.Tags) != 0 || in.TransitiveTagKeys != nil || in.SourceIdentity != nil {
		t.Errorf("request = %+v", in)
	}
}

func TestAssumeRoleChainedSessionDurationIsClampedToOneHour(t *testing.T) {
	tests := []struct {
		name   string
		source Provider
		ask    time.Duration
		want   int32
	}{
		{"two hours asked with a role session as source is lowered to one hour", roleSessionSource(provNow.Add(12 * time.Hour)), 2 * time.Hour, 3600},
		{"twelve hours asked with credentials that carry a role ARN is lowered to one hour",
			Static{Value: Credentials{AccessKeyID: "ASIAX", SecretAccessKey: testSecretKey, RoleARN: "arn:aws:sts::1:assumed-role/a/b"}}, 12 * time.Hour, 3600},
		{"two hours asked with long-term keys as source is kept", staticSource(), 2 * time.Hour, 7200},
		{"thirty minutes asked with a role session is kept", roleSessionSource(provNow.Add(12 * time.Hour)), 30 * time.Minute, 1800},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &scriptedSTS{role: okRole(func() time.Time { return provNow })}
			a := newAssumeRole(t, s, func(o *AssumeRoleOptions) { o.Source = tc.source; o.Duration = tc.ask })
			if _, err := a.Retrieve(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := aws.ToInt32(s.roleCalls[0].in.DurationSeconds); got != tc.want {
				t.Errorf("DurationSeconds = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestAssumeRoleExpiryIsNeverLaterThanTheSources(t *testing.T) {
	s := &scriptedSTS{role: okRole(func() time.Time { return provNow })}
	srcExp := provNow.Add(40 * time.Minute)
	c, err := newAssumeRole(t, s, func(o *AssumeRoleOptions) { o.Source = roleSessionSource(srcExp) }).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Expires.Equal(srcExp) {
		t.Errorf("Expires = %v, want the source's %v", c.Expires, srcExp)
	}
	c, err = newAssumeRole(t, s, func(o *AssumeRoleOptions) { o.Source = roleSessionSource(provNow.Add(3 * time.Hour)) }).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Expires.Equal(provNow.Add(time.Hour)) {
		t.Errorf("Expires = %v, want STS's %v when the source lives longer", c.Expires, provNow.Add(time.Hour))
	}
}

// invalidatingSource stands for the Cache below a RoleChain's hop: after Invalidate it hands
// out newer credentials.
type invalidatingSource struct {
	mu          sync.Mutex
	gen         int
	invalidated []string
	exp         func(gen int) time.Time
	// what Status reports
	nextRefresh, backoffUntil time.Time
	// refreshedBehind: the source refreshes on its own right after its first Retrieve, as a
	// Cache does when that Retrieve started a background refresh that finishes at once.
	refreshedBehind bool
	retrieved       bool
}

func (s *invalidatingSource) Retrieve(context.Context) (Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.current()
	if s.refreshedBehind && !s.retrieved {
		s.gen++
	}
	s.retrieved = true
	return c, nil
}

func (s *invalidatingSource) current() Credentials {
	c := roleSessionSource(s.exp(s.gen)).Value
	c.AccessKeyID = fmt.Sprintf("ASIASOURCEGEN%07d", s.gen)
	return c
}

func (s *invalidatingSource) Status() CacheStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.current()
	return CacheStatus{AccessKeyID: c.AccessKeyID, Expires: c.Expires, NextRefresh: s.nextRefresh, BackoffUntil: s.backoffUntil}
}

func (s *invalidatingSource) Invalidate(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated = append(s.invalidated, id)
	s.gen++
}

// The chain, not AssumeRole, decides when the hop below must refresh first: AssumeRole only
// calls its source's Retrieve, and a chain's hop has a hopSource as its source.
func TestRoleChainAsksTheHopBelowForNewerCredentialsWhenTheyWouldCutTheSessionShort(t *testing.T) {
	tests := []struct {
		name        string
		left        time.Duration // until the source credentials expire
		session     time.Duration // Duration asked for (0: STS's default hour)
		nextRefresh time.Duration // when the source Cache refreshes on its own (0: not scheduled)
		backoff     bool
		behind      bool // the source refreshed on its own between handing out credentials and Status
		renewed     bool
	}{
		{name: "20 minutes left for a one-hour session is renewed", left: 20 * time.Minute, nextRefresh: 10 * time.Minute, renewed: true},
		{name: "40 minutes left for a one-hour session, source not yet due, is used as it is", left: 40 * time.Minute, nextRefresh: 25 * time.Minute},
		{name: "40 minutes left and the source due for its own refresh is renewed", left: 40 * time.Minute, nextRefresh: -time.Second, renewed: true},
		{name: "20 minutes left for a 30-minute session, source not yet due, is used as it is", left: 20 * time.Minute, session: 30 * time.Minute, nextRefresh: 5 * time.Minute},
		{name: "source outliving the session is used as it is", left: 3 * time.Hour, nextRefresh: -time.Second},
		{name: "source backing off after a failure is left alone", left: 5 * time.Minute, backoff: true},
		// The race that made a chain's hop refresh twice: the hop's Retrieve of its source started
		// the source's background refresh, which finished before the hop looked at its Status.
		{name: "source that refreshed in the meantime is asked again, not invalidated", left: 15 * time.Minute, nextRefresh: -time.Second, behind: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &invalidatingSource{exp: func(gen int) time.Time { return provNow.Add(tc.left + time.Duration(gen)*time.Hour) }}
			if tc.nextRefresh != 0 {
				src.nextRefresh = provNow.Add(tc.nextRefresh)
			}
			if tc.backoff {
				src.backoffUntil = provNow.Add(5 * time.Minute)
			}
			src.refreshedBehind = tc.behind
			s := &scriptedSTS{role: okRole(func() time.Time { return provNow })}
			hop := &hopSource{below: src, duration: tc.session, now: func() time.Time { return provNow }}
			c, err := newAssumeRole(t, s, func(o *AssumeRoleOptions) { o.Source = hop; o.Duration = tc.session }).Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			signer := s.roleCalls[0].signer.AccessKeyID
			switch {
			case tc.behind && (len(src.invalidated) != 0 || signer != "ASIASOURCEGEN0000001"):
				t.Errorf("invalidated %v, signed with %s; want the source's newer key used and nothing invalidated", src.invalidated, signer)
			case tc.behind:
			case tc.renewed && (strings.Join(src.invalidated, ",") != "ASIASOURCEGEN0000000" || signer != "ASIASOURCEGEN0000001"):
				t.Errorf("invalidated %v, signed with %s; want the old key invalidated and the new one used", src.invalidated, signer)
			case !tc.renewed && (len(src.invalidated) != 0 || signer != "ASIASOURCEGEN0000000"):
				t.Errorf("invalidated %v, signed with %s; want the source left alone", src.invalidated, signer)
			}
			session := tc.session
			if session == 0 {
				session = time.Hour
			}
			want := provNow.Add(session)
			if exp := src.exp(src.gen); exp.Before(want) {
				want = exp
			}
			if !c.Expires.Equal(want) {
				t.Errorf("Expires = %v, want %v", c.Expires, want)
			}
		})
	}
}

func TestAssumeRoleConfigurationErrors(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*AssumeRoleOptions)
		wantErr string
	}{
		{"no source", func(o *AssumeRoleOptions) { o.Source = nil }, "Source is required"},
		{"no role", func(o *AssumeRoleOptions) { o.RoleARN = "" }, "RoleARN is required"},
		{"role name instead of ARN", func(o *AssumeRoleOptions) { o.RoleARN = "target" }, `role "target" is not an ARN`},
		{"session name with a slash", func(o *AssumeRoleOptions) { o.SessionName = "a/b" }, `SessionName "a/b" contains "/"`},
		{"external ID of one character", func(o *AssumeRoleOptions) { o.ExternalID = "x" }, "ExternalID is 1 characters long; STS accepts 2 to 1224"},
		{"external ID with a space", func(o *AssumeRoleOptions) { o.ExternalID = "a b" }, `ExternalID contains " "`},
		{"source identity with a colon", func(o *AssumeRoleOptions) { o.SourceIdentity = "a:b" }, `SourceIdentity contains ":"`},
		{"duration of five hours and a half days", func(o *AssumeRoleOptions) { o.Duration = 13 * time.Hour }, "outside STS's range"},
		{"fifty-one tags", func(o *AssumeRoleOptions) {
			o.Tags = map[string]string{}
			for i := 0; i < 51; i++ {
				o.Tags[fmt.Sprint("k", i)] = "v"
			}
		}, "Tags has 51 tags; STS accepts at most 50"},
		{"tag key with a star", func(o *AssumeRoleOptions) { o.Tags = map[string]string{"a*": "v"} }, `tag key "a*" has a character STS does not accept`},
		{"tag value with a newline", func(o *AssumeRoleOptions) { o.Tags = map[string]string{"k": "a\nb"} }, `value of tag "k" has a character`},
		{"empty tag key", func(o *AssumeRoleOptions) { o.Tags = map[string]string{"": "v"} }, "must be 1 to 128 characters"},
		{"transitive key that is not a tag", func(o *AssumeRoleOptions) {
			o.Tags = map[string]string{"team": "x"}
			o.TransitiveTagKeys = []string{"env"}
		}, `TransitiveTagKeys names "env", which is not in Tags`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := AssumeRoleOptions{Source: staticSource(), RoleARN: testTargetRole, Client: &scriptedSTS{}}
			tc.edit(&o)
			_, err := NewAssumeRole(o)
			var ae *AssumeRoleError
			if err == nil || !errors.As(err, &ae) || !IsNonRecoverable(err) {
				t.Fatalf("err = %v (non-recoverable %v)", err, IsNonRecoverable(err))
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "credentials: assume role") {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestAssumeRoleSourceFailureNamesTheRole(t *testing.T) {
	cause := MarkNonRecoverable(errors.New("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"))
	s := &scriptedSTS{}
	a := newAssumeRole(t, s, func(o *AssumeRoleOptions) {
		o.Source = ProviderFunc(func(context.Context) (Credentials, error) { return Credentials{}, cause })
	})
	_, err := a.Retrieve(context.Background())
	if err == nil || !errors.Is(err, cause) || !IsNonRecoverable(err) ||
		err.Error() != "credentials: assume role "+testTargetRole+": source credentials: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not" {
		t.Errorf("err = %v", err)
	}
	if len(s.roleCalls) != 0 {
		t.Error("a request was made without source credentials")
	}

	a = newAssumeRole(t, s, func(o *AssumeRoleOptions) {
		o.Source = ProviderFunc(func(context.Context) (Credentials, error) { return Credentials{AccessKeyID: "AKIA"}, nil })
	})
	if _, err := a.Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "without an access key ID or secret") {
		t.Errorf("keyless source: err = %v", err)
	}
}

func TestAssumeRoleSTSErrorsNameTheRoleAndTheSourceIdentity(t *testing.T) {
	tests := []struct {
		name    string
		source  Provider
		stsErr  error
		want    []string
		nonRec  bool
		extOpts func(*AssumeRoleOptions)
	}{
		{"AccessDenied with long-term keys names the access key and the trust policy", staticSource(),
			fakeAPIError("AccessDenied", "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole"),
			[]string{"credentials: assume role " + testTargetRole + " as access key AKIASOURCE0000000001: ", "must allow sts:AssumeRole to access key AKIASOURCE0000000001", "set ExternalID"}, true, nil},
		{"AccessDenied with a role session names the source role", roleSessionSource(provNow.Add(time.Hour)),
			fakeAPIError("AccessDenied", "not authorized"),
			[]string{"as arn:aws:sts::111111111111:assumed-role/app/s1 (access key ASIASOURCE0000000001)", "must allow sts:AssumeRole to arn:aws:sts::111111111111:assumed-role/app/s1"}, true,
			func(o *AssumeRoleOptions) { o.ExternalID = "abc" }},
		{"role chaining limit explains what to lower", staticSource(),
			fakeAPIError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."),
			[]string{"lower Duration (duration_seconds) to 1h or less"}, true, nil},
		{"invalid source keys say so", staticSource(), fakeAPIError("InvalidClientTokenId", "The security token included in the request is invalid."),
			[]string{"the source credentials (access key AKIASOURCE0000000001) are not valid"}, true, nil},
		{"expired source session says so", roleSessionSource(provNow.Add(time.Hour)), fakeAPIError("ExpiredToken", "The security token included in the request is expired"),
			[]string{"have expired"}, false, nil},
		{"throttling is retried later", staticSource(), fakeAPIError("Throttling", "Rate exceeded"), []string{"Rate exceeded"}, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &scriptedSTS{role: func(int, *sts.AssumeRoleInput, aws.Credentials) (*sts.AssumeRoleOutput, error) { return nil, tc.stsErr }}
			a := newAssumeRole(t, s, func(o *AssumeRoleOptions) {
				o.Source = tc.source
				if tc.extOpts != nil {
					tc.extOpts(o)
				}
			})
			_, err := a.Retrieve(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if IsNonRecoverable(err) != tc.nonRec {
				t.Errorf("IsNonRecoverable = %v, want %v", IsNonRecoverable(err), tc.nonRec)
			}
			var ae *AssumeRoleError
			var api smithy.APIError
			if !errors.As(err, &ae) || ae.RoleARN != testTargetRole || !errors.As(err, &api) {
				t.Errorf("errors.As: %+v, %v", ae, api)
			}
		})
	}
}

func TestAssumeRoleIncompleteAnswerIsAnError(t *testing.T) {
	s := &scriptedSTS{role: func(int, *sts.AssumeRoleInput, aws.Credentials) (*sts.AssumeRoleOutput, error) {
		return &sts.AssumeRoleOutput{}, nil
	}}
	if _, err := newAssumeRole(t, s, nil).Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "without complete credentials") {
		t.Errorf("err = %v", err)
	}
}

// TestWebIdentityAndAssumeRoleErrorsHoldNoSecret renders every error path of both providers with every verb and looks
// for the token, the secret keys and the session tokens, including when a hostile server echoes
// them back.
func TestWebIdentityAndAssumeRoleErrorsHoldNoSecret(t *testing.T) {
	f := newWebFixture(t)
	f.mint(t, fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api"})
	token := f.token
	sig := token[strings.LastIndexByte(token, '.')+1:]
	echo := func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return nil, fakeAPIError("AccessDenied", "token "+token+" and signature "+sig+" rejected")
	}
	roleEcho := func(_ int, _ *sts.AssumeRoleInput, c aws.Credentials) (*sts.AssumeRoleOutput, error) {
		return nil, fakeAPIError("SignatureDoesNotMatch", "secret "+c.SecretAccessKey+" token "+c.SessionToken)
	}
	webErr := func(edit func(*WebIdentityOptions), answer func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error)) func() error {
		return func() error {
			o := f.options()
			s := &scriptedSTS{web: answer}
			o.Client = s
			if edit != nil {
				edit(&o)
			}
			w, err := NewWebIdentity(o)
			if err != nil {
				return err
			}
			_, err = w.Retrieve(context.Background())
			return err
		}
	}
	roleErr := func(src Provider, answer func(int, *sts.AssumeRoleInput, aws.Credentials) (*sts.AssumeRoleOutput, error)) func() error {
		return func() error {
			a, err := NewAssumeRole(AssumeRoleOptions{Source: src, RoleARN: testTargetRole, Client: &scriptedSTS{role: answer}})
			if err != nil {
				return err
			}
			_, err = a.Retrieve(context.Background())
			return err
		}
	}
	expiredTok, _ := f.iss.Sign(fakeoidc.TokenOptions{Expires: provNow.Add(-time.Hour)})
	expired := writeTokenFile(t, t.TempDir(), "expired", expiredTok)
	big := writeTokenFile(t, t.TempDir(), "big", token+strings.Repeat(" x", maxTokenSize))

	cases := []struct {
		name string
		run  func() error
	}{
		{"STS echoes the token in AccessDenied", webErr(nil, echo)},
		{"STS echoes the token in InvalidIdentityToken", webErr(nil, func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
			return nil, fakeAPIError("InvalidIdentityToken", token)
		})},
		{"STS echoes the token in ExpiredTokenException", webErr(nil, func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
			return nil, &types.ExpiredTokenException{Message: aws.String(token)}
		})},
		{"network error quoting the token", webErr(nil, func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
			return nil, fmt.Errorf("proxy refused body %s", token)
		})},
		{"incomplete answer", webErr(nil, func(int, *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
			return &sts.AssumeRoleWithWebIdentityOutput{}, nil
		})},
		{"expired token", webErr(func(o *WebIdentityOptions) { o.TokenFile = expired }, echo)},
		{"token over the cap", webErr(func(o *WebIdentityOptions) { o.TokenFile = big }, echo)},
		{"configuration error", webErr(func(o *WebIdentityOptions) { o.RoleARN = "x" }, echo)},
		{"STS echoes the source secret and session token", roleErr(roleSessionSource(time.Now().Add(time.Hour)), roleEcho)},
		{"STS echoes the long-term secret", roleErr(staticSource(), roleEcho)},
		{"incomplete AssumeRole answer", roleErr(staticSource(), func(int, *sts.AssumeRoleInput, aws.Credentials) (*sts.AssumeRoleOutput, error) {
			return &sts.AssumeRoleOutput{}, nil
		})},
		{"source without an access key", roleErr(Static{Value: Credentials{SecretAccessKey: testSecretKey, SessionToken: testSessionTk}}, roleEcho)},
		{"AssumeRole configuration error", func() error {
			_, err := NewAssumeRole(AssumeRoleOptions{Source: roleSessionSource(provNow), RoleARN: "bad", Client: &scriptedSTS{}})
			return err
		}},
	}
	secrets := []string{token, sig, testSecretKey, testSessionTk}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil {
				t.Fatal("no error")
			}
			for _, form := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%s", err), fmt.Sprintf("%q", err)} {
				for _, s := range secrets {
					if strings.Contains(form, s) {
						t.Fatalf("error form %q contains a secret (%.12s…)", form, s)
					}
				}
			}
		})
	}
}

// AssumeRole asks nothing of its source but Retrieve, even of a source that could refresh: when
// hops refresh is the chain's decision (see the test above).
func TestAssumeRoleOnlyRetrievesFromItsSource(t *testing.T) {
	src := &invalidatingSource{exp: func(gen int) time.Time { return provNow.Add(5*time.Minute + time.Duration(gen)*time.Hour) }}
	src.nextRefresh = provNow.Add(-time.Second)
	s := &scriptedSTS{role: okRole(func() time.Time { return provNow })}
	if _, err := newAssumeRole(t, s, func(o *AssumeRoleOptions) { o.Source = src }).Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(src.invalidated) != 0 || s.roleCalls[0].signer.AccessKeyID != "ASIASOURCEGEN0000000" {
		t.Errorf("invalidated %v, signed with %s; want the source's credentials used as they are", src.invalidated, s.roleCalls[0].signer.AccessKeyID)
	}
}
