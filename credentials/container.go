package credentials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/redact"
)

// The variables NewContainer reads, as ECS and EKS Pod Identity set them.
const (
	envContainerRelativeURI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
	envContainerFullURI     = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	envContainerToken       = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
	envContainerTokenFile   = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
)

// Container defaults, botocore's (ContainerMetadataFetcher): three attempts of at most 2 s each.
const (
	containerAttempts       = 3
	containerAttemptTimeout = 2 * time.Second
	// ecsAgentHost is the ECS agent's address, which AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is
	// relative to.
	ecsAgentHost = "169.254.170.2"
)

// allowedContainerHosts are the addresses, besides loopback, that a full URI may name over plain
// HTTP: the ECS agent, and the EKS Pod Identity agent over IPv4 and IPv6.
var allowedContainerHosts = []net.IP{net.ParseIP(ecsAgentHost), net.ParseIP("169.254.170.23"), net.ParseIP("fd00:ec2::23")}

const containerHostRule = "over http only a loopback address (127.0.0.0/8, ::1, localhost), the ECS agent's 169.254.170.2 " +
	"or the EKS Pod Identity agent's 169.254.170.23 or fd00:ec2::23 is allowed, as in the AWS SDKs; any host is allowed over https"

// ContainerOptions configures NewContainer. The zero value reads the process environment.
type ContainerOptions struct {
	// Getenv looks up the variables. Optional; default os.Getenv. A value that is empty or only
	// white space counts as unset.
	Getenv func(string) string
	// HTTPClient sends the requests. Optional; default a client of its own that uses no proxy
	// (as botocore: the authorization token goes to the agent only) and the system's roots for
	// https. Redirects are never followed, whatever its CheckRedirect says.
	HTTPClient *http.Client
	// RelativeURIHost is the host, with an optional port, that
	// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to, over http. Optional; default
	// "169.254.170.2", the ECS agent. Tests set it to a fake on 127.0.0.1.
	RelativeURIHost string
}

// container is the Provider NewContainer returns. Its state is kept where fmt never prints it
// (see hidden): the URL's query may carry a credential of its own.
type container struct{ s hidden[*containerState] }

func (c *container) state() *containerState { return c.s.get() }

// Retrieve fetches the credentials.
func (c *container) Retrieve(ctx context.Context) (Credentials, error) {
	return c.state().Retrieve(ctx)
}

// String describes the provider (see containerState.String).
func (c *container) String() string { return c.state().String() }

// Format prints String for every verb.
func (c *container) Format(f fmt.State, verb rune) { formatString(f, verb, c.String()) }

// containerState is what a container provider knows.
type containerState struct {
	url       string         // validated
	what      string         // "the container credentials endpoint URL", for errors
	from      string         // the variable that gave the URL
	token     hidden[string] // AWS_CONTAINER_AUTHORIZATION_TOKEN, when there is no token file
	tokenFile string         // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, read on every Retrieve
	get       *httpGetter
	now       func() time.Time
}

