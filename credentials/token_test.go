package credentials

import (
	"context"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/internal/readfile"
)

// countingFile counts the bytes read through it.
type countingFile struct {
	readfile.File
	n *int64
}

func (c countingFile) Read(p []byte) (int, error) {
	n, err := c.File.Read(p)
	*c.n += int64(n)
	return n, err
}

const secretTokenText = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.SECRETSIGNATUREdoNotLeakThis0123456789"

func writeTokenFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTokenFileReading(t *testing.T) {
	dir := t.TempDir()
	atCap := strings.Repeat("a", maxTokenSize)
	overCap := secretTokenText + strings.Repeat("b", maxTokenSize)
	if err := os.Symlink(filepath.Join(dir, "..data", "token"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		want    string
		wantErr []string // substrings of the error
		nonRec  bool
		is      error
	}{
		{name: "token with surrounding whitespace and a trailing newline is trimmed", path: writeTokenFile(t, dir, "ws", "  \n\ttok.en.sig \r\n"), want: "tok.en.sig"},
		{name: "token exactly at the size cap is accepted", path: writeTokenFile(t, dir, "cap", atCap), want: atCap},
		{name: "missing file names the path and suggests mounting the projected volume", path: filepath.Join(dir, "missing"),
			wantErr: []string{`"` + filepath.Join(dir, "missing") + `" does not exist`, "projected service account token volume mounted", "volumeMounts"}, nonRec: true, is: fs.ErrNotExist},
		{name: "dangling ..data symlink counts as missing", path: filepath.Join(dir, "dangling"), wantErr: []string{"does not exist"}, nonRec: true, is: fs.ErrNotExist},
		{name: "directory is refused with a pointer to the token inside it", path: dir, wantErr: []string{"is a directory, not a file", dir + "/token"}, nonRec: true},
		{name: "empty file is refused", path: writeTokenFile(t, dir, "empty", ""), wantErr: []string{"is empty"}, nonRec: true},
		{name: "file of only whitespace is refused as empty", path: writeTokenFile(t, dir, "blank", " \n\n\t "), wantErr: []string{"is empty"}, nonRec: true},
		{name: "file one byte over the cap is refused", path: writeTokenFile(t, dir, "over1", atCap+"a"), wantErr: []string{"larger than 64 KiB"}, nonRec: true},
		{name: "huge file is refused without its content in the error", path: writeTokenFile(t, dir, "huge", overCap), wantErr: []string{"larger than 64 KiB", "not a service account token"}, nonRec: true},
		{name: "endless device is refused without being opened", path: "/dev/zero", wantErr: []string{`"/dev/zero" is a character device, not a regular file`}, nonRec: true},
		{name: "path through a regular file fails with the system's reason", path: filepath.Join(dir, "ws", "token"), wantErr: []string{"cannot read web identity token file", "not a directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readTokenFile(context.Background(), tokenFiles, tc.path)
			if tc.wantErr == nil {
				if err != nil || got != tc.want {
					t.Fatalf("readTokenFile = %.40q, %v; want %.40q", got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("readTokenFile succeeded with %.40q, want an error", got)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRETSIGNATURE") || strings.Contains(err.Error(), "bbbbbbbb") {
				t.Errorf("error contains file content: %q", err)
			}
			if IsNonRecoverable(err) != tc.nonRec {
				t.Errorf("IsNonRecoverable = %v, want %v", IsNonRecoverable(err), tc.nonRec)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(err, %v) = false", tc.is)
			}
		})
	}
}

func TestTokenFileOverCapIsReadNoFurtherThanCapPlusOne(t *testing.T) {
	for _, size := range []int{maxTokenSize + 1, maxTokenSize + 4096, 4 << 20} {
		path := writeTokenFile(t, t.TempDir(), "token", strings.Repeat("x", size))
		var n int64
		open := func(name string) (readfile.File, error) {
			f, err := readfile.Open(name)
			if err != nil {
				return nil, err
			}
			return countingFile{f, &n}, nil
		}
		if _, err := readTokenFile(context.Background(), readfile.Reader{Limit: maxTokenSize, Open: open}, path); err == nil {
			t.Fatalf("size %d: no error", size)
		}
		if n != maxTokenSize+1 {
			t.Errorf("size %d: read %d bytes, want exactly %d", size, n, maxTokenSize+1)
		}
	}
}

func TestTokenFilePermissionDeniedPointsAtFsGroup(t *testing.T) {
	// Tests may run as root, who can read any file; the error the system gives a non-root reader
	// is injected instead.
	path := "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
	denied := func(name string) (readfile.File, error) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
	}
	_, err := readTokenFile(context.Background(), readfile.Reader{Open: denied}, path)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{path, "permission denied", "securityContext.fsGroup"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if !errors.Is(err, fs.ErrPermission) || !IsNonRecoverable(err) {
		t.Errorf("errors.Is(err, fs.ErrPermission) = %v, IsNonRecoverable = %v; want both true", errors.Is(err, fs.ErrPermission), IsNonRecoverable(err))
	}

	if os.Geteuid() != 0 { // the real thing, when the test is not root
		p := writeTokenFile(t, t.TempDir(), "token", "x.y.z")
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		_, err := readTokenFile(context.Background(), tokenFiles, p)
		if err == nil || !strings.Contains(err.Error(), "securityContext.fsGroup") {
			t.Errorf("unreadable file: error %v, want one pointing at securityContext.fsGroup", err)
		}
	}
}

func TestTokenFromTokenSourceIsCheckedLikeAFile(t *testing.T) {
	if got, err := checkSourcedToken(" a.b.c\n"); err != nil || got != "a.b.c" {
		t.Errorf("checkSourcedToken trims: got %q, %v", got, err)
	}
	if _, err := checkSourcedToken(" \n"); err == nil || !strings.Contains(err.Error(), "TokenSource is empty") {
		t.Errorf("blank token: error %v", err)
	}
	if _, err := checkSourcedToken(secretTokenText + strings.Repeat("z", maxTokenSize)); err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "larger than 64 KiB") {
		t.Errorf("huge token: error %v", err)
	}
}

func TestDecodeTokenClaimsOfAKubernetesToken(t *testing.T) {
	clock := fakeoidc.NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	iss := fakeoidc.Start(t, fakeoidc.Options{Now: clock.Now})
	tok, err := iss.Sign(fakeoidc.TokenOptions{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d9f8-x2x4q", Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c, err := decodeTokenClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	want := TokenClaims{
		Issuer: iss.URL(), Subject: "system:serviceaccount:payments:api", Audience: []string{"sts.amazonaws.com"},
		Expires: clock.Now().Add(time.Hour), IssuedAt: clock.Now(), NotBefore: clock.Now(),
		Namespace: "payments", ServiceAccount: "api", Pod: "api-7d9f8-x2x4q",
	}
	if c.Issuer != want.Issuer || c.Subject != want.Subject || strings.Join(c.Audience, ",") != "sts.amazonaws.com" ||
		!c.Expires.Equal(want.Expires) || !c.IssuedAt.Equal(want.IssuedAt) || !c.NotBefore.Equal(want.NotBefore) ||
		c.Namespace != want.Namespace || c.ServiceAccount != want.ServiceAccount || c.Pod != want.Pod {
		t.Errorf("claims = %+v\nwant     %+v", c, want)
	}
	sub, aud := trustConditionKeys(c)
	if sub != iss.HostPath()+":sub" || aud != iss.HostPath()+":aud" {
		t.Errorf("TrustConditionKeys = %q, %q; want %q, %q", sub, aud, iss.HostPath()+":sub", iss.HostPath()+":aud")
	}
}

func testJWT(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(payload)) + ".SECRETSIGNATURE0123456789abcdef"
}

func TestDecodeTokenClaimsForms(t *testing.T) {
	tests := []struct {
		name    string
		token   string
		check   func(TokenClaims) bool
		wantErr string
	}{
		{name: "audience given as one string becomes one element", token: testJWT(`{"aud":"sts.amazonaws.com"}`),
			check: func(c TokenClaims) bool { return len(c.Audience) == 1 && c.Audience[0] == "sts.amazonaws.com" }},
		{name: "audience list keeps every element", token: testJWT(`{"aud":["a","b"]}`),
			check: func(c TokenClaims) bool { return strings.Join(c.Audience, ",") == "a,b" }},
		{name: "fractional exp keeps its fraction", token: testJWT(`{"exp":1700000000.5}`),
			check: func(c TokenClaims) bool { return c.Expires.Equal(time.Unix(1700000000, 5e8)) }},
		{name: "missing claims stay zero", token: testJWT(`{}`),
			check: func(c TokenClaims) bool { return c.Issuer == "" && c.Expires.IsZero() && c.Audience == nil }},
		{name: "null exp counts as absent", token: testJWT(`{"exp":null}`), check: func(c TokenClaims) bool { return c.Expires.IsZero() }},
		{name: "padded payload is accepted", token: "e30." + base64.URLEncoding.EncodeToString([]byte(`{"sub":"abc"}`)) + ".c2ln",
			check: func(c TokenClaims) bool { return c.Subject == "abc" }},
		{name: "issuer with a trailing slash gives condition keys without it", token: testJWT(`{"iss":"https://oidc.example.com/id/X/"}`),
			check: func(c TokenClaims) bool {
				s, a := trustConditionKeys(c)
				return s == "oidc.example.com/id/X:sub" && a == "oidc.example.com/id/X:aud"
			}},
		{name: "exp as a string is an error naming the claim", token: testJWT(`{"exp":"tomorrow","sub":"s"}`), wantErr: "wrong type: exp"},
		{name: "negative exp is an error", token: testJWT(`{"exp":-5}`), wantErr: "wrong type: exp"},
		{name: "exp far in the future is an error", token: testJWT(`{"exp":1e300}`), wantErr: "wrong type: exp"},
		{name: "audience of numbers is an error", token: testJWT(`{"aud":[1,2]}`), wantErr: "wrong type: aud"},
		{name: "kubernetes.io claim that is not an object is an error", token: testJWT(`{"kubernetes.io":"x"}`), wantErr: "kubernetes.io"},
		{name: "encrypted JWT is recognised", token: "a.b.c.d.e", wantErr: "encrypted JWT"},
		{name: "opaque OAuth token is not a JWT", token: "ya29.SECRETSIGNATURE", wantErr: "has 2 dot-separated parts, want 3"},
		{name: "payload that is not base64url", token: "a.!!SECRETSIGNATURE!!.c", wantErr: "payload is not base64url"},
		{name: "payload that is a JSON array", token: testJWT(`["SECRETSIGNATURE"]`), wantErr: "payload is not a JSON object"},
		{name: "oversized token", token: strings.Repeat("x", maxTokenSize+1), wantErr: "larger than 64 KiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := decodeTokenClaims(tc.token)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "SECRET") {
					t.Fatalf("error contains part of the token: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("claims %+v do not pass the check", c)
			}
		})
	}
}

func TestDecodeTokenClaimsRejectsEveryMalformedTokenWithoutLeakingIt(t *testing.T) {
	for _, m := range fakeoidc.MalformedTokens() {
		t.Run(m.Name, func(t *testing.T) {
			_, err := decodeTokenClaims(m.Token)
			if err == nil {
				// some are well-formed JWTs with a bad header or signature, which the claims
				// decoder does not look at; only the claims matter here.
				return
			}
			for _, part := range strings.Split(m.Token, ".") {
				if len(part) >= 8 && strings.Contains(err.Error(), part) {
					t.Errorf("error %q contains token segment %q", err, part)
				}
			}
		})
	}
}

func FuzzDecodeTokenClaims(f *testing.F) {
	f.Add(testJWT(`{"iss":"https://i","sub":"system:serviceaccount:a:b","aud":["x"],"exp":1,"kubernetes.io":{"namespace":"a","pod":{"name":"p"},"serviceaccount":{"name":"b"}}}`))
	f.Add(testJWT(`{"aud":"x","exp":1.5}`))
	f.Add("a.b.c.d.e")
	f.Add("..")
	for _, m := range fakeoidc.MalformedTokens() {
		f.Add(m.Token)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := decodeTokenClaims(token)
		if err != nil {
			parts := strings.Split(token, ".")
			if len(parts) == 3 && len(parts[2]) >= 8 && strings.Contains(err.Error(), parts[2]) {
				t.Fatalf("error %q contains the signature", err)
			}
			return
		}
		if !c.Expires.IsZero() && (c.Expires.Year() < 1970 || c.Expires.Year() > 6000) {
			t.Fatalf("exp decoded to %v", c.Expires)
		}
		_ = sessionNameFromClaims(c)
		if n := sessionNameFromClaims(c); n != "" {
			if err := checkSessionName("derived", n); err != nil {
				t.Fatalf("derived session name %q breaks STS's rules: %v", n, err)
			}
		}
	})
}

