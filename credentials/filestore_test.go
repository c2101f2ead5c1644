//go:build unix

package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

const opWebIdentity = "AssumeRoleWithWebIdentity"

// events collects a Cache's refresh events.
type events struct {
	mu  sync.Mutex
	all []RefreshEvent
}

func (e *events) add(ev RefreshEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

// sharedErrs returns the text of every SharedDirErr reported.
func (e *events) sharedErrs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.all {
		if ev.SharedDirErr != nil {
			out = append(out, ev.SharedDirErr.Error())
		}
	}
	return out
}

// lightClient is the light STS client for url, without retries.
func lightClient(t testing.TB, url string) *Client {
	t.Helper()
	c, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: url, SigningRegion: "us-east-1", Custom: true}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// webIdentityFor returns a WebIdentity for env's role with the token in tokenFile.
func webIdentityFor(t testing.TB, env *fakests.Env, tokenFile string, now func() time.Time) *WebIdentity {
	t.Helper()
	w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: tokenFile, Client: lightClient(t, env.STS.URL()), Getenv: noEnv, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// sharedCache is a Cache over p that shares dir, as one process would have.
func sharedCache(t testing.TB, p Provider, dir string, now func() time.Time, ev *events) *Cache {
	t.Helper()
	o := CacheOptions{Provider: p, SharedDir: dir, Now: now}
	if ev != nil {
		o.OnRefresh = ev.add
	}
	c, err := NewCache(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func mustRetrieve(t testing.TB, p Provider) Credentials {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// names lists dir.
func names(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// onlyFile returns the one credentials file in dir.
func onlyFile(t testing.TB, dir string) string {
	t.Helper()
	var files []string
	for _, n := range names(t, dir) {
		if strings.HasSuffix(n, ".json") {
			files = append(files, filepath.Join(dir, n))
		}
	}
	if len(files) != 1 {
		t.Fatalf("want one credentials file in %s, have %q", dir, names(t, dir))
	}
	return files[0]
}

func TestSharedDirTwentyCachesStartedTogetherMakeOneSTSCall(t *testing.T) {
	leakcheck.Check(t)
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	dir := filepath.Join(t.TempDir(), "irsa")
	const n = 20
	caches := make([]*Cache, n)
	for i := range caches {
		caches[i] = sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil)
	}
	start := make(chan struct{})
	keys := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, c := range caches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			creds, err := c.Retrieve(context.Background())
			keys[i], errs[i] = creds.AccessKeyID, err
		}()
	}
	close(start)
	wg.Wait()
	for i := range keys {
		if errs[i] != nil || keys[i] != keys[0] {
			t.Fatalf("cache %d: %q, %v; cache 0: %q", i, keys[i], errs[i], keys[0])
		}
	}
	if got := env.STS.Count(opWebIdentity); got != 1 {
		t.Fatalf("%d STS calls, want 1", got)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory: %v, %v; want created 0700", fi.Mode(), err)
	}
	fi, err = os.Stat(onlyFile(t, dir))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v, %v; want 0600", fi.Mode(), err)
	}
}

// childEnv holds what TestSharedDirChildProcess needs, when the parent test runs it.
const childEnv = "IRSA_TEST_SHARED_CHILD"

func TestSharedDirTwentyProcessesStartedTogetherMakeOneSTSCall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	dir := filepath.Join(t.TempDir(), "irsa")
	const n = 20
	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   strings.Builder
	}
	children := make([]*child, n)
	for i := range children {
		c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestSharedDirChildProcess$", "-test.count=1")}
		c.cmd.Env = append(os.Environ(), childEnv+"="+strings.Join([]string{dir, env.RoleARN, env.TokenFile, env.STS.URL()}, "\n"))
		c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
		var err error
		if c.stdin, err = c.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children[i] = c
	}
	for _, c := range children { // every child waits for its stdin to close: go
		_ = c.stdin.Close()
	}
	var keys []string
	for i, c := range children {
		err := c.cmd.Wait()
		out := c.out.String()
		_, key, ok := strings.Cut(out, "access key ")
		key, _, _ = strings.Cut(key, "\n")
		if err != nil || !ok {
			t.Fatalf("child %d: %v\n%s", i, err, out)
		}
		keys = append(keys, key)
	}
	for i := range keys {
		if keys[i] != keys[0] {
			t.Fatalf("child %d got %s, child 0 %s", i, keys[i], keys[0])
		}
	}
	if got := env.STS.Count(opWebIdentity); got != 1 {
		t.Fatalf("%d processes started together on an empty cache made %d STS calls, want 1", n, got)
	}
}

