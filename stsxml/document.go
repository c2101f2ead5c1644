package stsxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/irsa-go/irsa/internal/redact"
)

// document is any STS document, decoded by encoding/xml: a success document (one of the Result
// fields and ResponseMetadata), an ErrorResponse (Error, or Errors>Error as moto writes it, and
// RequestId) or a bare <Error> root (the fields of errorDetail). Which fields count depends on
// the root element. Element names have been made canonical by reader.
type document struct {
	AssumeRoleWithWebIdentityResult *result
	AssumeRoleResult                *result
	GetCallerIdentityResult         *result
	ResponseMetadata                struct {
		RequestID text `xml:"RequestId"`
	}
	Error  *errorDetail
	Errors struct{ Error *errorDetail }
	errorDetail
}

type errorDetail struct {
	Type, Code, Message text
	RequestID           text `xml:"RequestId"` // S3-compatible servers put it here
}

// result is the result element of any of the three operations.
type result struct {
	Credentials *struct {
		AccessKeyID                               text `xml:"AccessKeyId"`
		SecretAccessKey, SessionToken, Expiration text
	}
	AssumedRoleUser *struct {
		AssumedRoleID text `xml:"AssumedRoleId"`
		Arn           text
	}
	SubjectFromWebIdentityToken, Audience, Provider, PackedPolicySize, SourceIdentity text
	Arn, Account                                                                      text
	UserID                                                                            text `xml:"UserId"`
}

// knownNames are the element names of the structs above. reader gives an element one of these
// names when it matches one without regard to case, as aws-sdk-go-v2's deserializers match.
var knownNames = []string{
	docWebIdentity, docAssumeRole, docCallerIdentity, docError, docBareError, "Errors",
	"AssumeRoleWithWebIdentityResult", "AssumeRoleResult", "GetCallerIdentityResult", "ResponseMetadata",
	"RequestId", "Type", "Code", "Message", "Credentials", "AccessKeyId", "SecretAccessKey",
	"SessionToken", "Expiration", "AssumedRoleUser", "AssumedRoleId", "SubjectFromWebIdentityToken",
	"Audience", "Provider", "PackedPolicySize", "SourceIdentity", "Arn", "Account", "UserId",
}

func canonical(name string) string {
	for _, k := range knownNames {
		if strings.EqualFold(name, k) {
			return k
		}
	}
	return name
}

// text is an element that holds only text; a child element is refused. Comments inside are
// dropped, references resolved and CDATA taken literally, by encoding/xml.
type text string

const xmlSpace = " \t\r\n"

// UnmarshalXML implements xml.Unmarshaler.
func (t *text) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var b []byte
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			b = append(b, tok...)
		case xml.StartElement:
			return refusal("<" + start.Name.Local + "> holds an element; it must hold only text")
		case xml.EndElement:
			*t = text(b) // a repeated element replaces the earlier one, as in aws-sdk-go-v2
			return nil
		}
	}
}

// value is the text without surrounding whitespace; "" counts as absent.
func (t text) value() string { return strings.Trim(string(t), xmlSpace) }

// compact is the text without any whitespace: credential values are base64 or alphanumeric, and
// AWS's documented AssumeRole example line-wraps the session token.
func (t text) compact() string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(xmlSpace, r) {
			return -1
		}
		return r
	}, string(t))
}

func (t text) ptr() *string {
	if s := t.value(); s != "" {
		return &s
	}
	return nil
}

// refusal is a reason to refuse a document, made of fixed text and element names only.
type refusal string

func (r refusal) Error() string { return string(r) }

// maxDepth bounds element nesting. STS documents are four levels deep.
const maxDepth = 32

// reader passes encoding/xml's tokens on to the struct decoder with element names made
// canonical (any namespace, any letter case) and attributes dropped, and refuses what STS never
// sends: a DOCTYPE with an internal subset (entity definitions) and deep nesting.
type reader struct {
	d    *xml.Decoder
	open []string // the open elements, for reasons
}

// Token implements xml.TokenReader.
func (r *reader) Token() (xml.Token, error) {
	tok, err := r.d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if len(r.open) == maxDepth {
			return nil, refusal("elements are nested too deeply")
		}
		name := canonical(t.Name.Local)
		r.open = append(r.open, name)
		return xml.StartElement{Name: xml.Name{Local: name}}, nil
	case xml.EndElement:
		r.open = r.open[:len(r.open)-1]
		return xml.EndElement{Name: xml.Name{Local: canonical(t.Name.Local)}}, nil
	case xml.Directive:
		if bytes.ContainsRune(t, '[') {
			return nil, refusal("a DOCTYPE with an internal subset (entity definitions) is refused")
		}
	}
	return tok, nil
}