func TestTokenFileReadThatOutlivesTheContextReturnsTheContextsError(t *testing.T) {
	leakcheck.Check(t)
	path := writeTokenFile(t, t.TempDir(), "token", "x.y.z")
	release := make(chan struct{})
	defer close(release)
	stuck := func(name string) (readfile.File, error) { <-release; return nil, syscall.EIO } // a mount that does not answer
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := readTokenFile(ctx, readfile.Reader{Open: stuck}, path)
	want := `cannot read web identity token file "` + path + `": gave up waiting for the file to open or be read: context deadline exceeded`
	if err == nil || err.Error() != want || !errors.Is(err, context.DeadlineExceeded) || IsNonRecoverable(err) {
		t.Fatalf("error %v; want a recoverable %q", err, want)
	}
}

func TestTokenFileThatVanishesOnceIsReadAgain(t *testing.T) {
	path := writeTokenFile(t, t.TempDir(), "token", "x.y.z")
	for _, tc := range []struct {
		name   string
		fails  int
		want   string
		nonRec bool
	}{
		{"missing on the first read only (kubelet's ..data swap) is read on the second", 1, "", false},
		{"missing on both reads is reported missing and non-recoverable", 2, `"` + path + `" does not exist: is the projected service account token volume mounted`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opens := 0
			r := tokenFiles
			r.Open = func(name string) (readfile.File, error) {
				if opens++; opens <= tc.fails {
					return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
				}
				return readfile.Open(name)
			}
			tok, err := readTokenFile(context.Background(), r, path)
			if tc.want == "" {
				if err != nil || tok != "x.y.z" {
					t.Fatalf("readTokenFile = %q, %v; want the token", tok, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || IsNonRecoverable(err) != tc.nonRec {
				t.Fatalf("error %v; want %q, non-recoverable %v", err, tc.want, tc.nonRec)
			}
		})
	}
}

// A bounded version of the race that once made 2 of 3,000 reads fail with ENOENT: reads of the
// token while fakeoidc swaps ..data as the kubelet does, for 150 swaps or 3 s at most.
func TestTokenFileReadsRacingKubeletSwapsAllSucceed(t *testing.T) {
	iss := fakeoidc.Start(t, fakeoidc.Options{})
	if _, err := iss.Mint(fakeoidc.TokenOptions{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for deadline := time.Now().Add(3 * time.Second); iss.Rotations() < 150 && time.Now().Before(deadline); {
			if _, err := iss.Mint(fakeoidc.TokenOptions{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	reads, failed := 0, 0
	for racing := true; racing; reads++ {
		select {
		case <-done:
			racing = false
		default:
		}
		if _, err := readTokenFile(context.Background(), tokenFiles, iss.TokenFile()); err != nil && failed < 5 {
			failed++
			t.Errorf("read %d: %v", reads+1, err)
		}
	}
	t.Logf("%d reads racing %d swaps", reads, iss.Rotations())
}
