package credentials

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const (
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testToken  = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
)

func exampleCredentials() Credentials {
	return Credentials{
		AccessKeyID:     "ASIAIOSFODNN7EXAMPLE",
		SecretAccessKey: testSecret,
		SessionToken:    testToken,
		Expires:         time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC),
		Source:          sourceWebIdentity,
		RoleARN:         "arn:aws:sts::111122223333:assumed-role/app/session",
	}
}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := exampleCredentials()
	type holder struct {
		Name  string
		Creds Credentials
		Ptr   *Credentials
	}
	h := holder{Name: "x", Creds: c, Ptr: &c}
	outputs := map[string]string{
		"%v":                 fmt.Sprintf("%v", c),
		"%+v":                fmt.Sprintf("%+v", c),
		"%#v":                fmt.Sprintf("%#v", c),
		"%s":                 fmt.Sprintf("%s", c),
		"%q":                 fmt.Sprintf("%q", c),
		"%x":                 fmt.Sprintf("%x", c),
		"%v of a pointer":    fmt.Sprintf("%v", &c),
		"%+v of a pointer":   fmt.Sprintf("%+v", &c),
		"%#v of a pointer":   fmt.Sprintf("%#v", &c),
		"Sprint":             fmt.Sprint(c),
		"Sprint of a struct": fmt.Sprint(h),
		"%+v of a struct":    fmt.Sprintf("%+v", h),
		"%#v of a struct":    fmt.Sprintf("%#v", h),
		"%v of a slice":      fmt.Sprintf("%v", []Credentials{c}),
		"%v of a map value":  fmt.Sprintf("%v", map[string]Credentials{"k": c}),
		"String":             c.String(),
		"GoString":           c.goString(),
		"error wrapping %v":  fmt.Errorf("failed with %v", c).Error(),
		"Sprintln":           fmt.Sprintln(c),
	}
	for name, out := range outputs {
		if strings.Contains(out, testSecret) || strings.Contains(out, testToken) {
			t.Errorf("%s leaks a secret: %s", name, out)
		}
	}
	for _, name := range []string{"%v", "%+v", "%s", "Sprint of a struct", "%#v"} {
		out := outputs[name]
		if !strings.Contains(out, "ASIAIOSFODNN7EXAMPLE") || !strings.Contains(out, "[redacted]") {
			t.Errorf("%s should show the access key ID and mark the secrets redacted: %s", name, out)
		}
	}
	if want := "Credentials{AccessKeyID: ASIAIOSFODNN7EXAMPLE, SecretAccessKey: [redacted], SessionToken: [redacted], Expires: 2026-11-24T13:00:00Z, Source: web-identity, RoleARN: arn:aws:sts::111122223333:assumed-role/app/session}"; c.String() != want {
		t.Errorf("String() =\n%s\nwant\n%s", c.String(), want)
	}
}

func TestCredentialsStringShowsWhatIsMissing(t *testing.T) {
	c := Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "x"}
	if want := "Credentials{AccessKeyID: AKIAIOSFODNN7EXAMPLE, SecretAccessKey: [redacted], SessionToken: , Expires: never, Source: }"; c.String() != want {
		t.Errorf("String() = %s, want %s", c.String(), want)
	}
}

func TestCredentialsExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if (Credentials{}).Expired(now) {
		t.Error("credentials without expiry reported expired")
	}
	c := Credentials{Expires: now}
	if !c.Expired(now) || c.Expired(now.Add(-time.Nanosecond)) {
		t.Error("credentials expire exactly at Expires")
	}
}

