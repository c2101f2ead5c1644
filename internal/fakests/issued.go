package fakests

import "time"

// Issued is a set of temporary credentials the server issued, as another fake service (such as
// internal/fakes3) needs it to accept requests signed with them, the way AWS services accept
// credentials from STS.
type Issued struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// Expires is when the credentials stop working.
	Expires time.Time
	// ARN is the assumed-role session, arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	ARN string
}

// LookupIssued returns the temporary credentials with access key ID akid; ok is false when the
// server never issued them or they were revoked.
func (s *Server) LookupIssued(akid string) (c Issued, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[akid]
	if !ok {
		return Issued{}, false
	}
	return Issued{AccessKeyID: akid, SecretAccessKey: sess.secret, SessionToken: sess.token,
		Expires: sess.expires, ARN: sess.principal.arn}, true
}
