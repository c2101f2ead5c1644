package chain

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

const explainToken = "explain-authorization-token-0123456789"

func lastSource(exp *Explanation) SourceReport { return exp.Sources[len(exp.Sources)-1] }

func TestExplainContainerSource(t *testing.T) {
	for _, tc := range []struct {
		name        string
		kv          []string
		config      string
		want        []string // in Explanation.String
		wantSources int      // the container source's position, from 1
	}{
		{name: "a full URI with a token variable shows the URI and that a token is set",
			kv: []string{envContainerFullURI, "http://127.0.0.1:1/creds", envContainerToken, explainToken},
			want: []string{"11. container credentials: chosen: AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
				"1. container credentials from http://127.0.0.1:1/creds",
				"AWS_CONTAINER_CREDENTIALS_FULL_URI = http://127.0.0.1:1/creds (from env)",
				"AWS_CONTAINER_AUTHORIZATION_TOKEN = [set] (from env)"}},
		{name: "a token file is named, and wins over the variable",
			kv: []string{envContainerFullURI, "http://169.254.170.23/v1/credentials", envContainerTokenFile, "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token", envContainerToken, explainToken},
			want: []string{"container credentials from http://169.254.170.23/v1/credentials",
				"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token (from env)",
				"note: AWS_CONTAINER_AUTHORIZATION_TOKEN is set but ignored: the token file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names comes first, as in the AWS CLI"}},
		{name: "the relative URI wins over the full URI",
			kv: []string{envContainerRelativeURI, "/v2/credentials/task-id", envContainerFullURI, "http://127.0.0.1:1/creds"},
			want: []string{"container credentials: chosen: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set",
				"container credentials from http://169.254.170.2/v2/credentials/task-id",
				"note: AWS_CONTAINER_CREDENTIALS_FULL_URI is set but ignored: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI comes first, as in the AWS CLI"}},
		{name: "credential_source EcsContainer makes the container the role's source",
			kv:     []string{"AWS_PROFILE", "p", envContainerFullURI, "http://localhost:9/creds"},
			config: "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/r\ncredential_source = EcsContainer\n",
			want: []string{"2. assume role (profile p): chosen: profile p has role_arn (~/.aws/config line 2) and credential_source EcsContainer",
				"1. container credentials from http://localhost:9/creds",
				"2. AssumeRole arn:aws:iam::111111111111:role/r, session name generated, profile p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t, tc.config, "", tc.kv...)
			exp, err := explain(t, h.opts())
			if err != nil {
				t.Fatal(err)
			}
			text := exp.String()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("explanation does not say %q:\n%s", w, text)
				}
			}
			if exp.Steps[0].Kind != StepContainer || exp.Steps[0].Kind.String() != "container credentials" {
				t.Errorf("first step %v", exp.Steps[0].Kind)
			}
			for _, v := range []string{text, fmt.Sprintf("%#v", exp), fmt.Sprintf("%+v", exp)} {
				if strings.Contains(v, explainToken) {
					t.Errorf("the explanation shows the token:\n%s", v)
				}
			}
		})
	}
}

func TestContainerSourceIsSkippedWithoutItsVariables(t *testing.T) {
	h := newHome(t, "", "", envContainerFullURI, "  ")
	exp, _ := explain(t, h.opts())
	want := SourceReport{Name: "container credentials", Status: Skipped, Reason: "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS) nor AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity) is set"}
	if got := exp.Sources[len(exp.Sources)-2]; got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestContainerSourceRefusesBadSettingsBeforeAnyRequest(t *testing.T) {
	for _, tc := range []struct {
		name string
		kv   []string
		want string
	}{
		{name: "a host that is not allowed",
			kv: []string{envContainerFullURI, "http://example.com/creds", envContainerToken, explainToken},
			want: `chain: step 1 (container credentials from http://example.com/creds): credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI="http://example.com/creds": the host example.com is not allowed: ` +
				`over http only a loopback address (127.0.0.0/8, ::1, localhost), the ECS agent's 169.254.170.2 or the EKS Pod Identity agent's 169.254.170.23 or fd00:ec2::23 is allowed, as in the AWS SDKs; any host is allowed over https; ` +
				`AWS_CONTAINER_CREDENTIALS_FULL_URI from env; AWS_CONTAINER_AUTHORIZATION_TOKEN from env`},
		{name: "a password in the URL",
			kv:   []string{envContainerFullURI, "http://user:" + explainToken + "@127.0.0.1:1/creds"},
			want: `chain: step 1 (container credentials from http://[redacted]@127.0.0.1:1/creds): credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI="http://[redacted]@127.0.0.1:1/creds" holds a user name or password`},
		{name: "a token with a line break",
			kv:   []string{envContainerFullURI, "http://127.0.0.1:1/creds", envContainerToken, explainToken + "\r\nX-Injected: 1"},
			want: `credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN holds a line break, which an HTTP header cannot hold`},
		{name: "credential_source EcsContainer with a host that is not allowed",
			kv:   []string{"AWS_PROFILE", "p", envContainerFullURI, "http://10.1.2.3/creds"},
			want: `chain: step 1 (container credentials from http://10.1.2.3/creds): credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI="http://10.1.2.3/creds": the host 10.1.2.3 is not allowed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t, "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/r\ncredential_source = EcsContainer\n", "", tc.kv...)
			exp, err := explain(t, h.opts())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error:\n%v\nwant it to contain\n%s", err, tc.want)
			}
			if !credentials.IsNonRecoverable(err) {
				t.Error("the error is recoverable")
			}
			if s := lastSource(exp); s.Status != Failed {
				t.Errorf("last source %+v, want failed", s)
			}
			for _, v := range []string{err.Error(), exp.String(), fmt.Sprintf("%#v", exp)} {
				if strings.Contains(v, explainToken) {
					t.Errorf("the token is shown:\n%s", v)
				}
			}
		})
	}
}

func TestResolveContainerRereadsTheRotatingTokenFile(t *testing.T) {
	leakcheck.Check(t)
	file := filepath.Join(t.TempDir(), "eks-pod-identity-token")
	agent, err := fakecontainer.New(fakecontainer.Options{TokenFile: file, Credentials: func(context.Context) (credentials.Credentials, error) {
		return credentials.Credentials{AccessKeyID: keyContainer, SecretAccessKey: "s", SessionToken: "t", Expires: time.Now().Add(time.Hour)}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Close()
	h := newHome(t, "", "", envContainerFullURI, agent.URL(), envContainerTokenFile, file)
	for i := range 2 { // each Resolve has a fresh Cache: each Retrieve asks the agent
		c, res, err := resolveAndRetrieve(h.opts())
		if err != nil {
			t.Fatalf("retrieve %d: %v", i, err)
		}
		res.Close()
		if c.AccessKeyID != keyContainer || c.Source != "container" {
			t.Errorf("got %v", c)
		}
		if _, err := agent.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	if r := agent.Requests(); len(r) != 2 || r[1].Authorization != "valid" {
		t.Errorf("requests %+v", r)
	}
}