func TestEnvProvider(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		legacy  bool // IgnoreLegacyNames
		want    Credentials
		wantErr string
		notSet  bool
	}{
		{name: "access key and secret are read", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", Source: "env"}},
		{name: "AWS_SESSION_TOKEN is read", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "TOK"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", SessionToken: "TOK", Source: "env"}},
		{name: "AWS_SECURITY_TOKEN is read first as botocore does", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "NEW", "AWS_SECURITY_TOKEN": "OLD"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", SessionToken: "OLD", Source: "env"}},
		{name: "AWS_CREDENTIAL_EXPIRATION sets the expiry", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_CREDENTIAL_EXPIRATION": "2026-11-24T13:00:00Z"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", Source: "env", Expires: time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)}},
		{name: "a malformed AWS_CREDENTIAL_EXPIRATION is an error naming it", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_CREDENTIAL_EXPIRATION": "tomorrow"},
			wantErr: `AWS_CREDENTIAL_EXPIRATION="tomorrow" is not an RFC 3339 time`},
		{name: "the legacy AWS_ACCESS_KEY and AWS_SECRET_KEY names are read as aws-sdk-go-v2 does", env: map[string]string{"AWS_ACCESS_KEY": "AKID", "AWS_SECRET_KEY": "SECRET"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", Source: "env"}},
		{name: "the standard names win over the legacy ones", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_ACCESS_KEY": "OLD", "AWS_SECRET_KEY": "OLDSECRET"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", Source: "env"}},
		{name: "the legacy names are ignored when asked, as botocore ignores them", legacy: true, env: map[string]string{"AWS_ACCESS_KEY": "AKID", "AWS_SECRET_KEY": "SECRET"},
			notSet: true},
		{name: "nothing set is errEnvNotSet", env: map[string]string{}, notSet: true},
		{name: "empty variables count as unset", env: map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, notSet: true},
		// botocore 1.43 takes a blank value as set, and then signs with a blank key.
		{name: "variables holding only whitespace count as unset, unlike botocore", env: map[string]string{"AWS_ACCESS_KEY_ID": " ", "AWS_SECRET_ACCESS_KEY": "\t\n"}, notSet: true},
		{name: "a blank access key ID beside a secret is an error naming the blank variable", env: map[string]string{"AWS_ACCESS_KEY_ID": " ", "AWS_SECRET_ACCESS_KEY": "SECRET"},
			wantErr: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"},
		{name: "a blank standard name falls back to the legacy one", env: map[string]string{"AWS_ACCESS_KEY_ID": " ", "AWS_ACCESS_KEY": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", Source: "env"}},
		{name: "a blank AWS_SECURITY_TOKEN does not hide AWS_SESSION_TOKEN", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SECURITY_TOKEN": " ", "AWS_SESSION_TOKEN": "TOK"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", SessionToken: "TOK", Source: "env"}},
		{name: "an access key ID without a secret is an error naming the missing variable", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKID"},
			wantErr: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"},
		{name: "a secret without an access key ID is an error naming the missing variable", env: map[string]string{"AWS_SECRET_ACCESS_KEY": "SECRET"},
			wantErr: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"},
		{name: "surrounding whitespace is trimmed", env: map[string]string{"AWS_ACCESS_KEY_ID": " AKID\n", "AWS_SECRET_ACCESS_KEY": "SECRET\n"},
			want: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", Source: "env"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Env{Getenv: func(k string) string { return tc.env[k] }, IgnoreLegacyNames: tc.legacy}
			got, err := p.Retrieve(context.Background())
			switch {
			case tc.notSet:
				if !errors.Is(err, errEnvNotSet) || err.Error() != "credentials: AWS_ACCESS_KEY_ID is not set" {
					t.Fatalf("got %v, %v; want errEnvNotSet, which names the variable", got, err)
				}
				if IsNonRecoverable(err) {
					t.Fatal("an unset environment must let a chain move on, not be non-recoverable")
				}
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				if !IsNonRecoverable(err) {
					t.Fatal("a half-set environment is a configuration error: want non-recoverable")
				}
				if strings.Contains(err.Error(), "SECRET") && !strings.Contains(tc.wantErr, "SECRET") {
					t.Fatalf("error leaks the secret: %v", err)
				}
			default:
				if err != nil || got != tc.want {
					t.Fatalf("got %v, %v; want %v", got, err, tc.want)
				}
			}
		})
	}
}

func TestEnvReadsTheProcessEnvironmentByDefault(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	got, err := Env{}.Retrieve(context.Background())
	if err != nil || got.AccessKeyID != "AKIDFROMENV" {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestStaticProvider(t *testing.T) {
	got, err := Static{Value: Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET", SessionToken: "TOKEN"}}.Retrieve(context.Background())
	if err != nil || got.AccessKeyID != "AKID" || got.SessionToken != "TOKEN" || got.Source != "static" || got.CanExpire() {
		t.Fatalf("got %v, %v", got, err)
	}
	_, err = Static{}.Retrieve(context.Background())
	if !errors.Is(err, errStaticEmpty) || !IsNonRecoverable(err) {
		t.Fatalf("empty static: got %v, want non-recoverable errStaticEmpty", err)
	}
	got, _ = Static{Value: Credentials{AccessKeyID: "A", SecretAccessKey: "S", Source: "mine"}}.Retrieve(context.Background())
	if got.Source != "mine" {
		t.Fatalf("a set Source is kept, got %q", got.Source)
	}
}

func TestProviderFunc(t *testing.T) {
	p := ProviderFunc(func(ctx context.Context) (Credentials, error) { return Credentials{AccessKeyID: "A"}, nil })
	if got, _ := p.Retrieve(context.Background()); got.AccessKeyID != "A" {
		t.Fatal(got)
	}
}

func TestNonRecoverableMarking(t *testing.T) {
	base := errors.New("AccessDenied")
	marked := MarkNonRecoverable(base)
	if !IsNonRecoverable(marked) || !errors.Is(marked, base) || marked.Error() != "AccessDenied" {
		t.Fatalf("marked error: %v", marked)
	}
	if !IsNonRecoverable(fmt.Errorf("wrapped: %w", marked)) {
		t.Fatal("marking must survive %w wrapping")
	}
	if !IsNonRecoverable(errors.Join(errors.New("other"), marked)) {
		t.Fatal("marking must be found in joined errors")
	}
	if IsNonRecoverable(base) || IsNonRecoverable(nil) || MarkNonRecoverable(nil) != nil {
		t.Fatal("unmarked or nil errors are recoverable")
	}
}

func TestForSDK(t *testing.T) {
	c := exampleCredentials()
	sdk := ForSDK(Static{Value: c})
	got, err := sdk.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != c.AccessKeyID || got.SecretAccessKey != c.SecretAccessKey || got.SessionToken != c.SessionToken ||
		!got.CanExpire || !got.Expires.Equal(c.Expires) || got.Source != c.Source {
		t.Fatalf("got %+v", got.Source)
	}
	never := ForSDK(Static{Value: Credentials{AccessKeyID: "A", SecretAccessKey: "S"}})
	if got, _ := never.Retrieve(context.Background()); got.CanExpire {
		t.Fatal("credentials without expiry must have CanExpire false")
	}
	failing := ForSDK(ProviderFunc(func(context.Context) (Credentials, error) { return Credentials{}, errOutage }))
	if _, err := failing.Retrieve(context.Background()); !errors.Is(err, errOutage) {
		t.Fatalf("got %v, want the provider's error", err)
	}
}

func TestASecretPutWhereTheAccessKeyIDBelongsIsNeverShown(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" // AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY swapped
	c := Credentials{AccessKeyID: secret, SecretAccessKey: "AKIAIOSFODNN7EXAMPLE"}
	texts := map[string]string{
		"Credentials %v":      fmt.Sprint(c),
		"Credentials %#v":     fmt.Sprintf("%#v", c),
		"Static":              fmt.Sprint(Static{Value: c}),
		"AssumeRoleError":     (&AssumeRoleError{RoleARN: "arn:aws:iam::111122223333:role/x", SourceAccessKeyID: secret}).Error(),
		"invalid credentials": validate(Credentials{AccessKeyID: secret}, time.Now()).Error(),
	}
	for name, s := range texts {
		if strings.Contains(s, secret[:12]) || strings.Contains(s, secret[28:]) {
			t.Errorf("%s shows the secret: %s", name, s)
		}
		if !strings.Contains(s, "(a 40-character value that does not look like an access key ID: are the access key ID and the secret access key swapped?)") {
			t.Errorf("%s does not say what the value is: %s", name, s)
		}
	}
}
