// Package flagnames tells chain's explanations and errors in the words of a command line. chain
// says a profile or region came "from Options.Profile" or "from Options.Region"; a command that
// filled those options from its --profile and --region flags says "from --profile" and "from
// --region", which is what its user typed. The rewording works on the structured fields of
// chain.Explanation and chain's error types, and each message is then built by chain's own code.
package flagnames

import (
	"errors"

	"github.com/irsa-go/irsa/chain"
)

// flags maps what chain reports as a value's origin to the flag a command fills it from.
var flags = map[string]string{"Options.Profile": "--profile", "Options.Region": "--region"}

func flagFor(from string) (string, bool) {
	f, ok := flags[from]
	if !ok {
		return from, false
	}
	return f, true
}

// Explanation returns a copy of exp in which the profile, the region and their settings that
// came from chain.Options are attributed to --profile and --region, and Err is reworded by
// Error. exp is not changed; nil stays nil.
func Explanation(exp *chain.Explanation) *chain.Explanation {
	if exp == nil {
		return nil
	}
	e, _ := reworded(exp)
	e.Err = Error(exp.Err)
	return e
}

// reworded is Explanation without rewording Err (a NoCredentialsError holds the explanation
// that holds it), and whether anything changed. Only the profile, the region and the STS
// settings (where the region is one) can name an option a command fills from a flag.
func reworded(exp *chain.Explanation) (*chain.Explanation, bool) {
	e := *exp
	var p, r bool
	e.ProfileFrom, p = flagFor(e.ProfileFrom)
	e.RegionFrom, r = flagFor(e.RegionFrom)
	e.STS.Settings = append([]chain.Setting(nil), e.STS.Settings...)
	for i := range e.STS.Settings {
		e.STS.Settings[i].From, _ = flagFor(e.STS.Settings[i].From)
	}
	return &e, p || r
}

// Error rewords the errors of chain.Resolve and chain.Explain that name an option a command
// fills from a flag: a profile that does not exist, no credentials (whose message is the
// explanation), an invalid region. The result says what chain's error says, with the flag in
// place of the option and without chain's "chain: " prefix, and wraps err, so errors.As still
// finds chain's types. Other errors, and nil, are returned as they are.
func Error(err error) error {
	if err == nil {
		return nil
	}
	var notFound *chain.ProfileNotFoundError
	var none *chain.NoCredentialsError
	var config *chain.ConfigError
	switch {
	case as(err, &notFound):
		e := *notFound
		if f, ok := flagFor(e.From); ok {
			e.From = f
			return &flagError{msg: e.Error(), err: err}
		}
	case as(err, &none):
		if exp, ok := reworded(none.Explanation); ok {
			return &flagError{msg: (&chain.NoCredentialsError{Explanation: exp}).Error(), err: err}
		}
	case as(err, &config):
		e := *config
		if f, ok := flagFor(e.Key); ok {
			e.Key = f
			return &flagError{msg: e.Error(), err: err}
		}
	}
	return err
}

// as is errors.As for an error chain returns directly or wrapped once (by its "chain: "
// prefix): one wrapped deeper carries context that rewording it alone would lose.
func as[T error](err error, target *T) bool {
	for _, e := range []error{err, errors.Unwrap(err)} {
		if t, ok := e.(T); ok {
			*target = t
			return true
		}
	}
	return false
}

// flagError is one of chain's errors told with a command's flags.
type flagError struct {
	msg string
	err error
}

func (e *flagError) Error() string { return e.msg }
func (e *flagError) Unwrap() error { return e.err }
