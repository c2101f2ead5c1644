package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/jwtclaims"
	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/redact"
)

// The variables of container credentials (ECS, EKS Pod Identity), as credentials.NewContainer
// reads them.
const (
	envContainerRelativeURI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
	envContainerFullURI     = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	envContainerToken       = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
	envContainerTokenFile   = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
)

// podIdentityTokenPath is where EKS's Pod Identity webhook mounts the token.
const podIdentityTokenPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"

// podIdentityAudience is the audience of the Pod Identity token, which the agent checks.
const podIdentityAudience = "pods.eks.amazonaws.com"

// containerEnvSet reports whether any container credentials variable is set (not blank).
func (d *doctor) containerEnvSet() bool {
	for _, name := range []string{envContainerRelativeURI, envContainerFullURI, envContainerToken, envContainerTokenFile} {
		if d.env(name) != "" {
			return true
		}
	}
	return false
}

// env is a variable's value; blank counts as unset, as chain and credentials take it.
func (d *doctor) env(name string) string {
	if v := d.a.getenv(name); strings.TrimSpace(v) != "" {
		return v
	}
	return ""
}

// containerEnvDetails lists the container variables for the environment finding; the
// authorization token's value is never shown.
func (d *doctor) containerEnvDetails() []string {
	var out []string
	for _, name := range []string{envContainerFullURI, envContainerRelativeURI} {
		if v := d.env(name); v != "" {
			out = append(out, name+"="+shown(hideQuery(redact.URLUserinfo(v))))
		}
	}
	if v := d.env(envContainerTokenFile); v != "" {
		out = append(out, envContainerTokenFile+"="+shown(v))
	}
	if d.env(envContainerToken) != "" {
		out = append(out, envContainerToken+" is set (its value is a secret and not shown)")
	}
	return out
}

// hideQuery cuts a URL's query and fragment, which may carry a credential of their own.
func hideQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}

// endpointKind says whose endpoint a container credentials URL is, from its host.
type endpointKind int

const (
	endpointOther       endpointKind = iota // any host over https
	endpointPodIdentity                     // the EKS Pod Identity agent: 169.254.170.23, fd00:ec2::23
	endpointECS                             // the ECS agent: 169.254.170.2
	endpointLoopback                        // this machine: irsa serve, a sidecar, a test
)

// containerEndpoint is the URL the container credentials come from (user information and query
// hidden), the variable that names it and whose endpoint it is (endpointOther for a URL that does
// not parse: checkContainerEndpoint reports it).
func (d *doctor) containerEndpoint() (shownURL, from string, kind endpointKind) {
	if rel := d.env(envContainerRelativeURI); rel != "" {
		return shown(hideQuery("http://169.254.170.2" + rel)), envContainerRelativeURI, endpointECS
	}
	full := d.env(envContainerFullURI)
	u, err := url.Parse(full)
	if err != nil {
		return shown(hideQuery(redact.URLUserinfo(full))), envContainerFullURI, endpointOther
	}
	kind = endpointOther
	host := u.Hostname()
	ip := net.ParseIP(host)
	agents := d.a.podIdentityAgents
	if agents == nil {
		agents = []string{"169.254.170.23", "fd00:ec2::23"}
	}
	switch {
	case ip != nil && slices.ContainsFunc(agents, func(a string) bool { return ip.Equal(net.ParseIP(a)) }):
		kind = endpointPodIdentity
	case ip != nil && ip.Equal(net.ParseIP("169.254.170.2")):
		kind = endpointECS
	case ip != nil && ip.IsLoopback() || strings.EqualFold(host, "localhost"):
		kind = endpointLoopback
	}
	return shown(hideQuery(redact.URLUserinfo(full))), envContainerFullURI, kind
}

