package credentials

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/irsa-go/irsa/internal/redact"
)

// awsPartitions are the partitions whose IAM role ARNs the providers accept when they talk to AWS.
var awsPartitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// maxRoleARNLen is STS's limit on the RoleArn parameter.
const maxRoleARNLen = 2048

// quoteARN quotes (part of) a user-supplied ARN for an error message.
func quoteARN(s string) string { return fmt.Sprintf("%q", redact.Clip(s, 160)) }

// parseARN splits s into its fields. It checks only the shape every ARN has, which is all that
// STS-compatible servers (MinIO's arn:minio:iam:::role/NAME, Ceph's arn:aws:iam:::role/NAME)
// have in common with AWS.
func parseARN(s string) (arn.ARN, error) {
	if s == "" {
		return arn.ARN{}, errors.New("ARN is empty")
	}
	if len(s) > maxRoleARNLen {
		return arn.ARN{}, fmt.Errorf("ARN is %d characters long, over STS's limit of %d", len(s), maxRoleARNLen)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }); i >= 0 {
		return arn.ARN{}, fmt.Errorf("ARN %s contains a space, control or non-ASCII character at byte %d", quoteARN(s), i)
	}
	p, err := arn.Parse(s)
	switch {
	case err != nil:
		return p, fmt.Errorf("%s is not an ARN: want arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, such as arn:aws:iam::123456789012:role/NAME", quoteARN(s))
	case p.Partition == "":
		return p, fmt.Errorf("ARN %s has an empty partition", quoteARN(s))
	case p.Service == "":
		return p, fmt.Errorf("ARN %s has an empty service", quoteARN(s))
	case p.Resource == "":
		return p, fmt.Errorf("ARN %s has an empty resource", quoteARN(s))
	}
	return p, nil
}

// checkRoleARN checks a role ARN before any request is made. With awsRules (the endpoint is AWS)
// the ARN must be an IAM role ARN of a known partition with a 12-digit account; otherwise only
// the ARN's general shape is checked, so STS-compatible servers keep working.
func checkRoleARN(s string, awsRules bool) error {
	if s == "" {
		return errors.New("RoleARN is required")
	}
	p, err := parseARN(s)
	if err != nil {
		return fmt.Errorf("role %w", err)
	}
	if !awsRules {
		return nil
	}
	q := quoteARN(s)
	switch {
	case !slices.Contains(awsPartitions, p.Partition):
		return fmt.Errorf("role ARN %s has partition %q, which is not an AWS partition (%s); for an STS-compatible server such as MinIO or Ceph behind a custom endpoint, set AllowNonAWSRoleARN", q, redact.Clip(p.Partition, 20), strings.Join(awsPartitions, ", "))
	case p.Service == "sts" && strings.HasPrefix(p.Resource, "assumed-role/"):
		// The account and role name are cut to their longest valid length, so the suggestion
		// stays short for any input.
		name, _, _ := strings.Cut(strings.TrimPrefix(p.Resource, "assumed-role/"), "/")
		if name == "" {
			name = "NAME"
		}
		return fmt.Errorf("role ARN %s is the ARN of a role session, not of a role: use arn:%s:iam::%s:role/%s", q, p.Partition, redact.Clip(p.AccountID, 12), redact.Clip(name, 64))
	case p.Service != "iam":
		return fmt.Errorf("role ARN %s has service %q, want \"iam\" (arn:%s:iam::ACCOUNT:role/NAME)", q, redact.Clip(p.Service, 20), p.Partition)
	case p.Region != "":
		return fmt.Errorf("role ARN %s has region %q; IAM ARNs have none (arn:%s:iam::ACCOUNT:role/NAME)", q, redact.Clip(p.Region, 30), p.Partition)
	case !isAccountID(p.AccountID):
		return fmt.Errorf("role ARN %s has account %q, want 12 digits", q, redact.Clip(p.AccountID, 20))
	case !strings.HasPrefix(p.Resource, "role/"):
		return fmt.Errorf("role ARN %s names %q, not a role (want role/NAME or role/PATH/NAME)", q, redact.Clip(p.Resource, 40))
	}
	name := p.Resource[strings.LastIndexByte(p.Resource, '/')+1:]
	if checkChars("role name", name, 1, 64, sessionNameChars) != nil {
		return fmt.Errorf("role ARN %s has role name %q; IAM role names are 1-64 characters of letters, digits and +=,.@_-", q, redact.Clip(name, 80))
	}
	return nil
}

func isAccountID(s string) bool { return len(s) == 12 && strings.Trim(s, "0123456789") == "" }

// checkPolicyARNs checks the managed session policy ARNs (at most 10, as STS allows).
func checkPolicyARNs(arns []string) error {
	if len(arns) > 10 {
		return fmt.Errorf("PolicyARNs has %d ARNs; STS accepts at most 10", len(arns))
	}
	for i, a := range arns {
		if _, err := parseARN(a); err != nil {
			return fmt.Errorf("PolicyARNs[%d]: %w", i, err)
		}
	}
	return nil
}
