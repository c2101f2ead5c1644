package credentials

import (
	"strings"
	"testing"
)

func TestRoleARNCheckedAgainstAWSRules(t *testing.T) {
	tests := []struct {
		name    string
		arn     string
		wantErr string // "" = accepted
	}{
		{"commercial role ARN is accepted", "arn:aws:iam::123456789012:role/app", ""},
		{"role with a path is accepted", "arn:aws:iam::123456789012:role/service-role/team/app", ""},
		{"China role ARN is accepted", "arn:aws-cn:iam::123456789012:role/app", ""},
		{"GovCloud role ARN is accepted", "arn:aws-us-gov:iam::123456789012:role/app", ""},
		{"ISO partitions are accepted", "arn:aws-iso-b:iam::123456789012:role/app", ""},
		{"European sovereign cloud role ARN is accepted", "arn:aws-eusc:iam::123456789012:role/app", ""},
		{"role name with every allowed punctuation is accepted", "arn:aws:iam::123456789012:role/a+b=c,d.e@f_g-h", ""},
		{"empty ARN is required", "", "RoleARN is required"},
		{"role name alone is not an ARN", "app", `"app" is not an ARN`},
		{"ARN with too few fields is not an ARN", "arn:aws:iam::123456789012", "is not an ARN"},
		{"prefix other than arn is not an ARN", "urn:aws:iam::123456789012:role/app", "is not an ARN"},
		{"MinIO partition is refused for AWS with a pointer to AllowNonAWSRoleARN", "arn:minio:iam:::role/app", `partition "minio", which is not an AWS partition`},
		{"refusal of an unknown partition mentions the option", "arn:minio:iam:::role/app", "AllowNonAWSRoleARN"},
		{"assumed-role ARN is explained", "arn:aws:sts::123456789012:assumed-role/app/session", "ARN of a role session, not of a role: use arn:aws:iam::123456789012:role/app"},
		{"other service is refused", "arn:aws:s3:::bucket", `service "s3", want "iam"`},
		{"region in an IAM ARN is refused", "arn:aws:iam:us-east-1:123456789012:role/app", `region "us-east-1"`},
		{"empty account is refused for AWS", "arn:aws:iam:::role/app", `account "", want 12 digits`},
		{"eleven-digit account is refused", "arn:aws:iam::12345678901:role/app", `account "12345678901", want 12 digits`},
		{"account with letters is refused", "arn:aws:iam::12345678901x:role/app", "want 12 digits"},
		{"user ARN is refused", "arn:aws:iam::123456789012:user/bob", `names "user/bob", not a role`},
		{"role without a name is refused", "arn:aws:iam::123456789012:role/", "role name \"\""},
		{"role name with a star is refused", "arn:aws:iam::123456789012:role/app*", `role name "app*"`},
		{"role name over 64 characters is refused", "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65), "1-64 characters"},
		{"space inside is refused", "arn:aws:iam::123456789012:role/my app", "space, control or non-ASCII character at byte 33"},
		{"trailing newline is refused", "arn:aws:iam::123456789012:role/app\n", "control or non-ASCII"},
		{"non-ASCII is refused", "arn:aws:iam::123456789012:role/appé", "non-ASCII"},
		{"empty partition is refused", "arn::iam::123456789012:role/app", "empty partition"},
		// Found by FuzzCheckRoleARN: the suggested role ARN repeated the session's role name whole.
		{"assumed-role ARN with a 1000-character role name gets a short suggestion", "arn:aws:sts::123456789012:assumed-role/" + strings.Repeat("S", 1000) + "/s",
			"use arn:aws:iam::123456789012:role/" + strings.Repeat("S", 64) + "…"},
		{"long partition is cut in the error", "arn:" + strings.Repeat("p", 500) + ":iam::123456789012:role/app", `partition "` + strings.Repeat("p", 20) + `…"`},
		{"long service is cut in the error", "arn:aws:" + strings.Repeat("s", 500) + "::123456789012:role/app", `service "` + strings.Repeat("s", 20) + `…"`},
		{"long region is cut in the error", "arn:aws:iam:" + strings.Repeat("r", 500) + ":123456789012:role/app", `region "` + strings.Repeat("r", 30) + `…"`},
		{"ARN over 2048 characters is refused without echoing all of it", "arn:aws:iam::123456789012:role/" + strings.Repeat("p/", 1100) + "app", "over STS's limit of 2048"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRoleARN(tc.arn, true)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("accepted, want an error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("error %q does not contain %q", err, tc.wantErr)
			case err != nil && len(err.Error()) > 600:
				t.Fatalf("error is %d bytes long", len(err.Error()))
			}
		})
	}
}

func TestRoleARNOfSTSCompatibleServersAcceptedOnCustomEndpoints(t *testing.T) {
	for _, arn := range []string{
		"arn:minio:iam:::role/idmp-app",              // MinIO
		"arn:aws:iam:::role/app",                     // Ceph RGW (no account)
		"arn:aws:iam::tenant$app:role/app",           // Ceph with a tenant
		"arn:aws:iam::123456789012:role/app",         // AWS form still fine
		"arn:xyz:sts:some-region:acct:role:app:with", // anything ARN-shaped
	} {
		if err := checkRoleARN(arn, false); err != nil {
			t.Errorf("%s refused for a custom endpoint: %v", arn, err)
		}
	}
	for _, bad := range []string{"", "role/app", "arn:minio:iam:::", "arn:minio::::role/x", "arn:minio:iam:::role/ x"} {
		if err := checkRoleARN(bad, false); err == nil {
			t.Errorf("%q accepted for a custom endpoint; it is not an ARN", bad)
		}
	}
}

func TestPolicyARNs(t *testing.T) {
	if err := checkPolicyARNs([]string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}); err != nil {
		t.Errorf("AWS managed policy refused: %v", err)
	}
	if err := checkPolicyARNs([]string{"arn:aws:iam::aws:policy/A", "ReadOnlyAccess"}); err == nil || !strings.Contains(err.Error(), "PolicyARNs[1]") {
		t.Errorf("bad second ARN: %v", err)
	}
	if err := checkPolicyARNs(make([]string, 11)); err == nil || !strings.Contains(err.Error(), "at most 10") {
		t.Errorf("11 ARNs: %v", err)
	}
}

func FuzzCheckRoleARN(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:role/app", "arn:minio:iam:::role/x", "arn:aws:sts::123456789012:assumed-role/a/b", "arn:::::", "arn:aws:iam::123456789012:role/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		strictErr := checkRoleARN(s, true)
		looseErr := checkRoleARN(s, false)
		if strictErr == nil && looseErr != nil {
			t.Fatalf("%q passes AWS's rules but not the general ARN shape: %v", s, looseErr)
		}
		for _, err := range []error{strictErr, looseErr} {
			if err != nil && len(err.Error()) > 1000 {
				t.Fatalf("error of %d bytes for a %d-byte input", len(err.Error()), len(s))
			}
		}
		if strictErr == nil {
			p, _ := parseARN(s)
			if !isAccountID(p.AccountID) || !strings.HasPrefix(p.Resource, "role/") || p.Service != "iam" {
				t.Fatalf("%q accepted with fields %+v", s, p)
			}
		}
	})
}
