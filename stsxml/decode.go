package stsxml

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go/middleware"
	smithytime "github.com/aws/smithy-go/time"

	"github.com/irsa-go/irsa/internal/redact"
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
	d, r, err := decode(status, body, docWebIdentity, func(d *document) *result { return d.AssumeRoleWithWebIdentityResult })
	if err != nil {
		return nil, err
	}
	out := &sts.AssumeRoleWithWebIdentityOutput{Credentials: r.creds, AssumedRoleUser: r.user(), PackedPolicySize: r.pps,
		SourceIdentity: r.SourceIdentity.ptr(), SubjectFromWebIdentityToken: r.SubjectFromWebIdentityToken.ptr(),
		Audience: r.Audience.ptr(), Provider: r.Provider.ptr()}
	setRequestID(&out.ResultMetadata, d)
	return out, nil
}

// DecodeAssumeRole decodes an STS response to AssumeRole, as DecodeAssumeRoleWithWebIdentity
// does for its document.
func DecodeAssumeRole(status int, body io.Reader) (*sts.AssumeRoleOutput, error) {
	d, r, err := decode(status, body, docAssumeRole, func(d *document) *result { return d.AssumeRoleResult })
	if err != nil {
		return nil, err
	}
	out := &sts.AssumeRoleOutput{Credentials: r.creds, AssumedRoleUser: r.user(), PackedPolicySize: r.pps, SourceIdentity: r.SourceIdentity.ptr()}
	setRequestID(&out.ResultMetadata, d)
	return out, nil
}

// DecodeGetCallerIdentity decodes an STS response to GetCallerIdentity, as
// DecodeAssumeRoleWithWebIdentity does for its document. Arn is required; UserId and Account
// are optional.
func DecodeGetCallerIdentity(status int, body io.Reader) (*sts.GetCallerIdentityOutput, error) {
	d, r, err := decode(status, body, docCallerIdentity, func(d *document) *result { return d.GetCallerIdentityResult })
	if err != nil {
		return nil, err
	}
	out := &sts.GetCallerIdentityOutput{Arn: r.Arn.ptr(), UserId: r.UserID.ptr(), Account: r.Account.ptr()}
	setRequestID(&out.ResultMetadata, d)
	return out, nil
}

// DecodeError decodes an STS error document (ErrorResponse in any namespace, or a bare Error
// root) that came with status. It always returns a non-nil error: a *Error, a *FormatError when
// the body is not an error document, or a wrapped read error.
func DecodeError(status int, body io.Reader) error {
	_, _, err := decode(status, body, docError, nil)
	return err
}

// decode reads a response whose document has the root element root (or is an error document,
// returned as a *Error) and checks the result that pick returns.
func decode(status int, body io.Reader, root string, pick func(*document) *result) (*document, *result, error) {
	roots := []string{docError, docBareError, root}
	if status < 200 || status >= 300 {
		root, roots = docError, roots[:2]
	}
	data, err := readBody(status, body, root)
	if err != nil {
		return nil, nil, err
	}
	name, d, err := parse(status, root, data, roots...)
	switch {
	case err != nil:
		return nil, nil, err
	case name == docError || name == docBareError:
		return nil, nil, decodedError(status, name, d, data)
	}
	r := pick(d)
	if reason := r.check(strings.TrimSuffix(root, "Response")+"Result", root != docCallerIdentity); reason != "" {
		return nil, nil, newFormatError(status, root, reason, data)
	}
	return d, r, nil
}

// readBody reads body whole, never past MaxBodySize.
func readBody(status int, body io.Reader, doc string) ([]byte, error) {
	if body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(&progressReader{r: body}, MaxBodySize))
	if err != nil {
		return nil, fmt.Errorf("reading the STS %s body: %w", doc, err)
	}
	if len(data) == MaxBodySize {
		fe := newFormatError(status, doc, "the body is "+strconv.Itoa(MaxBodySize)+" bytes or more", data)
		if !strings.HasSuffix(fe.Excerpt, "…") {
			fe.Excerpt += "…" // the body goes on
		}
		return nil, fe
	}
	return data, nil
}

