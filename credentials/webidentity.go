package credentials

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/irsa-go/irsa/internal/redact"
)

// STS's bounds on DurationSeconds.
const (
	minRoleDuration = 15 * time.Minute
	maxRoleDuration = 12 * time.Hour
)

// WebIdentityOptions configures NewWebIdentity.
type WebIdentityOptions struct {
	// RoleARN is the role to assume, such as arn:aws:iam::123456789012:role/NAME. Required. It is
	// checked before any request: it must be an ARN, and unless the STS endpoint is custom (see
	// AllowNonAWSRoleARN) an IAM role ARN in an AWS partition with a 12-digit account.
	RoleARN string
	// TokenFile is the path of the web identity token, such as
	// /var/run/secrets/eks.amazonaws.com/serviceaccount/token, read on every Retrieve (kubelet
	// rotates it). Required unless TokenSource is set; setting both is an error. A value with
	// what looks like a JWT anywhere in it (the token pasted instead of its path, with quotes,
	// "Bearer " or a path around it) is refused, and never repeated.
	TokenFile string
	// TokenSource returns the token instead of a file. It is called on every Retrieve. Optional.
	TokenSource func(ctx context.Context) (string, error)
	// SessionName names the role session (in CloudTrail and the assumed-role ARN). Optional;
	// default AWS_ROLE_SESSION_NAME, else "NAMESPACE.SERVICEACCOUNT.POD" from the token's
	// Kubernetes claims, else "irsa-<Unix time in nanoseconds>". An explicit name (option or
	// variable) must be 2 to 64 characters of letters, digits and +=,.@_-, or NewWebIdentity fails.
	SessionName string
	// Duration is how long the credentials last. Optional; default STS's, one hour. It must be
	// 15 minutes to 12 hours (whole seconds), and at most the role's MaximumSessionDuration.
	Duration time.Duration
	// Policy is an inline session policy (JSON) that further restricts the session. Optional.
	Policy string
	// PolicyARNs are managed session policies (at most 10) that further restrict it. Optional.
	PolicyARNs []string
	// ProviderID is the ProviderId parameter, only for OAuth 2.0 access tokens from
	// www.amazon.com or graph.facebook.com. Optional; leave empty for OIDC tokens (Kubernetes).
	ProviderID string
	// Client calls STS. Optional; default NewClient(ClientOptions{Getenv: Getenv}), the light
	// client with the endpoint resolved from the environment. An *sts.Client works too.
	Client STS
	// AllowNonAWSRoleARN accepts any ARN as the role (MinIO's arn:minio:iam:::role/NAME, Ceph's
	// arn:aws:iam:::role/NAME), for STS-compatible servers. Optional; default false, implied by a
	// custom endpoint on Client (*Client's, or an *sts.Client's BaseEndpoint).
	AllowNonAWSRoleARN bool
	// Getenv looks up AWS_ROLE_SESSION_NAME (once, in NewWebIdentity) and, for the default
	// Client, the endpoint variables. Optional; default os.Getenv.
	Getenv func(string) string
	// Now returns the current time, for the token expiry check and the generated session name.
	// Optional; default time.Now.
	Now func() time.Time
}

// WebIdentity is a Provider that exchanges a web identity token (such as the service account
// token EKS projects into a pod for IRSA) for role credentials with STS
// AssumeRoleWithWebIdentity. It does no caching: wrap it in a Cache.
//
// Every Retrieve reads the token afresh and decodes its claims without verifying them, to explain
// failures: an expired token is refused before any request, AccessDenied names the trust-policy
// condition keys and the token's values, and after an ExpiredTokenException the token is read
// again and the call retried if kubelet rotated it in between. Errors are *WebIdentityError
// values and never contain the token.
type WebIdentity struct {
	opts WebIdentityOptions // SessionName holds AWS_ROLE_SESSION_NAME when the option was empty
}

// NewWebIdentity checks opts and returns the provider. It makes no request and does not read the
// token; configuration errors are *WebIdentityError values marked non-recoverable.
func NewWebIdentity(opts WebIdentityOptions) (*WebIdentity, error) {
	w := &WebIdentity{opts: opts}
	if err := w.init(); err != nil {
		tokenFile := opts.TokenFile
		if redact.ContainsJWT(tokenFile) {
			tokenFile = "" // a token, or a path with one in it: never repeated
		}
		return nil, &WebIdentityError{RoleARN: opts.RoleARN, TokenFile: tokenFile, Err: err, nonRecoverable: true}
	}
	return w, nil
}

