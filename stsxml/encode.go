package stsxml

import (
	"encoding/xml"
	"errors"
	"io"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Namespace is the XML namespace of STS documents.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

type encCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type encAssumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type encMetadata struct {
	RequestID string `xml:"RequestId"`
}

type encWebIdentityResult struct {
	SubjectFromWebIdentityToken *string             `xml:"SubjectFromWebIdentityToken,omitempty"`
	Audience                    *string             `xml:"Audience,omitempty"`
	AssumedRoleUser             *encAssumedRoleUser `xml:"AssumedRoleUser,omitempty"`
	Credentials                 *encCredentials     `xml:"Credentials,omitempty"`
	Provider                    *string             `xml:"Provider,omitempty"`
	PackedPolicySize            *int32              `xml:"PackedPolicySize,omitempty"`
	SourceIdentity              *string             `xml:"SourceIdentity,omitempty"`
}

type encWebIdentityResponse struct {
	XMLName  xml.Name             `xml:"AssumeRoleWithWebIdentityResponse"`
	Xmlns    string               `xml:"xmlns,attr"`
	Result   encWebIdentityResult `xml:"AssumeRoleWithWebIdentityResult"`
	Metadata encMetadata          `xml:"ResponseMetadata"`
}

type encAssumeRoleResult struct {
	AssumedRoleUser  *encAssumedRoleUser `xml:"AssumedRoleUser,omitempty"`
	Credentials      *encCredentials     `xml:"Credentials,omitempty"`
	PackedPolicySize *int32              `xml:"PackedPolicySize,omitempty"`
	SourceIdentity   *string             `xml:"SourceIdentity,omitempty"`
}

type encAssumeRoleResponse struct {
	XMLName  xml.Name            `xml:"AssumeRoleResponse"`
	Xmlns    string              `xml:"xmlns,attr"`
	Result   encAssumeRoleResult `xml:"AssumeRoleResult"`
	Metadata encMetadata         `xml:"ResponseMetadata"`
}

type encCallerIdentityResult struct {
	Arn     *string `xml:"Arn,omitempty"`
	UserID  *string `xml:"UserId,omitempty"`
	Account *string `xml:"Account,omitempty"`
}

type encCallerIdentityResponse struct {
	XMLName  xml.Name                `xml:"GetCallerIdentityResponse"`
	Xmlns    string                  `xml:"xmlns,attr"`
	Result   encCallerIdentityResult `xml:"GetCallerIdentityResult"`
	Metadata encMetadata             `xml:"ResponseMetadata"`
}

type encErrorDetail struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message,omitempty"`
}

type encErrorResponse struct {
	XMLName   xml.Name       `xml:"ErrorResponse"`
	Xmlns     string         `xml:"xmlns,attr"`
	Error     encErrorDetail `xml:"Error"`
	RequestID string         `xml:"RequestId"`
}

func encodeCredentials(c *types.Credentials) *encCredentials {
	if c == nil {
		return nil
	}
	e := &encCredentials{
		AccessKeyID:     deref(c.AccessKeyId),
		SecretAccessKey: deref(c.SecretAccessKey),
		SessionToken:    deref(c.SessionToken),
	}
	if c.Expiration != nil {
		e.Expiration = c.Expiration.UTC().Format(time.RFC3339Nano)
	}
	return e
}

func encodeAssumedRoleUser(u *types.AssumedRoleUser) *encAssumedRoleUser {
	if u == nil {
		return nil
	}
	return &encAssumedRoleUser{AssumedRoleID: deref(u.AssumedRoleId), Arn: deref(u.Arn)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
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

var errNilDocument = errors.New("stsxml: nothing to encode (nil)")

// EncodeAssumeRoleWithWebIdentity writes out as an AssumeRoleWithWebIdentityResponse document,
// the way STS sends it. The request ID comes from out.ResultMetadata (as
// awsmiddleware.GetRequestIDMetadata reads it); times are written in UTC as RFC 3339 with
// fractional seconds only when they are non-zero.
func EncodeAssumeRoleWithWebIdentity(w io.Writer, out *sts.AssumeRoleWithWebIdentityOutput) error {
	if out == nil {
		return errNilDocument
	}
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	return write(w, encWebIdentityResponse{
		Xmlns: Namespace,
		Result: encWebIdentityResult{
			SubjectFromWebIdentityToken: out.SubjectFromWebIdentityToken,
			Audience:                    out.Audience,
			AssumedRoleUser:             encodeAssumedRoleUser(out.AssumedRoleUser),
			Credentials:                 encodeCredentials(out.Credentials),
			Provider:                    out.Provider,
			PackedPolicySize:            out.PackedPolicySize,
			SourceIdentity:              out.SourceIdentity,
		},
		Metadata: encMetadata{RequestID: rid},
	})
}

// EncodeAssumeRole writes out as an AssumeRoleResponse document.
func EncodeAssumeRole(w io.Writer, out *sts.AssumeRoleOutput) error {
	if out == nil {
		return errNilDocument
	}
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	return write(w, encAssumeRoleResponse{
		Xmlns: Namespace,
		Result: encAssumeRoleResult{
			AssumedRoleUser:  encodeAssumedRoleUser(out.AssumedRoleUser),
			Credentials:      encodeCredentials(out.Credentials),
			PackedPolicySize: out.PackedPolicySize,
			SourceIdentity:   out.SourceIdentity,
		},
		Metadata: encMetadata{RequestID: rid},
	})
}

// EncodeGetCallerIdentity writes out as a GetCallerIdentityResponse document.
func EncodeGetCallerIdentity(w io.Writer, out *sts.GetCallerIdentityOutput) error {
	if out == nil {
		return errNilDocument
	}
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	return write(w, encCallerIdentityResponse{
		Xmlns:    Namespace,
		Result:   encCallerIdentityResult{Arn: out.Arn, UserID: out.UserId, Account: out.Account},
		Metadata: encMetadata{RequestID: rid},
	})
}

// EncodeError writes e as an STS ErrorResponse document (the HTTP status is the caller's to
// set; e.StatusCode is not part of the body). An empty Type is written as "Sender".
func EncodeError(w io.Writer, e *Error) error {
	if e == nil {
		return errNilDocument
	}
	typ := e.Type
	if typ == "" {
		typ = "Sender"
	}
	return write(w, encErrorResponse{
		Xmlns:     Namespace,
		Error:     encErrorDetail{Type: typ, Code: e.Code, Message: e.Message},
		RequestID: e.RequestID,
	})
}
