package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/internal/jwtclaims"
	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/tlsroots"
)

// webhookEnv are the variables EKS's pod identity webhook injects into a pod whose service
// account has the eks.amazonaws.com/role-arn annotation.
var webhookEnv = []string{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS"}

const fixAnnotate = "annotate the pod's service account with eks.amazonaws.com/role-arn: <the role's ARN> and recreate the pod: EKS's pod identity webhook then injects AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE and mounts the token (or set web_identity_token_file and role_arn in the profile)"

// checkEnvironment reports the webhook's variables and what chain.Explain would use.
func (d *doctor) checkEnvironment(ctx context.Context) {
	d.exp, d.expErr = chain.Explain(ctx, d.opts)
	f := finding{Check: checkEnvironment}
	for _, name := range webhookEnv {
		if v := d.a.getenv(name); strings.TrimSpace(v) != "" {
			f.Details = append(f.Details, name+"="+shown(v))
		} else {
			f.Details = append(f.Details, name+" is not set")
		}
	}
	containerSet := d.containerEnvSet()
	if containerSet {
		f.Details = append(f.Details, d.containerEnvDetails()...)
	}
	for i := range d.exp.Steps {
		if d.exp.Steps[i].Kind == chain.StepWebIdentity && d.web == nil {
			d.web = &d.exp.Steps[i]
		}
		if d.exp.Steps[i].Kind == chain.StepContainer && d.container == nil {
			d.container = &d.exp.Steps[i]
		}
	}
	roleSet, fileSet := d.a.getenv("AWS_ROLE_ARN") != "", d.a.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != ""
	var noCreds *chain.NoCredentialsError
	var ce *chain.ConfigError
	// chain fails closed when one of the two is set (it does not go on to the node's role), or,
	// with instance metadata off, finds no credentials.
	halfSet := roleSet != fileSet && (errors.As(d.expErr, &noCreds) ||
		errors.As(d.expErr, &ce) && (ce.Key == "AWS_ROLE_ARN" || ce.Key == "AWS_WEB_IDENTITY_TOKEN_FILE"))
	switch {
	case halfSet:
		f.Status, f.Summary = statusFail, "only one of AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE is set: a web identity needs both"
		f.Fix = "set the missing one, or let the pod identity webhook set both: " + fixAnnotate
		if ce != nil {
			f.Details = append(f.Details, "irsa does not fall back to the container's or the node's role: "+errText(ce))
		}
	case errors.As(d.expErr, &noCreds):
		f.Status, f.Summary = statusFail, "no credentials would be found: no web identity is configured (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or a profile's web_identity_token_file)"
		f.Fix = fixAnnotate
	case d.expErr != nil:
		f.Status, f.Summary = statusFail, "the configuration is refused: "+errText(d.expErr)
		f.Fix = "correct the setting the error names (irsa explain shows where each value comes from)"
	case d.web == nil && d.container != nil:
		u, from, kind := d.containerEndpoint()
		f.Status = statusOK
		f.Summary = fmt.Sprintf("container credentials from %s (%s, %s)", u, from, kind)
		if n := len(d.exp.Steps) - 1 - indexOf(d.exp.Steps, d.container); n > 0 {
			f.Summary += fmt.Sprintf(", then %d AssumeRole hop(s)", n)
		}
	case d.web == nil && containerSet:
		f.Status, f.Summary = statusWarn, "credentials come from "+d.exp.Sources[len(d.exp.Sources)-1].Name+", which the AWS CLI and the SDKs try before container credentials: neither IRSA nor EKS Pod Identity is in use"
		f.Fix = "if the pod should use EKS Pod Identity, remove those credentials (the variables, or the profile's keys)"
	case d.web == nil:
		f.Status, f.Summary = statusWarn, "credentials come from "+d.exp.Sources[len(d.exp.Sources)-1].Name+", not from a web identity: IRSA is not in use"
		f.Fix = "if the pod should use IRSA, remove those credentials; " + fixAnnotate
	default:
		f.Status = statusOK
		f.Summary = fmt.Sprintf("web identity: role %s, token file %s", shown(d.web.RoleARN), shown(d.web.TokenFile))
		if n := len(d.exp.Steps) - 1 - indexOf(d.exp.Steps, d.web); n > 0 {
			f.Summary += fmt.Sprintf(", then %d AssumeRole hop(s)", n)
		}
		for _, s := range d.web.Settings {
			f.Details = append(f.Details, fmt.Sprintf("%s read from %s", s.Name, s.From))
		}
		if containerSet {
			f.Status = statusWarn
			f.Summary += "; container credentials variables (EKS Pod Identity) are set too, and the web identity comes first"
			f.Details = append(f.Details, "the AWS CLI and every AWS SDK try a web identity (AssumeRoleWithWebIdentity) before container credentials (botocore's order: assume-role-with-web-identity, then container-role): this process uses IRSA's role, not the pod identity association's")
			f.Fix = "keep one: to use EKS Pod Identity, remove the eks.amazonaws.com/role-arn annotation from the service account and recreate the pod; to use IRSA, delete the pod identity association (aws eks delete-pod-identity-association)"
		}
	}
	if d.exp.Profile != "" && d.exp.ProfileFrom != "default" && d.exp.ProfileFrom != "" {
		f.Details = append(f.Details, fmt.Sprintf("profile %s (named by %s)", shown(d.exp.Profile), d.exp.ProfileFrom))
	}
	for _, n := range d.exp.Notes {
		f.Details = append(f.Details, "note: "+shown(n))
	}
	d.add(f)
}

func indexOf(steps []chain.Step, s *chain.Step) int {
	for i := range steps {
		if &steps[i] == s {
			return i
		}
	}
	return -1
}

// largeToken is the size above which a token is suspicious: service account tokens are about
// 1 KiB.
const largeToken = 8 << 10

// checkTokenFile checks that the token file exists, is a regular file this process can read,
// and has a plausible size; it keeps the token (never printed) for the next checks.
func (d *doctor) checkTokenFile(ctx context.Context) {
	switch {
	case d.web == nil && d.container != nil:
		d.skip(checkTokenFile, "the credentials come from the container endpoint, not a web identity")
		return
	case d.web == nil:
		d.skip(checkTokenFile, "no web identity is configured")
		return
	}
	path := d.web.TokenFile
	f := finding{Check: checkTokenFile, Status: statusFail}
	fi, statErr := os.Stat(path)
	if statErr == nil {
		f.Details = append(f.Details, fileDetails(fi))
	}
	b, err := readfile.Reader{Limit: jwtclaims.MaxSize}.Read(ctx, path)
	var notRegular *readfile.NotRegularError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f.Summary = fmt.Sprintf("token file %s does not exist", shown(path))
		f.Fix = "mount the projected service account token volume at that path: on EKS the pod identity webhook adds the volume and its mount when the service account has the eks.amazonaws.com/role-arn annotation; recreate the pod after annotating, and check the pod's volumes and volumeMounts"
	case errors.As(err, &notRegular):
		f.Summary = fmt.Sprintf("token file %s is %s, not a regular file", shown(path), readfile.Kind(notRegular.Mode))
		f.Fix = "point AWS_WEB_IDENTITY_TOKEN_FILE (or web_identity_token_file) at the token file inside the projected volume, such as /var/run/secrets/eks.amazonaws.com/serviceaccount/token"
	case errors.Is(err, fs.ErrPermission):
		f.Summary = fmt.Sprintf("token file %s is not readable by this process (uid %d, gid %d): permission denied", shown(path), os.Geteuid(), os.Getegid())
		f.Fix = "set the pod's securityContext.fsGroup (to the container's group, or any group it is in) so that the kubelet makes the token readable by that group; or run as the file's owner"
	case err != nil:
		f.Summary = fmt.Sprintf("token file %s cannot be read: %s", shown(path), errText(err))
		f.Fix = "check the projected volume's mount"
	case len(b) > jwtclaims.MaxSize:
		f.Summary = fmt.Sprintf("token file %s is larger than %d KiB: it is not a service account token (those are about 1 KiB)", shown(path), jwtclaims.MaxSize>>10)
		f.Fix = "point AWS_WEB_IDENTITY_TOKEN_FILE at the projected service account token"
	case strings.TrimSpace(string(b)) == "":
		f.Summary = fmt.Sprintf("token file %s is empty", shown(path))
		f.Fix = "the path points at the wrong file, or the kubelet has not written the token: check the projected volume (serviceAccountToken source, audience sts.amazonaws.com)"
	default:
		d.token = strings.TrimSpace(string(b))
		f.Status = statusOK
		f.Summary = fmt.Sprintf("token file %s: a regular file of %d bytes, readable by this process (uid %d)", shown(path), len(b), os.Geteuid())
		if len(b) > largeToken {
			f.Status = statusWarn
			f.Summary += ", unusually large for a service account token (about 1 KiB)"
			f.Fix = "check that the path is the projected service account token"
		}
	}
	d.add(f)
}

