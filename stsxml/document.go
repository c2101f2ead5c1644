package stsxml

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/irsa-go/irsa/internal/redact"
)

// Document (root element) names.
const (
	docWebIdentity    = "AssumeRoleWithWebIdentityResponse"
	docAssumeRole     = "AssumeRoleResponse"
	docCallerIdentity = "GetCallerIdentityResponse"
	docError          = "ErrorResponse"
	docBareError      = "Error"
)

// document is any STS document as encoding/xml decodes it: a success document (a Result and
// ResponseMetadata), an ErrorResponse (Error, or Errors>Error as moto writes it, and RequestId)
// or a bare <Error> root (the fields of errorDetail). Which fields count depends on the root.
type document struct {
	AssumeRoleWithWebIdentityResult, AssumeRoleResult, GetCallerIdentityResult *result
	ResponseMetadata                                                           struct {
		RequestID text `xml:"RequestId"`
	}
	Error  *errorDetail
	Errors struct{ Error *errorDetail }
	errorDetail
}

type errorDetail struct {
	Type, Code, Message text
	RequestID           text `xml:"RequestId"` // inside <Error> as S3-compatible servers send it
}

type result struct {
	Credentials *struct {
		AccessKeyID                               text `xml:"AccessKeyId"`
		SecretAccessKey, SessionToken, Expiration text
	}
	AssumedRoleUser *struct {
		AssumedRoleID text `xml:"AssumedRoleId"`
		Arn           text
	}
	SubjectFromWebIdentityToken, Audience, Provider, PackedPolicySize, SourceIdentity, Arn, Account text
	UserID                                                                                          text `xml:"UserId"`

	creds *types.Credentials // set by check
	pps   *int32
}

// knownNames are the element names of the structs above. reader gives an element the one it
// matches without regard to case, as aws-sdk-go-v2's deserializers match names.
var knownNames = []string{docWebIdentity, docAssumeRole, docCallerIdentity, docError, docBareError, "Errors",
	"AssumeRoleWithWebIdentityResult", "AssumeRoleResult", "GetCallerIdentityResult", "ResponseMetadata",
	"RequestId", "Type", "Code", "Message", "Credentials", "AccessKeyId", "SecretAccessKey", "SessionToken",
	"Expiration", "AssumedRoleUser", "AssumedRoleId", "SubjectFromWebIdentityToken", "Audience", "Provider",
	"PackedPolicySize", "SourceIdentity", "Arn", "Account", "UserId"}

// text is an element that holds only text: a child element is refused. encoding/xml drops
// comments, resolves references and takes CDATA literally.
type text string

// UnmarshalXML implements xml.Unmarshaler.
func (t *text) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var b []byte
	for {
		tok, err := d.Token()
		switch tok := tok.(type) {
		case xml.CharData:
			b = append(b, tok...)
		case xml.StartElement:
			return refusal("<" + start.Name.Local + "> holds an element; it must hold only text")
		case xml.EndElement:
			*t = text(b) // a repeated element replaces the earlier one, as in aws-sdk-go-v2
			return nil
		}
		if err != nil {
			return err
		}
	}
}

const xmlSpace = " \t\r\n"

// value is the text without surrounding whitespace; "" counts as absent.
func (t text) value() string { return strings.Trim(string(t), xmlSpace) }

// compact is the text without any whitespace: credential values are base64 or alphanumeric, and
// AWS's documented AssumeRole example line-wraps the session token.
func (t text) compact() string { return strings.Join(strings.FieldsFunc(string(t), isXMLSpace), "") }

func isXMLSpace(r rune) bool { return strings.ContainsRune(xmlSpace, r) }

func (t text) ptr() *string {
	if s := t.value(); s != "" {
		return &s
	}
	return nil
}

// refusal is a reason to refuse a document, made of fixed text and element names only.
type refusal string

func (r refusal) Error() string { return string(r) }

// reader passes encoding/xml's tokens on with element names made canonical (any namespace, any
// letter case) and attributes dropped, and refuses what STS never sends: a DOCTYPE with an
// internal subset (entity definitions) and nesting deeper than 32 levels.
type reader struct {
	d    *xml.Decoder
	open []string // the open elements, for reasons
}

