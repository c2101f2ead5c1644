package fakests

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/irsa-go/irsa/stsxml"
)

// MaxClockSkew is how far a signed request's date may be from the server's clock.
const MaxClockSkew = 15 * time.Minute

const amzDateFormat = "20060102T150405Z"

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	accessKeyID   string
	date          string // YYYYMMDD of the scope
	region        string
	service       string
	signedHeaders []string
	signature     string
}

// parseAuthorization parses
// "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(h string) (authorization, *stsxml.Error) {
	var a authorization
	incomplete := func(msg string) *stsxml.Error {
		return senderError(http.StatusBadRequest, CodeIncompleteSignature, "%s", msg)
	}
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != "AWS4-HMAC-SHA256" {
		return a, incomplete("Unsupported AWS 'algorithm': '" + clip(alg, 32) + "'. Only AWS4-HMAC-SHA256 is supported.")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, incomplete("Authorization header requires each component to be of the form key=value.")
		}
		if _, dup := fields[k]; dup {
			return a, incomplete("Authorization header has the component '" + clip(k, 32) + "' more than once.")
		}
		fields[k] = val
	}
	var missing []string
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	if len(missing) > 0 {
		return a, incomplete(strings.Join(missing, " "))
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] == "" {
		return a, incomplete("Credential should have exactly 5 slash-separated components: access key ID, date, region, service, aws4_request.")
	}
	a.accessKeyID, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
	if scope[4] != "aws4_request" {
		return a, errSignatureDoesNotMatch("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", clip(scope[4], 32))
	}
	if a.service != "sts" {
		return a, errSignatureDoesNotMatch("Credential should be scoped to correct service: 'sts'.")
	}
	if a.region == "" {
		return a, errSignatureDoesNotMatch("Credential should be scoped to a valid region.")
	}
	a.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(a.signedHeaders) {
		return a, errSignatureDoesNotMatch("%s", msgSignatureDoesNotMatch)
	}
	hasHost := false
	for _, sh := range a.signedHeaders {
		if sh == "" || sh != strings.ToLower(sh) {
			return a, incomplete("SignedHeaders must be a ';'-separated list of lower-case header names.")
		}
		hasHost = hasHost || sh == "host"
	}
	if !hasHost {
		return a, errSignatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	a.signature = fields["Signature"]
	return a, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// authenticate verifies the request's SigV4 signature and returns the signer. The signature
// is recomputed with aws-sdk-go-v2's signer over the same method, path, query, signed headers
// and body, with the secret the server knows for the access key ID.
func (s *Server) authenticate(req *request) (*principal, *stsxml.Error) {
	r := req.http
	h := r.Header.Get("Authorization")
	if h == "" {
		if r.URL.Query().Get("X-Amz-Algorithm") != "" {
			return nil, senderError(http.StatusBadRequest, CodeIncompleteSignature, "Query-string (presigned) authentication is not supported by this fake STS; sign with the Authorization header.")
		}
		return nil, senderError(http.StatusForbidden, CodeMissingAuthenticationToken, "Request is missing Authentication Token")
	}
	auth, e := parseAuthorization(h)
	if auth.accessKeyID != "" {
		req.call.AccessKeyID = auth.accessKeyID
		req.call.SigningRegion = auth.region
	}
	if e != nil {
		return nil, e
	}

	// Who is it?
	invalid := senderError(http.StatusForbidden, CodeInvalidClientTokenID, "The security token included in the request is invalid.")
	token := r.Header.Get("X-Amz-Security-Token")
	var (
		p      principal
		secret string
	)
	s.mu.Lock()
	sess := s.sessions[auth.accessKeyID]
	u := s.users[auth.accessKeyID]
	s.mu.Unlock()
	switch {
	case sess != nil:
		if subtle.ConstantTimeCompare([]byte(token), []byte(sess.token)) != 1 {
			return nil, invalid
		}
		req.call.Caller = sess.principal.arn
		if !s.now().Before(sess.expires) {
			return nil, senderError(http.StatusForbidden, CodeExpiredToken, "The security token included in the request is expired")
		}
		p, secret = sess.principal, sess.secret
	case u != nil:
		if token != "" {
			return nil, invalid
		}
		req.call.Caller = u.arn
		p = principal{akid: u.akid, arn: u.arn, partition: mustPartition(u.arn), account: u.account, userID: u.id, root: u.root}
		secret = u.secret
	default:
		return nil, invalid
	}

	// When?
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		return nil, senderError(http.StatusBadRequest, CodeIncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	signedAt, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return nil, senderError(http.StatusBadRequest, CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'.", clip(amzDate, 32))
	}
	if auth.date != amzDate[:8] {
		return nil, errSignatureDoesNotMatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", clip(auth.date, 16), amzDate[:8], amzDate)
	}
	now := s.now().UTC()
	if signedAt.Before(now.Add(-MaxClockSkew)) {
		return nil, errSignatureDoesNotMatch("Signature expired: %s is now earlier than %s (%s - 15 min.)", amzDate, now.Add(-MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	}
	if signedAt.After(now.Add(MaxClockSkew)) {
		return nil, errSignatureDoesNotMatch("Signature not yet current: %s is still later than %s (%s + 15 min.)", amzDate, now.Add(MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	}

	// Does the signature match?
	want, err := s.expectedAuthorization(r, req.body, auth, secret, token, signedAt)
	if err != nil {
		return nil, errSignatureDoesNotMatch("%s", msgSignatureDoesNotMatch)
	}
	got := "SignedHeaders=" + strings.Join(auth.signedHeaders, ";") + ", Signature=" + auth.signature
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return nil, errSignatureDoesNotMatch("%s", msgSignatureDoesNotMatch)
	}
	return &p, nil
}

// expectedAuthorization signs a copy of r holding only the headers the client signed, and
// returns the "SignedHeaders=…, Signature=…" part of the Authorization header the SDK makes.
func (s *Server) expectedAuthorization(r *http.Request, body []byte, auth authorization, secret, token string, signedAt time.Time) (string, error) {
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	cp, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return "", err
	}
	cp.Host = r.Host
	signsToken := false
	for _, name := range auth.signedHeaders {
		switch name {
		case "host":
		case "content-length":
			cp.ContentLength = r.ContentLength
		case "x-amz-security-token":
			signsToken = true
			cp.Header[textproto.CanonicalMIMEHeaderKey(name)] = r.Header.Values(name)
		default:
			cp.Header[textproto.CanonicalMIMEHeaderKey(name)] = r.Header.Values(name)
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: auth.accessKeyID, SecretAccessKey: secret, SessionToken: token}
	err = v4.NewSigner().SignHTTP(r.Context(), creds, cp, hex.EncodeToString(sum[:]), auth.service, auth.region, signedAt, func(o *v4.SignerOptions) {
		o.DisableSessionToken = !signsToken
	})
	if err != nil {
		return "", err
	}
	full := cp.Header.Get("Authorization")
	i := strings.Index(full, "SignedHeaders=")
	if i < 0 {
		return "", errMalformed
	}
	return full[i:], nil
}

func mustPartition(arnString string) string {
	a, _ := parseARN(arnString)
	return a.partition
}