// fileDetails describes a file's mode and owner, which explain a permission error.
func fileDetails(fi fs.FileInfo) string {
	return "mode " + fi.Mode().String() + fileOwner(fi)
}

// checkTokenClaims decodes the token (never printing it) and checks its times.
func (d *doctor) checkTokenClaims() {
	if d.token == "" {
		d.skip(checkTokenClaims, "no token was read")
		return
	}
	c, err := jwtclaims.Decode(d.token)
	f := finding{Check: checkTokenClaims, Status: statusOK}
	if err != nil && c.Issuer == "" && c.Subject == "" {
		f.Status, f.Summary = statusFail, "the token file does not hold a readable JWT: "+errText(err)
		f.Fix = "point AWS_WEB_IDENTITY_TOKEN_FILE at the projected service account token, which the kubelet writes as a JWT"
		d.add(f)
		return
	}
	d.claims = &c
	now := d.now()
	f.Details = []string{"iss " + shown(c.Issuer), "sub " + shown(c.Subject), "aud " + shown(strings.Join(c.Audience, ", "))}
	for _, t := range []struct {
		name string
		t    time.Time
	}{{"exp", c.Expires}, {"iat", c.IssuedAt}, {"nbf", c.NotBefore}} {
		if !t.t.IsZero() {
			f.Details = append(f.Details, fmt.Sprintf("%s %s (%s)", t.name, t.t.UTC().Format(time.RFC3339), age(now, t.t)))
		}
	}
	if c.Namespace != "" || c.ServiceAccount != "" || c.Pod != "" {
		f.Details = append(f.Details, fmt.Sprintf("kubernetes.io: namespace %s, service account %s, pod %s", shown(c.Namespace), shown(c.ServiceAccount), shown(c.Pod)))
	}
	var missing []string
	for _, m := range []struct {
		name    string
		present bool
	}{{"iss", c.Issuer != ""}, {"sub", c.Subject != ""}, {"aud", len(c.Audience) > 0}, {"exp", !c.Expires.IsZero()}} {
		if !m.present {
			missing = append(missing, m.name)
		}
	}
	notBefore := c.NotBefore
	if notBefore.IsZero() {
		notBefore = c.IssuedAt
	}
	f.Summary = fmt.Sprintf("token for %s from issuer %s", shown(c.Subject), shown(c.Issuer))
	switch {
	case err != nil:
		f.Status, f.Summary = statusFail, "the token's claims are malformed: "+errText(err)
		f.Fix = "point AWS_WEB_IDENTITY_TOKEN_FILE at the projected service account token"
	case len(missing) > 0:
		f.Status, f.Summary = statusFail, "the token lacks the claims STS requires: "+strings.Join(missing, ", ")
		f.Fix = "use a Kubernetes projected service account token, which has iss, sub, aud and exp"
	case !now.Before(c.Expires):
		f.Status, f.Summary = statusFail, fmt.Sprintf("the token expired at %s (%s)", c.Expires.UTC().Format(time.RFC3339), age(now, c.Expires))
		f.Fix = "the kubelet replaces a projected token well before it expires: is the token a copy, or the volume not a projected serviceAccountToken? Also check this machine's clock"
	case !notBefore.IsZero() && now.Before(notBefore.Add(-time.Minute)):
		f.Status, f.Summary = statusFail, fmt.Sprintf("the token is not valid yet: valid from %s (%s)", notBefore.UTC().Format(time.RFC3339), age(now, notBefore))
		f.Fix = "this machine's clock is behind the cluster's: sync it (NTP, chrony)"
	case !containsString(c.Audience, "sts.amazonaws.com"):
		f.Status = statusWarn
		f.Summary += ", with an audience other than sts.amazonaws.com"
		f.Fix = "EKS's webhook asks for audience sts.amazonaws.com; another audience works only when the IAM OIDC provider lists it as a client ID and the trust policy's :aud condition names it"
	}
	d.add(f)
}