// TestSharedDirChildProcess is one of the processes of the test above; alone it does nothing.
func TestSharedDirChildProcess(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("run by TestSharedDirTwentyProcessesStartedTogetherMakeOneSTSCall")
	}
	parts := strings.Split(spec, "\n")
	_, _ = io.Copy(io.Discard, os.Stdin) // wait for the others
	w, err := NewWebIdentity(WebIdentityOptions{RoleARN: parts[1], TokenFile: parts[2], Client: lightClient(t, parts[3]), Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	creds := mustRetrieve(t, sharedCache(t, w, parts[0], nil, nil))
	fmt.Printf("access key %s\n", creds.AccessKeyID)
}

// Deliberate difference from botocore: the AWS CLI's cache key (JSONFileCache, for web identity
// and assume-role) ignores the token, so a pod with another service account but the same role
// settings would be served the first one's credentials. Ours holds the token's iss, sub and aud.
func TestSharedDirKeyTellsServiceAccountsOfOneRoleApart(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	trust := fakests.WebIdentityTrustPolicy("111122223333", env.Issuer.URL(), "system:serviceaccount:default:*", fakeoidc.DefaultAudience)
	if err := env.STS.AddRole(fakests.Role{ARN: env.RoleARN, TrustPolicy: trust}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tokenDir := t.TempDir()
	var keys []string
	for _, sa := range []string{"app", "other"} {
		tok, err := env.Issuer.Sign(fakeoidc.TokenOptions{ServiceAccount: sa})
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(tokenDir, sa)
		if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
			t.Fatal(err)
		}
		creds := mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, file, nil), dir, nil, nil))
		if !strings.HasSuffix(creds.RoleARN, "/default."+sa+"."+sa+"-0") {
			t.Errorf("service account %s was served %s's credentials", sa, creds.RoleARN)
		}
		keys = append(keys, creds.AccessKeyID)
	}
	if keys[0] == keys[1] || env.STS.Count(opWebIdentity) != 2 || len(names(t, dir)) != 4 { // two .json, two .lock
		t.Fatalf("keys %q, %d STS calls, files %q: want two of each", keys, env.STS.Count(opWebIdentity), names(t, dir))
	}
}

func TestSharedDirFileIsUsedOnlyWhileTheTokenFileIsReadable(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	dir := t.TempDir()
	first := mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil))
	if again := mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil)); again.AccessKeyID != first.AccessKeyID {
		t.Fatal("a second process did not use the file")
	}
	if err := os.Remove(env.TokenFile); err != nil {
		t.Fatal(err)
	}
	_, err := sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "does not exist: is the projected service account token volume mounted") {
		t.Fatalf("with the token gone, the file hid the broken mount: %v", err)
	}
	if env.STS.Count(opWebIdentity) != 1 {
		t.Fatalf("%d STS calls", env.STS.Count(opWebIdentity))
	}
}

func TestSharedDirExpiredTokenIsNotHiddenByTheFile(t *testing.T) {
	clock := fakeoidc.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	env := fakests.StartEnv(t, fakests.EnvOptions{Now: clock.Now})
	if _, err := env.Issuer.Mint(fakeoidc.TokenOptions{Lifetime: 20 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, clock.Now), dir, clock.Now, nil))
	clock.Advance(21 * time.Minute) // the credentials are fresh still; the token is not
	_, err := sharedCache(t, webIdentityFor(t, env, env.TokenFile, clock.Now), dir, clock.Now, nil).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "token expired") {
		t.Fatalf("an expired token was hidden by the file: %v", err)
	}
}

