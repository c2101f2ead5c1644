package main

import (
	"bytes"
	"errors"
	"flag"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeListObjectsV2 feeds arbitrary bodies to the listing decoder: it must not panic,
// and what it accepts must be safe to print and page on.
func FuzzDecodeListObjectsV2(f *testing.F) {
	f.Add([]byte(`<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextContinuationToken>t</NextContinuationToken><Contents><Key>a%2Fb+c</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>12</Size></Contents><CommonPrefixes><Prefix>d%2F</Prefix></CommonPrefixes></ListBucketResult>`))
	f.Add([]byte(`<ListBucketResult><Contents><Key>k</Key><LastModified>2026-01-01T00:00:00Z</LastModified><Size>-1</Size></Contents></ListBucketResult>`))
	f.Add([]byte(`<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>%zz</Key></Contents></ListBucketResult>`))
	f.Add([]byte(`<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>%1B%5D0%3Bt%07%E2%80%AE%0D%0Ax%C2%9B%FF</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>1</Size></Contents><CommonPrefixes><Prefix>%1B%5B31m%2F</Prefix></CommonPrefixes></ListBucketResult>`))
	f.Add([]byte(`<html>502</html>`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodeListObjectsV2(bytes.NewReader(body))
		if err != nil {
			var fe *formatError
			if !errors.As(err, &fe) || fe.Error() == "" {
				t.Fatalf("error %T %v is not a formatError", err, err)
			}
			return
		}
		if p.IsTruncated && p.NextContinuationToken == "" {
			t.Fatal("a truncated page without a token was accepted")
		}
		for _, o := range p.Objects {
			if o.Size < 0 || o.LastModified.IsZero() {
				t.Fatalf("accepted object %+v", o)
			}
		}
		var out bytes.Buffer
		l := newListing(&out, nil, true, false)
		if err := l.page(p); err != nil {
			t.Fatal(err)
		}
		// On a terminal, whatever the keys hold, each prefix and object is one line that holds
		// nothing a terminal would act on.
		out.Reset()
		l = newListing(&out, nil, true, true)
		l.forTerminal = true
		if err := l.page(p); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if n := len(p.Prefixes) + len(p.Objects); n > 0 && len(lines) != n {
			t.Fatalf("%d lines for %d prefixes and objects:\n%q", len(lines), n, out.String())
		}
		for _, line := range lines {
			if !utf8.ValidString(line) || strings.IndexFunc(line, escapedRune) >= 0 {
				t.Fatalf("terminal line %q", line)
			}
		}
	})
}

// FuzzDecodeListBuckets does the same for ListBuckets.
func FuzzDecodeListBuckets(f *testing.F) {
	f.Add([]byte(`<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets><ContinuationToken>x</ContinuationToken></ListAllMyBucketsResult>`))
	f.Add([]byte(`<ListAllMyBucketsResult><Buckets><Bucket><Name></Name></Bucket></Buckets></ListAllMyBucketsResult>`))
	f.Add([]byte(`<?xml version="1.0"?><Error/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodeListBuckets(bytes.NewReader(body))
		if err != nil {
			return
		}
		for _, b := range p.Buckets {
			if b.Name == "" || b.Created.IsZero() {
				t.Fatalf("accepted bucket %+v", b)
			}
		}
	})
}

// FuzzDecodeS3Error checks that any error body becomes a one-line-plus-hint message that does
// not panic and keeps to a bounded size.
func FuzzDecodeS3Error(f *testing.F) {
	f.Add(403, []byte(`<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R</RequestId></Error>`))
	f.Add(301, []byte(`<Error><Code>PermanentRedirect</Code><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint><Region>eu-west-1</Region></Error>`))
	f.Add(502, []byte("<html>\n<body>Bad Gateway</body></html>"))
	f.Add(500, []byte{})
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		e := decodeS3Error(resp, body)
		e.Bucket, e.Identity = "b", identity{AccessKeyID: "AKIA"}
		msg := e.Error()
		if msg == "" || (e.Code == "" && strings.Count(msg, "\n") > 1) {
			t.Fatalf("message %q", msg)
		}
		if e.Code == "" && len(e.Excerpt) > 130 {
			t.Fatalf("excerpt of %d bytes", len(e.Excerpt))
		}
	})
}

// FuzzParseArgs checks that any command line is either parsed into consistent options or is a
// usage error (exit status 2), never a panic.
func FuzzParseArgs(f *testing.F) {
	f.Add("--recursive\x00s3://b/p\x00--page-size\x0010")
	f.Add("s3://a\x00s3://b")
	f.Add("--\x00--weird")
	f.Add("-demo\x00--watch\x001s")
	f.Add("s3://arn:aws:s3:::x/y")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		o, err := parseArgs(args)
		var ue *usageError
		switch {
		case errors.Is(err, flag.ErrHelp):
			return
		case err != nil:
			if !errors.As(err, &ue) {
				t.Fatalf("error %T %v is not a usage error", err, err)
			}
			return
		}
		if o.Bucket != "" && !validBucketName(o.Bucket) {
			t.Fatalf("accepted bucket %q", o.Bucket)
		}
		if o.PageSize < 0 || o.PageSize > 1000 || o.Watch < 0 || o.WatchCount < 0 || len(o.Prefix) > 1024 {
			t.Fatalf("accepted options %+v", o)
		}
	})
}
