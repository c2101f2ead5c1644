// Package tlsroots reads a CA bundle, the PEM file that AWS_CA_BUNDLE or a profile's ca_bundle
// names, and builds the HTTP transport that trusts it. chain uses it for STS and examples/s3ls for
// S3.
package tlsroots

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/redact"
)

// MaxBundleSize caps the bytes read from a bundle; real bundles are about 220 KB.
const MaxBundleSize = 10 << 20

// Load returns the certificates of the PEM file at path, used as written ("~" and "$VAR" are not
// expanded); as in botocore and aws-sdk-go-v2, they replace the system's roots rather than add to
// them. The file is read with internal/readfile: a FIFO or a device is refused without blocking,
// and the read ends with ctx. Every error names the file; one from the file system wraps it.
func Load(ctx context.Context, path string) (*x509.CertPool, error) {
	name := redact.Clip(path, 200)
	data, err := readfile.Reader{Limit: MaxBundleSize}.Read(ctx, path)
	err = readfile.WithoutPath(err) // the path is named once, below
	var nr *readfile.NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, fmt.Errorf("the CA bundle %s is %s, not a regular file", name, readfile.Kind(nr.Mode))
	case errors.Is(err, fs.ErrNotExist) && (strings.HasPrefix(path, "~") || strings.Contains(path, "$")):
		return nil, fmt.Errorf(`cannot read the CA bundle %s: %w (the path is used as written: like the AWS CLI, irsa expands neither "~" nor "$VAR" in it)`, name, err)
	case err != nil:
		return nil, fmt.Errorf("cannot read the CA bundle %s: %w", name, err)
	case len(data) > MaxBundleSize:
		return nil, fmt.Errorf("the CA bundle %s is larger than %d MiB", name, MaxBundleSize>>20)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("the CA bundle %s is empty", name)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("the CA bundle %s has no certificate that can be parsed (a PEM \"BEGIN CERTIFICATE\" block)", name)
	}
	return pool, nil
}

// Transport is a copy of http.DefaultTransport (proxies from the environment, its timeouts) that
// verifies servers with roots; nil roots means the system's.
func Transport(roots *x509.CertPool) *http.Transport {
	t := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if d, ok := http.DefaultTransport.(*http.Transport); ok {
		t = d.Clone()
	}
	if roots != nil {
		if t.TLSClientConfig == nil { // Clone copied any TLS settings made to the default
			t.TLSClientConfig = &tls.Config{}
		}
		t.TLSClientConfig.RootCAs = roots
	}
	return t
}

// Client is an http.Client with Transport(roots).
func Client(roots *x509.CertPool) *http.Client { return &http.Client{Transport: Transport(roots)} }
