package fakes3

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	amzDateFormat    = "20060102T150405Z"
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	maxVerifiedBody  = 1 << 20
	signingAlgorithm = "AWS4-HMAC-SHA256"
)

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	AccessKeyID   string
	Date          string // YYYYMMDD
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

func parseAuthorization(h string) (*authorization, *s3Error) {
	rest, ok := strings.CutPrefix(h, signingAlgorithm+" ")
	if !ok {
		alg, _, _ := strings.Cut(h, " ")
		return nil, &s3Error{Status: http.StatusBadRequest, Code: "InvalidArgument",
			Message: "Unsupported Authorization Type", Extra: []xmlField{{"ArgumentName", "Authorization"}, {"ArgumentValue", clip(alg, 40)}}}
	}
	a := &authorization{}
	var credential, signed string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			a.Signature = v
		}
	}
	if credential == "" || signed == "" || a.Signature == "" {
		return nil, errMalformedAuth("The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.")
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[0] == "" {
		return nil, errMalformedAuth("The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	a.AccessKeyID, a.Date, a.Region, a.Service = scope[0], scope[1], scope[2], scope[3]
	if scope[4] != "aws4_request" {
		return nil, errMalformedAuth("The authorization header is malformed; incorrect terminal \"" + clip(scope[4], 40) + "\". This endpoint uses \"aws4_request\".")
	}
	a.SignedHeaders = strings.Split(signed, ";")
	return a, nil
}

// authenticate verifies r's SigV4 signature, session token, clock and payload hash. It returns
// the credential the request was signed with when the key is known (even if verification then
// fails), and the error to answer with, or nil.
func (s *Server) authenticate(r *http.Request) (*Credential, *s3Error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if r.URL.Query().Has("X-Amz-Signature") {
			return nil, &s3Error{Status: http.StatusBadRequest, Code: "InvalidRequest", Message: "fakes3 does not accept presigned URLs."}
		}
		return nil, errAccessDenied("Anonymous users cannot list buckets or objects here.")
	}
	a, e := parseAuthorization(h)
	if e != nil {
		return nil, e
	}
	if a.Service != "s3" {
		return nil, errMalformedAuth(fmt.Sprintf("The authorization header is malformed; incorrect service %q. This endpoint belongs to \"s3\".", clip(a.Service, 40)))
	}
	if a.Region != s.opts.Region {
		e := errMalformedAuth(fmt.Sprintf("The authorization header is malformed; the region '%s' is wrong; expecting '%s'", clip(a.Region, 40), s.opts.Region))
		e.Extra = []xmlField{{"Region", s.opts.Region}}
		return nil, e
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return nil, errAccessDenied("AWS authentication requires a valid Date or x-amz-date header")
	}
	if signedAt.Format("20060102") != a.Date {
		return nil, errMalformedAuth("The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	if skew := s.opts.Now().Sub(signedAt); skew > s.opts.MaxClockSkew || skew < -s.opts.MaxClockSkew {
		return nil, &s3Error{Status: http.StatusForbidden, Code: "RequestTimeTooSkewed",
			Message: "The difference between the request time and the current time is too large.",
			Extra: []xmlField{{"RequestTime", amzDate}, {"ServerTime", s.opts.Now().UTC().Format(time.RFC3339)},
				{"MaxAllowedSkewMilliseconds", fmt.Sprint(s.opts.MaxClockSkew.Milliseconds())}}}
	}

	cred, ok := s.opts.Credentials(a.AccessKeyID)
	token := r.Header.Get("X-Amz-Security-Token")
	if !ok || (cred.SessionToken != "" && token == "") {
		// S3 does not know a temporary key without its session token.
		return nil, &s3Error{Status: http.StatusForbidden, Code: "InvalidAccessKeyId",
			Message: "The AWS Access Key Id you provided does not exist in our records.",
			Extra:   []xmlField{{"AWSAccessKeyId", a.AccessKeyID}}}
	}
	if token != "" && !hmac.Equal([]byte(token), []byte(cred.SessionToken)) {
		return &cred, &s3Error{Status: http.StatusBadRequest, Code: "InvalidToken",
			Message: "The provided token is malformed or otherwise invalid.", Extra: []xmlField{{"Token-0", "(redacted)"}}}
	}
	if !cred.Expires.IsZero() && !s.opts.Now().Before(cred.Expires) {
		return &cred, &s3Error{Status: http.StatusBadRequest, Code: "ExpiredToken",
			Message: "The provided token has expired.", Extra: []xmlField{{"Token-0", "(redacted)"}}}
	}

	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		return &cred, &s3Error{Status: http.StatusBadRequest, Code: "InvalidRequest",
			Message: "Missing required header for this request: x-amz-content-sha256"}
	}
	if payloadHash != unsignedPayload {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxVerifiedBody))
		if err != nil {
			return &cred, &s3Error{Status: http.StatusBadRequest, Code: "IncompleteBody", Message: "The request body could not be read."}
		}
		sum := sha256.Sum256(body)
		if !strings.EqualFold(payloadHash, hex.EncodeToString(sum[:])) {
			return &cred, &s3Error{Status: http.StatusBadRequest, Code: "XAmzContentSHA256Mismatch",
				Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
		}
	}

	signed := map[string]bool{}
	for _, name := range a.SignedHeaders {
		signed[strings.ToLower(name)] = true
	}
	for _, required := range []string{"host", "x-amz-date", "x-amz-content-sha256"} {
		if !signed[required] {
			return &cred, errAccessDenied(fmt.Sprintf("The header %s must be signed.", required))
		}
	}
	var notSigned []string
	for name := range r.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-amz-") && !signed[lower] {
			notSigned = append(notSigned, lower)
		}
	}
	if len(notSigned) > 0 {
		sort.Strings(notSigned)
		e := errAccessDenied("There were headers present in the request which were not signed")
		e.Extra = []xmlField{{"HeadersNotSigned", strings.Join(notSigned, ", ")}}
		return &cred, e
	}

	want, err := expectedSignature(r, a, cred, payloadHash, signedAt)
	if err != nil || !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return &cred, &s3Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			Extra:   []xmlField{{"AWSAccessKeyId", a.AccessKeyID}}}
	}
	return &cred, nil
}

// expectedSignature signs a copy of r holding only the headers the client signed, with the
// secret the fake knows, and returns the signature.
func expectedSignature(r *http.Request, a *authorization, cred Credential, payloadHash string, signedAt time.Time) (string, error) {
	clone := &http.Request{
		Method: r.Method,
		URL: &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath,
			RawQuery: r.URL.RawQuery},
		Host:          r.Host,
		Header:        http.Header{},
		ContentLength: r.ContentLength,
	}
	for _, name := range a.SignedHeaders {
		if name == "host" {
			continue
		}
		canonical := http.CanonicalHeaderKey(name)
		if vs, ok := r.Header[canonical]; ok {
			clone.Header[canonical] = vs
		}
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	err := signer.SignHTTP(context.Background(), aws.Credentials{
		AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey, SessionToken: cred.SessionToken,
	}, clone, payloadHash, a.Service, a.Region, signedAt)
	if err != nil {
		return "", err
	}
	_, sig, ok := strings.Cut(clone.Header.Get("Authorization"), "Signature=")
	if !ok {
		return "", fmt.Errorf("no signature")
	}
	return sig, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