func (w *WebIdentity) init() error {
	o := &w.opts
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	switch {
	case o.TokenFile == "" && o.TokenSource == nil:
		return errors.New("TokenFile (AWS_WEB_IDENTITY_TOKEN_FILE) or TokenSource is required")
	case o.TokenFile != "" && o.TokenSource != nil:
		return errors.New("set TokenFile or TokenSource, not both")
	case redact.ContainsJWT(o.TokenFile):
		return errTokenNotPath
	}
	field := "SessionName"
	if o.SessionName == "" {
		field, o.SessionName = envRoleSessionName, o.Getenv(envRoleSessionName)
	}
	if o.SessionName != "" {
		if err := checkSessionName(field, o.SessionName); err != nil {
			return err
		}
	}
	return checkRole(o.RoleARN, o.AllowNonAWSRoleARN, &o.Client, o.Getenv, o.Duration, o.Policy, o.PolicyARNs)
}

// checkRole checks the options WebIdentity and AssumeRole share, and sets a nil *client to the
// default. The role ARN comes last: whether AWS's rules apply depends on the client's endpoint.
func checkRole(roleARN string, allowNonAWS bool, client *STS, getenv func(string) string, d time.Duration, policy string, policyARNs []string) error {
	if d != 0 && (d < minRoleDuration || d > maxRoleDuration) {
		return fmt.Errorf("Duration %v is outside STS's range of %v to %v", d, minRoleDuration, maxRoleDuration)
	}
	if policy != "" && !json.Valid([]byte(policy)) {
		return errors.New("Policy is not valid JSON")
	}
	if err := checkPolicyARNs(policyARNs); err != nil {
		return err
	}
	if *client == nil {
		c, err := NewClient(ClientOptions{Getenv: getenv})
		if err != nil {
			return fmt.Errorf("default STS client: %w", err)
		}
		*client = c
	}
	return checkRoleARN(roleARN, !allowNonAWS && !endpointIsCustom(*client))
}

// durationSeconds is the DurationSeconds parameter for d (nil: STS's default).
func durationSeconds(d time.Duration) *int32 {
	if d == 0 {
		return nil
	}
	return aws.Int32(int32(d / time.Second))
}

func policyDescriptors(arns []string) []types.PolicyDescriptorType {
	if len(arns) == 0 {
		return nil
	}
	out := make([]types.PolicyDescriptorType, len(arns))
	for i, a := range arns {
		out[i] = types.PolicyDescriptorType{Arn: aws.String(a)}
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// Retrieve reads the token, checks it and calls STS AssumeRoleWithWebIdentity.
func (w *WebIdentity) Retrieve(ctx context.Context) (Credentials, error) {
	if err := ctx.Err(); err != nil {
		return Credentials{}, err
	}
	tok, err := w.token(ctx)
	if err != nil {
		return Credentials{}, w.fail(TokenClaims{}, "", err, nil)
	}
	claims, claimsErr := decodeTokenClaims(tok)
	name := cmp.Or(w.opts.SessionName, sessionNameFromClaims(claims))
	if name == "" {
		name = generatedSessionName(w.opts.Now())
	}
	secrets := []string{tok}
	if exp := claims.Expires; !exp.IsZero() && !w.opts.Now().Before(exp) {
		return Credentials{}, w.fail(claims, name, MarkNonRecoverable(fmt.Errorf("token expired at %s; is the projected token volume mounted and rotating? (kubelet replaces the token well before it expires; a copied or static token file does not rotate)", exp.Format(time.RFC3339))), secrets)
	}
	out, err := w.call(ctx, tok, name)
	var hint string
	if code, _ := apiError(err); code == "ExpiredTokenException" {
		// kubelet may have rotated the file between our read and STS's check: read it once more.
		tok2, err2 := w.token(ctx)
		switch {
		case err2 != nil:
			hint = "reading the token again failed: " + err2.Error()
		case tok2 == tok:
			hint = "the token was read again and is unchanged: is the projected token volume mounted and rotating?"
		default:
			secrets = append(secrets, tok2)
			claims, claimsErr = decodeTokenClaims(tok2)
			out, err = w.call(ctx, tok2, name)
		}
	}
	if err != nil {
		return Credentials{}, w.fail(claims, name, err, secrets, hint, w.stsHint(err, claims, claimsErr))
	}
	c, err := credentialsFromSTS(out.Credentials, out.AssumedRoleUser, sourceWebIdentity)
	if err != nil {
		return Credentials{}, w.fail(claims, name, err, secrets)
	}
	return c, nil
}

func (w *WebIdentity) token(ctx context.Context) (string, error) {
	if w.opts.TokenSource == nil {
		return readTokenFile(ctx, tokenFiles, w.opts.TokenFile)
	}
	tok, err := w.opts.TokenSource(ctx)
	if err != nil {
		return "", fmt.Errorf("TokenSource: %w", err)
	}
	return checkSourcedToken(tok)
}

func (w *WebIdentity) call(ctx context.Context, tok, name string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	o := &w.opts
	return o.Client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(o.RoleARN),
		RoleSessionName:  aws.String(name),
		WebIdentityToken: aws.String(tok),
		DurationSeconds:  durationSeconds(o.Duration),
		Policy:           optString(o.Policy),
		PolicyArns:       policyDescriptors(o.PolicyARNs),
		ProviderId:       optString(o.ProviderID),
	})
}

