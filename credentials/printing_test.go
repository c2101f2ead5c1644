package credentials

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The providers of this package wrap other providers, which may hold static keys. Printing any
// of them, or a struct holding them (an aws.Config is commonly logged), with any verb never
// shows a secret, including where fmt cannot call methods (unexported fields).
func TestPrintingProvidersNeverShowsSecrets(t *testing.T) {
	const secret, token = "SECRETPRINTPROBE", "TOKENPRINTPROBE"
	st := Static{Value: Credentials{AccessKeyID: "AKIAPRINTPROBE000000", SecretAccessKey: secret, SessionToken: token}}
	cache := newTestCache(t, CacheOptions{Provider: st})
	defer cache.Close()
	client, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "http://127.0.0.1:1", SigningRegion: "us-east-1", Custom: true}})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := NewAssumeRole(AssumeRoleOptions{Source: st, RoleARN: "arn:aws:iam::111122223333:role/print", Client: client})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := NewRoleChain(RoleChainOptions{Source: st, Roles: []AssumeRoleOptions{{RoleARN: "arn:aws:iam::111122223333:role/print", Client: client}}})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	type private struct {
		p Provider
		c *Cache
		s aws.CredentialsProvider
		a *AssumeRole
	}
	type byValue struct {
		r AssumeRole
		s aws.CredentialsProvider
	}
	type public struct {
		P Provider
		S aws.CredentialsProvider
	}
	values := map[string]any{
		"Static":            st,
		"Cache":             cache,
		"ForSDK":            ForSDK(st),
		"ForSDK of a Cache": ForSDK(cache),
		"aws.Config":        aws.Config{Region: "eu-west-1", Credentials: ForSDK(cache)},
		"AssumeRole":        ar,
		"RoleChain":         rc,
		"unexported fields": private{p: cache, c: cache, s: ForSDK(st), a: ar},
		"exported fields":   public{P: ar, S: ForSDK(st)},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, secret) || strings.Contains(out, token) {
				t.Errorf("%s printed with %s shows a secret: %s", name, verb, out)
			}
		}
	}
	if got := fmt.Sprint(cache); !strings.Contains(got, "credentials.Cache{Provider: credentials.Static{AccessKeyID: AKIAPRINTPROBE000000}") {
		t.Errorf("a Cache should describe its provider: %s", got)
	}
	if got := fmt.Sprint(ar); !strings.Contains(got, "RoleARN: arn:aws:iam::111122223333:role/print") {
		t.Errorf("an AssumeRole should name its role: %s", got)
	}
}
