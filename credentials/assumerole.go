package credentials

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/irsa-go/irsa/internal/redact"
)

// AssumeRoleOptions configures NewAssumeRole.
type AssumeRoleOptions struct {
	// Source provides the credentials that sign the AssumeRole request, such as a Cache around a
	// WebIdentity. Required, except in RoleChainOptions.Roles, where the chain sets it.
	Source Provider
	// RoleARN is the role to assume. Required; checked like WebIdentityOptions.RoleARN.
	RoleARN string
	// SessionName names the role session. Optional; default "irsa-<Unix time in nanoseconds>".
	// It must follow STS's rules: 2 to 64 characters of letters, digits and +=,.@_-.
	SessionName string
	// ExternalID is the external ID the role's trust policy requires (2 to 1224 characters of
	// letters, digits and +=,.@:/_-). Optional.
	ExternalID string
	// Duration is how long the credentials last. Optional; default STS's, one hour; 15 minutes to
	// 12 hours. When the source credentials are a role session, AWS allows at most one hour ("role
	// chaining"): a longer Duration is then lowered, not refused, so that one configuration works
	// for direct and chained use.
	Duration time.Duration
	// Policy is an inline session policy (JSON). Optional.
	Policy string
	// PolicyARNs are managed session policies (at most 10). Optional.
	PolicyARNs []string
	// Tags are session tags (at most 50; keys 1 to 128 and values up to 256 characters of
	// letters, digits, spaces and _.:/=+-@). Optional.
	Tags map[string]string
	// TransitiveTagKeys are the tag keys that pass on to sessions chained from this one. Optional.
	TransitiveTagKeys []string
	// SourceIdentity is the sts:SourceIdentity to set (2 to 64 characters of letters, digits
	// and +=,.@_-). Optional.
	SourceIdentity string
	// Client calls STS. Optional; default NewClient(ClientOptions{}). An *sts.Client works too.
	Client STS
	// AllowNonAWSRoleARN is as WebIdentityOptions.AllowNonAWSRoleARN. Optional.
	AllowNonAWSRoleARN bool
	// Now returns the current time. Optional; default time.Now.
	Now func() time.Time
}

// AssumeRole is a Provider that calls STS AssumeRole, signing the request with credentials from
// its Source, which is all it asks of the Source. Its credentials have Source "assume-role" and
// the assumed-role ARN, and never expire later than the source credentials that obtained them (so
// a chain never outlives the identity at its root). It does no caching of its own: put it behind
// a Cache. For a chain of roles (a web identity role in account A assuming a role in account B,
// and so on) use RoleChain.
//
// Errors are *AssumeRoleError values naming the role and the source's identity (its role ARN
// or access key ID), never a secret.
type AssumeRole struct {
	opts   AssumeRoleOptions // with Source moved to source
	source hidden[Provider]  // opts.Source, where fmt never prints it (see hidden)
	tags   []types.Tag
}

// NewAssumeRole checks opts and returns the provider. It makes no request; configuration errors
// are *AssumeRoleError values marked non-recoverable.
func NewAssumeRole(opts AssumeRoleOptions) (*AssumeRole, error) {
	a := &AssumeRole{opts: opts}
	if err := a.init(); err != nil {
		return nil, &AssumeRoleError{RoleARN: opts.RoleARN, Err: err, nonRecoverable: true}
	}
	return a, nil
}

func (a *AssumeRole) init() error {
	o := &a.opts
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Source == nil {
		return errors.New("Source is required: the provider of the credentials that sign the AssumeRole request")
	}
	a.source, o.Source = hide(o.Source), nil
	if o.SessionName != "" {
		if err := checkSessionName("SessionName", o.SessionName); err != nil {
			return err
		}
	}
	if o.ExternalID != "" {
		if err := checkChars("ExternalID", o.ExternalID, 2, 1224, "+=,.@:/_-"); err != nil {
			return err
		}
	}
	if o.SourceIdentity != "" {
		if err := checkChars("SourceIdentity", o.SourceIdentity, 2, 64, sessionNameChars); err != nil {
			return err
		}
	}
	var err error
	if a.tags, err = sessionTags(o.Tags, o.TransitiveTagKeys); err != nil {
		return err
	}
	return checkRole(o.RoleARN, o.AllowNonAWSRoleARN, &o.Client, nil, o.Duration, o.Policy, o.PolicyARNs)
}

func isTagRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Zs) || strings.ContainsRune("_.:/=+-@", r)
}

// sessionTags checks the tags against STS's rules and returns them sorted by key.
func sessionTags(tags map[string]string, transitive []string) ([]types.Tag, error) {
	if len(tags) > 50 {
		return nil, fmt.Errorf("Tags has %d tags; STS accepts at most 50", len(tags))
	}
	if len(transitive) > 50 {
		return nil, fmt.Errorf("TransitiveTagKeys has %d keys; STS accepts at most 50", len(transitive))
	}
	out := make([]types.Tag, 0, len(tags))
	for k, v := range tags {
		switch {
		case k == "" || len([]rune(k)) > 128:
			return nil, fmt.Errorf("tag key %q must be 1 to 128 characters", redact.Clip(k, 40))
		case len([]rune(v)) > 256:
			return nil, fmt.Errorf("value of tag %q is longer than 256 characters", redact.Clip(k, 40))
		case strings.IndexFunc(k, func(r rune) bool { return !isTagRune(r) }) >= 0:
			return nil, fmt.Errorf("tag key %q has a character STS does not accept (letters, digits, spaces and _.:/=+-@)", redact.Clip(k, 40))
		case strings.IndexFunc(v, func(r rune) bool { return !isTagRune(r) }) >= 0:
			return nil, fmt.Errorf("value of tag %q has a character STS does not accept (letters, digits, spaces and _.:/=+-@)", redact.Clip(k, 40))
		}
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	sort.Slice(out, func(i, j int) bool { return *out[i].Key < *out[j].Key })
	for _, k := range transitive {
		if _, ok := tags[k]; !ok {
			return nil, fmt.Errorf("TransitiveTagKeys names %q, which is not in Tags", redact.Clip(k, 40))
		}
	}
	return out, nil
}

// sessionDuration is d lowered to an hour, AWS's limit on role chaining, for a role session src.
func sessionDuration(d time.Duration, src Credentials) time.Duration {
	if (src.RoleARN != "" || src.Source == sourceWebIdentity || src.Source == sourceAssumeRole) && d > time.Hour {
		return time.Hour
	}
	return d
}

// Retrieve gets source credentials and calls STS AssumeRole with them.
func (a *AssumeRole) Retrieve(ctx context.Context) (Credentials, error) {
	o := &a.opts
	src, err := a.source.get().Retrieve(ctx)
	if err != nil {
		return Credentials{}, &AssumeRoleError{RoleARN: o.RoleARN, Err: fmt.Errorf("source credentials: %w", err), detail: "source credentials: " + causeText(err)}
	}
	if !src.HasKeys() {
		return Credentials{}, a.fail(src, "", MarkNonRecoverable(errors.New("the source provider returned credentials without an access key ID or secret")), "")
	}
	name := o.SessionName
	if name == "" {
		name = generatedSessionName(o.Now())
	}
	out, err := o.Client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:           aws.String(o.RoleARN),
		RoleSessionName:   aws.String(name),
		DurationSeconds:   durationSeconds(sessionDuration(o.Duration, src)),
		ExternalId:        optString(o.ExternalID),
		Policy:            optString(o.Policy),
		PolicyArns:        policyDescriptors(o.PolicyARNs),
		Tags:              a.tags,
		TransitiveTagKeys: o.TransitiveTagKeys,
		SourceIdentity:    optString(o.SourceIdentity),
	}, func(so *sts.Options) { so.Credentials = ForSDK(Static{Value: src}) })
	if err != nil {
		return Credentials{}, a.fail(src, name, err, a.stsHint(src, err))
	}
	c, err := credentialsFromSTS(out.Credentials, out.AssumedRoleUser, sourceAssumeRole)
	if err != nil {
		return Credentials{}, a.fail(src, name, err, "")
	}
	if src.CanExpire() && c.Expires.After(src.Expires) {
		c.Expires = src.Expires
	}
	return c, nil
}

// fail makes the error for a failure with the source credentials src (see WebIdentity.fail).
func (a *AssumeRole) fail(src Credentials, name string, err error, hint string) error {
	secrets := []string{src.SecretAccessKey, src.SessionToken}
	scrubCause(err, secrets)
	return &AssumeRoleError{
		RoleARN: a.opts.RoleARN, SourceRoleARN: src.RoleARN, SourceAccessKeyID: src.AccessKeyID, SessionName: name,
		Err: err, detail: redact.Secrets(withHints(causeText(err), hint), secrets...), nonRecoverable: stsNonRecoverable(err),
	}
}

