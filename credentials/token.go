package credentials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/jwtclaims"
	"github.com/irsa-go/irsa/internal/readfile"
)

// maxTokenSize is the largest web identity token read (a service account token is about 1 KiB).
const maxTokenSize = jwtclaims.MaxSize

// tokenFiles reads a regular file only, at most maxTokenSize+1 bytes, once more after a pause
// when it is missing (kubelet's ..data swap).
var tokenFiles = readfile.Reader{Limit: maxTokenSize, RetryAfter: 75 * time.Millisecond}

var errTokenNotPath = errors.New("TokenFile (AWS_WEB_IDENTITY_TOKEN_FILE, web_identity_token_file) holds what looks like the token itself, not the path of the file that contains it: set it to the file's path, such as /var/run/secrets/eks.amazonaws.com/serviceaccount/token (the value is not repeated here because it is a secret)")

// readTokenFile reads and trims the token file at path. Its errors name the path and say what to
// do, never the file's content; those that reading again cannot fix are non-recoverable.
func readTokenFile(ctx context.Context, r readfile.Reader, path string) (string, error) {
	b, err := r.Read(ctx, path)
	switch {
	case err != nil:
		return "", tokenFileError(path, err)
	case len(b) > maxTokenSize:
		return "", MarkNonRecoverable(fmt.Errorf("web identity token file %q is larger than %d KiB, the limit: it is not a service account token (those are about 1 KiB); check the path", path, maxTokenSize>>10))
	}
	tok := string(bytes.TrimSpace(b))
	if tok == "" {
		return "", MarkNonRecoverable(fmt.Errorf("web identity token file %q is empty: the path points at the wrong file, or whatever writes the token has not written it", path))
	}
	return tok, nil
}

// tokenFileError explains an error reading the token file. What is not a regular file is a
// configuration error: kubelet writes regular files.
func tokenFileError(path string, err error) error {
	var notRegular *readfile.NotRegularError
	switch {
	case errors.As(err, &notRegular) && notRegular.Mode.IsDir():
		return MarkNonRecoverable(fmt.Errorf("web identity token file %q is a directory, not a file: point the token file setting (AWS_WEB_IDENTITY_TOKEN_FILE, web_identity_token_file) at the token inside the mounted volume, such as %s/token", path, strings.TrimRight(path, "/")))
	case notRegular != nil:
		return MarkNonRecoverable(fmt.Errorf("web identity token file %w: point the token file setting (AWS_WEB_IDENTITY_TOKEN_FILE, web_identity_token_file) at the token file the projected volume holds", err))
	case errors.Is(err, fs.ErrNotExist):
		return MarkNonRecoverable(fmt.Errorf("web identity token file %q does not exist: is the projected service account token volume mounted at that path? (check the pod's volumes and volumeMounts; on EKS the pod identity webhook adds them when the service account has the eks.amazonaws.com/role-arn annotation): %w", path, err))
	case errors.Is(err, fs.ErrPermission):
		return MarkNonRecoverable(fmt.Errorf("cannot read web identity token file %q: permission denied: the token is readable by its owner and group only; set the pod's securityContext.fsGroup so that the container's user is in the file's group (or run as the file's owner): %w", path, err))
	}
	return fmt.Errorf("cannot read web identity token file %q: %w", path, err)
}

// checkSourcedToken applies readTokenFile's checks to a token returned by a TokenSource.
func checkSourcedToken(tok string) (string, error) {
	if len(tok) > maxTokenSize {
		return "", fmt.Errorf("web identity token from TokenSource is larger than %d KiB, the limit", maxTokenSize>>10)
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", errors.New("web identity token from TokenSource is empty")
	}
	return tok, nil
}

// TokenClaims are the claims of a web identity token that explain STS's decisions. They are
// decoded without verifying the token's signature (STS verifies it), so use them to explain
// errors, never to make a security decision. None of them is secret.
type TokenClaims struct {
	// Issuer is the "iss" claim, such as https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE.
	Issuer string
	// Subject is the "sub" claim, such as system:serviceaccount:NAMESPACE:NAME.
	Subject string
	// Audience is the "aud" claim (a single string in the token becomes one element).
	Audience []string
	// Expires, IssuedAt and NotBefore are the "exp", "iat" and "nbf" claims; zero when absent.
	Expires, IssuedAt, NotBefore time.Time
	// Namespace, ServiceAccount and Pod come from the "kubernetes.io" claim of a Kubernetes
	// service account token; empty when absent.
	Namespace, ServiceAccount, Pod string
}

// trustConditionKeys returns the trust policy's condition keys for the token's sub and aud:
// "<issuer without https://>:sub" and ":aud", or "" when the token has no issuer.
func trustConditionKeys(c TokenClaims) (sub, aud string) {
	host := jwtclaims.IssuerHostPath(c.Issuer)
	if host == "" {
		return "", ""
	}
	return host + ":sub", host + ":aud"
}

// decodeTokenClaims decodes the claims of a JWT WITHOUT verifying its signature, with
// internal/jwtclaims (the one home of that decoding). Its errors describe the token's shape and
// never contain any part of it.
func decodeTokenClaims(token string) (TokenClaims, error) {
	c, err := jwtclaims.Decode(token)
	return TokenClaims(c), err
}