// NewContainer returns a Provider of container credentials: those the ECS agent serves to a task,
// and the EKS Pod Identity agent to a pod. It reads the variables the agents set, as botocore
// 1.43 and the AWS SDKs do:
//
//   - AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, a path on http://169.254.170.2 (ECS); when it is
//     not set, AWS_CONTAINER_CREDENTIALS_FULL_URI, a whole URL (EKS Pod Identity sets
//     http://169.254.170.23/v1/credentials). A full URI over http must name a loopback address or
//     one of the agents' addresses (169.254.170.2, 169.254.170.23, fd00:ec2::23); any host is
//     allowed over https. A URL that breaks the rule, or holds a user name or password, is
//     refused here, before any request.
//   - AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, a file whose content is sent as the Authorization
//     header, read again on every Retrieve (the Pod Identity agent's token rotates); when it is
//     not set, AWS_CONTAINER_AUTHORIZATION_TOKEN, the header's value itself. A token holding a
//     line break or another control character is refused, since it could add headers to the
//     request: a token file must not end with a newline (botocore and the SDKs refuse that too).
//
// Retrieve makes a GET request and reads a JSON document: AccessKeyId, SecretAccessKey, Token,
// Expiration (all required; an empty Token is long-term keys) and AccountId. An error document ({"code": …, "message": …}) becomes
// the error's text. A network error, a timeout, 5xx or 429 is tried again: at most 3 attempts of
// at most 2 s each (botocore's numbers), with a random backoff of up to 1 s, then 2 s, between
// them; other answers are not retried. Credentials that have already expired are an error.
//
// Errors name the variable to fix, never the token; the endpoint is shown without a query or
// user information.
func NewContainer(opts ContainerOptions) (Provider, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	env := func(name string) string {
		if v := getenv(name); strings.TrimSpace(v) != "" {
			return v
		}
		return ""
	}
	c := &containerState{now: time.Now}
	var err error
	if rel := env(envContainerRelativeURI); rel != "" {
		c.from = envContainerRelativeURI
		c.url, err = relativeContainerURL(rel, opts.RelativeURIHost)
	} else if full := env(envContainerFullURI); full != "" {
		c.from = envContainerFullURI
		c.url, err = fullContainerURL(full)
	} else {
		err = fmt.Errorf("neither %s nor %s is set: they are how ECS (the first) and EKS Pod Identity (the second) offer container credentials", envContainerRelativeURI, envContainerFullURI)
	}
	if err != nil {
		return nil, MarkNonRecoverable(&plainError{err.Error()})
	}
	c.token = hide("")
	if c.tokenFile = env(envContainerTokenFile); c.tokenFile == "" {
		tok := env(envContainerToken)
		if err := checkHeaderToken(tok); err != nil {
			return nil, MarkNonRecoverable(errorf("%s %s", envContainerToken, err))
		}
		c.token = hide(tok)
	}
	c.what = "the container credentials endpoint " + shownURL(c.url)
	hc := opts.HTTPClient
	if hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = nil
		hc = &http.Client{Transport: t}
	}
	c.get = newHTTPGetter(c.what, hc, containerAttempts, containerAttemptTimeout)
	return &container{hide(c)}, nil
}

// relativeContainerURL is the URL of a relative URI on host (default the ECS agent).
func relativeContainerURL(rel, host string) (string, error) {
	if host == "" {
		host = ecsAgentHost
	}
	if !strings.HasPrefix(rel, "/") {
		return "", fmt.Errorf("%s=%q does not start with \"/\": it is a path on http://%s, such as /v2/credentials/ID, as the ECS agent sets it", envContainerRelativeURI, redact.Clip(rel, 100), ecsAgentHost)
	}
	u, err := url.Parse("http://" + host + rel)
	if err != nil || u.Host != host || u.User != nil {
		return "", fmt.Errorf("%s=%q is not a valid path: it must hold only what a URL's path and query may", envContainerRelativeURI, redact.Clip(rel, 100))
	}
	return u.String(), nil
}

// fullContainerURL checks a full URI against the rule containerHostRule states.
func fullContainerURL(full string) (string, error) {
	shown := redact.Clip(redact.URLUserinfo(full), 200)
	u, err := url.Parse(full)
	switch {
	case err != nil:
		return "", fmt.Errorf("%s=%q is not a valid URL: set it to the endpoint's URL, such as http://169.254.170.23/v1/credentials", envContainerFullURI, shown)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%s=%q must be an http or https URL, such as http://169.254.170.23/v1/credentials", envContainerFullURI, shown)
	case u.User != nil:
		return "", fmt.Errorf("%s=%q holds a user name or password, which are not sent (the agent takes its token from %s or %s): remove them from the URL", envContainerFullURI, shown, envContainerTokenFile, envContainerToken)
	case u.Hostname() == "":
		return "", fmt.Errorf("%s=%q has no host", envContainerFullURI, shown)
	case u.Scheme == "http" && !allowedContainerHost(u.Hostname()):
		return "", fmt.Errorf("%s=%q: the host %s is not allowed: %s", envContainerFullURI, shown, redact.Clip(u.Hostname(), 100), containerHostRule)
	}
	return u.String(), nil
}

// allowedContainerHost reports whether host may be reached over plain http: a loopback address,
// "localhost" (by name, as botocore allows it) or an agent's address.
func allowedContainerHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, a := range allowedContainerHosts {
		if ip.Equal(a) {
			return true
		}
	}
	return ip.IsLoopback()
}

// shownURL is u for messages: without user information, and with the query hidden (it may
// carry a credential of its own).
func shownURL(u string) string {
	u = redact.URLUserinfo(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i] + "?…"
	}
	return redact.Clip(u, 200)
}

