package credentials

import (
	"fmt"
	"slices"
)

// nonRecoverable is implemented by errors that retrying cannot fix soon (see IsNonRecoverable).
type nonRecoverable interface {
	error
	NonRecoverable() bool
}

// IsNonRecoverable reports whether err, or an error in its chain, is one that retrying cannot
// fix soon: one marked with MarkNonRecoverable, or an error of this module that says so
// (configuration errors, AccessDenied and other refusals from STS). The Cache does not back off
// after such an error (there is nothing to wait for) but remembers it briefly.
func IsNonRecoverable(err error) bool {
	if nr, ok := err.(nonRecoverable); ok && nr.NonRecoverable() {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return IsNonRecoverable(u.Unwrap())
	case interface{ Unwrap() []error }:
		return slices.ContainsFunc(u.Unwrap(), IsNonRecoverable)
	}
	return false
}

// MarkNonRecoverable wraps err so that IsNonRecoverable reports true: the way for a Provider of
// your own to say that retrying soon cannot help. The wrapped error's text is unchanged and
// errors.Is / errors.As still see err. A nil err stays nil.
func MarkNonRecoverable(err error) error {
	if err == nil {
		return nil
	}
	return &nonRecoverableError{err: err}
}

type nonRecoverableError struct{ err error }

func (e *nonRecoverableError) Error() string        { return e.err.Error() }
func (e *nonRecoverableError) text() string         { return causeText(e.err) }
func (e *nonRecoverableError) Unwrap() error        { return e.err }
func (e *nonRecoverableError) NonRecoverable() bool { return true }

// plainError is an error of this package with nothing to unwrap (for text, see causeText).
type plainError struct{ msg string }

func (e *plainError) Error() string { return errPrefix + e.msg }
func (e *plainError) text() string  { return e.msg }

func errorf(format string, args ...any) error { return &plainError{fmt.Sprintf(format, args...)} }