// fail makes the error for a Retrieve; its text is the cause's, with hints, without the tokens.
func (w *WebIdentity) fail(c TokenClaims, name string, err error, secrets []string, hints ...string) error {
	scrubCause(err, secrets)
	return &WebIdentityError{
		RoleARN: w.opts.RoleARN, TokenFile: w.opts.TokenFile, SessionName: name, Claims: c,
		Err: err, detail: redact.Secrets(withHints(causeText(err), hints...), secrets...), nonRecoverable: stsNonRecoverable(err),
	}
}

// withHints is text followed by the non-empty hints in parentheses.
func withHints(text string, hints ...string) string {
	if hints = nonEmpty(hints); len(hints) > 0 {
		text += " (" + strings.Join(hints, "; ") + ")"
	}
	return text
}

// nonEmpty returns ss without its empty strings, in ss's array.
func nonEmpty(ss []string) []string {
	return slices.DeleteFunc(ss, func(s string) bool { return s == "" })
}

// stsHint explains an error from STS with what the token's claims say ("" if they say nothing).
func (w *WebIdentity) stsHint(err error, c TokenClaims, claimsErr error) string {
	role, _ := parseARN(w.opts.RoleARN)
	subKey, audKey := trustConditionKeys(c)
	host := strings.TrimSuffix(subKey, ":sub")
	aud := strings.Join(c.Audience, ",")
	switch code, msg := apiError(err); {
	case claimsErr != nil && (code == "AccessDenied" || code == "InvalidIdentityToken"):
		return "the token's claims could not be read (" + claimsErr.Error() + ")"
	case code == "AccessDenied" && subKey != "":
		return fmt.Sprintf("the role's trust policy must allow sts:AssumeRoleWithWebIdentity to Principal {\"Federated\": \"arn:%s:iam::%s:oidc-provider/%s\"} with conditions %q = %q and %q = %q (the token's sub and aud)",
			role.Partition, role.AccountID, host, subKey, c.Subject, audKey, aud)
	case code == "AccessDenied":
		return fmt.Sprintf("the role's trust policy does not allow this token (sub %q, aud %q); the token has no iss claim to name the condition keys", c.Subject, aud)
	case code == "InvalidIdentityToken" && host != "":
		return fmt.Sprintf("is an IAM OIDC identity provider for %s registered in account %s, with %q among its audiences, and is the issuer reachable from AWS?", host, role.AccountID, aud)
	case code == "ValidationError" && strings.Contains(msg, "DurationSeconds"):
		return "lower Duration (duration_seconds) or raise the role's MaximumSessionDuration"
	}
	return ""
}

// WebIdentityError is the error WebIdentity returns. errors.As reaches the cause through Err:
// the light client's errors, *stsxml.Error, aws-sdk-go-v2's types.*Exception and smithy.APIError,
// fs errors for the token file. Neither its text nor any field holds the token: the cause's
// messages are scrubbed in place whichever STS client made it (an *sts.Client's too).
type WebIdentityError struct {
	// RoleARN is the role the provider was asked to assume.
	RoleARN string
	// TokenFile is the token's path; empty with a TokenSource, and when the path held what looks
	// like a token (see NewWebIdentity).
	TokenFile string
	// SessionName is the session name used (empty when the error came before it was chosen).
	SessionName string
	// Claims are the token's claims, decoded without verification; zero when the token was not
	// read or is not a JWT.
	Claims TokenClaims
	// Err is the cause.
	Err error

	detail         string // Err's text with hints, secrets removed
	nonRecoverable bool
}

