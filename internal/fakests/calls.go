package fakests

import (
	"fmt"
	"time"
)

// Call is the record of one request, as a test asserts on it. It never holds secrets: no
// secret access key, session token or web identity token, only identifiers.
type Call struct {
	// Time is when the request arrived, by the server's clock.
	Time time.Time
	// RequestID is the request ID the server answered with.
	RequestID string
	// Operation is the Action parameter ("AssumeRoleWithWebIdentity", "AssumeRole",
	// "GetCallerIdentity", or whatever else was sent).
	Operation string
	// RoleARN and SessionName are the RoleArn and RoleSessionName parameters.
	RoleARN, SessionName string
	// AccessKeyID is the access key ID that signed the request (signed operations), when the
	// Authorization header could be parsed.
	AccessKeyID string
	// Caller is the caller's identity: the signer's ARN for signed operations (once the key
	// is known), the token's sub for AssumeRoleWithWebIdentity (once the token parsed).
	Caller string
	// SigningRegion is the region of the SigV4 credential scope (signed operations).
	SigningRegion string
	// DurationSeconds is the DurationSeconds parameter (0 when absent or not a number).
	DurationSeconds int32
	// SourceIdentity is the SourceIdentity parameter.
	SourceIdentity string
	// ExternalID reports whether an ExternalId parameter was sent (its value is not kept).
	ExternalID bool
	// Policy reports whether a session Policy parameter was sent.
	Policy bool
	// IssuedAccessKeyID is the access key ID of the credentials the call returned, if any.
	IssuedAccessKeyID string
	// Status is the HTTP status sent (0 when a fault dropped the connection).
	Status int
	// Code is the error code answered with; "" for success.
	Code string
	// Fault is the fault injected into this call, FaultNone if none.
	Fault FaultKind
}

// String describes the call in one line, for test failure messages.
func (c Call) String() string {
	res := "OK"
	if c.Code != "" {
		res = c.Code
	}
	s := fmt.Sprintf("%s role=%q session=%q caller=%q duration=%d -> %d %s", c.Operation, c.RoleARN, c.SessionName, c.Caller, c.DurationSeconds, c.Status, res)
	if c.Fault != FaultNone {
		s += " (fault " + c.Fault.String() + ")"
	}
	return s
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	s.byOp[c.Operation]++
	if c.RoleARN != "" {
		s.byRole[c.RoleARN]++
	}
}

// Calls returns a copy of the calls recorded so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Count returns how many calls of operation op were received (whatever their outcome).
func (s *Server) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byOp[op]
}

// CountRole returns how many calls named roleARN as their RoleArn (whatever their outcome).
func (s *Server) CountRole(roleARN string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byRole[roleARN]
}

// ResetCalls forgets the recorded calls and zeroes the counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.byOp = map[string]int{}
	s.byRole = map[string]int{}
}
