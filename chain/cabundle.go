package chain

import "github.com/irsa-go/irsa/internal/tlsroots"

// caBundle reads the CA bundle that AWS_CA_BUNDLE, else the profile's ca_bundle, names, as
// botocore does: the path is used as written, and the bundle replaces the system's roots.
func (r *resolver) caBundle() error {
	v, err := r.lookup("AWS_CA_BUNDLE", r.name, "ca_bundle")
	if err != nil || v.v == "" {
		return err
	}
	r.exp.CABundle, r.exp.CABundleFrom = v.v, v.from(r.name)
	if r.roots, err = tlsroots.Load(r.ctx, v.v); err != nil {
		return v.invalid(r.name, err.Error())
	}
	if r.opts.STS != nil || r.opts.HTTPClient != nil {
		r.note("the CA bundle is not used for STS: Options.STS or Options.HTTPClient is set and decides which servers to trust (Result.RootCAs holds the bundle's certificates)")
	}
	return nil
}
