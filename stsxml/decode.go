package stsxml

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithytime "github.com/aws/smithy-go/time"
)

// MaxBodySize is the cap on a response body. A body of MaxBodySize bytes or more is refused with
// a *FormatError, and no more than MaxBodySize bytes are ever read from it. STS documents are a
// few kilobytes.
const MaxBodySize = 1 << 20

// DecodeAssumeRoleWithWebIdentity decodes an STS response to AssumeRoleWithWebIdentity: the
// HTTP status and the body. For a 2xx status the body must be an
// AssumeRoleWithWebIdentityResponse with complete Credentials; the request ID goes in
// ResultMetadata. For any other status (or a 2xx body that is an error document) the error
// document is decoded and returned as a *Error. A body that is neither is a *FormatError; a
// failure to read the body is returned wrapped.
func DecodeAssumeRoleWithWebIdentity(status int, body io.Reader) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return decode(status, body, webIdentitySchema, buildWebIdentity)
}

// DecodeAssumeRole decodes an STS response to AssumeRole, as DecodeAssumeRoleWithWebIdentity
// does for its document.
func DecodeAssumeRole(status int, body io.Reader) (*sts.AssumeRoleOutput, error) {
	return decode(status, body, assumeRoleSchema, buildAssumeRole)
}

// DecodeGetCallerIdentity decodes an STS response to GetCallerIdentity, as
// DecodeAssumeRoleWithWebIdentity does for its document. Arn is required; UserId and Account
// are optional.
func DecodeGetCallerIdentity(status int, body io.Reader) (*sts.GetCallerIdentityOutput, error) {
	return decode(status, body, callerIdentitySchema, buildCallerIdentity)
}

// DecodeError decodes an STS error document (ErrorResponse in any namespace, or a bare Error
// root) that came with status. It always returns a non-nil error: a *Error, a *FormatError when
// the body is not an error document, or a wrapped read error.
func DecodeError(status int, body io.Reader) error {
	b := getBuffers()
	defer b.release()
	data, err := b.read(body, docError)
	if err != nil {
		return withStatus(err, status)
	}
	return decodeErrorDocument(status, data, b)
}

// buffers holds the memory one decode needs; it is pooled so that a refresh allocates only the
// decoded values themselves.
type buffers struct {
	body []byte
	p    parsed
}

var bufferPool = sync.Pool{New: func() any {
	return &buffers{body: make([]byte, 0, 4<<10), p: parsed{arena: make([]byte, 0, 2<<10)}}
}}

// maxPooled bounds the buffers kept for reuse, so that one huge body does not pin memory.
const maxPooled = 64 << 10

func getBuffers() *buffers { return bufferPool.Get().(*buffers) }

func (b *buffers) release() {
	if cap(b.body) > maxPooled || cap(b.p.arena) > maxPooled {
		return
	}
	b.body = b.body[:0]
	b.p = parsed{arena: b.p.arena[:0]}
	bufferPool.Put(b)
}

// withStatus fills in the status of a *FormatError from read.
func withStatus(err error, status int) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		fe.StatusCode = status
	}
	return err
}

// read reads body into b.body, never past MaxBodySize.
func (b *buffers) read(body io.Reader, doc string) ([]byte, error) {
	buf := b.body[:0]
	if body == nil {
		return buf, nil
	}
	idle := 0
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf)+512, MaxBodySize))
			copy(grown, buf)
			buf = grown
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		b.body = buf
		if len(buf) >= MaxBodySize {
			fe := newFormatError(0, doc, "the body is "+strconv.Itoa(MaxBodySize)+" bytes or more", buf)
			if !strings.HasSuffix(fe.Excerpt, "…") {
				fe.Excerpt += "…" // the body goes on
			}
			return nil, fe
		}
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, fmt.Errorf("reading the STS %s body: %w", doc, err)
		case n == 0:
			if idle++; idle > 100 {
				return nil, fmt.Errorf("reading the STS %s body: %w", doc, io.ErrNoProgress)
			}
		default:
			idle = 0
		}
	}
}

func is2xx(status int) bool { return status >= 200 && status < 300 }

