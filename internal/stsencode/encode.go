// Package stsencode writes the XML documents of AWS STS's Query protocol, the way STS sends them:
// the inverse of package stsxml's decoders, for the fakes and for round-trip tests.
package stsencode

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// result holds the fields of every operation's result, in the order STS writes them (the SDK's
// types write theirs in alphabetical order); XMLName is "<Action>Result". Nil fields are left
// out.
type result struct {
	XMLName                     xml.Name
	SubjectFromWebIdentityToken *string
	Audience                    *string
	AssumedRoleUser             *types.AssumedRoleUser
	Credentials                 *types.Credentials
	Provider                    *string
	PackedPolicySize            *int32
	SourceIdentity              *string
	Arn                         *string
	UserID                      *string `xml:"UserId"`
	Account                     *string
}

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

// Encode writes out as the document STS answers with. An *sts.AssumeRoleWithWebIdentityOutput,
// *sts.AssumeRoleOutput or *sts.GetCallerIdentityOutput becomes an <Action>Response, with the
// request ID of its ResultMetadata and times in UTC as RFC 3339 (fractional seconds only when
// non-zero). An *stsxml.Error becomes an ErrorResponse, an empty Type written as "Sender" (the
// HTTP status is the caller's to set). Anything else, nil included, is an error.
func Encode[T any](w io.Writer, out T) error {
	var doc any
	switch out := any(out).(type) {
	case *sts.AssumeRoleWithWebIdentityOutput:
		if out != nil {
			doc = newResponse("AssumeRoleWithWebIdentity", out.ResultMetadata, result{
				SubjectFromWebIdentityToken: out.SubjectFromWebIdentityToken, Audience: out.Audience,
				AssumedRoleUser: out.AssumedRoleUser, Credentials: utc(out.Credentials),
				Provider: out.Provider, PackedPolicySize: out.PackedPolicySize, SourceIdentity: out.SourceIdentity,
			})
		}
	case *sts.AssumeRoleOutput:
		if out != nil {
			doc = newResponse("AssumeRole", out.ResultMetadata, result{AssumedRoleUser: out.AssumedRoleUser,
				Credentials: utc(out.Credentials), PackedPolicySize: out.PackedPolicySize, SourceIdentity: out.SourceIdentity})
		}
	case *sts.GetCallerIdentityOutput:
		if out != nil {
			doc = newResponse("GetCallerIdentity", out.ResultMetadata, result{Arn: out.Arn, UserID: out.UserId, Account: out.Account})
		}
	case *stsxml.Error:
		if out != nil {
			e := errorResponse{Xmlns: Namespace, RequestID: out.RequestID}
			e.Error.Type, e.Error.Code, e.Error.Message = cmp.Or(out.Type, "Sender"), out.Code, out.Message
			doc = e
		}
	}
	if doc == nil {
		return fmt.Errorf("stsencode: cannot encode %T: not an STS document (or nil)", out)
	}
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

func newResponse(action string, md middleware.Metadata, r result) response {
	r.XMLName.Local = action + "Result"
	rid, _ := awsmiddleware.GetRequestIDMetadata(md)
	return response{XMLName: xml.Name{Local: action + "Response"}, Xmlns: Namespace, Result: r, RequestID: rid}
}

// utc returns c with its expiry in UTC, as STS writes it.
func utc(c *types.Credentials) *types.Credentials {
	if c == nil || c.Expiration == nil {
		return c
	}
	cp := *c
	cp.Expiration = aws.Time(c.Expiration.UTC())
	return &cp
}