func (k endpointKind) String() string {
	switch k {
	case endpointPodIdentity:
		return "the EKS Pod Identity agent's address"
	case endpointECS:
		return "the ECS agent's address"
	case endpointLoopback:
		return "a loopback address: an endpoint on this machine or in this pod, such as irsa serve"
	}
	return "an https endpoint"
}

// checkContainerEndpoint checks the endpoint's URL against the AWS SDKs' rule, by building the
// provider as chain does (credentials.NewContainer is the rule's one home); no request is made.
func (d *doctor) checkContainerEndpoint() {
	f := finding{Check: checkContainerEndpoint}
	if _, err := credentials.NewContainer(credentials.ContainerOptions{Getenv: d.a.getenv}); err != nil {
		f.Status, f.Summary = statusFail, "the container credentials settings are refused: "+errText(err)
		f.Fix = "set AWS_CONTAINER_CREDENTIALS_FULL_URI to the endpoint, http://169.254.170.23/v1/credentials for EKS Pod Identity (http://[fd00:ec2::23]/v1/credentials on IPv6 clusters), as the Pod Identity webhook does; recreate the pod rather than editing what the webhook injected"
		d.add(f)
		return
	}
	u, from, kind := d.containerEndpoint()
	f.Status, f.Summary = statusOK, fmt.Sprintf("endpoint %s (from %s): %s", u, from, kind)
	if from == envContainerRelativeURI && d.env(envContainerFullURI) != "" {
		f.Details = append(f.Details, envContainerFullURI+" is set too and ignored: "+envContainerRelativeURI+" comes first, as in the AWS CLI and the SDKs")
	}
	d.add(f)
}

