package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/fakests"
)

// The demo's cast: a pod's service account in account 111122223333, its IRSA role, and a role in
// another account (444455556666) that owns the bucket and trusts the pod's role.
const (
	demoPodAccount    = "111122223333"
	demoBucketAccount = "444455556666"
	demoNamespace     = "demo"
	demoSA            = "s3ls"
	demoPodRole       = "irsa-demo"
	demoCrossRole     = "arn:aws:iam::" + demoBucketAccount + ":role/demo-reader"
	demoExternalID    = "s3ls-demo"
	demoPodBucket     = "team-" + demoPodAccount
	demoBucket        = "shared-reports-" + demoBucketAccount
	// The second pod uses EKS Pod Identity: the agent (here a fake on 127.0.0.1, in a cluster at
	// 169.254.170.23) gets its role's credentials from AWS with its own identity.
	demoPodIdentityRole  = "arn:aws:iam::" + demoPodAccount + ":role/pod-identity-demo"
	demoAgentKey         = "AKIAPODIDENTITYAGENT"
	demoAgentUser        = "arn:aws:iam::" + demoPodAccount + ":user/eks-pod-identity-agent"
	demoAgentFakeSecret  = "fake-agent-secret"
	demoPodIdentityLabel = "pod-identity-demo"
)

// demo runs the whole flow offline: a fake EKS OIDC issuer, a fake STS and a fake S3 on
// 127.0.0.1; a projected service-account token; credentials resolved by chain from the
// environment an EKS pod gets (web identity), then from a cross-account role profile, then in a
// second pod from a fake EKS Pod Identity agent (container credentials, a rotating token); and
// listings signed with them. It reads nothing of the real environment or ~/.aws.
func (a *app) demo(ctx context.Context, opts *options) int {
	// Everything goes to stdout, in order, with each credential fetch logged.
	a.stderr = a.stdout
	a.logRefreshes = true
	if err := a.runDemo(ctx, opts); err != nil {
		fmt.Fprintf(a.stdout, "\ns3ls -demo failed: %v\n", err)
		return exitError
	}
	return exitOK
}

