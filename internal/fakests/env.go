package fakests

import (
	"cmp"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
)

// EnvOptions configures an Env. The zero value is ready to use; every field is optional.
type EnvOptions struct {
	// Now is the clock of the issuer and the STS server; default time.Now (a
	// *fakeoidc.Clock's Now makes time controllable).
	Now func() time.Time
	// Account and RoleName name the web identity role; default "111122223333" and "irsa-app".
	Account, RoleName string
	// Namespace and ServiceAccount name the pod's service account, which the role trusts;
	// default "default" and "app".
	Namespace, ServiceAccount string
	// MaxSessionDuration is the role's maximum session duration; default 1 hour.
	MaxSessionDuration time.Duration
	// TokenDir is the projected volume's directory; default a temporary directory (t.TempDir()
	// with StartEnv) that Close removes.
	TokenDir string
	// Region is what Getenv reports as AWS_REGION and AWS_DEFAULT_REGION; default "us-east-1".
	Region string
}

// Env is an OIDC issuer and an STS server wired together the way an EKS cluster and IAM are:
// the issuer is a registered OIDC provider (audience sts.amazonaws.com), one role trusts the
// pod's service account, and a token for that service account is in TokenFile.
type Env struct {
	// Issuer is the cluster's service-account token issuer; STS the fake STS.
	Issuer *fakeoidc.Issuer
	STS    *Server
	// RoleARN (AWS_ROLE_ARN), TokenFile (AWS_WEB_IDENTITY_TOKEN_FILE) and Region are what
	// Getenv reports.
	RoleARN, TokenFile, Region string

	token fakeoidc.TokenOptions
}

// NewEnv starts an issuer and an STS server on 127.0.0.1, registers the issuer as an OIDC
// provider, adds the role and mints the first token. Call Close when done.
func NewEnv(opts EnvOptions) (*Env, error) {
	account, ns, sa := cmp.Or(opts.Account, "111122223333"), cmp.Or(opts.Namespace, "default"), cmp.Or(opts.ServiceAccount, "app")
	iss, err := fakeoidc.New(fakeoidc.Options{Now: opts.Now, TokenDir: opts.TokenDir})
	if err != nil {
		return nil, err
	}
	e := &Env{Issuer: iss, STS: New(Options{Now: opts.Now}), RoleARN: "arn:aws:iam::" + account + ":role/" + cmp.Or(opts.RoleName, "irsa-app"),
		TokenFile: iss.TokenFile(), Region: cmp.Or(opts.Region, "us-east-1"), token: fakeoidc.TokenOptions{Namespace: ns, ServiceAccount: sa}}
	e.STS.AddOIDCProvider(iss.URL(), fakeoidc.DefaultAudience)
	trust := WebIdentityTrustPolicy(account, iss.URL(), "system:serviceaccount:"+ns+":"+sa, fakeoidc.DefaultAudience)
	if err = e.STS.AddRole(Role{ARN: e.RoleARN, TrustPolicy: trust, MaxSessionDuration: opts.MaxSessionDuration}); err == nil {
		_, err = e.RotateToken()
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// StartEnv is NewEnv for tests: it fails t on error, keeps the token in t.TempDir() and closes
// everything when t ends.
func StartEnv(t testing.TB, opts EnvOptions) *Env {
	t.Helper()
	if opts.TokenDir == "" {
		opts.TokenDir = t.TempDir()
	}
	e, err := NewEnv(opts)
	if err != nil {
		t.Fatalf("fakests.StartEnv: %v", err)
	}
	t.Cleanup(e.Close)
	return e
}

// Close stops the STS server and the issuer.
func (e *Env) Close() {
	e.STS.Close()
	e.Issuer.Close()
}

// RotateToken mints a fresh token for the env's service account into TokenFile (a kubelet-style
// rotation) and returns it.
func (e *Env) RotateToken() (string, error) { return e.Issuer.Mint(e.token) }

// Getenv answers like os.Getenv in a pod on EKS, where the pod identity webhook injects
// AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_REGION, AWS_DEFAULT_REGION and
// AWS_STS_REGIONAL_ENDPOINTS=regional; it adds AWS_ENDPOINT_URL_STS (the fake STS) and answers
// "" for anything else. Pass it wherever a Getenv func is injected.
func (e *Env) Getenv(key string) string {
	return map[string]string{
		"AWS_ROLE_ARN": e.RoleARN, "AWS_WEB_IDENTITY_TOKEN_FILE": e.TokenFile, "AWS_ENDPOINT_URL_STS": e.STS.URL(),
		"AWS_REGION": e.Region, "AWS_DEFAULT_REGION": e.Region, "AWS_STS_REGIONAL_ENDPOINTS": "regional",
	}[key]
}
