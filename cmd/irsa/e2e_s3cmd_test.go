//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/peers"
)

// s3cmdConfig writes an s3cmd configuration file without keys (so that s3cmd takes them from
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN) that sends every request,
// path-style over plain HTTP, to host.
func s3cmdConfig(t *testing.T, host string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "s3cfg")
	content := "[default]\nhost_base = " + host + "\nhost_bucket = " + host + "\nuse_https = False\nbucket_location = us-east-1\nsignature_v2 = False\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// The story irsa started from: s3cmd in an EKS pod, which before needed a patched Config.py
// to call AssumeRoleWithWebIdentity, lists a bucket through irsa exec.
func TestEndToEndS3cmdListsThroughExec(t *testing.T) {
	leakcheck.Check(t)
	s3cmd := peer(t, "s3cmd", "Debian's s3cmd: apt-get install -y s3cmd")
	moto := peers.StartMoto(t)
	bin := irsaBinary(t)
	e := fakests.StartEnv(t, fakests.EnvOptions{})
	rec := startRecorder(t, moto.URL, e.STS)
	putObjects(t, moto.URL, "irsa-e2e", map[string]int{"backup/2026-12-01.tar": 1234, "backup/2026-12-02.tar": 5678, "README": 7})
	config := s3cmdConfig(t, rec.Host())

	// What the pod identity webhook injects (pointing STS at the fake), plus keys of the
	// spellings s3cmd reads before AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, left over from
	// something else: irsa must not let them win.
	env := append(pod(t, e), "AWS_ACCESS_KEY=AKIASTALELEGACYKEY1", "AWS_SECRET_KEY=stale-legacy-secret")

	// s3cmd without keys would ask the instance metadata service (169.254.169.254), which no
	// test may do: first make sure the child gets keys, and only then run s3cmd.
	r := runBinary(t, env, bin, "exec", "--", "sh", "-c", `test -n "$AWS_ACCESS_KEY_ID" && test -n "$AWS_SESSION_TOKEN" && test -z "$AWS_ACCESS_KEY$AWS_SECRET_KEY$AWS_ROLE_ARN"`)
	if r.code != 0 {
		t.Fatalf("irsa exec does not give its child session keys alone (exit %d); not running s3cmd\nstderr:\n%s", r.code, r.stderr)
	}

	t.Run("s3cmd ls s3://bucket", func(t *testing.T) {
		before := len(rec.Requests())
		r := runBinary(t, env, bin, "exec", "--", s3cmd, "-c", config, "ls", "s3://irsa-e2e")
		t.Logf("irsa exec -- s3cmd ls s3://irsa-e2e: exit %d\n%s", r.code, r.stdout)
		if r.code != 0 {
			t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
		// s3cmd ls shows the top level: the object README and the prefix backup/.
		for _, want := range []string{"DIR  s3://irsa-e2e/backup/\n", "         7  s3://irsa-e2e/README\n"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("listing lacks %q:\n%s", want, r.stdout)
			}
		}
		checkSignedByIssuedKeys(t, rec.Requests()[before:])
		noSecrets(t, r.stderr, webIdentitySecrets(t, e, rec)...)
	})

	t.Run("s3cmd ls --recursive", func(t *testing.T) {
		before := len(rec.Requests())
		r := runBinary(t, env, bin, "exec", "--", s3cmd, "-c", config, "ls", "--recursive", "s3://irsa-e2e/backup/")
		if r.code != 0 {
			t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 2 || !strings.HasSuffix(lines[0], "  1234  s3://irsa-e2e/backup/2026-12-01.tar") || !strings.HasSuffix(lines[1], "  5678  s3://irsa-e2e/backup/2026-12-02.tar") {
			t.Errorf("listing:\n%s", r.stdout)
		}
		checkSignedByIssuedKeys(t, rec.Requests()[before:])
		noSecrets(t, r.stderr, webIdentitySecrets(t, e, rec)...)
	})

	// moto accepts any keys; the recorder is what tells them apart.
	t.Run("the recorder catches keys STS did not issue, a wrong secret and a missing token", func(t *testing.T) {
		issued, ok := e.STS.LookupIssued(rec.Requests()[0].AccessKeyID)
		if !ok {
			t.Fatal("no issued key recorded")
		}
		base := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		for _, tc := range []struct {
			name                          string
			keys                          []string
			issued, token, signatureValid bool
		}{
			{"moto's test keys", []string{"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=testing"}, false, false, false},
			{"an issued key and its token with a wrong secret", []string{"AWS_ACCESS_KEY_ID=" + issued.AccessKeyID, "AWS_SECRET_ACCESS_KEY=not-the-secret",
				"AWS_SESSION_TOKEN=" + issued.SessionToken}, true, true, false},
			{"an issued key and its secret without the token", []string{"AWS_ACCESS_KEY_ID=" + issued.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + issued.SecretAccessKey}, true, false, true},
		} {
			before := len(rec.Requests())
			if r := runBinary(t, append(base, tc.keys...), s3cmd, "-c", config, "ls", "s3://irsa-e2e"); r.code != 0 {
				t.Fatalf("%s: s3cmd without irsa: exit %d\n%s", tc.name, r.code, r.stderr)
			}
			seen := rec.Requests()[before:]
			for _, r := range seen {
				if r.Issued != tc.issued || r.TokenMatches != tc.token || r.SignatureValid != tc.signatureValid || r.verified() || r.Status != 200 {
					t.Errorf("%s: recorded %s", tc.name, r)
				}
			}
			if len(seen) == 0 {
				t.Errorf("%s: no request recorded", tc.name)
			}
		}
	})

	// The three irsa exec runs make one AssumeRoleWithWebIdentity between them: the later runs
	// take the credentials from the cache shared by processes. s3cmd never calls STS itself.
	if n, want := e.STS.Count(fakests.OpAssumeRoleWithWebIdentity), 1; n != want {
		t.Errorf("%d AssumeRoleWithWebIdentity calls, want %d (the runs share the cache)\n%v", n, want, e.STS.Calls())
	}

	t.Run("a token STS refuses: s3cmd does not run, and the token is not shown", func(t *testing.T) {
		// A genuine token of the cluster, for a service account the role does not trust.
		token, err := e.Issuer.Sign(fakeoidc.TokenOptions{Namespace: "default", ServiceAccount: "someone-else"})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(e.TokenFile+".other", []byte(token), 0o600); err != nil {
			t.Fatal(err)
		}
		bad := append(env, "AWS_WEB_IDENTITY_TOKEN_FILE="+e.TokenFile+".other")
		before := len(rec.Requests())
		r := runBinary(t, bad, bin, "exec", "--", s3cmd, "-c", config, "ls", "s3://irsa-e2e")
		t.Logf("stderr:\n%s", r.stderr)
		if r.code != exitError || r.stdout != "" || !strings.HasPrefix(r.stderr, "irsa exec: ") || !strings.Contains(r.stderr, "AccessDenied") {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		if n := len(rec.Requests()) - before; n != 0 {
			t.Errorf("s3cmd ran and sent %d requests", n)
		}
		noSecrets(t, r.stderr, token)
	})
}

// checkSignedByIssuedKeys fails t unless requests is not empty and each was signed with keys the
// fake STS issued, carrying their session token, and answered with success.
func checkSignedByIssuedKeys(t *testing.T, requests []signedRequest) {
	t.Helper()
	if len(requests) == 0 {
		t.Fatal("no request reached S3")
	}
	for _, r := range requests {
		t.Logf("S3 saw: %s", r)
		if !r.verified() || r.Status != 200 {
			t.Errorf("not signed with the STS-issued keys and session token, or not answered 200: %s", r)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// s3cmd reads AWS_ACCESS_KEY and AWS_SECRET_KEY before AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY: left in the child's environment, stale ones would be sent with irsa's
// session token. (This one runs without s3cmd.)
func TestExecRemovesTheKeyVariablesS3cmdReadsFirst(t *testing.T) {
	env := append(home(t), "AWS_ACCESS_KEY=AKIASTALELEGACYKEY1", "AWS_SECRET_KEY=stale-legacy-secret")
	r := run(t, env, "exec", "--profile", "static", "--", "sh", "-c", `printf '%s|%s|%s|%s' "${AWS_ACCESS_KEY-unset}" "${AWS_SECRET_KEY-unset}" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"`)
	if want := "unset|unset|" + staticKeyID + "|" + staticSecret; r.code != 0 || r.stdout != want {
		t.Errorf("exit %d, child saw %q, want %q\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
}
