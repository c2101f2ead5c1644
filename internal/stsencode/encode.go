// Package stsencode writes the XML documents of AWS STS's Query protocol, the way STS sends them:
// the inverse of package stsxml's decoders, for the fakes and for round-trip tests.
package stsencode

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"time"

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
				AssumedRoleUser: encodeUser(out.AssumedRoleUser), Credentials: encodeCredentials(out.Credentials),
				Provider: out.Provider, PackedPolicySize: out.PackedPolicySize, SourceIdentity: out.SourceIdentity,
			})
		}
	case *sts.AssumeRoleOutput:
		if out != nil {
			doc = newResponse("AssumeRole", out.ResultMetadata, result{AssumedRoleUser: encodeUser(out.AssumedRoleUser),
				Credentials: encodeCredentials(out.Credentials), PackedPolicySize: out.PackedPolicySize, SourceIdentity: out.SourceIdentity})
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

func encodeCredentials(c *types.Credentials) *credentials {
	if c == nil {
		return nil
	}
	e := &credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
	if c.Expiration != nil {
		e.Expiration = c.Expiration.UTC().Format(time.RFC3339Nano)
	}
	return e
}

func encodeUser(u *types.AssumedRoleUser) *assumedRoleUser {
	if u == nil {
		return nil
	}
	return &assumedRoleUser{AssumedRoleID: aws.ToString(u.AssumedRoleId), Arn: aws.ToString(u.Arn)}
}