func (a *app) runDemo(ctx context.Context, opts *options) error {
	p := func(format string, args ...any) { fmt.Fprintf(a.stdout, format+"\n", args...) }
	dir, err := os.MkdirTemp("", "s3ls-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	p("s3ls -demo: the IRSA flow end to end, on 127.0.0.1 only. No AWS account, no network,")
	p("and nothing read from your environment or ~/.aws.")
	p("")

	env, err := fakests.NewEnv(fakests.EnvOptions{
		Account: demoPodAccount, RoleName: demoPodRole, Namespace: demoNamespace, ServiceAccount: demoSA,
		TokenDir: filepath.Join(dir, "serviceaccount"),
	})
	if err != nil {
		return fmt.Errorf("starting the fake issuer and STS: %w", err)
	}
	defer env.Close()
	p("1. A fake EKS OIDC issuer serves its discovery document and signing keys at")
	p("   %s", env.Issuer.URL())
	p("   and, like the kubelet, has written a projected service-account token for")
	p("   system:serviceaccount:%s:%s (audience sts.amazonaws.com) to", demoNamespace, demoSA)
	p("   %s", env.TokenFile)
	p("")

	err = env.STS.AddRole(fakests.Role{ARN: demoCrossRole, TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, demoExternalID)})
	if err != nil {
		return err
	}
	p("2. A fake STS at %s knows the issuer as an OIDC provider and two roles:", env.STS.URL())
	p("   %s  trusts that service account's tokens (IRSA)", env.RoleARN)
	p("   %s  in another account trusts %s", demoCrossRole, demoPodRole)
	p("   with external ID %q. It checks token signatures against the issuer's keys, and SigV4.", demoExternalID)
	p("")

	s3, err := fakes3.New(fakes3.Options{Region: env.Region, Credentials: env.STS.LookupIssued})
	if err != nil {
		return err
	}
	defer s3.Close()
	if err := demoBuckets(s3); err != nil {
		return err
	}
	p("3. A fake S3 at %s accepts only requests signed (SigV4) with credentials the fake", s3.URL())
	p("   STS issued, session token included. s3://%s is readable by %s sessions,", demoPodBucket, demoPodRole)
	p("   s3://%s only by demo-reader sessions.", demoBucket)
	p("")

	config := filepath.Join(dir, "config")
	configText := fmt.Sprintf("[profile pod]\nrole_arn = %s\nweb_identity_token_file = %s\n\n[profile cross]\nrole_arn = %s\nsource_profile = pod\nexternal_id = %s\nrole_session_name = s3ls-demo\n",
		env.RoleARN, env.TokenFile, demoCrossRole, demoExternalID)
	if err := os.WriteFile(config, []byte(configText), 0o600); err != nil {
		return err
	}
	vars := map[string]string{
		"AWS_ENDPOINT_URL_S3":         s3.URL(),
		"AWS_CONFIG_FILE":             config,
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"HOME":                        dir,
	}
	for _, k := range []string{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_ENDPOINT_URL_STS"} {
		vars[k] = env.Getenv(k)
	}
	getenv := func(k string) string { return vars[k] }
	base := sessionOptions{Getenv: getenv} // the files and "~" come from these variables, as in a pod
	p("4. The environment the EKS pod identity webhook gives a pod, plus the fakes' endpoints")
	p("   (s3ls uses this instead of its own environment):")
	for _, k := range []string{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_S3", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HOME"} {
		p("     %s=%s", k, vars[k])
	}
	p("   and %s holds a cross-account profile:", config)
	for _, line := range strings.Split(strings.TrimSpace(configText), "\n") {
		p("%s", strings.TrimRight("     "+line, " "))
	}

	// Steps 5 and 6 share one session, as one process would; step 7 is a second process with
	// AWS_PROFILE=cross.
	podOpts := *opts
	podOpts.Demo, podOpts.Explain = false, true
	title := func(s string) {
		p("")
		p("%s", s)
		p("%s", strings.Repeat("-", min(len(s), 100)))
	}
	title("5. Web identity, as in any pod with IRSA: s3ls --explain s3://" + demoPodBucket)
	sess, client, err := a.openSession(ctx, &podOpts, base)
	if err != nil {
		return err
	}
	defer sess.close()
	a.explain(sess, client)
	podOpts.Bucket = demoPodBucket
	if code := a.list(ctx, &podOpts, client); code != exitOK {
		return fmt.Errorf("listing s3://%s failed", demoPodBucket)
	}

	title("6. The pod's role may not list the other account's bucket (an error, on purpose)")
	podOpts.Bucket = demoBucket
	if code := a.list(ctx, &podOpts, client); code == exitOK {
		return fmt.Errorf("listing s3://%s with the pod's own role succeeded; the fake S3 should have refused it", demoBucket)
	}

	title("7. Cross-account: s3ls --profile cross --explain --recursive --human-readable --summarize s3://" + demoBucket)
	crossOpts := *opts
	crossOpts.Demo, crossOpts.Explain, crossOpts.Profile, crossOpts.Bucket = false, true, "cross", demoBucket
	crossOpts.Recursive, crossOpts.HumanReadable, crossOpts.Summarize = true, true, true
	if code := a.listWithSession(ctx, &crossOpts, base); code != exitOK {
		return fmt.Errorf("the cross-account listing failed")
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	agent, err := a.demoPodIdentity(ctx, opts, dir, env, s3, title)
	if err != nil {
		return err
	}
	defer agent.Close()

	p("")
	p("9. What the fakes saw")
	p("   STS:")
	for _, c := range env.STS.Calls() {
		p("     %s", c)
	}
	p("   S3:")
	for _, r := range s3.Requests() {
		result := "200 OK"
		if r.Code != "" {
			result = fmt.Sprintf("%d %s", r.Status, r.Code)
		}
		token := "without a session token"
		if r.SessionToken {
			token = "with its session token"
		}
		p("     %s s3://%s signed by %s (%s) %s -> %s", r.Operation, r.Bucket, r.AccessKeyID, r.Identity, token, result)
	}
	p("   The Pod Identity agent:")
	for _, r := range agent.Requests() {
		p("     GET %s with the %s token -> %d", r.Path, r.Authorization, r.Status)
	}
	p("")
	p("Every credential above came from a token file, through STS or the Pod Identity agent; none was")
	p("configured. In a real pod the same command needs nothing but the environment EKS gives it:")
	p("s3ls s3://YOUR-BUCKET")
	return nil
}

// demoPodIdentity runs a second pod beside the IRSA one: its service account has an EKS Pod
// Identity association, so EKS gives it AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE instead of a role ARN, and the Pod Identity agent serves
// the role's credentials to whoever shows the pod's token. The token rotates between the two
// listings. The agent is returned for its record; the caller closes it.
func (a *app) demoPodIdentity(ctx context.Context, opts *options, dir string, env *fakests.Env, s3 *fakes3.Server, title func(string)) (*fakecontainer.Server, error) {
	p := func(format string, args ...any) { fmt.Fprintf(a.stdout, format+"\n", args...) }
	if err := env.STS.AddUser(demoAgentKey, demoAgentFakeSecret, demoAgentUser); err != nil {
		return nil, err
	}
	if err := env.STS.AddRole(fakests.Role{ARN: demoPodIdentityRole, TrustPolicy: fakests.AssumeRoleTrustPolicy(demoAgentUser, "")}); err != nil {
		return nil, err
	}
	client, err := credentials.NewClient(credentials.ClientOptions{Endpoint: credentials.Endpoint{URL: env.STS.URL(), SigningRegion: env.Region}})
	if err != nil {
		return nil, err
	}
	role, err := credentials.NewAssumeRole(credentials.AssumeRoleOptions{RoleARN: demoPodIdentityRole, SessionName: "eks-demo-s3ls-pod", Client: client,
		Source: credentials.Static{Value: credentials.Credentials{AccessKeyID: demoAgentKey, SecretAccessKey: demoAgentFakeSecret}}})
	if err != nil {
		return nil, err
	}
	tokenDir := filepath.Join(dir, "pods.eks.amazonaws.com", "serviceaccount")
	if err := os.MkdirAll(tokenDir, 0o700); err != nil {
		return nil, err
	}
	tokenFile := filepath.Join(tokenDir, "eks-pod-identity-token")
	agent, err := fakecontainer.New(fakecontainer.Options{TokenFile: tokenFile, Credentials: role.Retrieve})
	if err != nil {
		return nil, err
	}
	vars := map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     agent.URL(),
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
		"AWS_REGION":                             env.Region,
		"AWS_DEFAULT_REGION":                     env.Region,
		"AWS_ENDPOINT_URL_S3":                    s3.URL(),
		"AWS_CONFIG_FILE":                        filepath.Join(dir, "pod-identity-config"),
		"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(dir, "pod-identity-credentials"),
		"HOME":                                   dir,
	}
	title("8. A second pod, with EKS Pod Identity instead of IRSA: s3ls --explain s3://" + demoPodBucket)
	p("A fake EKS Pod Identity agent at %s (in a cluster: http://169.254.170.23/v1/credentials)", agent.URL())
	p("serves the credentials of %s, which it gets from STS with its own identity,", demoPodIdentityRole)
	p("to requests that carry the pod's token. EKS gives the pod this environment, with no role ARN:")
	for _, k := range []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_S3", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HOME"} {
		p("     %s=%s", k, vars[k])
	}
	base := sessionOptions{Getenv: func(k string) string { return vars[k] }}
	podOpts := *opts
	podOpts.Demo, podOpts.Explain, podOpts.Bucket = false, true, demoPodBucket
	if code := a.listWithSession(ctx, &podOpts, base); code != exitOK {
		agent.Close()
		return nil, fmt.Errorf("the Pod Identity listing failed")
	}
	if _, err := agent.Rotate(); err != nil {
		agent.Close()
		return nil, err
	}
	p("")
	p("The kubelet rotates the pod's token (the agent now refuses the old one); the next process reads")
	p("the file again: s3ls s3://%s", demoPodBucket)
	podOpts.Explain = false
	if code := a.listWithSession(ctx, &podOpts, base); code != exitOK {
		agent.Close()
		return nil, fmt.Errorf("the Pod Identity listing after the token rotated failed")
	}
	return agent, ctx.Err()
}

