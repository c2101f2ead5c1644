package credentials

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STS is the part of the STS API this library calls. Its method set is that of aws-sdk-go-v2's
// *sts.Client, so an *sts.Client can be used wherever this library's own light client is.
//
// Callers pass per-call settings through optFns exactly as with *sts.Client: AssumeRole and
// GetCallerIdentity are signed with the aws.CredentialsProvider in sts.Options.Credentials.
type STS interface {
	AssumeRoleWithWebIdentity(ctx context.Context, params *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)
	AssumeRole(ctx context.Context, params *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
	GetCallerIdentity(ctx context.Context, params *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ STS = (*sts.Client)(nil)
