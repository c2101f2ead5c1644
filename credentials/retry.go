package credentials

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"
)

// retryable reports whether another attempt may succeed after err (see Client). Errors that know
// (STS error documents, malformed bodies) say so themselves. Network errors are retried, except a
// certificate that does not verify and a host name that does not exist, as in aws-sdk-go-v2.
func retryable(err error) bool {
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	var dnsErr *net.DNSError
	switch {
	case IsNonRecoverable(err), errors.As(err, new(*tls.CertificateVerificationError)), errors.As(err, new(x509.UnknownAuthorityError)),
		errors.As(err, new(x509.HostnameError)), errors.As(err, new(x509.CertificateInvalidError)):
		return false
	case errors.As(err, &dnsErr):
		return !dnsErr.IsNotFound
	}
	return true
}

// backoff returns the delay before attempt+1, after attempt failed (attempt counts from 1).
func (c *Client) backoff(attempt int) time.Duration {
	return fullJitter(attempt, c.opts.BackoffBase, c.opts.BackoffMax, c.opts.Rand())
}