// demoBuckets fills the fake S3.
func demoBuckets(s3 *fakes3.Server) error {
	created := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	day := func(d int, hour int) time.Time { return time.Date(2026, 3, d, hour, 15, 42, 0, time.UTC) }
	podRole := ":assumed-role/" + demoPodRole + "/"
	podIdentityRole := ":assumed-role/" + demoPodIdentityLabel + "/"
	crossRole := ":assumed-role/demo-reader/"
	if err := s3.AddBucket(fakes3.Bucket{Name: demoPodBucket, Created: created,
		Allow: func(c fakes3.Caller) bool {
			return strings.Contains(c.Identity, podRole) || strings.Contains(c.Identity, podIdentityRole)
		}}); err != nil {
		return err
	}
	if err := s3.AddBucket(fakes3.Bucket{Name: demoBucket, Created: created.Add(26 * time.Hour),
		Allow: func(c fakes3.Caller) bool { return strings.Contains(c.Identity, crossRole) }}); err != nil {
		return err
	}
	if err := s3.PutObjects(demoPodBucket,
		fakes3.Object{Key: "config/app.yaml", Size: 812, LastModified: day(2, 8)},
		fakes3.Object{Key: "cache/", Size: 0, LastModified: day(2, 8)},
		fakes3.Object{Key: "README.md", Size: 2210, LastModified: day(1, 17)},
	); err != nil {
		return err
	}
	return s3.PutObjects(demoBucket,
		fakes3.Object{Key: "reports/2026/q1.csv", Size: 48213, LastModified: day(31, 23)},
		fakes3.Object{Key: "reports/2026/q1-summary.pdf", Size: 1311420, LastModified: day(31, 23)},
		fakes3.Object{Key: "reports/2025/annual.pdf", Size: 5242880, LastModified: day(2, 10)},
		fakes3.Object{Key: "exports/orders.parquet", Size: 268435456, LastModified: day(12, 4)},
		fakes3.Object{Key: "index.html", Size: 1, LastModified: day(1, 12)},
	)
}