func TestSharedDirServesTheFileOnlyBeforeItsRefreshPoint(t *testing.T) {
	clock := fakeoidc.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	env := fakests.StartEnv(t, fakests.EnvOptions{Now: clock.Now})
	dir := t.TempDir()
	process := func() Credentials {
		return mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, clock.Now), dir, clock.Now, nil))
	}
	first := process()
	sf, err := newFileStore(dir).read(strings.TrimSuffix(filepath.Base(onlyFile(t, dir)), ".json"))
	if err != nil || sf == nil {
		t.Fatal(sf, err)
	}
	// One hour credentials: 15 min advisory window, 1 min mandatory, the refresh point drawn in
	// the first half of the 14 min between (see Cache).
	exp := first.Expires
	if sf.RefreshAt.Before(exp.Add(-15*time.Minute)) || sf.RefreshAt.After(exp.Add(-8*time.Minute)) {
		t.Fatalf("refresh point %v, expiry %v", sf.RefreshAt, exp)
	}
	clock.Advance(sf.RefreshAt.Sub(clock.Now()) - time.Nanosecond)
	if c := process(); c.AccessKeyID != first.AccessKeyID || env.STS.Count(opWebIdentity) != 1 {
		t.Fatalf("just before the refresh point the file was not used (%d calls)", env.STS.Count(opWebIdentity))
	}
	clock.Advance(time.Nanosecond)
	second := process()
	if second.AccessKeyID == first.AccessKeyID || env.STS.Count(opWebIdentity) != 2 {
		t.Fatalf("at the refresh point the file was still served (%d calls)", env.STS.Count(opWebIdentity))
	}
	if c := process(); c.AccessKeyID != second.AccessKeyID || env.STS.Count(opWebIdentity) != 2 {
		t.Fatal("the refreshed credentials were not written back")
	}
}

func TestSharedDirRefreshPointOfAFileIsKeptInsideThisCachesWindow(t *testing.T) {
	arrived := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	o, _ := CacheOptions{Provider: Static{}}.normalized()
	sf := &sharedFile{Version: 1, Key: "k", AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", Expiration: arrived.Add(time.Hour), Arrived: arrived}
	for _, tc := range []struct {
		name        string
		refreshAt   time.Time
		noJitter    bool
		wantMinutes float64
	}{
		{"a refresh point in the window is the writer's", arrived.Add(48 * time.Minute), false, 48},
		{"a refresh point after the latest this Cache draws is moved to it", arrived.Add(59 * time.Minute), false, 52},
		{"a refresh point before the window is moved to its start", arrived.Add(10 * time.Minute), false, 45},
		{"without jitter the window's start is the latest", arrived.Add(50 * time.Minute), true, 45},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o.NoRefreshJitter = tc.noJitter
			sf.RefreshAt = tc.refreshAt
			e := entryOfFile(sf, &o)
			if got := time.Duration(e.refreshAt - arrived.UnixNano()).Minutes(); got != tc.wantMinutes {
				t.Fatalf("refresh point at %v min, want %v", got, tc.wantMinutes)
			}
		})
	}
}

func TestSharedDirInvalidatedCredentialsAreNotTakenFromTheFileAgain(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	dir := t.TempDir()
	c := sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil)
	first := mustRetrieve(t, c)
	c.Invalidate(first.AccessKeyID)
	if second := mustRetrieve(t, c); second.AccessKeyID == first.AccessKeyID || env.STS.Count(opWebIdentity) != 2 {
		t.Fatalf("refused credentials served again from the file (%d calls)", env.STS.Count(opWebIdentity))
	}
	if third := mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil)); third.AccessKeyID == first.AccessKeyID {
		t.Fatal("the file still holds the refused credentials")
	}
}

func TestSharedDirBadDirectoryIsRefusedAndCredentialsStillArrive(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) string
		want  string
	}{
		{"a directory others can write", func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "open")
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(d, 0o777); err != nil {
				t.Fatal(err)
			}
			return d
		}, "can be written by group or others (mode 0777): not used; make it private with chmod 700"},
		{"a directory its group can write", func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "group")
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(d, 0o770); err != nil {
				t.Fatal(err)
			}
			return d
		}, "(mode 0770): not used"},
		{"another user's", func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "theirs")
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
			chownOrSkip(t, d)
			return d
		}, "belongs to uid 65534, not to this user"},
		{"a symbolic link", func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "link")
			if err := os.Symlink(t.TempDir(), d); err != nil {
				t.Fatal(err)
			}
			return d
		}, "is a symbolic link: not used"},
		{"a file", func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(d, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return d
		}, "is not a directory: not used"},
		{"below a file", func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(d, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(d, "irsa")
		}, "shared credentials directory: lstat"},
		{"in a directory it cannot create", func(t *testing.T) string {
			if os.Geteuid() == 0 {
				t.Skip("root creates it anyway")
			}
			d := filepath.Join(t.TempDir(), "ro")
			if err := os.Mkdir(d, 0o500); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(d, "irsa")
		}, "cannot create the shared credentials directory: mkdir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			var ev events
			creds := mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, &ev))
			if !creds.HasKeys() {
				t.Fatal("no credentials")
			}
			if errs := ev.sharedErrs(); len(errs) != 1 || !strings.Contains(errs[0], tc.want) {
				t.Fatalf("SharedDirErr %q, want one with %q", errs, tc.want)
			}
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				if n := names(t, dir); len(n) != 0 {
					t.Fatalf("files written to a refused directory: %q", n)
				}
			}
		})
	}
}