// checkContainerToken checks where the authorization token for the endpoint comes from: the
// file (exists, a regular file this process can read, not empty, no line break: the token
// becomes a header) or the variable. The token itself is never printed.
func (d *doctor) checkContainerToken(ctx context.Context) {
	file, tokenVar := d.env(envContainerTokenFile), d.env(envContainerToken) != ""
	_, _, kind := d.containerEndpoint()
	f := finding{Check: checkContainerToken, Status: statusOK}
	switch {
	case file == "" && tokenVar:
		f.Summary = "the authorization token comes from " + envContainerToken + " (not shown)"
		if kind == endpointPodIdentity {
			f.Status = statusWarn
			f.Summary += ": the EKS Pod Identity agent's token rotates, so a fixed value stops working"
			f.Fix = "set " + envContainerTokenFile + " to the mounted token, " + podIdentityTokenPath + ", as the Pod Identity webhook does, and unset " + envContainerToken
		}
		d.add(f)
		return
	case file == "" && kind == endpointPodIdentity:
		f.Status, f.Summary = statusFail, "no authorization token: the EKS Pod Identity agent requires one, and neither "+envContainerTokenFile+" nor "+envContainerToken+" is set"
		f.Fix = "the Pod Identity webhook sets " + envContainerTokenFile + "=" + podIdentityTokenPath + " and mounts the token when the pod starts after its service account got an association: recreate the pod"
		d.add(f)
		return
	case file == "":
		d.skip(checkContainerToken, "no authorization token is configured, so none is sent: the endpoint must accept requests without one")
		return
	}
	f.Status = statusFail
	if fi, err := os.Stat(file); err == nil {
		f.Details = append(f.Details, fileDetails(fi))
	}
	if tokenVar {
		f.Details = append(f.Details, envContainerToken+" is set too and ignored: the token file comes first, as in the AWS CLI and the SDKs")
	}
	b, err := readfile.Reader{Limit: jwtclaims.MaxSize}.Read(ctx, file)
	var notRegular *readfile.NotRegularError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f.Summary = fmt.Sprintf("token file %s does not exist", shown(file))
		f.Fix = "the Pod Identity webhook mounts the token (a projected volume, audience pods.eks.amazonaws.com) at " + podIdentityTokenPath + " when the pod starts after its service account got an association: recreate the pod, and check its volumes and volumeMounts"
	case errors.As(err, &notRegular):
		f.Summary = fmt.Sprintf("token file %s is %s, not a regular file", shown(file), readfile.Kind(notRegular.Mode))
		f.Fix = "point " + envContainerTokenFile + " at the token file itself, such as " + podIdentityTokenPath
	case errors.Is(err, fs.ErrPermission):
		f.Summary = fmt.Sprintf("token file %s is not readable by this process (uid %d, gid %d): permission denied", shown(file), os.Geteuid(), os.Getegid())
		f.Fix = "set the pod's securityContext.fsGroup (to the container's group, or any group it is in) so that the kubelet makes the token readable by that group; or run as the file's owner"
	case err != nil:
		f.Summary = fmt.Sprintf("token file %s cannot be read: %s", shown(file), errText(err))
		f.Fix = "check the projected volume's mount"
	case len(b) > jwtclaims.MaxSize:
		f.Summary = fmt.Sprintf("token file %s is larger than %d KiB: it is not an authorization token", shown(file), jwtclaims.MaxSize>>10)
		f.Fix = "point " + envContainerTokenFile + " at the token, such as " + podIdentityTokenPath
	case strings.TrimSpace(string(b)) == "":
		f.Summary = fmt.Sprintf("token file %s is empty", shown(file))
		f.Fix = "the path points at the wrong file, or the kubelet has not written the token: check the projected volume"
	case strings.ContainsAny(strings.TrimRight(string(b), "\r\n"), "\r\n"):
		f.Summary = fmt.Sprintf("token file %s holds a line break: an HTTP header cannot carry it, so the SDKs refuse the token", shown(file))
		f.Fix = "the file must hold the token alone, on one line, as the kubelet writes it"
	case strings.HasSuffix(string(b), "\n") || strings.HasSuffix(string(b), "\r"):
		f.Summary = fmt.Sprintf("token file %s ends with a newline: the AWS SDKs and the AWS CLI refuse the token (it would end the Authorization header early)", shown(file))
		f.Fix = "write the token without a final newline (printf '%s' \"$TOKEN\" > FILE, not echo), as the kubelet writes it"
	case strings.IndexFunc(string(b), func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) >= 0:
		f.Summary = fmt.Sprintf("token file %s holds a control character: an HTTP header cannot carry it, so the SDKs refuse the token", shown(file))
		f.Fix = "the file must hold the token alone, as the kubelet writes it"
	default:
		f.Status = statusOK
		f.Summary = fmt.Sprintf("token file %s: a regular file of %d bytes, readable by this process (uid %d)", shown(file), len(b), os.Geteuid())
		d.podIdentityClaims(&f, string(b), kind)
	}
	d.add(f)
}

// podIdentityClaims adds what the token says of itself when it is a JWT (the Pod Identity token
// is a projected service account token): its subject, audience and expiry, never the token.
func (d *doctor) podIdentityClaims(f *finding, tok string, kind endpointKind) {
	c, err := jwtclaims.Decode(tok)
	if err != nil {
		return // an opaque token, as irsa serve and ECS use
	}
	now := d.now()
	detail := fmt.Sprintf("the token is a service account token for %s, aud %s", shown(c.Subject), shown(strings.Join(c.Audience, ", ")))
	if !c.Expires.IsZero() {
		detail += fmt.Sprintf(", expires at %s (%s)", c.Expires.UTC().Format(time.RFC3339), age(now, c.Expires))
	}
	f.Details = append(f.Details, detail)
	switch {
	case !c.Expires.IsZero() && !now.Before(c.Expires):
		f.Status = statusFail
		f.Summary += fmt.Sprintf(", but the token expired %s", age(now, c.Expires))
		f.Fix = "the kubelet replaces the projected token well before it expires: is the file a copy, or the volume not a projected serviceAccountToken? Also check this machine's clock"
	case kind == endpointPodIdentity && !containsString(c.Audience, podIdentityAudience):
		f.Status = statusWarn
		f.Summary += ", but its audience is not " + podIdentityAudience + ", which the EKS Pod Identity agent requires"
		f.Fix = "point " + envContainerTokenFile + " at the token the Pod Identity webhook mounts, " + podIdentityTokenPath
	}
}

