package fakests

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/trustpolicy"
)

// AddOIDCProvider registers an IAM OIDC identity provider for issuerURL with the audiences
// (client IDs) it accepts, in every account: a trust policy names it as
// "arn:aws:iam::<role's account>:oidc-provider/<issuer host/path>".
func (s *Server) AddOIDCProvider(issuerURL string, clientIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.providers[strings.TrimSuffix(issuerURL, "/")] = clientIDs
}

// Role is an IAM role the server hands out sessions for.
type Role struct {
	// ARN is the role's ARN, arn:aws:iam::ACCOUNT:role/[PATH/]NAME. Required.
	ARN string
	// TrustPolicy is the role's trust policy as IAM JSON (internal/trustpolicy says what is understood).
	// Required. WebIdentityTrustPolicy and AssumeRoleTrustPolicy write the common ones.
	TrustPolicy string
	// MaxSessionDuration is the longest session the role grants. Optional; default 1 hour.
	MaxSessionDuration time.Duration
}

type role struct {
	Role
	account, name, id string
	trust             *trustpolicy.Policy
}

// AddRole registers r, replacing a role with the same ARN.
func (s *Server) AddRole(r Role) error {
	account, resource, ok := parseIAMARN(r.ARN)
	if !ok || !strings.HasPrefix(resource, "role/") {
		return fmt.Errorf("fakests: role ARN %q must look like arn:aws:iam::123456789012:role/NAME", r.ARN)
	}
	p, err := trustpolicy.Parse(r.TrustPolicy)
	if err != nil {
		return fmt.Errorf("fakests: role %s: trust policy: %w", r.ARN, err)
	}
	r.MaxSessionDuration = cmp.Or(r.MaxSessionDuration, time.Hour)
	ro := &role{Role: r, account: account, name: resource[strings.LastIndex(resource, "/")+1:], id: stableID("AROA", r.ARN), trust: p}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[r.ARN] = ro
	return nil
}

// AddUser registers an IAM user's long-term access key, which may sign AssumeRole and
// GetCallerIdentity. arn is arn:aws:iam::ACCOUNT:user/[PATH/]NAME.
func (s *Server) AddUser(accessKeyID, secretAccessKey, arn string) error {
	account, resource, ok := parseIAMARN(arn)
	if !ok || !strings.HasPrefix(resource, "user/") || accessKeyID == "" || secretAccessKey == "" {
		return fmt.Errorf("fakests: user %q needs an access key, a secret and an ARN like arn:aws:iam::123456789012:user/NAME", arn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.identities[accessKeyID] = &identity{akid: accessKeyID, secret: secretAccessKey, arn: arn, account: account, userID: stableID("AIDA", arn)}
	return nil
}

// parseIAMARN splits arn:aws:iam::ACCOUNT:RESOURCE.
func parseIAMARN(arn string) (account, resource string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	account, resource, _ = strings.Cut(rest, ":")
	return account, resource, ok && len(account) == 12 && strings.Trim(account, "0123456789") == "" && resource != ""
}

// stableID derives an IAM-style unique ID (prefix + 17 characters) from s.
func stableID(prefix, s string) string {
	sum := sha256.Sum256([]byte(s))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// identity is who signs a request: an IAM user, or a role session the server issued.
type identity struct {
	akid, secret, token string
	expires             time.Time // zero for users
	arn                 string    // the user's ARN, or arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
	account, userID     string    // userID is AIDA… for users, AROA…:SESSION for sessions
	roleARN             string    // for sessions
}

// principals returns the names a trust policy's AWS principal may give the identity.
func (id *identity) principals() []string {
	p := []string{id.arn, id.account, "arn:aws:iam::" + id.account + ":root"}
	if id.roleARN != "" {
		p = append(p, id.roleARN)
	}
	return p
}

// issue creates temporary credentials for a session of ro and remembers them.
func (s *Server) issue(ro *role, sessionName string, d time.Duration) *identity {
	id := &identity{
		secret:  randomText(40),
		token:   "IQoJb3JpZ2luX2Vj" + randomText(400),
		expires: s.now().Add(d).Truncate(time.Second),
		arn:     "arn:aws:sts::" + ro.account + ":assumed-role/" + ro.name + "/" + sessionName,
		account: ro.account, userID: ro.id + ":" + sessionName, roleARN: ro.ARN,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id.akid == "" || s.identities[id.akid] != nil {
		id.akid = "ASIA" + randomText(16)
	}
	s.identities[id.akid] = id
	return id
}

func randomText(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(rand.Text())
	}
	return b.String()[:n]
}

func (id *identity) credentials() (*types.Credentials, *types.AssumedRoleUser) {
	return &types.Credentials{AccessKeyId: aws.String(id.akid), SecretAccessKey: aws.String(id.secret),
			SessionToken: aws.String(id.token), Expiration: aws.Time(id.expires.UTC())},
		&types.AssumedRoleUser{Arn: aws.String(id.arn), AssumedRoleId: aws.String(id.userID)}
}

// LookupIssued returns the temporary credentials with access key ID accessKeyID, if this
// server issued them (expired ones too), in the form a fake S3 takes as its
// Options.Credentials.
func (s *Server) LookupIssued(accessKeyID string) (fakes3.Credential, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.identities[accessKeyID]
	if id == nil || id.token == "" {
		return fakes3.Credential{}, false
	}
	return fakes3.Credential{AccessKeyID: id.akid, SecretAccessKey: id.secret, SessionToken: id.token, Expires: id.expires, Identity: id.arn}, true
}

// WebIdentityTrustPolicy returns the trust policy EKS documents for IAM roles for service
// accounts: the role trusts the OIDC provider of issuerURL in account for tokens whose sub is
// sub (StringLike when sub holds * or ?, e.g. "system:serviceaccount:payments:*", else
// StringEquals) and whose aud is aud.
func WebIdentityTrustPolicy(account, issuerURL, sub, aud string) string {
	hp := fakeoidc.HostPath(issuerURL)
	cond := map[string]map[string]string{"StringEquals": {hp + ":aud": aud}}
	if strings.ContainsAny(sub, "*?") {
		cond["StringLike"] = map[string]string{hp + ":sub": sub}
	} else {
		cond["StringEquals"][hp+":sub"] = sub
	}
	return trustPolicy(map[string]any{"Federated": "arn:aws:iam::" + account + ":oidc-provider/" + hp},
		"sts:AssumeRoleWithWebIdentity", cond)
}

// AssumeRoleTrustPolicy returns a trust policy that lets principal assume the role with
// AssumeRole: an account ID or "arn:aws:iam::ACCOUNT:root" (any identity in that account), a
// role ARN (its sessions), a user ARN, or "*". A non-empty externalID adds the sts:ExternalId
// condition.
func AssumeRoleTrustPolicy(principal, externalID string) string {
	var cond map[string]map[string]string
	if externalID != "" {
		cond = map[string]map[string]string{"StringEquals": {"sts:ExternalId": externalID}}
	}
	return trustPolicy(map[string]any{"AWS": principal}, "sts:AssumeRole", cond)
}

func trustPolicy(principal map[string]any, action string, cond map[string]map[string]string) string {
	st := map[string]any{"Effect": "Allow", "Principal": principal, "Action": action}
	if cond != nil {
		st["Condition"] = cond
	}
	b, _ := json.MarshalIndent(map[string]any{"Version": "2012-10-17", "Statement": []any{st}}, "", "  ")
	return string(b)
}