func TestSharedDirBadFileIsIgnoredReportedAndReplaced(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	good := func(t *testing.T, dir string) (path string, content []byte) {
		mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil))
		path = onlyFile(t, dir)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return path, b
	}
	replace := func(t *testing.T, path string, b []byte, mode os.FileMode) {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, path string, b []byte)
		want  string
	}{
		{"readable by others (0644)", func(t *testing.T, path string, b []byte) { replace(t, path, b, 0o644) },
			"has mode 0644, not 0600: ignored"},
		{"truncated", func(t *testing.T, path string, b []byte) { replace(t, path, b[:len(b)/2], 0o600) },
			"is not a credentials document (damaged or truncated): ignored"},
		{"empty", func(t *testing.T, path string, b []byte) { replace(t, path, nil, 0o600) },
			"is not a credentials document (damaged or truncated): ignored"},
		{"not JSON, with a secret in it", func(t *testing.T, path string, b []byte) {
			replace(t, path, []byte(`{"SecretAccessKey": "hunter2-secret-in-file"`+"\x00"), 0o600)
		}, "is not a credentials document"},
		{"a time that does not parse", func(t *testing.T, path string, b []byte) {
			replace(t, path, []byte(strings.Replace(string(b), `"Expiration":"`, `"Expiration":"hunter2-secret-in-file`, 1)), 0o600)
		}, "is not a credentials document"},
		{"two documents", func(t *testing.T, path string, b []byte) { replace(t, path, append(b, b...), 0o600) },
			"is not a credentials document"},
		{"huge", func(t *testing.T, path string, b []byte) {
			replace(t, path, append(b, []byte(strings.Repeat(" ", maxSharedFile))...), 0o600)
		}, "is larger than 64 KiB: ignored"},
		{"another version", func(t *testing.T, path string, b []byte) {
			replace(t, path, []byte(strings.Replace(string(b), `"Version":1`, `"Version":2`, 1)), 0o600)
		}, "has version 2, not 1: ignored"},
		{"another key's", func(t *testing.T, path string, b []byte) {
			replace(t, path, []byte(strings.Replace(string(b), `"Key":"`, `"Key":"0`, 1)), 0o600)
		}, "is stored under another name than its key: ignored"},
		{"without a secret", func(t *testing.T, path string, b []byte) {
			replace(t, path, []byte(strings.Replace(string(b), `"SecretAccessKey":"`, `"Other":"`, 1)), 0o600)
		}, "lacks the access key ID or the secret access key: ignored"},
		{"times out of order", func(t *testing.T, path string, b []byte) {
			replace(t, path, []byte(strings.Replace(string(b), `"Arrived":"20`, `"Arrived":"29`, 1)), 0o600)
		}, "has times out of order (arrival, refresh, expiration): ignored"},
		{"another user's", func(t *testing.T, path string, b []byte) { chownOrSkip(t, path) },
			"belongs to uid 65534, not to this user"},
		{"a named pipe", func(t *testing.T, path string, b []byte) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip("no mkfifo:", err)
			}
		}, "is not a regular file (p---------): ignored"},
		{"a symbolic link to a good file", func(t *testing.T, path string, b []byte) {
			target := filepath.Join(t.TempDir(), "elsewhere")
			if err := os.Rename(path, target); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
		}, "is a symbolic link: ignored"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, b := good(t, dir)
			calls := env.STS.Count(opWebIdentity)
			tc.spoil(t, path, b)
			var ev events
			creds := mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, &ev))
			if !creds.HasKeys() || env.STS.Count(opWebIdentity) != calls+1 {
				t.Fatalf("the bad file was used, or no STS call was made")
			}
			errs := ev.sharedErrs()
			if len(errs) != 1 || !strings.Contains(errs[0], tc.want) {
				t.Fatalf("SharedDirErr %q, want one with %q", errs, tc.want)
			}
			noSecretIn(t, errs[0], "hunter2-secret-in-file", creds.SecretAccessKey, creds.SessionToken)
			fi, err := os.Lstat(path)
			if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Fatalf("the bad file was not replaced by a 0600 file: %v, %v", fi.Mode(), err)
			}
			if again := mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil)); again.AccessKeyID != creds.AccessKeyID {
				t.Fatal("the replacement is not used")
			}
		})
	}
}