// parseError says why a body is not an acceptable document.
type parseError struct {
	reason    string
	truncated bool
}

func (p *parseError) formatError(status int, doc string, data []byte) *FormatError {
	fe := newFormatError(status, doc, p.reason, data)
	fe.truncated = p.truncated
	return fe
}

// parse decodes data, whose root element must be one of roots, and returns the root's name.
// Nothing after the root element is read.
func parse(data []byte, roots ...string) (string, *document, *parseError) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	inner := xml.NewDecoder(bytes.NewReader(data))
	inner.Strict = true // and no Entity map: XML's five predefined entities only
	r := &reader{d: inner}
	d := xml.NewTokenDecoder(r)
	doctype := ""
	for {
		tok, err := d.Token()
		switch {
		case err == io.EOF && len(bytes.Trim(data, xmlSpace)) == 0:
			return "", nil, &parseError{reason: "the body is empty"}
		case err == io.EOF:
			return "", nil, &parseError{reason: "the body has no root element"}
		case err != nil:
			return "", nil, r.explain(err, data)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.Trim(t, xmlSpace)) > 0 {
				return "", nil, notXML(data)
			}
		case xml.Directive:
			doctype = strings.ToLower(string(t))
		case xml.StartElement:
			name := t.Name.Local
			switch {
			case slices.Contains(roots, name):
			case strings.EqualFold(name, "html") || strings.HasPrefix(doctype, "doctype html"):
				return "", nil, &parseError{reason: "the body is an HTML page, not XML"}
			default:
				return "", nil, &parseError{reason: "the root element is <" + safeName(name) + ">"}
			}
			var doc document
			if err := d.DecodeElement(&doc, &t); err != nil {
				return "", nil, r.explain(err, data)
			}
			return name, &doc, nil
		}
	}
}

// looksLikeHTML reports whether data starts like an HTML page: a proxy's or load balancer's
// error page, typically.
func looksLikeHTML(data []byte) bool {
	b := bytes.ToLower(bytes.TrimLeft(data, xmlSpace))
	return bytes.HasPrefix(b, []byte("<!doctype html")) || bytes.HasPrefix(b, []byte("<html"))
}

func notXML(data []byte) *parseError {
	if looksLikeHTML(data) {
		return &parseError{reason: "the body is an HTML page, not XML"}
	}
	return &parseError{reason: "the body is not XML"}
}

// explain turns an error of the XML reader into a reason. encoding/xml's messages quote the
// body, so they are never shown: only what kind of error it is, the line and element names.
func (r *reader) explain(err error, data []byte) *parseError {
	var ref refusal
	if errors.As(err, &ref) {
		return &parseError{reason: string(ref)}
	}
	var se *xml.SyntaxError
	syntax := errors.As(err, &se)
	where := ""
	if len(r.open) > 0 {
		where = " in <" + safeName(r.open[len(r.open)-1]) + ">"
	}
	if syntax && strings.HasPrefix(se.Msg, "unexpected EOF") {
		reason := "the body is truncated"
		if where != "" {
			reason += " (it ends" + strings.Replace(where, " in ", " inside ", 1) + ")"
		}
		return &parseError{reason: reason, truncated: true}
	}
	if len(r.open) == 0 && (looksLikeHTML(data) || !bytes.HasPrefix(bytes.TrimLeft(data, xmlSpace), []byte("<"))) {
		return notXML(data)
	}
	what := "not well-formed"
	if syntax {
		switch msg := se.Msg; {
		case strings.Contains(msg, "closed by") || strings.Contains(msg, "end element"):
			what = "an end tag does not match"
		case strings.Contains(msg, "attribute"):
			what = "a malformed attribute"
		case strings.Contains(msg, "entity") || strings.Contains(msg, "character") || strings.Contains(msg, "UTF-8"):
			what = "an invalid character or reference"
		}
		what += " (line " + strconv.Itoa(se.Line) + ")"
	}
	return &parseError{reason: "malformed XML" + where + ": " + what}
}

// safeName returns an element name for a reason: with anything shaped like a token hidden, and
// at most 64 bytes long.
func safeName(name string) string { return redact.Clip(redact.Tokens(name), 64) }
