package credentials

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// hidden keeps a value where fmt never looks. fmt cannot call a Format method through an
// unexported field, so it would print a wrapped Static (or any provider holding keys) field by
// field; nor is a pointer enough: for a verb that does not fit, fmt follows it ("%!s(*T=&{...})").
// A func is printed as an address and reflection cannot look inside it. Every provider of this
// package keeps behind one what fmt could otherwise reach: a wrapped provider (Cache, AssumeRole,
// ForSDK) or its whole state (the container, process, SSO and IMDS providers).
type hidden[T any] struct{ get func() T }

func hide[T any](v T) hidden[T] { return hidden[T]{get: func() T { return v }} }

// describeProvider names a provider without printing its fields: its own String if it is one of
// this package's types, else its type.
func describeProvider(p Provider) string {
	switch v := p.(type) {
	case nil:
		return "<nil>"
	case *Cache, *AssumeRole, *WebIdentity, *RoleChain, Static, Env, *container, *process, *ssoProvider, *imds:
		return v.(fmt.Stringer).String()
	}
	return fmt.Sprintf("%T", p)
}

// formatString writes s for any verb, quoted for %q.
func formatString(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}

// String describes the Cache by its provider and state; it never shows a secret.
func (c *Cache) String() string {
	st := c.Status()
	s := "credentials.Cache{Provider: " + describeProvider(c.provider.get()) + ", State: " + st.State
	if st.AccessKeyID != "" {
		s += ", AccessKeyID: " + keyID(st.AccessKeyID)
	}
	if !st.Expires.IsZero() {
		s += ", Expires: " + st.Expires.UTC().Format(time.RFC3339)
	}
	return s + "}"
}

// Format prints String for every verb.
func (c *Cache) Format(f fmt.State, verb rune) { formatString(f, verb, c.String()) }

func (s sdkProvider) String() string {
	return "credentials.ForSDK(" + describeProvider(s.p.get()) + ")"
}

func (s sdkProvider) Format(f fmt.State, verb rune) { formatString(f, verb, s.String()) }

// String names the role and the source's kind; it never shows a secret.
func (a *AssumeRole) String() string {
	return fmt.Sprintf("credentials.AssumeRole{RoleARN: %s, Source: %s}", a.opts.RoleARN, describeProvider(a.source.get()))
}

// Format prints String for every verb.
func (a *AssumeRole) Format(f fmt.State, verb rune) { formatString(f, verb, a.String()) }

// String names the role and the token file.
func (w *WebIdentity) String() string {
	return fmt.Sprintf("credentials.WebIdentity{RoleARN: %s, TokenFile: %s}", w.opts.RoleARN, cmp.Or(w.opts.TokenFile, "(TokenSource)"))
}

// String lists the chain's hops.
func (r *RoleChain) String() string {
	parts := make([]string, len(r.hops))
	for i, h := range r.hops {
		parts[i] = h.String()
	}
	return "credentials.RoleChain{" + strings.Join(parts, " -> ") + "}"
}

// String says the provider is Static and shows the access key ID only.
func (s Static) String() string {
	return "credentials.Static{AccessKeyID: " + keyID(s.Value.AccessKeyID) + "}"
}

// String says the provider reads the environment.
func (e Env) String() string { return "credentials.Env{}" }
