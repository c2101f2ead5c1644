package tlsroots_test

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/irsa-go/irsa/internal/tlsroots"
	"github.com/irsa-go/irsa/internal/tlsroots/tlstest"
)

func TestLoadReturnsOnlyTheBundlesCertificatesAsBotocoreAndTheSDKDo(t *testing.T) {
	ca := tlstest.NewCA(t)
	pool, err := tlsroots.Load(context.Background(), ca.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	want := x509.NewCertPool()
	want.AddCert(ca.Cert)
	if !pool.Equal(want) {
		t.Fatal("the pool is not exactly the bundle's certificate: the bundle must replace the system roots, not add to them")
	}
}

func TestLoadRefusesABundleItCannotUse(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := filepath.Join(dir, "big.pem")
	f, err := os.Create(big)
	if err == nil {
		err = errors.Join(f.Truncate(tlsroots.MaxBundleSize+1), f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "bundle.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, want string
	}{
		{"a missing file", filepath.Join(dir, "missing.pem"), "cannot read the CA bundle DIR/missing.pem: no such file or directory"},
		{"a directory", dir, "the CA bundle DIR is a directory, not a regular file"},
		{"a named pipe, which would block an open", fifo, "the CA bundle DIR/bundle.fifo is a named pipe (FIFO), not a regular file"},
		{"an empty file", write("empty.pem", " \n"), "the CA bundle DIR/empty.pem is empty"},
		{"a file without a certificate", write("garbage.pem", "not a certificate\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
			`the CA bundle DIR/garbage.pem has no certificate that can be parsed (a PEM "BEGIN CERTIFICATE" block)`},
		{"a file over the cap", big, "the CA bundle DIR/big.pem is larger than 10 MiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tlsroots.Load(context.Background(), tc.path)
			if want := strings.ReplaceAll(tc.want, "DIR", dir); err == nil || err.Error() != want {
				t.Fatalf("got %v\nwant %s", err, want)
			}
		})
	}
	if _, err := tlsroots.Load(context.Background(), filepath.Join(dir, "missing.pem")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing bundle's error does not match fs.ErrNotExist: %v", err)
	}
}

func TestTransportTrustsTheBundleAndKeepsTheDefaultsProxy(t *testing.T) {
	ca := tlstest.NewCA(t)
	srv := ca.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	pool, err := tlsroots.Load(context.Background(), ca.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	tr := tlsroots.Transport(pool)
	defer tr.CloseIdleConnections()
	if tr.Proxy == nil {
		t.Error("the transport does not take proxies from the environment")
	}
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	system := tlsroots.Transport(nil)
	defer system.CloseIdleConnections()
	if _, err := (&http.Client{Transport: system}).Get(srv.URL); err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("with the system roots: got %v, want a certificate error", err)
	}
}
