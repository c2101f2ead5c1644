package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// maxListBody caps a listing response. A full page of 1,000 keys of the longest allowed length,
// URL-encoded, is under 10 MiB; anything larger is not a listing.
const maxListBody = 16 << 20

// bucketEntry is one bucket from ListBuckets.
type bucketEntry struct {
	Name    string
	Created time.Time
	Region  string
}

// bucketPage is one page of ListBuckets.
type bucketPage struct {
	Buckets []bucketEntry
	// ContinuationToken is set when more buckets follow.
	ContinuationToken string
}

// object is one key from ListObjectsV2.
type object struct {
	Key          string
	LastModified time.Time
	Size         int64
}

// objectPage is one page of ListObjectsV2.
type objectPage struct {
	Prefixes []string
	Objects  []object
	// NextContinuationToken is set when IsTruncated is true.
	NextContinuationToken string
	IsTruncated           bool
}

type xmlListBuckets struct {
	XMLName xml.Name `xml:"ListAllMyBucketsResult"`
	Buckets []struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
		BucketRegion string `xml:"BucketRegion"`
	} `xml:"Buckets>Bucket"`
	ContinuationToken string `xml:"ContinuationToken"`
}

type xmlListObjectsV2 struct {
	XMLName      xml.Name `xml:"ListBucketResult"`
	EncodingType string   `xml:"EncodingType"`
	IsTruncated  string   `xml:"IsTruncated"`
	Contents     []struct {
		Key          string `xml:"Key"`
		LastModified string `xml:"LastModified"`
		Size         string `xml:"Size"`
	} `xml:"Contents"`
	CommonPrefixes []struct {
		Prefix string `xml:"Prefix"`
	} `xml:"CommonPrefixes"`
	NextContinuationToken string `xml:"NextContinuationToken"`
}

// formatError reports a 2xx response whose body is not the document expected.
type formatError struct {
	Document string // expected root element
	Reason   string
}

func (e *formatError) Error() string {
	return fmt.Sprintf("the response is not a valid %s document: %s", e.Document, e.Reason)
}

// readCapped reads all of r, refusing more than limit bytes.
func readCapped(r io.Reader, limit int64, document string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the %s response: %w", document, err)
	}
	if int64(len(b)) > limit {
		return nil, &formatError{Document: document, Reason: fmt.Sprintf("the body is larger than %d bytes", limit)}
	}
	return b, nil
}

func decodeListBuckets(body io.Reader) (*bucketPage, error) {
	const doc = "ListAllMyBucketsResult"
	b, err := readCapped(body, maxListBody, doc)
	if err != nil {
		return nil, err
	}
	var x xmlListBuckets
	if err := xml.Unmarshal(b, &x); err != nil {
		return nil, &formatError{Document: doc, Reason: xmlReason(err, b)}
	}
	p := &bucketPage{ContinuationToken: x.ContinuationToken}
	for _, xb := range x.Buckets {
		if xb.Name == "" {
			return nil, &formatError{Document: doc, Reason: "a Bucket has no Name"}
		}
		created, err := parseS3Time(xb.CreationDate)
		if err != nil {
			return nil, &formatError{Document: doc, Reason: fmt.Sprintf("bucket %q: CreationDate %s", xb.Name, err)}
		}
		p.Buckets = append(p.Buckets, bucketEntry{Name: xb.Name, Created: created, Region: xb.BucketRegion})
	}
	return p, nil
}

func decodeListObjectsV2(body io.Reader) (*objectPage, error) {
	const doc = "ListBucketResult"
	b, err := readCapped(body, maxListBody, doc)
	if err != nil {
		return nil, err
	}
	var x xmlListObjectsV2
	if err := xml.Unmarshal(b, &x); err != nil {
		return nil, &formatError{Document: doc, Reason: xmlReason(err, b)}
	}
	var decode func(string) (string, error)
	switch x.EncodingType {
	case "":
		decode = func(s string) (string, error) { return s, nil }
	case "url":
		decode = url.QueryUnescape
	default:
		return nil, &formatError{Document: doc, Reason: fmt.Sprintf("unknown EncodingType %q", redact.Clip(x.EncodingType, 20))}
	}
	p := &objectPage{NextContinuationToken: x.NextContinuationToken}
	switch x.IsTruncated {
	case "true":
		p.IsTruncated = true
		if p.NextContinuationToken == "" {
			return nil, &formatError{Document: doc, Reason: "IsTruncated is true but there is no NextContinuationToken"}
		}
	case "false", "":
	default:
		return nil, &formatError{Document: doc, Reason: fmt.Sprintf("IsTruncated is %q, not true or false", redact.Clip(x.IsTruncated, 20))}
	}
	for _, cp := range x.CommonPrefixes {
		prefix, err := decode(cp.Prefix)
		if err != nil {
			return nil, &formatError{Document: doc, Reason: fmt.Sprintf("CommonPrefixes Prefix %q is not URL-encoded", redact.Clip(cp.Prefix, 60))}
		}
		p.Prefixes = append(p.Prefixes, prefix)
	}
	for _, c := range x.Contents {
		key, err := decode(c.Key)
		if err != nil {
			return nil, &formatError{Document: doc, Reason: fmt.Sprintf("Key %q is not URL-encoded", redact.Clip(c.Key, 60))}
		}
		modified, err := parseS3Time(c.LastModified)
		if err != nil {
			return nil, &formatError{Document: doc, Reason: fmt.Sprintf("key %q: LastModified %s", redact.Clip(key, 60), err)}
		}
		size, err := strconv.ParseInt(strings.TrimSpace(c.Size), 10, 64)
		if err != nil || size < 0 {
			return nil, &formatError{Document: doc, Reason: fmt.Sprintf("key %q: Size %q is not a byte count", redact.Clip(key, 60), redact.Clip(c.Size, 20))}
		}
		p.Objects = append(p.Objects, object{Key: key, LastModified: modified, Size: size})
	}
	return p, nil
}

// parseS3Time parses S3's ISO 8601 timestamps ("2026-11-24T06:25:56.000Z").
func parseS3Time(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("is missing")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time", redact.Clip(s, 40))
	}
	return t, nil
}

// xmlReason describes an XML decoding failure with a short excerpt of the body.
func xmlReason(err error, body []byte) string {
	if len(strings.TrimSpace(string(body))) == 0 {
		return "the body is empty"
	}
	return fmt.Sprintf("%v (body begins %q)", err, redact.Clip(string(body), 80))
}