// checkHeaderToken refuses a token that cannot be an HTTP header's value. Its text follows the
// variable's name or file's description and never repeats the token.
func checkHeaderToken(tok string) error {
	if i := strings.IndexAny(tok, "\r\n"); i >= 0 {
		end := ""
		if strings.TrimRight(tok, "\r\n") == tok[:i] {
			end = " (at its end: write the token without a final newline, as the agents do)"
		}
		return fmt.Errorf("holds a line break%s, which an HTTP header cannot hold (it would add headers to the request); the token is not shown here because it is a secret", end)
	}
	if i := strings.IndexFunc(tok, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }); i >= 0 {
		return fmt.Errorf("holds a control character (byte %d), which an HTTP header cannot hold; the token is not shown here because it is a secret", i+1)
	}
	return nil
}

// String describes the provider: the endpoint, the variable that named it and where the token
// comes from; never the token.
func (c *containerState) String() string {
	auth := "none"
	switch {
	case c.tokenFile != "":
		auth = envContainerTokenFile + " " + redact.Clip(c.tokenFile, 200)
	case c.token.get() != "":
		auth = envContainerToken
	}
	return "credentials.Container{URL: " + shownURL(c.url) + " (" + c.from + "), Authorization: " + auth + "}"
}

// Format prints String for every verb, as the provider does.
func (c *containerState) Format(f fmt.State, verb rune) { formatString(f, verb, c.String()) }

// Retrieve fetches the credentials.
func (c *containerState) Retrieve(ctx context.Context) (Credentials, error) {
	token, err := c.authorization(ctx)
	if err != nil {
		return Credentials{}, err
	}
	body, err := c.get.fetch(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		return req, nil
	}, token)
	if err != nil {
		return Credentials{}, c.refused(err)
	}
	creds, err := decodeJSONCredentials(c.what, body, sourceContainer, true, token)
	if err != nil {
		return Credentials{}, fmt.Errorf("%s%w", errPrefix, err)
	}
	if now := c.now(); creds.Expired(now) {
		return Credentials{}, errorf("%s answered with credentials that expired at %s, %s ago: the agent, or this machine's clock, is wrong",
			c.what, creds.Expires.Format(time.RFC3339), now.Sub(creds.Expires).Round(time.Second))
	}
	return creds, nil
}

// refused adds to a fetch error that is a 401 or 403 where the token came from.
func (c *containerState) refused(err error) error {
	var fe *fetchError
	if !errors.As(err, &fe) || fe.httpStatus() != http.StatusUnauthorized && fe.httpStatus() != http.StatusForbidden {
		return err
	}
	switch {
	case c.tokenFile != "":
		return fmt.Errorf("%w (the authorization token was read from %s, %s)", err, envContainerTokenFile, c.tokenFile)
	case c.token.get() != "":
		return fmt.Errorf("%w (the authorization token came from %s)", err, envContainerToken)
	}
	return fmt.Errorf("%w (no authorization token was sent: set %s, or %s, as the agent expects)", err, envContainerTokenFile, envContainerToken)
}

// authorization returns the Authorization header's value: the token file's content, read now,
// or the token variable's value.
func (c *containerState) authorization(ctx context.Context) (string, error) {
	if c.tokenFile == "" {
		return c.token.get(), nil
	}
	b, err := tokenFiles.Read(ctx, c.tokenFile)
	where := fmt.Sprintf("%s %q", envContainerTokenFile, c.tokenFile)
	var notRegular *readfile.NotRegularError
	switch {
	case errors.As(err, &notRegular):
		return "", MarkNonRecoverable(errorf("%s is %s, not a file: point it at the token file, such as /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token", where, readfile.Kind(notRegular.Mode)))
	case errors.Is(err, fs.ErrNotExist):
		return "", MarkNonRecoverable(errorf("%s does not exist: on EKS, the Pod Identity webhook mounts it when the pod's service account has a pod identity association; check the pod's volumes", where))
	case errors.Is(err, fs.ErrPermission):
		return "", MarkNonRecoverable(errorf("%s cannot be read: permission denied: run the container as a user that may read it (set the pod's securityContext.fsGroup)", where))
	case err != nil:
		return "", fmt.Errorf("%scannot read %s: %w", errPrefix, where, err)
	case len(b) > maxTokenSize:
		return "", MarkNonRecoverable(errorf("%s is larger than %d KiB, the limit: it is not an authorization token; check the path", where, maxTokenSize>>10))
	case len(bytes.TrimSpace(b)) == 0:
		return "", MarkNonRecoverable(errorf("%s is empty: the path points at the wrong file, or whatever writes the token has not written it", where))
	}
	if err := checkHeaderToken(string(b)); err != nil {
		return "", MarkNonRecoverable(errorf("the token in %s %s", where, err))
	}
	return string(b), nil
}
