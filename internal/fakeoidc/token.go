package fakeoidc

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// DefaultAudience is the audience EKS's pod identity webhook asks the kubelet for.
const DefaultAudience = "sts.amazonaws.com"

// DefaultLifetime is the token lifetime EKS's pod identity webhook asks for (86400 s).
const DefaultLifetime = 24 * time.Hour

// TokenOptions describes a token. The zero value is a valid token for the service account
// "default/app" with audience "sts.amazonaws.com", valid for 24 hours from the issuer's Now.
// The override fields make invalid tokens for negative tests.
type TokenOptions struct {
	// Namespace is the pod's namespace. Optional; default "default".
	Namespace string
	// ServiceAccount is the service account's name. Optional; default "app".
	ServiceAccount string
	// ServiceAccountUID is the service account's UID. Optional; default a UUID derived from
	// namespace and name (stable across mints).
	ServiceAccountUID string
	// Pod is the pod's name. Optional; default ServiceAccount + "-0".
	Pod string
	// PodUID is the pod's UID. Optional; default a UUID derived from namespace and pod name.
	PodUID string
	// Audience is the aud claim. Optional; default ["sts.amazonaws.com"]. One value is written
	// as a JSON array, as the Kubernetes API server writes it.
	Audience []string
	// Lifetime is exp - iat. Optional; default 24h. Ignored when Expires is set.
	Lifetime time.Duration
	// IssuedAt is the iat claim. Optional; default the issuer's Now.
	IssuedAt time.Time
	// NotBefore is the nbf claim. Optional; default IssuedAt.
	NotBefore time.Time
	// Expires is the exp claim. Optional; default IssuedAt + Lifetime. A time in the past makes
	// an expired token.
	Expires time.Time
	// Issuer is the iss claim. Optional; default the issuer's URL. Another value makes a token
	// from an unknown issuer.
	Issuer string
	// Subject is the sub claim. Optional; default "system:serviceaccount:NAMESPACE:SERVICEACCOUNT".
	Subject string
	// Claims sets claims after the defaults are filled in: a value replaces the claim, a nil
	// value removes it (e.g. {"aud": nil} makes a token without an audience). Optional.
	Claims map[string]any
	// Header sets JOSE header fields the same way (e.g. {"alg": "none"} or {"kid": "other"}).
	// With an alg other than RS256 the signature segment is left empty. Optional.
	Header map[string]any
	// Key signs the token instead of the issuer's key; the kid header stays the issuer's, so the
	// signature does not verify against the issuer's JWKS. Optional (OtherKey is a ready one).
	Key *rsa.PrivateKey
}

// sign builds and signs a token for an issuer with URL iss, key and kid, at now.
func sign(opts TokenOptions, iss string, key *rsa.PrivateKey, kid string, now time.Time) (string, error) {
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.ServiceAccount == "" {
		opts.ServiceAccount = "app"
	}
	if opts.Pod == "" {
		opts.Pod = opts.ServiceAccount + "-0"
	}
	if opts.ServiceAccountUID == "" {
		opts.ServiceAccountUID = stableUUID("serviceaccount/" + opts.Namespace + "/" + opts.ServiceAccount)
	}
	if opts.PodUID == "" {
		opts.PodUID = stableUUID("pod/" + opts.Namespace + "/" + opts.Pod)
	}
	if opts.Audience == nil {
		opts.Audience = []string{DefaultAudience}
	}
	if opts.Lifetime == 0 {
		opts.Lifetime = DefaultLifetime
	}
	if opts.IssuedAt.IsZero() {
		opts.IssuedAt = now
	}
	if opts.NotBefore.IsZero() {
		opts.NotBefore = opts.IssuedAt
	}
	if opts.Expires.IsZero() {
		opts.Expires = opts.IssuedAt.Add(opts.Lifetime)
	}
	if opts.Issuer == "" {
		opts.Issuer = iss
	}
	if opts.Subject == "" {
		opts.Subject = "system:serviceaccount:" + opts.Namespace + ":" + opts.ServiceAccount
	}

	claims := map[string]any{
		"iss": opts.Issuer,
		"sub": opts.Subject,
		"aud": opts.Audience,
		"exp": opts.Expires.Unix(),
		"iat": opts.IssuedAt.Unix(),
		"nbf": opts.NotBefore.Unix(),
		"jti": randomUUID(),
		"kubernetes.io": map[string]any{
			"namespace":      opts.Namespace,
			"serviceaccount": map[string]any{"name": opts.ServiceAccount, "uid": opts.ServiceAccountUID},
			"pod":            map[string]any{"name": opts.Pod, "uid": opts.PodUID},
		},
	}
	override(claims, opts.Claims)
	header := map[string]any{"alg": "RS256", "kid": kid}
	override(header, opts.Header)

	h, err := b64JSON(header)
	if err != nil {
		return "", fmt.Errorf("fakeoidc: encoding header: %w", err)
	}
	c, err := b64JSON(claims)
	if err != nil {
		return "", fmt.Errorf("fakeoidc: encoding claims: %w", err)
	}
	signingInput := h + "." + c
	if header["alg"] != "RS256" {
		return signingInput + ".", nil
	}
	if opts.Key != nil {
		key = opts.Key
	}
	sum := sha256.Sum256([]byte(signingInput))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("fakeoidc: signing: %w", err)
	}
	return signingInput + "." + b64(sig), nil
}

func override(dst, src map[string]any) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		dst[k] = v
	}
}

// stableUUID derives a version-4-shaped UUID from s, so the same object keeps its UID.
func stableUUID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return formatUUID(sum[:16])
}

func randomUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return formatUUID(b)
}

func formatUUID(b []byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
