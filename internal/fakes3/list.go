package fakes3

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

const (
	s3Namespace   = "http://s3.amazonaws.com/doc/2006-03-01/"
	s3TimeFormat  = "2006-01-02T15:04:05.000Z"
	maxKeysLimit  = 1000
	maxBucketsCap = 10000
)

type xmlOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

type xmlBucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

type xmlListAllMyBucketsResult struct {
	XMLName           xml.Name    `xml:"ListAllMyBucketsResult"`
	Xmlns             string      `xml:"xmlns,attr"`
	Owner             xmlOwner    `xml:"Owner"`
	Buckets           []xmlBucket `xml:"Buckets>Bucket"`
	ContinuationToken string      `xml:"ContinuationToken,omitempty"`
	Prefix            string      `xml:"Prefix,omitempty"`
}

type xmlContents struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
}

type xmlCommonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type xmlListBucketResult struct {
	XMLName               xml.Name          `xml:"ListBucketResult"`
	Xmlns                 string            `xml:"xmlns,attr"`
	Name                  string            `xml:"Name"`
	Prefix                string            `xml:"Prefix"`
	Delimiter             string            `xml:"Delimiter,omitempty"`
	MaxKeys               int               `xml:"MaxKeys"`
	EncodingType          string            `xml:"EncodingType,omitempty"`
	IsTruncated           bool              `xml:"IsTruncated"`
	KeyCount              int               `xml:"KeyCount"`
	ContinuationToken     string            `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string            `xml:"NextContinuationToken,omitempty"`
	StartAfter            string            `xml:"StartAfter,omitempty"`
	Contents              []xmlContents     `xml:"Contents"`
	CommonPrefixes        []xmlCommonPrefix `xml:"CommonPrefixes"`
}

func (s *Server) writeXML(w http.ResponseWriter, v any, rec *Request) (int, string) {
	body, err := xml.Marshal(v)
	if err != nil {
		return s.writeError(w, &s3Error{Status: http.StatusInternalServerError, Code: "InternalError", Message: err.Error()}, rec)
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
	return http.StatusOK, ""
}

func (s *Server) listBuckets(w http.ResponseWriter, q url.Values, rec *Request) (int, string) {
	max := maxBucketsCap
	if v := q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxBucketsCap {
			return s.writeError(w, errInvalidArgument("max-buckets must be an integer from 1 to 10000.", "max-buckets", clip(v, 40)), rec)
		}
		max = n
	}
	after := ""
	if t := q.Get("continuation-token"); t != "" {
		var ok bool
		if after, ok = decodeToken(t); !ok {
			return s.writeError(w, errInvalidArgument("The continuation token provided is incorrect", "continuation-token", clip(t, 40)), rec)
		}
	}
	prefix, region := q.Get("prefix"), q.Get("bucket-region")

	s.mu.Lock()
	names := make([]string, 0, len(s.buckets))
	for name := range s.buckets {
		names = append(names, name)
	}
	sort.Strings(names)
	res := xmlListAllMyBucketsResult{Xmlns: s3Namespace, Owner: xmlOwner{ID: "fakes3owner", DisplayName: "fakes3"}, Prefix: prefix}
	for _, name := range names {
		b := s.buckets[name]
		if name <= after || !strings.HasPrefix(name, prefix) || (region != "" && b.Region != region) {
			continue
		}
		if len(res.Buckets) == max {
			res.ContinuationToken = encodeToken(res.Buckets[len(res.Buckets)-1].Name)
			break
		}
		res.Buckets = append(res.Buckets, xmlBucket{Name: name, CreationDate: b.Created.UTC().Format(s3TimeFormat), BucketRegion: b.Region})
	}
	s.mu.Unlock()
	return s.writeXML(w, res, rec)
}

func (s *Server) listObjectsV2(w http.ResponseWriter, bucketName string, q url.Values, caller Caller, rec *Request) (int, string) {
	s.mu.Lock()
	b, ok := s.buckets[bucketName]
	s.mu.Unlock()
	if !ok {
		return s.writeError(w, &s3Error{Status: http.StatusNotFound, Code: "NoSuchBucket",
			Message: "The specified bucket does not exist", Extra: []xmlField{{"BucketName", bucketName}}}, rec)
	}
	if b.Region != s.opts.Region {
		endpoint := "s3." + b.Region + ".amazonaws.com"
		if rec.VirtualHosted {
			endpoint = bucketName + "." + endpoint
		}
		return s.writeError(w, &s3Error{Status: http.StatusMovedPermanently, Code: "PermanentRedirect",
			Message: "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
			Extra:   []xmlField{{"Endpoint", endpoint}, {"Bucket", bucketName}},
			Header:  http.Header{"X-Amz-Bucket-Region": {b.Region}}}, rec)
	}
	if b.Allow != nil && !b.Allow(caller) {
		return s.writeError(w, errAccessDenied(fmt.Sprintf(
			"User: %s is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::%s\" because no identity-based policy allows the s3:ListBucket action",
			caller.Identity, bucketName)), rec)
	}

	prefix, delimiter, startAfter := q.Get("prefix"), q.Get("delimiter"), q.Get("start-after")
	maxKeys := maxKeysLimit
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s.writeError(w, errInvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", clip(v, 40)), rec)
		}
		maxKeys = min(n, maxKeysLimit)
	}
	encoding := q.Get("encoding-type")
	if encoding != "" && encoding != "url" {
		return s.writeError(w, errInvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", clip(encoding, 40)), rec)
	}
	token := q.Get("continuation-token")
	marker := ""
	if token != "" {
		var ok bool
		if marker, ok = decodeToken(token); !ok {
			return s.writeError(w, errInvalidArgument("The continuation token provided is incorrect", "continuation-token", clip(token, 40)), rec)
		}
	}

	enc := func(v string) string { return v }
	if encoding == "url" {
		enc = url.QueryEscape
	}
	res := xmlListBucketResult{
		Xmlns: s3Namespace, Name: bucketName, Prefix: enc(prefix), Delimiter: enc(delimiter), MaxKeys: maxKeys,
		EncodingType: encoding, ContinuationToken: token, StartAfter: enc(startAfter),
	}

	s.mu.Lock()
	keys := b.keys()
	// Keys before the prefix, the marker or start-after cannot be listed: start after them all.
	start := sort.SearchStrings(keys, max(prefix, marker, startAfter))
	last := "" // the last entry (key or common prefix) in the page
	for i := start; i < len(keys) && strings.HasPrefix(keys[i], prefix); i++ {
		key := keys[i]
		if startAfter != "" && key <= startAfter {
			continue
		}
		entry, isPrefix := key, false
		if delimiter != "" {
			if j := strings.Index(key[len(prefix):], delimiter); j >= 0 {
				entry, isPrefix = key[:len(prefix)+j+len(delimiter)], true
			}
		}
		// Entries are non-decreasing in key order, so skipping those at or before the marker
		// resumes exactly after the last page.
		if (marker != "" && entry <= marker) || (isPrefix && entry == last) {
			continue
		}
		if res.KeyCount == maxKeys {
			res.IsTruncated = maxKeys > 0
			break
		}
		res.KeyCount++
		last = entry
		if isPrefix {
			res.CommonPrefixes = append(res.CommonPrefixes, xmlCommonPrefix{Prefix: enc(entry)})
			continue
		}
		o := b.objects[key]
		res.Contents = append(res.Contents, xmlContents{Key: enc(key), LastModified: o.LastModified.UTC().Format(s3TimeFormat),
			ETag: `"` + o.ETag + `"`, Size: o.Size, StorageClass: o.StorageClass})
	}
	s.mu.Unlock()
	if res.IsTruncated {
		res.NextContinuationToken = encodeToken(last)
	}
	return s.writeXML(w, res, rec)
}

// Continuation tokens are opaque to clients, as S3's are; here they carry the last entry.
func encodeToken(after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("fakes3:" + after))
}

func decodeToken(t string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(string(b), "fakes3:")
}
