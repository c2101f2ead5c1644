package fakests

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
)

// Bounds of a role's maximum session duration, as IAM sets them.
const (
	DefaultMaxSessionDuration = time.Hour
	MaxMaxSessionDuration     = 12 * time.Hour
	// ChainedSessionLimit is the longest session STS grants a role assumed with the credentials
	// of another role (role chaining).
	ChainedSessionLimit = time.Hour
)

type oidcProvider struct {
	issuerURL string
	hostPath  string
	clientIDs []string
}

// AddOIDCProvider registers an IAM OIDC identity provider for issuerURL (e.g. an
// fakeoidc.Issuer's URL) with the audiences (client IDs) it accepts. The provider exists in
// every account: a role's trust policy names it as
// "arn:aws:iam::<role's account>:oidc-provider/<issuer host/path>". Registering the same
// issuer again replaces its client IDs.
func (s *Server) AddOIDCProvider(issuerURL string, clientIDs ...string) error {
	u, err := url.Parse(issuerURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("fakests: issuer URL %q must be an http(s) URL without query or fragment", issuerURL)
	}
	if len(clientIDs) == 0 {
		return fmt.Errorf("fakests: OIDC provider %s needs at least one client ID (audience), such as %q", issuerURL, fakeoidc.DefaultAudience)
	}
	for _, id := range clientIDs {
		if id == "" || len(id) > 255 {
			return fmt.Errorf("fakests: OIDC provider %s: client IDs must be 1 to 255 characters", issuerURL)
		}
	}
	p := &oidcProvider{issuerURL: strings.TrimSuffix(issuerURL, "/"), hostPath: fakeoidc.HostPath(issuerURL), clientIDs: append([]string(nil), clientIDs...)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.providers[p.hostPath] = p
	return nil
}

// OIDCProviderARN returns the ARN IAM gives the OIDC provider for issuerURL in account
// (partition "aws"): what a trust policy's Federated principal names.
func OIDCProviderARN(account, issuerURL string) string {
	return "arn:aws:iam::" + account + ":oidc-provider/" + fakeoidc.HostPath(issuerURL)
}

// Role is an IAM role the server can hand out sessions for.
type Role struct {
	// ARN is the role's ARN, arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME. Required.
	ARN string
	// TrustPolicy is the role's trust policy (assume-role policy document) as IAM JSON, the text
	// `aws iam create-role --assume-role-policy-document` takes. Required. Supported: Effect
	// Allow/Deny; Principal "*" or {"AWS"|"Federated"|"Service": one or many}; Action (with *
	// and ? wildcards); Condition operators StringEquals, StringNotEquals,
	// StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike and Null,
	// each optionally with an IfExists suffix and a ForAnyValue:/ForAllValues: prefix. Anything
	// else is refused by AddRole. WebIdentityTrustPolicy and AssumeRoleTrustPolicy write the
	// common ones.
	TrustPolicy string
	// MaxSessionDuration is the longest session the role grants. Optional; default 1 hour;
	// at most 12 hours.
	MaxSessionDuration time.Duration
}

type role struct {
	arn       string
	partition string
	account   string
	name      string
	id        string // AROA…
	trust     *policy
	maxDur    time.Duration
}

// AddRole registers r, replacing a role with the same ARN.
func (s *Server) AddRole(r Role) error {
	a, ok := parseARN(r.ARN)
	if !ok || a.service != "iam" || a.region != "" || !isAccountID(a.account) || !strings.HasPrefix(a.resource, "role/") || strings.HasSuffix(a.resource, "/") {
		return fmt.Errorf("fakests: role ARN %q must look like arn:aws:iam::123456789012:role/NAME", r.ARN)
	}
	if r.MaxSessionDuration == 0 {
		r.MaxSessionDuration = DefaultMaxSessionDuration
	}
	if r.MaxSessionDuration < time.Hour || r.MaxSessionDuration > MaxMaxSessionDuration {
		return fmt.Errorf("fakests: role %s: MaxSessionDuration %v must be between 1h and 12h", r.ARN, r.MaxSessionDuration)
	}
	p, err := parsePolicy(r.TrustPolicy)
	if err != nil {
		return fmt.Errorf("fakests: role %s: trust policy: %w", r.ARN, err)
	}
	name := a.resource[strings.LastIndex(a.resource, "/")+1:]
	ro := &role{arn: r.ARN, partition: a.partition, account: a.account, name: name, id: stableID("AROA", r.ARN), trust: p, maxDur: r.MaxSessionDuration}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[r.ARN] = ro
	return nil
}

type user struct {
	akid, secret string
	arn          string
	account      string
	id           string // AIDA… for users, the account ID for root
	root         bool
}

// AddUser registers long-term credentials (an IAM user's or the account root's access key)
// that may sign AssumeRole and GetCallerIdentity. arn is arn:PARTITION:iam::ACCOUNT:user/[PATH/]NAME
// or arn:PARTITION:iam::ACCOUNT:root.
func (s *Server) AddUser(accessKeyID, secretAccessKey, arn string) error {
	a, ok := parseARN(arn)
	root := ok && a.resource == "root"
	if !ok || a.service != "iam" || a.region != "" || !isAccountID(a.account) || !(root || strings.HasPrefix(a.resource, "user/") && !strings.HasSuffix(a.resource, "/")) {
		return fmt.Errorf("fakests: user ARN %q must look like arn:aws:iam::123456789012:user/NAME or arn:aws:iam::123456789012:root", arn)
	}
	if len(accessKeyID) < 16 || len(accessKeyID) > 128 || strings.HasPrefix(accessKeyID, "ASIA") {
		return fmt.Errorf("fakests: access key ID must be 16 to 128 characters and not start with ASIA (reserved for issued credentials)")
	}
	if secretAccessKey == "" {
		return fmt.Errorf("fakests: user %s needs a secret access key", arn)
	}
	u := &user{akid: accessKeyID, secret: secretAccessKey, arn: arn, account: a.account, id: stableID("AIDA", arn), root: root}
	if root {
		u.id = a.account
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[accessKeyID] = u
	return nil
}

// arn is a parsed ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
type arn struct{ partition, service, region, account, resource string }

func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return arn{}, false
	}
	return arn{parts[1], parts[2], parts[3], parts[4], parts[5]}, true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// stableID derives an IAM-style unique ID (prefix + 17 characters) from s.
func stableID(prefix, s string) string {
	sum := sha256.Sum256([]byte(s))
	return prefix + idEncoding.EncodeToString(sum[:])[:17]
}
