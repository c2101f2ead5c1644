package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
	"github.com/irsa-go/irsa/internal/wait"
)

// emptyPayloadHash is the SHA-256 of an empty body, sent as X-Amz-Content-Sha256 on GETs as
// botocore does.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Retry bounds: a listing page is tried at most maxAttempts times when S3 is busy or the network
// fails, waiting between retryBaseDelay and retryMaxDelay.
const (
	maxAttempts    = 3
	retryBaseDelay = 200 * time.Millisecond
	retryMaxDelay  = 2 * time.Second
	attemptTimeout = 60 * time.Second
)

// s3Client lists buckets and objects with SigV4-signed requests over net/http.
type s3Client struct {
	Endpoint s3Endpoint
	// Region is the signing region and, for default endpoints, the region of the endpoint.
	Region string
	// PathStyle forces path-style requests (always used for custom endpoints).
	PathStyle bool
	// Credentials signs each request; it is asked once per request (a Cache answers from memory).
	Credentials credentials.Provider
	// Invalidate, when set, is called with the access key ID S3 refused as expired or unknown,
	// so the next Retrieve fetches new credentials (credentials.Cache.Invalidate).
	Invalidate func(accessKeyID string)
	HTTP       *http.Client
	Now        func() time.Time
	Sleep      func(ctx context.Context, d time.Duration) error
	UserAgent  string
	// Debug, when set, receives one line per HTTP exchange (never a secret).
	Debug func(format string, args ...any)
	// RegionEndpoint, when set, gives the default endpoint of another region: a bucket that S3
	// says is elsewhere is then listed there, as the AWS CLI does. Nil for custom endpoints.
	RegionEndpoint func(region string) (s3Endpoint, error)

	// signer is this client's: the SDK signer caches derived keys by access key ID, so it is
	// not shared with anything that might sign the same key ID with another secret.
	signer *v4.Signer
}

func (c *s3Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *s3Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return wait.Sleep(ctx, d)
}

func (c *s3Client) debugf(format string, args ...any) {
	if c.Debug != nil {
		c.Debug(format, args...)
	}
}

// listBuckets calls ListBuckets until the last page, passing each page to fn as it arrives.
func (c *s3Client) listBuckets(ctx context.Context, pageSize int, fn func(*bucketPage) error) error {
	var token string
	seen := map[string]bool{}
	for {
		q := url.Values{}
		if pageSize > 0 {
			q.Set("max-buckets", strconv.Itoa(pageSize))
		}
		if token != "" {
			q.Set("continuation-token", token)
		}
		u := c.Endpoint.serviceURL()
		u.RawQuery = q.Encode()
		var page *bucketPage
		err := c.do(ctx, "ListBuckets", "", u, func(body io.Reader) error {
			var err error
			page, err = decodeListBuckets(body)
			return err
		})
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if page.ContinuationToken == "" {
			return nil
		}
		if seen[page.ContinuationToken] {
			return fmt.Errorf("listing buckets: S3 sent the same continuation token twice; stopping instead of looping")
		}
		seen[page.ContinuationToken] = true
		token = page.ContinuationToken
	}
}

// listObjects calls ListObjectsV2 until the last page, passing each page to fn as it arrives.
// delimiter "" lists every key under prefix (--recursive).
func (c *s3Client) listObjects(ctx context.Context, bucket, prefix, delimiter string, pageSize int, fn func(*objectPage) error) error {
	var token string
	seen := map[string]bool{}
	for {
		q := url.Values{"list-type": {"2"}, "encoding-type": {"url"}}
		if prefix != "" {
			q.Set("prefix", prefix)
		}
		if delimiter != "" {
			q.Set("delimiter", delimiter)
		}
		if pageSize > 0 {
			q.Set("max-keys", strconv.Itoa(pageSize))
		}
		if token != "" {
			q.Set("continuation-token", token)
		}
		u := c.Endpoint.bucketURL(bucket, c.PathStyle)
		u.RawQuery = q.Encode()
		var page *objectPage
		err := c.do(ctx, "ListObjectsV2", bucket, u, func(body io.Reader) error {
			var err error
			page, err = decodeListObjectsV2(body)
			return err
		})
		if moved := c.bucketRegion(err); moved != nil {
			c = moved
			continue // the same page, from the bucket's region
		}
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if !page.IsTruncated {
			return nil
		}
		if seen[page.NextContinuationToken] {
			return fmt.Errorf("listing s3://%s: S3 sent the same continuation token twice; stopping instead of looping", bucket)
		}
		seen[page.NextContinuationToken] = true
		token = page.NextContinuationToken
	}
}

// bucketRegion returns a client for the bucket's own region when err says the bucket lives in
// another region than c's and c uses a default AWS endpoint (as botocore's S3 region
// redirector does); else nil.
func (c *s3Client) bucketRegion(err error) *s3Client {
	var se *s3Error
	if c.RegionEndpoint == nil || !errors.As(err, &se) || se.Region == "" || se.Region == c.Region || !validRegion(se.Region) {
		return nil
	}
	switch se.Code {
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
	default:
		return nil
	}
	ep, epErr := c.RegionEndpoint(se.Region)
	if epErr != nil {
		return nil
	}
	c.debugf("bucket %s is in region %s, not %s; listing it there (%s)", se.Bucket, se.Region, c.Region, ep.Base)
	moved := *c
	moved.Endpoint, moved.Region, moved.RegionEndpoint = ep, se.Region, nil // follow once
	return &moved
}

