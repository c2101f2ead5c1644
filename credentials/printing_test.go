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

// The container, process and SSO providers print as their kind and their non-secret settings,
// alone, inside a Cache, as an AssumeRole's source and inside structs; never the authorization
// token, a URL's query, the command's arguments or a start URL's password.
func TestPrintingContainerProcessAndSSOProvidersNeverShowsSecrets(t *testing.T) {
	const (
		authToken   = "AUTHTOKENPRINTPROBE0123456789"
		querySecret = "QUERYPRINTPROBE"
		argSecret   = "ARGPRINTPROBE"
		ssoPassword = "SSOPASSWORDPRINTPROBE"
	)
	env := map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/v1/credentials?sig=" + querySecret,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN":  authToken,
	}
	withToken, err := NewContainer(ContainerOptions{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
	withFile, err := NewContainer(ContainerOptions{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	proc, err := NewProcess(ProcessOptions{Command: "/usr/local/bin/helper --token " + argSecret, Setting: "profile dev, ~/.aws/config line 3"})
	if err != nil {
		t.Fatal(err)
	}
	sso, err := NewSSO(SSOOptions{StartURL: "https://me:" + ssoPassword + "@my-portal.awsapps.com/start", Region: "eu-west-1",
		AccountID: "111122223333", RoleName: "Admin", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ssoSession, err := NewSSO(SSOOptions{SessionName: "corp", Region: "eu-west-1", AccountID: "111122223333", RoleName: "Admin", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "http://127.0.0.1:1", SigningRegion: "us-east-1", Custom: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    Provider
		want string
	}{
		{"container with a token variable", withToken,
			"credentials.Container{URL: http://127.0.0.1:1/v1/credentials?… (AWS_CONTAINER_CREDENTIALS_FULL_URI), Authorization: AWS_CONTAINER_AUTHORIZATION_TOKEN}"},
		{"container with a token file", withFile,
			"credentials.Container{URL: http://127.0.0.1:1/v1/credentials?… (AWS_CONTAINER_CREDENTIALS_FULL_URI), Authorization: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token}"},
		{"process", proc, `credentials.Process{Program: "/usr/local/bin/helper", Setting: profile dev, ~/.aws/config line 3}`},
		{"SSO with a start URL", sso, "credentials.SSO{StartURL: https://[redacted]@my-portal.awsapps.com/start, AccountID: 111122223333, RoleName: Admin}"},
		{"SSO with an sso-session", ssoSession, "credentials.SSO{SessionName: corp, AccountID: 111122223333, RoleName: Admin}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := newTestCache(t, CacheOptions{Provider: tc.p})
			defer cache.Close()
			ar, err := NewAssumeRole(AssumeRoleOptions{Source: tc.p, RoleARN: "arn:aws:iam::111122223333:role/print", Client: client})
			if err != nil {
				t.Fatal(err)
			}
			type private struct {
				p Provider
				c *Cache
			}
			type public struct {
				P Provider
				S any
			}
			values := map[string]any{
				"provider":          tc.p,
				"Cache":             cache,
				"ForSDK":            ForSDK(tc.p),
				"AssumeRole":        ar,
				"unexported fields": private{p: tc.p, c: cache},
				"exported fields":   public{P: tc.p, S: ForSDK(cache)},
			}
			for name, v := range values {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
					out := fmt.Sprintf(verb, v)
					// fmt cannot call String through an unexported field, and for a verb that does
					// not fit a pointer it prints the fields it points to: each provider keeps its
					// state where fmt never looks (hidden), so "unexported fields" is held to the
					// same rule (see also TestPrintingProvidersInUnexportedFieldsShowsNoneOfTheirState).
					for _, secret := range []string{authToken, querySecret, argSecret, ssoPassword} {
						if strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) {
							t.Errorf("%s printed with %s shows a secret: %s", name, verb, out)
						}
					}
				}
			}
			if got := fmt.Sprint(tc.p); got != tc.want {
				t.Errorf("printed as\n%s\nwant\n%s", got, tc.want)
			}
			if got := fmt.Sprintf("%q", tc.p); got != fmt.Sprintf("%q", tc.want) {
				t.Errorf("%%q: %s", got)
			}
			for name, v := range map[string]any{"Cache": cache, "ForSDK": ForSDK(tc.p), "AssumeRole": ar} {
				if got := fmt.Sprint(v); !strings.Contains(got, tc.want) {
					t.Errorf("a %s does not name its provider as %s: %s", name, tc.want, got)
				}
			}
		})
	}
}

// A struct of the user's that holds one of the container, process, SSO or IMDS providers (or a
// Cache, an AssumeRole or ForSDK around one) in an unexported field shows none of the provider's
// state, whatever the verb: fmt cannot call String through an unexported field, and for a verb
// that does not fit a pointer (%s, %q) it prints the fields the pointer leads to. The probes are
// the secrets a configuration may hold (a URL's query, a command's argument, a start URL's user
// information) and plain settings (a path, a program, a host), which must not appear either.
func TestPrintingProvidersInUnexportedFieldsShowsNoneOfTheirState(t *testing.T) {
	env := map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "http://127.0.0.1:1/CONTAINERPATHPROBE?sig=CONTAINERQUERYPROBE",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/run/TOKENFILEPROBE/token",
	}
	container, err := NewContainer(ContainerOptions{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	proc, err := NewProcess(ProcessOptions{Command: "/usr/local/bin/PROGRAMPROBE --token ARGSECRETPROBE", Setting: "profile SETTINGPROBE"})
	if err != nil {
		t.Fatal(err)
	}
	sso, err := NewSSO(SSOOptions{StartURL: "https://USERPROBE:PASSWORDPROBE@PORTALPROBE.awsapps.com/start", Region: "eu-west-1",
		AccountID: "111122223333", RoleName: "ROLEPROBE", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	imds, err := NewIMDS(IMDSOptions{Endpoint: "http://127.0.0.1:1/IMDSPATHPROBE"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(imds), "credentials.IMDS{Endpoint: http://127.0.0.1:1/IMDSPATHPROBE, IMDSv1 fallback allowed}"; got != want {
		t.Errorf("IMDS printed as\n%s\nwant\n%s", got, want)
	}
	client, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: "http://127.0.0.1:1", SigningRegion: "us-east-1", Custom: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		p      Provider
		probes []string
	}{
		{"container", container, []string{"CONTAINERPATHPROBE", "CONTAINERQUERYPROBE", "TOKENFILEPROBE"}},
		{"process", proc, []string{"PROGRAMPROBE", "ARGSECRETPROBE", "SETTINGPROBE"}},
		{"SSO", sso, []string{"USERPROBE", "PASSWORDPROBE", "PORTALPROBE", "ROLEPROBE"}},
		{"IMDS", imds, []string{"IMDSPATHPROBE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := newTestCache(t, CacheOptions{Provider: tc.p})
			defer cache.Close()
			ar, err := NewAssumeRole(AssumeRoleOptions{Source: tc.p, RoleARN: "arn:aws:iam::111122223333:role/print", Client: client})
			if err != nil {
				t.Fatal(err)
			}
			type private struct {
				p Provider
				c *Cache
				a *AssumeRole
				s aws.CredentialsProvider
			}
			values := map[string]any{
				"the provider":     private{p: tc.p},
				"a Cache":          private{c: cache},
				"an AssumeRole":    private{a: ar},
				"ForSDK":           private{s: ForSDK(tc.p)},
				"all of them":      private{p: tc.p, c: cache, a: ar, s: ForSDK(cache)},
				"a pointer to one": &private{p: tc.p, c: cache},
			}
			for name, v := range values {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
					out := fmt.Sprintf(verb, v)
					for _, probe := range tc.probes {
						if strings.Contains(out, probe) || strings.Contains(out, fmt.Sprintf("%x", probe)) {
							t.Errorf("a struct holding %s in an unexported field, printed with %s, shows %s: %s", name, verb, probe, out)
						}
					}
				}
			}
		})
	}
}