// progressReader gives up on a reader that keeps returning nothing, as bufio.Reader does.
type progressReader struct {
	r    io.Reader
	idle int
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if p.idle++; n > 0 || err != nil {
		p.idle = 0
	} else if p.idle > 100 {
		return 0, io.ErrNoProgress
	}
	return n, err
}

// decodedError makes the *Error an error document stands for.
func decodedError(status int, root string, d *document, data []byte) error {
	detail := d.Error
	switch {
	case root == docBareError:
		detail = &d.errorDetail
	case detail == nil:
		detail = d.Errors.Error // moto writes <ErrorResponse><Errors><Error>
	}
	switch {
	case detail == nil:
		return newFormatError(status, docError, "no <Error> element", data)
	case detail.Code.value() == "":
		return newFormatError(status, docError, "<Error> has no <Code>", data)
	}
	return &Error{StatusCode: status, Type: detail.Type.value(), Code: detail.Code.value(),
		Message:   redact.Tokens(detail.Message.value()),
		RequestID: cmp.Or(detail.RequestID.value(), d.RequestID.value(), d.ResponseMetadata.RequestID.value())}
}

func setRequestID(md *middleware.Metadata, d *document) {
	if id := d.ResponseMetadata.RequestID.value(); id != "" {
		awsmiddleware.SetRequestIDMetadata(md, id)
	}
}

// check returns why r (named name) is not acceptable, or "" after setting r.creds and r.pps
// when withCredentials, and checking Arn otherwise.
func (r *result) check(name string, withCredentials bool) string {
	if r == nil {
		return "no <" + name + "> element"
	}
	if !withCredentials {
		if r.Arn.value() == "" {
			return "<" + name + "> has no <Arn>"
		}
		return ""
	}
	c := r.Credentials
	if c == nil {
		return "no <Credentials> element"
	}
	for _, v := range []struct{ name, value string }{{"AccessKeyId", c.AccessKeyID.compact()},
		{"SecretAccessKey", c.SecretAccessKey.compact()}, {"SessionToken", c.SessionToken.compact()}, {"Expiration", c.Expiration.value()}} {
		if v.value == "" {
			return "<Credentials> has no <" + v.name + ">"
		}
	}
	exp, err := parseDateTime(c.Expiration.value())
	switch {
	case err != nil:
		return "<Expiration> " + safeValue(c.Expiration.value()) + " is not an RFC 3339 date-time"
	case exp.IsZero(): // "never expires" to credential caches
		return "<Expiration> " + safeValue(c.Expiration.value()) + " is the zero time"
	}
	if s := r.PackedPolicySize.value(); s != "" {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return "<PackedPolicySize> " + safeValue(s) + " is not a 32-bit integer"
		}
		r.pps = new(int32)
		*r.pps = int32(n)
	}
	exp = exp.UTC()
	r.creds = &types.Credentials{AccessKeyId: aws.String(c.AccessKeyID.compact()), SecretAccessKey: aws.String(c.SecretAccessKey.compact()),
		SessionToken: aws.String(c.SessionToken.compact()), Expiration: &exp}
	return ""
}

func (r *result) user() *types.AssumedRoleUser {
	if u := r.AssumedRoleUser; u != nil {
		return &types.AssumedRoleUser{AssumedRoleId: u.AssumedRoleID.ptr(), Arn: u.Arn.ptr()}
	}
	return nil
}

// parseDateTime parses an RFC 3339 date-time as aws-sdk-go-v2 does, and also with a lower-case
// "t" and "z", which RFC 3339 allows.
func parseDateTime(s string) (time.Time, error) {
	return smithytime.ParseDateTime(strings.NewReplacer("t", "T", "z", "Z").Replace(s))
}

// safeValue quotes a short value made of characters found in dates and numbers, for a reason
// text; anything else is not shown, since it could be anything.
func safeValue(s string) string {
	switch {
	case len(s) > 40:
		return "(a " + strconv.Itoa(len(s)) + "-byte value)"
	case strings.Trim(s, "0123456789-:.+ TZtz") != "":
		return "(a value with other characters)"
	}
	return strconv.Quote(s)
}
