// Package stsencode writes the XML documents of AWS STS's Query protocol, the way STS sends them:
// the inverse of package stsxml's decoders, for the fakes and for round-trip tests.
package stsencode

import (
	"encoding/xml"
	"errors"
	"io"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/irsa-go/irsa/stsxml"
)

// Namespace is the XML namespace of STS documents.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// response is a success document; XMLName is "<Action>Response".
type response struct {
	XMLName   xml.Name
	Xmlns     string `xml:"xmlns,attr"`
	Result    result
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// result holds the fields of every operation's result, in the order STS writes them; XMLName is
// "<Action>Result".
type result struct {
	XMLName                     xml.Name
	SubjectFromWebIdentityToken *string          `xml:",omitempty"`
	Audience                    *string          `xml:",omitempty"`
	AssumedRoleUser             *assumedRoleUser `xml:",omitempty"`
	Credentials                 *credentials     `xml:",omitempty"`
	Provider                    *string          `xml:",omitempty"`
	PackedPolicySize            *int32           `xml:",omitempty"`
	SourceIdentity              *string          `xml:",omitempty"`
	Arn                         *string          `xml:",omitempty"`
	UserID                      *string          `xml:"UserId,omitempty"`
	Account                     *string          `xml:",omitempty"`
}

type credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

type assumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string
}

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string `xml:",omitempty"`
	}
	RequestID string `xml:"RequestId"`
}

var errNilDocument = errors.New("stsencode: nothing to encode (nil)")

// EncodeAssumeRoleWithWebIdentity writes out as an AssumeRoleWithWebIdentityResponse document.
// The request ID comes from out.ResultMetadata (as awsmiddleware.GetRequestIDMetadata reads it);
// times are written in UTC as RFC 3339, with fractional seconds only when they are non-zero.
func EncodeAssumeRoleWithWebIdentity(w io.Writer, out *sts.AssumeRoleWithWebIdentityOutput) error {
	if out == nil {
		return errNilDocument
	}
	return writeResponse(w, "AssumeRoleWithWebIdentity", out.ResultMetadata, result{
		SubjectFromWebIdentityToken: out.SubjectFromWebIdentityToken,
		Audience:                    out.Audience,
		AssumedRoleUser:             encodeUser(out.AssumedRoleUser),
		Credentials:                 encodeCredentials(out.Credentials),
		Provider:                    out.Provider,
		PackedPolicySize:            out.PackedPolicySize,
		SourceIdentity:              out.SourceIdentity,
	})
}

// EncodeAssumeRole writes out as an AssumeRoleResponse document.
func EncodeAssumeRole(w io.Writer, out *sts.AssumeRoleOutput) error {
	if out == nil {
		return errNilDocument
	}
	return writeResponse(w, "AssumeRole", out.ResultMetadata, result{
		AssumedRoleUser:  encodeUser(out.AssumedRoleUser),
		Credentials:      encodeCredentials(out.Credentials),
		PackedPolicySize: out.PackedPolicySize,
		SourceIdentity:   out.SourceIdentity,
	})
}

// EncodeGetCallerIdentity writes out as a GetCallerIdentityResponse document.
func EncodeGetCallerIdentity(w io.Writer, out *sts.GetCallerIdentityOutput) error {
	if out == nil {
		return errNilDocument
	}
	return writeResponse(w, "GetCallerIdentity", out.ResultMetadata, result{Arn: out.Arn, UserID: out.UserId, Account: out.Account})
}

// EncodeError writes e as an STS ErrorResponse document (the HTTP status is the caller's to
// set; e.StatusCode is not part of the body). An empty Type is written as "Sender".
func EncodeError(w io.Writer, e *stsxml.Error) error {
	if e == nil {
		return errNilDocument
	}
	doc := errorResponse{Xmlns: Namespace, RequestID: e.RequestID}
	doc.Error.Type, doc.Error.Code, doc.Error.Message = e.Type, e.Code, e.Message
	if doc.Error.Type == "" {
		doc.Error.Type = "Sender"
	}
	return write(w, doc)
}

func writeResponse(w io.Writer, action string, md middleware.Metadata, r result) error {
	r.XMLName.Local = action + "Result"
	rid, _ := awsmiddleware.GetRequestIDMetadata(md)
	return write(w, response{XMLName: xml.Name{Local: action + "Response"}, Xmlns: Namespace, Result: r, RequestID: rid})
}

func write(w io.Writer, doc any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func encodeCredentials(c *types.Credentials) *credentials {
	if c == nil {
		return nil
	}
	e := &credentials{AccessKeyID: deref(c.AccessKeyId), SecretAccessKey: deref(c.SecretAccessKey), SessionToken: deref(c.SessionToken)}
	if c.Expiration != nil {
		e.Expiration = c.Expiration.UTC().Format(time.RFC3339Nano)
	}
	return e
}

func encodeUser(u *types.AssumedRoleUser) *assumedRoleUser {
	if u == nil {
		return nil
	}
	return &assumedRoleUser{AssumedRoleID: deref(u.AssumedRoleId), Arn: deref(u.Arn)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
