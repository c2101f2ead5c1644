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

// fields names the elements the decoders read, by their lower-case path from the root down
// (parse matches names in any letter case, as aws-sdk-go-v2's deserializers do, and in any
// namespace): the name is the path below the root, with "Result" for the operation's result
// element. An element anywhere else, and everything inside it, is skipped.
var fields = func() map[string]string {
	m := map[string]string{}
	add := func(path, name string) { m[strings.ToLower(path)] = name }
	for _, op := range []string{"AssumeRoleWithWebIdentity", "AssumeRole", "GetCallerIdentity"} {
		for _, p := range []string{"", "/Credentials", "/Credentials/AccessKeyId", "/Credentials/SecretAccessKey",
			"/Credentials/SessionToken", "/Credentials/Expiration", "/AssumedRoleUser", "/AssumedRoleUser/AssumedRoleId",
			"/AssumedRoleUser/Arn", "/SubjectFromWebIdentityToken", "/Audience", "/Provider", "/PackedPolicySize",
			"/SourceIdentity", "/Arn", "/Account", "/UserId"} {
			add(op+"Response/"+op+"Result"+p, "Result"+p)
		}
		add(op+"Response/ResponseMetadata/RequestId", "ResponseMetadata/RequestId")
	}
	// An ErrorResponse holds an Error (or Errors>Error, as moto writes it) and a request ID; a
	// bare <Error> root holds the Error's elements itself.
	for _, p := range []string{"/Type", "/Code", "/Message", "/RequestId", ""} {
		add("ErrorResponse/Error"+p, "Error"+p)
		add("ErrorResponse/Errors/Error"+p, "Errors/Error"+p)
		add("Error"+p, strings.TrimPrefix(p, "/"))
	}
	add("ErrorResponse/RequestId", "RequestId")
	add("ErrorResponse/ResponseMetadata/RequestId", "ResponseMetadata/RequestId")
	return m
}()

// isText reports whether the field holds text, where a child element is refused, rather than
// elements.
func isText(name string) bool {
	return !slices.Contains([]string{"", "Result", "Credentials", "AssumedRoleUser", "Error"}, name[strings.LastIndex(name, "/")+1:])
}

// document is what parse read from a body: the root element's name and the fields present.
type document struct {
	root   string
	values map[string]string // by field name: the text of a text element, "" for the others

	status int    // for refuse
	doc    string // the document expected
	data   []byte // the body
}

// refuse returns a *FormatError saying why the body is not the document expected.
func (d *document) refuse(reason string) *FormatError {
	return newFormatError(d.status, d.doc, reason, d.data)
}

const xmlSpace = " \t\r\n"

func (d *document) has(name string) bool { _, ok := d.values[name]; return ok }

// value is the field's text without surrounding whitespace; "" counts as absent.
func (d *document) value(name string) string { return strings.Trim(d.values[name], xmlSpace) }

// compact is the field's text without any whitespace: credential values are base64 or
// alphanumeric, and AWS's documented AssumeRole example line-wraps the session token.
func (d *document) compact(name string) string {
	return strings.Join(strings.Fields(d.values[name]), "")
}

func (d *document) ptr(name string) *string {
	if s := d.value(name); s != "" {
		return &s
	}
	return nil
}

// parse reads data, whose root element must be one of roots, up to the end of the root element.
// encoding/xml is strict and has no Entity map: XML's five predefined entities only, nothing
// fetched. A body that is not such a document is a *FormatError for status and doc.
func parse(status int, doc string, data []byte, roots ...string) (*document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	d := &document{values: make(map[string]string, 16), status: status, doc: doc, data: data}
	open := make([]xml.Name, 0, 32) // RawToken leaves matching end tags to us, and namespaces alone
	path := make([]byte, 0, 256)    // the lower-case local names of the open elements, joined by "/"
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return nil, d.explain(err, open)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(open) == 0 && len(bytes.Trim(t, xmlSpace)) > 0 {
				return nil, d.refuse(cmp.Or(notXML(data), "the body is not XML"))
			}
			if name, ok := fields[string(path)]; ok && isText(name) {
				d.values[name] += string(t)
			}
		case xml.Directive:
			if bytes.ContainsRune(t, '[') {
				return nil, d.refuse("a DOCTYPE with an internal subset (entity definitions) is refused")
			}
		case xml.StartElement:
			name, parent := t.Name.Local, fields[string(path)]
			switch i := slices.IndexFunc(roots, func(r string) bool { return strings.EqualFold(r, name) }); {
			case len(open) == 32:
				return nil, d.refuse("elements are nested too deeply")
			case len(open) > 0 && parent != "" && isText(parent):
				return nil, d.refuse("<" + safeName(open[len(open)-1].Local) + "> holds an element; it must hold only text")
			case len(open) > 0:
				path = append(path, '/')
			case i >= 0:
				d.root = roots[i]
			case strings.EqualFold(name, "html") || notXML(data) != "": // after <!DOCTYPE html>
				return nil, d.refuse("the body is an HTML page, not XML")
			default:
				return nil, d.refuse("the root element is <" + safeName(name) + ">")
			}
			for _, c := range []byte(name) { // the names in fields are ASCII
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				path = append(path, c)
			}
			open = append(open, t.Name)
			if name, ok := fields[string(path)]; ok {
				d.values[name] = "" // a repeated element replaces the earlier one, as in aws-sdk-go-v2
			}
		case xml.EndElement:
			if len(open) == 0 || t.Name != open[len(open)-1] {
				line, _ := dec.InputPos()
				return nil, d.explain(&xml.SyntaxError{Msg: "end element does not match", Line: line}, open)
			}
			if open = open[:len(open)-1]; len(open) == 0 {
				return d, nil
			}
			path = path[:bytes.LastIndexByte(path, '/')]
		}
	}
}

// explain says why the XML reader failed (err is io.EOF at the end of the body). encoding/xml's
// messages quote the body, so they are never shown: only what kind of error it is, the line and
// the name of the innermost open element.
func (d *document) explain(err error, open []xml.Name) *FormatError {
	var in, inside string
	if len(open) > 0 {
		name := safeName(open[len(open)-1].Local)
		in, inside = " in <"+name+">", " (it ends inside <"+name+">)"
	}
	var se *xml.SyntaxError
	switch {
	case err == io.EOF && len(open) == 0 && len(bytes.Trim(d.data, xmlSpace)) == 0:
		return d.refuse("the body is empty")
	case err == io.EOF && len(open) == 0:
		return d.refuse("the body has no root element")
	case err == io.EOF, errors.As(err, &se) && strings.HasPrefix(se.Msg, "unexpected EOF"):
		fe := d.refuse("the body is truncated" + inside)
		fe.truncated = true
		return fe
	case in == "" && notXML(d.data) != "":
		return d.refuse(notXML(d.data))
	case se == nil:
		return d.refuse("malformed XML" + in)
	}
	what := "not well-formed"
	switch msg := se.Msg; {
	case strings.Contains(msg, "end element"):
		what = "an end tag does not match"
	case strings.Contains(msg, "attribute"):
		what = "a malformed attribute"
	case strings.Contains(msg, "entity") || strings.Contains(msg, "character") || strings.Contains(msg, "UTF-8"):
		what = "an invalid character or reference"
	}
	return d.refuse("malformed XML" + in + ": " + what + " (line " + strconv.Itoa(se.Line) + ")")
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

// safeName returns an element name for a reason: anything shaped like a token hidden, at most
// 64 bytes.
func safeName(name string) string { return redact.Clip(redact.Tokens(name), 64) }
