package credentials

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// echoingSTS is an STS client whose errors echo the request, as an *sts.Client's do when the
// server's message repeats a value (AWS's validation errors can).
type echoingSTS struct {
	STS
	makeErr func(echo string) error
}

func (e echoingSTS) AssumeRoleWithWebIdentity(_ context.Context, in *sts.AssumeRoleWithWebIdentityInput, _ ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return nil, e.makeErr(aws.ToString(in.WebIdentityToken))
}

func (e echoingSTS) AssumeRole(ctx context.Context, _ *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	var o sts.Options
	for _, fn := range optFns {
		fn(&o)
	}
	c, _ := o.Credentials.Retrieve(ctx)
	return nil, e.makeErr(c.SecretAccessKey + " " + c.SessionToken)
}

// Errors from any STS client, not only the light one, are scrubbed before the providers wrap
// them: the unwrapped cause and what errors.As finds hold no token or key either.
func TestProviderErrorsScrubTheCauseWhicheverClientMadeIt(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzphcHAifQ.c2lnbmF0dXJlLXNlY3JldC1FQ0hP"
	const secret, session = "SECRETECHOEDBYSERVER0001", "SESSIONTOKENECHOEDBYSERVER01"
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	makers := map[string]func(string) error{
		"an SDK exception": func(echo string) error {
			return &smithy.OperationError{ServiceID: "STS", OperationName: "Op", Err: &types.InvalidIdentityTokenException{Message: aws.String("bad value " + echo)}}
		},
		"a generic API error": func(echo string) error {
			return &smithy.OperationError{ServiceID: "STS", OperationName: "Op", Err: &smithy.GenericAPIError{Code: "ValidationError", Message: "Value '" + echo + "' failed to satisfy constraint"}}
		},
	}
	for name, makeErr := range makers {
		t.Run(name, func(t *testing.T) {
			client := echoingSTS{makeErr: makeErr}
			w, err := NewWebIdentity(WebIdentityOptions{RoleARN: "arn:aws:iam::111122223333:role/app", TokenFile: tokenFile, SessionName: "echo-test", Client: client})
			if err != nil {
				t.Fatal(err)
			}
			_, werr := w.Retrieve(context.Background())
			a, err := NewAssumeRole(AssumeRoleOptions{Source: Static{Value: Credentials{AccessKeyID: "AKIDECHO", SecretAccessKey: secret, SessionToken: session}}, RoleARN: "arn:aws:iam::111122223333:role/b", SessionName: "echo-test", Client: client})
			if err != nil {
				t.Fatal(err)
			}
			_, aerr := a.Retrieve(context.Background())
			for _, err := range []error{werr, aerr} {
				if err == nil {
					t.Fatal("want an error")
				}
				var api smithy.APIError
				if !errors.As(err, &api) {
					t.Fatalf("errors.As must still reach the API error: %v", err)
				}
				texts := []string{err.Error(), fmt.Sprintf("%+v", err), api.ErrorMessage(), errors.Unwrap(err).Error(), fmt.Sprintf("%#v", errors.Unwrap(err))}
				for _, s := range texts {
					for _, secretPart := range []string{"c2lnbmF0dXJl", "eyJzdWIi", secret, session} {
						if strings.Contains(s, secretPart) {
							t.Fatalf("%q leaks %q", s, secretPart)
						}
					}
				}
			}
		})
	}
}