func decode[T any](status int, body io.Reader, schema *node, build func(*parsed) (*T, string)) (*T, error) {
	b := getBuffers()
	defer b.release()
	doc := schema.name
	if !is2xx(status) {
		doc = docError
	}
	data, err := b.read(body, doc)
	if err != nil {
		return nil, withStatus(err, status)
	}
	if !is2xx(status) {
		return nil, decodeErrorDocument(status, data, b)
	}
	p := &b.p
	if werr := p.walk(data, schema, errorResponseSchema, bareErrorSchema); werr != nil {
		return nil, formatError(status, doc, werr, data)
	}
	if isErrorSchema(p.root) {
		return nil, buildError(status, p, data)
	}
	out, reason := build(p)
	if reason != "" {
		return nil, newFormatError(status, doc, reason, data)
	}
	return out, nil
}

func formatError(status int, doc string, werr *walkError, data []byte) *FormatError {
	fe := newFormatError(status, doc, werr.reason, data)
	fe.truncated = werr.truncated
	return fe
}

func decodeErrorDocument(status int, data []byte, b *buffers) error {
	p := &b.p
	if werr := p.walk(data, errorResponseSchema, bareErrorSchema); werr != nil {
		return formatError(status, docError, werr, data)
	}
	return buildError(status, p, data)
}

func buildError(status int, p *parsed, data []byte) error {
	if !p.has(fError) {
		return newFormatError(status, docError, "no <Error> element", data)
	}
	if !p.has(fErrorCode) {
		return newFormatError(status, docError, "<Error> has no <Code>", data)
	}
	return &Error{
		StatusCode: status,
		Type:       p.str(fErrorType),
		Code:       p.str(fErrorCode),
		Message:    redactTokens(p.str(fErrorMessage)),
		RequestID:  p.str(fRequestID),
	}
}

// optional returns a pointer to the value of f, stored in *slot, or nil when f is absent.
func optional(p *parsed, f field, slot *string) *string {
	if !p.has(f) {
		return nil
	}
	*slot = p.str(f)
	return slot
}

// credentialsBlock holds the credentials part of an output, allocated together with it.
type credentialsBlock struct {
	creds   types.Credentials
	user    types.AssumedRoleUser
	exp     time.Time
	pps     int32
	strings [6]string
}

// fill sets the credentials, assumed role user, packed policy size and source identity shared by
// AssumeRole and AssumeRoleWithWebIdentity, or returns why the document is not acceptable.
func (c *credentialsBlock) fill(p *parsed) (creds *types.Credentials, user *types.AssumedRoleUser, pps *int32, sourceIdentity *string, reason string) {
	switch {
	case !p.has(fResult):
		return nil, nil, nil, nil, "no <" + p.root.kids[0].name + "> element"
	case !p.has(fCredentials):
		return nil, nil, nil, nil, "no <Credentials> element"
	case !p.has(fAccessKeyID):
		return nil, nil, nil, nil, "<Credentials> has no <AccessKeyId>"
	case !p.has(fSecretAccessKey):
		return nil, nil, nil, nil, "<Credentials> has no <SecretAccessKey>"
	case !p.has(fSessionToken):
		return nil, nil, nil, nil, "<Credentials> has no <SessionToken>"
	case !p.has(fExpiration):
		return nil, nil, nil, nil, "<Credentials> has no <Expiration>"
	}
	exp, err := parseDateTime(p.str(fExpiration))
	if err != nil {
		return nil, nil, nil, nil, "<Expiration> " + safeValue(p.bytes(fExpiration)) + " is not an RFC 3339 date-time"
	}
	if exp.IsZero() {
		// The zero time means "never expires" to credential caches.
		return nil, nil, nil, nil, "<Expiration> " + safeValue(p.bytes(fExpiration)) + " is the zero time"
	}
	if p.has(fPackedPolicySize) {
		n, err := strconv.ParseInt(p.str(fPackedPolicySize), 10, 32)
		if err != nil {
			return nil, nil, nil, nil, "<PackedPolicySize> " + safeValue(p.bytes(fPackedPolicySize)) + " is not a 32-bit integer"
		}
		c.pps = int32(n)
		pps = &c.pps
	}
	c.exp = exp.UTC()
	c.creds = types.Credentials{
		AccessKeyId:     optional(p, fAccessKeyID, &c.strings[0]),
		SecretAccessKey: optional(p, fSecretAccessKey, &c.strings[1]),
		SessionToken:    optional(p, fSessionToken, &c.strings[2]),
		Expiration:      &c.exp,
	}
	if p.has(fAssumedRoleUser) {
		c.user = types.AssumedRoleUser{
			AssumedRoleId: optional(p, fAssumedRoleID, &c.strings[3]),
			Arn:           optional(p, fAssumedRoleArn, &c.strings[4]),
		}
		user = &c.user
	}
	return &c.creds, user, pps, optional(p, fSourceIdentity, &c.strings[5]), ""
}