// stsHint says what to do about an error from STS ("" if nothing useful).
func (a *AssumeRole) stsHint(src Credentials, err error) string {
	caller := cmp.Or(src.RoleARN, "access key "+keyID(src.AccessKeyID))
	switch code, msg := apiError(err); {
	case code == "AccessDenied":
		hint := fmt.Sprintf("the trust policy of role %s must allow sts:AssumeRole to %s (and that identity's own policy must allow sts:AssumeRole on the role)", a.opts.RoleARN, caller)
		if a.opts.ExternalID == "" {
			hint += "; if the trust policy requires sts:ExternalId, set ExternalID (external_id)"
		}
		return hint
	case code == "ValidationError" && strings.Contains(msg, "chaining"):
		return "the source credentials are a role session, which AWS limits to 1 hour: lower Duration (duration_seconds) to 1h or less"
	case code == "ValidationError" && strings.Contains(msg, "DurationSeconds"):
		return "lower Duration (duration_seconds) or raise the role's MaximumSessionDuration"
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch":
		return fmt.Sprintf("the source credentials (access key %s) are not valid for this STS endpoint: wrong keys, a disabled region, or a session token that does not belong to them", keyID(src.AccessKeyID))
	case code == "ExpiredToken":
		return fmt.Sprintf("the source credentials (access key %s) have expired", keyID(src.AccessKeyID))
	}
	return ""
}

// AssumeRoleError is the error AssumeRole returns. errors.As reaches the cause through Err (the
// source's error, or STS's, as for WebIdentityError). Neither its text nor any field holds a
// secret: the cause's messages are scrubbed of the source's secret key and session token.
type AssumeRoleError struct {
	// RoleARN is the role the provider was asked to assume.
	RoleARN string
	// SourceRoleARN is the assumed-role ARN of the source credentials, when they are a role
	// session; SourceAccessKeyID their access key ID. Both are empty when the source failed.
	SourceRoleARN, SourceAccessKeyID string
	// SessionName is the session name used (empty when the error came before it was chosen).
	SessionName string
	// Err is the cause.
	Err error

	detail         string
	nonRecoverable bool
}

// Error describes the failure with the role, the source's identity and the cause.
func (e *AssumeRoleError) Error() string { return errPrefix + e.text() }

// text is Error without errPrefix (see causeText).
func (e *AssumeRoleError) text() string {
	s := "assume role"
	if e.RoleARN != "" {
		s += " " + e.RoleARN
	}
	switch {
	case e.SourceRoleARN != "" && e.SourceAccessKeyID != "":
		s += " as " + e.SourceRoleARN + " (access key " + keyID(e.SourceAccessKeyID) + ")"
	case e.SourceRoleARN != "":
		s += " as " + e.SourceRoleARN
	case e.SourceAccessKeyID != "":
		s += " as access key " + keyID(e.SourceAccessKeyID)
	}
	return withCause(s, e.detail, e.Err)
}

// Unwrap returns the cause.
func (e *AssumeRoleError) Unwrap() error { return e.Err }

// NonRecoverable reports whether retrying soon cannot help: a configuration error, a
// non-recoverable error of the source, or STS's AccessDenied and other refusals of the request.
func (e *AssumeRoleError) NonRecoverable() bool {
	return e.nonRecoverable || IsNonRecoverable(e.Err)
}

// cacheKey returns the key of the credentials AssumeRole obtains (see cacheKeyer): its request
// parameters, the STS endpoint and its source's key; none without a source key.
func (a *AssumeRole) cacheKey(ctx context.Context) (string, error) {
	src, err := sourceKey(ctx, a.source.get())
	if err != nil {
		return "", err
	}
	endpoint, err := stsEndpointKey(a.opts.Client)
	if err != nil {
		return "", err
	}
	o := &a.opts
	return hashKey(struct {
		Kind, Role, Session, ExternalID, Policy string
		PolicyARNs                              []string
		Duration                                time.Duration
		Tags                                    map[string]string
		TransitiveTagKeys                       []string
		SourceIdentity, Endpoint, Source        string
	}{"assume-role", o.RoleARN, o.SessionName, o.ExternalID, o.Policy, o.PolicyARNs, o.Duration, o.Tags,
		o.TransitiveTagKeys, o.SourceIdentity, endpoint, src})
}