// do sends one signed GET and hands a 2xx response to decode. It retries, within fixed bounds,
// throttling, 5xx and network errors, and once with fresh credentials when S3 refuses the
// credentials as expired or unknown.
func (c *s3Client) do(ctx context.Context, op, bucket string, u *url.URL, decode func(body io.Reader) error) error {
	refreshed := false
	var lastErr error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if attempt > 1 {
			if err := c.sleep(ctx, backoff(attempt)); err != nil {
				return err
			}
		}
		retry, err := c.attempt(ctx, op, bucket, u, decode)
		if err == nil {
			return nil
		}
		lastErr = err
		var se *s3Error
		if errors.As(err, &se) && !refreshed && c.Invalidate != nil && credentialsRefused(se) {
			// The cached credentials were revoked or expired early: drop them and try once more
			// with new ones, without counting this as a failed attempt.
			c.debugf("S3 refused %s (%s); fetching new credentials and trying again", se.Identity, se.Code)
			c.Invalidate(se.Identity.AccessKeyID)
			refreshed = true
			attempt--
			continue
		}
		if !retry || ctx.Err() != nil {
			return err
		}
	}
	return lastErr
}

// credentialsRefused reports whether S3 refused the credentials themselves, which new
// credentials may fix.
func credentialsRefused(e *s3Error) bool {
	switch e.Code {
	case "ExpiredToken", "InvalidAccessKeyId", "InvalidToken":
		return e.Identity.AccessKeyID != ""
	}
	return false
}

func backoff(attempt int) time.Duration {
	d := retryBaseDelay << (attempt - 2)
	if d > retryMaxDelay {
		d = retryMaxDelay
	}
	// Full jitter between d/2 and d.
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// attempt sends the request once. retry reports whether the failure is worth another attempt.
func (c *s3Client) attempt(ctx context.Context, op, bucket string, u *url.URL, decode func(body io.Reader) error) (retry bool, err error) {
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return false, &credentialsError{err: err}
	}
	id := identity{AccessKeyID: creds.AccessKeyID, RoleARN: creds.RoleARN, Source: creds.Source}

	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return false, fmt.Errorf("building the %s request: %w", op, err)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	req.Header.Set("X-Amz-Content-Sha256", emptyPayloadHash)
	if c.signer == nil {
		c.signer = v4.NewSigner()
	}
	err = c.signer.SignHTTP(ctx, creds.SDK(), req, emptyPayloadHash, "s3", c.Region, c.now(),
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		return false, fmt.Errorf("signing the %s request: %w", op, err)
	}

	start := time.Now()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		// net/http's *url.Error repeats the method and URL (unredacted); name them once.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		c.debugf("%s %s -> %v", req.Method, redactURL(req.URL), err)
		return true, fmt.Errorf("%s %s: %w", op, redactURL(req.URL), err)
	}
	defer resp.Body.Close()
	c.debugf("%s %s -> %d (request ID %s, %s, signed as %s)", req.Method, redactURL(req.URL), resp.StatusCode,
		orDash(resp.Header.Get("X-Amz-Request-Id")), time.Since(start).Round(time.Millisecond), id)

	var body []byte
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		body, err = readCapped(resp.Body, maxListBody, op)
	} else {
		// An error body is only shown in part; a long one is cut, not refused.
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	}
	if err != nil {
		// A connection cut while the body arrives is worth another try; an oversized body is not.
		var fe *formatError
		return !errors.As(err, &fe), fmt.Errorf("%s %s: %w", op, redactURL(req.URL), err)
	}
	// A broken or hostile server could echo the credentials back; they are removed before
	// anything in the body can reach a message.
	body = scrubSecrets(body, creds)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := decode(bytes.NewReader(body)); err != nil {
			return false, fmt.Errorf("%s %s: %w", op, redactURL(req.URL), err)
		}
		return false, nil
	}
	se := decodeS3Error(resp, body)
	se.Operation, se.Bucket, se.SigningRegion, se.Identity = op, bucket, c.Region, id
	retry = resp.StatusCode >= 500 || se.Code == "SlowDown" || se.Code == "Throttling" || se.Code == "RequestTimeout"
	return retry, se
}

// scrubSecrets replaces the secret access key and session token of creds wherever they appear
// in body.
func scrubSecrets(body []byte, creds credentials.Credentials) []byte {
	return []byte(redact.Secrets(string(body), creds.SecretAccessKey, creds.SessionToken))
}

// credentialsError is the credential chain's own error, returned unchanged in text.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }

// redactURL prints u with any presigning secrets in its query replaced. s3ls signs with headers,
// so its URLs carry none; this guards the debug log anyway.
func redactURL(u *url.URL) string {
	q := u.Query()
	changed := false
	for _, k := range []string{"X-Amz-Security-Token", "X-Amz-Signature", "X-Amz-Credential", "AWSAccessKeyId", "Signature"} {
		if q.Has(k) {
			q.Set(k, "REDACTED")
			changed = true
		}
	}
	if !changed {
		return u.Redacted()
	}
	v := *u
	v.RawQuery = q.Encode()
	return v.Redacted()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