// Error describes the failure with the role, the token file and the cause.
func (e *WebIdentityError) Error() string { return errPrefix + e.text() }

// text is Error without errPrefix (see causeText).
func (e *WebIdentityError) text() string {
	s := "web identity"
	if e.RoleARN != "" {
		s += " for role " + e.RoleARN
	}
	switch {
	case redact.ContainsJWT(e.TokenFile): // NewWebIdentity refuses it; a hand-made error may not
		s += " (token file not shown: it holds what looks like a token)"
	case e.TokenFile != "":
		s += " (token file " + e.TokenFile + ")"
	}
	return withCause(s, e.detail, e.Err)
}

// Unwrap returns the cause.
func (e *WebIdentityError) Unwrap() error { return e.Err }

// NonRecoverable reports whether retrying soon cannot help: a configuration error, a token
// problem, or STS's AccessDenied, IDPRejectedClaim or InvalidIdentityToken (unless STS could not
// fetch the issuer's keys).
func (e *WebIdentityError) NonRecoverable() bool {
	return e.nonRecoverable || IsNonRecoverable(e.Err)
}

// apiError returns the STS error code and message in err's chain (both "" if none).
func apiError(err error) (code, message string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", ""
}

// stsNonRecoverable classifies an STS error, from an *sts.Client by its code.
func stsNonRecoverable(err error) bool {
	if IsNonRecoverable(err) {
		return true
	}
	switch code, msg := apiError(err); code {
	case "AccessDenied", "AccessDeniedException", "IDPRejectedClaim", "MalformedPolicyDocument",
		"PackedPolicyTooLarge", "RegionDisabledException", "ValidationError", "InvalidParameterValue",
		"InvalidClientTokenId", "SignatureDoesNotMatch":
		return true
	case "InvalidIdentityToken":
		return !strings.Contains(strings.ToLower(msg), "verification key")
	}
	return false
}

// credentialsFromSTS turns STS's result into Credentials, refusing an incomplete one.
func credentialsFromSTS(c *types.Credentials, user *types.AssumedRoleUser, source string) (Credentials, error) {
	if c == nil || aws.ToString(c.AccessKeyId) == "" || aws.ToString(c.SecretAccessKey) == "" || aws.ToString(c.SessionToken) == "" || c.Expiration == nil {
		return Credentials{}, errors.New("STS answered without complete credentials (access key ID, secret, session token and expiration are all required)")
	}
	out := Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Expires:         c.Expiration.UTC(),
		Source:          source,
	}
	if user != nil {
		out.RoleARN = aws.ToString(user.Arn)
	}
	return out, nil
}

// endpointIsCustom reports whether client talks to a custom STS endpoint.
func endpointIsCustom(client STS) bool {
	switch c := client.(type) {
	case *sts.Client:
		return c.Options().BaseEndpoint != nil
	case *Client:
		return c.endpoint.Custom
	}
	return false
}

// cacheKey reads the token and returns the key of the credentials it obtains (see cacheKeyer):
// its iss, sub and aud with the role and request parameters and the STS endpoint, never the
// token itself. A token that cannot be read, decoded or is expired has no key.
func (w *WebIdentity) cacheKey(ctx context.Context) (string, error) {
	endpoint, err := stsEndpointKey(w.opts.Client)
	if err != nil {
		return "", err
	}
	tok, err := w.token(ctx)
	if err != nil {
		return "", err
	}
	claims, err := decodeTokenClaims(tok)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: %w", errNotShareable, err)
	case claims.Issuer == "" || claims.Subject == "":
		return "", fmt.Errorf("%w: the token has no iss or sub claim", errNotShareable)
	case !claims.Expires.IsZero() && !w.opts.Now().Before(claims.Expires):
		return "", fmt.Errorf("%w: the token has expired", errNotShareable)
	}
	o := &w.opts
	return hashKey(struct {
		Kind, Role, Session, Policy string
		PolicyARNs                  []string
		Duration                    time.Duration
		ProviderID, Endpoint        string
		Issuer, Subject             string
		Audience                    []string
	}{"web-identity", o.RoleARN, o.SessionName, o.Policy, o.PolicyARNs, o.Duration, o.ProviderID, endpoint,
		claims.Issuer, claims.Subject, claims.Audience})
}
