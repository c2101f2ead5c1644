// Package jwtclaims is the one home of decoding a web identity token's claims: credentials uses
// it to explain STS's answers and to name sessions, cmd/irsa's doctor to show what a pod's token
// says. Claims are decoded WITHOUT verifying the signature (STS verifies it), so they explain
// decisions and never make one. Nothing here returns or prints any part of the token.
package jwtclaims

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// MaxSize is the largest token decoded (a service account token is about 1 KiB).
const MaxSize = 64 << 10

// Claims are the claims of a web identity token that explain STS's decisions. None of them is
// secret. credentials.TokenClaims has the same fields, so that one converts to the other.
type Claims struct {
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

// Decode decodes the claims of a JWT without verifying its signature. Claims of the wrong type
// are left zero and named in the error, with the others filled in. Its errors describe the
// token's shape and never contain any part of it.
func Decode(token string) (Claims, error) {
	if len(token) > MaxSize {
		return Claims{}, fmt.Errorf("token is larger than %d KiB", MaxSize>>10)
	}
	parts := strings.Split(token, ".")
	switch len(parts) {
	case 3:
	case 5:
		return Claims{}, errors.New("token is an encrypted JWT (JWE); its claims cannot be read")
	default:
		return Claims{}, fmt.Errorf("token is not a JWT: it has %d dot-separated parts, want 3", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, errors.New("token is not a JWT: its payload is not base64url")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil {
		return Claims{}, errors.New("token is not a JWT: its payload is not a JSON object")
	}
	var c Claims
	var exp, iat, nbf numericDate
	var aud audience
	var k8s struct { // encoding/json matches the claim's keys to these names ignoring case
		Namespace           string
		Pod, ServiceAccount struct{ Name string }
	}
	var bad []string // claims of the wrong type, left zero
	for _, claim := range []struct {
		name string
		dst  any
	}{{"iss", &c.Issuer}, {"sub", &c.Subject}, {"exp", &exp}, {"iat", &iat}, {"nbf", &nbf}, {"aud", &aud}, {"kubernetes.io", &k8s}} {
		if v, ok := raw[claim.name]; ok && json.Unmarshal(v, claim.dst) != nil {
			bad = append(bad, claim.name)
		}
	}
	c.Expires, c.IssuedAt, c.NotBefore = exp.t, iat.t, nbf.t
	if !slices.Contains(bad, "aud") {
		c.Audience = aud
	}
	if !slices.Contains(bad, "kubernetes.io") {
		c.Namespace, c.Pod, c.ServiceAccount = k8s.Namespace, k8s.Pod.Name, k8s.ServiceAccount.Name
	}
	if len(bad) > 0 {
		return c, fmt.Errorf("token claims of the wrong type: %s", strings.Join(bad, ", "))
	}
	return c, nil
}

// IssuerHostPath is the issuer as IAM names it in an OIDC provider's ARN and in trust-policy
// condition keys: without "https://" (or "http://") and a trailing "/", such as
// oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE.
func IssuerHostPath(issuer string) string {
	host := strings.TrimPrefix(issuer, "https://")
	return strings.TrimSuffix(strings.TrimPrefix(host, "http://"), "/")
}

// numericDate is a JWT NumericDate claim: seconds since the epoch, possibly fractional; null
// leaves it zero.
type numericDate struct{ t time.Time }

func (d *numericDate) UnmarshalJSON(b []byte) error {
	var f *float64
	if err := json.Unmarshal(b, &f); err != nil || f == nil {
		return err
	}
	if math.IsNaN(*f) || *f < 0 || *f > 1e11 {
		return errors.New("NumericDate out of range")
	}
	sec, frac := math.Modf(*f)
	d.t = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// audience is the "aud" claim: one string or a list of them.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}
