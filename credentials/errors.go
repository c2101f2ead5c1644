package credentials

// NonRecoverable is implemented by errors that retrying cannot fix soon: access denied, a role
// that does not trust the token, an invalid configuration. The Cache does not back off after such
// an error (there is nothing to wait for); it remembers it briefly instead so that a caller
// looping on it does not hammer the source. Providers mark errors with MarkNonRecoverable or by
// implementing this interface on their own error types.
type NonRecoverable interface {
	error
	NonRecoverable() bool
}

// IsNonRecoverable reports whether any error in err's chain implements NonRecoverable and says so.
func IsNonRecoverable(err error) bool {
	for err != nil {
		if nr, ok := err.(NonRecoverable); ok && nr.NonRecoverable() {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if IsNonRecoverable(e) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// MarkNonRecoverable wraps err so that IsNonRecoverable reports true. The wrapped error's text is
// unchanged and errors.Is / errors.As still see err. A nil err stays nil.
func MarkNonRecoverable(err error) error {
	if err == nil {
		return nil
	}
	return &nonRecoverableError{err: err}
}

type nonRecoverableError struct{ err error }

func (e *nonRecoverableError) Error() string        { return e.err.Error() }
func (e *nonRecoverableError) Unwrap() error        { return e.err }
func (e *nonRecoverableError) NonRecoverable() bool { return true }
