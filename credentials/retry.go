package credentials

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"
)

// retryable reports whether another attempt may succeed after err. Errors that know (STS error
// documents, malformed bodies) say so themselves: throttling, 5xx, IDPCommunicationError and
// InvalidIdentityToken "could not retrieve verification key" are retried; AccessDenied,
// IDPRejectedClaim, RegionDisabledException, MalformedPolicyDocument and validation errors are
// not. Network errors and timeouts are retried, except a certificate that does not verify and a
// host name that does not exist (as in aws-sdk-go-v2), which the next attempt would meet again.
func retryable(err error) bool {
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	if IsNonRecoverable(err) {
		return false
	}
	var (
		certErr     *tls.CertificateVerificationError
		unknownCA   x509.UnknownAuthorityError
		badHost     x509.HostnameError
		invalidCert x509.CertificateInvalidError
		dnsErr      *net.DNSError
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &invalidCert):
		return false
	case errors.As(err, &dnsErr):
		return !dnsErr.IsNotFound
	}
	return true
}

// backoff returns the delay before attempt+1, after attempt failed (attempt counts from 1):
// uniformly random in [0, min(max, base·2^(attempt-1))), "full jitter".
func (c *Client) backoff(attempt int) time.Duration {
	bound := c.opts.BackoffMax
	if attempt-1 < 62 {
		if d := c.opts.BackoffBase << (attempt - 1); d > 0 && d < bound {
			bound = d
		}
	}
	f := c.opts.Rand()
	if f < 0 || f >= 1 {
		f = 0
	}
	return time.Duration(f * float64(bound))
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
