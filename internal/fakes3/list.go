package fakes3

import (
	"cmp"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

type bucket struct {
	Bucket
	objects map[string]Object
}

// AddBucket creates a bucket. Creating a bucket that exists is an error.
func (s *Server) AddBucket(b Bucket) error {
	b.Region = cmp.Or(b.Region, s.opts.Region)
	if b.Created.IsZero() {
		b.Created = s.opts.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[b.Name]; ok || b.Name == "" {
		return fmt.Errorf("fakes3: bucket %q is unnamed or exists", b.Name)
	}
	s.buckets[b.Name] = &bucket{Bucket: b, objects: map[string]Object{}}
	return nil
}

// PutObjects adds or replaces objects in a bucket.
func (s *Server) PutObjects(bucketName string, objs ...Object) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucketName]
	if !ok {
		return fmt.Errorf("fakes3: no bucket %q", bucketName)
	}
	for _, o := range objs {
		if o.LastModified.IsZero() {
			o.LastModified = s.opts.Now()
		}
		b.objects[o.Key] = o
	}
	return nil
}

const s3Time = "2006-01-02T15:04:05.000Z"

func invalidArgument(msg, name, value string) *s3Error {
	return &s3Error{status: http.StatusBadRequest, code: "InvalidArgument", message: msg, extra: []string{"ArgumentName", name, "ArgumentValue", value}}
}

// page reads the max-* parameter name (default and cap limit) and the continuation token,
// which carries the last entry of the page before.
func page(q url.Values, name string, limit int) (max int, after string, e *s3Error) {
	max = limit
	if v := q.Get(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, "", invalidArgument("Provided "+name+" not an integer or within integer range", name, v)
		}
		max = min(n, limit)
	}
	if t := q.Get("continuation-token"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		after, ok := strings.CutPrefix(string(b), "fakes3:")
		if err != nil || !ok {
			return 0, "", invalidArgument("The continuation token provided is incorrect", "continuation-token", t)
		}
		return max, after, nil
	}
	return max, "", nil
}

func token(after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("fakes3:" + after))
}

func (s *Server) listBuckets(q url.Values) ([]byte, *s3Error) {
	max, after, e := page(q, "max-buckets", 10000)
	if e != nil {
		return nil, e
	}
	type xmlBucket struct{ Name, CreationDate, BucketRegion string }
	res := struct {
		XMLName           xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
		Owner             struct{ ID string }
		Buckets           []xmlBucket `xml:"Buckets>Bucket"`
		ContinuationToken string      `xml:",omitempty"`
	}{}
	res.Owner.ID = "fakes3owner"
	s.mu.Lock()
	for _, name := range slices.Sorted(maps.Keys(s.buckets)) {
		if name <= after {
			continue
		}
		if len(res.Buckets) == max {
			res.ContinuationToken = token(res.Buckets[len(res.Buckets)-1].Name)
			break
		}
		b := s.buckets[name]
		res.Buckets = append(res.Buckets, xmlBucket{name, b.Created.UTC().Format(s3Time), b.Region})
	}
	s.mu.Unlock()
	return marshal(res)
}

func (s *Server) listObjectsV2(rec *Request, q url.Values, caller Caller) ([]byte, *s3Error) {
	s.mu.Lock()
	b := s.buckets[rec.Bucket]
	s.mu.Unlock()
	switch {
	case b == nil:
		return nil, &s3Error{status: http.StatusNotFound, code: "NoSuchBucket", message: "The specified bucket does not exist", extra: []string{"BucketName", rec.Bucket}}
	case b.Region != s.opts.Region:
		endpoint := "s3." + b.Region + ".amazonaws.com"
		if rec.VirtualHosted {
			endpoint = rec.Bucket + "." + endpoint
		}
		return nil, &s3Error{status: http.StatusMovedPermanently, code: "PermanentRedirect", bucketRegion: b.Region,
			message: "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
			extra:   []string{"Endpoint", endpoint, "Bucket", rec.Bucket}}
	case b.Allow != nil && !b.Allow(caller):
		return nil, &s3Error{status: http.StatusForbidden, code: "AccessDenied", message: fmt.Sprintf("User: %s is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::%s\" because no identity-based policy allows the s3:ListBucket action", caller.Identity, rec.Bucket)}
	}
	maxKeys, after, e := page(q, "max-keys", 1000)
	if e != nil {
		return nil, e
	}
	prefix, delimiter, encoding := q.Get("prefix"), q.Get("delimiter"), q.Get("encoding-type")
	enc := func(v string) string { return v }
	if encoding == "url" {
		enc = url.QueryEscape
	} else if encoding != "" {
		return nil, invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding)
	}
	type contents struct {
		Key, LastModified, ETag string
		Size                    int64
		StorageClass            string
	}
	type commonPrefix struct{ Prefix string }
	res := struct {
		XMLName                                  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
		Name, Prefix                             string
		Delimiter                                string `xml:",omitempty"`
		MaxKeys                                  int
		EncodingType                             string `xml:",omitempty"`
		IsTruncated                              bool
		KeyCount                                 int
		ContinuationToken, NextContinuationToken string `xml:",omitempty"`
		Contents                                 []contents
		CommonPrefixes                           []commonPrefix
	}{Name: rec.Bucket, Prefix: enc(prefix), Delimiter: enc(delimiter), MaxKeys: maxKeys, EncodingType: encoding, ContinuationToken: q.Get("continuation-token")}
	s.mu.Lock()
	defer s.mu.Unlock()
	last := "" // the last entry (key or common prefix) in the page
	for _, key := range slices.Sorted(maps.Keys(b.objects)) {
		entry, isPrefix := key, false
		if i := strings.Index(key[min(len(prefix), len(key)):], delimiter); delimiter != "" && i >= 0 {
			entry, isPrefix = key[:len(prefix)+i+len(delimiter)], true
		}
		// Entries are non-decreasing in key order, so skipping those at or before the token's
		// entry resumes exactly after the last page.
		if !strings.HasPrefix(key, prefix) || entry <= after || isPrefix && entry == last {
			continue
		}
		if res.KeyCount == maxKeys {
			res.IsTruncated, res.NextContinuationToken = maxKeys > 0, token(last)
			break
		}
		res.KeyCount++
		last = entry
		if isPrefix {
			res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{enc(entry)})
		} else {
			o := b.objects[key]
			res.Contents = append(res.Contents, contents{enc(key), o.LastModified.UTC().Format(s3Time), fmt.Sprintf(`"%x"`, md5.Sum([]byte(key))), o.Size, "STANDARD"})
		}
	}
	return marshal(res)
}

func marshal(v any) ([]byte, *s3Error) {
	b, err := xml.Marshal(v)
	if err != nil {
		return nil, &s3Error{status: http.StatusInternalServerError, code: "InternalError", message: err.Error()}
	}
	return append([]byte(xml.Header), b...), nil
}
