package stsxml

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go/middleware"
	smithytime "github.com/aws/smithy-go/time"
)

// MaxBodySize is the cap on a response body. A body of MaxBodySize bytes or more is refused with
// a *FormatError, and no more than MaxBodySize bytes are ever read from it. STS documents are a
// few kilobytes.
const MaxBodySize = 1 << 20

// Document (root element) names.
const (
	docWebIdentity    = "AssumeRoleWithWebIdentityResponse"
	docAssumeRole     = "AssumeRoleResponse"
	docCallerIdentity = "GetCallerIdentityResponse"
	docError          = "ErrorResponse"
	docBareError      = "Error"
)

// DecodeAssumeRoleWithWebIdentity decodes an STS response to AssumeRoleWithWebIdentity: the
// HTTP status and the body. For a 2xx status the body must be an
// AssumeRoleWithWebIdentityResponse with complete Credentials; the request ID goes in
// ResultMetadata. For any other status (or a 2xx body that is an error document) the error
// document is decoded and returned as a *Error. A body that is neither is a *FormatError; a
// failure to read the body is returned wrapped.
func DecodeAssumeRoleWithWebIdentity(status int, body io.Reader) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return decode(status, body, docWebIdentity, func(d *document) (*sts.AssumeRoleWithWebIdentityOutput, string) {
		r := d.AssumeRoleWithWebIdentityResult
		creds, user, pps, reason := credentialsOf(r, "AssumeRoleWithWebIdentityResult")
		if reason != "" {
			return nil, reason
		}
		out := &sts.AssumeRoleWithWebIdentityOutput{
			Credentials: creds, AssumedRoleUser: user, PackedPolicySize: pps,
			SourceIdentity:              r.SourceIdentity.ptr(),
			SubjectFromWebIdentityToken: r.SubjectFromWebIdentityToken.ptr(),
			Audience:                    r.Audience.ptr(),
			Provider:                    r.Provider.ptr(),
		}
		setRequestID(&out.ResultMetadata, d)
		return out, ""
	})
}

// DecodeAssumeRole decodes an STS response to AssumeRole, as DecodeAssumeRoleWithWebIdentity
// does for its document.
func DecodeAssumeRole(status int, body io.Reader) (*sts.AssumeRoleOutput, error) {
	return decode(status, body, docAssumeRole, func(d *document) (*sts.AssumeRoleOutput, string) {
		r := d.AssumeRoleResult
		creds, user, pps, reason := credentialsOf(r, "AssumeRoleResult")
		if reason != "" {
			return nil, reason
		}
		out := &sts.AssumeRoleOutput{Credentials: creds, AssumedRoleUser: user, PackedPolicySize: pps, SourceIdentity: r.SourceIdentity.ptr()}
		setRequestID(&out.ResultMetadata, d)
		return out, ""
	})
}

// DecodeGetCallerIdentity decodes an STS response to GetCallerIdentity, as
// DecodeAssumeRoleWithWebIdentity does for its document. Arn is required; UserId and Account
// are optional.
func DecodeGetCallerIdentity(status int, body io.Reader) (*sts.GetCallerIdentityOutput, error) {
	return decode(status, body, docCallerIdentity, func(d *document) (*sts.GetCallerIdentityOutput, string) {
		r := d.GetCallerIdentityResult
		switch {
		case r == nil:
			return nil, "no <GetCallerIdentityResult> element"
		case r.Arn.value() == "":
			return nil, "<GetCallerIdentityResult> has no <Arn>"
		}
		out := &sts.GetCallerIdentityOutput{Arn: r.Arn.ptr(), UserId: r.UserID.ptr(), Account: r.Account.ptr()}
		setRequestID(&out.ResultMetadata, d)
		return out, ""
	})
}

// DecodeError decodes an STS error document (ErrorResponse in any namespace, or a bare Error
// root) that came with status. It always returns a non-nil error: a *Error, a *FormatError when
// the body is not an error document, or a wrapped read error.
func DecodeError(status int, body io.Reader) error {
	data, err := readBody(body, status, docError)
	if err != nil {
		return err
	}
	root, doc, perr := parse(data, docError, docBareError)
	if perr != nil {
		return perr.formatError(status, docError, data)
	}
	return decodedError(status, root, doc, data)
}

func is2xx(status int) bool { return status >= 200 && status < 300 }

// decode reads the response to one operation: the success document root, or an error document.
func decode[T any](status int, body io.Reader, root string, build func(*document) (*T, string)) (*T, error) {
	if !is2xx(status) {
		return nil, DecodeError(status, body)
	}
	data, err := readBody(body, status, root)
	if err != nil {
		return nil, err
	}
	name, doc, perr := parse(data, root, docError, docBareError)
	if perr != nil {
		return nil, perr.formatError(status, root, data)
	}
	if name != root {
		return nil, decodedError(status, name, doc, data)
	}
	out, reason := build(doc)
	if reason != "" {
		return nil, newFormatError(status, root, reason, data)
	}
	return out, nil
}

