package credentials

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// envRoleSessionName is the environment variable WebIdentity reads for the session name when the
// SessionName option is empty, as the AWS SDKs and CLI do.
const envRoleSessionName = "AWS_ROLE_SESSION_NAME"

// STS's rules for a role session name: 2 to 64 characters of [\w+=,.@-].
const (
	minSessionName = 2
	maxSessionName = 64
)

// sessionNameChars are the characters besides letters and digits that STS accepts in a role
// session name (and IAM in a role name).
const sessionNameChars = "+=,.@_-"

// isNameByte reports whether c is an ASCII letter or digit or in extra.
func isNameByte(c byte, extra string) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0
}

// checkChars checks an ASCII parameter's length and characters (letters, digits and extra).
func checkChars(field, s string, minLen, maxLen int, extra string) error {
	if len(s) < minLen || len(s) > maxLen {
		return fmt.Errorf("%s is %d characters long; STS accepts %d to %d characters of letters, digits and %s", field, len(s), minLen, maxLen, extra)
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], extra) {
			return fmt.Errorf("%s contains %q, which STS does not accept: use letters, digits and %s", field, string(rune(s[i])), extra)
		}
	}
	return nil
}

// checkSessionName checks a session name given by the user. field names where it came from.
func checkSessionName(field, name string) error {
	return checkChars(fmt.Sprintf("%s %q", field, redact.Clip(name, 80)), name, minSessionName, maxSessionName, sessionNameChars)
}

// sanitizeSessionPart replaces every byte STS does not accept in a session name with '-'.
func sanitizeSessionPart(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !isNameByte(c, sessionNameChars) {
			b[i] = '-'
		}
	}
	return string(b)
}

// sessionNameFromClaims derives a session name that identifies the workload in CloudTrail from a
// Kubernetes service account token's claims: "NAMESPACE.SERVICEACCOUNT.POD". Names longer than
// STS's 64 characters drop the service account ("NAMESPACE.POD"), then keep the last 64
// characters of the pod name, whose end (the ReplicaSet and pod hashes) tells pods apart. When the
// token has no kubernetes.io claim, NAMESPACE and SERVICEACCOUNT come from a subject of the form
// system:serviceaccount:NAMESPACE:NAME. It returns "" when the claims hold none of these.
func sessionNameFromClaims(c TokenClaims) string {
	ns, sa, pod := c.Namespace, c.ServiceAccount, c.Pod
	if ns == "" && sa == "" {
		if rest, ok := strings.CutPrefix(c.Subject, "system:serviceaccount:"); ok {
			ns, sa, _ = strings.Cut(rest, ":")
		}
	}
	ns, sa, pod = sanitizeSessionPart(ns), sanitizeSessionPart(sa), sanitizeSessionPart(pod)
	join := func(parts ...string) string { return strings.Join(nonEmpty(parts), ".") }
	name := join(ns, sa, pod)
	if len(name) > maxSessionName {
		name = join(ns, pod)
	}
	if len(name) > maxSessionName {
		name = pod
		if len(name) > maxSessionName {
			name = strings.TrimLeft(name[len(name)-maxSessionName:], ".-")
		}
	}
	if len(name) < minSessionName || len(name) > maxSessionName {
		return ""
	}
	return name
}

// generatedSessionName is the last-resort session name: "irsa-" and the Unix time in
// nanoseconds, unique per call like the AWS SDK for Go's "aws-go-sdk-<nanos>".
func generatedSessionName(now time.Time) string {
	return "irsa-" + strconv.FormatInt(now.UnixNano(), 10)
}
