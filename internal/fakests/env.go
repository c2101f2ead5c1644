package fakests

import (
	"fmt"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
)

// EnvOptions configures an Env. The zero value is ready to use.
type EnvOptions struct {
	// Now is the clock of both the issuer and the STS server. Optional; default time.Now
	// (a *fakeoidc.Clock's Now method makes time controllable).
	Now func() time.Time
	// Account is the role's account ID. Optional; default "111122223333".
	Account string
	// RoleName is the web identity role's name. Optional; default "irsa-app".
	RoleName string
	// Namespace and ServiceAccount name the pod's service account; the role trusts exactly
	// system:serviceaccount:NAMESPACE:SERVICEACCOUNT. Optional; default "default" and "app".
	Namespace, ServiceAccount string
	// Audience is the token's audience and the provider's client ID. Optional; default
	// "sts.amazonaws.com".
	Audience string
	// MaxSessionDuration is the role's maximum session duration. Optional; default 1 hour.
	MaxSessionDuration time.Duration
	// TokenLifetime is the lifetime of minted tokens. Optional; default 24 hours.
	TokenLifetime time.Duration
	// TokenDir is the projected volume's directory. Optional; default a temporary directory
	// (t.TempDir() with StartEnv) that Close removes.
	TokenDir string
	// Region is what Getenv reports as AWS_REGION and AWS_DEFAULT_REGION. Optional; default
	// "us-east-1".
	Region string
}

// Env is an OIDC issuer and an STS server wired together the way an EKS cluster and IAM are:
// the issuer is a registered OIDC provider, one role trusts the pod's service account, and a
// token for that service account is in TokenFile.
type Env struct {
	// Issuer is the cluster's service-account token issuer.
	Issuer *fakeoidc.Issuer
	// STS is the STS server (point clients at STS.URL()).
	STS *Server
	// RoleARN is the web identity role (AWS_ROLE_ARN).
	RoleARN string
	// TokenFile is the projected token's path (AWS_WEB_IDENTITY_TOKEN_FILE).
	TokenFile string
	// Region is the region Getenv reports.
	Region string

	tokenOpts fakeoidc.TokenOptions
}

// NewEnv starts an issuer and an STS server on 127.0.0.1, registers the issuer as an OIDC
// provider, adds the role and mints the first token. Call Close when done.
func NewEnv(opts EnvOptions) (*Env, error) {
	if opts.Account == "" {
		opts.Account = "111122223333"
	}
	if opts.RoleName == "" {
		opts.RoleName = "irsa-app"
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.ServiceAccount == "" {
		opts.ServiceAccount = "app"
	}
	if opts.Audience == "" {
		opts.Audience = fakeoidc.DefaultAudience
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	iss, err := fakeoidc.New(fakeoidc.Options{Now: opts.Now, TokenDir: opts.TokenDir})
	if err != nil {
		return nil, err
	}
	srv := New(Options{Now: opts.Now})
	e := &Env{
		Issuer:    iss,
		STS:       srv,
		RoleARN:   "arn:aws:iam::" + opts.Account + ":role/" + opts.RoleName,
		TokenFile: iss.TokenFile(),
		Region:    opts.Region,
		tokenOpts: fakeoidc.TokenOptions{
			Namespace:      opts.Namespace,
			ServiceAccount: opts.ServiceAccount,
			Audience:       []string{opts.Audience},
			Lifetime:       opts.TokenLifetime,
		},
	}
	sub := "system:serviceaccount:" + opts.Namespace + ":" + opts.ServiceAccount
	if err := e.setup(opts, sub); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func (e *Env) setup(opts EnvOptions, sub string) error {
	if err := e.STS.AddOIDCProvider(e.Issuer.URL(), opts.Audience); err != nil {
		return err
	}
	err := e.STS.AddRole(Role{
		ARN:                e.RoleARN,
		TrustPolicy:        WebIdentityTrustPolicy(opts.Account, e.Issuer.URL(), sub, opts.Audience),
		MaxSessionDuration: opts.MaxSessionDuration,
	})
	if err != nil {
		return err
	}
	_, err = e.RotateToken()
	return err
}

// StartEnv is NewEnv for tests: it fails t on error, keeps the token in t.TempDir() and closes
// everything when t ends.
func StartEnv(t TB, opts EnvOptions) *Env {
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
func (e *Env) RotateToken() (string, error) {
	tok, err := e.Issuer.Mint(e.tokenOpts)
	if err != nil {
		return "", fmt.Errorf("fakests: minting the token: %w", err)
	}
	return tok, nil
}

// Getenv answers like os.Getenv would in a pod on EKS, where the pod identity webhook injects
// AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_REGION, AWS_DEFAULT_REGION and
// AWS_STS_REGIONAL_ENDPOINTS=regional; it adds AWS_ENDPOINT_URL_STS (the fake STS) and answers
// "" for anything else. Pass it wherever a Getenv func is injected.
func (e *Env) Getenv(key string) string {
	switch key {
	case "AWS_ROLE_ARN":
		return e.RoleARN
	case "AWS_WEB_IDENTITY_TOKEN_FILE":
		return e.TokenFile
	case "AWS_ENDPOINT_URL_STS":
		return e.STS.URL()
	case "AWS_REGION", "AWS_DEFAULT_REGION":
		return e.Region
	case "AWS_STS_REGIONAL_ENDPOINTS":
		return "regional"
	}
	return ""
}

var envVars = []string{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS"}

// Environ returns the variables Getenv answers, as KEY=VALUE lines for exec.Cmd.Env.
func (e *Env) Environ() []string {
	var out []string
	for _, k := range envVars {
		out = append(out, k+"="+e.Getenv(k))
	}
	return out
}