// readBody reads body whole, never past MaxBodySize. Unlike io.ReadAll it gives up on a reader
// that keeps returning nothing.
func readBody(body io.Reader, status int, doc string) ([]byte, error) {
	if body == nil {
		return nil, nil
	}
	buf := make([]byte, 0, 4<<10)
	for idle := 0; ; {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):min(cap(buf), MaxBodySize)])
		buf = buf[:len(buf)+n]
		switch {
		case len(buf) >= MaxBodySize:
			fe := newFormatError(status, doc, "the body is "+strconv.Itoa(MaxBodySize)+" bytes or more", buf)
			if !strings.HasSuffix(fe.Excerpt, "…") {
				fe.Excerpt += "…" // the body goes on
			}
			return nil, fe
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, fmt.Errorf("reading the STS %s body: %w", doc, err)
		case n > 0:
			idle = 0
		case idle >= 100:
			return nil, fmt.Errorf("reading the STS %s body: %w", doc, io.ErrNoProgress)
		default:
			idle++
		}
	}
}

// decodedError makes the *Error an error document stands for.
func decodedError(status int, root string, doc *document, data []byte) error {
	detail := doc.Error
	switch {
	case root == docBareError:
		detail = &doc.errorDetail
	case detail == nil:
		detail = doc.Errors.Error // moto writes <ErrorResponse><Errors><Error>
	}
	switch {
	case detail == nil:
		return newFormatError(status, docError, "no <Error> element", data)
	case detail.Code.value() == "":
		return newFormatError(status, docError, "<Error> has no <Code>", data)
	}
	return &Error{
		StatusCode: status,
		Type:       detail.Type.value(),
		Code:       detail.Code.value(),
		Message:    redactMessage(detail.Message.value()),
		RequestID:  firstOf(detail.RequestID, doc.RequestID, doc.ResponseMetadata.RequestID),
	}
}

func firstOf(values ...text) string {
	for _, v := range values {
		if s := v.value(); s != "" {
			return s
		}
	}
	return ""
}

func setRequestID(md *middleware.Metadata, d *document) {
	if id := d.ResponseMetadata.RequestID.value(); id != "" {
		awsmiddleware.SetRequestIDMetadata(md, id)
	}
}

// credentialsOf returns the credentials, assumed role user and packed policy size that
// AssumeRole and AssumeRoleWithWebIdentity share, or why the document is not acceptable.
func credentialsOf(r *result, resultName string) (*types.Credentials, *types.AssumedRoleUser, *int32, string) {
	if r == nil {
		return nil, nil, nil, "no <" + resultName + "> element"
	}
	c := r.Credentials
	switch {
	case c == nil:
		return nil, nil, nil, "no <Credentials> element"
	case c.AccessKeyID.compact() == "":
		return nil, nil, nil, "<Credentials> has no <AccessKeyId>"
	case c.SecretAccessKey.compact() == "":
		return nil, nil, nil, "<Credentials> has no <SecretAccessKey>"
	case c.SessionToken.compact() == "":
		return nil, nil, nil, "<Credentials> has no <SessionToken>"
	case c.Expiration.value() == "":
		return nil, nil, nil, "<Credentials> has no <Expiration>"
	}
	exp, err := parseDateTime(c.Expiration.value())
	if err != nil {
		return nil, nil, nil, "<Expiration> " + safeValue(c.Expiration.value()) + " is not an RFC 3339 date-time"
	}
	if exp.IsZero() {
		// The zero time means "never expires" to credential caches.
		return nil, nil, nil, "<Expiration> " + safeValue(c.Expiration.value()) + " is the zero time"
	}
	var pps *int32
	if s := r.PackedPolicySize.value(); s != "" {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, nil, nil, "<PackedPolicySize> " + safeValue(s) + " is not a 32-bit integer"
		}
		pps = new(int32)
		*pps = int32(n)
	}
	exp = exp.UTC()
	creds := &types.Credentials{
		AccessKeyId:     stringPtr(c.AccessKeyID.compact()),
		SecretAccessKey: stringPtr(c.SecretAccessKey.compact()),
		SessionToken:    stringPtr(c.SessionToken.compact()),
		Expiration:      &exp,
	}
	var user *types.AssumedRoleUser
	if u := r.AssumedRoleUser; u != nil {
		user = &types.AssumedRoleUser{AssumedRoleId: u.AssumedRoleID.ptr(), Arn: u.Arn.ptr()}
	}
	return creds, user, pps, ""
}

func stringPtr(s string) *string { return &s }

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
func safeValue(s string) string {
	if len(s) > 40 {
		return "(a " + strconv.Itoa(len(s)) + "-byte value)"
	}
	if strings.Trim(s, "0123456789-:.+ TZtz") != "" {
		return "(a value with other characters)"
	}
	return strconv.Quote(s)
}