func containsString(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// Clock skew thresholds: SigV4 and STS tolerate 5 minutes.
const (
	skewWarn = time.Minute
	skewFail = 5 * time.Minute
)

// checkClockSkew compares this machine's clock with the Date of an answer of the STS endpoint.
func (d *doctor) checkClockSkew(ctx context.Context) {
	ep := d.exp.STS.Endpoint.URL
	switch {
	case ep == "" || d.expErr != nil:
		d.skip(checkClockSkew, "no STS endpoint is resolved")
		return
	case !d.exp.STS.Used:
		d.skip(checkClockSkew, "the credentials do not come from STS")
		return
	}
	f := finding{Check: checkClockSkew}
	date, local, err := d.stsDate(ctx, ep)
	if err != nil {
		f.Status, f.Summary = statusWarn, fmt.Sprintf("could not read the time from STS at %s: %s", shown(ep), errText(err))
		f.Fix = "check that the pod can reach the STS endpoint (network policies, egress, HTTPS_PROXY and NO_PROXY)"
		d.add(f)
		return
	}
	skew := local.Sub(date).Round(time.Second)
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	dir := "ahead of"
	if skew < 0 {
		dir = "behind"
	}
	f.Details = []string{"STS's Date " + date.UTC().Format(time.RFC3339), "this machine " + local.UTC().Format(time.RFC3339)}
	f.Status, f.Summary = statusOK, fmt.Sprintf("this machine's clock is within %s of STS's", skewWarn)
	switch {
	case abs > skewFail:
		f.Status, f.Summary = statusFail, fmt.Sprintf("this machine's clock is %s %s STS's: over the 5 minutes signatures and tokens tolerate", abs, dir)
		f.Fix = "sync the node's clock (NTP, chrony); tokens' exp and nbf and request signatures depend on it"
	case abs > skewWarn:
		f.Status, f.Summary = statusWarn, fmt.Sprintf("this machine's clock is %s %s STS's", abs, dir)
		f.Fix = "sync the node's clock (NTP, chrony) before the difference reaches 5 minutes"
	}
	d.add(f)
}

// stsDate sends one GET to the endpoint (no credentials, no redirects) and returns its Date and
// this machine's time halfway through the exchange.
func (d *doctor) stsDate(ctx context.Context, endpoint string) (date, local time.Time, err error) {
	client := tlsroots.Client(nil)
	if d.exp.CABundle != "" {
		roots, err := tlsroots.Load(ctx, d.exp.CABundle)
		if err != nil {
			return date, local, err
		}
		client = tlsroots.Client(roots)
	}
	client.Timeout = 10 * time.Second
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return date, local, err
	}
	sent := d.now()
	resp, err := client.Do(req)
	if err != nil {
		return date, local, err
	}
	resp.Body.Close()
	local = sent.Add(d.now().Sub(sent) / 2)
	date, err = http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return date, local, fmt.Errorf("the answer (%s) has no valid Date header", resp.Status)
	}
	return date, local, nil
}

