package credentials

import "context"

// Provider returns AWS credentials. Implementations must be safe for concurrent use and must honour
// the context's deadline and cancellation. Wrap a Provider in a Cache to reuse its credentials
// until shortly before they expire.
type Provider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

// ProviderFunc adapts a function to the Provider interface.
type ProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f(ctx).
func (f ProviderFunc) Retrieve(ctx context.Context) (Credentials, error) { return f(ctx) }

// Static is a Provider that always returns the same credentials, written as a literal:
//
//	credentials.Static{Value: credentials.Credentials{AccessKeyID: id, SecretAccessKey: secret}}
//
// Retrieve fails, non-recoverably, when either key is empty. Printed with fmt it shows only the
// access key ID; like Credentials, a Static held by value in an unexported field of your own
// struct is beyond fmt's reach (fmt prints such a field raw), so hold a *Static or a Provider
// interface behind a pointer there.
type Static struct {
	// Value is returned by Retrieve. Its Source is set to "static" when empty.
	Value Credentials
}

// errStaticEmpty is returned by Static.Retrieve when the access key ID or secret key is empty.
var errStaticEmpty = errorf("static credentials are empty: both an access key ID and a secret access key are required")

// Retrieve returns the static credentials, or an error if either key is empty.
func (s Static) Retrieve(context.Context) (Credentials, error) {
	if !s.Value.HasKeys() {
		return Credentials{}, MarkNonRecoverable(errStaticEmpty)
	}
	c := s.Value
	if c.Source == "" {
		c.Source = sourceStatic
	}
	return c, nil
}
