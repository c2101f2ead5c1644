//go:build unix

package chain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/credentials"
)

// Options.Cache.SharedDir reaches every Cache Resolve builds: processes resolving the same
// chain (web identity, then a role in another account) make one call per step between them,
// and a profile with static keys leaves nothing in the directory.
func TestResolveSharesEveryStepThroughCacheSharedDir(t *testing.T) {
	f := startSTSFixture(t)
	home := t.TempDir()
	dir := filepath.Join(home, "cache", "irsa")
	config := "[profile web]\nrole_arn = " + f.env.RoleARN + "\nweb_identity_token_file = {TOKEN}\n" +
		"[profile cross]\nrole_arn = " + roleCross + "\nsource_profile = web\nrole_session_name = cross\n" +
		"[profile static]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = static-secret\n"
	env := f.writeHome(t, scenario{config: config, env: map[string]string{"AWS_ENDPOINT_URL_STS": "{STS}", "AWS_REGION": "us-east-1"}}, home)
	process := func(profile string) credentials.Credentials {
		t.Helper()
		res, err := Resolve(context.Background(), Options{Profile: profile, Getenv: func(k string) string { return env[k] }, HomeDir: home,
			Cache: credentials.CacheOptions{SharedDir: dir}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		c, err := res.Provider.Retrieve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := process("cross")
	for range 3 {
		if c := process("cross"); c.AccessKeyID != first.AccessKeyID {
			t.Fatal("a later process did not share the credentials")
		}
	}
	if w, a := f.env.STS.Count("AssumeRoleWithWebIdentity"), f.env.STS.Count("AssumeRole"); w != 1 || a != 1 {
		t.Fatalf("4 processes made %d web identity and %d assume role calls, want 1 and 1", w, a)
	}
	process("web") // the web identity step of "cross" under its own name: the same file
	if w := f.env.STS.Count("AssumeRoleWithWebIdentity"); w != 1 {
		t.Fatalf("the web profile's credentials were not the shared first step's (%d calls)", w)
	}
	before := len(list(t, dir))
	process("static")
	if after := list(t, dir); len(after) != before || before != 4 {
		t.Fatalf("files %q (before static: %d), want a file and a lock per step", after, before)
	}
}

func list(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
		if strings.Contains(e.Name(), "static") {
			t.Errorf("file name %q", e.Name())
		}
	}
	return out
}
