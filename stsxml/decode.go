package stsxml

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

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
	d, err := decode(status, body, docWebIdentity)
	if err != nil {
		return nil, err
	}
	out := &sts.AssumeRoleWithWebIdentityOutput{AssumedRoleUser: d.user(), SourceIdentity: d.ptr("Result/SourceIdentity"),
		SubjectFromWebIdentityToken: d.ptr("Result/SubjectFromWebIdentityToken"), Audience: d.ptr("Result/Audience"), Provider: d.ptr("Result/Provider")}
	if out.Credentials, out.PackedPolicySize, err = d.credentials(); err != nil {
		return nil, err
	}
	setRequestID(&out.ResultMetadata, d)
	return out, nil
}

// DecodeAssumeRole decodes an STS response to AssumeRole, as DecodeAssumeRoleWithWebIdentity
// does for its document.
func DecodeAssumeRole(status int, body io.Reader) (*sts.AssumeRoleOutput, error) {
	d, err := decode(status, body, docAssumeRole)
	if err != nil {
		return nil, err
	}
	out := &sts.AssumeRoleOutput{AssumedRoleUser: d.user(), SourceIdentity: d.ptr("Result/SourceIdentity")}
	if out.Credentials, out.PackedPolicySize, err = d.credentials(); err != nil {
		return nil, err
	}
	setRequestID(&out.ResultMetadata, d)
	return out, nil
}

// DecodeGetCallerIdentity decodes an STS response to GetCallerIdentity, as
// DecodeAssumeRoleWithWebIdentity does for its document. Arn is required; UserId and Account
// are optional.
func DecodeGetCallerIdentity(status int, body io.Reader) (*sts.GetCallerIdentityOutput, error) {
	d, err := decode(status, body, docCallerIdentity)
	switch {
	case err != nil:
		return nil, err
	case d.value("Result/Arn") == "":
		return nil, d.refuse("<GetCallerIdentityResult> has no <Arn>")
	}
	out := &sts.GetCallerIdentityOutput{Arn: d.ptr("Result/Arn"), UserId: d.ptr("Result/UserId"), Account: d.ptr("Result/Account")}
	setRequestID(&out.ResultMetadata, d)
	return out, nil
}

// DecodeError decodes an STS error document (ErrorResponse in any namespace, or a bare Error
// root) that came with status. It always returns a non-nil error: a *Error, a *FormatError when
// the body is not an error document, or a wrapped read error.
func DecodeError(status int, body io.Reader) error {
	_, err := decode(status, body, docError)
	return err
}

// decode reads a response whose document has the root element root and a result element in
// it, or is an error document (returned as a *Error).
func decode(status int, body io.Reader, root string) (*document, error) {
	roots := []string{docError, docBareError, root}
	if status < 200 || status >= 300 {
		root, roots = docError, roots[:2]
	}
	if body == nil {
		body = strings.NewReader("")
	}
	data, err := io.ReadAll(io.LimitReader(&progressReader{r: body}, MaxBodySize))
	if err != nil {
		return nil, fmt.Errorf("reading the STS %s body: %w", root, err)
	}
	if len(data) == MaxBodySize {
		return nil, newFormatError(status, root, "the body is "+strconv.Itoa(MaxBodySize)+" bytes or more", data)
	}
	d, err := parse(status, root, data, roots...)
	switch {
	case err != nil:
		return nil, err
	case d.root == docError || d.root == docBareError:
		return nil, decodedError(d)
	case !d.has("Result"):
		return nil, d.refuse("no <" + strings.TrimSuffix(root, "Response") + "Result> element")
	}
	return d, nil
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
func decodedError(d *document) error {
	e := "Error/"
	switch {
	case d.root == docBareError:
		e = ""
	case !d.has("Error") && d.has("Errors/Error"): // moto writes <ErrorResponse><Errors><Error>
		e = "Errors/Error/"
	case !d.has("Error"):
		return d.refuse("no <Error> element")
	}
	if d.value(e+"Code") == "" {
		return d.refuse("<Error> has no <Code>")
	}
	return &Error{StatusCode: d.status, Type: d.value(e + "Type"), Code: d.value(e + "Code"),
		Message:   redact.Tokens(d.value(e + "Message")),
		RequestID: cmp.Or(d.value(e+"RequestId"), d.value("RequestId"), d.value("ResponseMetadata/RequestId"))}
}

func setRequestID(md *middleware.Metadata, d *document) {
	if id := d.value("ResponseMetadata/RequestId"); id != "" {
		awsmiddleware.SetRequestIDMetadata(md, id)
	}
}

// credentials returns the result's Credentials and PackedPolicySize, checked.
func (d *document) credentials() (*types.Credentials, *int32, error) {
	if !d.has("Result/Credentials") {
		return nil, nil, d.refuse("no <Credentials> element")
	}
	for _, name := range []string{"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"} {
		if d.value("Result/Credentials/"+name) == "" {
			return nil, nil, d.refuse("<Credentials> has no <" + name + ">")
		}
	}
	s := d.value("Result/Credentials/Expiration")
	exp, err := smithytime.ParseDateTime(strings.ToUpper(s)) // RFC 3339 allows "t" and "z"
	switch {
	case err != nil:
		return nil, nil, d.refuse("<Expiration> " + safeValue(s) + " is not an RFC 3339 date-time")
	case exp.IsZero(): // "never expires" to credential caches
		return nil, nil, d.refuse("<Expiration> " + safeValue(s) + " is the zero time")
	}
	var pps *int32
	if s := d.value("Result/PackedPolicySize"); s != "" {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, nil, d.refuse("<PackedPolicySize> " + safeValue(s) + " is not a 32-bit integer")
		}
		pps = aws.Int32(int32(n))
	}
	exp = exp.UTC()
	return &types.Credentials{AccessKeyId: aws.String(d.compact("Result/Credentials/AccessKeyId")),
		SecretAccessKey: aws.String(d.compact("Result/Credentials/SecretAccessKey")),
		SessionToken:    aws.String(d.compact("Result/Credentials/SessionToken")), Expiration: &exp}, pps, nil
}

func (d *document) user() *types.AssumedRoleUser {
	if d.has("Result/AssumedRoleUser") {
		return &types.AssumedRoleUser{AssumedRoleId: d.ptr("Result/AssumedRoleUser/AssumedRoleId"), Arn: d.ptr("Result/AssumedRoleUser/Arn")}
	}
	return nil
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