// parseDateTime parses an RFC 3339 date-time as aws-sdk-go-v2 does, and also with a lower-case
// "t" and "z", which RFC 3339 allows.
func parseDateTime(s string) (time.Time, error) {
	t, err := smithytime.ParseDateTime(s)
	if err != nil && strings.ContainsAny(s, "tz") {
		return smithytime.ParseDateTime(strings.ToUpper(s))
	}
	return t, err
}

// safeValue quotes a short value made of characters found in dates and numbers, for a reason
// text; anything else is not shown, since it could be anything.
func safeValue(b []byte) string {
	if len(b) > 40 {
		return "(a " + strconv.Itoa(len(b)) + "-byte value)"
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c == '-' || c == ':' || c == '.' || c == '+' || c == ' ' ||
			c == 'T' || c == 'Z' || c == 't' || c == 'z') {
			return "(a value with other characters)"
		}
	}
	return strconv.Quote(string(b))
}

func buildWebIdentity(p *parsed) (*sts.AssumeRoleWithWebIdentityOutput, string) {
	blk := new(struct {
		out     sts.AssumeRoleWithWebIdentityOutput
		c       credentialsBlock
		strings [3]string
	})
	creds, user, pps, sourceIdentity, reason := blk.c.fill(p)
	if reason != "" {
		return nil, reason
	}
	blk.out = sts.AssumeRoleWithWebIdentityOutput{
		Credentials:                 creds,
		AssumedRoleUser:             user,
		PackedPolicySize:            pps,
		SourceIdentity:              sourceIdentity,
		SubjectFromWebIdentityToken: optional(p, fSubjectFromWebIdentityToken, &blk.strings[0]),
		Audience:                    optional(p, fAudience, &blk.strings[1]),
		Provider:                    optional(p, fProvider, &blk.strings[2]),
	}
	if p.has(fRequestID) {
		awsmiddleware.SetRequestIDMetadata(&blk.out.ResultMetadata, p.str(fRequestID))
	}
	return &blk.out, ""
}

func buildAssumeRole(p *parsed) (*sts.AssumeRoleOutput, string) {
	blk := new(struct {
		out sts.AssumeRoleOutput
		c   credentialsBlock
	})
	creds, user, pps, sourceIdentity, reason := blk.c.fill(p)
	if reason != "" {
		return nil, reason
	}
	blk.out = sts.AssumeRoleOutput{
		Credentials:      creds,
		AssumedRoleUser:  user,
		PackedPolicySize: pps,
		SourceIdentity:   sourceIdentity,
	}
	if p.has(fRequestID) {
		awsmiddleware.SetRequestIDMetadata(&blk.out.ResultMetadata, p.str(fRequestID))
	}
	return &blk.out, ""
}

func buildCallerIdentity(p *parsed) (*sts.GetCallerIdentityOutput, string) {
	switch {
	case !p.has(fResult):
		return nil, "no <GetCallerIdentityResult> element"
	case !p.has(fArn):
		return nil, "<GetCallerIdentityResult> has no <Arn>"
	}
	blk := new(struct {
		out     sts.GetCallerIdentityOutput
		strings [3]string
	})
	blk.out = sts.GetCallerIdentityOutput{
		Arn:     optional(p, fArn, &blk.strings[0]),
		UserId:  optional(p, fUserID, &blk.strings[1]),
		Account: optional(p, fAccount, &blk.strings[2]),
	}
	if p.has(fRequestID) {
		awsmiddleware.SetRequestIDMetadata(&blk.out.ResultMetadata, p.str(fRequestID))
	}
	return &blk.out, ""
}
