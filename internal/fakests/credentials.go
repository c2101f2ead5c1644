package fakests

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// principal is who signed a request: a user, an account root, or a role session.
type principal struct {
	akid           string
	arn            string // user ARN, root ARN, or arn:…:sts::ACCT:assumed-role/NAME/SESSION
	partition      string
	account        string
	userID         string // AIDA…, the account ID (root), or AROA…:SESSION
	root           bool
	roleARN        string // the role, for role sessions
	sourceIdentity string
}

// matchesPrincipal reports whether entry (an AWS principal of a trust policy) names p.
func (p *principal) matchesPrincipal(entry string) bool {
	if entry == "*" {
		return true
	}
	if isAccountID(entry) {
		return entry == p.account
	}
	a, ok := parseARN(entry)
	if !ok || a.partition != p.partition {
		return false
	}
	switch {
	case a.service == "iam" && a.resource == "root":
		return a.account == p.account
	case a.service == "iam" && strings.HasPrefix(a.resource, "role/"):
		return p.roleARN == entry
	default: // a user ARN or an assumed-role session ARN
		return p.arn == entry
	}
}

// session is a set of temporary credentials the server issued.
type session struct {
	secret, token string
	expires       time.Time
	principal     principal
}

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// issue creates temporary credentials for a session of ro and remembers them.
func (s *Server) issue(ro *role, sessionName string, d time.Duration, sourceIdentity string) (*types.Credentials, *types.AssumedRoleUser, string) {
	now := s.now()
	sess := &session{
		secret:  base64.StdEncoding.EncodeToString(s.randomBytes(30)), // 40 characters, as AWS's
		token:   "IQoJb3JpZ2luX2Vj" + base64.StdEncoding.EncodeToString(s.randomBytes(300)),
		expires: now.Add(d).Truncate(time.Second),
		principal: principal{
			arn:            "arn:" + ro.partition + ":sts::" + ro.account + ":assumed-role/" + ro.name + "/" + sessionName,
			partition:      ro.partition,
			account:        ro.account,
			userID:         ro.id + ":" + sessionName,
			roleARN:        ro.arn,
			sourceIdentity: sourceIdentity,
		},
	}
	s.mu.Lock()
	for {
		b := s.randomBytes(16)
		id := make([]byte, 16)
		for i, c := range b {
			id[i] = tokenAlphabet[int(c)%len(tokenAlphabet)]
		}
		akid := "ASIA" + string(id)
		if _, taken := s.sessions[akid]; !taken {
			sess.principal.akid = akid
			s.sessions[akid] = sess
			s.issued++
			break
		}
	}
	s.mu.Unlock()
	creds := &types.Credentials{
		AccessKeyId:     aws.String(sess.principal.akid),
		SecretAccessKey: aws.String(sess.secret),
		SessionToken:    aws.String(sess.token),
		Expiration:      aws.Time(sess.expires.UTC()),
	}
	user := &types.AssumedRoleUser{Arn: aws.String(sess.principal.arn), AssumedRoleId: aws.String(sess.principal.userID)}
	return creds, user, sess.principal.akid
}

// IssuedCount returns how many sets of temporary credentials the server has issued.
func (s *Server) IssuedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Revoke forgets the temporary credentials with access key ID akid: later calls signed with
// them fail with InvalidClientTokenId, as after an IAM "revoke active sessions".
func (s *Server) Revoke(akid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, akid)
}

// Issued is a set of temporary credentials the server issued, for another fake (an S3, say)
// that must verify requests signed with them. Printing it with any fmt verb shows identifiers
// only, never the secret or the session token.
type Issued struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// Expires is when the credentials expire.
	Expires time.Time
	// ARN is the session's ARN, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	ARN string
	// RoleARN is the role the session belongs to.
	RoleARN string
	// SourceIdentity is the session's source identity, if any.
	SourceIdentity string
}

// String describes the credentials without their secrets.
func (i Issued) String() string {
	return fmt.Sprintf("fakests.Issued{AccessKeyID: %q, ARN: %q, Expires: %s, SecretAccessKey: <redacted>, SessionToken: <redacted>}", i.AccessKeyID, i.ARN, i.Expires.UTC().Format(time.RFC3339))
}

// GoString is String, so %#v redacts too.
func (i Issued) GoString() string { return i.String() }

// Format makes every verb (%v, %+v, %s, %q, …) print String.
func (i Issued) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, i.String()) }

// LookupIssued returns the temporary credentials with access key ID accessKeyID, if this
// server issued them and has not revoked them (expired ones are returned: check Expires).
func (s *Server) LookupIssued(accessKeyID string) (Issued, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[accessKeyID]
	if sess == nil {
		return Issued{}, false
	}
	return Issued{
		AccessKeyID:     accessKeyID,
		SecretAccessKey: sess.secret,
		SessionToken:    sess.token,
		Expires:         sess.expires,
		ARN:             sess.principal.arn,
		RoleARN:         sess.principal.roleARN,
		SourceIdentity:  sess.principal.sourceIdentity,
	}, true
}