// checkRegion reports the region and the STS endpoint chosen, and why.
func (d *doctor) checkRegion() {
	if d.expErr != nil && d.exp.STS.Err == nil && d.exp.Region == "" {
		d.skip(checkRegion, "the configuration is refused")
		return
	}
	f := finding{Check: checkRegion, Status: statusOK}
	sts := d.exp.STS
	region := "none"
	if d.exp.Region != "" {
		region = fmt.Sprintf("%s (from %s)", shown(d.exp.Region), d.exp.RegionFrom)
	}
	f.Summary = "region " + region
	if sts.Endpoint.URL != "" {
		f.Summary += fmt.Sprintf("; STS endpoint %s (signing region %s)", shown(sts.Endpoint.URL), sts.Endpoint.SigningRegion)
	}
	for _, s := range sts.Settings {
		f.Details = append(f.Details, fmt.Sprintf("%s = %s (from %s)", s.Name, shown(s.Value), s.From))
	}
	switch {
	case sts.Err != nil:
		f.Status, f.Summary = statusFail, "the STS endpoint settings are refused: "+errText(sts.Err)
		f.Fix = "correct the setting the error names"
	case d.exp.Region == "":
		f.Status = statusWarn
		f.Fix = "set AWS_REGION (EKS's webhook sets it to the cluster's region) so that STS calls go to the regional endpoint and tools know the region"
	case strings.Contains(sts.Endpoint.URL, "://sts.amazonaws.com"):
		f.Status = statusWarn
		f.Summary += ": the global endpoint, in us-east-1"
		f.Fix = "set AWS_STS_REGIONAL_ENDPOINTS=regional (EKS's webhook sets it) so that STS calls stay in the region, are faster and do not depend on us-east-1"
	}
	d.add(f)
}
