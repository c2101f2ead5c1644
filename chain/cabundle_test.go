package chain

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/tlsroots/tlstest"
)

// tlsSTS is the fake STS behind an HTTPS front on 127.0.0.1 whose certificate a CA made for the
// test signed, and a home whose environment points web identity at it.
func tlsSTS(t *testing.T, config string, kv ...string) (*tlstest.CA, *home) {
	t.Helper()
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	ca := tlstest.NewCA(t)
	front := ca.Proxy(t, env.STS.URL())
	kv = append([]string{"AWS_ROLE_ARN", env.RoleARN, "AWS_WEB_IDENTITY_TOKEN_FILE", env.TokenFile,
		"AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_STS", front.URL}, kv...)
	return ca, newHome(t, strings.ReplaceAll(config, "{BUNDLE}", ca.Bundle), "", kv...)
}

// retrieve resolves with the default STS client and fetches credentials once.
func retrieve(t *testing.T, o Options) (*Result, error) {
	t.Helper()
	o.STS = nil
	res, err := Resolve(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = res.Close() })
	_, err = res.Provider.Retrieve(context.Background())
	return res, err
}

func TestCABundleIsTrustedForSTSLikeTheAWSCLI(t *testing.T) {
	cases := []struct {
		name, config string
		env          []string
		wantFrom     string
	}{
		{name: "AWS_CA_BUNDLE", env: []string{"AWS_CA_BUNDLE", "{BUNDLE}"}, wantFrom: "(from AWS_CA_BUNDLE)"},
		{name: "the profile's ca_bundle", config: "[default]\nca_bundle = {BUNDLE}\n", wantFrom: "(from profile default, ~/.aws/config line 2)"},
		{name: "AWS_CA_BUNDLE wins over ca_bundle, which is not read", config: "[default]\nca_bundle = /nonexistent/ca.pem\n",
			env: []string{"AWS_CA_BUNDLE", "{BUNDLE}"}, wantFrom: "(from AWS_CA_BUNDLE)"},
		{name: "a blank AWS_CA_BUNDLE counts as unset", config: "[default]\nca_bundle = {BUNDLE}\n",
			env: []string{"AWS_CA_BUNDLE", " "}, wantFrom: "(from profile default, ~/.aws/config line 2)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			ca, h := tlsSTS(t, tc.config)
			for i := 0; i+1 < len(tc.env); i += 2 {
				h.env[tc.env[i]] = strings.ReplaceAll(tc.env[i+1], "{BUNDLE}", ca.Bundle)
			}
			res, err := retrieve(t, h.opts())
			if err != nil {
				t.Fatalf("Retrieve through the HTTPS fake STS: %v", err)
			}
			if res.RootCAs == nil {
				t.Error("Result.RootCAs is nil")
			}
			if want := "CA bundle: " + ca.Bundle + " " + tc.wantFrom; !strings.Contains(res.Explanation.String()+"\n", want+"\n") {
				t.Errorf("the explanation lacks %q:\n%s", want, res.Explanation)
			}
		})
	}
}

func TestWithoutTheCABundleTheTLSFakeIsNotTrusted(t *testing.T) {
	leakcheck.Check(t)
	_, h := tlsSTS(t, "")
	res, err := retrieve(t, h.opts())
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("got %v, want a certificate verification error", err)
	}
	if res.RootCAs != nil || strings.Contains(res.Explanation.String(), "CA bundle") {
		t.Errorf("no bundle is configured, yet RootCAs=%v and the explanation says:\n%s", res.RootCAs, res.Explanation)
	}
}

// A client given in Options.HTTPClient is used as it is; the explanation says the bundle is not
// applied to it.
func TestCABundleIsNotAppliedToOptionsHTTPClient(t *testing.T) {
	leakcheck.Check(t)
	ca, h := tlsSTS(t, "")
	h.env["AWS_CA_BUNDLE"] = ca.Bundle
	o := h.opts()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	o.HTTPClient = &http.Client{Transport: tr}
	res, err := retrieve(t, o)
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("got %v, want a certificate error from the caller's client", err)
	}
	if want := "note: the CA bundle is not used for STS: Options.STS or Options.HTTPClient is set"; !strings.Contains(res.Explanation.String(), want) {
		t.Errorf("the explanation lacks %q:\n%s", want, res.Explanation)
	}
}

func TestCABundleThatCannotBeUsedIsAConfigError(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	missing, empty, garbage := filepath.Join(dir, "missing.pem"), write("empty.pem", ""), write("garbage.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
	cases := []struct {
		name, config string
		env          []string
		want         string
	}{
		{name: "a missing file named by AWS_CA_BUNDLE", env: []string{"AWS_CA_BUNDLE", missing},
			want: "chain: AWS_CA_BUNDLE: cannot read the CA bundle " + missing + ": no such file or directory"},
		{name: "an empty file named by ca_bundle", config: "[default]\nregion = us-east-1\nca_bundle = " + empty + "\n",
			want: "chain: profile default: ca_bundle (~/.aws/config line 3): the CA bundle " + empty + " is empty"},
		{name: "a file without a parsable certificate", env: []string{"AWS_CA_BUNDLE", garbage},
			want: "chain: AWS_CA_BUNDLE: the CA bundle " + garbage + ` has no certificate that can be parsed (a PEM "BEGIN CERTIFICATE" block)`},
		{name: "a path with ~ is used as written, as botocore does", config: "[default]\nca_bundle = ~/ca.pem\n",
			want: `chain: profile default: ca_bundle (~/.aws/config line 2): cannot read the CA bundle ~/ca.pem: no such file or directory (the path is used as written: like the AWS CLI, irsa expands neither "~" nor "$VAR" in it)`},
		{name: "a bundle is checked even when the credentials need no STS", env: []string{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_CA_BUNDLE", garbage},
			want: "chain: AWS_CA_BUNDLE: the CA bundle " + garbage + " has no certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t, tc.config, "", append([]string{"AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"}, tc.env...)...)
			if err := os.WriteFile(filepath.Join(h.dir, "ca.pem"), []byte("exists, but ~ is not expanded"), 0o600); err != nil {
				t.Fatal(err)
			}
			exp, err := explain(t, h.opts())
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant a *ConfigError: %s", err, tc.want)
			}
			if !strings.Contains(exp.String(), "CA bundle: ") || !strings.Contains(exp.String(), "error: "+strings.TrimPrefix(tc.want, "chain: ")) {
				t.Errorf("the explanation does not show the bundle and its error:\n%s", exp)
			}
			if _, rerr := Resolve(context.Background(), h.opts()); rerr == nil || rerr.Error() != err.Error() {
				t.Errorf("Resolve: %v, want Explain's error", rerr)
			}
		})
	}
}
