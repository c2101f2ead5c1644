package main

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"github.com/irsa-go/irsa/internal/redact"
)

// maxErrorBody caps an error response; S3's error documents are a few hundred bytes.
const maxErrorBody = 64 << 10

// s3Error is an error response from S3 (or from something in front of it), with what a person
// needs to act on it: the operation and bucket, the code and message, the request IDs to quote to
// AWS support, and the identity the request was signed with. It never holds a secret.
type s3Error struct {
	Operation  string // "ListBuckets" or "ListObjectsV2"
	Bucket     string // empty for ListBuckets
	StatusCode int
	// Code and Message come from the XML error document; Code is empty when the body was not
	// one (an HTML page from a proxy, an empty body), and Excerpt then shows its beginning.
	Code      string
	Message   string
	Excerpt   string
	RequestID string
	HostID    string
	// Region is the bucket's region when S3 said so (x-amz-bucket-region or <Region>).
	Region string
	// Endpoint is the host S3 redirected to (<Endpoint> of a PermanentRedirect).
	Endpoint string
	// SigningRegion is the region the request was signed for.
	SigningRegion string
	// Identity describes the credentials the request was signed with.
	Identity identity
}

// identity describes credentials without their secrets.
type identity struct {
	AccessKeyID string
	RoleARN     string
	Source      string
}

func (id identity) String() string {
	if id.AccessKeyID == "" {
		return "no credentials"
	}
	s := "access key " + redact.AccessKeyID(id.AccessKeyID, "the access key ID", "the secret access key")
	if id.RoleARN != "" {
		s += " (" + id.RoleARN + ")"
	}
	if id.Source != "" {
		s += " from " + id.Source
	}
	return s
}

type xmlS3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
	Region    string   `xml:"Region"`
	Endpoint  string   `xml:"Endpoint"`
}

// decodeS3Error decodes an error response with its body (read up to maxErrorBody). It always
// returns an *s3Error.
func decodeS3Error(resp *http.Response, body []byte) *s3Error {
	e := &s3Error{
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("X-Amz-Request-Id"),
		HostID:     resp.Header.Get("X-Amz-Id-2"),
		Region:     resp.Header.Get("X-Amz-Bucket-Region"),
	}
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	var x xmlS3Error
	if err := xml.Unmarshal(body, &x); err != nil || x.Code == "" {
		e.Excerpt = excerpt(body)
		return e
	}
	e.Code, e.Message = strings.TrimSpace(x.Code), strings.TrimSpace(x.Message)
	if x.RequestID != "" {
		e.RequestID = x.RequestID
	}
	if x.HostID != "" {
		e.HostID = x.HostID
	}
	if e.Region == "" {
		e.Region = strings.TrimSpace(x.Region)
	}
	e.Endpoint = strings.TrimSpace(x.Endpoint)
	return e
}

// excerpt is the beginning of a body that is not an S3 error document, on one line.
func excerpt(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	return redact.Clip(s, 120)
}

func (e *s3Error) target() string {
	if e.Bucket == "" {
		return "listing buckets"
	}
	return "listing s3://" + e.Bucket
}

// Error is one line: what failed, S3's code and message, the request ID; then, when there is
// one, a second line saying what to do.
func (e *s3Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: ", e.target())
	if e.Code == "" {
		fmt.Fprintf(&b, "HTTP %d %s, and the body is not an S3 error document", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Excerpt != "" {
			fmt.Fprintf(&b, " (it begins %q)", e.Excerpt)
		} else {
			b.WriteString(" (it is empty)")
		}
	} else {
		fmt.Fprintf(&b, "%s (HTTP %d): %s", e.Code, e.StatusCode, e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request ID %s]", e.RequestID)
	}
	if h := e.hint(); h != "" {
		b.WriteString("\n  ")
		b.WriteString(h)
	}
	return b.String()
}

// hint says what the error means for the person running s3ls.
func (e *s3Error) hint() string {
	switch e.Code {
	case "AccessDenied", "AllAccessDisabled":
		action := "s3:ListBucket on arn:aws:s3:::" + e.Bucket
		if e.Bucket == "" {
			action = "s3:ListAllMyBuckets"
		}
		return fmt.Sprintf("The request was signed as %s. That identity needs %s (check its IAM policy, the bucket policy, and any SCP or permissions boundary).", e.Identity, action)
	case "NoSuchBucket":
		return fmt.Sprintf("Bucket %q does not exist at this endpoint. Check the name, and --endpoint-url if you use one.", e.Bucket)
	case "ExpiredToken":
		return fmt.Sprintf("The session token of %s has expired, and fresh credentials were refused too. Check the clock, and that the credential source (token file, profile) yields current credentials.", e.Identity)
	case "InvalidToken":
		return fmt.Sprintf("S3 does not accept the session token of %s. Session tokens only work in the partition (aws, aws-cn, aws-us-gov) that issued them, and the region must be enabled for the account.", e.Identity)
	case "SignatureDoesNotMatch":
		return fmt.Sprintf("The request was signed as %s, but the signature S3 computed differs: the secret key does not belong to that access key ID, or a proxy changed the request on its way.", e.Identity)
	case "InvalidAccessKeyId":
		return fmt.Sprintf("S3 does not know %s. The key was deleted or deactivated, belongs to another partition, or the session token that belongs with it was not sent.", e.Identity)
	case "AuthorizationHeaderMalformed":
		if e.Region != "" && e.Region != e.SigningRegion {
			return fmt.Sprintf("This endpoint expects requests signed for region %s, not %s. Run again with --region %s.", e.Region, e.SigningRegion, e.Region)
		}
	case "PermanentRedirect", "IllegalLocationConstraintException":
		if e.Region != "" && e.Region != e.SigningRegion {
			return fmt.Sprintf("The bucket is in region %s, but the request went to %s. Run again with --region %s.", e.Region, e.SigningRegion, e.Region)
		}
		if e.Endpoint != "" {
			return fmt.Sprintf("S3 says to use the endpoint %s for this bucket.", e.Endpoint)
		}
	case "RequestTimeTooSkewed":
		return "This machine's clock differs from S3's by more than 15 minutes. Fix the clock (NTP) and try again."
	case "SlowDown", "InternalError", "ServiceUnavailable":
		if e.StatusCode >= 500 {
			return "S3 is busy or failing; s3ls already retried. Try again later."
		}
	}
	if e.Code == "" && e.StatusCode >= 300 && e.StatusCode < 400 {
		return "Something redirected the request. Check --endpoint-url and --region."
	}
	return ""
}