// chownOrSkip gives name to uid 65534 (nobody), which only root can do.
func chownOrSkip(t *testing.T, name string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	if err := os.Lchown(name, 65534, 65534); err != nil {
		t.Skip("chown:", err)
	}
}

func noSecretIn(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("a secret in %q", s)
		}
	}
}

func TestSharedDirLockFileThatIsASymlinkIsNotFollowed(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	dir := t.TempDir()
	mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, nil))
	lock := strings.TrimSuffix(onlyFile(t, dir), ".json") + ".lock"
	target := filepath.Join(t.TempDir(), "target")
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(onlyFile(t, dir)); err != nil {
		t.Fatal(err)
	}
	var ev events
	mustRetrieve(t, sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, &ev))
	if errs := ev.sharedErrs(); len(errs) != 1 || !strings.Contains(errs[0], "lock file") || !strings.Contains(errs[0], "is a symbolic link: not used") {
		t.Fatalf("SharedDirErr %q", errs)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the link's target was created")
	}
}

func TestSharedDirReaderNeverSeesAHalfWrittenFile(t *testing.T) {
	dir := t.TempDir()
	s := newFileStore(dir)
	key := strings.Repeat("ab", 32)
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	file := func(i int) *sharedFile {
		return &sharedFile{Version: 1, Key: key, AccessKeyID: fmt.Sprintf("ASIA%d", i), SecretAccessKey: strings.Repeat("s", 1+i%4000),
			Expiration: base.Add(time.Hour), Arrived: base, RefreshAt: base.Add(45 * time.Minute)}
	}
	if err := s.write(key, file(0)); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i < 300; i++ {
			if err := s.write(key, file(i)); err != nil {
				t.Error(err)
				break
			}
		}
		close(done)
	}()
	reads := 0
	for {
		select {
		case <-done:
			wg.Wait()
			if reads == 0 {
				t.Fatal("no read")
			}
			if n := names(t, dir); len(n) != 1 {
				t.Fatalf("temporary files left behind: %q", n)
			}
			return
		default:
		}
		sf, err := s.read(key)
		if err != nil || sf == nil {
			t.Fatalf("read %d: %v", reads, err)
		}
		var i int
		if _, err := fmt.Sscanf(sf.AccessKeyID, "ASIA%d", &i); err != nil || len(sf.SecretAccessKey) != 1+i%4000 {
			t.Fatalf("read %d: a mixed file: %s with a %d-byte secret", reads, sf.AccessKeyID, len(sf.SecretAccessKey))
		}
		reads++
	}
}

func TestSharedDirFileNamesHoldNoRoleTokenOrKey(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{RoleName: "payments-role", Namespace: "payments", ServiceAccount: "api"})
	dir := t.TempDir()
	tok, err := os.ReadFile(env.TokenFile)
	if err != nil {
		t.Fatal(err)
	}
	var ev events
	c := sharedCache(t, webIdentityFor(t, env, env.TokenFile, nil), dir, nil, &ev)
	creds := mustRetrieve(t, c)
	listing := strings.Join(names(t, dir), " ")
	for _, s := range []string{"payments", "api", "111122223333", string(tok), creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken} {
		if strings.Contains(listing, s) {
			t.Errorf("the listing %q holds %q", listing, s)
		}
	}
	for _, n := range names(t, dir) {
		base, _, _ := strings.Cut(n, ".")
		if len(base) != 64 || strings.Trim(base, "0123456789abcdef") != "" {
			t.Errorf("file %q is not named by a SHA-256", n)
		}
	}
	// The Cache, its events and its status print no secret either.
	ev.mu.Lock()
	printed := fmt.Sprintf("%v %+v %#v %v %+v", c, c, c, ev.all, c.Status())
	ev.mu.Unlock()
	noSecretIn(t, printed, string(tok), creds.SecretAccessKey, creds.SessionToken)
}