// containerStepFinding reports the call to the container endpoint that chain's provider made:
// the credentials it served when the step is the last (the access key ID as redact shows it, the
// expiry, the account; never a secret), or the error and what to do.
func (d *doctor) containerStepFinding(what string, last bool, creds credentials.Credentials, retrieveErr error, nextCalled bool) finding {
	_, _, kind := d.containerEndpoint()
	switch {
	case !last && (retrieveErr == nil || nextCalled):
		return finding{Check: checkCredentials, Status: statusOK, Summary: what + ": ok, the endpoint served credentials (the next step signed its call with them)"}
	case retrieveErr == nil:
		s := fmt.Sprintf("%s: ok, access key %s, credentials expire at %s (%s)", what,
			redact.AccessKeyID(creds.AccessKeyID, "AccessKeyId", "SecretAccessKey"), creds.Expires.UTC().Format(time.RFC3339), age(d.now(), creds.Expires))
		if creds.AccountID != "" {
			s += ", account " + shown(creds.AccountID)
		} else {
			s += ", no AccountId in the answer"
		}
		return finding{Check: checkCredentials, Status: statusOK, Summary: s}
	}
	summary, fix := containerFailure(retrieveErr, kind)
	return finding{Check: checkCredentials, Status: statusFail, Summary: what + ": " + summary, Details: []string{errText(retrieveErr)}, Fix: fix}
}

// containerFailure says in a few words why the endpoint gave no credentials, and what to do,
// for the endpoint's kind.
func containerFailure(err error, kind endpointKind) (summary, fix string) {
	var status interface{ HTTPStatusCode() int }
	code := 0
	if errors.As(err, &status) {
		code = status.HTTPStatusCode()
	}
	agent := kind == endpointPodIdentity
	switch {
	case errors.Is(err, syscall.ECONNREFUSED) && agent:
		return "connection refused", "the EKS Pod Identity Agent is not running on this node (kube-system/eks-pod-identity-agent DaemonSet: kubectl -n kube-system get daemonset eks-pod-identity-agent; install the eks-pod-identity-agent add-on), or the pod has no association (aws eks list-pod-identity-associations --cluster-name CLUSTER)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", "nothing listens at the endpoint: start it (irsa serve, the agent) or correct " + envContainerFullURI
	case errors.Is(err, context.DeadlineExceeded) && agent:
		return "no answer", "the EKS Pod Identity agent did not answer: a NetworkPolicy or the node's firewall may block 169.254.170.23 port 80 (or fd00:ec2::23), or the agent is not healthy (kubectl -n kube-system logs daemonset/eks-pod-identity-agent)"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer", "the endpoint did not answer: check that it runs and that nothing blocks the way to it"
	case code == 401 || code == 403:
		return fmt.Sprintf("the endpoint refused the authorization token (HTTP %d)", code), "a token problem: " + envContainerTokenFile + " must name the token the endpoint expects (for EKS Pod Identity, the projected token at " + podIdentityTokenPath + ", current and with audience " + podIdentityAudience + "); see the container-token check, and recreate the pod if its service account or association changed"
	case code >= 500 && agent:
		return fmt.Sprintf("the agent failed to get credentials (HTTP %d)", code), "the agent could not get credentials from EKS Auth for the association: check that the association's role exists and that its trust policy allows the principal pods.eks.amazonaws.com the actions sts:AssumeRole and sts:TagSession; the agent's logs say more (kubectl -n kube-system logs daemonset/eks-pod-identity-agent)"
	case code != 0:
		return fmt.Sprintf("the endpoint answered HTTP %d", code), "see the endpoint's error above"
	}
	return "no credentials", "see the error above"
}