// Token implements xml.TokenReader.
func (r *reader) Token() (xml.Token, error) {
	tok, err := r.d.Token()
	switch t := tok.(type) {
	case xml.StartElement:
		if len(r.open) == 32 {
			return nil, refusal("elements are nested too deeply")
		}
		r.open = append(r.open, canonical(t.Name.Local))
		return xml.StartElement{Name: xml.Name{Local: r.open[len(r.open)-1]}}, err
	case xml.EndElement:
		r.open = r.open[:len(r.open)-1]
		return xml.EndElement{Name: xml.Name{Local: canonical(t.Name.Local)}}, err
	case xml.Directive:
		if bytes.ContainsRune(t, '[') {
			return nil, refusal("a DOCTYPE with an internal subset (entity definitions) is refused")
		}
	}
	return tok, err
}

func canonical(name string) string {
	if i := slices.IndexFunc(knownNames, func(k string) bool { return strings.EqualFold(name, k) }); i >= 0 {
		return knownNames[i]
	}
	return name
}

// parse decodes data, whose root element must be one of roots, and returns the root's name.
// Nothing after the root element is read. A body that is not such a document is a *FormatError
// for status and doc.
func parse(status int, doc string, data []byte, roots ...string) (string, *document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	inner := xml.NewDecoder(bytes.NewReader(data))
	inner.Strict = true // and no Entity map: XML's five predefined entities only
	r := &reader{d: inner}
	d := xml.NewTokenDecoder(r)
	refuse := func(reason string, truncated bool) (string, *document, error) {
		fe := newFormatError(status, doc, reason, data)
		fe.truncated = truncated
		return "", nil, fe
	}
	html := false
	for {
		tok, err := d.Token()
		switch {
		case err == io.EOF && len(bytes.Trim(data, xmlSpace)) == 0:
			return refuse("the body is empty", false)
		case err == io.EOF:
			return refuse("the body has no root element", false)
		case err != nil:
			return refuse(r.explain(err, data))
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.Trim(t, xmlSpace)) > 0 {
				return refuse(cmp.Or(notXML(data), "the body is not XML"), false)
			}
		case xml.Directive:
			html = html || bytes.HasPrefix(bytes.ToLower(t), []byte("doctype html"))
		case xml.StartElement:
			switch name := t.Name.Local; {
			case slices.Contains(roots, name):
				var v document
				if err := d.DecodeElement(&v, &t); err != nil {
					return refuse(r.explain(err, data))
				}
				return name, &v, nil
			case html || strings.EqualFold(name, "html"):
				return refuse("the body is an HTML page, not XML", false)
			default:
				return refuse("the root element is <"+safeName(name)+">", false)
			}
		}
	}
}

// notXML says what a body that is not XML is, or "" when it starts like XML.
func notXML(data []byte) string {
	b := bytes.ToLower(bytes.TrimLeft(data, xmlSpace))
	switch {
	case bytes.HasPrefix(b, []byte("<!doctype html")) || bytes.HasPrefix(b, []byte("<html")):
		return "the body is an HTML page, not XML"
	case !bytes.HasPrefix(b, []byte("<")):
		return "the body is not XML"
	}
	return ""
}

// explain gives the reason for an error of the XML reader, and whether the body is truncated.
// encoding/xml's messages quote the body, so they are never shown: only what kind of error it
// is, the line and element names.
func (r *reader) explain(err error, data []byte) (string, bool) {
	var ref refusal
	var se *xml.SyntaxError
	in := ""
	if len(r.open) > 0 {
		in = " in <" + safeName(r.open[len(r.open)-1]) + ">"
	}
	switch {
	case errors.As(err, &ref):
		return string(ref), false
	case errors.As(err, &se) && strings.HasPrefix(se.Msg, "unexpected EOF"):
		if in == "" {
			return "the body is truncated", true
		}
		return "the body is truncated (it ends" + strings.Replace(in, "in", "inside", 1) + ")", true
	case in == "" && notXML(data) != "":
		return notXML(data), false
	case se == nil:
		return "malformed XML" + in, false
	}
	what := "not well-formed"
	switch msg := se.Msg; {
	case strings.Contains(msg, "closed by") || strings.Contains(msg, "end element"):
		what = "an end tag does not match"
	case strings.Contains(msg, "attribute"):
		what = "a malformed attribute"
	case strings.Contains(msg, "entity") || strings.Contains(msg, "character") || strings.Contains(msg, "UTF-8"):
		what = "an invalid character or reference"
	}
	return "malformed XML" + in + ": " + what + " (line " + strconv.Itoa(se.Line) + ")", false
}

// safeName returns an element name for a reason: anything shaped like a token hidden, at most
// 64 bytes.
func safeName(name string) string { return redact.Clip(redact.Tokens(name), 64) }