func TestSharedDirRoleChainSharesEveryHop(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	target := "arn:aws:iam::444455556666:role/target"
	if err := env.STS.AddRole(fakests.Role{ARN: target, TrustPolicy: fakests.AssumeRoleTrustPolicy("111122223333", "")}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	process := func() Credentials {
		rc, err := NewRoleChain(RoleChainOptions{Source: webIdentityFor(t, env, env.TokenFile, nil),
			Roles: []AssumeRoleOptions{{RoleARN: target, SessionName: "hop", Client: lightClient(t, env.STS.URL())}},
			Cache: CacheOptions{SharedDir: dir}})
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		return mustRetrieve(t, rc)
	}
	first := process()
	if second := process(); second.AccessKeyID != first.AccessKeyID {
		t.Fatal("the second process did not share the last hop")
	}
	if w, a := env.STS.Count(opWebIdentity), env.STS.Count("AssumeRole"); w != 1 || a != 1 {
		t.Fatalf("%d web identity and %d assume role calls, want 1 and 1", w, a)
	}
	if n := names(t, dir); len(n) != 4 {
		t.Fatalf("files %q: want a file and a lock for each hop", n)
	}
}

func TestSharedDirKeepsNothingOfProvidersWithoutAKey(t *testing.T) {
	env := fakests.StartEnv(t, fakests.EnvOptions{})
	if err := env.STS.AddUser("AKIAUSEREXAMPLE", "user-secret-key", "arn:aws:iam::111122223333:user/u"); err != nil {
		t.Fatal(err)
	}
	target := "arn:aws:iam::111122223333:role/target"
	if err := env.STS.AddRole(fakests.Role{ARN: target, TrustPolicy: fakests.AssumeRoleTrustPolicy("111122223333", "")}); err != nil {
		t.Fatal(err)
	}
	static := Static{Value: Credentials{AccessKeyID: "AKIAUSEREXAMPLE", SecretAccessKey: "user-secret-key"}}
	a, err := NewAssumeRole(AssumeRoleOptions{Source: static, RoleARN: target, Client: lightClient(t, env.STS.URL())})
	if err != nil {
		t.Fatal(err)
	}
	fake, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: stsFunc{}, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]Provider{"static keys": static, "a role assumed with static keys": a} {
		dir := t.TempDir()
		var ev events
		mustRetrieve(t, sharedCache(t, p, dir, nil, &ev))
		if n := names(t, dir); len(n) != 0 || len(ev.sharedErrs()) != 0 {
			t.Errorf("%s: files %q, notes %q", name, n, ev.sharedErrs())
		}
	}
	if _, err := fake.cacheKey(context.Background()); !errors.Is(err, errNotShareable) {
		t.Errorf("an STS client of unknown endpoint: %v", err)
	}
}

// stsFunc is an STS client whose endpoint the key cannot know.
type stsFunc struct{ STS }

func TestSharedDirWaitForAnotherProcessIsBoundedByTheContext(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	name := filepath.Join(dir, "x.lock")
	unlock, err := lockFile(context.Background(), name, time.Millisecond, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a lockFile that ignored ctx would wait for ever
	if _, err := lockFile(ctx, name, time.Millisecond, time.Millisecond); !errors.Is(err, context.Canceled) {
		t.Fatalf("lockFile with a cancelled context: %v", err)
	}
}

func FuzzDecodeSharedFile(f *testing.F) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	good := fileOf("k", newEntryJitter(Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s", SessionToken: "t", Expires: base.Add(time.Hour)}, base, &CacheOptions{Mandatory: time.Minute}, 0.5))
	b, _ := json.Marshal(good)
	f.Add(b)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"Version":1,"Key":"k"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := decodeSharedFile("f", "k", b)
		if (sf == nil) == (err == nil) {
			t.Fatalf("%v, %v", sf, err)
		}
		if err != nil && len(b) > 12 && strings.Contains(err.Error(), string(b)) {
			t.Fatalf("the error quotes the file: %v", err)
		}
		if sf != nil && (sf.Key != "k" || sf.SecretAccessKey == "" || !sf.Arrived.Before(sf.Expiration)) {
			t.Fatalf("accepted %+v", sf)
		}
	})
}
